// The notification sinks end to end with real receivers: the HTTP(S) client against a Beast
// receiver on loopback (plain and TLS with an openssl-made CA), the signed webhook checked with
// `openssl dgst -hmac`, at-least-once delivery while the receiver is down, the real Debian
// Alertmanager (firing, then resolved, with its own webhook call), the journal, and no personal
// data in anything that leaves (receivers, Alertmanager's API, journal fields, log lines).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "alerts/cycle.h"
#include "alerts/payload.h"
#include "common/log.h"
#include "noark5/testing/writer.h"
#include "sinks/http_client.h"
#include "sinks/outbox_worker.h"
#include "sinks/senders.h"
#include "store/store.h"
#include "support/test_paths.h"
#include "test_receiver.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace arkivvakt::sinks {
namespace {

using arkivvakt::testing::CommandResult;
using arkivvakt::testing::ReadFile;
using arkivvakt::testing::RunCommand;
using arkivvakt::testing::TempDir;
using arkivvakt::testing::WriteFile;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ReceivedRequest;
using testing::TestReceiver;

TimePoint Now() {
  return SystemClock().Now();
}

std::shared_ptr<const HttpClient> Client(milliseconds timeout = milliseconds(3000),
                                         std::filesystem::path ca = {}) {
  HttpClientOptions o;
  o.timeout = timeout;
  o.ca_file = std::move(ca);
  auto c = HttpClient::Create(o);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? *c : nullptr;
}

HttpUrl Url(const std::string& text) {
  auto u = ParseHttpUrl(text);
  EXPECT_TRUE(u.ok()) << text;
  return u.ok() ? *u : HttpUrl{};
}

std::string Local(unsigned short port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

unsigned short FreePort() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(
      ioc, {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(0)});
  return a.local_endpoint().port();
}

bool WaitUntil(const std::function<bool()>& done, milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
  return done();
}

std::unique_ptr<store::Store> OpenStore(const TempDir& dir, const Clock& clock) {
  store::StoreOptions o;
  o.sqlite.path = dir.path() / "arkivvakt.db";
  o.sqlite.synchronous_full = false;
  auto s = store::Store::Open(o, clock);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(*s) : nullptr;
}

WebhookSecret SecretIn(const TempDir& dir, const std::string& value) {
  const auto path = dir.path() / "webhook.secret";
  WriteFile(path, value + "\n");
  auto secret = WebhookSecret::FromFile(path);
  EXPECT_TRUE(secret.ok());
  return std::move(*secret);
}

Finding MakeFinding(std::string check, std::string asid, Severity severity) {
  Finding f;
  f.check = std::move(check);
  f.severity = severity;
  f.subject.archive_system_id = std::move(asid);
  f.message = "checksum differs";
  return f;
}

alerts::CycleCoverage Complete(const std::string& check) {
  alerts::CycleCoverage c;
  c.complete_checks.insert(check);
  return c;
}

// ---- HTTP client

TEST(HttpClient, PostsWithHeadersAndReadsStatusAndABoundedBody) {
  TestReceiver receiver;
  receiver.SetResponse(202, "accepted");
  const std::vector<HttpHeader> headers = {{"X-Test", "1"}};
  auto r = Client()->Post(Url(Local(receiver.port(), "/in?x=1")), "{\"a\":1}", headers);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "accepted");
  ASSERT_EQ(receiver.Requests().size(), 1U);
  const ReceivedRequest req = receiver.Requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/in?x=1");
  EXPECT_EQ(req.body, "{\"a\":1}");
  EXPECT_EQ(req.headers.at("content-type"), "application/json");
  EXPECT_EQ(req.headers.at("x-test"), "1");

  receiver.SetResponse(500, std::string(200000, 'x'));
  auto big = Client()->Post(Url(Local(receiver.port(), "/")), "{}", {});
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(big->status, 500);
  EXPECT_TRUE(big->body_truncated);
  EXPECT_LE(big->body.size(), 64U * 1024U);
}

TEST(HttpClient, MeetsItsDeadlineWhenTheReceiverNeverAnswers) {
  TestReceiver receiver;
  receiver.SetSilent(true);
  const auto start = std::chrono::steady_clock::now();
  auto r = Client(milliseconds(400))->Post(Url(Local(receiver.port(), "/")), "{}", {});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("deadline"), std::string::npos) << r.error().message;
  EXPECT_LT(took, seconds(3));
  EXPECT_GE(took, milliseconds(350));
}

TEST(HttpClient, ErrorsNameTheOriginButNeverThePathOrQuery) {
  TestReceiver receiver;
  const unsigned short port = receiver.port();
  receiver.Stop();
  auto r = Client()->Post(Url(Local(port, "/hooks/T0KEN-abc?sig=s3cr3t")), "{}", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kIo);
  EXPECT_NE(r.error().message.find("http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("T0KEN"), std::string::npos);
  EXPECT_EQ(r.error().message.find("s3cr3t"), std::string::npos);
  EXPECT_FALSE(ParseHttpUrl("http://user:pw@127.0.0.1/").ok());
  EXPECT_FALSE(ParseHttpUrl("ftp://127.0.0.1/").ok());
}

// A CA and two server certificates made with the openssl command line.
struct Pki {
  std::filesystem::path ca, good_chain, good_key, other_chain, other_key;
};

bool MakePki(const std::filesystem::path& dir, Pki* pki, std::string* why) {
  auto run = [&](const std::vector<std::string>& argv) {
    const CommandResult r = RunCommand(argv);
    if (r.exit_code != 0) {
      *why = argv[1] + ": " + r.err;
    }
    return r.exit_code == 0;
  };
  const std::string d = dir.string() + "/";
  if (!run({"openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            d + "ca.key",
            "-out",
            d + "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=arkivvakt test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign"})) {
    return false;
  }
  for (const auto& [name, san] : std::vector<std::pair<std::string, std::string>>{
           {"good", "IP:127.0.0.1,DNS:localhost"}, {"other", "DNS:other.example"}}) {
    WriteFile(dir / (name + ".ext"), "subjectAltName=" + san + "\n");
    if (!run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", d + name + ".key", "-out", d + name + ".csr", "-subj", "/CN=" + name}) ||
        !run({"openssl", "x509", "-req", "-in", d + name + ".csr", "-CA", d + "ca.pem", "-CAkey",
              d + "ca.key", "-CAcreateserial", "-out", d + name + ".pem", "-days", "2", "-extfile",
              d + name + ".ext"})) {
      return false;
    }
  }
  pki->ca = dir / "ca.pem";
  pki->good_chain = dir / "good.pem";
  pki->good_key = dir / "good.key";
  pki->other_chain = dir / "other.pem";
  pki->other_key = dir / "other.key";
  return true;
}

TEST(HttpClient, VerifiesTheTlsPeerAgainstTheConfiguredCaAndTheHostName) {
  if (RunCommand({"openssl", "version"}).exit_code != 0) {
    GTEST_SKIP() << "the openssl binary is not installed; cannot make test certificates";
  }
  TempDir dir;
  Pki pki;
  std::string why;
  ASSERT_TRUE(MakePki(dir.path(), &pki, &why)) << why;
  testing::ReceiverTls good{pki.good_chain, pki.good_key};
  TestReceiver receiver(0, &good);
  const std::string https = "https://127.0.0.1:" + std::to_string(receiver.port()) + "/hook";

  auto ok = Client(milliseconds(3000), pki.ca)->Post(Url(https), "{}", {});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->status, 200);
  auto by_name =
      Client(milliseconds(3000), pki.ca)
          ->Post(Url("https://localhost:" + std::to_string(receiver.port()) + "/"), "{}", {});
  EXPECT_TRUE(by_name.ok()) << by_name.error().message;

  // The system store does not know the test CA.
  auto untrusted = Client()->Post(Url(https), "{}", {});
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code, ErrorCode::kSecurity) << untrusted.error().message;

  // A certificate from the right CA for another name.
  testing::ReceiverTls other{pki.other_chain, pki.other_key};
  TestReceiver wrong_name(0, &other);
  auto mismatch =
      Client(milliseconds(3000), pki.ca)
          ->Post(Url("https://127.0.0.1:" + std::to_string(wrong_name.port()) + "/"), "{}", {});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code, ErrorCode::kSecurity) << mismatch.error().message;
  EXPECT_EQ(receiver.Requests().size(), 2U);
  EXPECT_TRUE(wrong_name.Requests().empty());
}

// ---- webhook

class SinkFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_, clock_);
    ASSERT_NE(store_, nullptr);
    sinks_.payload.base_url = "https://arkivvakt.kommune.example";
    sinks_.payload.instance = "arkivvakt-test";
  }

  std::int64_t DueCount(TimePoint at) {
    auto due = store_->DueMessages(at, 1000);
    EXPECT_TRUE(due.ok());
    return due.ok() ? static_cast<std::int64_t>(due->size()) : -1;
  }

  TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  alerts::SinkSelection sinks_;
};

TEST_F(SinkFlow, WebhookIsSignedSoThatOpensslDgstVerifiesIt) {
  if (RunCommand({"openssl", "version"}).exit_code != 0) {
    GTEST_SKIP() << "the openssl binary is not installed";
  }
  TestReceiver receiver;
  const std::string secret_text = "s3cret-webhook-key-\xC3\xB8";
  auto sender =
      WebhookSender::Create(Client(), Local(receiver.port(), "/hook"), SecretIn(dir_, secret_text));
  ASSERT_TRUE(sender.ok());
  sinks_.webhook = true;
  const TimePoint t = Now();
  const std::vector<Finding> findings = {MakeFinding("FIX-CHECKSUM", "a-1", Severity::kCritical),
                                         MakeFinding("FIX-CHECKSUM", "a-2", Severity::kHigh)};
  auto cycle = alerts::ApplyCycle(*store_, *store_, findings, Complete("FIX-CHECKSUM"), sinks_, t);
  ASSERT_TRUE(cycle.ok()) << cycle.error().message;
  EXPECT_EQ(cycle->messages_enqueued, 2);

  const SenderMap senders = {{std::string(alerts::kWebhookSink), sender->get()}};
  auto counts = DeliverDue(*store_, senders, t, 100);
  ASSERT_TRUE(counts.ok()) << counts.error().message;
  EXPECT_EQ(counts->delivered, 2);
  EXPECT_EQ(DueCount(t + std::chrono::hours(24)), 0);

  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2U);
  for (const ReceivedRequest& req : requests) {
    const std::string id = req.headers.at("x-arkivvakt-delivery");
    EXPECT_EQ(id.substr(0, 4), "ntf-");
    EXPECT_NE(req.body.find("\"delivery_id\":\"" + id + "\""), std::string::npos);
    const auto body_file = dir_.path() / ("body-" + id);
    WriteFile(body_file, req.body);
    const CommandResult dgst =
        RunCommand({"openssl", "dgst", "-sha256", "-hmac", secret_text, "-r", body_file.string()});
    ASSERT_EQ(dgst.exit_code, 0) << dgst.err;
    EXPECT_EQ(req.headers.at("x-arkivvakt-signature"),
              "sha256=" + dgst.out.substr(0, dgst.out.find(' ')));
    // A receiver with another key does not accept it.
    auto wrong = alerts::HmacSha256Hex("another-key", req.body);
    EXPECT_NE(req.headers.at("x-arkivvakt-signature"), "sha256=" + *wrong);
  }
}

TEST_F(SinkFlow, WhileTheReceiverIsDownMessagesWaitAndAreDeliveredOncePerDeliveryId) {
  TestReceiver receiver;
  auto sender = WebhookSender::Create(Client(milliseconds(1000)), Local(receiver.port(), "/h"),
                                      SecretIn(dir_, "k"));
  ASSERT_TRUE(sender.ok());
  const SenderMap senders = {{std::string(alerts::kWebhookSink), sender->get()}};
  sinks_.webhook = true;
  TimePoint t = Now();
  std::vector<Finding> findings;
  for (int i = 0; i < 3; ++i) {
    findings.push_back(MakeFinding("REC-MISSING", "d-" + std::to_string(i), Severity::kHigh));
  }
  ASSERT_TRUE(
      alerts::ApplyCycle(*store_, *store_, findings, Complete("REC-MISSING"), sinks_, t).ok());

  // 1: the receiver answers 503.
  receiver.SetResponse(503, "busy");
  auto c1 = DeliverDue(*store_, senders, t, 100);
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->failed, 3);
  EXPECT_EQ(c1->refused, 0);
  // 2: the receiver is down (connection refused).
  receiver.Stop();
  t += std::chrono::minutes(1);
  auto c2 = DeliverDue(*store_, senders, t, 100);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->failed, 3);
  auto waiting = store_->DueMessages(t + std::chrono::hours(1), 100);
  ASSERT_TRUE(waiting.ok());
  ASSERT_EQ(waiting->size(), 3U);
  EXPECT_EQ((*waiting)[0].attempts, 2);
  EXPECT_NE((*waiting)[0].last_error.find("127.0.0.1"), std::string::npos);
  // 3: it is back.
  ASSERT_TRUE(receiver.Start());
  receiver.SetResponse(200);
  t += std::chrono::hours(1);
  auto c3 = DeliverDue(*store_, senders, t, 100);
  ASSERT_TRUE(c3.ok());
  EXPECT_EQ(c3->delivered, 3);
  auto c4 = DeliverDue(*store_, senders, t + std::chrono::hours(48), 100);
  ASSERT_TRUE(c4.ok());
  EXPECT_EQ(c4->attempted, 0);

  // Every message reached the receiver twice (503, then 200) with the same delivery id and the
  // same bytes; no delivery id was acknowledged twice.
  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 6U);
  std::map<std::string, std::vector<std::string>> bodies;
  for (const auto& r : requests) {
    bodies[r.headers.at("x-arkivvakt-delivery")].push_back(r.body);
  }
  ASSERT_EQ(bodies.size(), 3U);
  for (const auto& [id, b] : bodies) {
    ASSERT_EQ(b.size(), 2U) << id;
    EXPECT_EQ(b[0], b[1]);
  }
  std::set<std::string> acknowledged;
  for (std::size_t i = 3; i < requests.size(); ++i) {
    EXPECT_TRUE(acknowledged.insert(requests[i].headers.at("x-arkivvakt-delivery")).second);
  }
}

TEST_F(SinkFlow, AClientErrorIsRetriedButReportedAsRefused) {
  TestReceiver receiver;
  receiver.SetResponse(400, "bad signature");
  auto sender = WebhookSender::Create(Client(), Local(receiver.port(), "/h"), SecretIn(dir_, "k"));
  const SenderMap senders = {{std::string(alerts::kWebhookSink), sender->get()}};
  sinks_.webhook = true;
  const TimePoint t = Now();
  ASSERT_TRUE(alerts::ApplyCycle(*store_, *store_,
                                 std::vector<Finding>{MakeFinding("N5.30", "x", Severity::kInfo)},
                                 Complete("N5.30"), sinks_, t)
                  .ok());
  auto c = DeliverDue(*store_, senders, t, 10);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->refused, 1);
  auto due = store_->DueMessages(t + std::chrono::hours(1), 10);
  ASSERT_EQ(due->size(), 1U);
  EXPECT_NE((*due)[0].last_error.find("HTTP 400"), std::string::npos);
  EXPECT_EQ((*due)[0].last_error.find("bad signature"), std::string::npos);  // receiver text
  // 429 is "later", not "refused".
  receiver.SetResponse(429);
  auto again = DeliverDue(*store_, senders, t + std::chrono::hours(1), 10);
  EXPECT_EQ(again->refused, 0);
  EXPECT_EQ(again->failed, 1);
  // A sink without a sender keeps its messages.
  sinks_.webhook = false;
  sinks_.journal = true;
  ASSERT_TRUE(alerts::ApplyCycle(*store_, *store_,
                                 std::vector<Finding>{MakeFinding("N5.31", "y", Severity::kInfo)},
                                 Complete("N5.31"), sinks_, t)
                  .ok());
  auto none = DeliverDue(*store_, senders, t + std::chrono::hours(5), 10);
  EXPECT_EQ(none->no_sender, 1);
}

// ---- journal

TEST_F(SinkFlow, JournalEntriesCarryTheStructuredFields) {
  sinks_.journal = true;
  const TimePoint t = Now();
  ASSERT_TRUE(alerts::ApplyCycle(
                  *store_, *store_,
                  std::vector<Finding>{MakeFinding("LOCK-CHANGED", "j-1", Severity::kCritical)},
                  Complete("LOCK-CHANGED"), sinks_, t)
                  .ok());
  auto due = store_->DueMessages(t, 10);
  ASSERT_EQ(due->size(), 1U);
  auto fields = alerts::ParseJournalRecord((*due)[0].payload);
  ASSERT_TRUE(fields.has_value());
  std::map<std::string, std::string> byname;
  for (const auto& f : *fields) {
    byname[f.name] = f.value;
  }
  EXPECT_EQ(byname["PRIORITY"], "2");
  EXPECT_EQ(byname["ARKIVVAKT_CHECK"], "LOCK-CHANGED");
  EXPECT_EQ(byname["ARKIVVAKT_CHANGE"], "opened");
  const std::string alert_id = byname["ARKIVVAKT_ALERT_ID"];
  ASSERT_FALSE(alert_id.empty());

  JournalSender journal;
  const SenderMap senders = {{std::string(alerts::kJournalSink), &journal}};
  auto c = DeliverDue(*store_, senders, t, 10);
  ASSERT_TRUE(c.ok());
  if (!std::filesystem::exists("/run/systemd/journal/socket")) {
    EXPECT_EQ(c->failed, 1);  // no journal: the entry stays queued
    EXPECT_EQ(DueCount(t + std::chrono::hours(1)), 1);
    GTEST_SKIP() << "no /run/systemd/journal/socket here: only the journal field encoding and "
                    "the stay-queued behaviour were tested, not reading the entry back";
  }
  EXPECT_EQ(c->delivered, 1);
  EXPECT_TRUE(WaitUntil(
      [&] {
        const CommandResult r =
            RunCommand({"journalctl", "--no-pager", "-o", "json", "SYSLOG_IDENTIFIER=arkivvakt",
                        "ARKIVVAKT_ALERT_ID=" + alert_id});
        return r.out.find("\"ARKIVVAKT_CHECK\":\"LOCK-CHANGED\"") != std::string::npos &&
               r.out.find("\"PRIORITY\":\"2\"") != std::string::npos;
      },
      milliseconds(5000)));
}

// ---- the real Alertmanager

class Alertmanager {
 public:
  bool Start(const std::filesystem::path& dir, unsigned short webhook_port, std::string* why) {
    port_ = FreePort();
    const auto config = dir / "am.yml";
    WriteFile(config,
              "global:\n  resolve_timeout: 1m\n"
              "route:\n  receiver: hook\n  group_by: ['alertname', 'alert_id']\n"
              "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
              "receivers:\n  - name: hook\n    webhook_configs:\n      - url: " +
                  Local(webhook_port, "/am") + "\n        send_resolved: true\n");
    std::filesystem::create_directories(dir / "am-data");
    const std::vector<std::string> args = {
        "/usr/bin/prometheus-alertmanager",
        "--config.file=" + config.string(),
        "--storage.path=" + (dir / "am-data").string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port_),
        "--cluster.listen-address=",
        "--log.level=warn"};
    std::vector<char*> argv;
    for (const auto& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (dir / "am.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      *why = "cannot start prometheus-alertmanager";
      pid_ = -1;
      return false;
    }
    const bool ready = WaitUntil(
        [&] {
          return RunCommand({"curl", "-sf", Url("/-/ready")}).exit_code == 0;
        },
        milliseconds(15000));
    if (!ready) {
      *why = "Alertmanager did not become ready: " + ReadFile(dir / "am.log");
    }
    return ready;
  }

  ~Alertmanager() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::string Alerts() const { return RunCommand({"curl", "-sf", Url("/api/v2/alerts")}).out; }

 private:
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

bool HaveAlertmanager() {
  return std::filesystem::exists("/usr/bin/prometheus-alertmanager") &&
         RunCommand({"curl", "--version"}).exit_code == 0;
}

std::string WebhookCallsWith(const TestReceiver& r, const std::string& needle) {
  for (const auto& req : r.Requests()) {
    if (req.target == "/am" && req.body.find(needle) != std::string::npos) {
      return req.body;
    }
  }
  return {};
}

TEST_F(SinkFlow, RealAlertmanagerShowsTheAlertThenResolvesItAndCallsItsWebhook) {
  if (!HaveAlertmanager()) {
    GTEST_SKIP() << "/usr/bin/prometheus-alertmanager (Debian package prometheus-alertmanager) "
                    "or curl is not installed";
  }
  TestReceiver hook;
  Alertmanager am;
  std::string why;
  ASSERT_TRUE(am.Start(dir_.path(), hook.port(), &why)) << why;
  auto sender = AlertmanagerSender::Create(Client(), am.Url(""));
  ASSERT_TRUE(sender.ok());
  const SenderMap senders = {{std::string(alerts::kAlertmanagerSink), sender->get()}};
  sinks_.alertmanager = true;

  TimePoint t = Now();
  ASSERT_TRUE(alerts::ApplyCycle(
                  *store_, *store_,
                  std::vector<Finding>{MakeFinding("FIX-CHECKSUM", "am-1", Severity::kCritical)},
                  Complete("FIX-CHECKSUM"), sinks_, t)
                  .ok());
  auto sent = DeliverDue(*store_, senders, t, 10);
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(sent->delivered, 1) << store_->DueMessages(t + seconds(100), 1)->at(0).last_error;

  const std::string firing = am.Alerts();
  EXPECT_NE(firing.find("\"alertname\":\"FIX-CHECKSUM\""), std::string::npos) << firing;
  EXPECT_NE(firing.find("\"severity\":\"critical\""), std::string::npos);
  EXPECT_NE(firing.find("\"family\":\"FIX\""), std::string::npos);
  EXPECT_NE(firing.find("\"instance\":\"arkivvakt-test\""), std::string::npos);
  EXPECT_NE(firing.find("\"state\":\"active\""), std::string::npos);
  EXPECT_TRUE(WaitUntil([&] { return !WebhookCallsWith(hook, "\"status\":\"firing\"").empty(); },
                        milliseconds(15000)));

  // The periodic resend keeps it firing.
  auto resent = ResendOpenToAlertmanager(*store_, **sender, sinks_, Now());
  ASSERT_TRUE(resent.ok());
  EXPECT_EQ(resent->posts, 1);

  auto page = store_->ListAlerts({});
  ASSERT_EQ(page->alerts.size(), 1U);
  t = Now();
  auto resolved = alerts::ResolveAlert(*store_, *store_, sinks_, page->alerts[0].id, "u17",
                                       alerts::ResolutionReason::kFixed, "", t);
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  sent = DeliverDue(*store_, senders, t, 10);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->delivered, 1);
  EXPECT_TRUE(WaitUntil([&] { return am.Alerts().find("FIX-CHECKSUM") == std::string::npos; },
                        milliseconds(5000)))
      << am.Alerts();
  EXPECT_TRUE(WaitUntil([&] { return !WebhookCallsWith(hook, "\"status\":\"resolved\"").empty(); },
                        milliseconds(15000)));
  const std::string resolved_call = WebhookCallsWith(hook, "\"status\":\"resolved\"");
  EXPECT_NE(resolved_call.find("\"alertname\":\"FIX-CHECKSUM\""), std::string::npos)
      << resolved_call;
}

// ---- personal data

// Stderr goes to a file while this object lives.
class CapturedStderr {
 public:
  explicit CapturedStderr(const std::filesystem::path& path) : path_(path) {
    std::fflush(stderr);
    saved_ = dup(2);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
  }

  ~CapturedStderr() { Restore(); }

  std::string Restore() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      dup2(saved_, 2);
      close(saved_);
      saved_ = -1;
    }
    return ReadFile(path_);
  }

 private:
  std::filesystem::path path_;
  int saved_ = -1;
};

TEST_F(SinkFlow, NoPersonalDataReachesAnySinkOrTheLog) {
  std::vector<std::string> secrets = {"01017012345", "Vedtak om tvungen helsehjelp"};
  for (auto names : {noark5::SyntheticGivenNames(), noark5::SyntheticFamilyNames()}) {
    for (std::string_view n : names) {
      if (n.size() >= 6) {
        secrets.emplace_back(n);
      }
    }
  }
  ASSERT_GT(secrets.size(), 12U);
  auto person = [&](std::size_t i) {
    return secrets[2 + (i % (secrets.size() - 2))] + " " +
           secrets[2 + ((i + 5) % (secrets.size() - 2))];
  };

  TestReceiver hook;
  const bool with_am = HaveAlertmanager();
  Alertmanager am;
  std::string why;
  if (with_am) {
    ASSERT_TRUE(am.Start(dir_.path(), hook.port(), &why)) << why;
  }
  auto webhook = WebhookSender::Create(Client(), Local(hook.port(), "/hook"), SecretIn(dir_, "k"));
  auto alertmanager = AlertmanagerSender::Create(Client(), with_am ? am.Url("") : Local(1, ""));
  const SenderMap senders = {{std::string(alerts::kWebhookSink), webhook->get()},
                             {std::string(alerts::kAlertmanagerSink), alertmanager->get()}};
  sinks_.webhook = true;
  sinks_.alertmanager = with_am;
  sinks_.journal = true;

  std::vector<Finding> findings;
  for (std::size_t i = 0; i < 30; ++i) {
    Finding f;
    f.check = i < 24 ? "FIX-CHECKSUM" : "REC-MISSING";  // 24 openings: one digest
    f.severity = i % 3 == 0 ? Severity::kCritical : Severity::kWarning;
    f.subject.archive_system_id = "asid-" + std::to_string(i);
    f.subject.case_document_id = "D-" + std::to_string(5000 + i);
    f.subject.case_id = person(i) + " 01017012345";  // misfiled: must be dropped
    f.subject.file = "personer/" + person(i) + "/Vedtak om tvungen helsehjelp.pdf";
    f.message = "Vedtak om tvungen helsehjelp for " + person(i) + " (01017012345)";
    f.AddFact("pasient", person(i)).AddFact("fnr", "01017012345");
    f.AddFact("tittel", "Vedtak om tvungen helsehjelp");
    findings.push_back(std::move(f));
  }
  SetLogLevel(LogLevel::kDebug);
  CapturedStderr log(dir_.path() / "stderr.log");
  TimePoint t = Now();
  auto cycle =
      alerts::ApplyCycle(*store_, *store_, findings,
                         alerts::CycleCoverage{{"FIX-CHECKSUM", "REC-MISSING"}, {}}, sinks_, t);
  ASSERT_TRUE(cycle.ok());
  // People write names into comments.
  ASSERT_TRUE(alerts::AcknowledgeAlert(*store_, *store_, 25, "u17",
                                       "Ringte " + person(1) + ", 01017012345", t)
                  .ok());
  ASSERT_TRUE(alerts::ResolveAlert(*store_, *store_, sinks_, 26, "u17",
                                   alerts::ResolutionReason::kAccepted,
                                   "Vedtak om tvungen helsehjelp for " + person(2), t)
                  .ok());
  // First attempt fails (500), so failure log lines are written too; then delivered.
  hook.SetResponse(500, "no " + person(3));  // a receiver echoing text must not leak it back
  ASSERT_TRUE(DeliverDue(*store_, senders, t, 1000).ok());
  hook.SetResponse(200);
  t += std::chrono::hours(1);
  auto delivered = DeliverDue(*store_, senders, t, 1000);
  ASSERT_TRUE(delivered.ok());
  if (with_am) {
    ASSERT_TRUE(ResendOpenToAlertmanager(*store_, **alertmanager, sinks_, Now()).ok());
  }
  std::string stderr_text = log.Restore();
  SetLogLevel(LogLevel::kInfo);

  std::vector<std::pair<std::string, std::string>> outputs;  // where, text
  for (const auto& r : hook.Requests()) {
    std::string headers;
    for (const auto& [k, v] : r.headers) {
      headers += k + ": " + v + "\n";
    }
    outputs.emplace_back("receiver " + r.target + " headers", headers);
    outputs.emplace_back("receiver " + r.target + " body", r.body);
  }
  auto journal_due = store_->DueMessages(t + std::chrono::hours(100), 1000);
  ASSERT_TRUE(journal_due.ok());
  std::size_t journal_entries = 0;
  for (const auto& m : *journal_due) {
    if (m.sink == alerts::kJournalSink) {
      ++journal_entries;
      outputs.emplace_back("journal fields", m.payload);
    }
    outputs.emplace_back("outbox last_error", m.last_error);
  }
  EXPECT_GE(journal_entries, 8U);  // digest + 6 REC-MISSING + resolved
  if (with_am) {
    EXPECT_TRUE(WaitUntil([&] { return !WebhookCallsWith(hook, "FIX-CHECKSUM").empty(); },
                          milliseconds(15000)));
    outputs.emplace_back("alertmanager api", am.Alerts());
    for (const auto& r : hook.Requests()) {
      outputs.emplace_back("alertmanager webhook", r.body);
    }
  }
  outputs.emplace_back("log", stderr_text);
  EXPECT_NE(stderr_text.find("outbox.delivery_failed"), std::string::npos) << stderr_text;
  EXPECT_GE(hook.Requests().size(), 16U);
  for (const auto& [where, text] : outputs) {
    for (const std::string& secret : secrets) {
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << where << ": " << text;
    }
    EXPECT_EQ(text.find("personer/"), std::string::npos) << where;
  }
  std::printf("[ figures  ] personal-data check: %zu outputs, %zu strings%s\n", outputs.size(),
              secrets.size(), with_am ? " (with Alertmanager)" : " (Alertmanager absent)");
}

}  // namespace
}  // namespace arkivvakt::sinks
