// Compiles Boost.JSON once for the executable (header-only mode, one translation unit).
#include <boost/json/src.hpp>  // IWYU pragma: keep
