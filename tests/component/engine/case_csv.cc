#include "case_csv.h"

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "casesystem/csv.h"

namespace arkivvakt::engine::case_csv {

Csv ReadCsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  casesystem::CsvRecordReader reader(in);
  Csv rows;
  casesystem::CsvRecord record;
  for (;;) {
    auto more = reader.Next(&record);
    EXPECT_TRUE(more.ok()) << path;
    if (!more.ok() || !*more) {
      return rows;
    }
    if (!record.blank) {
      rows.push_back(record.fields);
    }
  }
}

void WriteCsv(const std::filesystem::path& path, const Csv& rows) {
  std::ofstream out(path, std::ios::trunc);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string& cell = row[i];
      if (i > 0) {
        out << ',';
      }
      if (cell.find_first_of(",\"\n") != std::string::npos) {
        std::string q;
        for (char c : cell) {
          q += c == '"' ? "\"\"" : std::string(1, c);
        }
        out << '"' << q << '"';
      } else {
        out << cell;
      }
    }
    out << '\n';
  }
}

std::size_t Column(const Csv& csv, const std::string& name) {
  auto it = std::find(csv.front().begin(), csv.front().end(), name);
  EXPECT_NE(it, csv.front().end()) << name;
  return static_cast<std::size_t>(it - csv.front().begin());
}

}  // namespace arkivvakt::engine::case_csv
