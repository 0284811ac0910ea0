// The server's TLS context: TLS 1.2 and 1.3 only, certificate chain and key from PEM files,
// optional client-certificate verification against a CA file.
//
// Thread-safety: the returned context is shared by every TLS session (OpenSSL's SSL_CTX is safe
// for that once configured).
// Errors: kInvalidArgument when only one of cert/key is set or a CA is set without them;
// kNotFound when a file does not exist; kSecurity naming the file when it cannot be loaded as
// PEM or the key does not match the certificate.
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "common/result.h"

namespace arkivvakt::http {

Result<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::filesystem::path& cert_chain, const std::filesystem::path& key,
    const std::filesystem::path& client_ca);

}  // namespace arkivvakt::http
