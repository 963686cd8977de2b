// split_mem_range and probe_page_size_mask (arch/x86/mm/init.c).
#include <gtest/gtest.h>

#include <vector>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/split.h"

namespace mbv {
namespace {

constexpr PageSizeMask k2M = PG_MASK_2M;
constexpr PageSizeMask k1G = PG_MASK_2M | PG_MASK_1G;

Memblock memory_of(std::vector<std::pair<phys_addr_t, phys_addr_t>> regions) {
  Memblock mb;
  int nid = 0;
  for (auto [b, e] : regions) mb.add_node(b, e - b, nid++, MEMBLOCK_NONE);
  return mb;
}

std::vector<MapRange> ranges(const MapRanges& mr) { return {mr.begin(), mr.end()}; }

TEST(ProbePageSizeMask, simple) {
  EXPECT_EQ(probe_page_size_mask({true, true, false}, false, true), k1G);
  EXPECT_EQ(probe_page_size_mask({true, false, false}, false, true), k2M);
  EXPECT_EQ(probe_page_size_mask({true, true, false}, false, false), k2M);   // nogbpages
  EXPECT_EQ(probe_page_size_mask({true, true, false}, true, true), 0u);      // debug_pagealloc
  EXPECT_EQ(probe_page_size_mask({false, true, false}, false, true), 0u);    // no PSE: gbpages off too
}

// split_mem_range: [1M, 3G+3M) on one region exactly that size.
//   |4k|     2M      |        1G         |  2M  |4k|
//   1M 2M            1G                  3G  3G+2M 3G+3M
// Expect the five candidate ranges, none upgraded (every hull leaves the region).
TEST(SplitMemRange, five_ranges) {
  const Memblock mb = memory_of({{SZ_1M, 3 * SZ_1G + 3 * SZ_1M}});
  auto mr = split_mem_range(SZ_1M, 3 * SZ_1G + 3 * SZ_1M, k1G, mb, false);
  std::vector<MapRange> want = {
      {SZ_1M, SZ_2M, 0},
      {SZ_2M, SZ_1G, k2M},
      {SZ_1G, 3 * SZ_1G, k1G},
      {3 * SZ_1G, 3 * SZ_1G + SZ_2M, k2M},
      {3 * SZ_1G + SZ_2M, 3 * SZ_1G + 3 * SZ_1M, 0},
  };
  EXPECT_EQ(ranges(mr), want);
}

// The ISA range: [0, 4K) is never memory, so the hull [0, 2M) fails.
TEST(SplitMemRange, isa_range_stays_4k) {
  const Memblock mb = memory_of({{SZ_4K, 0x9f000}, {SZ_1M, SZ_4G}});
  auto mr = split_mem_range(0, SZ_1M, k1G, mb, false);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{0, SZ_1M, 0}}));
}

// Every piece of [3M+4K, 1G+5M) has its 2M and 1G hull inside one region
// [0, 2G): all are upgraded to 2M|1G and merged into one range.
TEST(SplitMemRange, upgrade_all_and_merge) {
  const Memblock mb = memory_of({{0, 2 * SZ_1G}});
  auto mr = split_mem_range(3 * SZ_1M + SZ_4K, SZ_1G + 5 * SZ_1M, k1G, mb, false);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{3 * SZ_1M + SZ_4K, SZ_1G + 5 * SZ_1M, k1G}}));
}

// Two regions touching at 1G+2M. Head [1G+1M, 1G+2M) and tail [1G+2M, 1G+3M)
// each have their 2M hull inside one region, but their 1G hull spans two.
// Expect both upgraded to 2M only, then merged.
TEST(SplitMemRange, upgrade_2m_then_merge) {
  const Memblock mb = memory_of({{0, SZ_1G + SZ_2M}, {SZ_1G + SZ_2M, SZ_4G}});
  auto mr = split_mem_range(SZ_1G + SZ_1M, SZ_1G + 3 * SZ_1M, k1G, mb, false);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{SZ_1G + SZ_1M, SZ_1G + 3 * SZ_1M, k2M}}));
}

// The tail's 2M hull [1G+2M, 1G+4M) crosses the region boundary at 1G+3M:
// one region is required, so the tail stays 4k while the head is upgraded.
TEST(SplitMemRange, hull_needs_single_region) {
  const Memblock mb = memory_of({{0, SZ_1G + 3 * SZ_1M}, {SZ_1G + 3 * SZ_1M, SZ_4G}});
  auto mr = split_mem_range(SZ_1G + SZ_1M, SZ_1G + 3 * SZ_1M, k1G, mb, false);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{SZ_1G + SZ_1M, SZ_1G + SZ_2M, k2M},
                                              {SZ_1G + SZ_2M, SZ_1G + 3 * SZ_1M, 0}}));
}

// After boot there is no upgrade: head and 4k tail stay 4k and merge.
TEST(SplitMemRange, after_bootmem_no_upgrade) {
  const Memblock mb = memory_of({{0, 2 * SZ_1G}});
  auto mr = split_mem_range(3 * SZ_1M + SZ_4K, 5 * SZ_1M, k1G, mb, true);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{3 * SZ_1M + SZ_4K, 5 * SZ_1M, 0}}));
}

// With a 4k-only global mask everything is 4k and merges into one range.
TEST(SplitMemRange, debug_pagealloc_one_range) {
  const Memblock mb = memory_of({{0, 8 * SZ_1G}});
  auto mr = split_mem_range(SZ_1M, 5 * SZ_1G + SZ_4K, 0, mb, false);
  EXPECT_EQ(ranges(mr), (std::vector<MapRange>{{SZ_1M, 5 * SZ_1G + SZ_4K, 0}}));
}

// Sub-page ends are truncated to pfns; an empty result is possible.
TEST(SplitMemRange, within_one_page_is_empty) {
  const Memblock mb = memory_of({{0, SZ_1G}});
  auto mr = split_mem_range(SZ_4K + 16, SZ_4K + 2048, k1G, mb, false);
  EXPECT_EQ(mr.size(), 0u);
}

TEST(SplitMemRange, format_like_the_kernel) {
  EXPECT_EQ(format_map_range({0, SZ_1M, 0}), " [mem 0x00000000-0x000fffff] page 4k");
  EXPECT_EQ(format_map_range({SZ_4G, 2 * SZ_4G, k1G}), " [mem 0x100000000-0x1ffffffff] page 1G");
}

}  // namespace
}  // namespace mbv
