// The persisted archive index (engine/archive_index.h): a cycle in a new process over an unchanged
// extraction reads the index instead of arkivstruktur.xml and finds exactly the same; a changed
// arkivstruktur.xml, a corrupted, truncated or foreign index is never read as records.
#include "engine/archive_index.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "casesystem/source.h"
#include "checks/rule_pack.h"
#include "common/clock.h"
#include "demo/municipality.h"
#include "engine/archive_records.h"
#include "engine/cycle.h"
#include "store/store.h"
#include "support/test_paths.h"

namespace arkivvakt::engine {
namespace {

using arkivvakt::testing::TempDir;
using demo::GenerateMunicipality;
using demo::Municipality;
using demo::MunicipalityOptions;

std::vector<std::string> Keys(const std::vector<Finding>& findings) {
  std::vector<std::string> keys;
  for (const Finding& f : findings) {
    keys.push_back(f.check + "|" + f.subject.archive_system_id + "|" + f.subject.case_document_id +
                   "|" + f.subject.file + "|" + f.message);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

bool SameRecord(const checks::ArchiveRecord& a, const checks::ArchiveRecord& b) {
  return a.system_id == b.system_id && a.case_id == b.case_id &&
         a.registry_entry_id == b.registry_entry_id && a.document_number == b.document_number &&
         a.journal_status == b.journal_status && a.document_status == b.document_status &&
         a.checksum == b.checksum && a.size == b.size && a.archived_at == b.archived_at &&
         a.object_id == b.object_id && a.file == b.file && a.restriction == b.restriction &&
         a.signature_claim == b.signature_claim &&
         a.metadata_fingerprint == b.metadata_fingerprint && a.line == b.line;
}

class ArchiveIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MunicipalityOptions o;
    o.dir = dir_.path() / "demo";
    o.mapper = 30;
    o.metadata_only = true;
    auto made = GenerateMunicipality(o);
    ASSERT_TRUE(made.ok()) << made.error().message;
    m_ = std::move(*made);
    index_ = dir_.path() / "archive-index.bin";
    auto identity = ArchiveCache::IdentityOf(m_.archive_dir);
    ASSERT_TRUE(identity.has_value());
    identity_ = *identity;
  }

  TempDir dir_;
  Municipality m_;
  std::filesystem::path index_;
  std::string identity_;
};

TEST_F(ArchiveIndexTest, RoundTripsEveryFieldOfEveryRecord) {
  auto parsed = ReadArchiveRecords(m_.archive_dir);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_GT(parsed->size(), 50u);
  // Some optional fields absent, some present: both ways through the format.
  (*parsed)[0].size.reset();
  (*parsed)[1].archived_at.reset();
  (*parsed)[2].signature_claim = "Signatur påført og verifisert";
  // Checksums each way the format keeps them: upper-case hex, kept as written, absent.
  std::string upper = (*parsed)[4].checksum.str();
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  (*parsed)[3].checksum = upper;
  ASSERT_TRUE((*parsed)[3].checksum.packed() && (*parsed)[3].checksum.upper_case());
  (*parsed)[5].checksum = " sha256:" + (*parsed)[5].checksum.str();
  (*parsed)[6].metadata_fingerprint = Sha256Text();
  ASSERT_TRUE(SaveArchiveIndex(index_, identity_, *parsed).ok());
  std::string why;
  auto loaded = LoadArchiveIndex(index_, identity_, &why);
  ASSERT_TRUE(loaded.has_value()) << why;
  ASSERT_EQ(loaded->size(), parsed->size());
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    EXPECT_TRUE(SameRecord((*loaded)[i], (*parsed)[i])) << "record " << i;
  }
}

TEST_F(ArchiveIndexTest, ACycleFromTheIndexFindsExactlyWhatAParseFinds) {
  auto rules = checks::RuleSet::Load({"no-helse-omsorg"}, checks::DefaultPackDirs());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  CycleOptions options;
  options.archive_dir = m_.archive_dir;
  options.validate_extraction = false;
  options.rules = *rules;
  options.archive_index = index_;
  SystemClock clock;
  store::StoreOptions so;
  so.sqlite.path = dir_.path() / "state.db";
  auto store = store::Store::Open(so, clock);
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto source = casesystem::MakeCsvSource(m_.casesystem_dir);

  auto first = RunCycle(options, *source, store->get(), m_.now);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->archive_from_index);
  EXPECT_EQ(first->archive_index_error, "");
  ASSERT_TRUE(std::filesystem::exists(index_));

  auto second = RunCycle(options, *source, store->get(), m_.now);  // a new process would do this
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->archive_from_index) << second->archive_index_note;
  EXPECT_EQ(second->archive_records, first->archive_records);
  EXPECT_EQ(Keys(second->findings), Keys(first->findings));
  EXPECT_FALSE(second->findings.empty());
}

TEST_F(ArchiveIndexTest, AChangedArkivstrukturMakesTheIndexStale) {
  auto parsed = ReadArchiveRecords(m_.archive_dir);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(SaveArchiveIndex(index_, identity_, *parsed).ok());
  // The same bytes with another mtime (and so a new ctime) is a new identity.
  const auto xml = m_.archive_dir / "arkivstruktur.xml";
  std::filesystem::last_write_time(xml,
                                   std::filesystem::last_write_time(xml) + std::chrono::seconds(5));
  auto identity = ArchiveCache::IdentityOf(m_.archive_dir);
  ASSERT_TRUE(identity.has_value());
  ASSERT_NE(*identity, identity_);
  std::string why;
  EXPECT_FALSE(LoadArchiveIndex(index_, *identity, &why).has_value());
  EXPECT_NE(why.find("changed"), std::string::npos) << why;
}

TEST_F(ArchiveIndexTest, CorruptTruncatedOrForeignIndexesAreNeverRead) {
  auto parsed = ReadArchiveRecords(m_.archive_dir);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(SaveArchiveIndex(index_, identity_, *parsed).ok());
  std::string bytes;
  {
    std::ifstream in(index_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto write = [&](const std::string& b) {
    std::ofstream out(index_, std::ios::binary | std::ios::trunc);
    out << b;
  };
  std::string why;

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x01;  // one bit inside a record
  write(flipped);
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value());
  EXPECT_NE(why.find(index_.string()), std::string::npos) << why;

  write(bytes.substr(0, bytes.size() - 10));
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value()) << "truncated";

  write(bytes + "x");
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value()) << "trailing bytes";

  write("<?xml version=\"1.0\"?><arkiv/>");
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value());
  EXPECT_NE(why.find("not an archive index"), std::string::npos) << why;

  std::string huge = bytes;  // a record count far beyond the file's contents
  write(huge.substr(0, 24 + 4 + 4 + identity_.size()) + std::string(8, '\xff'));
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value());

  write(bytes);
  EXPECT_TRUE(LoadArchiveIndex(index_, identity_, &why).has_value()) << why;
  std::filesystem::remove(index_);
  EXPECT_FALSE(LoadArchiveIndex(index_, identity_, &why).has_value());
  EXPECT_NE(why.find("none yet"), std::string::npos) << why;
}

}  // namespace
}  // namespace arkivvakt::engine
