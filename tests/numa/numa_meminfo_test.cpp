// numa_add_memblk_to and numa_cleanup_meminfo (arch/x86/mm/numa.c).
#include <gtest/gtest.h>

#include "impl/numa/numa.h"

namespace mbv {
// Readable failures: blocks print as the kernel's [mem ...] plus the node.
void PrintTo(const NumaBlock& b, std::ostream* os) {
  *os << "{0x" << std::hex << b.start << "-0x" << b.end << std::dec << " n" << b.nid << "}";
}
namespace {

constexpr std::uint64_t G = SZ_1G;

Memblock memory_of(std::initializer_list<PhysRange> ranges) {
  Memblock mb;
  for (const PhysRange& r : ranges) EXPECT_EQ(mb.add(r.start, r.end - r.start), 0);
  return mb;
}

void expect_blocks(const NumaMeminfo& mi, std::vector<NumaBlock> want) {
  EXPECT_EQ(mi.blk, want);
}

// numa_add_memblk_to: a plain block is appended.
TEST(NumaAddMemblk, Simple) {
  NumaMeminfo mi;
  EXPECT_EQ(numa_add_memblk_to(1, G, 2 * G, mi, nullptr), 0);
  expect_blocks(mi, {{G, 2 * G, 1}});
}

// numa_add_memblk_to: zero-length blocks are ignored silently, reversed
// blocks and bad nids with a warning; all return 0.
TEST(NumaAddMemblk, Absent) {
  NumaMeminfo mi;
  std::vector<std::string> log;
  EXPECT_EQ(numa_add_memblk_to(0, G, G, mi, &log), 0);
  EXPECT_EQ(numa_add_memblk_to(0, 2 * G, G, mi, &log), 0);
  EXPECT_EQ(numa_add_memblk_to(-1, 0, G, mi, &log), 0);
  EXPECT_EQ(numa_add_memblk_to(MAX_NUMNODES, 0, G, mi, &log), 0);
  expect_blocks(mi, {});
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], "Warning: invalid memblk node 0 [mem 0x80000000-0x3fffffff]");
}

// numa_add_memblk_to: the table holds NR_NODE_MEMBLKS blocks, the next is -EINVAL.
TEST(NumaAddMemblk, NearMax) {
  NumaMeminfo mi;
  for (int i = 0; i < NR_NODE_MEMBLKS; ++i) {
    ASSERT_EQ(numa_add_memblk_to(0, i * SZ_2M, i * SZ_2M + SZ_1M, mi, nullptr), 0);
  }
  EXPECT_EQ(numa_add_memblk_to(0, SZ_4G, SZ_4G + SZ_1M, mi, nullptr), -KERN_EINVAL);
  EXPECT_EQ(mi.blk.size(), static_cast<std::size_t>(NR_NODE_MEMBLKS));
}

// numa_cleanup_meminfo: two blocks of node 0 across the PCI hole are joined,
// the hull covering the hole (the kvm guest of real-machines/).
//   |  n0  |hole|  n0   |  n1  |
// Expect: [0, 0x840000000) on node 0, node 1 untouched, the kernel's message.
TEST(NumaCleanup, Between) {
  Memblock mb = memory_of({{0x1000, 0x9f000}, {0x100000, 0xbff80000}, {0x100000000, 0x1040000000}});
  NumaMeminfo mi{{{0, 0xa0000, 0}, {0x100000, 0xc0000000, 0}, {0x100000000, 0x840000000, 0},
                  {0x840000000, 0x1040000000, 1}}};
  NumaMeminfo reserved;
  std::vector<std::string> log;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, 0x1040000, &log), 0);
  expect_blocks(mi, {{0, 0x840000000, 0}, {0x840000000, 0x1040000000, 1}});
  expect_blocks(reserved, {});
  EXPECT_EQ(log, (std::vector<std::string>{
                     "NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> "
                     "[mem 0x00000000-0xbfffffff]",
                     "NUMA: Node 0 [mem 0x00000000-0xbfffffff] + [mem 0x100000000-0x83fffffff] -> "
                     "[mem 0x00000000-0x83fffffff]"}));
}

// numa_cleanup_meminfo: blocks of different nodes that overlap make the whole
// method fail with -EINVAL.
TEST(NumaCleanup, OverlapTop) {
  Memblock mb = memory_of({{0, 4 * G}});
  NumaMeminfo mi{{{0, 2 * G, 0}, {G, 4 * G, 1}}};
  NumaMeminfo reserved;
  std::vector<std::string> log;
  EXPECT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (4 * G) >> PAGE_SHIFT, &log), -KERN_EINVAL);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0],
            "node 0 [mem 0x00000000-0x7fffffff] overlaps with node 1 [mem 0x40000000-0xffffffff]");
}

// numa_cleanup_meminfo: overlapping blocks of the same node are allowed (with
// a warning) and merged.
TEST(NumaCleanup, Twice) {
  Memblock mb = memory_of({{0, 4 * G}});
  NumaMeminfo mi{{{0, 2 * G, 0}, {G, 3 * G, 0}}};
  NumaMeminfo reserved;
  std::vector<std::string> log;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (4 * G) >> PAGE_SHIFT, &log), 0);
  expect_blocks(mi, {{0, 3 * G, 0}});
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "Warning: node 0 [mem 0x00000000-0x7fffffff] overlaps with itself "
                    "[mem 0x40000000-0xbfffffff]");
}

// numa_cleanup_meminfo: interleaved nodes are not joined, because each hull
// would cover a block of the other node.
//   | n0 | n1 | n0 | n1 |
// Expect: four blocks, unchanged.
TEST(NumaCleanup, Disjoint) {
  Memblock mb = memory_of({{0, 4 * G}});
  NumaMeminfo mi{{{0, G, 0}, {G, 2 * G, 1}, {2 * G, 3 * G, 0}, {3 * G, 4 * G, 1}}};
  const NumaMeminfo before = mi;
  NumaMeminfo reserved;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (4 * G) >> PAGE_SHIFT, nullptr), 0);
  EXPECT_EQ(mi, before);
}

// numa_cleanup_meminfo: the merge pass continues at the same j after a join,
// so a later block of node 0 can be joined while an earlier blocked one stays.
//   blk: [0,1G) n0, [5G,6G) n0, [2G,3G) n1, [1G,2G) n0
// i=0: j=1 blocked by n1 (hull [0,6G)), j=2 other node, j=3 joined -> [0,2G).
// Expect: {[0,2G) n0, [5G,6G) n0, [2G,3G) n1}; i=1 cannot join [5G,6G) either.
TEST(NumaCleanup, OverlapTwo) {
  Memblock mb = memory_of({{0, 6 * G}});
  NumaMeminfo mi{{{0, G, 0}, {5 * G, 6 * G, 0}, {2 * G, 3 * G, 1}, {G, 2 * G, 0}}};
  NumaMeminfo reserved;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (6 * G) >> PAGE_SHIFT, nullptr), 0);
  expect_blocks(mi, {{0, 2 * G, 0}, {5 * G, 6 * G, 0}, {2 * G, 3 * G, 1}});
}

// numa_cleanup_meminfo: a block without any memblock memory moves to
// numa_reserved_meminfo; the part of a block above max_pfn is copied there
// and cut off.
//   memory [0, 4G); SRAT n0 [0, 8G), n1 [16G, 32G)
// Expect: meminfo {[0,4G) n0}; reserved {[4G,8G) n0, [16G,32G) n1} (trim order).
TEST(NumaCleanup, WithinTrim) {
  Memblock mb = memory_of({{0, 4 * G}});
  NumaMeminfo mi{{{0, 8 * G, 0}, {16 * G, 32 * G, 1}}};
  NumaMeminfo reserved;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (4 * G) >> PAGE_SHIFT, nullptr), 0);
  expect_blocks(mi, {{0, 4 * G, 0}});
  expect_blocks(reserved, {{4 * G, 8 * G, 0}, {16 * G, 32 * G, 1}});
}

// numa_cleanup_meminfo: a block that lies entirely above max_pfn but overlaps
// memory (RESERVED_KERN above the last RAM) is trimmed to empty and dropped;
// what is kept for hot-add starts at max_pfn, not at the block.
TEST(NumaCleanup, NearMax) {
  Memblock mb = memory_of({{0, 4 * G}, {8 * G, 9 * G}});
  NumaMeminfo mi{{{0, 4 * G, 0}, {8 * G, 9 * G, 1}}};
  NumaMeminfo reserved;
  ASSERT_EQ(numa_cleanup_meminfo(mi, reserved, mb, (4 * G) >> PAGE_SHIFT, nullptr), 0);
  expect_blocks(mi, {{0, 4 * G, 0}});
  expect_blocks(reserved, {{4 * G, 9 * G, 1}});
}

}  // namespace
}  // namespace mbv
