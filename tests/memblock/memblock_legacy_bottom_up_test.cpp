// Linux 3.13's bottom-up rule (Memblock::legacy_bottom_up_kernel_end, used by
// the bottom-up-2013 boot policy; not 6.1): bottom-up only above the kernel's
// end, then a top-down retry over the whole range. 0 keeps 6.1.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::rgn;

constexpr std::uint64_t SZ_8M = 1ull << 23;
constexpr phys_addr_t kKernelEnd = SZ_16M + SZ_16M;  // _end at 32M

// Memory [1M, 64M), bottom-up.
Memblock machine(phys_addr_t legacy_kernel_end) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1M, 64 * SZ_1M - SZ_1M), 0);
  mb.set_bottom_up(true);
  mb.legacy_bottom_up_kernel_end = legacy_kernel_end;
  return mb;
}

// Free memory above _end: the block is the lowest one there, not below _end.
//   |[1M ---- free ---- _end][first page]-------- free ---------|64M
TEST(MemblockLegacyBottomUp, simple_above_kernel_end) {
  Memblock mb = machine(kKernelEnd);
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), kKernelEnd);
  EXPECT_REGIONS(mb.reserved, {rgn(kKernelEnd, SZ_4K)});
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 0u);
}

// Everything above _end is reserved: the bottom-up search fails and the
// top-down retry takes the highest free page below _end (counted once).
//   |[1M ---- free ----][page]_end[######## reserved #########]|64M
TEST(MemblockLegacyBottomUp, fallback_top_down_below_kernel_end) {
  Memblock mb = machine(kKernelEnd);
  EXPECT_EQ(mb.reserve(kKernelEnd, 64 * SZ_1M - kKernelEnd), 0);
  const phys_addr_t got = mb.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M);
  EXPECT_EQ(got, kKernelEnd - SZ_4K);
  EXPECT_REGIONS(mb.reserved, {rgn(kKernelEnd - SZ_4K, 64 * SZ_1M - kKernelEnd + SZ_4K)});
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 1u);
  // A second one falls back again, right below the first.
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), kKernelEnd - 2 * SZ_4K);
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 2u);
}

// The fallback is top-down over the whole [start, end), honouring start.
TEST(MemblockLegacyBottomUp, fallback_within_start) {
  Memblock mb = machine(kKernelEnd);
  EXPECT_EQ(mb.reserve(kKernelEnd - SZ_8M, 64 * SZ_1M - kKernelEnd + SZ_8M), 0);
  EXPECT_EQ(mb.find_in_range_node(SZ_1M, SZ_1M, 4 * SZ_1M, 64 * SZ_1M, NUMA_NO_NODE,
                                  MEMBLOCK_NONE),
            kKernelEnd - SZ_8M - SZ_1M);
  EXPECT_EQ(mb.find_in_range_node(SZ_1M, SZ_1M, 30 * SZ_1M, 64 * SZ_1M, NUMA_NO_NODE,
                                  MEMBLOCK_NONE),
            0u);  // nothing free in [30M, 64M): both searches fail
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 2u);
}

// An end at or below _end: 3.13 searched top-down at once, without a warning.
TEST(MemblockLegacyBottomUp, end_below_kernel_end_is_top_down) {
  Memblock mb = machine(kKernelEnd);
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, 0, SZ_16M), SZ_16M - SZ_4K);
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, 0, kKernelEnd), kKernelEnd - SZ_4K);
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 0u);
}

// Top-down memblock ignores the rule.
TEST(MemblockLegacyBottomUp, top_down_unaffected) {
  Memblock mb = machine(kKernelEnd);
  mb.set_bottom_up(false);
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), 64 * SZ_1M - SZ_4K);
  EXPECT_EQ(mb.legacy_bottom_up_fallbacks, 0u);
}

// 0 is 6.1: bottom-up from the lowest free page, and no retry when the range
// is full (a whole-state comparison with a fresh 6.1 Memblock).
TEST(MemblockLegacyBottomUp, zero_is_linux_6_1) {
  Memblock legacy0 = machine(0);
  Memblock plain;
  EXPECT_EQ(plain.add(SZ_1M, 64 * SZ_1M - SZ_1M), 0);
  plain.set_bottom_up(true);
  EXPECT_EQ(legacy0.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), SZ_1M);
  EXPECT_EQ(plain.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), SZ_1M);
  EXPECT_EQ(legacy0.reserve(SZ_1M, 64 * SZ_1M - SZ_1M), 0);
  EXPECT_EQ(plain.reserve(SZ_1M, 64 * SZ_1M - SZ_1M), 0);
  EXPECT_EQ(legacy0.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), 0u);
  EXPECT_EQ(plain.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), 0u);
  EXPECT_EQ(legacy0.legacy_bottom_up_fallbacks, 0u);
  EXPECT_TRUE(legacy0 == plain);
}

// The same full-above-_end machine: 6.1 (0) takes the lowest free page, the
// 3.13 rule the highest one below _end.
TEST(MemblockLegacyBottomUp, overlap_kernel_end_6_1_vs_3_13) {
  Memblock a = machine(0), b = machine(kKernelEnd);
  EXPECT_EQ(a.reserve(kKernelEnd, 64 * SZ_1M - kKernelEnd), 0);
  EXPECT_EQ(b.reserve(kKernelEnd, 64 * SZ_1M - kKernelEnd), 0);
  EXPECT_EQ(a.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), SZ_1M);
  EXPECT_EQ(b.phys_alloc_range(SZ_4K, SZ_4K, 0, 64 * SZ_1M), kKernelEnd - SZ_4K);
}

}  // namespace
}  // namespace mbv
