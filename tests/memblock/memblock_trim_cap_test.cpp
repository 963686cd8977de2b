// memblock_trim_memory, memblock_cap_memory_range,
// memblock_mem_limit_remove_map, memblock_enforce_memory_limit and
// __find_max_addr, including the quirks that break I3 and I6.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::initial_dummy;
using test::removed_dummy;
using test::rgn;


// memblock_trim_memory(0x1000) [sim]
//   before: [0x1800, +0x3000)          [0x10000, +0x800)
//   after:  [0x2000, +0x2000)          (removed: no whole page)
// Expect: one region, but total_size 0x3000: the in-place shrink does not
// update total_size, only the removal subtracts.
TEST(MemblockTrimMemory, TotalSizeQuirk) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1800, 0x3000), 0);
  EXPECT_EQ(mb.add(0x10000, 0x800), 0);
  mb.trim_memory(0x1000);
  EXPECT_REGIONS(mb.memory, {rgn(0x2000, 0x2000)}, 0x3000);
  EXPECT_EQ(mb.phys_mem_size(), 0x3000u);
}

// The typical e820 case [sim]: RAM [0x1000, 0x9d800) becomes
// [0x1000, 0x9d000), and total_size stays 0x800 too high.
TEST(MemblockTrimMemory, E820TailQuirk) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x9d800 - 0x1000), 0);
  EXPECT_EQ(mb.add(0x100000, SZ_1G), 0);
  mb.trim_memory(PAGE_SIZE);
  EXPECT_REGIONS(mb.memory, {rgn(0x1000, 0x9d000 - 0x1000), rgn(0x100000, SZ_1G)},
                 0x9d800 - 0x1000 + SZ_1G);
}

// memblock_trim_memory on aligned regions changes nothing.
TEST(MemblockTrimMemory, Aligned) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x3000), 0);
  const Memblock before = mb;
  mb.trim_memory(0x1000);
  EXPECT_EQ(mb, before);
}

// memblock_trim_memory removing every region leaves the removal dummy.
TEST(MemblockTrimMemory, RemovesAll) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1800, 0x400), 0);
  EXPECT_EQ(mb.add(0x3800, 0x400), 0);
  mb.trim_memory(0x1000);
  EXPECT_REGIONS(mb.memory, {removed_dummy()});
}

// memblock_trim_memory shrinks in place: nid and flags stay with each region.
TEST(MemblockTrimMemory, KeepsAttributes) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x1000, 0x1800, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(0x2800, 0x1800, 0, MEMBLOCK_HOTPLUG), 0);
  mb.trim_memory(0x1000);
  EXPECT_REGIONS(mb.memory, {rgn(0x1000, 0x1000, MEMBLOCK_NONE, 0), rgn(0x3000, 0x1000, MEMBLOCK_HOTPLUG, 0)},
                 0x3000);
}

// memblock_trim_memory with a 2M alignment on a region ending at
// PHYS_ADDR_MAX: round_up(base, 2M) wraps to 0 and the region becomes
// [0, 0xffffffffffe00000) at index 1, after a higher region (I1 broken; the
// kernel oracle agrees). The next add runs the merge pass, which hits the
// kernel's BUG_ON in memblock_merge_regions: recorded, not aborted.
TEST(MemblockTrimMemory, RoundUpWrapThenMergeBug) {
  Memblock mb;
  EXPECT_EQ(mb.add(0xfffffffffffd3fff, 0x4c000), 0);  // capped at PHYS_ADDR_MAX
  EXPECT_EQ(mb.add(0xb3f9000, 0x8000000000), 0);
  mb.trim_memory(SZ_2M);
  EXPECT_REGIONS(mb.memory, {rgn(0xb400000, 0x7fffe00000), rgn(0, 0xffffffffffe00000)},
                 0x8000000000 + 0x2c000);
  EXPECT_EQ(mb.kernel_bug, KernelBug::None);
  EXPECT_EQ(mb.add(0x1000, 0x1000), 0);
  EXPECT_EQ(mb.kernel_bug, KernelBug::MergeOverlap);
  EXPECT_EQ(kernel_bug_line(mb.kernel_bug), 520);
}

// memblock_cap_memory_range inside a NOMAP region [sim]
//   before: |+---------------- NOMAP ----------------+|
//   after:  |+--NOMAP--+------NOMAP------+--NOMAP--+|
//           0x500000   0x540000         0x5c0000   0x600000
// Expect: three touching regions with identical attributes (I3 broken);
// NOMAP regions outside the cap survive.
TEST(MemblockCapMemoryRange, NomapI3Quirk) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x500000, 0x100000), 0);
  EXPECT_EQ(mb.mark_nomap(0x500000, 0x100000), 0);
  mb.cap_memory_range(0x540000, 0x80000);
  EXPECT_REGIONS(mb.memory, {rgn(0x500000, 0x40000, MEMBLOCK_NOMAP), rgn(0x540000, 0x80000, MEMBLOCK_NOMAP),
                             rgn(0x5c0000, 0x40000, MEMBLOCK_NOMAP)});
  // Any later setclr (even of size 0) runs the merge pass and heals it.
  EXPECT_EQ(mb.mark_hotplug(0, 0), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0x500000, 0x100000, MEMBLOCK_NOMAP)});
}

// memblock_cap_memory_range: keep [512M, 2.5G) of memory and reserved
//   memory:   |+--[0,1G)--+      +--[2G,3G)--+|
//   reserved: | [1M,2M)         [2G+1M,+1M)   [2.75G,+1M) |
//   cap:           [512M ------------- 2.5G)
// Expect: memory [512M,1G) + [2G,2.5G); reserved only [2G+1M,+1M).
TEST(MemblockCapMemoryRange, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.add(2 * SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(2 * SZ_1G + SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(2 * SZ_1G + 3 * SZ_512M / 2, SZ_1M), 0);
  mb.cap_memory_range(SZ_512M, 2 * SZ_1G);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_512M, SZ_512M), rgn(2 * SZ_1G, SZ_512M)});
  EXPECT_REGIONS(mb.reserved, {rgn(2 * SZ_1G + SZ_1M, SZ_1M)});
}

// memblock_cap_memory_range with size 0, or before any memory exists
// ("No memory registered yet"): nothing happens, reserved included.
TEST(MemblockCapMemoryRange, NoopCases) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_1M), 0);
  mb.cap_memory_range(SZ_16M, SZ_16M);
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_1M, SZ_1M)});
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  const Memblock before = mb;
  mb.cap_memory_range(SZ_16M, 0);
  EXPECT_EQ(mb, before);
}

// memblock_cap_memory_range over a range without memory: every non-NOMAP
// region is deleted; a NOMAP region survives.
TEST(MemblockCapMemoryRange, Absent) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.add(SZ_16M, SZ_1M), 0);
  EXPECT_EQ(mb.mark_nomap(SZ_16M, SZ_1M), 0);
  mb.cap_memory_range(SZ_1G, SZ_1G);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_16M, SZ_1M, MEMBLOCK_NOMAP)});
  mb = Memblock{};
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  mb.cap_memory_range(SZ_1G, SZ_1G);
  EXPECT_REGIONS(mb.memory, {removed_dummy()});
}

// __find_max_addr: the limit is a size, walked over the regions in order;
// NOMAP regions count.
TEST(MemblockFindMaxAddr, Walk) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.add(2 * SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_nomap(0, SZ_512M), 0);
  EXPECT_EQ(mb.find_max_addr(SZ_512M), SZ_512M);
  EXPECT_EQ(mb.find_max_addr(SZ_1G), SZ_1G);
  EXPECT_EQ(mb.find_max_addr(SZ_1G + SZ_512M), 2 * SZ_1G + SZ_512M);
  EXPECT_EQ(mb.find_max_addr(2 * SZ_1G), 3 * SZ_1G);
  EXPECT_EQ(mb.find_max_addr(2 * SZ_1G + 1), PHYS_ADDR_MAX);
}

// memblock_mem_limit_remove_map(1.5G) == cap_memory_range(0, 2.5G); a
// NOMAP region above the cut survives.
//   |+--[0,1G)--+   +--[2G,3G)--+  +NOMAP 4G+|
//   keep: [0, 2.5G)
TEST(MemblockMemLimitRemoveMap, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.add(2 * SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.add(SZ_4G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_nomap(SZ_4G, SZ_1G), 0);
  EXPECT_EQ(mb.reserve(3 * SZ_1G - SZ_1M, SZ_2M), 0);
  mb.mem_limit_remove_map(SZ_1G + SZ_512M);
  EXPECT_REGIONS(mb.memory, {rgn(0, SZ_1G), rgn(2 * SZ_1G, SZ_512M), rgn(SZ_4G, SZ_1G, MEMBLOCK_NOMAP)});
  EXPECT_REGIONS(mb.reserved, {test::removed_dummy()});
}

// memblock_mem_limit_remove_map with limit 0 or above the memory total: no-op.
TEST(MemblockMemLimitRemoveMap, Noop) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  const Memblock before = mb;
  mb.mem_limit_remove_map(0);
  mb.mem_limit_remove_map(SZ_1G + 1);
  EXPECT_EQ(mb, before);
}

// memblock_enforce_memory_limit(1.5G): removes [2.5G, MAX) from memory and
// reserved, NOMAP or not (unlike cap_memory_range).
TEST(MemblockEnforceMemoryLimit, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.add(2 * SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.add(SZ_4G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_nomap(SZ_4G, SZ_1G), 0);
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(3 * SZ_1G - SZ_1M, SZ_2M), 0);
  mb.enforce_memory_limit(SZ_1G + SZ_512M);
  EXPECT_REGIONS(mb.memory, {rgn(0, SZ_1G), rgn(2 * SZ_1G, SZ_512M)});
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_1M, SZ_1M)});
}

// memblock_enforce_memory_limit with limit 0 or beyond the total: no-op.
TEST(MemblockEnforceMemoryLimit, Noop) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.reserve(SZ_2M, SZ_1G), 0);
  const Memblock before = mb;
  mb.enforce_memory_limit(0);
  mb.enforce_memory_limit(2 * SZ_1G);
  EXPECT_EQ(mb, before);
}

}  // namespace
}  // namespace mbv
