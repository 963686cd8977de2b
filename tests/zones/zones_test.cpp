// free_area_init, find_zone_movable_pfns_for_nodes and the zone printouts
// (mm/page_alloc.c).
#include <gtest/gtest.h>

#include "impl/zones/zones.h"

namespace mbv {
namespace {

constexpr std::uint64_t G = SZ_1G;

struct Mem {
  PhysRange range;
  int nid;
  std::uint32_t flags;
};

Memblock memblock_of(std::initializer_list<Mem> regions) {
  Memblock mb;
  mb.allow_resize();
  for (const Mem& m : regions)
    EXPECT_EQ(mb.add_node(m.range.start, m.range.end - m.range.start, m.nid, m.flags), 0);
  return mb;
}

std::vector<std::uint64_t> movable_starts(const ZoneLayout& z) {
  std::vector<std::uint64_t> out;
  for (std::size_t n = 0; n < z.zone_movable_pfn.size(); ++n)
    if (z.zone_movable_pfn[n]) out.push_back(n << 48 | z.zone_movable_pfn[n]);
  return out;
}
constexpr std::uint64_t node_pfn(std::uint64_t nid, std::uint64_t addr) {
  return nid << 48 | addr >> PAGE_SHIFT;
}

// free_area_init: a laptop with RAM above 4G (the MacBook of real-machines/).
// Expect: the kernel's four Zone ranges lines, no movable zone.
TEST(FreeAreaInit, Simple) {
  Memblock mb = memblock_of({{{0x1000, 0x58000}, 0, 0}, {{0x100000, 0x83dcd000}, 0, 0},
                             {{0x100000000, 0x26f000000}, 0, 0}});
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns(0x26f000), {});
  EXPECT_EQ(print_zone_ranges(z), (std::vector<std::string>{
                                      "Zone ranges:",
                                      "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
                                      "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
                                      "  Normal   [mem 0x0000000100000000-0x000000026effffff]",
                                      "  Device   empty"}));
  EXPECT_EQ(print_movable_zone_start(z),
            (std::vector<std::string>{"Movable zone start for each node"}));
  EXPECT_EQ(print_early_memory_node_ranges(mb),
            (std::vector<std::string>{"Early memory node ranges",
                                      "  node   0: [mem 0x0000000000001000-0x0000000000057fff]",
                                      "  node   0: [mem 0x0000000000100000-0x0000000083dccfff]",
                                      "  node   0: [mem 0x0000000100000000-0x000000026effffff]"}));
  EXPECT_EQ(z.movable_zone, ZONE_NORMAL);
  EXPECT_TRUE(movable_starts(z).empty());
}

// free_area_init: all RAM below 4G: Normal is empty and DMA32 is the movable zone.
TEST(FreeAreaInit, OnlyRegion) {
  Memblock mb = memblock_of({{{0x1000, 0x60000000}, 0, 0}});
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns(0x60000), {});
  EXPECT_EQ(print_zone_ranges(z)[2], "  DMA32    [mem 0x0000000001000000-0x000000005fffffff]");
  EXPECT_EQ(print_zone_ranges(z)[3], "  Normal   empty");
  EXPECT_EQ(z.movable_zone, ZONE_DMA32);
}

// find_zone_movable_pfns_for_nodes, movable_node: ZONE_MOVABLE starts at the
// node's lowest HOTPLUG base and runs to the node end, so the non-hotplug
// memory above it is included (11.2.7).
//   n0 [1M, 4G) | n1 [4G, 8G) HOTPLUG | n1 [8G, 12G) plain
// Expect: Node 1 starts at 4G; node 1's Movable span is [4G, 12G), Normal empty.
TEST(FindZoneMovablePfns, MovableNodeWithin) {
  Memblock mb = memblock_of({{{SZ_1M, 4 * G}, 0, 0},
                             {{4 * G, 8 * G}, 1, MEMBLOCK_HOTPLUG},
                             {{8 * G, 12 * G}, 1, 0}});
  MovableZoneConfig cfg;
  cfg.movable_node = true;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((12 * G) >> PAGE_SHIFT), cfg);
  EXPECT_EQ(movable_starts(z), (std::vector<std::uint64_t>{node_pfn(1, 4 * G)}));
  EXPECT_EQ(print_movable_zone_start(z),
            (std::vector<std::string>{"Movable zone start for each node",
                                      "  Node 1: 0x0000000100000000"}));
  ASSERT_EQ(z.nodes.size(), 2u);
  const NodeZones& n1 = z.nodes[1];
  EXPECT_EQ(n1.zones[ZONE_MOVABLE], (ZoneSpan{(4 * G) >> 12, (12 * G) >> 12, (8 * G) >> 12,
                                              (8 * G) >> 12}));
  EXPECT_EQ(n1.zones[ZONE_NORMAL].spanned, 0u);
}

// find_zone_movable_pfns_for_nodes, movable_node: an unaligned HOTPLUG base is
// rounded up to 1024 pages (4 MiB stay in a kernel zone); a node whose
// rounded start reaches its end gets no ZONE_MOVABLE.
TEST(FindZoneMovablePfns, MovableNodeNearMax) {
  Memblock mb = memblock_of({{{SZ_1M, 4 * G}, 0, 0},
                             {{4 * G + PAGE_SIZE, 8 * G}, 1, MEMBLOCK_HOTPLUG},
                             {{8 * G + PAGE_SIZE, 8 * G + SZ_2M}, 2, MEMBLOCK_HOTPLUG}});
  MovableZoneConfig cfg;
  cfg.movable_node = true;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((8 * G + SZ_2M) >> PAGE_SHIFT), cfg);
  EXPECT_EQ(movable_starts(z), (std::vector<std::uint64_t>{node_pfn(1, 4 * G + 4 * SZ_1M)}));
}

// find_zone_movable_pfns_for_nodes, kernelcore=2G on two 4G nodes: node 0's
// DMA/DMA32 pages below the movable zone's floor are charged as kernelcore
// and use it all up, so all of node 1 becomes ZONE_MOVABLE and node 0 none.
TEST(FindZoneMovablePfns, KernelcoreOverlapBottom) {
  Memblock mb = memblock_of({{{SZ_1M, 4 * G}, 0, 0}, {{4 * G, 8 * G}, 1, 0}});
  MovableZoneConfig cfg;
  cfg.required_kernelcore = (2 * G) >> PAGE_SHIFT;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((8 * G) >> PAGE_SHIFT), cfg);
  EXPECT_EQ(movable_starts(z), (std::vector<std::uint64_t>{node_pfn(1, 4 * G)}));
}

// find_zone_movable_pfns_for_nodes, movablecore=25% of one 4G node at [4G, 8G):
// the top quarter becomes ZONE_MOVABLE.
TEST(FindZoneMovablePfns, MovablecorePercent) {
  Memblock mb = memblock_of({{{4 * G, 8 * G}, 0, 0}});
  MovableZoneConfig cfg;
  cfg.required_movablecore_percent = 25;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((8 * G) >> PAGE_SHIFT), cfg);
  EXPECT_EQ(movable_starts(z), (std::vector<std::uint64_t>{node_pfn(0, 7 * G)}));
  EXPECT_EQ(print_zone_ranges(z)[1], "  DMA      empty");
}

// kernelcore at or above the total: no ZONE_MOVABLE at all.
TEST(FindZoneMovablePfns, KernelcoreAbsent) {
  Memblock mb = memblock_of({{{SZ_1M, 4 * G}, 0, 0}});
  MovableZoneConfig cfg;
  cfg.required_kernelcore = (8 * G) >> PAGE_SHIFT;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((4 * G) >> PAGE_SHIFT), cfg);
  EXPECT_TRUE(movable_starts(z).empty());
}

// kernelcore=mirror: ZONE_MOVABLE starts at the lowest non-mirrored region
// above 4G; non-mirrored memory below 4G only warns.
TEST(FindZoneMovablePfns, MirrorSimple) {
  Memblock mb = memblock_of({{{SZ_1M, 4 * G}, 0, 0},
                             {{4 * G, 6 * G}, 0, MEMBLOCK_MIRROR},
                             {{6 * G, 8 * G}, 0, 0}});
  MovableZoneConfig cfg;
  cfg.mirrored_kernelcore = true;
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((8 * G) >> PAGE_SHIFT), cfg);
  EXPECT_EQ(movable_starts(z), (std::vector<std::uint64_t>{node_pfn(0, 6 * G)}));
  EXPECT_TRUE(z.unmirrored_kernel_memory);
  ASSERT_FALSE(z.log.empty());
  EXPECT_EQ(z.log[0], "This configuration results in unmirrored kernel memory.");
  // With mirror, NORMAL is not cut at the movable start; its non-mirror pages are absent.
  const NodeZones& n0 = z.nodes[0];
  EXPECT_EQ(n0.zones[ZONE_NORMAL].spanned, (4 * G) >> PAGE_SHIFT);
  EXPECT_EQ(n0.zones[ZONE_NORMAL].present, (2 * G) >> PAGE_SHIFT);
  EXPECT_EQ(n0.zones[ZONE_MOVABLE].present, (2 * G) >> PAGE_SHIFT);
}

// Zone spans without ZONE_MOVABLE: DMA, DMA32 and Normal partition the node.
TEST(NodeZones, Simple) {
  Memblock mb = memblock_of({{{0x1000, 0x9f000}, 0, 0}, {{SZ_1M, 3 * G}, 0, 0},
                             {{4 * G, 6 * G}, 0, 0}});
  const ZoneLayout z = free_area_init(mb, x86_max_zone_pfns((6 * G) >> PAGE_SHIFT), {});
  ASSERT_EQ(z.nodes.size(), 1u);
  const NodeZones& n = z.nodes[0];
  EXPECT_EQ(n.zones[ZONE_DMA], (ZoneSpan{1, 0x1000, 0xfff, 0x9e + (0x1000 - 0x100)}));
  EXPECT_EQ(n.zones[ZONE_DMA32].start_pfn, 0x1000u);
  EXPECT_EQ(n.zones[ZONE_DMA32].end_pfn, 0x100000u);
  EXPECT_EQ(n.zones[ZONE_NORMAL], (ZoneSpan{0x100000, 0x180000, 0x80000, 0x80000}));
  EXPECT_EQ(n.zones[ZONE_MOVABLE].spanned, 0u);
}

}  // namespace
}  // namespace mbv
