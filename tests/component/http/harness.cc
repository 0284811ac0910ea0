#include "harness.h"

#include <future>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

#include <fcntl.h>
#include <unistd.h>

namespace arkivvakt::http::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using arkivvakt::testing::RunCommand;

namespace {

constexpr std::chrono::seconds kClientTimeout{5};

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

Response Whoami(const Request& request) {
  std::string name = request.principal ? request.principal->name : "";
  std::string role = request.principal ? std::string(RoleName(request.principal->role)) : "";
  bool saw_auth = request.Header("authorization").has_value();
  return JsonResponse(200, "{\"role\":" + JsonString(role) + ",\"name\":" + JsonString(name) +
                               ",\"saw_auth\":" + (saw_auth ? "true" : "false") + "}");
}

}  // namespace

ServerOptions DefaultOptions() {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tokens = {{Role::kArchivist, TokenSha256Hex(kArchivistToken), "archive-office"},
                    {Role::kAuditor, TokenSha256Hex(kAuditorToken), "county-auditor"},
                    {Role::kMetrics, TokenSha256Hex(kMetricsToken), "prometheus"}};
  options.read_timeout = std::chrono::milliseconds(3000);
  return options;
}

std::string Reply::All() const {
  std::string all = std::to_string(status) + "\n";
  for (const auto& [name, value] : headers) {
    all += name + ": " + value + "\n";
  }
  return all + body;
}

struct Client::Impl {
  net::io_context io;
  std::unique_ptr<net::ssl::context> ctx;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Starts an async operation through `start(handler)` and runs until it completes.
  template <class Start>
  beast::error_code Run(Start start, std::chrono::milliseconds timeout = kClientTimeout) {
    beast::error_code result = net::error::would_block;
    Lowest().expires_after(timeout);
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  template <class F>
  beast::error_code WithStream(F f) {
    if (tls) {
      return f(*tls);
    }
    return f(*plain);
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() = default;

std::unique_ptr<Client> Client::Connect(const tcp::endpoint& endpoint, const ClientTls* tls,
                                        std::string* error) {
  auto impl = std::make_unique<Impl>();
  if (tls != nullptr) {
    impl->ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
    impl->ctx->load_verify_file(tls->ca.string());
    impl->ctx->set_verify_mode(net::ssl::verify_peer);
    if (!tls->cert.empty()) {
      impl->ctx->use_certificate_chain_file(tls->cert.string());
      impl->ctx->use_private_key_file(tls->key.string(), net::ssl::context::pem);
    }
    if (tls->max_version != 0) {
      SSL_CTX_set_min_proto_version(impl->ctx->native_handle(), 0);
      SSL_CTX_set_security_level(impl->ctx->native_handle(), 0);
      SSL_CTX_set_max_proto_version(impl->ctx->native_handle(), tls->max_version);
    }
    impl->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(impl->io, *impl->ctx);
  } else {
    impl->plain = std::make_unique<beast::tcp_stream>(impl->io);
  }
  beast::error_code ec =
      impl->Run([&](auto handler) { impl->Lowest().async_connect(endpoint, std::move(handler)); });
  if (ec) {
    *error = "connect: " + ec.message();
    return nullptr;
  }
  if (impl->tls) {
    ec = impl->Run([&](auto handler) {
      impl->tls->async_handshake(net::ssl::stream_base::client, std::move(handler));
    });
    if (ec) {
      *error = "handshake: " + ec.message();
      return nullptr;
    }
  }
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

bool Client::WriteRaw(std::string_view bytes) {
  beast::error_code ec = impl_->WithStream([&](auto& stream) {
    return impl_->Run([&](auto handler) {
      net::async_write(stream, net::buffer(bytes.data(), bytes.size()), std::move(handler));
    });
  });
  if (ec) {
    last_error_ = "write: " + ec.message();
  }
  return !ec;
}

std::optional<Reply> Client::Read() {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec = impl_->WithStream([&](auto& stream) {
    return impl_->Run([&](auto handler) {
      bhttp::async_read(stream, impl_->buffer, parser, std::move(handler));
    });
  });
  if (ec) {
    last_error_ = "read: " + ec.message();
    return std::nullopt;
  }
  auto& res = parser.get();
  Reply reply;
  reply.status = res.result_int();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    reply.headers[name] = std::string(field.value());
  }
  reply.body = res.body();
  reply.keep_alive = res.keep_alive();
  return reply;
}

std::optional<Reply> Client::Request(
    std::string_view verb, std::string_view target, std::string_view token, std::string body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(verb);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  if (!token.empty()) {
    req.set(bhttp::field::authorization, "Bearer " + std::string(token));
  }
  for (const auto& [name, value] : headers) {
    req.insert(name, value);
  }
  req.body() = std::move(body);
  req.prepare_payload();
  beast::error_code ec = impl_->WithStream([&](auto& stream) {
    return impl_->Run([&](auto handler) { bhttp::async_write(stream, req, std::move(handler)); });
  });
  if (ec) {
    last_error_ = "write: " + ec.message();
    return std::nullopt;
  }
  return Read();
}

bool Client::WaitClosed(std::chrono::milliseconds timeout) {
  char byte = 0;
  beast::error_code ec = impl_->Run(
      [&](auto handler) {
        impl_->Lowest().async_read_some(net::buffer(&byte, 1), std::move(handler));
      },
      timeout);
  if (ec == beast::error::timeout) {
    last_error_ = "still open";
    return false;
  }
  last_error_ = ec ? ec.message() : "data arrived";
  return ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe;
}

int Client::tls_version() const {
  return impl_->tls ? SSL_version(impl_->tls->native_handle()) : 0;
}

std::optional<Reply> Fetch(const tcp::endpoint& endpoint, std::string_view verb,
                           std::string_view target, std::string_view token, std::string body,
                           const ClientTls* tls) {
  std::string error;
  auto client = Client::Connect(endpoint, tls, &error);
  if (!client) {
    return std::nullopt;
  }
  return client->Request(verb, target, token, std::move(body));
}

const Pki* Pki::Get(std::string* error) {
  static std::unique_ptr<arkivvakt::testing::TempDir> dir;
  static std::unique_ptr<Pki> pki;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    dir = std::make_unique<arkivvakt::testing::TempDir>();
    const std::filesystem::path d = dir->path();
    auto run = [&](const std::vector<std::string>& argv) {
      auto r = RunCommand(argv);
      if (r.exit_code != 0 && failure.empty()) {
        failure = argv[0] + " " + argv[1] + " failed: " + r.err;
      }
    };
    auto key = [&](const std::string& name) {
      run({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
           (d / name).string()});
    };
    auto ca = [&](const std::string& name, const std::string& cn) {
      key(name + ".key");
      run({"openssl", "req", "-x509", "-new", "-key", (d / (name + ".key")).string(), "-out",
           (d / (name + ".pem")).string(), "-days", "3650", "-subj", "/CN=" + cn, "-addext",
           "basicConstraints=critical,CA:TRUE", "-addext",
           "keyUsage=critical,keyCertSign,cRLSign"});
    };
    auto leaf = [&](const std::string& name, const std::string& cn, const std::string& issuer,
                    const std::string& extensions) {
      key(name + ".key");
      run({"openssl", "req", "-new", "-key", (d / (name + ".key")).string(), "-out",
           (d / (name + ".csr")).string(), "-subj", "/CN=" + cn});
      arkivvakt::testing::WriteFile(d / (name + ".ext"), extensions);
      run({"openssl", "x509", "-req", "-in", (d / (name + ".csr")).string(), "-CA",
           (d / (issuer + ".pem")).string(), "-CAkey", (d / (issuer + ".key")).string(),
           "-CAcreateserial", "-out", (d / (name + ".pem")).string(), "-days", "365", "-extfile",
           (d / (name + ".ext")).string()});
    };
    ca("ca", "arkivvakt test CA");
    ca("rogue-ca", "rogue test CA");
    leaf("server", "localhost", "ca",
         "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    leaf("client", "auditor.example", "ca", "extendedKeyUsage=clientAuth\n");
    leaf("stranger", "stranger.example", "ca", "extendedKeyUsage=clientAuth\n");
    leaf("rogue", "auditor.example", "rogue-ca", "extendedKeyUsage=clientAuth\n");
    if (failure.empty()) {
      pki = std::make_unique<Pki>(Pki{d / "ca.pem", d / "server.pem", d / "server.key",
                                      d / "client.pem", d / "client.key", d / "stranger.pem",
                                      d / "stranger.key", d / "rogue.pem", d / "rogue.key"});
    }
  });
  if (!pki) {
    *error = failure;
  }
  return pki.get();
}

void Gate::Enter() {
  std::unique_lock lock(mu_);
  ++entered_;
  cv_.notify_all();
  cv_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
}

void Gate::Open() {
  std::lock_guard lock(mu_);
  open_ = true;
  cv_.notify_all();
}

bool Gate::WaitEntered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return entered_ > 0; });
}

Harness::Harness(ServerOptions options, bool with_metrics) : work_(net::make_work_guard(io_)) {
  auto must = [](Status s) {
    if (!s.ok()) {
      throw std::logic_error(s.error().message);
    }
  };
  must(router_.Add(Verb::kGet, "/api/v1/alerts", {Role::kArchivist, Role::kAuditor},
                   [](const Request& r, const PathParams&) { return Whoami(r); }));
  must(router_.Add(Verb::kGet, "/api/v1/whoami", {Role::kArchivist, Role::kAuditor, Role::kMetrics},
                   [](const Request& r, const PathParams&) { return Whoami(r); }));
  must(router_.Add(
      Verb::kPost, "/api/v1/alerts/{id}/ack", {Role::kArchivist},
      [this](const Request&, const PathParams& params) {
        {
          std::lock_guard lock(mu_);
          ack_thread_ = std::this_thread::get_id();
        }
        return JsonResponse(200, "{\"acked\":" + JsonString(params.at("id")) + "}");
      },
      Execution::kBlocking));
  must(router_.Add(Verb::kPost, "/api/v1/echo", {}, [](const Request& r, const PathParams&) {
    return TextResponse(200, std::to_string(r.body.size()));
  }));
  must(router_.Add(
      Verb::kGet, "/api/v1/slow", {},
      [this](const Request&, const PathParams&) {
        gate_.Enter();
        return TextResponse(200, "slow done");
      },
      Execution::kBlocking));
  must(router_.Add(Verb::kGet, "/api/v1/throw", {},
                   [](const Request&, const PathParams&) -> Response {
                     throw std::runtime_error("handler failure with data 12345678901");
                   }));

  auto started = Server::Start(io_, options, router_, pool_, with_metrics ? &metrics_ : nullptr);
  if (!started.ok()) {
    start_status_ = started.error();
    return;
  }
  server_ = std::move(*started);
  for (int i = 0; i < 2; ++i) {
    io_threads_.emplace_back([this] {
      {
        std::lock_guard lock(mu_);
        io_thread_ids_.insert(std::this_thread::get_id());
      }
      io_.run();
    });
  }
}

bool Harness::StopAndWait(std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  server_->Stop([done] { done->set_value(); });
  stopped_ = true;
  return future.wait_for(timeout) == std::future_status::ready;
}

Harness::~Harness() {
  gate_.Open();
  if (server_ && !stopped_) {
    StopAndWait(std::chrono::seconds(10));
  }
  server_.reset();
  work_.reset();
  io_.stop();
  for (auto& t : io_threads_) {
    t.join();
  }
  pool_.join();
}

bool Harness::IsIoThread(std::thread::id id) const {
  std::lock_guard lock(mu_);
  return io_thread_ids_.count(id) != 0;
}

std::optional<std::thread::id> Harness::ack_thread() const {
  std::lock_guard lock(mu_);
  return ack_thread_;
}

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

StderrCapture::StderrCapture() {
  saved_ = ::dup(STDERR_FILENO);
  int fd =
      ::open((dir_.path() / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (saved_ < 0 || fd < 0) {
    throw std::runtime_error("cannot capture stderr");
  }
  ::dup2(fd, STDERR_FILENO);
  ::close(fd);
}

StderrCapture::~StderrCapture() {
  ::dup2(saved_, STDERR_FILENO);
  ::close(saved_);
}

std::string StderrCapture::Text() const {
  return arkivvakt::testing::ReadFile(dir_.path() / "stderr.txt");
}

}  // namespace arkivvakt::http::testing
