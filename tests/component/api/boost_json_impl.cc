// Boost.JSON's implementation, compiled once for this test binary (arkivvakt::api uses the
// headers only, as the arkivvakt executable compiles it in daemon/src/boost_json_impl.cc).
#include <boost/json/src.hpp>
