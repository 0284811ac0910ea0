#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "casesystem/pg_util.h"
#include "casesystem/row_decoder.h"
#include "casesystem/source.h"

namespace arkivvakt::casesystem {

namespace {

using checks::Timestamp;

bool Newer(Timestamp t, const std::optional<Timestamp>& watermark) {
  return !watermark.has_value() || t > *watermark;
}

// What one relation's read needs besides the query.
struct Relation {
  std::string_view what;              // "documents query": names the query in errors
  std::string_view file;              // subject.file of REC-BAD-ROW findings
  std::string_view watermark_column;  // filtered on by the server
};

constexpr Relation kDocuments{"documents query", "postgresql:case_documents", "updated_at"};
constexpr Relation kEvents{"events query", "postgresql:case_events", "at"};

class PostgresSource final : public CaseSystemSource {
 public:
  explicit PostgresSource(PostgresSourceOptions options) : options_(std::move(options)) {}

  Result<ReadStats> ReadDocuments(std::optional<Timestamp> updated_after,
                                  const DocumentCallback& on_document,
                                  const FindingCallback& on_finding) override {
    auto decode = [&](const DocumentCells& cells, ColumnProblems* problems) {
      checks::CaseDocument d = DecodeDocument(cells, problems);
      if (!problems->empty() || !Newer(d.updated_at, updated_after)) {
        return false;
      }
      on_document(std::move(d));
      return true;
    };
    return Read(kDocuments, options_.documents_query, checks::kCaseDocumentColumns, updated_after,
                decode, on_finding);
  }

  Result<ReadStats> ReadEvents(std::optional<Timestamp> updated_after,
                               const EventCallback& on_event,
                               const FindingCallback& on_finding) override {
    auto decode = [&](const EventCells& cells, ColumnProblems* problems) {
      checks::CaseEvent e = DecodeEvent(cells, problems);
      if (!problems->empty() || !Newer(e.at, updated_after)) {
        return false;
      }
      on_event(std::move(e));
      return true;
    };
    return Read(kEvents, options_.events_query, checks::kCaseEventColumns, updated_after, decode,
                on_finding);
  }

  std::string Describe() const override {
    return "postgresql:" + pg::DescribeConninfo(options_.conninfo);
  }

 private:
  // One read on the connection the last read left open, or on a new one. A kept connection the
  // server has dropped since (a restart, an idle timeout) fails before any row arrives: the read
  // is then made once more on a new connection. After any failure the connection is closed.
  template <std::size_t N, class Decode>
  Result<ReadStats> Read(const Relation& relation, const std::string& query,
                         const std::array<checks::CaseColumn, N>& contract,
                         std::optional<Timestamp> watermark, Decode decode,
                         const FindingCallback& on_finding) {
    for (int attempt = 0;; ++attempt) {
      const bool kept = conn_ != nullptr;
      if (!kept) {
        auto conn =
            pg::Connect(options_.conninfo, options_.statement_timeout_ms, /*read_only=*/true);
        if (!conn.ok()) {
          return MakeError(conn.error().code,
                           std::string(relation.what) + ": " + conn.error().message);
        }
        conn_ = std::move(*conn);
      }
      bool any_row = false;
      auto read =
          ReadOn(conn_.get(), relation, query, contract, watermark, decode, on_finding, &any_row);
      if (read.ok()) {
        return read;
      }
      conn_.reset();
      if (!kept || any_row || attempt > 0 || read.error().code != ErrorCode::kIo) {
        return read;
      }
    }
  }

  // One query, streamed in single-row mode: each row is decoded and delivered (or reported)
  // before the next is received, so the client holds one row at a time. `*any_row`: a row
  // arrived (the read cannot be made again without delivering it twice).
  template <std::size_t N, class Decode>
  Result<ReadStats> ReadOn(PGconn* c, const Relation& relation, const std::string& query,
                           const std::array<checks::CaseColumn, N>& contract,
                           std::optional<Timestamp> watermark, Decode decode,
                           const FindingCallback& on_finding, bool* any_row) {
    const std::string& conninfo = options_.conninfo;

    // With a watermark the server filters; rows whose watermark column is NULL are bad rows
    // and are read again every time, as the CSV reader reports bad rows whatever the watermark.
    // A trailing semicolon would end the subquery below; the query is one statement anyway.
    std::string_view body = query;
    while (!body.empty() && (body.back() == ';' || body.back() == ' ' || body.back() == '\n' ||
                             body.back() == '\t' || body.back() == '\r')) {
      body.remove_suffix(1);
    }
    std::string sql(body);
    std::string param;
    const char* values[1] = {nullptr};
    int n_params = 0;
    if (watermark.has_value()) {
      const std::string col = "q." + std::string(relation.watermark_column);
      sql = "SELECT * FROM (" + std::string(body) + ") AS q WHERE " + col + " > $1 OR " + col +
            " IS NULL";
      param = pg::FormatUtc(*watermark);
      values[0] = param.c_str();
      n_params = 1;
    }
    if (PQsendQueryParams(c, sql.c_str(), n_params, nullptr, values, nullptr, nullptr, 0) != 1) {
      return pg::ResultError(c, nullptr, relation.what, conninfo);
    }
    if (PQsetSingleRowMode(c) != 1) {
      pg::Cancel(c);
      return MakeError(ErrorCode::kInternal,
                       std::string(relation.what) + ": libpq refused single-row mode");
    }

    ReadStats stats;
    std::optional<std::vector<std::optional<std::size_t>>> index;
    std::array<std::string_view, N> cells{};
    ColumnProblems problems;
    while (true) {
      pg::ResultPtr r(PQgetResult(c));
      if (r == nullptr) {
        break;
      }
      const ExecStatusType status = PQresultStatus(r.get());
      if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK) {
        Error e = pg::ResultError(c, r.get(), relation.what, conninfo);
        pg::Cancel(c);
        return e;
      }
      if (!index.has_value()) {
        const int n = PQnfields(r.get());
        std::vector<std::string_view> names;
        names.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
          names.emplace_back(PQfname(r.get(), i));
        }
        auto mapped = MapColumns(contract, names, relation.what, "the query's result");
        if (!mapped.ok()) {
          pg::Cancel(c);
          return mapped.error();
        }
        index = std::move(*mapped);
      }
      if (status == PGRES_TUPLES_OK) {
        continue;  // the end of the rows; PQgetResult returns null next
      }
      *any_row = true;
      ++stats.rows;
      for (std::size_t col = 0; col < N; ++col) {
        const auto& i = (*index)[col];
        if (!i.has_value() || PQgetisnull(r.get(), 0, static_cast<int>(*i)) != 0) {
          cells[col] = std::string_view();
          continue;
        }
        const int field = static_cast<int>(*i);
        cells[col] = std::string_view(PQgetvalue(r.get(), 0, field),
                                      static_cast<std::size_t>(PQgetlength(r.get(), 0, field)));
      }
      problems.clear();
      const bool delivered = decode(cells, &problems);
      if (!problems.empty()) {
        ++stats.bad_rows;
        // Named by its document_id when it has one: its position in this result is not stable
        // (the server's row order changes after UPDATEs), the id is.
        const std::string_view id = BadRowDocumentId(cells);
        on_finding(BadRowFinding(relation.file, "row", id.empty() ? stats.rows : 0, problems, id));
      } else if (delivered) {
        ++stats.delivered;
      } else {
        ++stats.skipped_old;
      }
    }
    return stats;
  }

  PostgresSourceOptions options_;
  pg::Conn conn_;  // kept between reads (a cycle makes two; the daemon one pair per cycle)
};

}  // namespace

std::unique_ptr<CaseSystemSource> MakePostgresSource(PostgresSourceOptions options) {
  return std::make_unique<PostgresSource>(std::move(options));
}

}  // namespace arkivvakt::casesystem
