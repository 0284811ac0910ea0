#include "http/server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <charconv>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/log.h"
#include "tls.h"

namespace arkivvakt::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

// Refused connections (over the cap with nobody idle to evict) being answered 503 by a session of
// their own at once; beyond this the 503 is written without waiting (plain HTTP; TLS: closed).
constexpr int kMaxRejecting = 64;
// How long a connection closed after an error response is drained before it is reset.
constexpr std::chrono::milliseconds kLingerTime{1000};
// A refused connection: the TLS handshake, and the 503's write, each within this (or read_timeout
// if shorter); then at most kRejectDrainBytes of what it sends are read and dropped, during
// kLingerTime, so that it reads the 503 rather than a reset. Its request is never parsed.
constexpr std::chrono::milliseconds kRejectTimeout{1000};
constexpr std::size_t kRejectDrainBytes = 64 * 1024;
// The answer of a refused connection, complete (ErrorResponse(503, "too many connections") with
// the headers every response carries).
constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\n"
    "Content-Type: application/json\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Retry-After: 1\r\n"
    "Connection: close\r\n"
    "Content-Length: 32\r\n"
    "\r\n"
    "{\"error\":\"too many connections\"}";
// The first read on an idle connection (what tells idle from busy); the parser reads the rest.
constexpr std::size_t kFirstReadBytes = 4096;
// Evictions and refusals are logged as counts, at most one line per interval.
constexpr std::chrono::seconds kShedLogInterval{1};

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<tcp::endpoint> ParseListen(const std::string& listen) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "server.listen \"" + listen + "\": " + std::string(why));
  };
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return bad("expected host:port");
  }
  std::string host = listen.substr(0, colon);
  std::string_view port_text = std::string_view(listen).substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code aec;
  net::ip::address address = net::ip::make_address(host, aec);
  if (aec) {
    return bad("host must be an IP address or localhost");
  }
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

std::string EndpointText(const tcp::endpoint& ep) {
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) {
    host = "[" + host + "]";
  }
  return host + ":" + std::to_string(ep.port());
}

}  // namespace

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  // The count a connection holds: Server::Impl::active, Server::Impl::rejecting, or none once it
  // was evicted (its place passed to the newcomer).
  enum class Slot { kAdmitted, kRejecting, kEvicted };

  virtual ~SessionBase() = default;
  // Posts to the session's strand: an idle connection is closed, one with a request in flight
  // answers it with `Connection: close`.
  virtual void Shutdown() = 0;
  // Posts to the session's strand: closes the connection whatever it is doing.
  virtual void ForceClose() = 0;

  // A request in progress: some of it read, being handled, or its response being written. Set on
  // the session's strand; read by the acceptor choosing a connection to evict.
  std::atomic<bool> busy{false};
  // When the connection last became idle (accepted, or its last response written), in
  // steady_clock ticks. Set on the session's strand.
  std::atomic<std::chrono::steady_clock::rep> idle_since{
      std::chrono::steady_clock::now().time_since_epoch().count()};
  Slot slot = Slot::kAdmitted;  // guarded by Server::Impl::mu
};

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::io_context& io_context, const ServerOptions& server_options, const Router& app_router,
       net::thread_pool& pool, Metrics* server_metrics,
       std::shared_ptr<const Authenticator> authenticator)
      : io(io_context),
        options(server_options),
        router(app_router),
        blocking(pool),
        metrics(server_metrics),
        strand(net::make_strand(io_context)),
        acceptor(strand),
        stop_timer(strand),
        shed_timer(strand),
        auth(std::move(authenticator)) {}

  // The grants in force; a request authenticates against one snapshot.
  std::shared_ptr<const Authenticator> Grants() const {
    std::lock_guard lock(auth_mu);
    return auth;
  }

  std::chrono::milliseconds RejectTimeout() const {
    return std::min(options.read_timeout, kRejectTimeout);
  }

  void DoAccept();
  void OnAccept(boost::system::error_code ec, tcp::socket socket);
  // REQUIRES: mu held. The admitted connection idle the longest (no request in progress), if any.
  SessionBase* LongestIdleLocked() const;
  // Past kMaxRejecting: the 503 written without waiting, then the socket is closed.
  void AnswerBusyAtOnce(tcp::socket& socket);
  // On `strand`: counts an eviction or a refusal; logs at most once per kShedLogInterval.
  void NoteShed(bool evicted);
  void LogShed();
  void ArmShedTimer();
  void SessionGone(SessionBase* session);
  void Stop(std::function<void()> done);
  void CheckStopDone();
  void CloseEverything();

  net::io_context& io;
  const ServerOptions options;
  const Router& router;
  net::thread_pool& blocking;
  Metrics* metrics;
  Router builtin;
  std::unique_ptr<net::ssl::context> tls;
  net::strand<net::io_context::executor_type> strand;  // the acceptor's and the stop timer's
  tcp::acceptor acceptor;
  net::steady_timer stop_timer;
  net::steady_timer shed_timer;
  // On `strand`: evictions and refusals not logged yet, and whether a log interval is running.
  int shed_evicted = 0;
  int shed_refused = 0;
  bool shed_timer_armed = false;
  tcp::endpoint endpoint;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
  std::atomic<int> active{0};
  std::atomic<bool> accepting{true};  // false once the acceptor is closed (set on `strand`)

  std::mutex mu;  // guards the members below
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  int rejecting = 0;
  std::vector<std::function<void()>> stop_waiters;
  bool stop_done = false;

  mutable std::mutex auth_mu;
  std::shared_ptr<const Authenticator> auth;  // guarded by auth_mu; replaced whole by SetGrants()
};

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

Response Invoke(const Router::Route& route, const Request& request, const PathParams& params) {
  try {
    return route.handler(request, params);
  } catch (const std::exception&) {
    // The text of the exception is not logged: it could carry data from the request.
    Log(LogLevel::kError, "http.handler_failed", "route=" + route.path_template);
    return ErrorResponse(500, "internal error");
  }
}

// The subject CN of a client certificate that passed verification, if any.
std::optional<std::string> VerifiedClientCn(SSL* ssl) {
  if (SSL_get_verify_result(ssl) != X509_V_OK) {
    return std::nullopt;
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), &X509_free);
  if (!cert) {
    return std::nullopt;
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, index) >= 0) {
    return std::nullopt;  // none, or ambiguous
  }
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) {
    return std::nullopt;
  }
  std::string cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return cn;
}

template <class Stream>
class Session : public SessionBase {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(std::shared_ptr<Server::Impl> server, tcp::socket socket, bool rejected)
      : server_(std::move(server)), stream_(MakeStream(std::move(socket))), rejected_(rejected) {}

  ~Session() override {
    if (registered_) {
      server_->SessionGone(this);
    }
  }

  void set_registered() { registered_ = true; }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = Self()] { self->Start(); });
  }

  void Shutdown() override {
    net::post(stream_.get_executor(), [self = Self()] {
      self->stop_requested_ = true;
      if (!self->handling_) {
        self->CloseNow();
      }
    });
  }

  void ForceClose() override {
    net::post(stream_.get_executor(), [self = Self()] { self->CloseNow(); });
  }

 private:
  Stream MakeStream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server_->tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void Start() {
    if constexpr (kTls) {
      Lowest().expires_after(rejected_ ? server_->RejectTimeout() : server_->options.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
    } else if (rejected_) {
      SendBusy();
    } else {
      DoRead();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (closed_) {
      return;
    }
    if (ec) {
      Log(LogLevel::kDebug, "http.tls_handshake_failed");
      CloseNow();
      return;
    }
    if (rejected_) {
      SendBusy();
      return;
    }
    if constexpr (kTls) {
      client_cn_ = VerifiedClientCn(stream_.native_handle());
    }
    DoRead();
  }

  // A connection over the cap: the fixed 503 without reading the request, then closed.
  void SendBusy() {
    handling_ = true;
    linger_ = true;
    busy.store(true);
    if (server_->metrics != nullptr) {
      server_->metrics->HttpRequest("other", 503, std::chrono::nanoseconds(0));
    }
    Lowest().expires_after(server_->RejectTimeout());
    net::async_write(stream_, net::buffer(kBusyResponse.data(), kBusyResponse.size()),
                     [self = Self()](beast::error_code ec, std::size_t) {
                       self->handling_ = false;
                       if (ec) {
                         self->CloseNow();
                         return;
                       }
                       self->DoClose();
                     });
  }

  void DoRead() {
    if (closed_) {
      return;
    }
    if (stop_requested_) {
      DoClose();
      return;
    }
    // One deadline for the wait and the whole request.
    Lowest().expires_after(server_->options.read_timeout);
    if (buffer_.size() > 0) {
      ReadRequest();  // a pipelined request has begun already
      return;
    }
    // Idle (evictable) until the first byte of the next request arrives.
    idle_since.store(std::chrono::steady_clock::now().time_since_epoch().count());
    busy.store(false);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = Self()](beast::error_code ec, std::size_t n) { self->OnFirstBytes(ec, n); });
  }

  void OnFirstBytes(beast::error_code ec, std::size_t n) {
    if (closed_) {
      return;
    }
    if (ec) {
      if (ec == beast::error::timeout) {
        Log(LogLevel::kDebug, "http.read_timeout");
      }
      CloseNow();  // timed out idle, closed by the client, or the TLS layer failed
      return;
    }
    buffer_.commit(n);
    ReadRequest();
  }

  void ReadRequest() {
    busy.store(true);
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(server_->options.max_header_bytes, UINT32_MAX)));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = Self()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (closed_) {
      return;
    }
    started_ = std::chrono::steady_clock::now();
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof || ec == net::error::connection_reset) {
      CloseNow();
      return;
    }
    if (ec == beast::error::timeout) {
      Log(LogLevel::kDebug, "http.read_timeout");
      CloseNow();
      return;
    }
    handling_ = true;
    if (ec == bhttp::error::body_limit) {
      SendError("other", ErrorResponse(413, "request body too large"));
      return;
    }
    if (ec == bhttp::error::header_limit) {
      SendError("other", ErrorResponse(431, "request header fields too large"));
      return;
    }
    if (ec) {
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
          ec != bhttp::error::partial_message) {
        SendError("other", ErrorResponse(400, "malformed request"));
        return;
      }
      CloseNow();  // the client went away mid-request, or the TLS layer failed
      return;
    }
    Handle();
  }

  void Handle() {
    auto& req = parser_->get();
    const Server::Impl& server = *server_;
    auto target = ParseTarget(std::string_view(req.target().data(), req.target().size()));
    if (!target) {
      SendError("other", ErrorResponse(400, "malformed request target"));
      return;
    }
    std::optional<Verb> verb = ParseVerb(std::string_view(req.method_string()));
    Router::Lookup lookup;
    if (verb) {
      lookup = server.builtin.Find(*verb, target->raw_path);
      if (lookup.route == nullptr && lookup.allowed_verbs.empty()) {
        lookup = server.router.Find(*verb, target->raw_path);
      }
    } else {
      // An unknown method: 405 on a known path, 404 elsewhere.
      for (const Router* r : {&server.builtin, &server.router}) {
        for (Verb v :
             {Verb::kGet, Verb::kHead, Verb::kPost, Verb::kPut, Verb::kPatch, Verb::kDelete}) {
          if (r->Find(v, target->raw_path).route != nullptr) {
            lookup.allowed_verbs.push_back(v);
          }
        }
        if (!lookup.allowed_verbs.empty()) {
          break;
        }
      }
    }
    if (lookup.route == nullptr) {
      if (lookup.allowed_verbs.empty()) {
        Send("other", ErrorResponse(404, "not found"), req.keep_alive());
        return;
      }
      std::string allow;
      for (Verb v : lookup.allowed_verbs) {
        allow += allow.empty() ? "" : ", ";
        allow += VerbName(v);
      }
      Response r = ErrorResponse(405, "method not allowed");
      r.headers.emplace_back("Allow", allow);
      Send("other", std::move(r), req.keep_alive());
      return;
    }
    const Router::Route& route = *lookup.route;

    auto request = std::make_shared<Request>();
    request->verb = *verb;
    request->target = std::string(req.target());
    request->path = std::move(target->path);
    request->query = std::move(target->query);
    request->route = route.path_template;
    std::optional<std::string_view> authorization;
    int authorization_fields = 0;
    for (const auto& field : req) {
      std::string name = ToLower(std::string_view(field.name_string()));
      if (name == "authorization") {
        authorization = std::string_view(field.value());
        ++authorization_fields;
        continue;
      }
      if (name == "cookie") {
        continue;
      }
      request->headers[name] = std::string(field.value());
    }
    if (authorization_fields > 1) {
      // Which one counts is ambiguous (proxies and servers differ): refused on every route.
      if (server.metrics != nullptr) {
        server.metrics->HttpAuthFailure(AuthFailure::kInvalid);
      }
      Log(LogLevel::kNotice, "http.auth_refused",
          "route=" + route.path_template +
              " reason=invalid authorization_fields=" + std::to_string(authorization_fields));
      Response r = ErrorResponse(400, "more than one Authorization header");
      r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_request\"");
      Send(route.path_template, std::move(r), false);
      return;
    }
    if (!route.allowed.empty()) {
      // One snapshot of the grants per request: a SetGrants() swap applies from the next one.
      AuthOutcome outcome = server.Grants()->Authenticate(
          authorization, client_cn_ ? std::optional<std::string_view>(*client_cn_) : std::nullopt);
      if (auto failure = Authorize(outcome, route.allowed)) {
        if (server.metrics != nullptr) {
          server.metrics->HttpAuthFailure(*failure);
        }
        Log(LogLevel::kNotice, "http.auth_refused",
            "route=" + route.path_template + " reason=" + std::string(AuthFailureName(*failure)));
        Response r;
        if (*failure == AuthFailure::kForbidden) {
          r = ErrorResponse(403, "forbidden");
        } else {
          r = ErrorResponse(401, "authentication required");
          r.headers.emplace_back("WWW-Authenticate", *failure == AuthFailure::kInvalid
                                                         ? "Bearer error=\"invalid_token\""
                                                         : "Bearer");
        }
        Send(route.path_template, std::move(r), req.keep_alive());
        return;
      }
      request->principal = outcome.principal;
    }
    request->body = std::move(req.body());
    const bool keep_alive = req.keep_alive();

    if (route.execution == Execution::kInline) {
      Send(route.path_template, Invoke(route, *request, lookup.params), keep_alive);
      return;
    }
    net::post(server_->blocking, [self = Self(), &route, request, params = std::move(lookup.params),
                                  keep_alive]() mutable {
      auto response = std::make_shared<Response>(Invoke(route, *request, params));
      net::post(self->stream_.get_executor(), [self, &route, response, keep_alive] {
        self->Send(route.path_template, std::move(*response), keep_alive);
      });
    });
  }

  // An error response after which the connection is closed, with the rest of the request drained.
  void SendError(std::string_view route, Response response) {
    linger_ = true;
    Send(route, std::move(response), false);
  }

  void Send(std::string_view route, Response response, bool keep_alive) {
    if (closed_) {
      return;
    }
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    if (server_->metrics != nullptr) {
      server_->metrics->HttpRequest(route, response.status, elapsed);
    }
    Log(LogLevel::kDebug, "http.request",
        "route=" + std::string(route) + " code=" + std::to_string(response.status) + " us=" +
            std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
    keep_alive_ = keep_alive && !stop_requested_ && !server_->stopping.load();
    res_ = {};
    res_.version(11);
    res_.result(response.status);
    res_.set(bhttp::field::content_type, response.content_type);
    res_.set(bhttp::field::cache_control, "no-store");
    res_.set("X-Content-Type-Options", "nosniff");
    for (auto& [name, value] : response.headers) {
      res_.insert(name, value);
    }
    res_.body() = std::move(response.body);
    res_.keep_alive(keep_alive_);
    res_.prepare_payload();
    Lowest().expires_after(server_->options.read_timeout);
    bhttp::async_write(stream_, res_,
                       [self = Self()](beast::error_code ec, std::size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    handling_ = false;
    if (closed_) {
      return;
    }
    if (ec) {
      CloseNow();
      return;
    }
    if (!keep_alive_) {
      DoClose();
      return;
    }
    DoRead();
  }

  // Closes after a response: TLS close_notify (bounded) or, after an error response, a drain of
  // what the client is still sending, so that it reads the response rather than a reset.
  void DoClose() {
    if (closed_) {
      return;
    }
    busy.store(false);  // closing: nothing more will be answered
    if (linger_) {
      beast::error_code ec;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      drain_left_ = rejected_ ? kRejectDrainBytes
                              : std::max<std::size_t>(4 * server_->options.max_body_bytes, 1 << 20);
      drain_.resize(16 * 1024);
      Lowest().expires_after(kLingerTime);
      Drain();
      return;
    }
    if constexpr (kTls) {
      Lowest().expires_after(
          std::min<std::chrono::milliseconds>(server_->options.read_timeout, kLingerTime));
      stream_.async_shutdown([self = Self()](beast::error_code) { self->CloseNow(); });
    } else {
      CloseNow();
    }
  }

  void Drain() {
    Lowest().async_read_some(net::buffer(drain_),
                             [self = Self()](beast::error_code ec, std::size_t n) {
                               if (ec || n >= self->drain_left_) {
                                 self->CloseNow();
                                 return;
                               }
                               self->drain_left_ -= n;
                               self->Drain();
                             });
  }

  void CloseNow() {
    if (closed_) {
      return;
    }
    closed_ = true;
    // Closed but not yet destroyed: the first to evict, since nobody is served by it.
    busy.store(false);
    idle_since.store(std::numeric_limits<std::chrono::steady_clock::rep>::min());
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
  }

  std::shared_ptr<Server::Impl> server_;
  Stream stream_;
  const bool rejected_;
  bool registered_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  std::optional<std::string> client_cn_;
  std::chrono::steady_clock::time_point started_;
  bool handling_ = false;
  bool stop_requested_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  bool closed_ = false;
  std::vector<char> drain_;
  std::size_t drain_left_ = 0;
};

}  // namespace

void Server::Impl::DoAccept() {
  acceptor.async_accept(
      net::make_strand(io),
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->OnAccept(ec, std::move(socket));
      });
}

void Server::Impl::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) {
    return;
  }
  if (ec) {
    // Out of descriptors and the like: wait a little instead of spinning.
    Log(LogLevel::kWarning, "http.accept_failed", "error=" + ec.message());
    stop_timer.expires_after(std::chrono::milliseconds(100));
    stop_timer.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && !self->stopping.load()) {
        self->DoAccept();
      }
    });
    return;
  }
  std::shared_ptr<SessionBase> session;
  std::shared_ptr<SessionBase> victim;
  std::function<void()> run;
  bool evicted = false;
  bool refused = false;
  bool answer_at_once = false;  // refused past kMaxRejecting: no session of its own
  {
    std::lock_guard lock(mu);
    if (stopping.load()) {
      return;
    }
    SessionBase::Slot slot = SessionBase::Slot::kAdmitted;
    if (active.load() < options.max_connections) {
      ++active;
    } else if (SessionBase* idle = LongestIdleLocked()) {
      // Its place in `active` passes to the newcomer. A session already being destroyed (no
      // owner left) needs no closing.
      idle->slot = SessionBase::Slot::kEvicted;
      auto it = sessions.find(idle);
      victim = it == sessions.end() ? nullptr : it->second.lock();
      evicted = true;
    } else {
      refused = true;
      if (rejecting >= kMaxRejecting) {
        answer_at_once = true;
      } else {
        slot = SessionBase::Slot::kRejecting;
        ++rejecting;
      }
    }
    if (!answer_at_once) {
      const bool rejected = slot == SessionBase::Slot::kRejecting;
      if (tls) {
        auto s =
            std::make_shared<Session<TlsStream>>(shared_from_this(), std::move(socket), rejected);
        s->set_registered();
        run = [s] { s->Run(); };
        session = std::move(s);
      } else {
        auto s =
            std::make_shared<Session<PlainStream>>(shared_from_this(), std::move(socket), rejected);
        s->set_registered();
        run = [s] { s->Run(); };
        session = std::move(s);
      }
      session->slot = slot;
      sessions.emplace(session.get(), session);
    }
  }
  if (victim) {
    victim->ForceClose();
  }
  if (evicted || refused) {
    NoteShed(evicted);
  }
  if (answer_at_once) {
    AnswerBusyAtOnce(socket);
  } else {
    run();
  }
  DoAccept();
}

SessionBase* Server::Impl::LongestIdleLocked() const {
  SessionBase* oldest = nullptr;
  auto oldest_since = std::numeric_limits<std::chrono::steady_clock::rep>::max();
  // Every entry is alive, or in its destructor waiting for `mu` in SessionGone().
  for (const auto& [ptr, weak] : sessions) {
    if (ptr->slot != SessionBase::Slot::kAdmitted || ptr->busy.load()) {
      continue;
    }
    const auto since = ptr->idle_since.load();
    if (oldest == nullptr || since < oldest_since) {
      oldest = ptr;
      oldest_since = since;
    }
  }
  return oldest;
}

void Server::Impl::AnswerBusyAtOnce(tcp::socket& socket) {
  if (tls) {
    return;  // no handshake for these: closed as the socket goes out of scope
  }
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) {
    // A new socket's send buffer takes the whole answer.
    socket.write_some(net::buffer(kBusyResponse.data(), kBusyResponse.size()), ec);
  }
  if (!ec && metrics != nullptr) {
    metrics->HttpRequest("other", 503, std::chrono::nanoseconds(0));
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
  // Whatever the client sent already is dropped, so that the close is not a reset.
  std::array<char, 4096> sink{};
  for (int i = 0; i < 4; ++i) {
    socket.read_some(net::buffer(sink), ec);
    if (ec) {
      break;
    }
  }
}

void Server::Impl::NoteShed(bool evicted) {
  ++(evicted ? shed_evicted : shed_refused);
  if (metrics != nullptr) {
    metrics->HttpConnectionShed(evicted);
  }
  if (!shed_timer_armed) {
    LogShed();
    ArmShedTimer();
  }
}

void Server::Impl::LogShed() {
  if (shed_evicted == 0 && shed_refused == 0) {
    return;
  }
  // Counts only: never who connected.
  Log(LogLevel::kWarning, "http.connections_shed",
      "evicted=" + std::to_string(shed_evicted) + " refused=" + std::to_string(shed_refused) +
          " open=" + std::to_string(active.load()) +
          " max_connections=" + std::to_string(options.max_connections));
  shed_evicted = 0;
  shed_refused = 0;
}

void Server::Impl::ArmShedTimer() {
  shed_timer_armed = true;
  shed_timer.expires_after(kShedLogInterval);
  shed_timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    // Nothing new in the interval, or stopping: what is left is logged and the interval ends.
    const bool more = self->shed_evicted != 0 || self->shed_refused != 0;
    self->LogShed();
    if (!ec && more && !self->stopping.load()) {
      self->ArmShedTimer();
      return;
    }
    self->shed_timer_armed = false;
  });
}

void Server::Impl::SessionGone(SessionBase* session) {
  {
    std::lock_guard lock(mu);
    sessions.erase(session);
    switch (session->slot) {
      case SessionBase::Slot::kAdmitted:
        --active;
        break;
      case SessionBase::Slot::kRejecting:
        --rejecting;
        break;
      case SessionBase::Slot::kEvicted:
        break;
    }
  }
  CheckStopDone();
}

void Server::Impl::Stop(std::function<void()> done) {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu);
    if (stop_done) {
      net::post(io, std::move(done));
      return;
    }
    stop_waiters.push_back(std::move(done));
    if (stopping.exchange(true)) {
      return;
    }
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) {
        live.push_back(std::move(s));
      }
    }
  }
  Log(LogLevel::kInfo, "http.stopping", "connections=" + std::to_string(live.size()));
  for (auto& s : live) {
    s->Shutdown();
  }
  live.clear();
  net::post(strand, [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor.close(ec);
    self->accepting.store(false);
    self->shed_timer.cancel();
    self->stop_timer.expires_after(self->options.stop_timeout);
    self->stop_timer.async_wait([self](boost::system::error_code wait_ec) {
      if (wait_ec) {
        return;
      }
      // In-flight requests took too long: close them and report the stop as done. A kBlocking
      // handler still running finishes on the pool; its response is dropped.
      std::vector<std::function<void()>> waiters;
      {
        std::lock_guard lock(self->mu);
        if (self->stop_done) {
          return;
        }
        self->stop_done = true;
        waiters.swap(self->stop_waiters);
      }
      Log(LogLevel::kWarning, "http.stop_timeout", "connections=" + std::to_string(self->active));
      self->CloseEverything();
      for (auto& w : waiters) {
        net::post(self->io, std::move(w));
      }
    });
    self->CheckStopDone();
  });
}

void Server::Impl::CheckStopDone() {
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(mu);
    if (!stopping.load() || stop_done || !sessions.empty() || accepting.load()) {
      return;
    }
    stop_done = true;
    waiters.swap(stop_waiters);
  }
  net::post(strand, [self = shared_from_this()] { self->stop_timer.cancel(); });
  Log(LogLevel::kInfo, "http.stopped");
  for (auto& w : waiters) {
    net::post(io, std::move(w));
  }
}

void Server::Impl::CloseEverything() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) {
        live.push_back(std::move(s));
      }
    }
  }
  for (auto& s : live) {
    s->ForceClose();
  }
}

Result<std::unique_ptr<Server>> Server::Start(net::io_context& io, const ServerOptions& options,
                                              const Router& router, net::thread_pool& blocking,
                                              Metrics* metrics) {
  auto endpoint = ParseListen(options.listen);
  if (!endpoint.ok()) {
    return endpoint.error();
  }
  if (options.max_connections < 1 || options.max_body_bytes == 0 || options.max_header_bytes == 0 ||
      options.read_timeout.count() <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "server: max_connections, max_body_bytes, max_header_bytes and read_timeout "
                     "must be positive");
  }
  auto auth = Authenticator::Create(options.tokens, options.client_certs);
  if (!auth.ok()) {
    return auth.error();
  }
  auto impl = std::make_shared<Impl>(io, options, router, blocking, metrics,
                                     std::make_shared<const Authenticator>(std::move(*auth)));
  if (!options.tls_cert.empty() || !options.tls_key.empty() || !options.client_ca.empty()) {
    auto ctx = MakeTlsContext(options.tls_cert, options.tls_key, options.client_ca);
    if (!ctx.ok()) {
      return ctx.error();
    }
    impl->tls = std::move(*ctx);
  }

  Impl* raw = impl.get();
  auto add = [&](std::string_view path, std::set<Role> allowed, Handler handler) {
    Status s = impl->builtin.Add(Verb::kGet, path, std::move(allowed), std::move(handler));
    (void)s;  // fixed, valid templates
  };
  add("/healthz", {}, [](const Request&, const PathParams&) { return TextResponse(200, "ok\n"); });
  add("/readyz", {}, [raw](const Request&, const PathParams&) {
    return raw->ready.load() ? TextResponse(200, "ready\n") : TextResponse(503, "not ready\n");
  });
  if (metrics != nullptr) {
    std::set<Role> roles;
    if (!options.metrics_public) {
      roles = {Role::kMetrics, Role::kAuditor, Role::kArchivist};
    }
    add("/metrics", std::move(roles), [metrics](const Request&, const PathParams&) {
      Response r;
      r.status = 200;
      r.content_type = std::string(Metrics::kContentType);
      r.body = metrics->Render();
      return r;
    });
  }

  boost::system::error_code ec;
  auto fail = [&](std::string_view what) {
    return MakeError(ErrorCode::kIo, "server.listen " + EndpointText(*endpoint) + ": " +
                                         std::string(what) + ": " + ec.message());
  };
  impl->acceptor.open(endpoint->protocol(), ec);
  if (ec) {
    return fail("cannot open a socket");
  }
  impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) {
    return fail("cannot set SO_REUSEADDR");
  }
  impl->acceptor.bind(*endpoint, ec);
  if (ec) {
    return fail("cannot bind");
  }
  impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return fail("cannot listen");
  }
  impl->endpoint = impl->acceptor.local_endpoint(ec);
  if (ec) {
    return fail("cannot read the bound address");
  }
  Log(LogLevel::kInfo, "http.listening",
      "address=" + EndpointText(impl->endpoint) + " tls=" + (impl->tls ? "yes" : "no") +
          " client_certs=" + (options.client_ca.empty() ? "no" : "yes"));
  net::post(impl->strand, [impl] { impl->DoAccept(); });
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (!impl_->stopping.exchange(true)) {
    net::post(impl_->strand, [impl = impl_] {
      boost::system::error_code ec;
      impl->acceptor.close(ec);
      impl->shed_timer.cancel();
    });
    impl_->CloseEverything();
  }
}

tcp::endpoint Server::bound_endpoint() const {
  return impl_->endpoint;
}

void Server::SetReady(bool ready) {
  impl_->ready.store(ready);
}

void Server::Stop(std::function<void()> done) {
  impl_->Stop(std::move(done));
}

Status Server::SetGrants(std::vector<TokenGrant> tokens,
                         std::vector<ClientCertGrant> client_certs) {
  auto auth = Authenticator::Create(tokens, client_certs);
  if (!auth.ok()) {
    return auth.error();
  }
  auto next = std::make_shared<const Authenticator>(std::move(*auth));
  {
    std::lock_guard lock(impl_->auth_mu);
    impl_->auth.swap(next);
  }
  // `next` now holds the old grants: released here, or by the last request still using them.
  Log(LogLevel::kInfo, "http.grants_replaced",
      "tokens=" + std::to_string(tokens.size()) +
          " client_certs=" + std::to_string(client_certs.size()));
  return {};
}

int Server::open_connections() const {
  return impl_->active.load();
}

int Server::busy_connections() const {
  std::lock_guard lock(impl_->mu);
  int busy = 0;
  for (const auto& [ptr, weak] : impl_->sessions) {
    if (ptr->slot == SessionBase::Slot::kAdmitted && ptr->busy.load()) {
      ++busy;
    }
  }
  return busy;
}

Result<boost::asio::ip::tcp::endpoint> ParseListenAddress(const std::string& listen) {
  return ParseListen(listen);
}

}  // namespace arkivvakt::http
