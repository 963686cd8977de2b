# Build-time extraction for the inputs-layer kernel oracle. Writes OUT =
#   our shim (kernel_shim.h)
#   + include/linux/ctype.h and lib/ctype.c          (the kernel's isspace etc.)
#   + _parse_integer_fixup_radix/_parse_integer_limit (lib/kstrtox.c)
#   + simple_strntoull/simple_strtoull               (lib/vsprintf.c)
#   + skip_spaces                                    (lib/string_helpers.c)
#   + memparse, parse_option_str, next_arg           (lib/cmdline.c)
#   + lib/sort.c
#   + parse_crashkernel and its helpers            (kernel/crash_core.c)
#   + myisspace, __cmdline_find_option_bool         (arch/x86/lib/cmdline.c)
#   + __cmdline_find_option_bool, renamed boot_...  (arch/x86/boot/cmdline.c)
#   + arch/x86/kernel/e820.c: __e820__range_add .. e820__range_remove,
#     userdef .. parse_memmap_opt, e820__finish_early_params
#   + our glue (GLUE, included last so it reaches static functions)
# from KERNEL_SRC (a kernel tree) or else TARBALL (Debian's linux-source-6.1).
# Nothing extracted here is ever committed.
set(files include/linux/ctype.h lib/ctype.c lib/kstrtox.c lib/vsprintf.c lib/cmdline.c
          lib/sort.c arch/x86/kernel/e820.c lib/string_helpers.c
          kernel/crash_core.c arch/x86/lib/cmdline.c arch/x86/boot/cmdline.c)
get_filename_component(outdir "${OUT}" DIRECTORY)
set(tmp "${outdir}/kernel_extract")
if(KERNEL_SRC AND EXISTS "${KERNEL_SRC}/arch/x86/kernel/e820.c")
  set(root "${KERNEL_SRC}")
else()
  file(REMOVE_RECURSE "${tmp}")
  file(MAKE_DIRECTORY "${tmp}")
  set(patterns "")
  foreach(f IN LISTS files)
    list(APPEND patterns "*/${f}")
  endforeach()
  execute_process(COMMAND tar -xJf "${TARBALL}" -C "${tmp}" --wildcards --no-wildcards-match-slash ${patterns}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot extract the oracle's kernel files from ${TARBALL}")
  endif()
  file(GLOB root LIST_DIRECTORIES true "${tmp}/*")
endif()
foreach(f IN LISTS files)
  string(MAKE_C_IDENTIFIER "${f}" id)
  file(READ "${root}/${f}" "src_${id}")
endforeach()

# The text from `start` to the first line that is just "}" after it.
function(take_function var text start)
  string(FIND "${text}" "${start}" b)
  if(b LESS 0)
    message(FATAL_ERROR "kernel oracle: '${start}' not found")
  endif()
  string(SUBSTRING "${text}" ${b} -1 rest)
  string(FIND "${rest}" "\n}\n" e)
  math(EXPR e "${e} + 3")
  string(SUBSTRING "${rest}" 0 ${e} fn)
  set(${var} "${fn}" PARENT_SCOPE)
endfunction()

# The text from `start` up to (not including) `stop`, or through `stop` when
# `through` is set.
function(take_block var text start stop through)
  string(FIND "${text}" "${start}" b)
  string(FIND "${text}" "${stop}" e)
  if(b LESS 0 OR e LESS b)
    message(FATAL_ERROR "kernel oracle: block '${start}' .. '${stop}' not found")
  endif()
  if(through)
    string(LENGTH "${stop}" n)
    math(EXPR e "${e} + ${n}")
  endif()
  math(EXPR len "${e} - ${b}")
  string(SUBSTRING "${text}" ${b} ${len} blk)
  set(${var} "${blk}" PARENT_SCOPE)
endfunction()

string(REGEX REPLACE "#include <[^>]*>" "" ctype_h "${src_include_linux_ctype_h}")
string(REGEX REPLACE "#include <[^>]*>" "" ctype_c "${src_lib_ctype_c}")
string(REGEX REPLACE "#include <[^>]*>" "" sort_c "${src_lib_sort_c}")
take_function(fixup "${src_lib_kstrtox_c}" "const char *_parse_integer_fixup_radix(")
take_function(limit "${src_lib_kstrtox_c}" "unsigned int _parse_integer_limit(")
take_function(strntoull "${src_lib_vsprintf_c}" "static noinline unsigned long long simple_strntoull(")
take_function(strtoull "${src_lib_vsprintf_c}" "unsigned long long simple_strtoull(")
take_function(skip "${src_lib_string_helpers_c}" "char *skip_spaces(")
take_function(memparse "${src_lib_cmdline_c}" "unsigned long long memparse(")
take_function(optstr "${src_lib_cmdline_c}" "bool parse_option_str(")
take_function(nextarg "${src_lib_cmdline_c}" "char *next_arg(")
take_block(edits "${src_arch_x86_kernel_e820_c}" "static void __init __e820__range_add("
           "void __init e820__update_table_print(void)" FALSE)
take_block(opts "${src_arch_x86_kernel_e820_c}" "static int userdef __initdata;"
           "early_param(\"memmap\", parse_memmap_opt);" TRUE)
take_function(finish "${src_arch_x86_kernel_e820_c}" "void __init e820__finish_early_params(void)")
take_block(crash "${src_kernel_crash_core_c}" "static int __init parse_crashkernel_mem("
           "int __init parse_crashkernel_low(" FALSE)
take_function(crash_low "${src_kernel_crash_core_c}" "int __init parse_crashkernel_low(")
take_function(myisspace "${src_arch_x86_lib_cmdline_c}" "static inline int myisspace(u8 c)")
take_function(findbool "${src_arch_x86_lib_cmdline_c}" "static int\n__cmdline_find_option_bool(")
take_function(bootbool "${src_arch_x86_boot_cmdline_c}" "int __cmdline_find_option_bool(unsigned long cmdline_ptr")
string(REPLACE "int __cmdline_find_option_bool(" "int boot__cmdline_find_option_bool(" bootbool "${bootbool}")

file(WRITE "${OUT}" "#include \"kernel_shim.h\"\n${ctype_h}\n${ctype_c}\n${fixup}\n${limit}\n"
                    "${strntoull}\n${strtoull}\n${skip}\n${memparse}\n${optstr}\n${nextarg}\n"
                    "${sort_c}\n${edits}\n${opts}\n${finish}\n${crash}\n${crash_low}\n${myisspace}\n${findbool}\n${bootbool}\n"
                    "#include \"${GLUE}\"\n")
if(NOT (KERNEL_SRC AND EXISTS "${KERNEL_SRC}/arch/x86/kernel/e820.c"))
  file(REMOVE_RECURSE "${tmp}")
endif()
