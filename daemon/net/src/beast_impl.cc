// The one translation unit that compiles Boost.Beast (see CMakeLists.txt).
#include <boost/beast/src.hpp>
