// The real server on 127.0.0.1:0 over plain HTTP, driven by a Beast client.
#include <algorithm>
#include <future>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/log.h"
#include "harness.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

namespace arkivvakt::http::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(HttpServer, HealthzAlwaysAndReadyzAfterSetReady) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok()) << h.start_status().error().message;
  EXPECT_NE(h.endpoint().port(), 0);

  auto health = Fetch(h.endpoint(), "GET", "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200u);
  EXPECT_EQ(health->body, "ok\n");

  auto not_ready = Fetch(h.endpoint(), "GET", "/readyz");
  ASSERT_TRUE(not_ready.has_value());
  EXPECT_EQ(not_ready->status, 503u);
  h.server().SetReady(true);
  auto ready = Fetch(h.endpoint(), "GET", "/readyz");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200u);
}

TEST(HttpServer, RolesDecide401403And200) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok()) << h.start_status().error().message;
  const auto ep = h.endpoint();

  auto missing = Fetch(ep, "GET", "/api/v1/alerts");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 401u);
  EXPECT_EQ(missing->Header("www-authenticate"), "Bearer");
  EXPECT_EQ(missing->body, "{\"error\":\"authentication required\"}");

  auto invalid = Fetch(ep, "GET", "/api/v1/alerts", "not-a-granted-token");
  ASSERT_TRUE(invalid.has_value());
  EXPECT_EQ(invalid->status, 401u);
  EXPECT_EQ(invalid->Header("www-authenticate"), "Bearer error=\"invalid_token\"");

  auto forbidden = Fetch(ep, "GET", "/api/v1/alerts", kMetricsToken);
  ASSERT_TRUE(forbidden.has_value());
  EXPECT_EQ(forbidden->status, 403u);

  auto auditor = Fetch(ep, "GET", "/api/v1/alerts", kAuditorToken);
  ASSERT_TRUE(auditor.has_value());
  EXPECT_EQ(auditor->status, 200u);
  EXPECT_EQ(auditor->body, "{\"role\":\"auditor\",\"name\":\"county-auditor\",\"saw_auth\":false}");

  auto archivist = Fetch(ep, "GET", "/api/v1/alerts", kArchivistToken);
  ASSERT_TRUE(archivist.has_value());
  EXPECT_EQ(archivist->status, 200u);
  EXPECT_NE(archivist->body.find("\"role\":\"archivist\""), std::string::npos);

  // Only the archivist may acknowledge.
  auto ack_by_auditor = Fetch(ep, "POST", "/api/v1/alerts/7/ack", kAuditorToken);
  ASSERT_TRUE(ack_by_auditor.has_value());
  EXPECT_EQ(ack_by_auditor->status, 403u);

  const std::string text = h.metrics().Render();
  EXPECT_NE(text.find("arkivvakt_http_auth_failures_total{reason=\"missing\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("arkivvakt_http_auth_failures_total{reason=\"invalid\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("arkivvakt_http_auth_failures_total{reason=\"forbidden\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("arkivvakt_http_requests_total{code=\"200\",route=\"/api/v1/alerts\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("arkivvakt_http_requests_total{code=\"401\",route=\"/api/v1/alerts\"} 2\n"),
            std::string::npos);
}

TEST(HttpServer, MetricsNeedsARoleUnlessPublic) {
  {
    Harness h(DefaultOptions());
    ASSERT_TRUE(h.start_status().ok());
    EXPECT_EQ(Fetch(h.endpoint(), "GET", "/metrics")->status, 401u);
    for (auto token : {kMetricsToken, kAuditorToken, kArchivistToken}) {
      auto reply = Fetch(h.endpoint(), "GET", "/metrics", token);
      ASSERT_TRUE(reply.has_value());
      EXPECT_EQ(reply->status, 200u);
      EXPECT_EQ(reply->Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
      EXPECT_NE(reply->body.find("arkivvakt_build_info{version=\"0.1.0-test\"} 1"),
                std::string::npos);
    }
  }
  {
    ServerOptions options = DefaultOptions();
    options.metrics_public = true;
    Harness h(options);
    ASSERT_TRUE(h.start_status().ok());
    EXPECT_EQ(Fetch(h.endpoint(), "GET", "/metrics")->status, 200u);
  }
  {
    Harness h(DefaultOptions(), /*with_metrics=*/false);
    ASSERT_TRUE(h.start_status().ok());
    EXPECT_EQ(Fetch(h.endpoint(), "GET", "/metrics", kMetricsToken)->status, 404u);
  }
}

TEST(HttpServer, UnknownPathIs404WrongMethodIs405WithAllow) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  auto not_found = Fetch(h.endpoint(), "GET", "/api/v1/nothing", kArchivistToken);
  ASSERT_TRUE(not_found.has_value());
  EXPECT_EQ(not_found->status, 404u);
  EXPECT_EQ(not_found->body, "{\"error\":\"not found\"}");

  auto wrong = Fetch(h.endpoint(), "DELETE", "/api/v1/alerts", kArchivistToken);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 405u);
  EXPECT_EQ(wrong->Header("allow"), "GET");

  auto unknown_method = Fetch(h.endpoint(), "BREW", "/healthz");
  ASSERT_TRUE(unknown_method.has_value());
  EXPECT_EQ(unknown_method->status, 405u);
  EXPECT_EQ(unknown_method->Header("allow"), "GET");

  auto bad_escape = Fetch(h.endpoint(), "GET", "/api/v1/alerts/%zz");
  ASSERT_TRUE(bad_escape.has_value());
  EXPECT_EQ(bad_escape->status, 400u);

  // The raw path never becomes a label.
  const std::string text = h.metrics().Render();
  EXPECT_EQ(text.find("nothing"), std::string::npos);
  EXPECT_NE(text.find("arkivvakt_http_requests_total{code=\"404\",route=\"other\"} 1\n"),
            std::string::npos);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto client = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(client, nullptr) << error;
  for (int i = 0; i < 5; ++i) {
    auto reply = client->Request("POST", "/api/v1/echo", {}, std::string(100 + i, 'x'));
    ASSERT_TRUE(reply.has_value()) << client->last_error();
    EXPECT_EQ(reply->body, std::to_string(100 + i));
    EXPECT_TRUE(reply->keep_alive);
  }
  EXPECT_EQ(h.server().open_connections(), 1);
}

TEST(HttpServer, OversizedBodyIs413AndOversizedHeaderIs431) {
  ServerOptions options = DefaultOptions();
  options.max_body_bytes = 1024;
  options.max_header_bytes = 2048;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());

  auto fits = Fetch(h.endpoint(), "POST", "/api/v1/echo", {}, std::string(1024, 'a'));
  ASSERT_TRUE(fits.has_value());
  EXPECT_EQ(fits->status, 200u);

  std::string error;
  auto client = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(client, nullptr) << error;
  auto too_big = client->Request("POST", "/api/v1/echo", {}, std::string(64 * 1024, 'a'));
  ASSERT_TRUE(too_big.has_value()) << client->last_error();
  EXPECT_EQ(too_big->status, 413u);
  EXPECT_FALSE(too_big->keep_alive);
  EXPECT_TRUE(client->WaitClosed(milliseconds(3000))) << client->last_error();

  // Chunked: the limit holds without a Content-Length too.
  auto chunked = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(chunked, nullptr);
  std::string raw = "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) {
    raw += "400\r\n" + std::string(1024, 'b') + "\r\n";
  }
  raw += "0\r\n\r\n";
  ASSERT_TRUE(chunked->WriteRaw(raw));
  auto chunked_reply = chunked->Read();
  ASSERT_TRUE(chunked_reply.has_value()) << chunked->last_error();
  EXPECT_EQ(chunked_reply->status, 413u);

  auto big_header = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(big_header, nullptr);
  auto reply =
      big_header->Request("GET", "/healthz", {}, {}, {{"X-Filler", std::string(4096, 'h')}});
  ASSERT_TRUE(reply.has_value()) << big_header->last_error();
  EXPECT_EQ(reply->status, 431u);
}

TEST(HttpServer, SlowClientIsClosedAtTheReadDeadline) {
  ServerOptions options = DefaultOptions();
  options.read_timeout = milliseconds(300);
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto client = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(client, nullptr) << error;
  const auto start = steady_clock::now();
  ASSERT_TRUE(client->WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // never finished
  EXPECT_TRUE(client->WaitClosed(milliseconds(3000))) << client->last_error();
  const auto waited = steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(250));
  EXPECT_LT(waited, milliseconds(2500));

  // An idle keep-alive connection is closed after the same deadline.
  auto idle = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(idle->Request("GET", "/healthz").has_value());
  EXPECT_TRUE(idle->WaitClosed(milliseconds(3000))) << idle->last_error();
}

// A request begun but never finished: the connection is busy mid-request until read_timeout.
constexpr std::string_view kPartialRequest = "GET /healthz HTTP/1.1\r\nHost: x\r\n";

// Waits until `open` connections are open and `busy` of them have a request in progress (a
// response the client has read may still be finishing on the server).
bool WaitConnections(Harness& h, int open, int busy) {
  return Eventually(
      [&] {
        return h.server().open_connections() == open && h.server().busy_connections() == busy;
      },
      milliseconds(3000));
}

// Everything a socket receives until the peer closes it; nullopt on a reset or after `timeout`.
std::optional<std::string> ReadUntilClosed(int fd, milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  std::string all;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) {
      return std::nullopt;
    }
    char chunk[4096];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n == 0) {
      return all;
    }
    if (n < 0) {
      return std::nullopt;
    }
    all.append(chunk, static_cast<std::size_t>(n));
  }
}

TEST(HttpServer, ANewcomerGets503AtOnceWhenEveryConnectionIsMidRequest) {
  ServerOptions options = DefaultOptions();
  options.max_connections = 2;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  std::vector<std::unique_ptr<Client>> busy;
  for (int i = 0; i < 2; ++i) {
    busy.push_back(Client::Connect(h.endpoint(), nullptr, &error));
    ASSERT_NE(busy.back(), nullptr) << error;
    ASSERT_TRUE(busy.back()->WriteRaw(kPartialRequest));
  }
  ASSERT_TRUE(WaitConnections(h, 2, 2));

  // The newcomer is answered without sending a byte, well before read_timeout (3 s).
  auto silent = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(silent, nullptr) << error;
  const auto start = steady_clock::now();
  auto refused = silent->Read();
  ASSERT_TRUE(refused.has_value()) << silent->last_error();
  EXPECT_LT(steady_clock::now() - start, milliseconds(1500));
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_FALSE(refused->keep_alive);
  EXPECT_EQ(refused->body, "{\"error\":\"too many connections\"}");
  EXPECT_TRUE(silent->WaitClosed(milliseconds(2000))) << silent->last_error();

  // One that sends its request first reads the same answer, and is closed.
  auto eager = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(eager, nullptr) << error;
  auto also_refused = eager->Request("GET", "/healthz");
  ASSERT_TRUE(also_refused.has_value()) << eager->last_error();
  EXPECT_EQ(also_refused->status, 503u);
  EXPECT_EQ(also_refused->Header("retry-after"), "1");
  EXPECT_TRUE(eager->WaitClosed(milliseconds(2000))) << eager->last_error();
  EXPECT_EQ(h.server().open_connections(), 2);

  // Nobody mid-request was evicted: both finish their requests and are answered.
  for (auto& client : busy) {
    ASSERT_TRUE(client->WriteRaw("\r\n"));
    auto reply = client->Read();
    ASSERT_TRUE(reply.has_value()) << client->last_error();
    EXPECT_EQ(reply->status, 200u);
  }
  EXPECT_NE(
      h.metrics().Render().find("arkivvakt_http_requests_total{code=\"503\",route=\"other\"} 2\n"),
      std::string::npos);
}

TEST(HttpServer, ManyRefusedAtOnceAllRead503) {
  // More refused connections than are answered by sessions of their own (64) at a time: the
  // rest get the same answer written at once.
  ServerOptions options = DefaultOptions();
  options.max_connections = 1;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto busy = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(busy, nullptr) << error;
  ASSERT_TRUE(busy->WriteRaw(kPartialRequest));
  ASSERT_TRUE(WaitConnections(h, 1, 1));

  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> refused;
  for (int i = 0; i < 150; ++i) {
    refused.emplace_back(io);
    boost::system::error_code ec;
    refused.back().connect(h.endpoint(), ec);
    ASSERT_FALSE(ec) << ec.message();
  }
  for (auto& socket : refused) {
    std::optional<std::string> answer = ReadUntilClosed(socket.native_handle(), milliseconds(3000));
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << *answer;
    EXPECT_NE(answer->find("\r\nRetry-After: 1\r\n"), std::string::npos);
    EXPECT_NE(answer->find("\r\nConnection: close\r\n"), std::string::npos);
  }
  EXPECT_EQ(h.server().open_connections(), 1);
  EXPECT_NE(h.metrics().Render().find(
                "arkivvakt_http_requests_total{code=\"503\",route=\"other\"} 150\n"),
            std::string::npos);
}

TEST(HttpServer, AtTheCapTheLongestIdleConnectionIsEvictedForANewcomer) {
  ServerOptions options = DefaultOptions();
  options.max_connections = 3;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  StderrCapture capture;
  std::string error;
  // Oldest: opened and never sent a byte.
  auto silent = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(silent, nullptr) << error;
  ASSERT_TRUE(Eventually([&] { return h.server().open_connections() == 1; }, milliseconds(3000)));
  // Then an idle keep-alive connection, and one mid-request.
  auto keep_alive = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(keep_alive, nullptr) << error;
  ASSERT_EQ(keep_alive->Request("GET", "/healthz")->status, 200u);
  ASSERT_TRUE(WaitConnections(h, 2, 0));
  auto mid_request = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(mid_request, nullptr) << error;
  ASSERT_TRUE(mid_request->WriteRaw(kPartialRequest));
  ASSERT_TRUE(WaitConnections(h, 3, 1));

  auto first = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(first, nullptr) << error;
  auto reply = first->Request("GET", "/healthz");
  ASSERT_TRUE(reply.has_value()) << first->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_TRUE(reply->keep_alive);
  EXPECT_TRUE(silent->WaitClosed(milliseconds(2000))) << silent->last_error();

  auto second = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(second, nullptr) << error;
  reply = second->Request("GET", "/healthz");
  ASSERT_TRUE(reply.has_value()) << second->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_TRUE(keep_alive->WaitClosed(milliseconds(2000))) << keep_alive->last_error();

  // The connection mid-request was never a candidate, and the newcomers stay served.
  ASSERT_TRUE(mid_request->WriteRaw("\r\n"));
  reply = mid_request->Read();
  ASSERT_TRUE(reply.has_value()) << mid_request->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(first->Request("GET", "/healthz")->status, 200u);
  EXPECT_EQ(h.server().open_connections(), 3);

  const std::string logs = capture.Text();
  EXPECT_NE(logs.find("event=http.connections_shed evicted=1 refused=0"), std::string::npos)
      << logs;
  EXPECT_EQ(logs.find("127.0.0.1"), std::string::npos) << logs;
}

TEST(HttpServer, SixHundredIdleConnectionsDoNotStopHealthz) {
  // 600 client sockets, up to 512 server ones and the harness's own.
  rlimit files{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  if (files.rlim_cur < 2048) {
    files.rlim_cur = std::min<rlim_t>(2048, files.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &files);
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &files), 0);
  }
  if (files.rlim_cur < 1400) {
    GTEST_SKIP() << "RLIMIT_NOFILE is " << files.rlim_cur << ", 1400 descriptors are needed";
  }
  ServerOptions options = DefaultOptions();
  ASSERT_EQ(options.max_connections, 512);  // the default
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> idle;
  idle.reserve(600);
  for (int i = 0; i < 600; ++i) {
    idle.emplace_back(io);
    boost::system::error_code ec;
    idle.back().connect(h.endpoint(), ec);
    ASSERT_FALSE(ec) << "connection " << i << ": " << ec.message();
  }

  const auto start = steady_clock::now();
  auto health = Fetch(h.endpoint(), "GET", "/healthz");
  const std::chrono::duration<double, std::milli> took = steady_clock::now() - start;
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200u);
  EXPECT_LT(took, milliseconds(2000));
  std::cout << "/healthz with 600 idle connections open answered in " << took.count() << " ms\n";
  // 601 connections arrived: the 89 idle the longest were evicted, i.e. closed.
  auto closed = [&] {
    std::vector<pollfd> fds;
    for (auto& socket : idle) {
      fds.push_back({socket.native_handle(), POLLIN, 0});
    }
    ::poll(fds.data(), fds.size(), 0);
    return std::count_if(fds.begin(), fds.end(),
                         [](const pollfd& p) { return (p.revents & (POLLIN | POLLHUP)) != 0; });
  };
  EXPECT_TRUE(Eventually([&] { return closed() >= 89; }, milliseconds(2000))) << closed();
  EXPECT_LE(h.server().open_connections(), 512);
  EXPECT_TRUE(Eventually([&] { return h.server().busy_connections() == 0; }, milliseconds(2000)));
}

TEST(HttpServer, BlockingHandlersRunOffTheIoThreads) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  auto reply = Fetch(h.endpoint(), "POST", "/api/v1/alerts/A%2F1/ack", kArchivistToken);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, "{\"acked\":\"A/1\"}");
  ASSERT_TRUE(h.ack_thread().has_value());
  EXPECT_FALSE(h.IsIoThread(*h.ack_thread()));
  EXPECT_NE(*h.ack_thread(), std::this_thread::get_id());
  // Counted under the route template, never the raw path.
  const std::string text = h.metrics().Render();
  EXPECT_NE(
      text.find(
          "arkivvakt_http_requests_total{code=\"200\",route=\"/api/v1/alerts/{id}/ack\"} 1\n"),
      std::string::npos);
  EXPECT_EQ(text.find("A%2F1"), std::string::npos);
  EXPECT_EQ(text.find("A/1"), std::string::npos);
}

TEST(HttpServer, AThrowingHandlerGives500WithoutItsText) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  StderrCapture capture;
  auto reply = Fetch(h.endpoint(), "GET", "/api/v1/throw");
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 500u);
  EXPECT_EQ(reply->body, "{\"error\":\"internal error\"}");
  EXPECT_EQ(capture.Text().find("12345678901"), std::string::npos);
  EXPECT_NE(capture.Text().find("event=http.handler_failed route=/api/v1/throw"),
            std::string::npos);
}

TEST(HttpServer, StopDrainsTheRequestInFlightAndClosesIdleConnections) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  const auto ep = h.endpoint();
  std::string error;
  auto busy = Client::Connect(ep, nullptr, &error);
  auto idle = Client::Connect(ep, nullptr, &error);
  ASSERT_NE(busy, nullptr);
  ASSERT_NE(idle, nullptr);
  ASSERT_EQ(idle->Request("GET", "/healthz")->status, 200u);

  auto in_flight =
      std::async(std::launch::async, [&] { return busy->Request("GET", "/api/v1/slow"); });
  ASSERT_TRUE(h.gate().WaitEntered(milliseconds(5000)));

  auto done = std::make_shared<std::promise<void>>();
  auto stopped = done->get_future();
  h.server().Stop([done] { done->set_value(); });

  EXPECT_TRUE(idle->WaitClosed(milliseconds(3000))) << idle->last_error();
  // No new connections are served.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    auto reply = Fetch(ep, "GET", "/healthz");
    refused = !reply.has_value();
    if (!refused) {
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(stopped.wait_for(milliseconds(100)), std::future_status::timeout);

  h.gate().Open();
  auto reply = in_flight.get();
  ASSERT_TRUE(reply.has_value()) << busy->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, "slow done");
  EXPECT_FALSE(reply->keep_alive);
  EXPECT_EQ(stopped.wait_for(milliseconds(3000)), std::future_status::ready);
  EXPECT_EQ(h.server().open_connections(), 0);
}

TEST(HttpServer, StopGivesUpOnAHungRequestAfterTheBound) {
  ServerOptions options = DefaultOptions();
  options.stop_timeout = milliseconds(200);
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto busy = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(busy, nullptr);
  auto in_flight =
      std::async(std::launch::async, [&] { return busy->Request("GET", "/api/v1/slow"); });
  ASSERT_TRUE(h.gate().WaitEntered(milliseconds(5000)));
  const auto start = steady_clock::now();
  EXPECT_TRUE(h.StopAndWait(milliseconds(3000)));
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));
  EXPECT_FALSE(in_flight.get().has_value());  // closed without an answer
  h.gate().Open();
}

TEST(HttpServer, StartFailsCleanlyOnBadOptions) {
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  Router router;
  auto with = [&](auto change) {
    ServerOptions options = DefaultOptions();
    change(options);
    return Server::Start(io, options, router, pool, nullptr);
  };
  auto bad_host = with([](ServerOptions& o) { o.listen = "example.org:80"; });
  ASSERT_FALSE(bad_host.ok());
  EXPECT_EQ(bad_host.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(with([](ServerOptions& o) { o.listen = "127.0.0.1:99999"; }).ok());
  EXPECT_FALSE(with([](ServerOptions& o) { o.listen = "127.0.0.1"; }).ok());
  EXPECT_FALSE(with([](ServerOptions& o) { o.max_connections = 0; }).ok());
  EXPECT_FALSE(with([](ServerOptions& o) { o.tokens[0].sha256_hex = "abc"; }).ok());

  auto first = with([](ServerOptions&) {});
  ASSERT_TRUE(first.ok());
  const auto port = (*first)->bound_endpoint().port();
  auto taken = with([&](ServerOptions& o) { o.listen = "127.0.0.1:" + std::to_string(port); });
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kIo);
  EXPECT_NE(taken.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);

  auto v6 = with([](ServerOptions& o) { o.listen = "[::1]:0"; });
  if (v6.ok()) {
    EXPECT_TRUE((*v6)->bound_endpoint().address().is_v6());
  }
  pool.join();
}

TEST(HttpServer, TokensNeverAppearInResponsesOrLogs) {
  SetLogLevel(LogLevel::kDebug);
  const std::string wrong_token = "tok-wrong-3b1f6e0d9c";
  std::string everything;
  std::string logs;
  {
    StderrCapture capture;
    {
      Harness h(DefaultOptions());
      ASSERT_TRUE(h.start_status().ok());
      const auto ep = h.endpoint();
      for (auto token : {std::string(kArchivistToken), std::string(kAuditorToken),
                         std::string(kMetricsToken), wrong_token}) {
        for (auto [verb, target] :
             std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/alerts"},
                                                              {"GET", "/api/v1/whoami"},
                                                              {"POST", "/api/v1/alerts/9/ack"},
                                                              {"GET", "/metrics"},
                                                              {"GET", "/nothing"},
                                                              {"DELETE", "/api/v1/alerts"},
                                                              {"GET", "/healthz"}}) {
          auto reply = Fetch(ep, verb, target, token);
          ASSERT_TRUE(reply.has_value()) << verb << " " << target;
          everything += reply->All();
        }
      }
      // A handler never sees the Authorization header.
      auto whoami = Fetch(ep, "GET", "/api/v1/whoami", kMetricsToken);
      ASSERT_TRUE(whoami.has_value());
      EXPECT_NE(whoami->body.find("\"saw_auth\":false"), std::string::npos);
      everything += h.metrics().Render();
    }
    logs = capture.Text();
  }
  SetLogLevel(LogLevel::kInfo);
  EXPECT_NE(logs.find("event=http.auth_refused"), std::string::npos);  // something was logged
  EXPECT_NE(logs.find("event=http.request"), std::string::npos);
  for (auto token : {std::string(kArchivistToken), std::string(kAuditorToken),
                     std::string(kMetricsToken), wrong_token}) {
    EXPECT_EQ(everything.find(token), std::string::npos) << "in a response";
    EXPECT_EQ(logs.find(token), std::string::npos) << "in the log";
    EXPECT_EQ(everything.find(TokenSha256Hex(token)), std::string::npos);
    EXPECT_EQ(logs.find(TokenSha256Hex(token)), std::string::npos);
  }
  EXPECT_EQ(logs.find("Bearer "), std::string::npos);
}

TEST(HttpServer, TwoAuthorizationHeadersAreRefusedNeverAuthenticated) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  const std::string archivist = "Bearer " + std::string(kArchivistToken);
  const std::string metrics = "Bearer " + std::string(kMetricsToken);

  struct Case {
    std::string target;
    std::string first_token;
    std::string second;
  };

  for (const Case& c :
       std::vector<Case>{{"/api/v1/whoami", std::string(kMetricsToken), archivist},
                         {"/api/v1/alerts", std::string(kArchivistToken), archivist},
                         {"/api/v1/alerts", "wrong-token", archivist},
                         {"/api/v1/alerts", std::string(kArchivistToken), "Basic eA=="},
                         {"/healthz", std::string(kArchivistToken), metrics}}) {
    std::string error;
    auto client = Client::Connect(h.endpoint(), nullptr, &error);
    ASSERT_NE(client, nullptr) << error;
    auto reply = client->Request("GET", c.target, c.first_token, {}, {{"Authorization", c.second}});
    ASSERT_TRUE(reply.has_value()) << client->last_error();
    EXPECT_EQ(reply->status, 400u) << c.target << " " << reply->body;
    EXPECT_EQ(reply->Header("www-authenticate"), "Bearer error=\"invalid_request\"");
    EXPECT_EQ(reply->body, "{\"error\":\"more than one Authorization header\"}");
    EXPECT_FALSE(reply->keep_alive);
    EXPECT_TRUE(client->WaitClosed(milliseconds(2000))) << client->last_error();
  }
  // One header still works.
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/api/v1/alerts", kArchivistToken)->status, 200u);
  EXPECT_NE(h.metrics().Render().find("arkivvakt_http_auth_failures_total{reason=\"invalid\"} 5\n"),
            std::string::npos);
}

TEST(HttpServer, StartRefusesATokenHashOrCertificateCnGrantedTwice) {
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  Router router;
  ServerOptions options = DefaultOptions();
  options.tokens.push_back({Role::kArchivist, TokenSha256Hex(kMetricsToken), "night-shift"});
  auto started = Server::Start(io, options, router, pool, nullptr);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  const std::string& message = started.error().message;
  EXPECT_NE(message.find("prometheus"), std::string::npos) << message;
  EXPECT_NE(message.find("night-shift"), std::string::npos) << message;
  EXPECT_EQ(message.find(TokenSha256Hex(kMetricsToken)), std::string::npos) << message;

  options = DefaultOptions();
  options.client_certs = {{"auditor.example", Role::kAuditor}, {"auditor.example", Role::kAuditor}};
  started = Server::Start(io, options, router, pool, nullptr);
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(started.error().message.find("auditor.example"), std::string::npos);
  pool.join();
}

TEST(HttpServer, SetGrantsAppliesToTheNextRequestOnAKeepAliveConnection) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto client = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(client, nullptr) << error;
  auto before = client->Request("GET", "/api/v1/whoami", kArchivistToken);
  ASSERT_TRUE(before.has_value()) << client->last_error();
  EXPECT_EQ(before->status, 200u);
  EXPECT_NE(before->body.find("\"name\":\"archive-office\""), std::string::npos);
  ASSERT_TRUE(before->keep_alive);

  // The archivist token is removed, the auditor's kept, a new one added.
  const std::string new_token = "tok-night-shift-4e1d";
  Status swapped =
      h.server().SetGrants({{Role::kAuditor, TokenSha256Hex(kAuditorToken), "county-auditor"},
                            {Role::kArchivist, TokenSha256Hex(new_token), "night-shift"}},
                           {});
  ASSERT_TRUE(swapped.ok()) << swapped.error().message;

  auto removed = client->Request("GET", "/api/v1/whoami", kArchivistToken);
  ASSERT_TRUE(removed.has_value()) << client->last_error();
  EXPECT_EQ(removed->status, 401u);
  EXPECT_EQ(removed->Header("www-authenticate"), "Bearer error=\"invalid_token\"");
  auto added = client->Request("GET", "/api/v1/whoami", new_token);
  ASSERT_TRUE(added.has_value()) << client->last_error();
  EXPECT_EQ(added->status, 200u);
  EXPECT_NE(added->body.find("\"name\":\"night-shift\""), std::string::npos);
  auto kept = client->Request("GET", "/api/v1/whoami", kAuditorToken);
  ASSERT_TRUE(kept.has_value()) << client->last_error();
  EXPECT_EQ(kept->status, 200u);
  EXPECT_EQ(h.server().open_connections(), 1);  // all on the one connection
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/metrics", kMetricsToken)->status, 401u);
}

TEST(HttpServer, SetGrantsRefusesWhatStartRefusesAndKeepsTheRunningGrants) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  const std::string hash = TokenSha256Hex("tok-shared-9c");
  Status duplicate = h.server().SetGrants(
      {{Role::kMetrics, hash, "prometheus"}, {Role::kArchivist, hash, "archive-office"}}, {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(duplicate.error().message.find("prometheus"), std::string::npos);
  EXPECT_NE(duplicate.error().message.find("archive-office"), std::string::npos);
  EXPECT_EQ(duplicate.error().message.find(hash), std::string::npos);
  // The same function as `arkivvakt config check` runs.
  Status validated = ValidateGrants(
      {{Role::kMetrics, hash, "prometheus"}, {Role::kArchivist, hash, "archive-office"}}, {});
  ASSERT_FALSE(validated.ok());
  EXPECT_EQ(validated.error().message, duplicate.error().message);

  EXPECT_FALSE(h.server().SetGrants({{Role::kMetrics, "abc", "x"}}, {}).ok());
  EXPECT_FALSE(h.server()
                   .SetGrants({}, {{"a.example", Role::kAuditor}, {"a.example", Role::kMetrics}})
                   .ok());
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/api/v1/alerts", kArchivistToken)->status, 200u);
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/metrics", kMetricsToken)->status, 200u);

  // An empty set is valid: every protected route is then closed.
  ASSERT_TRUE(h.server().SetGrants({}, {}).ok());
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/api/v1/alerts", kArchivistToken)->status, 401u);
  EXPECT_EQ(Fetch(h.endpoint(), "GET", "/healthz")->status, 200u);
}

TEST(HttpServer, RequestsDuringSwapsSeeOneWholeSetOrTheOther) {
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  const std::string token = "tok-swapped-7a";
  const std::vector<TokenGrant> set_a = {{Role::kArchivist, TokenSha256Hex(token), "set-a"}};
  const std::vector<TokenGrant> set_b = {{Role::kAuditor, TokenSha256Hex(token), "set-b"}};
  ASSERT_TRUE(h.server().SetGrants(set_a, {}).ok());
  StderrCapture quiet;  // a log line per swap
  std::atomic<bool> done{false};
  std::thread swapper([&] {
    for (int i = 0; !done.load() && i < 20000; ++i) {
      Status s = h.server().SetGrants(i % 2 == 0 ? set_b : set_a, {});
      EXPECT_TRUE(s.ok());
    }
  });
  std::string error;
  auto client = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(client, nullptr) << error;
  int seen_a = 0;
  int seen_b = 0;
  for (int i = 0; i < 300; ++i) {
    auto reply = client->Request("GET", "/api/v1/whoami", token);
    ASSERT_TRUE(reply.has_value()) << client->last_error();
    ASSERT_EQ(reply->status, 200u);
    // A role and a name from the same set, never one of each.
    if (reply->body.find("\"role\":\"archivist\",\"name\":\"set-a\"") != std::string::npos) {
      ++seen_a;
    } else {
      EXPECT_NE(reply->body.find("\"role\":\"auditor\",\"name\":\"set-b\""), std::string::npos)
          << reply->body;
      ++seen_b;
    }
  }
  done.store(true);
  swapper.join();
  EXPECT_EQ(seen_a + seen_b, 300);
}

}  // namespace
}  // namespace arkivvakt::http::testing
