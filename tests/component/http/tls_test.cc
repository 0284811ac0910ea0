// The real server over TLS with a PKI made by the openssl CLI at test time; client certificates;
// and `promtool check metrics` on the /metrics output.
#include <filesystem>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "harness.h"

namespace arkivvakt::http::testing {
namespace {

using arkivvakt::testing::RunCommand;
using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;

class HttpsServer : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    pki_ = Pki::Get(&error);
    if (pki_ == nullptr) {
      GTEST_SKIP() << "the openssl command-line tool could not make a test PKI: " << error;
    }
  }

  ServerOptions TlsOptions(bool client_ca) const {
    ServerOptions options = DefaultOptions();
    options.tls_cert = pki_->server_cert;
    options.tls_key = pki_->server_key;
    if (client_ca) {
      options.client_ca = pki_->ca_cert;
      options.client_certs = {{"auditor.example", Role::kAuditor}};
    }
    return options;
  }

  const Pki* pki_ = nullptr;
};

TEST_F(HttpsServer, ServesOverTls12OrLaterWithTokens) {
  Harness h(TlsOptions(false));
  ASSERT_TRUE(h.start_status().ok()) << h.start_status().error().message;
  ClientTls tls{pki_->ca_cert, {}, {}, 0};
  std::string error;
  auto client = Client::Connect(h.endpoint(), &tls, &error);
  ASSERT_NE(client, nullptr) << error;
  EXPECT_GE(client->tls_version(), TLS1_2_VERSION);
  auto health = client->Request("GET", "/healthz");
  ASSERT_TRUE(health.has_value()) << client->last_error();
  EXPECT_EQ(health->status, 200u);
  auto alerts = client->Request("GET", "/api/v1/alerts", kArchivistToken);
  ASSERT_TRUE(alerts.has_value());
  EXPECT_EQ(alerts->status, 200u);
  EXPECT_EQ(client->Request("GET", "/api/v1/alerts")->status, 401u);

  // Plain HTTP to the HTTPS port gets no answer.
  EXPECT_FALSE(Fetch(h.endpoint(), "GET", "/healthz").has_value());
}

TEST_F(HttpsServer, RefusesTls11) {
  Harness h(TlsOptions(false));
  ASSERT_TRUE(h.start_status().ok());
  ClientTls old{pki_->ca_cert, {}, {}, TLS1_1_VERSION};
  std::string error;
  EXPECT_EQ(Client::Connect(h.endpoint(), &old, &error), nullptr);
  EXPECT_NE(error.find("handshake"), std::string::npos) << error;
}

TEST_F(HttpsServer, ClientCertificateCnGrantsItsRole) {
  Harness h(TlsOptions(true));
  ASSERT_TRUE(h.start_status().ok()) << h.start_status().error().message;
  std::string error;

  ClientTls with_cert{pki_->ca_cert, pki_->client_cert, pki_->client_key, 0};
  auto auditor = Client::Connect(h.endpoint(), &with_cert, &error);
  ASSERT_NE(auditor, nullptr) << error;
  auto reply = auditor->Request("GET", "/api/v1/alerts");
  ASSERT_TRUE(reply.has_value()) << auditor->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_EQ(reply->body, "{\"role\":\"auditor\",\"name\":\"auditor.example\",\"saw_auth\":false}");
  // The certificate gives the auditor role only.
  EXPECT_EQ(auditor->Request("POST", "/api/v1/alerts/1/ack")->status, 403u);

  // A CN no grant names is refused.
  ClientTls stranger{pki_->ca_cert, pki_->stranger_cert, pki_->stranger_key, 0};
  auto s = Client::Connect(h.endpoint(), &stranger, &error);
  ASSERT_NE(s, nullptr) << error;
  EXPECT_EQ(s->Request("GET", "/api/v1/alerts")->status, 401u);

  // The right CN from a CA the server does not trust never gets a session.
  ClientTls rogue{pki_->ca_cert, pki_->rogue_cert, pki_->rogue_key, 0};
  auto r = Client::Connect(h.endpoint(), &rogue, &error);
  if (r != nullptr) {  // TLS 1.3: the server's verdict arrives after the client's handshake
    EXPECT_FALSE(r->Request("GET", "/api/v1/alerts").has_value());
  }

  // Without a certificate, a token still works.
  ClientTls no_cert{pki_->ca_cert, {}, {}, 0};
  auto token = Client::Connect(h.endpoint(), &no_cert, &error);
  ASSERT_NE(token, nullptr) << error;
  EXPECT_EQ(token->Request("GET", "/api/v1/alerts", kArchivistToken)->status, 200u);
  EXPECT_EQ(token->Request("GET", "/api/v1/alerts")->status, 401u);
}

TEST_F(HttpsServer, CertificateProblemsNameTheFile) {
  TempDir dir;
  boost::asio::io_context io;
  boost::asio::thread_pool pool(1);
  Router router;
  auto start = [&](const ServerOptions& o) { return Server::Start(io, o, router, pool, nullptr); };

  ServerOptions missing = TlsOptions(false);
  missing.tls_cert = dir.path() / "absent.pem";
  auto r1 = start(missing);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r1.error().message.find("absent.pem"), std::string::npos);

  ServerOptions garbage = TlsOptions(false);
  garbage.tls_key = dir.path() / "garbage.key";
  WriteFile(garbage.tls_key, "not a key\n");
  auto r2 = start(garbage);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kSecurity);
  EXPECT_NE(r2.error().message.find("garbage.key"), std::string::npos);

  ServerOptions mismatch = TlsOptions(false);
  mismatch.tls_key = pki_->client_key;
  auto r3 = start(mismatch);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.error().message.find("does not match"), std::string::npos) << r3.error().message;

  ServerOptions half = TlsOptions(false);
  half.tls_key.clear();
  EXPECT_EQ(start(half).error().code, ErrorCode::kInvalidArgument);

  ServerOptions ca_without_tls = DefaultOptions();
  ca_without_tls.client_ca = pki_->ca_cert;
  EXPECT_EQ(start(ca_without_tls).error().code, ErrorCode::kInvalidArgument);
  pool.join();
}

TEST_F(HttpsServer, OverTheCapANewcomerGets503OverTls) {
  ServerOptions options = TlsOptions(false);
  options.max_connections = 1;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  ClientTls tls{pki_->ca_cert, {}, {}, 0};
  std::string error;
  auto busy = Client::Connect(h.endpoint(), &tls, &error);
  ASSERT_NE(busy, nullptr) << error;
  ASSERT_TRUE(busy->WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(Eventually([&] { return h.server().busy_connections() == 1; },
                         std::chrono::milliseconds(3000)));

  auto newcomer = Client::Connect(h.endpoint(), &tls, &error);
  ASSERT_NE(newcomer, nullptr) << error;
  auto refused = newcomer->Read();  // without sending a byte
  ASSERT_TRUE(refused.has_value()) << newcomer->last_error();
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(refused->Header("retry-after"), "1");
  EXPECT_FALSE(refused->keep_alive);

  ASSERT_TRUE(busy->WriteRaw("\r\n"));
  auto reply = busy->Read();
  ASSERT_TRUE(reply.has_value()) << busy->last_error();
  EXPECT_EQ(reply->status, 200u);
}

TEST_F(HttpsServer, AnIdleTlsConnectionIsEvictedForANewcomer) {
  ServerOptions options = TlsOptions(false);
  options.max_connections = 1;
  Harness h(options);
  ASSERT_TRUE(h.start_status().ok());
  ClientTls tls{pki_->ca_cert, {}, {}, 0};
  std::string error;
  auto idle = Client::Connect(h.endpoint(), &tls, &error);
  ASSERT_NE(idle, nullptr) << error;
  ASSERT_EQ(idle->Request("GET", "/healthz")->status, 200u);
  ASSERT_TRUE(Eventually([&] { return h.server().busy_connections() == 0; },
                         std::chrono::milliseconds(3000)));
  auto newcomer = Client::Connect(h.endpoint(), &tls, &error);
  ASSERT_NE(newcomer, nullptr) << error;
  auto reply = newcomer->Request("GET", "/healthz");
  ASSERT_TRUE(reply.has_value()) << newcomer->last_error();
  EXPECT_EQ(reply->status, 200u);
  EXPECT_TRUE(idle->WaitClosed(std::chrono::milliseconds(2000))) << idle->last_error();
  EXPECT_EQ(h.server().open_connections(), 1);
}

TEST_F(HttpsServer, SetGrantsRemovesACertificateGrantForTheNextRequest) {
  Harness h(TlsOptions(true));
  ASSERT_TRUE(h.start_status().ok()) << h.start_status().error().message;
  ClientTls with_cert{pki_->ca_cert, pki_->client_cert, pki_->client_key, 0};
  std::string error;
  auto auditor = Client::Connect(h.endpoint(), &with_cert, &error);
  ASSERT_NE(auditor, nullptr) << error;
  ASSERT_EQ(auditor->Request("GET", "/api/v1/alerts")->status, 200u);

  ASSERT_TRUE(
      h.server().SetGrants(DefaultOptions().tokens, {{"ops.example", Role::kAuditor}}).ok());
  auto removed = auditor->Request("GET", "/api/v1/alerts");
  ASSERT_TRUE(removed.has_value()) << auditor->last_error();
  EXPECT_EQ(removed->status, 401u);

  ASSERT_TRUE(h.server().SetGrants({}, {{"auditor.example", Role::kArchivist}}).ok());
  auto promoted = auditor->Request("POST", "/api/v1/alerts/1/ack");
  ASSERT_TRUE(promoted.has_value()) << auditor->last_error();
  EXPECT_EQ(promoted->status, 200u);
}

TEST(HttpMetrics, PromtoolAcceptsTheMetricsAfterTraffic) {
  if (!std::filesystem::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "/usr/bin/promtool is absent (Debian package prometheus)";
  }
  Harness h(DefaultOptions());
  ASSERT_TRUE(h.start_status().ok());
  Metrics& m = h.metrics();
  m.SetScheduleInterval(Family::kFix, std::chrono::minutes(15));
  m.SetScheduleInterval(Family::kRec, std::chrono::minutes(15));
  m.CycleFinished(Family::kFix, std::chrono::seconds(3), true, std::chrono::system_clock::now());
  m.CycleFinished(Family::kRec, std::chrono::seconds(1), false, std::chrono::system_clock::now());
  m.SetFindings(Family::kFix, {{{"FIX-CHECKSUM", Severity::kCritical}, 2}});
  m.SetFindings(Family::kN5, {{{"N5.02", Severity::kCritical}, 1}});
  m.SetAlertsOpen({{Severity::kCritical, 3}});
  m.DocumentsVerified(10, 12345);
  m.SinkError(Sink::kWebhook);
  m.NotificationSent(Sink::kAlertmanager);
  m.ConfigReloaded(false);
  m.StoreError();
  for (const char* target : {"/healthz", "/readyz", "/api/v1/alerts", "/nothing"}) {
    ASSERT_TRUE(Fetch(h.endpoint(), "GET", target, kAuditorToken).has_value());
  }
  ASSERT_TRUE(Fetch(h.endpoint(), "GET", "/api/v1/alerts").has_value());
  auto reply = Fetch(h.endpoint(), "GET", "/metrics", kMetricsToken);
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->status, 200u);
  for (const char* name : {"arkivvakt_build_info",
                           "arkivvakt_cycle_duration_seconds_bucket",
                           "arkivvakt_cycle_last_success_timestamp_seconds",
                           "arkivvakt_cycle_failures_total",
                           "arkivvakt_schedule_interval_seconds",
                           "arkivvakt_findings{",
                           "arkivvakt_alerts_open",
                           "arkivvakt_documents_verified_total",
                           "arkivvakt_bytes_verified_total",
                           "arkivvakt_store_errors_total",
                           "arkivvakt_sink_errors_total",
                           "arkivvakt_notifications_sent_total",
                           "arkivvakt_config_reload_failures_total",
                           "arkivvakt_config_last_reload_successful",
                           "arkivvakt_http_requests_total",
                           "arkivvakt_http_request_duration_seconds_bucket",
                           "arkivvakt_http_auth_failures_total",
                           "process_resident_memory_bytes",
                           "process_cpu_seconds_total",
                           "process_open_fds",
                           "process_start_time_seconds",
                           "process_virtual_memory_bytes"}) {
    EXPECT_NE(reply->body.find(std::string("\n") + name), std::string::npos) << name;
  }
  TempDir dir;
  WriteFile(dir.path() / "metrics.txt", reply->body);
  auto check = RunCommand(
      {"/bin/sh", "-c",
       "/usr/bin/promtool check metrics < '" + (dir.path() / "metrics.txt").string() + "'"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out + check.err, "");
}

}  // namespace
}  // namespace arkivvakt::http::testing
