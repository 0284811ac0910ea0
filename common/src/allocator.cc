#include "common/allocator.h"

#include <malloc.h>

namespace arkivvakt {

void UseMappedBlocksForLargeAllocations() {
  // Setting it disables glibc's dynamic adjustment (mallopt(3)). A failure leaves the default.
  static_cast<void>(mallopt(M_MMAP_THRESHOLD, 1 << 20));
}

}  // namespace arkivvakt
