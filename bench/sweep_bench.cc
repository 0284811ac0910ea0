// The daemon's rolling fixity sweep (engine/fixity_sweep.h) over a real extraction's document
// files: files/s and MB/s of one whole pass (no byte budget), then passes with a byte budget to
// show it is honoured (a slice never reads more than the budget plus the one file that crosses
// it). validate_compare.sh puts the figures beside sha256sum run by xargs over the same files.
//
//   arkivvakt-bench-sweep DIR [BUDGET_BYTES]     (DIR: an arkivuttrekk with document files)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "common/xml.h"
#include "engine/archive_records.h"
#include "engine/fixity_sweep.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: arkivvakt-bench-sweep DIR [BUDGET_BYTES]\n");
    return 2;
  }
  arkivvakt::XmlLibrary xml;
  const std::filesystem::path dir = argv[1];
  const std::uint64_t budget = argc > 2 ? std::stoull(argv[2]) : 256ULL << 20;
  auto records = arkivvakt::engine::ReadArchiveRecords(dir);
  if (!records.ok()) {
    std::fprintf(stderr, "bench-sweep: %s\n", records.error().message.c_str());
    return 2;
  }
  // One whole pass: every file once.
  arkivvakt::engine::SweepCursor cursor;
  auto start = std::chrono::steady_clock::now();
  const arkivvakt::engine::SweepResult all =
      arkivvakt::engine::SweepFixity(dir, *records, cursor, UINT64_MAX);
  const double secs = Seconds(start);
  std::printf(
      "sweep, one pass: %llu files, %.1f MB in %.2f s = %.0f files/s, %.0f MB/s, %zu findings\n",
      static_cast<unsigned long long>(all.files), static_cast<double>(all.bytes) / 1e6, secs,
      static_cast<double>(all.files) / secs, static_cast<double>(all.bytes) / 1e6 / secs,
      all.findings.size());
  // Slices with a byte budget, until one pass is complete.
  cursor = {};
  std::uint64_t slices = 0;
  std::uint64_t worst_over = 0;
  std::uint64_t files = 0;
  while (cursor.passes == 0 && files < all.files) {
    const std::uint64_t before = cursor.next;
    const arkivvakt::engine::SweepResult slice =
        arkivvakt::engine::SweepFixity(dir, *records, cursor, budget);
    ++slices;
    files += slice.files;
    // Over budget only by the last file of the slice, which crossed it.
    if (slice.bytes > budget) {
      worst_over = std::max(worst_over, slice.bytes - budget);
    }
    if (cursor.next == before && slice.files == 0) {
      break;
    }
  }
  std::printf(
      "sweep with a budget of %.1f MB: %llu slices for one pass, at most %.2f MB over "
      "the budget (the file that crossed it)\n",
      static_cast<double>(budget) / 1e6, static_cast<unsigned long long>(slices),
      static_cast<double>(worst_over) / 1e6);
  return all.findings.empty() ? 0 : 1;
}
