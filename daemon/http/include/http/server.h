// The daemon's HTTP(S) server (DESIGN.md §8 "HTTP"): Beast, HTTP/1.1 with keep-alive, one strand
// per connection, TLS 1.2+ when a certificate is configured, bearer-token or client-certificate
// authentication mapped to roles, and the built-in routes:
//
//   GET /healthz   public; 200 "ok" while the event loop runs
//   GET /readyz    public; 200 once SetReady(true) was called, else 503
//   GET /metrics   Metrics::Render(); roles metrics, auditor and archivist (public when
//                  ServerOptions::metrics_public); only when a Metrics object is given
//
// Everything else goes to the Router given to Start(). Limits on every connection: the whole
// request (header and body) must arrive within read_timeout of the first byte being awaited
// (slow clients are closed); header fields over max_header_bytes get 431, bodies over
// max_body_bytes get 413 (then close); at most max_connections connections are served at once,
// further ones get 503 with `Retry-After` and are closed. Every response is counted in
// arkivvakt_http_requests_total with the route template (never the raw path) and status.
//
// Authentication failures: 401 with `WWW-Authenticate: Bearer` for missing or bad credentials,
// 403 for a role the route does not allow; counted by reason. Tokens never appear in a response,
// an error or a log line. Logs (common/log.h) carry route templates, status codes and grant
// names only, never paths, query strings, bodies or client addresses.
//
// Threading: the server runs on the io_context given to Start(), which may be run by one or more
// threads. kBlocking handlers run on `blocking`; the io_context, the pool, the router and the
// metrics must outlive the server (and, after Stop(), until `done` has run).
// Errors: Start() returns kInvalidArgument for a bad listen address, option or grant, kIo when
// the address cannot be bound, kSecurity/kIo naming the file when a certificate, key or CA file
// cannot be loaded or the key does not match the certificate.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "common/result.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/router.h"

namespace arkivvakt::http {

struct ServerOptions {
  // "host:port" with an IP literal host ("127.0.0.1:8470", "[::1]:8470", "0.0.0.0:8470") or
  // "localhost:PORT". Port 0 picks a free port (see Server::bound_endpoint()).
  std::string listen = "127.0.0.1:8470";
  // Both set: HTTPS only (TLS 1.2 and 1.3). tls_cert holds the certificate chain (leaf first),
  // PEM; tls_key the private key, PEM. Both empty: plain HTTP.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  // Optional (TLS only): CA certificates (PEM) that client certificates are verified against.
  // A client certificate is requested but not required; its CN counts only if it verified.
  std::filesystem::path client_ca;
  std::vector<TokenGrant> tokens;
  std::vector<ClientCertGrant> client_certs;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  // Time for a whole request to arrive, and for an idle keep-alive connection to send the next
  // one; also bounds the TLS handshake and each response write.
  std::chrono::milliseconds read_timeout{10000};
  int max_connections = 512;
  // Stop(): how long in-flight requests may take before their connections are closed anyway.
  std::chrono::milliseconds stop_timeout{5000};
  // GET /metrics without credentials (for a loopback-only listener scraped by a local Prometheus).
  bool metrics_public = false;
};

class Server {
 public:
  // Binds and starts accepting. `router` is consulted for every request but the built-in routes.
  // `metrics` may be null (then /metrics is 404 and nothing is counted).
  static Result<std::unique_ptr<Server>> Start(boost::asio::io_context& io,
                                               const ServerOptions& options, const Router& router,
                                               boost::asio::thread_pool& blocking,
                                               Metrics* metrics);

  // Closes the acceptor and every connection at once, without waiting (prefer Stop()).
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The address actually bound (the port chosen when the configured port was 0).
  boost::asio::ip::tcp::endpoint bound_endpoint() const;

  // Whether GET /readyz answers 200. False at start. Any thread.
  void SetReady(bool ready);

  // Stops accepting, closes idle connections, lets requests in flight finish and answers them
  // with `Connection: close`. `done` runs once, on the io_context, when every connection is
  // gone, or after stop_timeout: then the remaining connections are closed unanswered (a
  // kBlocking handler still running finishes on the pool and its response is dropped, so join
  // the pool before destroying the io_context). Any thread; a second call does not restart the
  // stop, its `done` also runs when the first stop completes.
  void Stop(std::function<void()> done);

  // Connections currently open (for tests and logs). Any thread.
  int open_connections() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace arkivvakt::http
