// arkivvakt validate UTTREKK_DIR [--schemas DIR] [--format text|json|arkade] [--fail-on SEVERITY]
//                                [--no-files] [--threads N] [--today YYYY-MM-DD]
//
// Text and JSON findings are written as they are found (memory stays flat on huge
// extractions); the Arkade-compatible report (testReport.schema.json) groups them per test and
// therefore holds them in memory.
#include "validate_command.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.h"
#include "finding_json.h"
#include "noark5/catalogue.h"
#include "noark5/validator.h"

namespace arkivvakt::daemon {

namespace {

enum class Format { kText, kJson, kArkade };

// Writes findings to stdout as they arrive, from any thread.
class StreamingSink final : public noark5::FindingSink {
 public:
  explicit StreamingSink(Format format) : format_(format) {}

  void Emit(const Finding& finding) override {
    std::lock_guard lock(mutex_);
    if (format_ == Format::kJson) {
      std::cout << (first_ ? "\n    " : ",\n    ")
                << boost::json::serialize(FindingToJson(finding));
      first_ = false;
    } else if (format_ == Format::kText) {
      std::cout << FindingToText(finding) << '\n';
    } else {
      held_.push_back(finding);
    }
    worst_ = std::max(worst_, static_cast<int>(finding.severity));
  }

  int worst() const { return worst_; }

  const std::vector<Finding>& held() const { return held_; }

 private:
  Format format_;
  std::mutex mutex_;
  bool first_ = true;
  int worst_ = -1;
  std::vector<Finding> held_;
};

std::string TodayUtc() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{today};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

boost::json::array TestsToJson(const noark5::ValidationReport& report) {
  boost::json::array tests;
  for (const noark5::TestResult& t : report.tests) {
    boost::json::object o;
    o["id"] = t.id;
    o["name"] = t.name;
    o["ran"] = t.ran;
    if (!t.ran) {
      o["not_run_reason"] = t.not_run_reason;
    }
    o["findings"] = t.findings;
    boost::json::array lines;
    for (const auto& l : t.lines) {
      lines.push_back(boost::json::object{{"label", l.label}, {"value", l.value}});
    }
    o["results"] = std::move(lines);
    tests.push_back(std::move(o));
  }
  return tests;
}

boost::json::object SummaryToJson(const noark5::ValidationReport& report) {
  boost::json::object by_severity;
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kHigh, Severity::kCritical}) {
    by_severity[SeverityName(s)] = report.findings_by_severity[static_cast<int>(s)];
  }
  return boost::json::object{{"noark_version", report.noark_version},
                             {"system_name", report.system_name},
                             {"period_start", report.period_start},
                             {"period_end", report.period_end},
                             {"entities", report.entities},
                             {"documents_hashed", report.documents_hashed},
                             {"document_bytes_hashed", report.document_bytes_hashed},
                             {"findings_by_severity", std::move(by_severity)}};
}

// Arkade 5's machine-readable report (arkade5-dokumentasjon testReport.schema.json).
boost::json::object ArkadeReport(const noark5::ValidationReport& report,
                                 const std::vector<Finding>& findings, const std::string& today) {
  boost::json::array executed;
  std::uint64_t errors = 0;
  for (const noark5::ArkadeTest& test : noark5::ArkadeTests()) {
    boost::json::array results;
    const noark5::TestResult* ours = nullptr;
    for (const auto& t : report.tests) {
      if (t.id == test.id) {
        ours = &t;
      }
    }
    for (const Finding& f : findings) {
      std::string_view attributed = f.check;
      for (const Fact& fact : f.facts) {
        if (fact.name == "arkade_test") {
          attributed = fact.value;
        }
      }
      if (attributed != test.id) {
        continue;
      }
      std::string location = f.subject.file;
      if (f.subject.line > 0) {
        location += " linje " + std::to_string(f.subject.line);
      }
      if (!f.subject.archive_system_id.empty()) {
        location += " systemID " + f.subject.archive_system_id;
      }
      results.push_back(boost::json::object{
          {"ResultType", "Error"}, {"Location", location}, {"Message", f.message}});
      ++errors;
    }
    if (ours != nullptr) {
      for (const auto& l : ours->lines) {
        results.push_back(boost::json::object{
            {"ResultType", "Success"}, {"Location", ""}, {"Message", l.label + ": " + l.value}});
      }
    }
    const bool has_results = !results.empty();
    const auto n_errors =
        static_cast<std::uint64_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
          return r.as_object().at("ResultType") == "Error";
        }));
    executed.push_back(
        boost::json::object{{"TestId", test.id},
                            {"TestName", test.name},
                            {"TestType", noark5::ArkadeTestTypeName(test.type)},
                            {"TestDescription", nullptr},
                            {"ResultSet", boost::json::object{{"Name", nullptr},
                                                              {"ResultSets", boost::json::array{}},
                                                              {"Results", std::move(results)}}},
                            {"HasResults", has_results},
                            {"NumberOfErrors", std::to_string(n_errors)}});
  }
  boost::json::object summary{{"Uuid", nullptr},
                              {"ArchiveType", "Noark5"},
                              {"ArchiveCreators", nullptr},
                              {"ArchivalPeriod", report.period_start + " - " + report.period_end},
                              {"SystemName", report.system_name},
                              {"SystemType", nullptr},
                              {"DateOfTesting", today},
                              {"NumberOfProcessedFiles", std::to_string(report.documents_hashed)},
                              {"NumberOfProcessedRecords", std::to_string(report.entities)},
                              {"NumberOfTestsRun", std::to_string(report.tests.size())},
                              {"NumberOfErrors", std::to_string(errors)}};
  return boost::json::object{{"Summary", std::move(summary)},
                             {"TestsResults", std::move(executed)}};
}

}  // namespace

int RunValidate(const ValidateArgs& args) {
  const Format format = args.format == "json"     ? Format::kJson
                        : args.format == "arkade" ? Format::kArkade
                                                  : Format::kText;
  const std::optional<Severity> fail_on = ParseSeverity(args.fail_on);
  if (!fail_on) {
    std::cerr << "arkivvakt validate: --fail-on must be info, warning, high or critical\n";
    return kExitError;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(args.dir, ec)) {
    std::cerr << "arkivvakt validate: " << args.dir << " is not a directory\n";
    return kExitError;
  }
  noark5::ValidateOptions options;
  options.dir = args.dir;
  // A DIAS information package (as Arkade and the national archive make them) holds the
  // extraction in content/.
  if (!std::filesystem::exists(options.dir / "arkivuttrekk.xml", ec) &&
      std::filesystem::exists(options.dir / "content" / "arkivuttrekk.xml", ec)) {
    options.dir /= "content";
    std::cerr << "arkivvakt validate: DIAS package; validating " << options.dir.string() << '\n';
  }
  if (!args.schemas.empty()) {
    if (!std::filesystem::is_directory(args.schemas, ec)) {
      std::cerr << "arkivvakt validate: --schemas " << args.schemas << " is not a directory\n";
      return kExitError;
    }
    options.schema_dir = args.schemas;
  }
  options.check_document_files = !args.no_files;
  options.hash_threads =
      args.threads > 0 ? args.threads : std::max(2u, std::thread::hardware_concurrency());
  options.today = args.today.empty() ? TodayUtc() : args.today;

  StreamingSink sink(format);
  if (format == Format::kJson) {
    std::cout << "{\n  \"tool\": \"arkivvakt " ARKIVVAKT_VERSION
                 "\",\n  \"command\": \"validate\",\n  \"extraction\": "
              << boost::json::serialize(boost::json::value(args.dir)) << ",\n  \"today\": \""
              << options.today << "\",\n  \"findings\": [";
  }
  auto report = noark5::ValidateUttrekk(options, sink);
  if (!report.ok()) {
    if (format == Format::kJson) {
      std::cout << "],\n  \"error\": "
                << boost::json::serialize(boost::json::value(report.error().message)) << "\n}\n";
    }
    std::cerr << "arkivvakt validate: " << report.error().message << '\n';
    return kExitError;
  }
  switch (format) {
    case Format::kJson:
      std::cout << "\n  ],\n  \"tests\": " << boost::json::serialize(TestsToJson(*report))
                << ",\n  \"summary\": " << boost::json::serialize(SummaryToJson(*report))
                << "\n}\n";
      break;
    case Format::kArkade:
      std::cout << boost::json::serialize(ArkadeReport(*report, sink.held(), options.today))
                << '\n';
      break;
    case Format::kText: {
      std::cout << "\nNoark 5 " << report->noark_version << " extraction " << args.dir << " ("
                << report->system_name << ", " << report->period_start << " – "
                << report->period_end << ")\n";
      for (const noark5::TestResult& t : report->tests) {
        std::cout << "  " << t.id << "  "
                  << (t.ran ? (t.findings > 0 ? "FEIL " : "ok   ") : "—    ") << t.name;
        if (t.findings > 0) {
          std::cout << " (" << t.findings << ")";
        }
        if (!t.ran) {
          std::cout << " — not run: " << t.not_run_reason;
        }
        std::cout << '\n';
      }
      std::cout << "Findings: " << report->findings_by_severity[3] << " critical, "
                << report->findings_by_severity[2] << " high, " << report->findings_by_severity[1]
                << " warning, " << report->findings_by_severity[0] << " info; "
                << report->documents_hashed << " document files hashed ("
                << report->document_bytes_hashed << " bytes)\n";
      break;
    }
  }
  std::cout.flush();
  return sink.worst() >= static_cast<int>(*fail_on) ? kExitFindings : kExitOk;
}

void RegisterValidateCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate",
                                     "Check a Noark 5 arkivuttrekk like Arkade 5 (N5.01–N5.64), "
                                     "plus fixity, disposal and screening");
  cmd->add_option("UTTREKK_DIR", args->dir, "The extraction directory (holds arkivuttrekk.xml)")
      ->required();
  cmd->add_option("--schemas", args->schemas,
                  "Validate against the XSDs in DIR instead of the shipped ones");
  cmd->add_option("--format", args->format,
                  "Output: text, json, or arkade (Arkade 5 testReport JSON)")
      ->check(CLI::IsMember({"text", "json", "arkade"}));
  cmd->add_option("--fail-on", args->fail_on,
                  "Exit 1 when a finding is at or above: info, warning, high, critical")
      ->check(CLI::IsMember({"info", "warning", "high", "critical"}));
  cmd->add_flag("--no-files", args->no_files, "Do not read the document files (structure only)");
  cmd->add_option("--threads", args->threads,
                  "Threads hashing document files (default: cores, at least 2)");
  cmd->add_option("--today", args->today,
                  "Reference date YYYY-MM-DD for disposal and screening (default: today, UTC)");
  cmd->callback([args, &runner] { runner = [args] { return RunValidate(*args); }; });
}

}  // namespace arkivvakt::daemon
