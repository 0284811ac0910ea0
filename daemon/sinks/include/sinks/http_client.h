// A small synchronous HTTP(S) client for the notification senders: POST a body with headers, get
// the status and a bounded body back, within one total deadline. Beast over Asio (compiled once
// in arkivvakt::net); TLS through OpenSSL, TLS 1.2 or newer, the peer verified against the system
// CA store or a configured CA file, host name (or IP address) checked, SNI sent.
//
// One connection per request ("Connection: close"): notifications are rare and small, and a
// fresh connection never inherits a half-broken one. The deadline covers resolving, connecting,
// the TLS handshake, writing and reading.
//
// Thread-safety: Post() may be called from several threads at once (each call has its own
// io_context; the TLS context is shared read-only).
// Errors: kInvalidArgument for a URL that is not http(s)://host[:port][/path] (user info is
// refused: credentials do not belong in URLs); kIo when resolving, connecting, writing or
// reading failed or the deadline passed; kSecurity when the TLS handshake or the peer's
// certificate was refused. Messages name scheme, host and port only — never the path or query
// (webhook URLs often carry a token there), the headers or the body.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace arkivvakt::sinks {

struct HttpClientOptions {
  // Total time for one request, from resolving to the last byte of the response.
  std::chrono::milliseconds timeout{10000};
  // Response bodies longer than this are not read (HttpResponse::body_truncated).
  std::size_t max_response_body = 64 * 1024;
  // PEM file with the CA certificates to trust for https; empty = the system store.
  std::filesystem::path ca_file;
};

struct HttpUrl {
  bool tls = false;
  std::string host;    // without brackets for IPv6
  std::string port;    // "80"/"443" when not given
  std::string target;  // path and query, at least "/"

  // "https://host:port" — what error messages may show.
  std::string Origin() const;
};

Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;  // at most max_response_body bytes
  bool body_truncated = false;
};

using HttpHeader = std::pair<std::string, std::string>;

class HttpClient {
 public:
  // Loads the trust anchors once.
  static Result<std::shared_ptr<const HttpClient>> Create(const HttpClientOptions& options);

  // POSTs `body`; Content-Type is application/json unless `headers` sets one.
  Result<HttpResponse> Post(const HttpUrl& url, std::string_view body,
                            std::span<const HttpHeader> headers) const;

  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace arkivvakt::sinks
