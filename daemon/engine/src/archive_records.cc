#include "engine/archive_records.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "common/sha256.h"
#include "noark5/arkivstruktur.h"
#include "noark5/journals.h"
#include "noark5/xml_stream.h"

namespace arkivvakt::engine {

namespace {

using noark5::Entity;
using noark5::EntityContext;
using noark5::EntityKind;

// xs:dateTime with an optional offset; without one, UTC.
std::optional<checks::Timestamp> ParseXsDateTime(std::string_view s) {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0, se = 0;
  int consumed = 0;
  const std::string text(s.substr(0, 64));
  if (std::sscanf(text.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &se,
                  &consumed) != 6) {
    if (std::sscanf(text.c_str(), "%4d-%2u-%2u%n", &y, &mo, &d, &consumed) != 3) {
      return std::nullopt;
    }
    h = mi = se = 0;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mo},
                                        std::chrono::day{d}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  auto t = std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
           std::chrono::seconds{se};
  std::string_view rest = std::string_view(text).substr(static_cast<std::size_t>(consumed));
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      rest.remove_prefix(1);
    }
  }
  if (rest.size() >= 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    const int oh = (rest[1] - '0') * 10 + (rest[2] - '0');
    const int om = (rest[4] - '0') * 10 + (rest[5] - '0');
    const auto offset = std::chrono::hours{oh} + std::chrono::minutes{om};
    t = rest[0] == '+' ? t - offset : t + offset;
  }
  return checks::Timestamp{std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())};
}

class RecordCollector final : public noark5::ArkivstrukturHandler {
 public:
  explicit RecordCollector(std::vector<checks::ArchiveRecord>& out) : out_(out) {}

  void OnEntity(const Entity& e, const EntityContext& ctx) override {
    switch (e.kind) {
      case EntityKind::kDokumentobjekt:
        OnObject(e, ctx);
        break;
      case EntityKind::kDokumentbeskrivelse:
        OnDescription(e, ctx);
        break;
      case EntityKind::kRegistrering:
        OnRegistration(e);
        break;
      default:
        break;
    }
  }

 private:
  struct Object {
    std::string system_id, file, checksum, claim, fingerprint_input;
    std::optional<std::uint64_t> size;
    bool archival = false;
  };

  static std::string FieldsText(const Entity& e) {
    std::string s;
    for (const noark5::Field& f : e.fields) {
      s += f.path;
      s += '=';
      s += f.value;
      s += '\n';
    }
    return s;
  }

  void OnObject(const Entity& e, const EntityContext& ctx) {
    const Entity* parent = ctx.parent();
    if (parent == nullptr || parent->kind != EntityKind::kDokumentbeskrivelse) {
      return;
    }
    const bool archival = e.Get("variantformat") == "Arkivformat";
    if (object_.has_value() && (object_->archival || !archival)) {
      return;  // keep the first archival variant (or the first object)
    }
    Object o;
    o.system_id = std::string(e.Get("systemID"));
    o.file = std::string(e.Get("referanseDokumentfil"));
    for (char& c : o.file) {
      if (c == '\\') {
        c = '/';
      }
    }
    o.checksum = std::string(e.Get("sjekksum"));
    o.claim = std::string(e.Get("elektroniskSignatur/elektroniskSignaturVerifisert"));
    const std::string_view size = e.Get("filstoerrelse");
    if (!size.empty()) {
      std::uint64_t v = 0;
      bool ok = true;
      for (char c : size) {
        if (c < '0' || c > '9' || v > (UINT64_MAX - 9) / 10) {
          ok = false;
          break;
        }
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
      }
      if (ok) {
        o.size = v;
      }
    }
    o.archival = archival;
    o.fingerprint_input = FieldsText(e);
    object_ = std::move(o);
  }

  void OnDescription(const Entity& e, const EntityContext& ctx) {
    checks::ArchiveRecord r;
    r.system_id = std::string(e.Get("systemID"));
    r.document_number = std::string(e.Get("dokumentnummer"));
    r.document_status = CompactString::Shared(e.Get("dokumentstatus"));
    r.line = e.line;
    for (auto it = ctx.ancestors.rbegin(); it != ctx.ancestors.rend(); ++it) {
      if ((*it)->kind == EntityKind::kMappe) {
        r.case_id = std::string((*it)->Get("mappeID"));
        break;
      }
    }
    if (ctx.screening.present) {
      r.restriction = CompactString::Shared(ctx.screening.tilgangsrestriksjon);
    }
    std::string fingerprint = FieldsText(e);
    if (object_.has_value()) {
      r.object_id = std::move(object_->system_id);
      r.file = std::move(object_->file);
      r.checksum = std::move(object_->checksum);
      r.size = object_->size;
      r.signature_claim = CompactString::Shared(object_->claim);
      fingerprint += "--\n";
      fingerprint += object_->fingerprint_input;
    }
    if (r.signature_claim.empty()) {
      r.signature_claim =
          CompactString::Shared(e.Get("elektroniskSignatur/elektroniskSignaturVerifisert"));
    }
    object_.reset();
    Sha256 h;
    h.Update(fingerprint);
    r.metadata_fingerprint = h.FinishHex();
    pending_.push_back(std::move(r));
  }

  void OnRegistration(const Entity& e) {
    std::string_view entry = e.Get("registreringsID");
    if (entry.empty()) {
      entry = e.Get("journalpostnummer");
    }
    const std::string_view status = e.Get("journalstatus");
    const auto archived = ParseXsDateTime(e.Get("arkivertDato"));
    const std::string_view claim = e.Get("elektroniskSignatur/elektroniskSignaturVerifisert");
    for (checks::ArchiveRecord& r : pending_) {
      r.registry_entry_id = std::string(entry);
      r.journal_status = CompactString::Shared(status);
      r.archived_at = archived;
      if (r.signature_claim.empty()) {
        r.signature_claim = CompactString::Shared(claim);
      }
      out_.push_back(std::move(r));
    }
    pending_.clear();
    object_.reset();
  }

  std::vector<checks::ArchiveRecord>& out_;
  std::vector<checks::ArchiveRecord> pending_;  // of the registrering being read
  std::optional<Object> object_;                // of the dokumentbeskrivelse being read
};

}  // namespace

Result<std::vector<checks::ArchiveRecord>> ReadArchiveRecords(
    const std::filesystem::path& extraction_dir) {
  // libxml2 parses on a thread of its own while this one builds the records: the archive phase
  // of a cycle is the only large work in flight once the case system has been read.
  auto stream = noark5::XmlStream::Open(extraction_dir / "arkivstruktur.xml", "arkivstruktur.xml",
                                        noark5::XmlStream::ReadAhead::kOnItsOwnThread);
  if (!stream.ok()) {
    return stream.error();
  }
  std::vector<checks::ArchiveRecord> records;
  RecordCollector collector(records);
  auto summary = noark5::ReadArkivstruktur(**stream, collector);
  if (!summary.ok()) {
    return summary.error();
  }
  return records;
}

Status ReadChangeLog(const std::filesystem::path& extraction_dir,
                     const std::function<void(const checks::LoggedChange&)>& on_change) {
  auto stream = noark5::XmlStream::Open(extraction_dir / "endringslogg.xml", "endringslogg.xml");
  if (!stream.ok()) {
    return stream.error();
  }
  auto read = noark5::ReadEndringslogg(**stream, [&](const noark5::EndringsloggEntry& e) {
    on_change(
        {e.referanse_arkivenhet, e.referanse_metadata, ParseXsDateTime(e.endret_dato), e.line});
  });
  if (!read.ok()) {
    return read.error();
  }
  return {};
}

}  // namespace arkivvakt::engine
