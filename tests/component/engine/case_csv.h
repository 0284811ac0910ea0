// The generated municipality's case-system CSV files (demo/municipality.h) as rows of cells,
// for tests that change the case system between cycles: read with the adapters' RFC 4180
// reader, written back quoted where needed.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace arkivvakt::engine::case_csv {

// Rows of cells; the first row is the header.
using Csv = std::vector<std::vector<std::string>>;

// Blank lines are skipped; a read error is a test failure.
Csv ReadCsv(const std::filesystem::path& path);
void WriteCsv(const std::filesystem::path& path, const Csv& rows);
// The position of the header's column `name` (a test failure when there is none).
std::size_t Column(const Csv& csv, const std::string& name);

}  // namespace arkivvakt::engine::case_csv
