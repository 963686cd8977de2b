// Queries: memblock_is_region_reserved / memblock_overlaps_region,
// memblock_is_region_memory, memblock_search and what is built on it,
// memblock_search_pfn_nid, start/end of DRAM and the size getters.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"

namespace mbv {
namespace {

// memblock_is_region_reserved uses memblock_addrs_overlap, so a zero-size
// probe "overlaps" only strictly inside a region, never at its base.
//   reserved: |    +=========+     |
//                0x1000     0x3000
TEST(MemblockIsRegionReserved, ZeroSizeProbe) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(0x1000, 0x2000), 0);
  EXPECT_FALSE(mb.is_region_reserved(0x1000, 0));
  EXPECT_TRUE(mb.is_region_reserved(0x2000, 0));
  EXPECT_FALSE(mb.is_region_reserved(0x3000, 0));
  EXPECT_FALSE(mb.is_region_reserved(0x0, 0x1000));  // ends at the base
  EXPECT_TRUE(mb.is_region_reserved(0x0, 0x1001));
  EXPECT_TRUE(mb.is_region_reserved(0x2fff, 0x1000));
  EXPECT_FALSE(mb.is_region_reserved(0x3000, 0x1000));
}

// The size is capped, so a range running past PHYS_ADDR_MAX still overlaps.
TEST(MemblockIsRegionReserved, NearMax) {
  Memblock mb;
  EXPECT_EQ(mb.reserve(PHYS_ADDR_MAX - 0x1000, 0x1000), 0);
  EXPECT_TRUE(mb.is_region_reserved(PHYS_ADDR_MAX - 0x2000, PHYS_ADDR_MAX));
  EXPECT_FALSE(mb.is_region_reserved(0, PHYS_ADDR_MAX - 0x1000));
  EXPECT_TRUE(mb.overlaps_region(MemblockTypeId::Reserved, 0, PHYS_ADDR_MAX));
  EXPECT_FALSE(mb.overlaps_region(MemblockTypeId::Memory, 0, PHYS_ADDR_MAX));
}

// memblock_is_region_memory: one region must cover the whole range; two
// touching regions (different nodes) do not count.
//   |+--nid 0 [1M,2M)--+--nid 1 [2M,3M)--+|
TEST(MemblockIsRegionMemory, SingleRegionOnly) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(SZ_2M, SZ_1M, 1, MEMBLOCK_NONE), 0);
  EXPECT_TRUE(mb.is_region_memory(SZ_1M, SZ_1M));
  EXPECT_FALSE(mb.is_region_memory(SZ_1M, SZ_2M));
  EXPECT_TRUE(mb.is_region_memory(SZ_1M + SZ_4K, 0));
  EXPECT_FALSE(mb.is_region_memory(3 * SZ_1M, 0));
  EXPECT_FALSE(mb.is_region_memory(0, SZ_1M));
}

// memblock_is_region_memory caps the size: the top region counts as
// reaching any end.
TEST(MemblockIsRegionMemory, NearMax) {
  Memblock mb;
  EXPECT_EQ(mb.add(PHYS_ADDR_MAX - 0x1000, 0x1000), 0);
  EXPECT_TRUE(mb.is_region_memory(PHYS_ADDR_MAX - 0x1000, PHYS_ADDR_MAX));
}

// memblock_search: half-open regions; the dummy matches nothing.
TEST(MemblockSearch, Boundaries) {
  Memblock mb;
  EXPECT_EQ(mb.search(MemblockTypeId::Memory, 0), -1);
  for (std::uint64_t i = 0; i < 9; i++) EXPECT_EQ(mb.add(i * 0x10000, 0x1000), 0);
  for (int i = 0; i < 9; i++) {
    const phys_addr_t base = static_cast<phys_addr_t>(i) * 0x10000;
    EXPECT_EQ(mb.search(MemblockTypeId::Memory, base), i);
    EXPECT_EQ(mb.search(MemblockTypeId::Memory, base + 0xfff), i);
    EXPECT_EQ(mb.search(MemblockTypeId::Memory, base + 0x1000), -1);
  }
  EXPECT_TRUE(mb.is_memory(0x80000));
  EXPECT_FALSE(mb.is_memory(0x81000));
  EXPECT_FALSE(mb.is_reserved(0x80000));
}

// memblock_is_map_memory: memory and not NOMAP.
TEST(MemblockSearch, IsMapMemory) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x100000, 0x200000), 0);
  EXPECT_EQ(mb.mark_nomap(0x200000, 0x100000), 0);
  EXPECT_TRUE(mb.is_map_memory(0x100000));
  EXPECT_FALSE(mb.is_map_memory(0x200000));
  EXPECT_FALSE(mb.is_map_memory(0x300000));
}

// memblock_search_pfn_nid: the nid of the region holding the pfn's first
// byte, and the region's span as PFN_DOWN(base) .. PFN_DOWN(end), which
// includes a partial first page.
//   nid 3: [0x1800, 0x5800) -> start_pfn 1, end_pfn 5
TEST(MemblockSearchPfnNid, Simple) {
  Memblock mb;
  EXPECT_EQ(mb.add_node(0x1800, 0x4000, 3, MEMBLOCK_NONE), 0);
  std::uint64_t s = 0, e = 0;
  EXPECT_EQ(mb.search_pfn_nid(2, &s, &e), 3);
  EXPECT_EQ(s, 1u);
  EXPECT_EQ(e, 5u);
  s = e = 77;
  EXPECT_EQ(mb.search_pfn_nid(1, &s, &e), -1);  // 0x1000 is below the base
  EXPECT_EQ(s, 77u);
  EXPECT_EQ(e, 77u);
  EXPECT_EQ(mb.search_pfn_nid(5, nullptr, nullptr), 3);  // 0x5000 is inside
  EXPECT_EQ(mb.search_pfn_nid(6, nullptr, nullptr), -1);
}

// Start/end of DRAM and the size getters, on an empty and a filled state.
TEST(MemblockDram, StartEndAndSizes) {
  Memblock mb;
  EXPECT_EQ(mb.start_of_DRAM(), 0u);
  EXPECT_EQ(mb.end_of_DRAM(), 0u);
  EXPECT_EQ(mb.phys_mem_size(), 0u);
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.add(SZ_1G, SZ_2M), 0);
  EXPECT_EQ(mb.reserve(SZ_16M, SZ_64K), 0);
  EXPECT_EQ(mb.start_of_DRAM(), SZ_1M);
  EXPECT_EQ(mb.end_of_DRAM(), SZ_1G + SZ_2M);
  EXPECT_EQ(mb.phys_mem_size(), SZ_1M + SZ_2M);
  EXPECT_EQ(mb.reserved_size(), SZ_64K);
}

}  // namespace
}  // namespace mbv
