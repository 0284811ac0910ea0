// arkivvakt check --config FILE [--only IDS] [--format text|json] [--fail-on SEVERITY] [--now T]
//
// One full check cycle in the foreground, with the engine the daemon uses (engine/cycle.h): the
// case system against the archive, every check family. The run, its counts per check and new
// lock baselines are written to the store. Exit codes (DESIGN.md §8): 0 no finding at or above
// --fail-on, 1 findings at or above it, 2 configuration error or an input that could not be
// read (the checks that depend on it are listed as not run, never as "no findings").
#include "check_command.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "casesystem/csv_reader.h"
#include "commands.h"
#include "common/clock.h"
#include "common/text.h"
#include "finding_json.h"
#include "service/cycle_runner.h"
#include "service/cycle_setup.h"

namespace arkivvakt::daemon {

namespace {

std::vector<std::string> SplitIds(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part =
        TrimAsciiSpace(std::string_view(text).substr(start, comma - start));
    if (!part.empty()) {
      out.emplace_back(part);
    }
    start = comma + 1;
  }
  return out;
}

int Fail(std::string_view what) {
  std::cerr << "arkivvakt check: " << what << "\n";
  return kExitError;
}

}  // namespace

int RunCheckCommand(const CheckArgs& args) {
  const std::optional<Severity> fail_on = ParseSeverity(args.fail_on);
  if (!fail_on) {
    return Fail("--fail-on must be info, warning, high or critical");
  }
  SystemClock clock;
  Instant now = std::chrono::floor<std::chrono::seconds>(clock.Now());
  if (!args.now.empty()) {
    auto parsed = casesystem::ParseIsoTimestamp(args.now);
    if (!parsed) {
      return Fail("--now must be ISO 8601 with an offset, e.g. 2026-03-01T12:00:00+01:00");
    }
    now = *parsed;
  }
  auto config = LoadConfig(args.config);
  if (!config.ok()) {
    return Fail(config.error().message);
  }
  auto options = MakeCycleOptions(*config);
  if (!options.ok()) {
    return Fail(options.error().message);
  }
  options->only = SplitIds(args.only);
  auto source = MakeCaseSystemSource(*config);
  if (!source.ok()) {
    return Fail(source.error().message);
  }
  auto store = OpenOrCreateStore(*config, clock);
  if (!store.ok()) {
    return Fail(store.error().message);
  }
  auto run = service::RunAndRecordCycle(*options, **source, **store, now, clock, nullptr);
  if (!run.ok()) {
    return Fail(run.error().message);
  }
  if (!run->report.has_value()) {
    return Fail(run->failures.front());
  }
  const engine::CycleReport* const report = &*run->report;
  const std::int64_t* const run_id = &run->run_id;
  if (!report->archive_index_error.empty()) {
    std::cerr << "arkivvakt check: warning: " << report->archive_index_error << "\n";
  }
  const std::map<std::string, std::int64_t>& by_check = run->findings_by_check;
  std::int64_t by_severity[4] = {0, 0, 0, 0};
  int worst = -1;
  for (const Finding& f : report->findings) {
    ++by_severity[static_cast<int>(f.severity)];
    worst = std::max(worst, static_cast<int>(f.severity));
  }
  const bool input_failed = std::any_of(report->not_run.begin(), report->not_run.end(),
                                        [](const engine::NotRun& n) { return n.input_failed; });
  if (run->store_failed) {
    return Fail(run->failures.back());
  }

  if (args.format == "json") {
    boost::json::object out;
    out["tool"] = "arkivvakt " ARKIVVAKT_VERSION;
    out["command"] = "check";
    out["run_id"] = *run_id;
    boost::json::array findings;
    for (const Finding& f : report->findings) {
      findings.push_back(FindingToJson(f));
    }
    out["findings"] = std::move(findings);
    boost::json::array not_run;
    for (const auto& n : report->not_run) {
      not_run.push_back(
          {{"checks", n.checks}, {"reason", n.reason}, {"input_failed", n.input_failed}});
    }
    out["not_run"] = std::move(not_run);
    boost::json::array covered;
    for (const auto& c : report->covered) {
      covered.emplace_back(c);
    }
    out["covered"] = std::move(covered);
    boost::json::object summary;
    summary["findings"] = static_cast<std::int64_t>(report->findings.size());
    boost::json::object sev;
    for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kHigh, Severity::kCritical}) {
      sev[SeverityName(s)] = by_severity[static_cast<int>(s)];
    }
    summary["by_severity"] = std::move(sev);
    boost::json::object checks_obj;
    for (const auto& [check, n] : by_check) {
      checks_obj[check] = n;
    }
    summary["by_check"] = std::move(checks_obj);
    summary["case_documents"] = report->case_documents;
    summary["case_events"] = report->case_events;
    summary["archive_records"] = report->archive_records;
    summary["documents_hashed"] = report->documents_hashed;
    summary["bytes_hashed"] = report->bytes_hashed;
    summary["signatures_verified"] = report->signatures_verified;
    summary["baselines_recorded"] = report->baselines_recorded;
    summary["duration_ms"] = static_cast<std::int64_t>(report->duration.count());
    summary["archive_read_from"] = report->archive_from_cache   ? "cache"
                                   : report->archive_from_index ? "index"
                                                                : "arkivstruktur.xml";
    boost::json::object phases;
    for (const auto& [name, took] : report->phases) {
      phases[name] = static_cast<std::int64_t>(took.count() / 1000);
    }
    summary["phases_ms"] = std::move(phases);
    out["summary"] = std::move(summary);
    std::cout << boost::json::serialize(out) << "\n";
  } else {
    for (const Finding& f : report->findings) {
      std::cout << FindingToText(f) << "\n";
    }
    for (const auto& n : report->not_run) {
      std::cout << "not run: " << n.checks << ": " << n.reason << "\n";
    }
    std::cout << report->findings.size() << " findings (critical " << by_severity[3] << ", high "
              << by_severity[2] << ", warning " << by_severity[1] << ", info " << by_severity[0]
              << ") over " << report->case_documents << " case documents and "
              << report->archive_records << " archive records in " << report->duration.count()
              << " ms; run " << *run_id << "\n";
  }
  if (input_failed) {
    return kExitError;
  }
  return worst >= static_cast<int>(*fail_on) ? kExitFindings : kExitOk;
}

void RegisterCheckCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Run one full check cycle in the foreground");
  cmd->add_option("--config", args->config, "Configuration file")->required();
  cmd->add_option("--only", args->only,
                  "Comma-separated check ids or families (REC, FIX, LOCK, SIG, RET, SHRED, ACC, "
                  "N5, DL or a rule id)");
  cmd->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--fail-on", args->fail_on,
                  "Exit 1 when a finding is at or above: info, warning, high (default), critical")
      ->check(CLI::IsMember({"info", "warning", "high", "critical"}));
  cmd->add_option("--now", args->now,
                  "Evaluate as of this instant (ISO 8601 with offset) instead of the clock");
  cmd->callback([args, &runner] { runner = [args] { return RunCheckCommand(*args); }; });
}

}  // namespace arkivvakt::daemon
