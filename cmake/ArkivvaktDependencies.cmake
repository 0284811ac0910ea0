# Every external dependency is found here, once, and exposed as an imported target.
# Why each is there: see README.md "Dependencies".
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
# Abseil's flat hash maps: the million-entry indexes of a check cycle (README "Dependencies").
find_package(absl REQUIRED CONFIG)
find_package(Boost 1.81 REQUIRED CONFIG)
# Howard Hinnant's date/tz (date::date-tz), built by Debian with USE_OS_TZDB=1: /usr/share/zoneinfo.
find_package(date REQUIRED CONFIG)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
pkg_check_modules(XMLSEC REQUIRED IMPORTED_TARGET xmlsec1-openssl)
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
pkg_check_modules(CLI11 REQUIRED IMPORTED_TARGET CLI11)
pkg_check_modules(QPDF REQUIRED IMPORTED_TARGET libqpdf)
# The store (daemon/store): SQLite 3 is the default back end, libpq the PostgreSQL one.
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
find_package(PostgreSQL REQUIRED)
# Metrics (daemon/http): prometheus-cpp core only; /metrics is served by our own HTTP handler.
find_package(prometheus-cpp REQUIRED CONFIG)
# systemd notify/watchdog and the journal sink.
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
if(ARKIVVAKT_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(ARKIVVAKT_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
