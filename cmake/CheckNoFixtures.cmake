# ctest script: fails when a production library defines or references code of the fixture
# targets (arkivvakt::noark5_testing, arkivvakt::demo, arkivvakt::store_testing), i.e. when
# production code compiles their sources or calls into them. It also requires every pattern to
# be found in the fixture libraries, so that a renamed symbol cannot make the check pass vacuously.
#
#   cmake -DNM=<nm> -DPRODUCTION=<lib>|<lib>... -DFIXTURES=<lib>|<lib>... -P CheckNoFixtures.cmake
cmake_minimum_required(VERSION 3.25)

# Demangled names, one regular expression per fixture.
set(patterns
  "arkivvakt::noark5::GenerateExtraction"
  "arkivvakt::noark5::writer_internal::"
  "arkivvakt::demo::"
  "arkivvakt::store::FaultInjectingConnection")

string(REPLACE "|" ";" production "${PRODUCTION}")
string(REPLACE "|" ";" fixtures "${FIXTURES}")

function(symbols_of lib out)
  execute_process(COMMAND "${NM}" -C "${lib}" OUTPUT_VARIABLE text ERROR_VARIABLE err
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -C ${lib} failed: ${err}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(fixture_symbols "")
foreach(lib IN LISTS fixtures)
  symbols_of("${lib}" text)
  string(APPEND fixture_symbols "${text}")
endforeach()
foreach(pattern IN LISTS patterns)
  if(NOT fixture_symbols MATCHES "${pattern}")
    message(FATAL_ERROR "no symbol matches '${pattern}' in the fixture libraries: update "
      "cmake/CheckNoFixtures.cmake")
  endif()
endforeach()

set(failed FALSE)
foreach(lib IN LISTS production)
  symbols_of("${lib}" text)
  foreach(pattern IN LISTS patterns)
    if(text MATCHES "[^\n]*${pattern}[^\n]*")
      message(SEND_ERROR "${lib} holds fixture code: ${CMAKE_MATCH_0}")
      set(failed TRUE)
    endif()
  endforeach()
endforeach()
if(NOT failed)
  list(LENGTH production n)
  message(STATUS "${n} production libraries hold no fixture code")
endif()
