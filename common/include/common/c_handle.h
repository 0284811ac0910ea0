// Zero-size owning handles for C library objects.
//
//   using XmlDoc = std::unique_ptr<xmlDoc, Free<&xmlFreeDoc>>;
//
// Wrap a raw pointer on the line that creates it. Functions that are macros or variables
// (libxml2's xmlFree) need a functor of their own instead; see common/xml.h.
#pragma once

#include <memory>

namespace arkivvakt {

template <auto FreeFn>
struct Free {
  template <class T>
  void operator()(T* p) const noexcept {
    FreeFn(p);
  }
};

template <class T, auto FreeFn>
using CHandle = std::unique_ptr<T, Free<FreeFn>>;

}  // namespace arkivvakt
