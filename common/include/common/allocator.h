// Process-wide allocator settings for a program that holds a million-row cycle in memory.
//
// glibc maps blocks of at least M_MMAP_THRESHOLD bytes and unmaps them on free; everything
// smaller comes from the heap and stays resident after it is freed. The threshold starts at
// 128 KiB but rises to the size of each mapped block freed, up to 32 MiB: after a cycle frees
// its first large vector, every later hash table or vector of up to 32 MiB (the checks build
// several of 8-32 MiB at a million rows) is kept resident once it is freed, and the process's
// resident set grows by ~100 MB at 1M rows for no use. Fixing the threshold keeps it at 1 MiB.
//
// Call once at the start of main(), before threads start. Not thread-safe (mallopt).
#pragma once

namespace arkivvakt {

void UseMappedBlocksForLargeAllocations();

}  // namespace arkivvakt
