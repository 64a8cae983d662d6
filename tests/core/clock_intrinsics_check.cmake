# No exporter source may include <x86intrin.h> (or any other intrinsics header), directly or
# through a header: the clock's stamps live in core/clock_stamps.h, which only core's measuring
# code includes; exporter files see the calibration alone (core/clock.h).
#
# cmake -DCXX=<compiler> -DSOURCE_DIR=<repo> -P clock_intrinsics_check.cmake
# Runs the preprocessor's dependency listing (-M, no compilation; -MG so generated headers need
# not exist) over every exporter/**/*.cpp, found at run time so files moved into subfolders are
# still covered. To see the chain that pulls a header in: <compiler> -std=c++20 -I<repo> -H -fsyntax-only FILE.

file(GLOB_RECURSE sources "${SOURCE_DIR}/exporter/*.cpp")
if(NOT sources)
  message(FATAL_ERROR "no exporter sources under ${SOURCE_DIR}/exporter")
endif()

set(offenders "")
set(reached_clock FALSE)
foreach(source IN LISTS sources)
  execute_process(
    COMMAND "${CXX}" -std=c++20 -M -MG -I${SOURCE_DIR} "${source}"
    OUTPUT_VARIABLE deps ERROR_VARIABLE errors RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${CXX} -M ${source} failed:\n${errors}")
  endif()
  if(deps MATCHES "(x86|imm|[a-z0-9]+)intrin\\.h")
    string(APPEND offenders "  ${source}: ${CMAKE_MATCH_0}\n")
  endif()
  if(deps MATCHES "core/clock\\.h")
    set(reached_clock TRUE)
  endif()
endforeach()

# Guards the check itself: the walk must reach core's headers, or it proves nothing.
if(NOT reached_clock)
  message(FATAL_ERROR "no exporter source reached core/clock.h: the include path given to ${CXX} is wrong")
endif()
if(offenders)
  message(FATAL_ERROR "exporter sources include an intrinsics header (only core's measuring code may):\n${offenders}")
endif()
list(LENGTH sources n)
message(STATUS "${n} exporter sources, none includes an intrinsics header")
