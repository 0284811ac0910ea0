// The alerts API end to end: the real server on 127.0.0.1:0, bearer tokens for the archivist and
// the auditor, a SQLite store in a temp dir; lists with filters and cursors, one alert with its
// history, acknowledge/assign/resolve with the principal as actor, audit entries and the queued
// resolution, and the refusals (401, 403, 400, 404, 409).
#include "api/alert_api.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "alerts/cycle.h"
#include "harness.h"
#include "http/server.h"
#include "store/store.h"
#include "support/test_paths.h"

namespace arkivvakt::api {
namespace {

namespace json = boost::json;
using http::testing::Fetch;
using http::testing::kArchivistToken;
using http::testing::kAuditorToken;
using http::testing::kMetricsToken;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}.time_since_epoch()} +
         std::chrono::hours(8);
}

Finding F(std::string check, std::string asid, Severity severity) {
  Finding f;
  f.check = std::move(check);
  f.severity = severity;
  f.subject.archive_system_id = std::move(asid);
  f.message = "checksum differs";
  return f;
}

class AlertApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions o;
    o.sqlite.path = dir_.path() / "arkivvakt.db";
    o.sqlite.synchronous_full = false;
    auto s = store::Store::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
    alerts::CycleCoverage coverage;
    coverage.complete_checks = {"FIX-CHECKSUM", "N5.30"};
    ASSERT_TRUE(
        alerts::ApplyCycle(*store_, *store_,
                           std::vector<Finding>{F("FIX-CHECKSUM", "a-1", Severity::kCritical),
                                                F("FIX-CHECKSUM", "a-2", Severity::kHigh),
                                                F("N5.30", "a-3", Severity::kCritical)},
                           coverage, {}, T0())
            .ok());
    AlertApiOptions options;
    options.sinks.webhook = true;
    ASSERT_TRUE(
        RegisterAlertApi(router_, SerializedStoreAccess(*store_, *store_), clock_, options).ok());
    auto server =
        http::Server::Start(io_, http::testing::DefaultOptions(), router_, pool_, nullptr);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) {
      server_->Stop([] {});
    }
    work_.reset();
    if (thread_.joinable()) {
      thread_.join();
    }
    pool_.join();
  }

  // Status and parsed body (null when not JSON).
  std::pair<unsigned, json::value> Call(std::string_view verb, std::string_view target,
                                        std::string_view token, std::string body = {}) {
    auto reply = Fetch(server_->bound_endpoint(), verb, target, token, std::move(body));
    EXPECT_TRUE(reply.has_value());
    if (!reply) {
      return {0, nullptr};
    }
    json::error_code ec;
    json::value v = json::parse(reply->body, ec);
    return {reply->status, ec ? json::value(nullptr) : v};
  }

  static std::vector<std::int64_t> Ids(const json::value& v) {
    std::vector<std::int64_t> ids;
    for (const auto& a : v.at("alerts").as_array()) {
      ids.push_back(a.at("id").as_int64());
    }
    return ids;
  }

  arkivvakt::testing::TempDir dir_;
  FixedClock clock_{T0()};
  std::unique_ptr<store::Store> store_;
  http::Router router_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  boost::asio::thread_pool pool_{2};
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

TEST_F(AlertApiTest, ListsWithFiltersAndCursorsForReaders) {
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(Call("GET", "/api/v1/alerts", "").first, 401U);
  EXPECT_EQ(Call("GET", "/api/v1/alerts", kMetricsToken).first, 403U);
  auto [status, all] = Call("GET", "/api/v1/alerts", kAuditorToken);
  ASSERT_EQ(status, 200U);
  EXPECT_EQ(Ids(all), (V{1, 2, 3}));
  EXPECT_TRUE(all.at("next_cursor").is_null());
  const auto& first = all.at("alerts").as_array()[0];
  EXPECT_EQ(first.at("check").as_string(), "FIX-CHECKSUM");
  EXPECT_EQ(first.at("family").as_string(), "FIX");
  EXPECT_EQ(first.at("state").as_string(), "open");
  EXPECT_EQ(first.at("first_seen").as_string(), "2026-11-24T08:00:00Z");
  EXPECT_EQ(first.at("link").as_string(), "/api/v1/alerts/1");
  EXPECT_EQ(first.as_object().if_contains("history"), nullptr);

  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?severity=critical", kArchivistToken).second),
            (V{1, 3}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?family=FIX&state=open", kAuditorToken).second),
            (V{1, 2}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?check=N5.30", kAuditorToken).second), (V{3}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?since=2026-11-24T08:00:01Z", kAuditorToken).second),
            (V{}));
  auto page = Call("GET", "/api/v1/alerts?limit=2", kAuditorToken).second;
  EXPECT_EQ(Ids(page), (V{1, 2}));
  ASSERT_TRUE(page.at("next_cursor").is_string());
  const std::string cursor(page.at("next_cursor").as_string());
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?limit=2&cursor=" + cursor, kAuditorToken).second),
            (V{3}));
  for (const char* bad :
       {"/api/v1/alerts?state=closed", "/api/v1/alerts?severity=urgent", "/api/v1/alerts?limit=501",
        "/api/v1/alerts?limit=0", "/api/v1/alerts?cursor=x", "/api/v1/alerts?since=yesterday"}) {
    EXPECT_EQ(Call("GET", bad, kAuditorToken).first, 400U) << bad;
  }
}

// The rule packs' deadline rules are family DL, as in the metrics and `arkivvakt check --only`;
// NO and SE, the names this filter had for them, still select one jurisdiction's rules.
TEST_F(AlertApiTest, FamilyDlSelectsTheRulePacksAlerts) {
  using V = std::vector<std::int64_t>;
  alerts::CycleCoverage coverage;
  coverage.complete_checks = {"NO-IVO-3M", "SE-OROS-01"};
  ASSERT_TRUE(alerts::ApplyCycle(*store_, *store_,
                                 std::vector<Finding>{F("NO-IVO-3M", "c-1", Severity::kHigh),
                                                      F("SE-OROS-01", "c-2", Severity::kCritical),
                                                      F("NO-APPROVE-01", "c-3", Severity::kHigh)},
                                 coverage, {}, T0())
                  .ok());
  auto [status, dl] = Call("GET", "/api/v1/alerts?family=DL", kAuditorToken);
  ASSERT_EQ(status, 200U);
  EXPECT_EQ(Ids(dl), (V{4, 5, 6}));
  for (const auto& a : dl.at("alerts").as_array()) {
    EXPECT_EQ(a.at("family").as_string(), "DL");
  }
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?family=DL&severity=high", kArchivistToken).second),
            (V{4, 6}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?family=NO", kAuditorToken).second), (V{4, 6}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?family=SE&state=open", kAuditorToken).second), (V{5}));
  auto page = Call("GET", "/api/v1/alerts?family=DL&limit=2", kAuditorToken).second;
  EXPECT_EQ(Ids(page), (V{4, 5}));
  ASSERT_TRUE(page.at("next_cursor").is_string());
  EXPECT_EQ(Ids(Call("GET",
                     "/api/v1/alerts?family=DL&limit=2&cursor=" +
                         std::string(page.at("next_cursor").as_string()),
                     kAuditorToken)
                    .second),
            (V{6}));
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?family=FIX", kAuditorToken).second), (V{1, 2}));
}

TEST_F(AlertApiTest, ArchivistsAcknowledgeAssignAndResolveAsThemselves) {
  // Readers may not write.
  EXPECT_EQ(Call("POST", "/api/v1/alerts/1/ack", kAuditorToken, R"({"comment":"x"})").first, 403U);
  EXPECT_EQ(Call("POST", "/api/v1/alerts/1/ack", kArchivistToken, R"({})").first, 400U);
  EXPECT_EQ(Call("POST", "/api/v1/alerts/1/ack", kArchivistToken, "not json").first, 400U);
  EXPECT_EQ(Call("POST", "/api/v1/alerts/999/ack", kArchivistToken, R"({"comment":"x"})").first,
            404U);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/abc", kArchivistToken).first, 400U);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/999", kArchivistToken).first, 404U);

  auto [ack_status, acked] =
      Call("POST", "/api/v1/alerts/1/ack", kArchivistToken, R"({"comment":"kontrollerer kopien"})");
  ASSERT_EQ(ack_status, 200U);
  EXPECT_EQ(acked.at("state").as_string(), "acknowledged");
  const auto& ack_event = acked.at("history").as_array().back();
  EXPECT_EQ(ack_event.at("event").as_string(), "acknowledged");
  EXPECT_EQ(ack_event.at("actor").as_string(), "archive-office");
  EXPECT_EQ(ack_event.at("comment").as_string(), "kontrollerer kopien");
  EXPECT_EQ(Call("POST", "/api/v1/alerts/1/ack", kArchivistToken, R"({"comment":"x"})").first,
            409U);

  auto [assign_status, assigned] =
      Call("POST", "/api/v1/alerts/1/assign", kArchivistToken, R"({"assignee":"u18"})");
  ASSERT_EQ(assign_status, 200U);
  EXPECT_EQ(assigned.at("assignee").as_string(), "u18");
  EXPECT_EQ(Ids(Call("GET", "/api/v1/alerts?assignee=u18", kAuditorToken).second),
            (std::vector<std::int64_t>{1}));

  EXPECT_EQ(
      Call("POST", "/api/v1/alerts/1/resolve", kArchivistToken, R"({"reason":"wontfix"})").first,
      400U);
  clock_.Set(T0() + std::chrono::minutes(5));
  auto [resolve_status, resolved] = Call("POST", "/api/v1/alerts/1/resolve", kArchivistToken,
                                         R"({"reason":"false-positive","comment":"testdata"})");
  ASSERT_EQ(resolve_status, 200U);
  EXPECT_EQ(resolved.at("state").as_string(), "resolved");
  const auto& resolve_event = resolved.at("history").as_array().back();
  EXPECT_EQ(resolve_event.at("comment").as_string(), "false-positive: testdata");
  EXPECT_EQ(resolve_event.at("at").as_string(), "2026-11-24T08:05:00Z");
  EXPECT_EQ(
      Call("POST", "/api/v1/alerts/1/resolve", kArchivistToken, R"({"reason":"fixed"})").first,
      409U);

  // GET shows the whole history; the store audited every write; the resolution is queued.
  auto [get_status, one] = Call("GET", "/api/v1/alerts/1", kAuditorToken);
  ASSERT_EQ(get_status, 200U);
  ASSERT_EQ(one.at("history").as_array().size(), 4U);
  auto snap = store_->ReadAuditLog();
  ASSERT_TRUE(snap.ok());
  std::vector<std::string> kinds;
  for (const auto& e : snap->entries) {
    if (e.kind.starts_with("alert.") && e.body.find("\"alert\":1,") != std::string::npos) {
      kinds.push_back(e.kind);
      if (e.kind != "alert.opened") {
        EXPECT_NE(e.body.find("\"actor\":\"archive-office\""), std::string::npos) << e.body;
      }
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"alert.opened", "alert.acknowledged", "alert.assigned",
                                             "alert.resolved"}));
  auto due = store_->DueMessages(T0() + std::chrono::hours(1), 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1U);
  EXPECT_EQ((*due)[0].sink, "webhook");
  EXPECT_NE((*due)[0].payload.find("\"change\":\"resolved\""), std::string::npos);
  EXPECT_EQ((*due)[0].payload.find("testdata"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt::api
