// memblock_add / memblock_add_node / memblock_reserve / memblock_remove /
// memblock_phys_free: the simulator's scenario matrix, plus capacity and
// array doubling. Every test starts from a fresh Memblock.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::initial_dummy;
using test::removed_dummy;
using test::rgn;

struct Rg {
  phys_addr_t base, size;
  phys_addr_t end() const { return base + size; }
};

constexpr std::uint64_t SZ_8K = 2 * SZ_4K;
constexpr std::uint64_t SZ_128M = 1ull << 27;
constexpr std::uint64_t SZ_256M = 1ull << 28;
constexpr std::uint64_t SZ_4M = 1ull << 22;
constexpr std::uint64_t SZ_512K = 1ull << 19;

// A fresh Memblock holds one dummy per type, nid 0, capacity 128.
TEST(MemblockInit, Initialization) {
  Memblock mb;
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
  EXPECT_EQ(mb.memory.max, INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.reserved.max, INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.memory.name, "memory");
  EXPECT_EQ(mb.reserved.name, "reserved");
  EXPECT_FALSE(mb.bottom_up);
  EXPECT_EQ(mb.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
  EXPECT_FALSE(mb.can_resize);
}

// ---------------------------------------------------------------------------
// memblock_add

// memblock_add: one region into an empty array
//   |        +--------------------+            |
//   |        |        rgn         |            |
//   +--------+--------------------+------------+
// Expect: the dummy is overwritten; cnt 1, total_size == rgn.size, nid MAX_NUMNODES.
TEST(MemblockAdd, Simple) {
  Memblock mb;
  const Rg r{SZ_1G, SZ_4M};
  EXPECT_EQ(mb.add(r.base, r.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r.base, r.size)});
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
}

// memblock_add_node: the region carries the given nid and flags.
TEST(MemblockAdd, Node) {
  Memblock mb;
  const Rg r{SZ_1M, SZ_16M};
  EXPECT_EQ(mb.add_node(r.base, r.size, 1, MEMBLOCK_HOTPLUG), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r.base, r.size, MEMBLOCK_HOTPLUG, 1)});
}

// memblock_add: two regions that neither touch nor overlap
//   |   +--------+      +--------+           |
//   |   |   r1   |      |   r2   |           |
//   +---+--------+------+--------+-----------+
// Expect: two regions in address order, cnt 2, total_size r1.size + r2.size.
TEST(MemblockAdd, Disjoint) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_8K}, r2{SZ_1G + SZ_16M, SZ_8K};
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);  // out of order on purpose
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r1.size), rgn(r2.base, r2.size)});
}

// memblock_add: r2 overlaps the top of r1
//   |   +------+-----+------+      |
//   |   |  r1  |both |  r2  |      |
//   +---+------+-----+------+------+
// Expect: one region [r1.base, r2.end), cnt 1, total_size == the union.
TEST(MemblockAdd, OverlapTop) {
  Memblock mb;
  const Rg r1{SZ_512M, SZ_1G}, r2{SZ_1G, SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r2.end() - r1.base)});
}

// memblock_add: r2 overlaps the bottom of r1
//   |   +------+-----+------+      |
//   |   |  r2  |both |  r1  |      |
//   +---+------+-----+------+------+
// Expect: one region [r2.base, r1.end), cnt 1.
TEST(MemblockAdd, OverlapBottom) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_512M, SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r2.base, r1.end() - r2.base)});
}

// memblock_add: r2 lies within r1
//   |   +-----+====+-------+      |
//   |   | r1  | r2 |  r1   |      |
//   +---+-----+====+-------+------+
// Expect: r1 unchanged, cnt 1, total_size r1.size.
TEST(MemblockAdd, Within) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_1G + SZ_16M, SZ_1M};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r1.size)});
}

// memblock_add: the same region twice. Expect: stored once.
TEST(MemblockAdd, Twice) {
  Memblock mb;
  const Rg r{SZ_1G, SZ_8K};
  EXPECT_EQ(mb.add(r.base, r.size), 0);
  EXPECT_EQ(mb.add(r.base, r.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r.base, r.size)});
}

// memblock_add: r3 exactly fills the gap between r1 and r2
//   |   +------+======+------+      |
//   |   |  r1  |  r3  |  r2  |      |
//   +---+------+======+------+------+
// Expect: all three merge into one region, cnt 1.
TEST(MemblockAdd, Between) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_8K}, r2{SZ_1G + SZ_16M, SZ_8K};
  const Rg r3{r1.end(), r2.base - r1.end()};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_EQ(mb.add(r3.base, r3.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r2.end() - r1.base)});
}

// memblock_add: r3 spans r1, r2 and both gaps around them
//   | +====+------+====+------+=====+ |
//   | | r3 |  r1  | r3 |  r2  | r3  | |
//   +-+====+------+====+------+=====+-+
// Expect: one region == r3, cnt 1 (the counting pass finds 3 new pieces).
TEST(MemblockAdd, OverlapTwo) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_8K}, r2{SZ_1G + SZ_16M, SZ_8K}, r3{SZ_512M, SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_EQ(mb.add(r3.base, r3.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r3.base, r3.size)});
}

// memblock_add: a region that would run past PHYS_ADDR_MAX [sim]
//   |                              +--------+|
//   |                              |  rgn   ||<- PHYS_ADDR_MAX (never covered)
//   +------------------------------+--------+|
// Expect: memblock_cap_size stores size PHYS_ADDR_MAX - base (0x1000 here).
TEST(MemblockAdd, NearMax) {
  Memblock mb;
  const Rg r{PHYS_ADDR_MAX - 0x1000, 0x10000};
  EXPECT_EQ(mb.add(r.base, r.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r.base, 0x1000)});
  EXPECT_EQ(mb.end_of_DRAM(), PHYS_ADDR_MAX);
  EXPECT_FALSE(mb.is_memory(PHYS_ADDR_MAX));
}

// memblock_add at PHYS_ADDR_MAX itself: the capped size is 0, nothing happens.
TEST(MemblockAdd, TopOfAddressSpace) {
  Memblock mb;
  EXPECT_EQ(mb.add(PHYS_ADDR_MAX, 0x1000), 0);
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
}

// memblock_add with size 0: returns 0 and changes nothing, even when the
// array is non-empty.
TEST(MemblockAdd, ZeroSize) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, 0), 0);
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.add(SZ_1G, 0), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1M, SZ_1M)});
}

// memblock_add_node over memory of another node [sim]
//   |    +==========+----------+==========+    |
//   |    |  nid 2   | nid 1 HP |  nid 2   |    |
//   +----+==========+----------+==========+----+
//        0x8000     0x10000    0x20000    0x28000
// Expect: covered addresses keep nid 1/HOTPLUG; the new pieces get nid 2,
// flags 0; three regions.
TEST(MemblockAdd, NodeOverlapKeepsOld) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x10000, 0x10000, 1, MEMBLOCK_HOTPLUG), 0);
  EXPECT_EQ(mb.add_node(0x8000, 0x20000, 2, MEMBLOCK_NONE), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0x8000, 0x8000, MEMBLOCK_NONE, 2),
                             rgn(0x10000, 0x10000, MEMBLOCK_HOTPLUG, 1),
                             rgn(0x20000, 0x8000, MEMBLOCK_NONE, 2)});
}

// memblock_add_node fully inside an existing region [sim]
// Expect: nothing changes, not even nid or flags (no merge pass runs).
TEST(MemblockAdd, FullyCoveredChangesNothing) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_16M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(SZ_2M, SZ_1M, 3, MEMBLOCK_HOTPLUG), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1M, SZ_16M, MEMBLOCK_NONE, 0)});
}

// memblock_add_node: touching regions of different nid stay separate;
// touching regions of the same nid and flags merge.
TEST(MemblockAdd, TouchingMergeRule) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x100000, 0x100000, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(0x200000, 0x100000, 1, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(0x300000, 0x100000, 1, MEMBLOCK_NONE), 0);
  EXPECT_REGIONS(mb.memory,
                 {rgn(0x100000, 0x100000, MEMBLOCK_NONE, 0), rgn(0x200000, 0x200000, MEMBLOCK_NONE, 1)});
}

// Adds 128 disjoint regions: the array is exactly full (cnt == max) [sim].
Memblock full_memory() {
  Memblock mb;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
    EXPECT_EQ(mb.add(SZ_1M + i * 0x2000, 0x1000), 0);
  EXPECT_EQ(mb.memory.cnt(), INIT_MEMBLOCK_REGIONS);
  return mb;
}

// memblock_add: the 129th disjoint region before memblock_allow_resize [sim]
//   | r0 |  | r1 | ... | r127 |  | r128 |
// Expect: -ENOMEM and the state is unchanged (the counting pass fails
// before anything is inserted).
TEST(MemblockAdd, ManyWithoutResize) {
  Memblock mb = full_memory();
  const Memblock before = mb;
  EXPECT_EQ(mb.add(SZ_1M + INIT_MEMBLOCK_REGIONS * 0x2000, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
  // An add already covered by r0 needs no new piece and succeeds.
  EXPECT_EQ(mb.add(SZ_1M, 0x800), 0);
  EXPECT_EQ(mb, before);
  // Filling the gap between r0 and r1 would leave fewer regions after the
  // merge, but the counting pass sees one new piece first: -ENOMEM.
  EXPECT_EQ(mb.add(SZ_1M + 0x1000, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
}

// memblock_add: the 129th region after memblock_allow_resize doubles the
// memory array. The new array (256 * 24 bytes, page-rounded to 0x2000) is
// found top-down in free memory below current_limit and reserved.
//   |  r0 .. r127  ...  free  ...        | new array |
//   +------------------------------------+-----------+
//                                        0xffffe000  4G
TEST(MemblockAdd, ManyWithResize) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_4G - SZ_16M, SZ_16M), 0);  // a top region to hold the array
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++)
    EXPECT_EQ(mb.add(SZ_1M + i * 0x2000, 0x1000), 0);
  ASSERT_EQ(mb.memory.cnt(), INIT_MEMBLOCK_REGIONS);
  mb.allow_resize();
  const phys_addr_t extra = SZ_1M + (INIT_MEMBLOCK_REGIONS - 1) * 0x2000;
  EXPECT_EQ(mb.add(extra, 0x1000), 0);
  EXPECT_EQ(mb.memory.cnt(), INIT_MEMBLOCK_REGIONS + 1);
  EXPECT_EQ(mb.memory.max, 2 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.memory.array_phys, SZ_4G - 0x2000);
  EXPECT_EQ(mb.memory.total_size, SZ_16M + INIT_MEMBLOCK_REGIONS * 0x1000);
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_4G - 0x2000, 0x2000)});
  EXPECT_EQ(mb.reserved.max, INIT_MEMBLOCK_REGIONS);
}

// memblock_add needing a new array while no free memory exists: -ENOMEM.
TEST(MemblockAdd, ResizeWithoutFreeMemory) {
  Memblock mb = full_memory();
  EXPECT_EQ(mb.reserve(0, SZ_4G), 0);  // everything is taken
  mb.allow_resize();
  const Memblock before = mb;
  EXPECT_EQ(mb.add(SZ_1G, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
}

// Doubling memory while reserved is full and memory has room for exactly
// one new array: the new memory array takes the only free 8K, reserving it
// needs a new reserved array, which finds no room: the kernel's BUG_ON in
// memblock_double_array. The model records it (and stops there).
//   memory:   |[m0]  [m1] ... [m126]  [m127]|
//   reserved: |[m0]  [m1] ... [m126]        |   + one elsewhere = 128
TEST(MemblockAdd, DoubleArrayReserveBug) {
  Memblock mb;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) {
    EXPECT_EQ(mb.add(SZ_1M + i * 0x10000, 0x2000), 0);
    if (i + 1 < INIT_MEMBLOCK_REGIONS) {
      EXPECT_EQ(mb.reserve(SZ_1M + i * 0x10000, 0x2000), 0);
    }
  }
  EXPECT_EQ(mb.reserve(SZ_4G, SZ_4K), 0);
  ASSERT_EQ(mb.reserved.cnt(), INIT_MEMBLOCK_REGIONS);
  mb.allow_resize();
  EXPECT_EQ(mb.add(2 * SZ_1G, SZ_4K), 0);
  EXPECT_EQ(mb.kernel_bug, KernelBug::DoubleArrayReserve);
  EXPECT_EQ(mb.memory.array_phys, SZ_1M + (INIT_MEMBLOCK_REGIONS - 1) * 0x10000);
}

// ---------------------------------------------------------------------------
// memblock_reserve

// memblock_reserve: one region. Expect: reserved holds it, memory untouched.
TEST(MemblockReserve, Simple) {
  Memblock mb;
  const Rg r{SZ_128M, SZ_16M};
  EXPECT_EQ(mb.reserve(r.base, r.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r.base, r.size)});
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
}

// memblock_reserve: two disjoint regions; cnt 2.
TEST(MemblockReserve, Disjoint) {
  Memblock mb;
  const Rg r1{SZ_256M, SZ_16M}, r2{SZ_512M, SZ_512M};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r1.size), rgn(r2.base, r2.size)});
}

// memblock_reserve: r2 overlaps the top of r1
//   |  +----+====+----+   |
//   |  | r1 |both| r2 |   |
//   +--+----+====+----+---+
// Expect: one region [r1.base, r2.end).
TEST(MemblockReserve, OverlapTop) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_1G + SZ_512M, SZ_1G};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r2.end() - r1.base)});
}

// memblock_reserve: r2 overlaps the bottom of r1. Expect: [r2.base, r1.end).
TEST(MemblockReserve, OverlapBottom) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_512M, SZ_1G};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r2.base, r1.end() - r2.base)});
}

// memblock_reserve: r2 within r1. Expect: r1 unchanged.
TEST(MemblockReserve, Within) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_8K}, r2{SZ_1G + SZ_4K, SZ_4K};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r1.size)});
}

// memblock_reserve: the same region twice. Expect: stored once.
TEST(MemblockReserve, Twice) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_16M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(SZ_16M, SZ_1M), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_16M, SZ_1M)});
}

// memblock_reserve: r3 fills the gap between r1 and r2. Expect: one region.
TEST(MemblockReserve, Between) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_8K}, r2{SZ_1G + SZ_1M, SZ_8K};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_EQ(mb.reserve(r1.end(), r2.base - r1.end()), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r2.end() - r1.base)});
}

// memblock_reserve near PHYS_ADDR_MAX: capped like memblock_add.
TEST(MemblockReserve, NearMax) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(PHYS_ADDR_MAX - SZ_1M, SZ_2M), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(PHYS_ADDR_MAX - SZ_1M, SZ_1M)});
  EXPECT_FALSE(mb.is_reserved(PHYS_ADDR_MAX));
  EXPECT_TRUE(mb.is_reserved(PHYS_ADDR_MAX - 1));
}

// memblock_reserve with size 0: nothing happens.
TEST(MemblockReserve, ZeroSize) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_1M, 0), 0);
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
}

// memblock_reserve: the 129th reservation with resize allowed doubles the
// reserved array. The new array avoids the range being reserved: it is
// searched in [r128.end, current_limit) first, top-down, so it lands at the
// top of memory, and it is itself reserved.
//   | res0 .. res127 | r128 |     free      | new array |
//   +----------------+------+---------------+-----------+
//                                           4G-0x2000   4G
TEST(MemblockReserve, ManyWithResize) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_4G), 0);
  mb.allow_resize();
  std::vector<MemblockRegion> want;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) {
    EXPECT_EQ(mb.reserve(SZ_1M + i * 0x2000, 0x1000), 0);
    want.push_back(rgn(SZ_1M + i * 0x2000, 0x1000));
  }
  EXPECT_EQ(mb.reserved.max, INIT_MEMBLOCK_REGIONS);
  const Rg r128{SZ_1M + INIT_MEMBLOCK_REGIONS * 0x2000, 0x1000};
  EXPECT_EQ(mb.reserve(r128.base, r128.size), 0);
  want.push_back(rgn(r128.base, r128.size));
  want.push_back(rgn(SZ_4G - 0x2000, 0x2000));
  EXPECT_REGIONS(mb.reserved, want);
  EXPECT_EQ(mb.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.reserved.array_phys, SZ_4G - 0x2000);
}

// memblock_reserve: the reserved array doubles twice. On the second
// doubling the new array (512 * 24 -> 0x3000 bytes) is found below the old
// one, which is still reserved at that moment; then the old array is freed
// and the new one reserved.
//   | res0 .. res255 |     free     | new (0x3000) | old (freed) |
//   +----------------+--------------+--------------+-------------+
//                                   4G-0x5000      4G-0x2000     4G
TEST(MemblockReserve, DoubleTwiceFreesOldArray) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_4G), 0);
  mb.allow_resize();
  std::vector<MemblockRegion> want;
  // After r254, cnt == 256 == max (255 ranges + the first array); r255
  // triggers the second doubling.
  const std::uint64_t n = 2 * INIT_MEMBLOCK_REGIONS;
  for (std::uint64_t i = 0; i < n; i++) {
    EXPECT_EQ(mb.reserve(SZ_1M + i * 0x2000, 0x1000), 0);
    want.push_back(rgn(SZ_1M + i * 0x2000, 0x1000));
  }
  // The second array sits right below the first, which is gone.
  want.push_back(rgn(SZ_4G - 0x5000, 0x3000));
  EXPECT_EQ(mb.reserved.max, 4 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.reserved.array_phys, SZ_4G - 0x5000);
  EXPECT_REGIONS(mb.reserved, want);
}

// ---------------------------------------------------------------------------
// memblock_remove

// memblock_remove: the only region, exactly [sim]
// Expect: the array is empty again, and the dummy now has nid MAX_NUMNODES.
TEST(MemblockRemove, OnlyRegion) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_2M, SZ_4K), 0);
  EXPECT_EQ(mb.remove(SZ_2M, SZ_4K), 0);
  EXPECT_REGIONS(mb.memory, {removed_dummy()});
}

// memblock_remove: r2 removed from { r1, r2 }. Expect: r1 alone, cnt 1.
TEST(MemblockRemove, Simple) {
  Memblock mb;
  const Rg r1{SZ_2M, SZ_4K}, r2{SZ_128M, SZ_4M};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_EQ(mb.remove(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r1.size)});
}

// memblock_remove: a range that holds no memory
//   |  +----+        +....+    |
//   |  | r1 |        : r2 :    |
//   +--+----+--------+....+----+
// Expect: nothing changes, returns 0.
TEST(MemblockRemove, Absent) {
  Memblock mb;
  const Rg r1{SZ_512M, SZ_4M}, r2{SZ_1G, SZ_8K};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.remove(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r1.size)});
}

// memblock_remove: r2 overlaps the top of r1
//   |  +------+....+      |
//   |  |  r1  : r2 :      |
//   +--+------+....+------+
// Expect: r1 keeps [r1.base, r2.base).
TEST(MemblockRemove, OverlapTop) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_1G + SZ_512M, SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.remove(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r2.base - r1.base)});
}

// memblock_remove: r2 overlaps the bottom of r1. Expect: [r2.end, r1.end).
TEST(MemblockRemove, OverlapBottom) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_512M, SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.remove(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r2.end(), r1.end() - r2.end())});
}

// memblock_remove: r2 within r1
//   |  +----+....+-----+   |
//   |  | r1 : r2 : r1  |   |
//   +--+----+....+-----+---+
// Expect: r1 split in two, cnt 2, total_size r1.size - r2.size.
TEST(MemblockRemove, Within) {
  Memblock mb;
  const Rg r1{SZ_1M, SZ_16M}, r2{SZ_2M, SZ_1M};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.remove(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r2.base - r1.base), rgn(r2.end(), r1.end() - r2.end())});
}

// memblock_remove: a range overlapping the top of r1 and the bottom of r2
//   |  +----+.......+----+   |
//   |  | r1 :  r3   : r2 |   |
//   +--+----+.......+----+---+
// Expect: both trimmed, cnt 2.
TEST(MemblockRemove, OverlapTwo) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1G}, r2{SZ_4G, SZ_1G}, r3{SZ_1G + SZ_512M, SZ_4G - SZ_1G};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.add(r2.base, r2.size), 0);
  EXPECT_EQ(mb.remove(r3.base, r3.size), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, r3.base - r1.base), rgn(r3.end(), r2.end() - r3.end())});
}

// memblock_remove: a range running to PHYS_ADDR_MAX cuts the top region.
TEST(MemblockRemove, NearMax) {
  Memblock mb;
  const Rg r1{PHYS_ADDR_MAX - SZ_2M, SZ_2M};
  EXPECT_EQ(mb.add(r1.base, r1.size), 0);
  EXPECT_EQ(mb.remove(PHYS_ADDR_MAX - SZ_1M, SZ_2M), 0);
  EXPECT_REGIONS(mb.memory, {rgn(r1.base, SZ_1M)});
}

// memblock_remove on a never-used array: the dummy keeps nid 0.
TEST(MemblockRemove, FromEmpty) {
  Memblock mb;
  EXPECT_EQ(mb.remove(0, SZ_1G), 0);
  EXPECT_REGIONS(mb.memory, {initial_dummy()});
}

// memblock_remove on a full, non-resizable array fails with -ENOMEM even
// though removing a whole region needs no split: isolate demands
// cnt + 2 <= max first [sim]. With cnt == 127 it still fails.
TEST(MemblockRemove, FullArrayNoResize) {
  Memblock mb = full_memory();
  Memblock before = mb;
  EXPECT_EQ(mb.remove(SZ_1M, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
  mb = Memblock{};
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++) EXPECT_EQ(mb.add(SZ_1M + i * 0x2000, 0x1000), 0);
  before = mb;
  EXPECT_EQ(mb.remove(SZ_1M, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
  // With 126 regions there is room.
  mb = Memblock{};
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS - 2; i++) EXPECT_EQ(mb.add(SZ_1M + i * 0x2000, 0x1000), 0);
  EXPECT_EQ(mb.remove(SZ_1M, 0x1000), 0);
  EXPECT_EQ(mb.memory.cnt(), INIT_MEMBLOCK_REGIONS - 3);
}

// ---------------------------------------------------------------------------
// memblock_phys_free

// memblock_phys_free: the only reservation. Expect: dummy with MAX_NUMNODES.
TEST(MemblockFree, OnlyRegion) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_2M, SZ_8K), 0);
  EXPECT_EQ(mb.phys_free(SZ_2M, SZ_8K), 0);
  EXPECT_REGIONS(mb.reserved, {removed_dummy()});
}

// memblock_phys_free: r1 freed from { r1, r2 }. Expect: r2 alone.
TEST(MemblockFree, Simple) {
  Memblock mb;
  const Rg r1{SZ_4M, SZ_1M}, r2{SZ_16M, SZ_8K};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_EQ(mb.phys_free(r1.base, r1.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r2.base, r2.size)});
}

// memblock_phys_free of an unreserved range: succeeds, changes nothing.
TEST(MemblockFree, Absent) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_2M, SZ_8K), 0);
  EXPECT_EQ(mb.phys_free(SZ_16M, SZ_8K), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_2M, SZ_8K)});
}

// memblock_phys_free: a range overlapping the top of r1. Expect: bottom kept.
TEST(MemblockFree, OverlapTop) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1M}, r2{SZ_1G + SZ_512K, SZ_1M};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.phys_free(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r2.base - r1.base)});
}

// memblock_phys_free: a range overlapping the bottom of r1. Expect: top kept.
TEST(MemblockFree, OverlapBottom) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1M}, r2{SZ_1G - SZ_512K, SZ_1M};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.phys_free(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r2.end(), r1.end() - r2.end())});
}

// memblock_phys_free: a range within r1. Expect: r1 split in two.
TEST(MemblockFree, Within) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1M}, r2{SZ_1G + SZ_64K, SZ_64K};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.phys_free(r2.base, r2.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, SZ_64K), rgn(r2.end(), r1.end() - r2.end())});
}

// memblock_phys_free: a range covering the top of r1 and the bottom of r2.
TEST(MemblockFree, OverlapTwo) {
  Memblock mb;
  const Rg r1{SZ_1G, SZ_1M}, r2{SZ_1G + SZ_2M, SZ_1M}, r3{SZ_1G + SZ_512K, SZ_2M};
  EXPECT_EQ(mb.reserve(r1.base, r1.size), 0);
  EXPECT_EQ(mb.reserve(r2.base, r2.size), 0);
  EXPECT_EQ(mb.phys_free(r3.base, r3.size), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(r1.base, r3.base - r1.base), rgn(r3.end(), r2.end() - r3.end())});
}

// memblock_phys_free near PHYS_ADDR_MAX: size is capped.
TEST(MemblockFree, NearMax) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(PHYS_ADDR_MAX - SZ_2M, SZ_2M), 0);
  EXPECT_EQ(mb.phys_free(PHYS_ADDR_MAX - SZ_1M, PHYS_ADDR_MAX), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(PHYS_ADDR_MAX - SZ_2M, SZ_1M)});
}

// memblock_phys_free on a full reserved array with resize allowed: the
// isolate doubles the reserved array first; the new array must avoid the
// range being freed, so it goes above it (top-down: the top of memory).
TEST(MemblockFree, DoublesWhenFull) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) EXPECT_EQ(mb.reserve(SZ_1M + i * 0x2000, 0x1000), 0);
  mb.allow_resize();
  EXPECT_EQ(mb.phys_free(SZ_1M, 0x1000), 0);
  EXPECT_EQ(mb.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(mb.reserved.array_phys, SZ_1G - 0x2000);
  EXPECT_EQ(mb.reserved.cnt(), INIT_MEMBLOCK_REGIONS);  // -1 freed, +1 array
  EXPECT_FALSE(mb.is_reserved(SZ_1M));
  EXPECT_TRUE(mb.is_reserved(SZ_1G - 1));
}

// init_memblock_regions: a fresh memblock takes new static sizes; the
// memory array of 2 then doubles at the third region, to 4 entries whose
// page-rounded array is found top-down and reserved.
//   |  r0   r1   r2  ...                 | new array |
//   +------------------------------------+-----------+
//                                        0xfffff000  4G
TEST(MemblockInitRegions, SmallArrayDoubles) {
  Memblock mb;
  EXPECT_EQ(mb.init_regions(2, 3), 0);
  EXPECT_EQ(mb.memory.max, 2u);
  EXPECT_EQ(mb.memory.init_max, 2u);
  EXPECT_EQ(mb.reserved.max, 3u);
  EXPECT_EQ(mb.reserved.init_max, 3u);
  mb.allow_resize();
  EXPECT_EQ(mb.add(SZ_4G - SZ_16M, SZ_16M), 0);
  EXPECT_EQ(mb.add(SZ_1M, 0x1000), 0);
  EXPECT_EQ(mb.memory.array_phys, 0u);
  EXPECT_EQ(mb.add(SZ_2M, 0x1000), 0);
  EXPECT_EQ(mb.memory.cnt(), 3u);
  EXPECT_EQ(mb.memory.max, 4u);
  EXPECT_EQ(mb.memory.init_max, 2u);
  EXPECT_EQ(mb.memory.array_phys, SZ_4G - 0x1000);
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_4G - 0x1000, 0x1000)});
}

// Without memblock_allow_resize the third disjoint region finds the static
// array of 2 full: -ENOMEM, nothing changes.
TEST(MemblockInitRegions, FullWithoutResize) {
  Memblock mb;
  ASSERT_EQ(mb.init_regions(2, 2), 0);
  EXPECT_EQ(mb.add(SZ_1M, 0x1000), 0);
  EXPECT_EQ(mb.add(SZ_2M, 0x1000), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.add(SZ_4M, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
}

// Sizes outside [1, 128], or a memblock that already holds a region or has
// doubled, are refused with -EINVAL and nothing changes.
TEST(MemblockInitRegions, Rejected) {
  Memblock mb;
  EXPECT_EQ(mb.init_regions(0, 4), -KERN_EINVAL);
  EXPECT_EQ(mb.init_regions(4, INIT_MEMBLOCK_REGIONS + 1), -KERN_EINVAL);
  EXPECT_EQ(mb, Memblock{});
  EXPECT_EQ(mb.reserve(SZ_1M, 0x1000), 0);
  const Memblock with_region = mb;
  EXPECT_EQ(mb.init_regions(4, 4), -KERN_EINVAL);
  EXPECT_EQ(mb, with_region);
  EXPECT_EQ(mb.init_regions(INIT_MEMBLOCK_REGIONS, INIT_MEMBLOCK_REGIONS), -KERN_EINVAL);
}

}  // namespace
}  // namespace mbv
