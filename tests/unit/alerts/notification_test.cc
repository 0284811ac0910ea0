#include "alerts/notification.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alerts/delivery.h"
#include "alerts/payload.h"

namespace arkivvakt::alerts {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TimePoint T0() {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}.time_since_epoch()} +
         std::chrono::hours(20) + minutes(51) + seconds(53);
}

Finding MakeFinding(std::string check, std::string asid) {
  Finding f;
  f.check = std::move(check);
  f.severity = Severity::kCritical;
  f.subject.archive_system_id = std::move(asid);
  f.subject.case_document_id = "D-5000001";
  f.subject.case_id = "2026/123";
  f.subject.file = "dokumenter/5000001.pdf";
  f.message = "checksum differs";
  return f;
}

Alert StoredAlert(const Finding& finding, std::int64_t id, TimePoint at) {
  Alert alert = OpenAlert(finding, at);
  alert.id = id;
  return alert;
}

PayloadOptions Options() {
  PayloadOptions options;
  options.base_url = "https://arkivvakt.kommune.example:8470";
  options.instance = "arkiv01";
  return options;
}

TEST(Notification, ForAlertCopiesIdsAndLinkButNotPathOrMessage) {
  const Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1b2-c3"), 42, T0());
  const Notification n = Notification::ForAlert(alert, ChangeKind::kOpened, T0());
  EXPECT_EQ(n.alert_id(), 42);
  EXPECT_EQ(n.check(), "FIX-CHECKSUM");
  EXPECT_EQ(n.family(), "FIX");
  EXPECT_EQ(n.severity(), Severity::kCritical);
  EXPECT_EQ(n.state(), AlertState::kOpen);
  EXPECT_EQ(n.archive_system_id(), "a1b2-c3");
  EXPECT_EQ(n.case_document_id(), "D-5000001");
  EXPECT_EQ(n.case_id(), "");  // "2026/123" holds a '/', which no opaque id may
  EXPECT_EQ(n.occurrences(), 1);
  EXPECT_EQ(n.count(), 1);
  EXPECT_EQ(n.link(), "/api/v1/alerts/42");
}

TEST(Notification, DropsIdFieldsThatAreNotOpaqueIds) {
  EXPECT_EQ(OpaqueIdOrEmpty("Kari Nordmann"), "");
  EXPECT_EQ(OpaqueIdOrEmpty("a\nb"), "");
  EXPECT_EQ(OpaqueIdOrEmpty(std::string(129, 'a')), "");
  EXPECT_EQ(OpaqueIdOrEmpty("urn:uuid:1234-ab_c.d"), "urn:uuid:1234-ab_c.d");
  Finding f = MakeFinding("FIX-CHECKSUM", "Kari Nordmann");
  const Notification n = Notification::ForAlert(StoredAlert(f, 1, T0()), ChangeKind::kOpened, T0());
  EXPECT_EQ(n.archive_system_id(), "");
}

TEST(Notification, FamilyIsCheckIdUpToFirstDashOrDot) {
  EXPECT_EQ(CheckFamily("FIX-CHECKSUM"), "FIX");
  EXPECT_EQ(CheckFamily("N5.30"), "N5");
  EXPECT_EQ(CheckFamily("LOCK-CHANGED.X"), "LOCK");
  EXPECT_EQ(CheckFamily("PLAIN"), "PLAIN");
}

// Metrics, the scheduler and `check --only` call the rule packs' deadline rules family DL;
// alerts, their filter and their notifications must too.
TEST(Notification, RulePackChecksAreFamilyDlAndTheirJurisdictionStillFilters) {
  EXPECT_EQ(CheckFamily("NO-IVO-3M"), "DL");
  EXPECT_EQ(CheckFamily("SE-OROS-01"), "DL");
  EXPECT_EQ(CheckFamily("NOTE-1"), "NOTE");
  EXPECT_EQ(CheckPrefix("NO-IVO-3M"), "NO");
  EXPECT_TRUE(InFamily("NO-IVO-3M", "DL"));
  EXPECT_TRUE(InFamily("SE-OROS-01", "DL"));
  EXPECT_TRUE(InFamily("NO-IVO-3M", "NO"));
  EXPECT_FALSE(InFamily("SE-OROS-01", "NO"));
  EXPECT_FALSE(InFamily("NOTE-1", "NO"));
  EXPECT_FALSE(InFamily("FIX-CHECKSUM", "DL"));
  EXPECT_TRUE(InFamily("FIX-CHECKSUM", "FIX"));
  const Notification n = Notification::ForAlert(
      StoredAlert(MakeFinding("NO-IVO-3M", "a1"), 3, T0()), ChangeKind::kOpened, T0());
  EXPECT_EQ(n.family(), "DL");
  EXPECT_NE(
      EncodeAlertmanager(std::vector<Notification>{n}, T0(), Options()).find(R"("family":"DL")"),
      std::string::npos);
}

TEST(NotifiableChanges, MapsLifecycleEventsAndEscalation) {
  const Finding f = MakeFinding("FIX-CHECKSUM", "a1");
  Alert alert = StoredAlert(f, 7, T0());
  EXPECT_EQ(NotifiableChanges(std::nullopt, alert, alert.history),
            std::vector<ChangeKind>{ChangeKind::kOpened});

  Finding worse = f;
  Alert warning = StoredAlert(f, 7, T0());
  warning.severity = Severity::kWarning;
  const AlertEvent seen = ObserveAgain(warning, worse, T0() + minutes(15));
  EXPECT_EQ(NotifiableChanges(Severity::kWarning, warning, std::vector<AlertEvent>{seen}),
            std::vector<ChangeKind>{ChangeKind::kEscalated});
  EXPECT_TRUE(
      NotifiableChanges(Severity::kCritical, warning, std::vector<AlertEvent>{seen}).empty());

  const auto resolved = ResolveNotSeen(alert, T0() + minutes(30));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(NotifiableChanges(Severity::kCritical, alert, std::vector<AlertEvent>{*resolved}),
            std::vector<ChangeKind>{ChangeKind::kResolved});
  const AlertEvent reopened = ObserveAgain(alert, f, T0() + minutes(45));
  EXPECT_EQ(NotifiableChanges(Severity::kCritical, alert, std::vector<AlertEvent>{reopened}),
            std::vector<ChangeKind>{ChangeKind::kReopened});
}

std::vector<AlertChange> OpenedChanges(const std::string& check, int n, std::int64_t first_id) {
  std::vector<AlertChange> changes;
  changes.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const Finding f = MakeFinding(check, "asid-" + std::to_string(i));
    changes.push_back({ChangeKind::kOpened, StoredAlert(f, first_id + i, T0()), T0()});
  }
  return changes;
}

TEST(FloodControl, FourThousandOpenedAlertsOfOneCheckBecomeOneDigest) {
  const std::vector<AlertChange> changes = OpenedChanges("FIX-CHECKSUM", 4000, 1);
  const std::vector<Notification> out = PlanNotifications(changes);
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].kind(), ChangeKind::kDigest);
  EXPECT_EQ(out[0].check(), "FIX-CHECKSUM");
  EXPECT_EQ(out[0].count(), 4000);
  EXPECT_EQ(out[0].severity(), Severity::kCritical);
  EXPECT_EQ(out[0].alert_id(), 0);
  EXPECT_EQ(out[0].link(), "/api/v1/alerts?check=FIX-CHECKSUM");
}

TEST(FloodControl, ThresholdIsInclusiveAndConfigurable) {
  EXPECT_EQ(PlanNotifications(OpenedChanges("FIX-CHECKSUM", 20, 1)).size(), 20U);
  EXPECT_EQ(PlanNotifications(OpenedChanges("FIX-CHECKSUM", 21, 1)).size(), 1U);
  FloodControlOptions options;
  options.digest_threshold = 3;
  EXPECT_EQ(PlanNotifications(OpenedChanges("FIX-CHECKSUM", 3, 1), options).size(), 3U);
  EXPECT_EQ(PlanNotifications(OpenedChanges("FIX-CHECKSUM", 4, 1), options).size(), 1U);
}

TEST(FloodControl, OtherChecksAndOtherChangesStayIndividual) {
  std::vector<AlertChange> changes = OpenedChanges("N5.30", 2, 1);
  const std::vector<AlertChange> flood = OpenedChanges("FIX-CHECKSUM", 25, 100);
  changes.insert(changes.end(), flood.begin(), flood.end());
  Alert resolved = StoredAlert(MakeFinding("FIX-CHECKSUM", "old"), 9, T0());
  ASSERT_TRUE(ResolveNotSeen(resolved, T0()).has_value());
  changes.push_back({ChangeKind::kResolved, resolved, T0()});

  const std::vector<Notification> out = PlanNotifications(changes);
  ASSERT_EQ(out.size(), 4U);
  EXPECT_EQ(out[0].kind(), ChangeKind::kOpened);
  EXPECT_EQ(out[1].kind(), ChangeKind::kOpened);
  EXPECT_EQ(out[1].check(), "N5.30");
  EXPECT_EQ(out[2].kind(), ChangeKind::kDigest);
  EXPECT_EQ(out[2].count(), 25);
  EXPECT_EQ(out[3].kind(), ChangeKind::kResolved);
  EXPECT_EQ(out[3].alert_id(), 9);
}

TEST(AlertmanagerPayload, HasV2LabelsAnnotationsAndTimes) {
  const Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1"), 42, T0());
  const std::vector<Notification> n = {Notification::ForAlert(alert, ChangeKind::kOpened, T0())};
  EXPECT_EQ(EncodeAlertmanager(n, T0() + minutes(1), Options()),
            R"([{"labels":{"alertname":"FIX-CHECKSUM","severity":"critical","family":"FIX",)"
            R"("instance":"arkiv01","alert_id":"42"},)"
            R"("annotations":{"link":"https://arkivvakt.kommune.example:8470/api/v1/alerts/42",)"
            R"("occurrences":"1"},"startsAt":"2026-11-23T20:51:53Z",)"
            R"("endsAt":"2026-11-23T20:56:53Z",)"
            R"("generatorURL":"https://arkivvakt.kommune.example:8470/api/v1/alerts/42"}])");
}

TEST(AlertmanagerPayload, ResolvedAlertEndsNowAndDigestHasCount) {
  Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1"), 42, T0());
  ASSERT_TRUE(ResolveNotSeen(alert, T0() + minutes(30)).has_value());
  const std::vector<Notification> n = {
      Notification::ForAlert(alert, ChangeKind::kResolved, T0() + minutes(30)),
      Notification::Digest("N5.30", Severity::kHigh, 300, T0(), T0())};
  const std::string json = EncodeAlertmanager(n, T0() + minutes(30), Options());
  EXPECT_NE(json.find(R"("endsAt":"2026-11-23T21:21:53Z","generatorURL":"https://arkivvakt.)"
                      R"(kommune.example:8470/api/v1/alerts/42")"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"alertname":"N5.30","severity":"high","family":"N5",)"
                      R"("instance":"arkiv01"},"annotations":{"link":)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("count":"300")"), std::string::npos) << json;
  EXPECT_EQ(json.front(), '[');
  EXPECT_EQ(json.back(), ']');
}

TEST(AlertmanagerPayload, EscapesStringsPerRfc8259) {
  PayloadOptions options = Options();
  options.instance = std::string("a\"b\\c\nd\x01") + "\xC3\xA5" + "\xFF";
  const std::vector<Notification> n = {
      Notification::Digest("FIX-CHECKSUM", Severity::kInfo, 21, T0(), T0())};
  const std::string json = EncodeAlertmanager(n, T0(), options);
  EXPECT_NE(json.find(R"("instance":"a\"b\\c\nd\u0001)"
                      "\xC3\xA5"
                      R"(\ufffd")"),
            std::string::npos)
      << json;
}

TEST(WebhookPayload, DeliveryIdIsStableAcrossEncodingsAndDistinctPerChange) {
  const Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1"), 42, T0());
  const Notification opened = Notification::ForAlert(alert, ChangeKind::kOpened, T0());
  const WebhookPayload first = EncodeWebhook(opened, Options());
  const WebhookPayload again = EncodeWebhook(opened, Options());
  EXPECT_EQ(first.delivery_id, again.delivery_id);
  EXPECT_EQ(first.body, again.body);
  EXPECT_EQ(first.delivery_id.rfind("ntf-", 0), 0U);
  EXPECT_EQ(first.delivery_id.size(), 36U);
  EXPECT_NE(first.body.find("\"delivery_id\":\"" + first.delivery_id + "\""), std::string::npos);
  const Notification resolved =
      Notification::ForAlert(alert, ChangeKind::kResolved, T0() + minutes(5));
  EXPECT_NE(DeliveryId(resolved), first.delivery_id);
}

TEST(WebhookPayload, BodyShape) {
  const Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1"), 42, T0());
  const WebhookPayload p =
      EncodeWebhook(Notification::ForAlert(alert, ChangeKind::kOpened, T0()), Options());
  EXPECT_EQ(p.body, R"({"version":"1","delivery_id":")" + p.delivery_id +
                        R"(","change":"opened","alert_id":42,"check":"FIX-CHECKSUM",)"
                        R"("family":"FIX","severity":"critical","state":"open",)"
                        R"("subject":{"archive_system_id":"a1","case_document_id":"D-5000001"},)"
                        R"("count":1,"occurrences":1,"first_seen":"2026-11-23T20:51:53Z",)"
                        R"("at":"2026-11-23T20:51:53Z",)"
                        R"("link":"https://arkivvakt.kommune.example:8470/api/v1/alerts/42"})");
}

TEST(WebhookHmac, MatchesRfc4231TestCase2) {
  const Result<std::string> mac = HmacSha256Hex("Jefe", "what do ya want for nothing?");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookHmac, HeadersCarryDeliveryIdAndSignature) {
  const Result<std::vector<Header>> headers = WebhookHeaders("{}", "ntf-1", "s3cret");
  ASSERT_TRUE(headers.ok());
  const Result<std::string> mac = HmacSha256Hex("s3cret", "{}");
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(*headers, (std::vector<Header>{{"Content-Type", "application/json"},
                                           {"X-Arkivvakt-Delivery", "ntf-1"},
                                           {"X-Arkivvakt-Signature", "sha256=" + *mac}}));
}

TEST(JournalRecord, PriorityFromSeverityAndStructuredFields) {
  EXPECT_EQ(JournalPriority(Severity::kCritical), 2);
  EXPECT_EQ(JournalPriority(Severity::kHigh), 3);
  EXPECT_EQ(JournalPriority(Severity::kWarning), 4);
  EXPECT_EQ(JournalPriority(Severity::kInfo), 6);
  const Alert alert = StoredAlert(MakeFinding("FIX-CHECKSUM", "a1"), 42, T0());
  const std::vector<JournalField> fields =
      JournalRecord(Notification::ForAlert(alert, ChangeKind::kOpened, T0()));
  EXPECT_EQ(EncodeJournalRecord(fields),
            "MESSAGE=alert 42 opened: check FIX-CHECKSUM (critical), state open\n"
            "PRIORITY=2\n"
            "ARKIVVAKT_CHECK=FIX-CHECKSUM\n"
            "ARKIVVAKT_ALERT_ID=42\n"
            "ARKIVVAKT_STATE=open\n"
            "ARKIVVAKT_CHANGE=opened\n"
            "ARKIVVAKT_COUNT=1\n");
}

TEST(OutboxRetry, BackoffDoublesFromOneSecondToTenMinuteCapWithoutJitter) {
  RetryPolicy policy;
  policy.jitter_fraction = 0;
  const std::vector<std::int64_t> expected = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600};
  for (std::size_t attempts = 0; attempts < expected.size(); ++attempts) {
    EXPECT_EQ(RetryDelay(static_cast<int>(attempts), 7, policy).count(), expected[attempts])
        << "attempts " << attempts;
  }
  EXPECT_EQ(NextAttemptAt(3, T0(), 7, policy), T0() + seconds(4));
}

TEST(OutboxRetry, JitterIsBoundedRepeatableAndSeedDependent) {
  bool any_difference = false;
  for (int attempts = 1; attempts <= 40; ++attempts) {
    const std::int64_t base =
        std::min<std::int64_t>(std::int64_t{1} << std::min(attempts - 1, 20), 600);
    const std::int64_t a = RetryDelay(attempts, 1).count();
    const std::int64_t b = RetryDelay(attempts, 2).count();
    EXPECT_EQ(a, RetryDelay(attempts, 1).count());
    EXPECT_LE(a, base);
    EXPECT_GE(a, base - base / 4);
    EXPECT_GE(a, 1);
    any_difference = any_difference || a != b;
  }
  EXPECT_TRUE(any_difference);
}

TEST(OutboxRetry, NeverGivesUpAndKeepsRetryingAtTheCap) {
  OutboxMessage message;
  message.attempts = 1'000'000;
  const TimePoint next = NextAttemptAfterFailure(message, T0(), 99);
  EXPECT_GT(next, T0() + seconds(449));
  EXPECT_LE(next, T0() + minutes(10));
  message.attempts = std::numeric_limits<int>::max();
  EXPECT_LE(NextAttemptAfterFailure(message, T0(), 99), T0() + minutes(10));
  message.attempts = 0;  // first failure
  EXPECT_EQ(NextAttemptAfterFailure(message, T0(), 99), T0() + seconds(1));
}

// Findings full of synthetic personal data: names and 11-digit national identity numbers in the
// message, the facts and the file path. None of it may reach any payload.
TEST(NotificationPersonalData, NoNameOrNationalIdLeavesInAnyPayload) {
  const std::vector<std::string> secrets = {"Kari", "Nordmann", "01017012345",
                                            "Ola",  "Normann",  "24128912345"};
  std::vector<AlertChange> changes;
  for (int i = 0; i < 30; ++i) {
    Finding f;
    f.check = i < 25 ? "FIX-CHECKSUM" : "N5.30";
    f.severity = i % 2 == 0 ? Severity::kCritical : Severity::kWarning;
    f.subject.archive_system_id = "asid-" + std::to_string(i);
    f.subject.case_document_id = "doc-" + std::to_string(i);
    f.subject.case_id = "Kari Nordmann 01017012345";  // a misfilled id must be dropped
    f.subject.file = "personer/Kari Nordmann 01017012345/Ola Normann 24128912345.pdf";
    f.subject.line = 3;
    f.message = "Kari Nordmann (01017012345) journal for Ola Normann 24128912345";
    f.AddFact("patient", "Kari Nordmann").AddFact("fnr", "01017012345");
    f.AddFact("relative", "Ola Normann, 24128912345");
    Alert alert = StoredAlert(f, 1000 + i, T0());
    ASSERT_TRUE(Acknowledge(alert, "u1", "Ringte Kari Nordmann 01017012345", T0()).ok());
    changes.push_back({ChangeKind::kOpened, alert, T0()});
    if (i >= 28) {
      ASSERT_TRUE(ResolveNotSeen(alert, T0() + minutes(15)).has_value());
      changes.push_back({ChangeKind::kResolved, alert, T0() + minutes(15)});
    }
  }
  const std::vector<Notification> notifications = PlanNotifications(changes);
  ASSERT_EQ(notifications.size(), 8U);  // 1 digest + 5 opened + 2 resolved

  std::vector<std::string> payloads;
  payloads.push_back(EncodeAlertmanager(notifications, T0() + minutes(15), Options()));
  for (const Notification& n : notifications) {
    const WebhookPayload webhook = EncodeWebhook(n, Options());
    payloads.push_back(webhook.body);
    const Result<std::vector<Header>> headers =
        WebhookHeaders(webhook.body, webhook.delivery_id, "secret");
    ASSERT_TRUE(headers.ok());
    for (const Header& h : *headers) {
      payloads.push_back(h.first + ": " + h.second);
    }
    payloads.push_back(EncodeJournalRecord(JournalRecord(n)));
  }
  ASSERT_EQ(payloads.size(), 1U + 8U * 5U);
  for (const std::string& payload : payloads) {
    ASSERT_FALSE(payload.empty());
    for (const std::string& secret : secrets) {
      EXPECT_EQ(payload.find(secret), std::string::npos) << secret << " in " << payload;
    }
    EXPECT_EQ(payload.find("personer/"), std::string::npos) << payload;
    EXPECT_EQ(payload.find("journal for"), std::string::npos) << payload;
  }
  // The ids that may go did go: the check id, alert ids and opaque subject ids.
  EXPECT_NE(payloads[0].find("\"alert_id\":\"1026\""), std::string::npos) << payloads[0];
  EXPECT_NE(payloads[0].find("FIX-CHECKSUM"), std::string::npos);
}

}  // namespace
}  // namespace arkivvakt::alerts
