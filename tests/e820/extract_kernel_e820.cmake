# Build-time extraction for the e820 oracle: writes OUT = our shim include +
# lib/sort.c + the table-editing block of arch/x86/kernel/e820.c + our glue
# (GLUE, included last so it reaches static functions), from KERNEL_SRC
# (a kernel tree) or else from TARBALL (the Debian linux-source-6.1 tarball).
# Nothing extracted here is ever committed.
set(sort_c "")
set(e820_c "")
if(KERNEL_SRC AND EXISTS "${KERNEL_SRC}/arch/x86/kernel/e820.c")
  file(READ "${KERNEL_SRC}/lib/sort.c" sort_c)
  file(READ "${KERNEL_SRC}/arch/x86/kernel/e820.c" e820_c)
else()
  set(tmp "${CMAKE_CURRENT_BINARY_DIR}/kernel_extract")
  get_filename_component(tmp "${OUT}" DIRECTORY)
  set(tmp "${tmp}/kernel_extract")
  file(MAKE_DIRECTORY "${tmp}")
  execute_process(COMMAND tar -xJf "${TARBALL}" -C "${tmp}" --wildcards
                          "*/lib/sort.c" "*/arch/x86/kernel/e820.c"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot extract lib/sort.c and arch/x86/kernel/e820.c from ${TARBALL}")
  endif()
  file(GLOB_RECURSE s "${tmp}/*/lib/sort.c")
  file(GLOB_RECURSE e "${tmp}/*/arch/x86/kernel/e820.c")
  file(READ "${s}" sort_c)
  file(READ "${e}" e820_c)
  file(REMOVE_RECURSE "${tmp}")
endif()
string(REGEX REPLACE "#include <[^>]*>" "" sort_c "${sort_c}")
# From __e820__range_add up to e820__update_table_print: the edits, the
# printers (silenced by the shim), the sanitizer and append_e820_table.
string(FIND "${e820_c}" "static void __init __e820__range_add(" first)
string(FIND "${e820_c}" "void __init e820__update_table_print(void)" last)
if(first LESS 0 OR last LESS 0 OR last LESS first)
  message(FATAL_ERROR "e820.c: table-editing block not found")
endif()
math(EXPR len "${last} - ${first}")
string(SUBSTRING "${e820_c}" ${first} ${len} block)
file(WRITE "${OUT}" "#include \"kernel_shim.h\"\n${sort_c}\n${block}\n#include \"${GLUE}\"\n")
