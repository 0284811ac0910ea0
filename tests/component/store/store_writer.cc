// Test helper for the SIGKILL test: writes alerts (and now and then a checkpoint) into the
// SQLite store at argv[1] as fast as it can, printing "committed <subject>" after each commit.
#include <cstdio>
#include <string>

#include "alerts/alert.h"
#include "store/store.h"

#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: store_writer DB\n");
    return 2;
  }
  arkivvakt::SystemClock clock;
  arkivvakt::store::StoreOptions options;
  options.sqlite.path = argv[1];
  auto store = arkivvakt::store::Store::Open(options, clock);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.error().message.c_str());
    return 2;
  }
  for (int i = 0; i < 100000; ++i) {
    arkivvakt::Finding f;
    f.check = "FIX-CHECKSUM";
    f.subject.archive_system_id = std::to_string(::getpid()) + "-" + std::to_string(i);
    auto alert = arkivvakt::alerts::OpenAlert(f, clock.Now());
    auto s = (*store)->SaveAlert(alert, alert.history);
    if (!s.ok()) {
      std::fprintf(stderr, "save: %s\n", s.error().message.c_str());
      return 1;
    }
    std::printf("committed %s\n", f.subject.archive_system_id.c_str());
    std::fflush(stdout);
    if (i % 7 == 6) {
      auto cp = (*store)->AddCheckpoint(nullptr, clock.Now());
      if (!cp.ok()) {
        std::fprintf(stderr, "checkpoint: %s\n", cp.error().message.c_str());
        return 1;
      }
    }
  }
  return 0;
}
