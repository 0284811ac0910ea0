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
// max_body_bytes get 413 (then close). Every response is counted in
// arkivvakt_http_requests_total with the route template (never the raw path) and status.
//
// Connection cap: at most max_connections connections are open at once. A connection is idle
// while nothing of a request has arrived (just accepted, in its TLS handshake, or a keep-alive
// between requests) and busy from the first byte of a request until its response is written.
// A connection arriving at the cap evicts the connection idle the longest (closed without an
// answer, as an idle keep-alive may be) and is served, so idle connections, however many, never
// lock out /healthz. Only when every connection is busy is the newcomer refused: without reading
// its request it gets a complete `HTTP/1.1 503` with `Retry-After: 1` and `Connection: close`
// (after the TLS handshake over TLS), each step within min(read_timeout, 1 s), then up to 64 KiB
// of what it sends are dropped for at most 1 s and it is closed. At most 64 refused connections
// are answered so at once; past that a plain connection gets the same 503 written without
// waiting and a TLS connection is closed. Evictions and refusals are logged as counts
// (`http.connections_shed`, at most one line a second), never with addresses.
//
// Authentication failures: 401 with `WWW-Authenticate: Bearer` for missing or bad credentials,
// 403 for a role the route does not allow; counted by reason. A request with more than one
// `Authorization` header is refused on every route, public or not, and never authenticated:
// 400 with `WWW-Authenticate: Bearer error="invalid_request"` and `Connection: close`, counted
// as reason "invalid". Tokens never appear in a response, an error or a log line. Logs
// (common/log.h) carry route templates, status codes and grant names only, never paths, query
// strings, bodies or client addresses.
//
// Grants: Start() takes ServerOptions::tokens and client_certs; SetGrants() replaces them while
// running (configuration reload). Both validate with ValidateGrants() (http/auth.h). Each request
// authenticates against one snapshot of the grants, so a swap applies whole from the next
// request on, including the next request of a keep-alive connection opened before it.
//
// Threading: the server runs on the io_context given to Start(), which may be run by one or more
// threads. kBlocking handlers run on `blocking`; the io_context, the pool, the router and the
// metrics must outlive the server (and, after Stop(), until `done` has run).
// Errors: Start() returns kInvalidArgument for a bad listen address, option or grant (see
// ValidateGrants(): a malformed digest, one token digest or client CN in two grants), kIo when
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
  // The grants at start; Server::SetGrants() replaces them (these options are not updated).
  std::vector<TokenGrant> tokens;
  std::vector<ClientCertGrant> client_certs;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  // Time for a whole request to arrive, and for an idle keep-alive connection to send the next
  // one; also bounds the TLS handshake and each response write.
  std::chrono::milliseconds read_timeout{10000};
  // Connections open at once; at the cap the longest-idle one is evicted for a newcomer, which is
  // refused with 503 only when every connection has a request in progress.
  int max_connections = 512;
  // Stop(): how long in-flight requests may take before their connections are closed anyway.
  std::chrono::milliseconds stop_timeout{5000};
  // GET /metrics without credentials (for a loopback-only listener scraped by a local Prometheus).
  bool metrics_public = false;
};

// ServerOptions::listen as an endpoint (what Start() binds); kInvalidArgument naming the value
// when it is not "host:port" with an IP literal or localhost and a port from 0 to 65535.
Result<boost::asio::ip::tcp::endpoint> ParseListenAddress(const std::string& listen);

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

  // Replaces the bearer-token and client-certificate grants, e.g. on a configuration reload.
  // Validates with ValidateGrants() exactly as Start() does; on an error (kInvalidArgument, naming
  // grants or CNs, never a digest) the grants in force stay. On success every request
  // authenticated after the return uses the new set (also on keep-alive connections opened
  // before: a removed token gets 401 on its next request); a request authenticating meanwhile
  // uses the old set or the new one, whole. Logs the counts. Any thread.
  Status SetGrants(std::vector<TokenGrant> tokens, std::vector<ClientCertGrant> client_certs);

  // Connections counted against max_connections (not those being refused or already evicted).
  // Any thread.
  int open_connections() const;

  // Of those, the ones with a request in progress (not candidates for eviction). Any thread.
  int busy_connections() const;

  struct Impl;

 private:
  explicit Server(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace arkivvakt::http
