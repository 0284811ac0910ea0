#include "sinks/http_client.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

namespace arkivvakt::sinks {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

constexpr std::size_t kHeaderLimit = 16 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsIpLiteral(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// Starts an asynchronous operation with a handler that records its error code, runs the
// io_context until the operation completes (the stream's own expiry ends it at the deadline).
template <class Start>
error_code RunOp(asio::io_context& ioc, Start&& start) {
  std::optional<error_code> result;
  start([&result](error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result.value_or(asio::error::operation_aborted);
}

Error IoError(const HttpUrl& url, std::string_view what, const error_code& ec) {
  const bool timeout = ec == beast::error::timeout || ec == asio::error::timed_out ||
                       ec == asio::error::operation_aborted;
  return MakeError(ErrorCode::kIo, std::string(what) + " " + url.Origin() + " failed: " +
                                       (timeout ? std::string("deadline passed") : ec.message()));
}

template <class Stream>
Result<HttpResponse> Exchange(asio::io_context& ioc, Stream& stream, const HttpUrl& url,
                              bhttp::request<bhttp::string_body>& request, std::size_t max_body) {
  error_code ec = RunOp(ioc, [&](auto handler) { bhttp::async_write(stream, request, handler); });
  if (ec) {
    return IoError(url, "sending to", ec);
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(max_body);
  ec = RunOp(ioc, [&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
  HttpResponse response;
  if (ec == bhttp::error::body_limit && parser.is_header_done()) {
    response.status = static_cast<int>(parser.get().result_int());
    response.body_truncated = true;
    return response;
  }
  if (ec) {
    return IoError(url, "reading the response from", ec);
  }
  response.status = static_cast<int>(parser.get().result_int());
  response.body = std::move(parser.get().body());
  return response;
}

}  // namespace

std::string HttpUrl::Origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + port;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl out;
  const std::string lower = Lower(url.substr(0, 8));
  std::string_view rest;
  if (lower.starts_with("https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (lower.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "a sink URL must start with http:// or https://");
  }
  const std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] != '/') {
    out.target = "/" + out.target;
  }
  if (const std::size_t hash = out.target.find('#'); hash != std::string::npos) {
    out.target.resize(hash);
  }
  if (authority.find('@') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a sink URL must not carry user information (put secrets in files)");
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "a sink URL has an unclosed IPv6 address");
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return MakeError(ErrorCode::kInvalidArgument, "a sink URL has a malformed host");
      }
      port = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "a sink URL has no host");
  }
  if (port.empty()) {
    out.port = out.tls ? "443" : "80";
  } else if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
               return std::isdigit(static_cast<unsigned char>(c)) != 0;
             })) {
    return MakeError(ErrorCode::kInvalidArgument, "a sink URL has a malformed port");
  } else {
    out.port = std::string(port);
  }
  return out;
}

struct HttpClient::Impl {
  HttpClientOptions options;
  ssl::context tls{ssl::context::tls_client};
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() = default;

Result<std::shared_ptr<const HttpClient>> HttpClient::Create(const HttpClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (SSL_CTX_set_min_proto_version(impl->tls.native_handle(), TLS1_2_VERSION) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL refused the minimum TLS version");
  }
  impl->tls.set_verify_mode(ssl::verify_peer);
  error_code ec;
  if (options.ca_file.empty()) {
    impl->tls.set_default_verify_paths(ec);
  } else {
    impl->tls.load_verify_file(options.ca_file.string(), ec);
  }
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot load the CA certificates for sinks (" +
                                         (options.ca_file.empty() ? std::string("system store")
                                                                  : options.ca_file.string()) +
                                         "): " + ec.message());
  }
  return std::shared_ptr<const HttpClient>(new HttpClient(std::move(impl)));
}

Result<HttpResponse> HttpClient::Post(const HttpUrl& url, std::string_view body,
                                      std::span<const HttpHeader> headers) const {
  asio::io_context ioc;
  const auto deadline = std::chrono::steady_clock::now() + impl_->options.timeout;

  // Resolve, bounded by a timer (the resolver has no expiry of its own).
  tcp::resolver resolver(ioc);
  asio::steady_timer timer(ioc);
  timer.expires_at(deadline);
  timer.async_wait([&resolver](error_code ec) {
    if (!ec) {
      resolver.cancel();
    }
  });
  tcp::resolver::results_type endpoints;
  std::optional<error_code> resolved;
  resolver.async_resolve(url.host, url.port,
                         [&](error_code ec, tcp::resolver::results_type results) {
                           resolved = ec;
                           endpoints = std::move(results);
                           timer.cancel();
                         });
  ioc.run();
  if (!resolved || *resolved) {
    return IoError(url, "resolving", resolved.value_or(asio::error::timed_out));
  }

  bhttp::request<bhttp::string_body> request{bhttp::verb::post, url.target, 11};
  const bool default_port = url.port == (url.tls ? "443" : "80");
  const std::string host_header =
      (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) +
      (default_port ? "" : ":" + url.port);
  request.set(bhttp::field::host, host_header);
  request.set(bhttp::field::user_agent, "arkivvakt");
  request.set(bhttp::field::connection, "close");
  bool has_type = false;
  for (const HttpHeader& h : headers) {
    has_type = has_type || Lower(h.first) == "content-type";
    request.set(h.first, h.second);
  }
  if (!has_type) {
    request.set(bhttp::field::content_type, "application/json");
  }
  request.body() = std::string(body);
  request.prepare_payload();

  if (!url.tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_at(deadline);
    error_code ec =
        RunOp(ioc, [&](auto handler) { stream.async_connect(endpoints, std::move(handler)); });
    if (ec) {
      return IoError(url, "connecting to", ec);
    }
    auto response = Exchange(ioc, stream, url, request, impl_->options.max_response_body);
    error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return response;
  }

  beast::ssl_stream<beast::tcp_stream> stream(ioc, impl_->tls);
  if (!IsIpLiteral(url.host) &&
      // SSL_set_tlsext_host_name() without its C cast.
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url.host.c_str())) != 1) {
    return MakeError(ErrorCode::kInternal, "OpenSSL refused the SNI name for " + url.Origin());
  }
  stream.set_verify_callback(ssl::host_name_verification(url.host));
  beast::get_lowest_layer(stream).expires_at(deadline);
  error_code ec = RunOp(ioc, [&](auto handler) {
    beast::get_lowest_layer(stream).async_connect(endpoints, std::move(handler));
  });
  if (ec) {
    return IoError(url, "connecting to", ec);
  }
  ec = RunOp(ioc, [&](auto handler) {
    stream.async_handshake(ssl::stream_base::client, std::move(handler));
  });
  if (ec) {
    if (ec == beast::error::timeout) {
      return IoError(url, "TLS handshake with", ec);
    }
    return MakeError(ErrorCode::kSecurity,
                     "TLS handshake with " + url.Origin() + " refused: " + ec.message());
  }
  auto response = Exchange(ioc, stream, url, request, impl_->options.max_response_body);
  // "Connection: close": the response is complete; no close_notify round trip is awaited.
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
  return response;
}

}  // namespace arkivvakt::sinks
