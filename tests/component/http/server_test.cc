// The real server on 127.0.0.1:0 over plain HTTP, driven by a Beast client.
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "common/log.h"
#include "harness.h"

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

TEST(HttpServer, ConnectionsOverTheCapGet503AndAreClosed) {
  ServerOptions options = DefaultOptions();
  options.max_connections = 2;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  std::string error;
  auto first = Client::Connect(h.endpoint(), nullptr, &error);
  auto second = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_EQ(first->Request("GET", "/healthz")->status, 200u);
  ASSERT_EQ(second->Request("GET", "/healthz")->status, 200u);
  EXPECT_EQ(h.server().open_connections(), 2);

  auto third = Client::Connect(h.endpoint(), nullptr, &error);
  ASSERT_NE(third, nullptr);
  auto busy = third->Request("GET", "/healthz");
  ASSERT_TRUE(busy.has_value()) << third->last_error();
  EXPECT_EQ(busy->status, 503u);
  EXPECT_EQ(busy->Header("retry-after"), "1");
  EXPECT_FALSE(busy->keep_alive);
  EXPECT_TRUE(third->WaitClosed(milliseconds(3000))) << third->last_error();

  // A freed slot is usable again.
  first.reset();
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    auto reply = Fetch(h.endpoint(), "GET", "/healthz");
    served = reply.has_value() && reply->status == 200;
    if (!served) {
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  EXPECT_TRUE(served);
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

}  // namespace
}  // namespace arkivvakt::http::testing
