#include "test_receiver.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace arkivvakt::sinks::testing {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct TestReceiver::Server {
  TestReceiver& owner;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<asio::ssl::context> tls;
  std::vector<std::unique_ptr<tcp::socket>> held;  // silent mode: never answered
  std::vector<std::unique_ptr<asio::ssl::stream<tcp::socket>>> held_tls;
  std::thread thread;

  explicit Server(TestReceiver& o) : owner(o) {}

  template <class Stream>
  bool Serve(Stream& stream) {
    boost::beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    error_code ec;
    bhttp::read(stream, buffer, req, ec);
    if (ec) {
      return true;
    }
    ReceivedRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      r.headers[name] = std::string(field.value());
    }
    r.body = req.body();
    int status = 200;
    std::string body;
    bool silent = false;
    {
      std::lock_guard<std::mutex> lock(owner.mu_);
      owner.requests_.push_back(std::move(r));
      status = owner.status_;
      body = owner.body_;
      silent = owner.silent_;
    }
    owner.cv_.notify_all();
    if (silent) {
      return false;
    }
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.set(bhttp::field::connection, "close");
    res.body() = body;
    res.prepare_payload();
    bhttp::write(stream, res, ec);
    return true;
  }

  void Accept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) {
        return;  // closed
      }
      if (tls) {
        auto stream = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(socket), *tls);
        error_code hs;
        stream->handshake(asio::ssl::stream_base::server, hs);
        if (!hs && !Serve(*stream)) {
          held_tls.push_back(std::move(stream));
        } else if (!hs) {
          stream->shutdown(hs);
        }
      } else {
        auto s = std::make_unique<tcp::socket>(std::move(socket));
        if (!Serve(*s)) {
          held.push_back(std::move(s));
        } else {
          error_code ignored;
          s->shutdown(tcp::socket::shutdown_both, ignored);
        }
      }
      Accept();
    });
  }
};

TestReceiver::TestReceiver(unsigned short port, const ReceiverTls* tls) : port_(port), tls_(tls) {
  Start();
}

TestReceiver::~TestReceiver() {
  Stop();
}

bool TestReceiver::Start() {
  if (server_) {
    return true;
  }
  auto server = std::make_unique<Server>(*this);
  if (tls_ != nullptr) {
    server->tls.emplace(asio::ssl::context::tls_server);
    server->tls->use_certificate_chain_file(tls_->cert_chain.string());
    server->tls->use_private_key_file(tls_->key.string(), asio::ssl::context::pem);
  }
  error_code ec;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
  server->acceptor.open(endpoint.protocol(), ec);
  server->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  server->acceptor.bind(endpoint, ec);
  if (ec) {
    return false;
  }
  server->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return false;
  }
  port_ = server->acceptor.local_endpoint().port();
  server->Accept();
  Server* raw = server.get();
  server->thread = std::thread([raw] { raw->ioc.run(); });
  server_ = std::move(server);
  return true;
}

void TestReceiver::Stop() {
  if (!server_) {
    return;
  }
  Server* raw = server_.get();
  asio::post(raw->ioc, [raw] {
    error_code ignored;
    raw->acceptor.close(ignored);
    raw->ioc.stop();
  });
  raw->thread.join();
  server_.reset();
}

void TestReceiver::SetResponse(int status, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
  body_ = std::move(body);
}

void TestReceiver::SetSilent(bool silent) {
  std::lock_guard<std::mutex> lock(mu_);
  silent_ = silent;
}

std::vector<ReceivedRequest> TestReceiver::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool TestReceiver::WaitForRequests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

}  // namespace arkivvakt::sinks::testing
