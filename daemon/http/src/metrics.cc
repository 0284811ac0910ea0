#include "http/metrics.h"

#include <array>
#include <cstddef>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "common/log.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

namespace arkivvakt::http {

namespace {

constexpr std::array<std::string_view, 3> kSinkNames = {"alertmanager", "webhook", "journal"};
constexpr std::array<Severity, 4> kSeverities = {Severity::kInfo, Severity::kWarning,
                                                 Severity::kHigh, Severity::kCritical};
constexpr std::array<AuthFailure, 3> kAuthFailures = {AuthFailure::kMissing, AuthFailure::kInvalid,
                                                      AuthFailure::kForbidden};

bool IsUpperOrDigit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsVersionLabel(std::string_view v) {
  if (v.empty() || v.size() > 64) {
    return false;
  }
  for (char c : v) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '+' || c == '~';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// A registered route template ("/api/v1/alerts/{id}") or "other".
bool IsRouteLabel(std::string_view route) {
  if (route == "other") {
    return true;
  }
  if (route.empty() || route.front() != '/' || route.size() > 128) {
    return false;
  }
  for (char c : route) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '{' || c == '}' || c == '-' || c == '_' || c == '.' || c == '~';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Process metrics from /proc/self, read when scraped (as the Go and Python clients do).
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    auto gauge = [&](std::string name, std::string help, double value) {
      prometheus::MetricFamily f;
      f.name = std::move(name);
      f.help = std::move(help);
      f.type = prometheus::MetricType::Gauge;
      prometheus::ClientMetric m;
      m.gauge.value = value;
      f.metric.push_back(std::move(m));
      out.push_back(std::move(f));
    };
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    std::ifstream stat_file("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // Fields after the command name, which is in parentheses and may hold spaces.
    std::size_t close = stat.rfind(')');
    if (close != std::string::npos && ticks > 0) {
      std::istringstream fields(stat.substr(close + 2));
      std::vector<std::string> f;
      for (std::string field; fields >> field;) {
        f.push_back(field);
      }
      // f[0] is field 3 (state): field n is f[n - 3].
      if (f.size() > 21) {
        double utime = std::stod(f[14 - 3]);
        double stime = std::stod(f[15 - 3]);
        double start_ticks = std::stod(f[22 - 3]);
        double vsize = std::stod(f[23 - 3]);
        double rss_pages = std::stod(f[24 - 3]);
        prometheus::MetricFamily cpu;
        cpu.name = "process_cpu_seconds_total";
        cpu.help = "Total user and system CPU time spent in seconds.";
        cpu.type = prometheus::MetricType::Counter;
        prometheus::ClientMetric m;
        m.counter.value = (utime + stime) / ticks;
        cpu.metric.push_back(std::move(m));
        out.push_back(std::move(cpu));
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize);
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", rss_pages * page);
        if (double boot = BootTime(); boot > 0) {
          gauge("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                boot + start_ticks / ticks);
        }
      }
    }
    gauge("process_open_fds", "Number of open file descriptors.", OpenFds());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      gauge("process_max_fds", "Maximum number of open file descriptors.",
            static_cast<double>(limit.rlim_cur));
    }
    return out;
  }

 private:
  static double BootTime() {
    std::ifstream in("/proc/stat");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("btime ", 0) == 0) {
        return std::stod(line.substr(6));
      }
    }
    return 0;
  }

  static double OpenFds() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) {
      return 0;
    }
    double count = 0;
    while (const dirent* entry = readdir(dir)) {
      if (entry->d_name[0] != '.') {
        ++count;
      }
    }
    closedir(dir);
    return count - 1;  // the directory stream's own descriptor
  }
};

prometheus::Histogram::BucketBoundaries CycleBuckets() {
  return {0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
}

prometheus::Histogram::BucketBoundaries HttpBuckets() {
  return {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace

std::string_view SinkName(Sink sink) {
  return kSinkNames[static_cast<std::size_t>(sink)];
}

std::optional<Sink> ParseSink(std::string_view name) {
  for (std::size_t i = 0; i < kSinkNames.size(); ++i) {
    if (kSinkNames[i] == name) {
      return static_cast<Sink>(i);
    }
  }
  return std::nullopt;
}

bool IsCheckIdLabel(std::string_view check) {
  if (check.empty() || check.size() > 64 || !(check.front() >= 'A' && check.front() <= 'Z')) {
    return false;
  }
  bool previous_separator = false;
  bool has_separator = false;
  for (char c : check) {
    if (c == '-' || c == '.') {
      if (previous_separator) {
        return false;
      }
      previous_separator = true;
      has_separator = true;
    } else if (IsUpperOrDigit(c)) {
      previous_separator = false;
    } else {
      return false;
    }
  }
  return has_separator && !previous_separator;
}

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  ProcessCollector process;

  prometheus::Family<prometheus::Gauge>& build_info =
      prometheus::BuildGauge()
          .Name("arkivvakt_build_info")
          .Help("Always 1; the version label names the running build.")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& cycle_duration =
      prometheus::BuildHistogram()
          .Name("arkivvakt_cycle_duration_seconds")
          .Help("Duration of check cycles, by check family.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& cycle_last_success =
      prometheus::BuildGauge()
          .Name("arkivvakt_cycle_last_success_timestamp_seconds")
          .Help("Unix time at which the last successful cycle of a check family ended.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& cycle_failures =
      prometheus::BuildCounter()
          .Name("arkivvakt_cycle_failures_total")
          .Help("Check cycles that could not complete, by check family.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& schedule_interval =
      prometheus::BuildGauge()
          .Name("arkivvakt_schedule_interval_seconds")
          .Help("Configured interval between cycles of a check family.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& findings =
      prometheus::BuildGauge()
          .Name("arkivvakt_findings")
          .Help("Findings of the last completed cycle, by check id, severity and family.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& alerts_open = prometheus::BuildGauge()
                                                           .Name("arkivvakt_alerts_open")
                                                           .Help("Open alerts, by severity.")
                                                           .Register(*registry);
  prometheus::Counter& documents_verified =
      prometheus::BuildCounter()
          .Name("arkivvakt_documents_verified_total")
          .Help("Document files whose content was verified (fixity or signature).")
          .Register(*registry)
          .Add({});
  prometheus::Counter& bytes_verified =
      prometheus::BuildCounter()
          .Name("arkivvakt_bytes_verified_total")
          .Help("Bytes of document content read for verification.")
          .Register(*registry)
          .Add({});
  prometheus::Counter& store_errors = prometheus::BuildCounter()
                                          .Name("arkivvakt_store_errors_total")
                                          .Help("Store operations that failed.")
                                          .Register(*registry)
                                          .Add({});
  prometheus::Family<prometheus::Counter>& sink_errors =
      prometheus::BuildCounter()
          .Name("arkivvakt_sink_errors_total")
          .Help("Notification deliveries that failed, by sink.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& notifications_sent =
      prometheus::BuildCounter()
          .Name("arkivvakt_notifications_sent_total")
          .Help("Notifications delivered, by sink.")
          .Register(*registry);
  prometheus::Counter& config_reload_failures =
      prometheus::BuildCounter()
          .Name("arkivvakt_config_reload_failures_total")
          .Help("Configuration reloads refused; the previous configuration stayed in force.")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& config_last_reload_successful =
      prometheus::BuildGauge()
          .Name("arkivvakt_config_last_reload_successful")
          .Help("1 if the last configuration load or reload succeeded, else 0.")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Counter>& http_requests =
      prometheus::BuildCounter()
          .Name("arkivvakt_http_requests_total")
          .Help("HTTP responses, by route template and status code.")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& http_duration =
      prometheus::BuildHistogram()
          .Name("arkivvakt_http_request_duration_seconds")
          .Help("Time from a request having been read to its response being ready, by route.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& http_auth_failures =
      prometheus::BuildCounter()
          .Name("arkivvakt_http_auth_failures_total")
          .Help("HTTP requests refused for missing, invalid or insufficient credentials.")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& http_connections_shed =
      prometheus::BuildCounter()
          .Name("arkivvakt_http_connections_shed_total")
          .Help(
              "Connections shed at max_connections: the longest-idle evicted for a newcomer, or "
              "a newcomer refused with 503 when every connection was busy.")
          .Register(*registry);

  std::mutex findings_mutex;  // guards findings_series
  std::array<std::map<std::pair<std::string, Severity>, prometheus::Gauge*>, 9> findings_series;
};

Metrics::Metrics(std::string_view version) : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", IsVersionLabel(version) ? std::string(version) : "unknown"}})
      .Set(1);
  for (Severity s : kSeverities) {
    impl_->alerts_open.Add({{"severity", std::string(SeverityName(s))}}).Set(0);
  }
  for (std::string_view sink : kSinkNames) {
    impl_->sink_errors.Add({{"sink", std::string(sink)}});
    impl_->notifications_sent.Add({{"sink", std::string(sink)}});
  }
  for (AuthFailure reason : kAuthFailures) {
    impl_->http_auth_failures.Add({{"reason", std::string(AuthFailureName(reason))}});
  }
  for (const char* reason : {"evicted", "refused"}) {
    impl_->http_connections_shed.Add({{"reason", reason}});
  }
  impl_->config_last_reload_successful.Set(1);
}

Metrics::~Metrics() = default;

void Metrics::SetScheduleInterval(Family family, std::chrono::duration<double> interval) {
  const std::string name(FamilyName(family));
  impl_->schedule_interval.Add({{"family", name}}).Set(interval.count());
  impl_->cycle_failures.Add({{"family", name}});
}

void Metrics::CycleFinished(Family family, std::chrono::duration<double> duration, bool ok,
                            std::chrono::system_clock::time_point finished_at) {
  const std::string name(FamilyName(family));
  impl_->cycle_duration.Add({{"family", name}}, CycleBuckets()).Observe(duration.count());
  auto& failures = impl_->cycle_failures.Add({{"family", name}});
  if (ok) {
    impl_->cycle_last_success.Add({{"family", name}})
        .Set(std::chrono::duration<double>(finished_at.time_since_epoch()).count());
  } else {
    failures.Increment();
  }
}

void Metrics::SetFindings(Family family,
                          const std::map<std::pair<std::string, Severity>, std::int64_t>& counts) {
  const std::string family_name(FamilyName(family));
  std::lock_guard lock(impl_->findings_mutex);
  auto& series = impl_->findings_series[static_cast<std::size_t>(family)];
  std::map<std::pair<std::string, Severity>, prometheus::Gauge*> next;
  for (const auto& [key, count] : counts) {
    if (!IsCheckIdLabel(key.first)) {
      Log(LogLevel::kWarning, "metrics.bad_check_id", "family=" + family_name);
      continue;
    }
    prometheus::Gauge* gauge = nullptr;
    if (auto it = series.find(key); it != series.end()) {
      gauge = it->second;
    } else {
      gauge = &impl_->findings.Add({{"check", key.first},
                                    {"severity", std::string(SeverityName(key.second))},
                                    {"family", family_name}});
    }
    gauge->Set(static_cast<double>(count));
    next.emplace(key, gauge);
  }
  for (const auto& [key, gauge] : series) {
    if (next.count(key) == 0) {
      impl_->findings.Remove(gauge);
    }
  }
  series = std::move(next);
}

void Metrics::SetAlertsOpen(const std::map<Severity, std::int64_t>& open) {
  for (Severity s : kSeverities) {
    auto it = open.find(s);
    impl_->alerts_open.Add({{"severity", std::string(SeverityName(s))}})
        .Set(it == open.end() ? 0.0 : static_cast<double>(it->second));
  }
}

void Metrics::DocumentsVerified(std::uint64_t documents, std::uint64_t bytes) {
  impl_->documents_verified.Increment(static_cast<double>(documents));
  impl_->bytes_verified.Increment(static_cast<double>(bytes));
}

void Metrics::StoreError() {
  impl_->store_errors.Increment();
}

void Metrics::SinkError(Sink sink) {
  impl_->sink_errors.Add({{"sink", std::string(SinkName(sink))}}).Increment();
}

void Metrics::NotificationSent(Sink sink) {
  impl_->notifications_sent.Add({{"sink", std::string(SinkName(sink))}}).Increment();
}

void Metrics::ConfigReloaded(bool ok) {
  if (!ok) {
    impl_->config_reload_failures.Increment();
  }
  impl_->config_last_reload_successful.Set(ok ? 1 : 0);
}

void Metrics::HttpRequest(std::string_view route, unsigned status,
                          std::chrono::duration<double> duration) {
  const std::string label = IsRouteLabel(route) ? std::string(route) : "other";
  const std::string code = (status >= 100 && status <= 999) ? std::to_string(status) : "000";
  impl_->http_requests.Add({{"route", label}, {"code", code}}).Increment();
  impl_->http_duration.Add({{"route", label}}, HttpBuckets()).Observe(duration.count());
}

void Metrics::HttpAuthFailure(AuthFailure reason) {
  impl_->http_auth_failures.Add({{"reason", std::string(AuthFailureName(reason))}}).Increment();
}

void Metrics::HttpConnectionShed(bool evicted) {
  impl_->http_connections_shed.Add({{"reason", evicted ? "evicted" : "refused"}}).Increment();
}

std::string Metrics::Render() const {
  std::vector<prometheus::MetricFamily> families = impl_->registry->Collect();
  std::vector<prometheus::MetricFamily> process = impl_->process.Collect();
  families.insert(families.end(), std::make_move_iterator(process.begin()),
                  std::make_move_iterator(process.end()));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace arkivvakt::http
