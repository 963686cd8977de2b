// Iterators: for_each_free_mem_range(_reverse), for_each_mem_range(_rev),
// for_each_reserved_mem_range, for_each_mem_pfn_range, should_skip_region.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using V = std::vector<MemRange>;

V reversed(V v) {
  std::reverse(v.begin(), v.end());
  return v;
}

// for_each_free_mem_range: memory minus reserved
//   memory:   |  +-------------------------------------+  |
//   reserved: |          +=========+                      |
//   free:     |  [------)           [------------------)  |
//               1M       16M       32M                 1G
TEST(MemblockFreeRange, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1M, SZ_1G - SZ_1M), 0);
  EXPECT_EQ(mb.reserve(SZ_16M, SZ_16M), 0);
  const V want{{SZ_1M, SZ_16M, MAX_NUMNODES}, {2 * SZ_16M, SZ_1G, MAX_NUMNODES}};
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), want);
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), reversed(want));
}

// for_each_free_mem_range over two nodes and three reservations
//   memory:   |  +--nid 0--+        +--------nid 1--------+  |
//   reserved: |+=====+          +=======+    +====+          |
//   free:     |      [----)             [---)    [---)       |
//             0    1M  1.5M  2M  3M  4M   5M 6M  7M   8M
// Expect: ranges per (region, gap) pair with the region's nid; a nid filter
// keeps one node; MAX_NUMNODES means "any node" here.
TEST(MemblockFreeRange, TwoNodes) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(4 * SZ_1M, 4 * SZ_1M, 1, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.reserve(0, SZ_1M + SZ_1M / 2), 0);
  EXPECT_EQ(mb.reserve(3 * SZ_1M, 2 * SZ_1M), 0);
  EXPECT_EQ(mb.reserve(6 * SZ_1M, SZ_1M), 0);
  const V all{{SZ_1M + SZ_1M / 2, 2 * SZ_1M, 0}, {5 * SZ_1M, 6 * SZ_1M, 1}, {7 * SZ_1M, 8 * SZ_1M, 1}};
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), all);
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), reversed(all));
  EXPECT_EQ(mb.free_mem_ranges(MAX_NUMNODES, MEMBLOCK_NONE), all);
  const V node1{all[1], all[2]};
  EXPECT_EQ(mb.free_mem_ranges(1, MEMBLOCK_NONE), node1);
  EXPECT_EQ(mb.free_mem_ranges_reverse(1, MEMBLOCK_NONE), reversed(node1));
  EXPECT_EQ(mb.free_mem_ranges(2, MEMBLOCK_NONE), V{});
}

// A reservation spanning the gap between two memory regions
//   memory:   |+--r0--+      +--r1--+|
//   reserved: |    +==========+      |
// Expect: [r0.base, res.base) and [res.end, r1.end); the gap index carried
// from r0 to r1 finds r1's range.
TEST(MemblockFreeRange, ReservationAcrossRegions) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x10000, 0x10000), 0);
  EXPECT_EQ(mb.add(0x30000, 0x10000), 0);
  EXPECT_EQ(mb.reserve(0x18000, 0x20000), 0);
  const V want{{0x10000, 0x18000, MAX_NUMNODES}, {0x38000, 0x40000, MAX_NUMNODES}};
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), want);
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), reversed(want));
}

// Empty reserved (the dummy [0,0)): free ranges are the memory regions.
TEST(MemblockFreeRange, NoReservations) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x1000), 0);
  EXPECT_EQ(mb.add(0x4000, 0x1000), 0);
  const V want{{0x1000, 0x2000, MAX_NUMNODES}, {0x4000, 0x5000, MAX_NUMNODES}};
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), want);
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), reversed(want));
}

// Dummy quirks [sim]: with memory empty, for_each_mem_range (no B) reports
// the dummy [0,0) once (nid 0, or MAX_NUMNODES after a removal emptied the
// array); the free-range walks (B given) report nothing.
TEST(MemblockMemRange, DummyQuirks) {
  Memblock mb;
  EXPECT_EQ(mb.mem_ranges(), (V{{0, 0, 0}}));
  EXPECT_EQ(mb.mem_ranges_rev(), (V{{0, 0, 0}}));
  EXPECT_EQ(mb.reserved_mem_ranges(), (V{{0, 0, 0}}));
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), V{});
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), V{});
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.remove(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.mem_ranges(), (V{{0, 0, MAX_NUMNODES}}));
  // A node filter skips the dummy like any region of another node.
  EXPECT_EQ(mb.walk_mem_ranges(MemblockTypeId::Memory, std::nullopt, 0, MEMBLOCK_NONE, false), V{});
}

// for_each_mem_range includes HOTPLUG and DRIVER_MANAGED but not NOMAP.
TEST(MemblockMemRange, Flags) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x100000, 0x100000, 0, MEMBLOCK_HOTPLUG), 0);
  EXPECT_EQ(mb.add_node(0x300000, 0x100000, 0, MEMBLOCK_NOMAP), 0);
  EXPECT_EQ(mb.add_node(0x500000, 0x100000, 0, MEMBLOCK_DRIVER_MANAGED), 0);
  mb.movable_node = true;  // the HOTPLUG request flag keeps it anyway
  const V want{{0x100000, 0x200000, 0}, {0x500000, 0x600000, 0}};
  EXPECT_EQ(mb.mem_ranges(), want);
  EXPECT_EQ(mb.mem_ranges_rev(), reversed(want));
}

// for_each_reserved_mem_range never filters, whatever nid or flags.
TEST(MemblockMemRange, ReservedNeverSkipped) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.set_node(SZ_1M, SZ_1M, MemblockTypeId::Reserved, 3), 0);
  EXPECT_EQ(mb.reserved_mem_ranges(), (V{{SZ_1M, SZ_2M, 3}}));
  EXPECT_EQ(mb.walk_mem_ranges(MemblockTypeId::Reserved, std::nullopt, 5, MEMBLOCK_MIRROR, false),
            (V{{SZ_1M, SZ_2M, 3}}));
}

// should_skip_region, one rule at a time.
TEST(MemblockShouldSkipRegion, Rules) {
  Memblock mb;
  const auto M = MemblockTypeId::Memory;
  const MemblockRegion plain{0x1000, 0x1000, MEMBLOCK_NONE, 1};
  const MemblockRegion hot{0x1000, 0x1000, MEMBLOCK_HOTPLUG, 1};
  const MemblockRegion mirror{0x1000, 0x1000, MEMBLOCK_MIRROR, 1};
  const MemblockRegion nomap{0x1000, 0x1000, MEMBLOCK_NOMAP, 1};
  const MemblockRegion dm{0x1000, 0x1000, MEMBLOCK_DRIVER_MANAGED, 1};
  // 1. reserved is never skipped
  EXPECT_FALSE(mb.should_skip_region(MemblockTypeId::Reserved, nomap, 7, MEMBLOCK_MIRROR));
  // 2. nid filter
  EXPECT_FALSE(mb.should_skip_region(M, plain, NUMA_NO_NODE, MEMBLOCK_NONE));
  EXPECT_FALSE(mb.should_skip_region(M, plain, 1, MEMBLOCK_NONE));
  EXPECT_TRUE(mb.should_skip_region(M, plain, 2, MEMBLOCK_NONE));
  // 3. hotplug only with movable_node, unless requested
  EXPECT_FALSE(mb.should_skip_region(M, hot, NUMA_NO_NODE, MEMBLOCK_NONE));
  mb.movable_node = true;
  EXPECT_TRUE(mb.should_skip_region(M, hot, NUMA_NO_NODE, MEMBLOCK_NONE));
  EXPECT_FALSE(mb.should_skip_region(M, hot, NUMA_NO_NODE, MEMBLOCK_HOTPLUG));
  // 4. a mirror request skips non-mirror memory
  EXPECT_TRUE(mb.should_skip_region(M, plain, NUMA_NO_NODE, MEMBLOCK_MIRROR));
  EXPECT_FALSE(mb.should_skip_region(M, mirror, NUMA_NO_NODE, MEMBLOCK_MIRROR));
  EXPECT_FALSE(mb.should_skip_region(M, mirror, NUMA_NO_NODE, MEMBLOCK_NONE));
  // 5. nomap unless requested
  EXPECT_TRUE(mb.should_skip_region(M, nomap, NUMA_NO_NODE, MEMBLOCK_NONE));
  EXPECT_FALSE(mb.should_skip_region(M, nomap, NUMA_NO_NODE, MEMBLOCK_NOMAP));
  // 6. driver-managed unless requested
  EXPECT_TRUE(mb.should_skip_region(M, dm, NUMA_NO_NODE, MEMBLOCK_NONE));
  EXPECT_FALSE(mb.should_skip_region(M, dm, NUMA_NO_NODE, MEMBLOCK_DRIVER_MANAGED));
}

// Free ranges skip NOMAP memory unless asked, and HOTPLUG memory under
// movable_node.
TEST(MemblockFreeRange, SkipRules) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x100000, 0x100000), 0);
  EXPECT_EQ(mb.add_node(0x200000, 0x100000, MAX_NUMNODES, MEMBLOCK_HOTPLUG), 0);
  EXPECT_EQ(mb.add_node(0x300000, 0x100000, MAX_NUMNODES, MEMBLOCK_NOMAP), 0);
  const MemRange a{0x100000, 0x200000, MAX_NUMNODES}, h{0x200000, 0x300000, MAX_NUMNODES},
      n{0x300000, 0x400000, MAX_NUMNODES};
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), (V{a, h}));
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NOMAP), (V{a, h, n}));
  mb.movable_node = true;
  EXPECT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), (V{a}));
  EXPECT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_HOTPLUG), (V{h, a}));
}

// for_each_mem_pfn_range: whole pages only; MAX_NUMNODES means all nodes,
// NUMA_NO_NODE matches no region; NOMAP and HOTPLUG are not filtered.
//   nid 0 [0x1800, 0x5800) -> pfns [2, 5)
//   nid 0 [0x6000, 0x6800) -> no whole page, skipped
//   nid 1 [0x10000, 0x20000) NOMAP|HOTPLUG -> pfns [0x10, 0x20)
TEST(MemblockPfnRange, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x1800, 0x4000, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(0x6000, 0x800, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(0x10000, 0x10000, 1, MEMBLOCK_NOMAP | MEMBLOCK_HOTPLUG), 0);
  mb.movable_node = true;
  using P = std::vector<PfnRange>;
  EXPECT_EQ(mb.mem_pfn_ranges(MAX_NUMNODES), (P{{2, 5, 0}, {0x10, 0x20, 1}}));
  EXPECT_EQ(mb.mem_pfn_ranges(0), (P{{2, 5, 0}}));
  EXPECT_EQ(mb.mem_pfn_ranges(1), (P{{0x10, 0x20, 1}}));
  EXPECT_EQ(mb.mem_pfn_ranges(NUMA_NO_NODE), P{});
}

// Cross-check: the free-range walks against a page bitmap, over random
// small states (fixed seed). A free range is a maximal run of unreserved
// pages inside one memory region.
TEST(MemblockFreeRange, MatchesBitmapOracle) {
  std::mt19937_64 rng(12345);
  constexpr int kPages = 48;
  for (int iter = 0; iter < 300; iter++) {
    Memblock mb;
    const int nops = 1 + static_cast<int>(rng() % 10);
    for (int i = 0; i < nops; i++) {
      const phys_addr_t base = (rng() % kPages) * PAGE_SIZE;
      const phys_addr_t size = (1 + rng() % 8) * PAGE_SIZE;
      switch (rng() % 4) {
        case 0: EXPECT_EQ(mb.add_node(base, size, static_cast<int>(rng() % 2), MEMBLOCK_NONE), 0); break;
        case 1: EXPECT_EQ(mb.reserve(base, size), 0); break;
        case 2: EXPECT_EQ(mb.phys_free(base, size), 0); break;
        default: EXPECT_EQ(mb.remove(base, size), 0); break;
      }
    }
    V want;
    for (const MemblockRegion& r : mb.memory.regions) {
      phys_addr_t run_start = 0;
      bool in_run = false;
      for (phys_addr_t a = r.base; a <= r.end(); a += PAGE_SIZE) {
        const bool free = a < r.end() && !mb.is_reserved(a);
        if (free && !in_run) {
          run_start = a;
          in_run = true;
        } else if (!free && in_run) {
          want.push_back({run_start, a, r.nid});
          in_run = false;
        }
        if (r.size == 0) break;
      }
    }
    ASSERT_EQ(mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE), want) << mb.dump();
    ASSERT_EQ(mb.free_mem_ranges_reverse(NUMA_NO_NODE, MEMBLOCK_NONE), reversed(want)) << mb.dump();
  }
}

}  // namespace
}  // namespace mbv
