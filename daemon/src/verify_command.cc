// arkivvakt verify FILE [--content FILE] --trust PEM... [--untrusted PEM...] [--crl PEM...]
//                       [--at TIME] [--format text|json]
//
// Verifies the signatures of one file offline and prints the ETSI EN 319 102-1 result per
// signature. Exit 0: every signature TOTAL-PASSED; 1: any TOTAL-FAILED or INDETERMINATE (or no
// signature found); 2: the input or the trust material could not be read.
//
// The signer's name is shown to the user who asked; it is never written to the log.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "commands.h"
#include "common/clock.h"
#include "common/log.h"
#include "signing/report.h"
#include "signing/trust_store.h"
#include "signing/verifier.h"

namespace arkivvakt::daemon {

namespace {

struct VerifyArgs {
  std::string file;
  std::string content;
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::vector<std::string> crls;
  std::string at;
  std::string format = "text";
};

std::string FormatTime(TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss<seconds> hms(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buf;
}

bool Digits(const std::string& s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// "YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss]" or with a space instead of 'T', then optionally "Z" or
// "+hh:mm"/"-hh:mm". Without a zone the time is UTC.
std::optional<TimePoint> ParseAt(const std::string& s) {
  using namespace std::chrono;
  int y = 0;
  int mo = 0;
  int d = 0;
  if (!Digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  TimePoint t(floor<seconds>(sys_days(ymd)));
  std::size_t pos = 10;
  if (pos == s.size()) {
    return t;
  }
  if (s[pos] != 'T' && s[pos] != ' ') {
    return std::nullopt;
  }
  int h = 0;
  int mi = 0;
  int sec = 0;
  if (!Digits(s, pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
      !Digits(s, pos + 4, 2, mi) || h > 23 || mi > 59) {
    return std::nullopt;
  }
  pos += 6;
  if (pos < s.size() && s[pos] == ':') {
    if (!Digits(s, pos + 1, 2, sec) || sec > 60) {
      return std::nullopt;
    }
    pos += 3;
  }
  t += hours(h) + minutes(mi) + seconds(sec);
  if (pos == s.size() || (s[pos] == 'Z' && pos + 1 == s.size())) {
    return t;
  }
  int oh = 0;
  int om = 0;
  if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && Digits(s, pos + 1, 2, oh) &&
      s[pos + 3] == ':' && Digits(s, pos + 4, 2, om)) {
    const seconds offset = hours(oh) + minutes(om);
    return s[pos] == '+' ? t - offset : t + offset;
  }
  return std::nullopt;
}

boost::json::object CertificateJson(const signing::CertificateSummary& c) {
  boost::json::object o;
  o["subject"] = c.subject;
  o["issuer"] = c.issuer;
  o["serial"] = c.serial_hex;
  o["sha256"] = c.sha256_hex;
  o["not_before"] = FormatTime(c.not_before);
  o["not_after"] = FormatTime(c.not_after);
  o["revocation"] = signing::RevocationStatusName(c.revocation);
  if (c.revocation_time) {
    o["revocation_time"] = FormatTime(*c.revocation_time);
  }
  return o;
}

boost::json::object SignatureJson(const signing::SignatureReport& s) {
  boost::json::object o;
  o["format"] = signing::SignatureFormatName(s.format);
  o["indication"] = signing::IndicationName(s.indication);
  o["sub_indication"] = signing::SubIndicationName(s.sub_indication);
  o["intact"] = s.intact;
  o["validation_time"] = FormatTime(s.validation_time);
  if (s.signer) {
    o["signer"] = CertificateJson(*s.signer);
  }
  if (s.claimed_signing_time) {
    o["claimed_signing_time"] = FormatTime(*s.claimed_signing_time);
  }
  if (s.timestamp_time) {
    o["timestamp_time"] = FormatTime(*s.timestamp_time);
  }
  boost::json::array chain;
  for (const auto& c : s.chain) {
    chain.push_back(CertificateJson(c));
  }
  o["chain"] = std::move(chain);
  boost::json::array notes;
  for (const auto& n : s.notes) {
    notes.push_back(boost::json::string(n));
  }
  o["notes"] = std::move(notes);
  if (s.pdf) {
    const signing::PdfSignatureDetails& p = *s.pdf;
    boost::json::object pdf;
    pdf["field"] = p.field_name;
    pdf["sub_filter"] = p.sub_filter;
    boost::json::array range;
    for (auto v : p.byte_range) {
      range.push_back(v);
    }
    pdf["byte_range"] = std::move(range);
    pdf["coverage"] = signing::PdfCoverageName(p.coverage);
    pdf["signed_revision_end"] = p.signed_revision_end;
    pdf["bytes_after"] = p.bytes_after;
    pdf["revisions_after"] = p.revisions_after;
    pdf["dictionary_consistent"] = p.dictionary_consistent;
    pdf["docmdp_permissions"] = p.doc_mdp_permissions;
    pdf["modified_after_signing"] = p.modified_after_signing;
    boost::json::array changes;
    for (const auto& c : p.changes) {
      changes.push_back(boost::json::object{
          {"kind", signing::PdfChangeKindName(c.kind)}, {"object", c.object}, {"added", c.added}});
    }
    pdf["changes"] = std::move(changes);
    o["pdf"] = std::move(pdf);
  }
  return o;
}

void PrintText(const std::string& file, const signing::VerificationReport& r, bool at_given) {
  std::cout << "file: " << file << "\n";
  std::cout << "validation time: " << FormatTime(r.validation_time)
            << (at_given ? " (given)" : " (current time)") << "\n";
  std::cout << "result: " << signing::IndicationName(r.Overall());
  if (r.signatures.empty()) {
    std::cout << " (no signature found)";
  }
  std::cout << "\n";
  int n = 0;
  for (const signing::SignatureReport& s : r.signatures) {
    std::cout << "\nsignature " << ++n << ": " << signing::SignatureFormatName(s.format) << "\n";
    std::cout << "  indication: " << signing::IndicationName(s.indication);
    if (s.sub_indication != signing::SubIndication::kNone) {
      std::cout << " / " << signing::SubIndicationName(s.sub_indication);
    }
    std::cout << "\n  signature intact: " << (s.intact ? "yes" : "no") << "\n";
    if (s.signer) {
      std::cout << "  signer: " << s.signer->subject << "\n";
      std::cout << "  issuer: " << s.signer->issuer << "\n";
      std::cout << "  certificate valid: " << FormatTime(s.signer->not_before) << " .. "
                << FormatTime(s.signer->not_after) << "\n";
    }
    std::cout << "  signing time (claimed): "
              << (s.claimed_signing_time ? FormatTime(*s.claimed_signing_time) : "none") << "\n";
    if (s.timestamp_time) {
      std::cout << "  signing time (time-stamp, token signature not validated): "
                << FormatTime(*s.timestamp_time) << "\n";
    }
    if (!s.chain.empty()) {
      std::cout << "  chain:\n";
      for (const auto& c : s.chain) {
        std::cout << "    " << c.subject
                  << " [revocation: " << signing::RevocationStatusName(c.revocation) << "]\n";
      }
    }
    if (s.pdf) {
      const signing::PdfSignatureDetails& p = *s.pdf;
      std::cout << "  pdf field: " << p.field_name << " (" << p.sub_filter << ")\n";
      std::cout << "  coverage: " << signing::PdfCoverageName(p.coverage);
      if (p.bytes_after > 0) {
        std::cout << " (" << p.bytes_after << " bytes in " << p.revisions_after
                  << " later revision(s))";
      }
      std::cout << "\n";
      if (!p.dictionary_consistent) {
        std::cout << "  signature dictionary changed after signing\n";
      }
      if (!p.changes.empty()) {
        std::cout << "  changes after signing"
                  << (p.modified_after_signing ? " (SIG-MODIFIED-AFTER-SIGNING)" : "") << ":\n";
        for (const auto& c : p.changes) {
          std::cout << "    " << signing::PdfChangeKindName(c.kind) << " " << c.object
                    << (c.added ? " added" : " redefined") << "\n";
        }
      }
    }
    if (!s.notes.empty()) {
      std::cout << "  notes:";
      for (const auto& note : s.notes) {
        std::cout << " " << note;
      }
      std::cout << "\n";
    }
  }
}

int RunVerify(const VerifyArgs& args) {
  TimePoint at = SystemClock().Now();
  if (!args.at.empty()) {
    auto parsed = ParseAt(args.at);
    if (!parsed) {
      Log(LogLevel::kError, "verify.bad_time", "at=" + args.at);
      std::cerr << "arkivvakt verify: --at must be YYYY-MM-DD[Thh:mm[:ss]][Z|+hh:mm]\n";
      return kExitError;
    }
    at = *parsed;
  }
  signing::TrustStoreOptions trust_options;
  trust_options.anchors.assign(args.trust.begin(), args.trust.end());
  trust_options.untrusted.assign(args.untrusted.begin(), args.untrusted.end());
  trust_options.crls.assign(args.crls.begin(), args.crls.end());
  auto trust = signing::TrustStore::Load(trust_options);
  if (!trust.ok()) {
    Log(LogLevel::kError, "verify.trust", trust.error().message);
    std::cerr << "arkivvakt verify: " << trust.error().message << "\n";
    return kExitError;
  }
  signing::Verifier verifier(std::make_shared<const signing::TrustStore>(std::move(*trust)));
  std::optional<std::filesystem::path> content;
  if (!args.content.empty()) {
    content = args.content;
  }
  auto report = verifier.VerifyFile(args.file, content, at);
  if (!report.ok()) {
    Log(LogLevel::kError, "verify.input", report.error().message);
    std::cerr << "arkivvakt verify: " << report.error().message << "\n";
    return kExitError;
  }
  const signing::Indication overall = report->Overall();
  if (args.format == "json") {
    boost::json::object o;
    o["file"] = args.file;
    o["kind"] = signing::DocumentKindName(report->kind);
    o["validation_time"] = FormatTime(report->validation_time);
    o["validation_time_source"] = args.at.empty() ? "current-time" : "given";
    o["indication"] = signing::IndicationName(overall);
    boost::json::array sigs;
    for (const auto& s : report->signatures) {
      sigs.push_back(SignatureJson(s));
    }
    o["signatures"] = std::move(sigs);
    std::cout << boost::json::serialize(o) << "\n";
  } else {
    PrintText(args.file, *report, !args.at.empty());
  }
  Log(LogLevel::kInfo, "verify.done",
      "indication=" + std::string(signing::IndicationName(overall)) +
          " signatures=" + std::to_string(report->signatures.size()));
  return overall == signing::Indication::kTotalPassed ? kExitOk : kExitFindings;
}

}  // namespace

void RegisterVerifyCommand(CLI::App& app, CommandRunner& runner) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Verify the electronic signatures of one file (XAdES/XML-DSig, CMS/CAdES, PDF)");
  cmd->add_option("FILE", args->file, "The signed file: XML, PDF, or CMS (.p7s, DER or PEM)")
      ->required();
  cmd->add_option("--content", args->content, "The signed data of a detached CMS signature");
  cmd->add_option("--trust", args->trust, "Trusted CA certificates (PEM/DER files or directories)")
      ->required();
  cmd->add_option("--untrusted", args->untrusted, "Intermediate certificates for path building");
  cmd->add_option("--crl", args->crls, "CRL files (PEM or DER)");
  cmd->add_option("--at", args->at,
                  "Validation time, e.g. 2026-03-15T00:00:00Z (default: the current time)");
  cmd->add_option("--format", args->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([args, &runner] { runner = [args] { return RunVerify(*args); }; });
}

}  // namespace arkivvakt::daemon
