#include "http/metrics.h"

#include <gtest/gtest.h>

namespace arkivvakt::http {
namespace {

using std::chrono::seconds;

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(Metrics, FixedSeriesExistFromTheStart) {
  Metrics m("0.1.0");
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, "arkivvakt_build_info{version=\"0.1.0\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_alerts_open{severity=\"critical\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_alerts_open{severity=\"info\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_sink_errors_total{sink=\"webhook\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_notifications_sent_total{sink=\"alertmanager\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_http_auth_failures_total{reason=\"missing\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_http_connections_shed_total{reason=\"evicted\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_config_last_reload_successful 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_store_errors_total 0\n"));
  EXPECT_TRUE(Has(text, "# TYPE arkivvakt_documents_verified_total counter\n"));
  // Families not enabled export no per-family series.
  EXPECT_FALSE(Has(text, "family=\""));
}

TEST(Metrics, ShedConnectionsAreCountedByReason) {
  Metrics m("0.1.0");
  m.HttpConnectionShed(true);
  m.HttpConnectionShed(true);
  m.HttpConnectionShed(false);
  const std::string text = m.Render();
  EXPECT_TRUE(Has(text, "arkivvakt_http_connections_shed_total{reason=\"evicted\"} 2\n")) << text;
  EXPECT_TRUE(Has(text, "arkivvakt_http_connections_shed_total{reason=\"refused\"} 1\n")) << text;
}

TEST(Metrics, ProcessMetricsAreReadAtScrapeTime) {
  Metrics m("1");
  std::string text = m.Render();
  for (const char* name :
       {"process_resident_memory_bytes ", "process_virtual_memory_bytes ",
        "process_cpu_seconds_total ", "process_open_fds ", "process_start_time_seconds "}) {
    EXPECT_TRUE(Has(text, std::string("\n") + name)) << name;
  }
  EXPECT_TRUE(Has(text, "# TYPE process_cpu_seconds_total counter\n"));
}

TEST(Metrics, BadVersionIsExportedAsUnknown) {
  Metrics m("1.0 \"}\n");
  EXPECT_TRUE(Has(m.Render(), "arkivvakt_build_info{version=\"unknown\"} 1\n"));
}

TEST(Metrics, CyclesCountFailuresAndStampSuccesses) {
  Metrics m("1");
  m.SetScheduleInterval(Family::kFix, seconds(900));
  std::string before = m.Render();
  EXPECT_TRUE(Has(before, "arkivvakt_schedule_interval_seconds{family=\"FIX\"} 900\n"));
  EXPECT_TRUE(Has(before, "arkivvakt_cycle_failures_total{family=\"FIX\"} 0\n"));
  EXPECT_FALSE(Has(before, "arkivvakt_cycle_last_success_timestamp_seconds{"));

  const auto at = std::chrono::system_clock::time_point(seconds(1'800'000'000));
  m.CycleFinished(Family::kFix, seconds(2), true, at);
  m.CycleFinished(Family::kFix, seconds(40), false, at + seconds(60));
  std::string text = m.Render();
  EXPECT_TRUE(
      Has(text, "arkivvakt_cycle_last_success_timestamp_seconds{family=\"FIX\"} 1800000000\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_cycle_failures_total{family=\"FIX\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_cycle_duration_seconds_count{family=\"FIX\"} 2\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_cycle_duration_seconds_bucket{family=\"FIX\",le=\"5\"} 1\n"));
}

TEST(Metrics, SetFindingsReplacesTheFamilysSeries) {
  Metrics m("1");
  m.SetFindings(Family::kFix,
                {{{"FIX-CHECKSUM", Severity::kCritical}, 3}, {{"FIX-SIZE", Severity::kHigh}, 1}});
  m.SetFindings(Family::kN5, {{{"N5.02", Severity::kCritical}, 1}});
  std::string first = m.Render();
  EXPECT_TRUE(
      Has(first,
          "arkivvakt_findings{check=\"FIX-CHECKSUM\",family=\"FIX\",severity=\"critical\"} 3\n"));
  EXPECT_TRUE(
      Has(first, "arkivvakt_findings{check=\"FIX-SIZE\",family=\"FIX\",severity=\"high\"} 1\n"));

  m.SetFindings(Family::kFix, {{{"FIX-CHECKSUM", Severity::kCritical}, 1}});
  std::string second = m.Render();
  EXPECT_TRUE(
      Has(second,
          "arkivvakt_findings{check=\"FIX-CHECKSUM\",family=\"FIX\",severity=\"critical\"} 1\n"));
  EXPECT_FALSE(Has(second, "check=\"FIX-SIZE\""));
  // Another family's series are untouched.
  EXPECT_TRUE(
      Has(second, "arkivvakt_findings{check=\"N5.02\",family=\"N5\",severity=\"critical\"} 1\n"));

  m.SetFindings(Family::kFix, {});
  EXPECT_FALSE(Has(m.Render(), "family=\"FIX\",severity"));
}

TEST(Metrics, MalformedCheckIdsNeverBecomeLabels) {
  Metrics m("1");
  m.SetFindings(Family::kRec, {{{"Ola Nordmann", Severity::kHigh}, 1},
                               {{"12345678901", Severity::kHigh}, 1},
                               {{"REC-MISSING", Severity::kHigh}, 2}});
  std::string text = m.Render();
  EXPECT_FALSE(Has(text, "Nordmann"));
  EXPECT_FALSE(Has(text, "12345678901"));
  EXPECT_TRUE(Has(text, "check=\"REC-MISSING\""));
}

TEST(Metrics, CheckIdShape) {
  for (const char* ok : {"FIX-CHECKSUM", "N5.02", "SE-OROS-01", "NO-APPROVE-01", "REC-MISSING"}) {
    EXPECT_TRUE(IsCheckIdLabel(ok)) << ok;
  }
  for (const char* bad : {"", "fix-checksum", "FIX", "FIX--A", "FIX-", "-FIX", "FIX CHECK",
                          "12345678901", "FIX-ÆØÅ", "A-too-long"}) {
    EXPECT_FALSE(IsCheckIdLabel(bad)) << bad;
  }
  EXPECT_FALSE(IsCheckIdLabel("A-" + std::string(63, '1')));
}

TEST(Metrics, HttpRequestsUseTheRouteTemplateOrOther) {
  Metrics m("1");
  m.HttpRequest("/api/v1/alerts/{id}", 200, std::chrono::milliseconds(3));
  m.HttpRequest("/api/v1/alerts/12345 x", 404, std::chrono::milliseconds(1));
  m.HttpAuthFailure(AuthFailure::kForbidden);
  std::string text = m.Render();
  EXPECT_TRUE(
      Has(text, "arkivvakt_http_requests_total{code=\"200\",route=\"/api/v1/alerts/{id}\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_http_requests_total{code=\"404\",route=\"other\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_http_auth_failures_total{reason=\"forbidden\"} 1\n"));
  EXPECT_TRUE(Has(
      text, "arkivvakt_http_request_duration_seconds_count{route=\"/api/v1/alerts/{id}\"} 1\n"));
}

TEST(Metrics, AlertsSinksVerificationAndReloads) {
  Metrics m("1");
  m.SetAlertsOpen({{Severity::kCritical, 2}, {Severity::kWarning, 5}});
  m.SetAlertsOpen({{Severity::kCritical, 1}});
  m.SinkError(Sink::kWebhook);
  m.NotificationSent(Sink::kJournal);
  m.NotificationSent(Sink::kJournal);
  m.DocumentsVerified(3, 3000);
  m.StoreError();
  m.ConfigReloaded(false);
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, "arkivvakt_alerts_open{severity=\"critical\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_alerts_open{severity=\"warning\"} 0\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_sink_errors_total{sink=\"webhook\"} 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_notifications_sent_total{sink=\"journal\"} 2\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_documents_verified_total 3\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_bytes_verified_total 3000\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_store_errors_total 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_config_reload_failures_total 1\n"));
  EXPECT_TRUE(Has(text, "arkivvakt_config_last_reload_successful 0\n"));
  m.ConfigReloaded(true);
  EXPECT_TRUE(Has(m.Render(), "arkivvakt_config_last_reload_successful 1\n"));
}

TEST(Metrics, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(Family::kN5); ++i) {
    auto f = static_cast<Family>(i);
    EXPECT_EQ(ParseFamily(FamilyName(f)), f);
  }
  EXPECT_EQ(FamilyName(Family::kShred), "SHRED");
  EXPECT_FALSE(ParseFamily("fix").has_value());
  EXPECT_EQ(ParseSink("alertmanager"), Sink::kAlertmanager);
  EXPECT_EQ(SinkName(Sink::kJournal), "journal");
}

}  // namespace
}  // namespace arkivvakt::http
