#include "engine/fixity_sweep.h"

#include <algorithm>
#include <string>

#include "common/contained_dir.h"
#include "common/sha256.h"
#include "common/text.h"
#include "noark5/catalogue.h"

namespace arkivvakt::engine {

namespace {

__extension__ using Wide = unsigned __int128;

std::uint64_t Saturated(Wide v) {
  return v > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

// ceil(total x period / full_sweep), period <= full_sweep.
std::uint64_t Share(std::uint64_t total, std::uint64_t period, std::uint64_t full_sweep) {
  const Wide product = Wide{total} * period;
  return Saturated((product + full_sweep - 1) / full_sweep);
}

}  // namespace

SweepSlice PlanSweepSlice(const FixitySweepBudget& budget, std::uint64_t archive_bytes,
                          std::uint64_t archive_files) {
  SweepSlice s;
  s.archive_bytes = archive_bytes;
  s.archive_files = archive_files;
  const std::uint64_t period =
      static_cast<std::uint64_t>(std::max<std::int64_t>(1, budget.period.count()));
  s.configured_bytes = Saturated(Wide{budget.bytes_per_second} * period);
  if (budget.full_sweep.count() > 0) {
    const auto full = static_cast<std::uint64_t>(budget.full_sweep.count());
    const std::uint64_t share_of = std::min(period, full);
    s.required_bytes = Share(archive_bytes, share_of, full);
    s.files = Share(archive_files, share_of, full);
  }
  s.rate_raised = s.required_bytes > s.configured_bytes;
  s.bytes = std::max(s.configured_bytes, s.required_bytes);
  s.bytes_per_second = s.bytes / period + (s.bytes % period != 0 ? 1 : 0);
  return s;
}

std::pair<std::uint64_t, std::uint64_t> SweptFilesAndBytes(
    std::span<const checks::ArchiveRecord> records) {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  for (const checks::ArchiveRecord& r : records) {
    if (!r.file.empty()) {
      ++files;
      const std::uint64_t size = r.size.value_or(0);
      bytes = UINT64_MAX - bytes < size ? UINT64_MAX : bytes + size;
    }
  }
  return {files, bytes};
}

SweepResult SweepFixity(const std::filesystem::path& extraction_dir,
                        std::span<const checks::ArchiveRecord> records, SweepCursor& cursor,
                        std::uint64_t byte_budget, std::uint64_t min_files) {
  SweepResult out;
  if (records.empty()) {
    return out;
  }
  // Opened once per sweep: each file is then one openat2 beneath it (common/contained_dir.h).
  auto root = ContainedDir::Open(extraction_dir);
  FileHasher& hasher = FileHasher::ForThisThread();
  for (std::size_t visited = 0; visited < records.size(); ++visited) {
    if (cursor.next >= records.size()) {
      cursor.next = 0;
      ++cursor.passes;
    }
    if (out.files > 0 && out.bytes >= byte_budget && out.examined.size() >= min_files) {
      break;
    }
    const checks::ArchiveRecord& r = records[cursor.next++];
    if (r.file.empty()) {
      continue;
    }
    Subject subject;
    subject.archive_system_id = r.object_id;
    subject.file = r.file;
    out.examined.push_back(subject);
    const auto make = [&](std::string_view check, Severity severity, std::string message) {
      Finding f;
      f.check = std::string(check);
      f.severity = severity;
      f.subject = subject;
      f.message = std::move(message);
      return f;
    };
    ContainedDir::Opened opened;
    if (root.ok()) {
      opened = root->OpenFile(r.file.view());
    }  // else: the extraction itself is gone, so every file is missing
    if (opened.outcome == ContainedDir::Outcome::kOutside) {
      out.findings.push_back(make(noark5::check_id::kFixMissingFile, Severity::kCritical,
                                  "referenced document file is outside the extraction"));
      continue;
    }
    ++out.files;
    Result<FileDigest> digest = MakeError(ErrorCode::kNotFound, "");
    if (opened.outcome == ContainedDir::Outcome::kOpened) {
      digest = hasher.HashOpen(opened.fd.get(), r.file.view());
    } else if (opened.outcome != ContainedDir::Outcome::kNotFound) {
      digest = MakeError(ErrorCode::kIo, "");
    }
    if (!digest.ok()) {
      out.findings.push_back(make(noark5::check_id::kFixMissingFile, Severity::kCritical,
                                  digest.error().code == ErrorCode::kNotFound
                                      ? "referenced document file does not exist"
                                      : "document file cannot be read"));
      continue;
    }
    out.bytes += digest->size;
    if (r.size.has_value() && *r.size != digest->size) {
      out.findings.push_back(
          make(noark5::check_id::kFixSize, Severity::kHigh, "file size differs from filstoerrelse")
              .AddFact("expected", std::to_string(*r.size))
              .AddFact("actual", std::to_string(digest->size)));
    }
    // Only SHA-256 values (64 hex digits) are compared; other algorithms are FIX-ALGORITHM's.
    const Sha256Text::Spelled declared_text = r.checksum.Text();
    const std::string_view declared = TrimAsciiSpace(declared_text.view());
    if (declared.size() == 64 && !EqualsIgnoreAsciiCase(declared, digest->sha256_hex)) {
      out.findings.push_back(make(noark5::check_id::kFixChecksum, Severity::kCritical,
                                  "SHA-256 of the document file differs from sjekksum")
                                 .AddFact("expected", AsciiLower(declared))
                                 .AddFact("actual", digest->sha256_hex));
    }
  }
  return out;
}

}  // namespace arkivvakt::engine
