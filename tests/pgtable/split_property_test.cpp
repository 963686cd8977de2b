// Properties of split_mem_range (arch/x86/mm/init.c) on random ranges and
// random memory layouts: the pieces tile the pfn range, at most five, merged,
// and every large mask is justified by alignment or by a one-region hull.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/split.h"

namespace mbv {
namespace {

rc::Gen<std::uint64_t> addr() {
  return rc::gen::exec([] {
    const std::uint64_t g = *rc::gen::element<std::uint64_t>(1 * SZ_4K, 1 * SZ_2M, 1 * SZ_1G, 1);
    return *rc::gen::inRange<std::uint64_t>(0, 8 * SZ_1G / g) * g;
  });
}

// A leaf of size g maps its whole aligned block, so each edge block of a
// range with that mask lies inside the range or, at boot, in one region.
bool justified(const MapRange& r, std::uint64_t g, const Memblock& mb, bool after_bootmem) {
  for (phys_addr_t blk : {round_down(r.start, g), round_down(r.end - 1, g)}) {
    if (blk >= r.start && blk + g <= r.end) continue;
    if (after_bootmem || !mb.is_region_memory(blk, g)) return false;
  }
  return true;
}

RC_GTEST_PROP(SplitMemRangeProps, tiles_and_justifies, ()) {
  Memblock mb;
  const int n = *rc::gen::inRange(1, 4);
  for (int i = 0; i < n; ++i) {
    const std::uint64_t b = *addr(), s = *addr();
    mb.add_node(b, s, i, MEMBLOCK_NONE);
  }
  std::uint64_t a = *addr(), b = *addr();
  if (a > b) std::swap(a, b);
  const PageSizeMask global = *rc::gen::element<PageSizeMask>(0u, PG_MASK_2M, PG_MASK_2M | PG_MASK_1G);
  const bool after = *rc::gen::arbitrary<bool>();
  const MapRanges mr = split_mem_range(a, b, global, mb, after);
  RC_ASSERT(mr.size() <= NR_RANGE_MR);
  std::uint64_t cur = pfn_down(a) << PAGE_SHIFT;
  for (std::size_t i = 0; i < mr.size(); ++i) {
    const MapRange& r = mr[i];
    RC_ASSERT(r.start == cur);
    RC_ASSERT(r.start < r.end);
    RC_ASSERT((r.mask & ~global) == 0u);
    if (i) RC_ASSERT(mr[i - 1].mask != r.mask);  // touching equal masks were merged
    if (r.mask & PG_MASK_2M) RC_ASSERT(justified(r, SZ_2M, mb, after));
    if (r.mask & PG_MASK_1G) RC_ASSERT(justified(r, SZ_1G, mb, after));
    cur = r.end;
  }
  if (pfn_down(a) < pfn_down(b)) RC_ASSERT(cur == pfn_down(b) << PAGE_SHIFT);
  else RC_ASSERT(mr.size() == 0u);
}

}  // namespace
}  // namespace mbv
