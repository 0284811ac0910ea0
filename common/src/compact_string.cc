#include "common/compact_string.h"

#include <ostream>

namespace arkivvakt {

std::ostream& operator<<(std::ostream& os, const CompactString& s) {
  return os << s.view();
}

}  // namespace arkivvakt
