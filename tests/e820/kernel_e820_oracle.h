// The real Linux 6.1 e820__update_table (with the kernel's own lib/sort.c),
// compiled from the kernel tarball at build time. Capacity is
// kernel_e820_capacity() (MAX_NUMNODES = 4 in the shim).
#pragma once

#include <cstdint>

extern "C" {
std::uint32_t kernel_e820_capacity(void);
// In/out arrays of *n entries (at most the capacity); returns the kernel's result.
int kernel_e820_update_table(std::uint64_t* addr, std::uint64_t* size, std::uint32_t* type, std::uint32_t* n);
}
