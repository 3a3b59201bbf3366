# Included by the top-level CMakeLists.txt before any library when -DWFM_FUZZ=ON: the libraries the
# fuzz targets link are built with libFuzzer's coverage instrumentation, AddressSanitizer and
# UndefinedBehaviorSanitizer (any report aborts, so libFuzzer keeps the input); -O1 with line tables
# only: quicker to build than -O2 -g, and stacks still name files and lines.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "WFM_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++")
endif()
if(WFM_SANITIZE)
  message(FATAL_ERROR "WFM_FUZZ brings its own sanitizers: leave WFM_SANITIZE empty")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -O1 -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
