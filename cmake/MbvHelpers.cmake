# Small helpers shared by every folder's CMakeLists.txt.
#
# Each folder (impl/<module>, model/<module>, tests/<area>, ...) owns its own
# CMakeLists.txt; the parent only adds whichever subfolders have one, so
# modules can be added without touching a shared file.

# mbv_add_subdirs(): add_subdirectory() every direct child that has a CMakeLists.txt.
function(mbv_add_subdirs)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child}
       AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# mbv_library(NAME SOURCES ... DEPS ...): a static library with the repo root
# on its include path, so headers are included as "impl/memblock/memblock.h".
function(mbv_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  set_property(GLOBAL APPEND PROPERTY MBV_LIBRARIES ${name})
endfunction()

# mbv_fuzz_instrumentation(TARGET EDGES|NONE [FULL_SOURCES file...]): how much
# libFuzzer instrumentation a library gets in local fuzz builds (MBV_FUZZ
# without MBV_OSS_FUZZ; an OSS-Fuzz build keeps the flags it is given).
#   EDGES: edge counters, no comparison hooks (trace-cmp). For code whose
#          comparisons are between values derived from the state, not input
#          bytes: the hooks cost time and steer mutations nowhere.
#   NONE:  no coverage at all. For an oracle (spec, invariants machinery),
#          which is not the fuzzers' target.
# FULL_SOURCES keep every hook (an input decoder inside such a library);
# NO_COVERAGE_SOURCES get none (oracle code compiled into such a library).
function(mbv_fuzz_instrumentation target level)
  cmake_parse_arguments(A "" "" "FULL_SOURCES;NO_COVERAGE_SOURCES" ${ARGN})
  if(NOT MBV_FUZZ OR MBV_OSS_FUZZ)
    return()
  endif()
  if(level STREQUAL "EDGES")
    target_compile_options(${target} PRIVATE -fno-sanitize-coverage=trace-cmp)
    # Source options come after the target's on the command line, and clang
    # applies -f(no-)sanitize-coverage in order.
    if(A_FULL_SOURCES)
      set_source_files_properties(${A_FULL_SOURCES} TARGET_DIRECTORY ${target}
                                  PROPERTIES COMPILE_OPTIONS -fsanitize-coverage=trace-cmp)
    endif()
  elseif(level STREQUAL "NONE")
    target_compile_options(${target} PRIVATE -fno-sanitize=fuzzer-no-link)
  else()
    message(FATAL_ERROR "mbv_fuzz_instrumentation: level is EDGES or NONE, not '${level}'")
  endif()
  if(A_NO_COVERAGE_SOURCES)
    set_source_files_properties(${A_NO_COVERAGE_SOURCES} TARGET_DIRECTORY ${target}
                                PROPERTIES COMPILE_OPTIONS -fno-sanitize=fuzzer-no-link)
  endif()
endfunction()

# mbv_fuzzer(NAME SOURCES ... DEPS ...): a libFuzzer target when MBV_FUZZ is on;
# otherwise the same entry point linked with a replay main (fuzz/standalone_main.cpp)
# so the seed corpus and regressions can be replayed by ctest in every build.
function(mbv_fuzzer name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
  if(MBV_FUZZ)
    separate_arguments(engine UNIX_COMMAND "${MBV_FUZZ_ENGINE}")
    target_link_options(${name} PRIVATE ${engine})
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/fuzz/standalone_main.cpp)
    # The seed corpus doubles as a regression test (as qpdf does).
    if(MBV_BUILD_TESTS AND EXISTS ${PROJECT_SOURCE_DIR}/corpus/${name})
      add_test(NAME fuzz-replay.${name}
               COMMAND ${name} ${PROJECT_SOURCE_DIR}/corpus/${name})
      set_tests_properties(fuzz-replay.${name} PROPERTIES LABELS fuzz-replay)
    endif()
  endif()
  set_property(GLOBAL APPEND PROPERTY MBV_FUZZERS ${name})
endfunction()

# mbv_test(NAME SOURCES ... DEPS ... [LABELS ...]): one GoogleTest executable,
# its tests registered with ctest one by one.
function(mbv_test name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    MBV_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MBV_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  include(GoogleTest)
  set(env "")
  if(MBV_RC_PARAMS)
    set(env ENVIRONMENT "RC_PARAMS=${MBV_RC_PARAMS}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${A_LABELS}" ${env})
endfunction()
