// The direct-map predicates (impl/pgtable/checks.h) on hand-made states.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/checks.h"

namespace mbv {
namespace {

// Only the ISA range is mapped but memory reaches 2M: [1M, 2M) is missing.
TEST(CheckDirectMapCoverage, missing_range) {
  Memblock mb;
  mb.add(SZ_1M, SZ_1M);
  DirectMapConfig c;
  c.max_pfn = SZ_2M >> PAGE_SHIFT;
  DirectMap dm = make_direct_map(c);
  apply_mapping(dm.tables, 0, SZ_1M, 0);
  auto v = check_direct_map_coverage(dm, mb);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].range, (PhysRange{SZ_1M, SZ_2M}));
  // memory at or above max_pfn need not be mapped
  dm.cfg.max_pfn = SZ_1M >> PAGE_SHIFT;
  EXPECT_TRUE(check_direct_map_coverage(dm, mb).empty());
}

// A 2M leaf over [2M, 4M) with a region boundary at 3M violates the rule.
TEST(CheckLargeLeaves, leaf_spans_two_regions) {
  Memblock mb;
  mb.add_node(0, 3 * SZ_1M, 0, MEMBLOCK_NONE);
  mb.add_node(3 * SZ_1M, 5 * SZ_1M, 1, MEMBLOCK_NONE);
  DirectMap dm = make_direct_map(DirectMapConfig{});
  apply_mapping(dm.tables, SZ_2M, 2 * SZ_2M, PG_MASK_2M);
  apply_mapping(dm.tables, 2 * SZ_2M, 4 * SZ_2M, PG_MASK_2M);
  auto v = check_large_leaves_in_one_region(dm, mb);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].range, (PhysRange{SZ_2M, 2 * SZ_2M}));
}

TEST(CheckPgtablePageSources, outside_window_and_brk) {
  DirectMapConfig c;
  c.pgt_buf_start_pfn = 0x3000;
  DirectMap dm = make_direct_map(c);
  PgtAllocRun in{PgtSource::Memblock, 0x5000000, 2, false, 0x5000, 0x6000, true, 0};
  PgtAllocRun out{PgtSource::Memblock, 0x7000000, 1, false, 0x5000, 0x6000, false, 0};
  PgtAllocRun brk{PgtSource::Brk, 0x3000000 + 15 * SZ_4K, 2, false, 0, 0, false, 0};
  dm.allocs = {in, out, brk};
  auto v = check_pgtable_page_sources(dm);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].range, out.range());
  EXPECT_EQ(v[1].range, brk.range());
  auto p = check_pgtable_pages_premapped(dm);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].range, out.range());
}

}  // namespace
}  // namespace mbv
