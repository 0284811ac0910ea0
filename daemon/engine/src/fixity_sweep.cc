#include "engine/fixity_sweep.h"

#include <string>

#include "common/contained_dir.h"
#include "common/sha256.h"
#include "common/text.h"
#include "noark5/catalogue.h"

namespace arkivvakt::engine {

SweepResult SweepFixity(const std::filesystem::path& extraction_dir,
                        std::span<const checks::ArchiveRecord> records, SweepCursor& cursor,
                        std::uint64_t byte_budget) {
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
    if (out.files > 0 && out.bytes >= byte_budget) {
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
