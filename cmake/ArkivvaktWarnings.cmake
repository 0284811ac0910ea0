# One INTERFACE target carries warning and sanitizer flags; every project target links it PRIVATE.
add_library(arkivvakt_warnings INTERFACE)
target_compile_options(arkivvakt_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
  -Wvla -Wimplicit-fallthrough -Wmissing-declarations -Wcast-qual
  $<$<BOOL:${ARKIVVAKT_WERROR}>:-Werror>)
if(ARKIVVAKT_SANITIZE)
  target_compile_options(arkivvakt_warnings INTERFACE
    -fsanitize=${ARKIVVAKT_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(arkivvakt_warnings INTERFACE -fsanitize=${ARKIVVAKT_SANITIZE})
endif()
