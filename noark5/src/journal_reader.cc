#include <charconv>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "noark5/journals.h"

namespace arkivvakt::noark5 {

namespace {

// Walks a file and hands every leaf element (name, trimmed text, line, depth) and every start
// tag to the callbacks. Only the open-element path is kept in memory.
template <class OnStart, class OnLeaf>
Status WalkLeaves(XmlStream& stream, OnStart&& on_start, OnLeaf&& on_leaf) {
  struct Open {
    std::string name;
    std::string text;
    std::uint64_t line;
    bool has_child;
  };

  std::vector<Open> open;
  for (;;) {
    switch (stream.Next()) {
      case XmlStream::Event::kStart:
        if (!open.empty()) {
          open.back().has_child = true;
        }
        open.push_back({std::string(stream.local_name()), {}, stream.line(), false});
        on_start(open.back().name, open.back().line, open.size() - 1);
        break;
      case XmlStream::Event::kText:
        if (!open.empty() && open.back().text.size() < (1u << 20)) {
          open.back().text.append(stream.text());
        }
        break;
      case XmlStream::Event::kEnd:
        if (!open.empty()) {
          if (!open.back().has_child) {
            on_leaf(open.back().name, std::string(TrimAsciiSpace(open.back().text)),
                    open.back().line, open.size() - 1);
          }
          open.pop_back();
        }
        break;
      case XmlStream::Event::kEndOfDocument:
        return {};
      case XmlStream::Event::kError:
        return stream.error();
    }
  }
}

}  // namespace

Result<std::uint64_t> ReadEndringslogg(
    XmlStream& stream, const std::function<void(const EndringsloggEntry&)>& on_entry) {
  std::uint64_t count = 0;
  EndringsloggEntry current;
  bool in_entry = false;
  bool root_checked = false;
  Status root_status;
  auto flush = [&] {
    if (in_entry) {
      on_entry(current);
      in_entry = false;
    }
  };
  auto status = WalkLeaves(
      stream,
      [&](const std::string& name, std::uint64_t line, std::size_t depth) {
        if (depth == 0 && !root_checked) {
          root_checked = true;
          if (name != "endringslogg") {
            root_status = MakeError(ErrorCode::kParse,
                                    stream.display_name() + ": root element is not endringslogg");
          }
        }
        if (depth == 1 && name == "endring") {
          flush();
          ++count;
          current = EndringsloggEntry{};
          current.line = line;
          in_entry = true;
        }
      },
      [&](const std::string& name, std::string value, std::uint64_t, std::size_t depth) {
        if (in_entry && depth == 2) {
          if (name == "referanseArkivenhet") {
            current.referanse_arkivenhet = std::move(value);
          } else if (name == "referanseMetadata") {
            current.referanse_metadata = std::move(value);
          } else if (name == "endretDato") {
            current.endret_dato = std::move(value);
          }
        }
      });
  flush();
  if (!status.ok()) {
    return status.error();
  }
  if (!root_status.ok()) {
    return root_status.error();
  }
  return count;
}

Result<JournalSummary> ReadJournal(
    XmlStream& stream, const std::function<void(const JournalPostScreening&)>& on_post) {
  JournalSummary summary;
  bool in_header = false;
  // Depths: root 0, journalregistrering 1, saksmappe/journalpost 2, their fields 3, fields of a
  // korrespondansepart 4.
  JournalPostScreening post;
  bool in_post = false;
  bool in_saksmappe = false;
  bool saksmappe_restricted = false;
  const auto hash = [](std::string_view v) -> std::uint64_t {
    return v.empty() ? 0 : std::hash<std::string_view>{}(v) | 1;
  };
  const auto flush_post = [&] {
    if (in_post && on_post) {
      post.restricted = post.restricted || saksmappe_restricted;
      on_post(post);
    }
    in_post = false;
  };
  auto status = WalkLeaves(
      stream,
      [&](const std::string& name, std::uint64_t line, std::size_t depth) {
        if (depth == 0) {
          summary.root = name;
        } else if (depth == 1) {
          flush_post();
          in_header = name == "journalhode";
          saksmappe_restricted = false;
          if (name == "journalregistrering") {
            ++summary.registreringer;
          }
        } else if (depth == 2 && !in_header) {
          flush_post();
          in_saksmappe = name == "saksmappe";
          if (name == "journalpost") {
            post = JournalPostScreening{};
            post.line = line;
            in_post = true;
          }
        }
      },
      [&](const std::string& name, std::string value, std::uint64_t, std::size_t depth) {
        if (in_post && depth >= 3) {
          if (depth == 3 && name == "systemID") {
            post.system_id = value;
          } else if (depth == 3 && name == "tittel") {
            post.title_hash = hash(value);
          } else if (depth == 3 && name == "offentligTittel") {
            post.public_title_hash = hash(value);
          } else if (depth == 3 && name == "tilgangsrestriksjon" && !value.empty()) {
            post.restricted = true;
          } else if (name == "skjermingMetadata") {
            post.screens_title = post.screens_title || value == "tittel";
            post.screens_party = post.screens_party || value == "korrespondansepartNavn";
          } else if (depth == 4 && name == "korrespondansepartNavn" &&
                     value.find_first_not_of('*') != std::string::npos) {
            post.unmasked_party_name = true;
          }
        } else if (in_saksmappe && depth == 3 && name == "tilgangsrestriksjon" && !value.empty()) {
          saksmappe_restricted = true;
        }
        if (in_header && depth == 2) {
          if (name == "journalStartDato") {
            summary.journal_start_dato = std::move(value);
          } else if (name == "journalSluttDato") {
            summary.journal_slutt_dato = std::move(value);
          } else if (name == "antallJournalposter") {
            std::uint64_t v = 0;
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec == std::errc() && ptr == value.data() + value.size() && !value.empty()) {
              summary.antall_journalposter = v;
            }
          }
        } else if (!in_header && name == "journaldato" && !value.empty()) {
          if (summary.min_journaldato.empty() || value < summary.min_journaldato) {
            summary.min_journaldato = value;
          }
          if (summary.max_journaldato.empty() || value > summary.max_journaldato) {
            summary.max_journaldato = value;
          }
        }
      });
  flush_post();
  if (!status.ok()) {
    return status.error();
  }
  if (summary.root != "loependeJournal" && summary.root != "offentligJournal") {
    return MakeError(
        ErrorCode::kParse,
        stream.display_name() + ": root element is not loependeJournal or offentligJournal");
  }
  return summary;
}

}  // namespace arkivvakt::noark5
