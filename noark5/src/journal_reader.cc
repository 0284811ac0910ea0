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

Result<JournalSummary> ReadJournal(XmlStream& stream) {
  JournalSummary summary;
  bool in_header = false;
  auto status = WalkLeaves(
      stream,
      [&](const std::string& name, std::uint64_t, std::size_t depth) {
        if (depth == 0) {
          summary.root = name;
        } else if (depth == 1) {
          in_header = name == "journalhode";
          if (name == "journalregistrering") {
            ++summary.registreringer;
          }
        }
      },
      [&](const std::string& name, std::string value, std::uint64_t, std::size_t depth) {
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
