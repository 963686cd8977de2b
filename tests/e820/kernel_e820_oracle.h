// The real Linux 6.1 e820 table code (__e820__range_add .. e820__range_remove,
// including e820__update_table, with the kernel's lib/sort.c), compiled from
// the kernel tree or tarball at build time. One global table, as in the
// kernel; capacity kernel_e820_capacity() (MAX_NUMNODES = 4 in the shim).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
std::uint32_t kernel_e820_capacity(void);
void kernel_e820_load(const std::uint64_t* addr, const std::uint64_t* size, const std::uint32_t* type,
                      std::uint32_t n);
std::uint32_t kernel_e820_store(std::uint64_t* addr, std::uint64_t* size, std::uint32_t* type);
int kernel_e820_update_table(void);
void kernel_e820_range_add(std::uint64_t start, std::uint64_t size, std::uint32_t type);
// Precondition old_type != new_type (the kernel BUG()s, which aborts here).
std::uint64_t kernel_e820_range_update(std::uint64_t start, std::uint64_t size, std::uint32_t old_type,
                                       std::uint32_t new_type);
std::uint64_t kernel_e820_range_remove(std::uint64_t start, std::uint64_t size, std::uint32_t old_type,
                                       int check_type);
int kernel_e820_append(const std::uint64_t* addr, const std::uint64_t* size, const std::uint32_t* type,
                       std::uint32_t n);
}

// Command-line side (lib/cmdline.c, lib/string.c, arch/x86/kernel/e820.c).
extern "C" {
unsigned long long kernel_memparse(const char* s, std::size_t* consumed);
char* kernel_next_arg(char* args, char** param, char** val);
char* kernel_skip_spaces(const char* s);
int kernel_parse_option_str(const char* str, const char* option);
void kernel_early_params_reset(void);
int kernel_parse_memopt(char* p);      // p may be NULL ("mem" without '=')
int kernel_parse_memmap_opt(char* p);  // precondition: no N%S-T+T with T == T (BUG)
int kernel_userdef(void);
std::uint64_t kernel_max_mem_size(void);
int kernel_finish_early_params(void);  // 1 = the kernel panics
}

extern "C" {
// suffix: 0 none, 1 ",high", 2 ",low". Returns the kernel's int.
int kernel_parse_crashkernel(char* cmdline, unsigned long long system_ram, int suffix,
                             unsigned long long* size, unsigned long long* base);
int kernel_cmdline_find_option_bool(const char* cmdline, const char* option);       // arch/x86/lib
int kernel_boot_cmdline_find_option_bool(const char* cmdline, const char* option);  // arch/x86/boot
}
