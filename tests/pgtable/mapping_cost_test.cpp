// kernel_physical_mapping_init cost (arch/x86/mm/init_64.c), section 6.4 of
// the boot-memory-path map, on the interval model and on the per-page walker.
#include <gtest/gtest.h>

#include "impl/pgtable/pgtable_state.h"
#include "impl/pgtable/reference_walker.h"

namespace mbv {
namespace {

constexpr PageSizeMask k2M = PG_MASK_2M;
constexpr PageSizeMask k1G = PG_MASK_2M | PG_MASK_1G;

PgtableState fresh(bool five = false) {
  PgtableState st;
  st.paging = default_paging(five);
  return st;
}

LevelCounts counts(std::uint64_t p4d, std::uint64_t pud, std::uint64_t pmd, std::uint64_t pte) {
  return LevelCounts{p4d, pud, pmd, pte};
}

// Runs the per-page walker on a copy of `ref` and returns what it allocated.
LevelCounts walk(RefTables& ref, phys_addr_t ps, phys_addr_t pe, PageSizeMask mask,
                 phys_addr_t* last = nullptr) {
  LevelCounts c;
  RefAllocFn fn = [&](TableLevel l) -> Result<std::uint64_t> {
    // fake, distinct addresses for table pages
    const std::uint64_t next_page = 0x7000000000ull + (ref.tables.size() + 1) * PAGE_SIZE;
    switch (l) {
      case TableLevel::P4d: ++c.p4d; break;
      case TableLevel::Pud: ++c.pud; break;
      case TableLevel::Pmd: ++c.pmd; break;
      case TableLevel::Pte: ++c.pte; break;
    }
    return next_page;
  };
  auto r = ref_kernel_physical_mapping_init(ref, ps, pe, mask, fn);
  EXPECT_TRUE(r.ok());
  if (last && r) *last = *r;
  return c;
}

// Mapping 1 GiB with 4K pages costs 512 PTE + 1 PMD + 1 PUD pages.
TEST(MappingCost, one_gig_4k) {
  auto c = mapping_cost(fresh(), SZ_1G, 2 * SZ_1G, 0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pages, counts(0, 1, 1, 512));
  EXPECT_EQ(c->paddr_last, 2 * SZ_1G);
  RefTables ref;
  ref.paging = default_paging(false);
  EXPECT_EQ(walk(ref, SZ_1G, 2 * SZ_1G, 0), c->pages);
}

// With 5-level paging the new PGD slot costs a P4D table too.
TEST(MappingCost, one_gig_4k_five_level) {
  auto c = mapping_cost(fresh(true), SZ_1G, 2 * SZ_1G, 0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pages, counts(1, 1, 1, 512));
}

TEST(MappingCost, one_gig_2m_and_1g) {
  auto c2 = mapping_cost(fresh(), SZ_1G, 2 * SZ_1G, k2M);
  ASSERT_TRUE(c2.ok());
  EXPECT_EQ(c2->pages, counts(0, 1, 1, 0));
  auto c1 = mapping_cost(fresh(), SZ_1G, 2 * SZ_1G, k1G);
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ(c1->pages, counts(0, 1, 0, 0));
}

// [511G, 513G) crosses the 512G PGD boundary: two PUD tables, two PMD tables.
TEST(MappingCost, crosses_pgd_boundary) {
  auto c = mapping_cost(fresh(), 511 * SZ_1G, 513 * SZ_1G, 0);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pages, counts(0, 2, 2, 1024));
}

// Memory KASLR moves page_offset_base by whole GiBs: [510G, 512G) then
// straddles a virtual 512G boundary and needs one more PUD table.
TEST(MappingCost, kaslr_extra_pud) {
  PgtableState st = fresh();
  EXPECT_EQ(mapping_cost(st, 510 * SZ_1G, 512 * SZ_1G, k1G)->pages, counts(0, 1, 0, 0));
  st.paging.page_offset_base += SZ_1G;
  EXPECT_EQ(mapping_cost(st, 510 * SZ_1G, 512 * SZ_1G, k1G)->pages, counts(0, 2, 0, 0));
}

// Counting is per slot: a second range in the same 2M slot costs nothing,
// a 4k range inside an existing 1G leaf splits it (1 PMD + 1 PTE).
TEST(MappingCost, reuse_and_split) {
  PgtableState st = fresh();
  apply_mapping(st, 0, SZ_1M, 0);
  EXPECT_EQ(mapping_cost(st, SZ_1M, SZ_2M, 0)->pages, counts(0, 0, 0, 0));
  apply_mapping(st, SZ_1G, 2 * SZ_1G, k1G);
  auto c = mapping_cost(st, SZ_1G, SZ_1G + SZ_2M, 0);
  EXPECT_EQ(c->pages, counts(0, 0, 1, 1));
  // a 2M-only range inside the 1G leaf splits it too (into 2M leaves)
  EXPECT_EQ(mapping_cost(st, SZ_1G, SZ_1G + SZ_2M, k2M)->pages, counts(0, 0, 1, 0));
  EXPECT_EQ(mapping_cost(st, SZ_1G, SZ_1G + SZ_2M, k2M)->paddr_last, SZ_1G + SZ_2M);
  // a range allowed 1G keeps the leaf; the return value is the leaf's end
  EXPECT_EQ(mapping_cost(st, SZ_1G, SZ_1G + SZ_2M, k1G)->pages, counts(0, 0, 0, 0));
  EXPECT_EQ(mapping_cost(st, SZ_1G, SZ_1G + SZ_2M, k1G)->paddr_last, 2 * SZ_1G);
}

// The return value follows phys_pte_init: present entries at the end of the
// range do not move it; a range whose last entries are all new ends at pe.
TEST(MappingCost, paddr_last_with_present_ptes) {
  PgtableState st = fresh();
  apply_mapping(st, SZ_1M, SZ_1M + 8 * SZ_4K, 0);
  auto c = mapping_cost(st, SZ_1M - 4 * SZ_4K, SZ_1M + 8 * SZ_4K, 0);
  EXPECT_EQ(c->paddr_last, SZ_1M);  // last new entry ends at 1M
  RefTables ref;
  ref.paging = default_paging(false);
  walk(ref, SZ_1M, SZ_1M + 8 * SZ_4K, 0);
  phys_addr_t last = 0;
  walk(ref, SZ_1M - 4 * SZ_4K, SZ_1M + 8 * SZ_4K, 0, &last);
  EXPECT_EQ(last, SZ_1M);
  // all present: phys_pte_init returns paddr_end
  EXPECT_EQ(mapping_cost(st, SZ_1M, SZ_1M + 8 * SZ_4K, 0)->paddr_last, SZ_1M + 8 * SZ_4K);
}

// Splitting a leaf drops the rest of its old mapping (the new table is zeroed).
TEST(MappingCost, split_loses_rest_of_leaf) {
  PgtableState st = fresh();
  apply_mapping(st, SZ_2M, 2 * SZ_2M, k2M);
  apply_mapping(st, SZ_2M, SZ_2M + SZ_4K, 0);
  EXPECT_EQ(mapped_ranges(st), (std::vector<PhysRange>{{SZ_2M, SZ_2M + SZ_4K}}));
  RefTables ref;
  ref.paging = default_paging(false);
  walk(ref, SZ_2M, 2 * SZ_2M, k2M);
  walk(ref, SZ_2M, SZ_2M + SZ_4K, 0);
  EXPECT_EQ(to_interval_state(ref), st);
}

// 5-level, memory KASLR puts the first 256T boundary at physical 2G: in 6.1,
// phys_p4d_init of the head slot runs on past its P4D table's end (mod 512),
// so [2G, 3G) is also mapped 256T lower, into fresh tables behind entry 0 of
// the head slot's P4D table. Counts and final state agree with the per-page
// walker, including that alias; a second mapping over it reuses it.
TEST(MappingCost, five_level_pgd_crossing_maps_tail_twice) {
  const std::uint64_t pgdir = std::uint64_t{1} << 48;
  for (PageSizeMask mask : {k1G, k2M, PageSizeMask{0}}) {
    PgtableState st = fresh(true);
    st.paging.page_offset_base += pgdir - 2 * SZ_1G;
    RefTables ref;
    ref.paging = st.paging;
    auto c = mapping_cost(st, SZ_1G, 3 * SZ_1G, mask);
    ASSERT_TRUE(c.ok()) << c.error().message;
    // Two new PGD slots (two P4D tables), a PUD table in each, one more PUD
    // table for the alias; below that each of the three 1G walks is fresh.
    const std::uint64_t pmd = mask & PG_MASK_1G ? 0 : 3, pte = mask & PG_MASK_2M ? 0 : 3 * 512;
    EXPECT_EQ(c->pages, counts(2, 3, pmd, pte));
    phys_addr_t last = 0;
    EXPECT_EQ(walk(ref, SZ_1G, 3 * SZ_1G, mask, &last), c->pages);
    EXPECT_EQ(last, c->paddr_last);
    apply_mapping(st, SZ_1G, 3 * SZ_1G, mask);
    EXPECT_EQ(to_interval_state(ref), st) << dump(st);
    EXPECT_EQ(mapped_ranges(st), (std::vector<PhysRange>{{SZ_1G, 3 * SZ_1G}}));  // the alias is not the map
    EXPECT_FALSE(st.wrapped.pud.segments().empty());
    // Mapping the same range again allocates nothing, alias included.
    auto again = mapping_cost(st, SZ_1G, 3 * SZ_1G, mask);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->pages, counts(0, 0, 0, 0));
    EXPECT_EQ(walk(ref, SZ_1G, 3 * SZ_1G, mask), counts(0, 0, 0, 0));
  }
}

// Where the wrapped entries would land on the map's own entries, the model
// says Unsupported rather than guess: with the default base the tail wraps
// onto the entry of physical 0; a later boundary wraps into the map itself.
TEST(MappingCost, five_level_wrap_onto_the_map_is_unsupported) {
  const std::uint64_t pgdir = std::uint64_t{1} << 48;
  PgtableState st = fresh(true);
  auto c = mapping_cost(st, pgdir - SZ_1G, pgdir + SZ_1G, k1G);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::Unsupported);
  st.paging.page_offset_base += pgdir - 2 * SZ_1G;
  ASSERT_TRUE(mapping_cost(st, SZ_1G, 3 * SZ_1G, k1G).ok());
  auto later = mapping_cost(st, 2 * SZ_1G + pgdir - SZ_1G, 2 * SZ_1G + pgdir + SZ_1G, k1G);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().code, ErrorCode::Unsupported);
}

}  // namespace
}  // namespace mbv
