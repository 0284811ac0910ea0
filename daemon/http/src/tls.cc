#include "tls.h"

#include <string>
#include <system_error>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace arkivvakt::http {

namespace net = boost::asio;

namespace {

// The first queued OpenSSL error as text (reasons only: never key material), and clears the queue.
std::string OpenSslReason() {
  unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int)
  ERR_clear_error();
  if (code == 0) {
    return "unknown error";
  }
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown error";
}

Status RequireFile(const char* key, const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return MakeError(ErrorCode::kNotFound,
                     std::string(key) + " " + path.string() + ": no such file");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const std::filesystem::path& cert_chain,
                                                          const std::filesystem::path& key,
                                                          const std::filesystem::path& client_ca) {
  if (cert_chain.empty() != key.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "server: tls_cert and tls_key must be set together");
  }
  if (cert_chain.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "server: client_ca needs tls_cert and tls_key (client certificates need TLS)");
  }
  ARKIVVAKT_RETURN_IF_ERROR(RequireFile("server.tls_cert", cert_chain));
  ARKIVVAKT_RETURN_IF_ERROR(RequireFile("server.tls_key", key));
  if (!client_ca.empty()) {
    ARKIVVAKT_RETURN_IF_ERROR(RequireFile("server.client_ca", client_ca));
  }

  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
                   net::ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return MakeError(ErrorCode::kInternal, "server: cannot require TLS 1.2: " + OpenSslReason());
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_chain.c_str()) != 1) {
    return MakeError(ErrorCode::kSecurity, "server.tls_cert " + cert_chain.string() +
                                               ": cannot load a PEM certificate chain (" +
                                               OpenSslReason() + ")");
  }
  if (SSL_CTX_use_PrivateKey_file(native, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return MakeError(ErrorCode::kSecurity, "server.tls_key " + key.string() +
                                                 ": does not match the certificate in " +
                                                 cert_chain.string());
    }
    return MakeError(ErrorCode::kSecurity, "server.tls_key " + key.string() +
                                               ": cannot load a PEM private key (" +
                                               OpenSslReason() + ")");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return MakeError(ErrorCode::kSecurity, "server.tls_key " + key.string() +
                                               ": does not match the certificate in " +
                                               cert_chain.string());
  }
  if (!client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(native, client_ca.c_str(), nullptr) != 1) {
      return MakeError(ErrorCode::kSecurity, "server.client_ca " + client_ca.string() +
                                                 ": cannot load PEM CA certificates (" +
                                                 OpenSslReason() + ")");
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
    if (names == nullptr) {
      return MakeError(ErrorCode::kSecurity, "server.client_ca " + client_ca.string() +
                                                 ": no CA names found (" + OpenSslReason() + ")");
    }
    SSL_CTX_set_client_CA_list(native, names);  // takes ownership
    // Requested, not required: requests may authenticate with a bearer token instead.
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
    static constexpr unsigned char kSessionContext[] = "arkivvakt-http";
    SSL_CTX_set_session_id_context(native, kSessionContext, sizeof(kSessionContext) - 1);
  }
  return ctx;
}

}  // namespace arkivvakt::http
