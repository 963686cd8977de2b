// The real Linux 6.1 e820 table code (__e820__range_add .. e820__range_remove,
// including e820__update_table, with the kernel's lib/sort.c), compiled from
// the kernel tree or tarball at build time. One global table, as in the
// kernel; capacity kernel_e820_capacity() (MAX_NUMNODES = 4 in the shim).
#pragma once

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
