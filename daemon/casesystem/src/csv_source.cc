#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "casesystem/csv_reader.h"
#include "casesystem/source.h"
#include "common/file_identity.h"

namespace arkivvakt::casesystem {

namespace {

class CsvSource final : public CaseSystemSource {
 public:
  explicit CsvSource(std::filesystem::path dir) : dir_(std::move(dir)) {}

  Result<ReadStats> ReadDocuments(std::optional<checks::Timestamp> updated_after,
                                  const DocumentCallback& on_document,
                                  const FindingCallback& on_finding) override {
    return ReadCaseDocumentsFile(dir_, updated_after, on_document, on_finding);
  }

  Result<ReadStats> ReadEvents(std::optional<checks::Timestamp> updated_after,
                               const EventCallback& on_event,
                               const FindingCallback& on_finding) override {
    return ReadCaseEventsFile(dir_, updated_after, on_event, on_finding);
  }

  std::string Describe() const override { return "csv:" + dir_.string(); }

  std::optional<std::string> Identity() const override {
    auto documents = FileIdentity(dir_ / "case_documents.csv");
    auto events = FileIdentity(dir_ / "case_events.csv");
    if (!documents.has_value() || !events.has_value()) {
      return std::nullopt;
    }
    return *documents + "/" + *events;
  }

  bool DeltaReportsEveryBadRow() const override { return true; }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::unique_ptr<CaseSystemSource> MakeCsvSource(std::filesystem::path export_dir) {
  return std::make_unique<CsvSource>(std::move(export_dir));
}

}  // namespace arkivvakt::casesystem
