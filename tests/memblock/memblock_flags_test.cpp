// memblock_mark_hotplug / clear_hotplug / mark_mirror / mark_nomap /
// clear_nomap (memblock_setclr_flag) and memblock_set_node.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::initial_dummy;
using test::rgn;

constexpr std::uint64_t SZ_256M = 1ull << 28;

// memblock_mark_hotplug: a range inside one region
//   |  +-------+=========+-------+   |
//   |  |  r1   | HOTPLUG |  r1   |   |
//   +--+-------+=========+-------+---+
// Expect: three regions, the middle one HOTPLUG; total_size unchanged.
TEST(MemblockMarkHotplug, Within) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_hotplug(SZ_1G + SZ_256M, SZ_256M), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_256M), rgn(SZ_1G + SZ_256M, SZ_256M, MEMBLOCK_HOTPLUG),
                             rgn(SZ_1G + 2 * SZ_256M, SZ_512M)});
}

// memblock_mark_hotplug over a whole region and beyond: only memory is
// flagged; nothing is added.
TEST(MemblockMarkHotplug, Covering) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_hotplug(0, SZ_4G), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_1G, MEMBLOCK_HOTPLUG)});
}

// memblock_mark_hotplug on a range without memory: 0, nothing changes.
TEST(MemblockMarkHotplug, Absent) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_hotplug(SZ_4G, SZ_1G), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_1G)});
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
}

// memblock_clear_hotplug(0, PHYS_ADDR_MAX) after marking two separate
// pieces: the split regions merge back into one [sim].
TEST(MemblockClearHotplug, RemergesAll) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_hotplug(SZ_1G + SZ_16M, SZ_16M), 0);
  EXPECT_EQ(mb.mark_hotplug(SZ_1G + SZ_256M, SZ_16M), 0);
  EXPECT_EQ(mb.memory.cnt(), 5u);
  EXPECT_EQ(mb.clear_hotplug(0, PHYS_ADDR_MAX), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_1G)});
}

// memblock_clear_hotplug on part of a HOTPLUG region: split, no merge with
// the still-hotplug neighbours.
TEST(MemblockClearHotplug, Within) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(SZ_1G, SZ_1G, 1, MEMBLOCK_HOTPLUG), 0);
  EXPECT_EQ(mb.clear_hotplug(SZ_1G, SZ_256M), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_256M, MEMBLOCK_NONE, 1),
                             rgn(SZ_1G + SZ_256M, SZ_1G - SZ_256M, MEMBLOCK_HOTPLUG, 1)});
}

// memblock_mark_mirror without kernelcore=mirror: returns 0 and does
// nothing, not even setting system_has_some_mirror [sim].
TEST(MemblockMarkMirror, NoopWithoutMirroredKernelcore) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.mark_mirror(SZ_1G, SZ_256M), 0);
  EXPECT_EQ(mb, before);
  EXPECT_FALSE(mb.system_has_some_mirror);
}

// memblock_mark_mirror with kernelcore=mirror: flags the range and sets
// system_has_some_mirror, even for a range that holds no memory.
TEST(MemblockMarkMirror, WithMirroredKernelcore) {
  Memblock mb;
  mb.mirrored_kernelcore = true;
  EXPECT_EQ(mb.add(SZ_1G, SZ_1G), 0);
  EXPECT_EQ(mb.mark_mirror(SZ_4G, SZ_1G), 0);  // no memory there
  EXPECT_TRUE(mb.system_has_some_mirror);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_1G)});
  EXPECT_EQ(mb.mark_mirror(SZ_1G, SZ_256M), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_256M, MEMBLOCK_MIRROR), rgn(SZ_1G + SZ_256M, SZ_1G - SZ_256M)});
  EXPECT_EQ(mb.choose_memblock_flags(), MEMBLOCK_MIRROR);
}

// memblock_mark_nomap then memblock_clear_nomap: split, then merged back.
TEST(MemblockNomap, MarkAndClear) {
  Memblock mb;
  EXPECT_EQ(mb.add(SZ_1M, SZ_16M), 0);
  EXPECT_EQ(mb.mark_nomap(SZ_2M, SZ_1M), 0);
  EXPECT_REGIONS(mb.memory,
                 {rgn(SZ_1M, SZ_1M), rgn(SZ_2M, SZ_1M, MEMBLOCK_NOMAP), rgn(SZ_2M + SZ_1M, SZ_16M - SZ_2M)});
  EXPECT_FALSE(mb.is_map_memory(SZ_2M));
  EXPECT_TRUE(mb.is_memory(SZ_2M));
  EXPECT_TRUE(mb.is_map_memory(SZ_1M));
  EXPECT_EQ(mb.clear_nomap(SZ_2M, SZ_1M), 0);
  EXPECT_REGIONS(mb.memory, {rgn(SZ_1M, SZ_16M)});
}

// Flags combine per region: HOTPLUG then NOMAP on an overlapping range.
TEST(MemblockFlags, Combine) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x100000, 0x400000), 0);
  EXPECT_EQ(mb.mark_hotplug(0x100000, 0x200000), 0);
  EXPECT_EQ(mb.mark_nomap(0x200000, 0x200000), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0x100000, 0x100000, MEMBLOCK_HOTPLUG),
                             rgn(0x200000, 0x100000, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP),
                             rgn(0x300000, 0x100000, MEMBLOCK_NOMAP), rgn(0x400000, 0x100000)});
}

// memblock_mark_hotplug on a full, non-resizable array: -ENOMEM although
// the range matches a whole region and needs no split [sim].
TEST(MemblockMarkHotplug, FullArrayNoResize) {
  Memblock mb;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) EXPECT_EQ(mb.add(SZ_1M + i * 0x2000, 0x1000), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.mark_hotplug(SZ_1M, 0x1000), -KERN_ENOMEM);
  EXPECT_EQ(mb, before);
}

// memblock_set_node on memory: the two halves get nodes 0 and 1; setting
// the whole range to node 0 merges them again.
//   |+--------nid 0--------+--------nid 1--------+|
//   0                      2G                    4G
TEST(MemblockSetNode, Memory) {
  Memblock mb;
  EXPECT_EQ(mb.add(0, SZ_4G), 0);
  EXPECT_EQ(mb.set_node(0, 2 * SZ_1G, MemblockTypeId::Memory, 0), 0);
  EXPECT_EQ(mb.set_node(2 * SZ_1G, 2 * SZ_1G, MemblockTypeId::Memory, 1), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0, 2 * SZ_1G, MEMBLOCK_NONE, 0), rgn(2 * SZ_1G, 2 * SZ_1G, MEMBLOCK_NONE, 1)});
  EXPECT_EQ(mb.set_node(0, SZ_4G, MemblockTypeId::Memory, 0), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0, SZ_4G, MEMBLOCK_NONE, 0)});
}

// memblock_set_node on reserved works too [sim]; afterwards a reservation
// touching the node-tagged region stays a separate region.
//   |  +--nid 0--+--MAX_NUMNODES--+--new (MAX_NUMNODES)--+  |
//     1M        1.5M              3M                     4M
TEST(MemblockSetNode, Reserved) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_2M), 0);
  EXPECT_EQ(mb.set_node(0, SZ_1M + SZ_1M / 2, MemblockTypeId::Reserved, 0), 0);
  EXPECT_REGIONS(mb.reserved, {rgn(SZ_1M, SZ_1M / 2, MEMBLOCK_NONE, 0),
                               rgn(SZ_1M + SZ_1M / 2, SZ_1M + SZ_1M / 2, MEMBLOCK_NONE, MAX_NUMNODES)});
  EXPECT_EQ(mb.reserve(3 * SZ_1M, SZ_1M), 0);  // merges with the untagged part
  EXPECT_EQ(mb.reserve(0, SZ_1M), 0);          // touches nid 0: stays separate
  EXPECT_REGIONS(mb.reserved, {rgn(0, SZ_1M), rgn(SZ_1M, SZ_1M / 2, MEMBLOCK_NONE, 0),
                               rgn(SZ_1M + SZ_1M / 2, 2 * SZ_1M + SZ_1M / 2)});
}

// memblock_set_node keeps flags: a HOTPLUG piece stays apart after set_node.
TEST(MemblockSetNode, KeepsFlags) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x100000, 0x300000), 0);
  EXPECT_EQ(mb.mark_hotplug(0x200000, 0x100000), 0);
  EXPECT_EQ(mb.set_node(0, PHYS_ADDR_MAX, MemblockTypeId::Memory, 3), 0);
  EXPECT_REGIONS(mb.memory, {rgn(0x100000, 0x100000, MEMBLOCK_NONE, 3),
                             rgn(0x200000, 0x100000, MEMBLOCK_HOTPLUG, 3),
                             rgn(0x300000, 0x100000, MEMBLOCK_NONE, 3)});
}

}  // namespace
}  // namespace mbv
