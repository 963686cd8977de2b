// Property: on small machines, the fast direct-map model (interval sets, bulk
// allocation runs) and the brute-force per-page walker allocate the same
// page-table pages in the same order and end in the same state.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/small_machine.h"

namespace mbv {
namespace {

// Machines that stress the allocator: little memory, many reservations
// (some unaligned), 4k-only half of the time, a tiny reserved array now and then.
rc::Gen<SmallMachine> gen_machine() {
  return rc::gen::exec([] {
    SmallMachine m;
    const int nmem = *rc::gen::inRange(1, 5);
    for (int i = 0; i < nmem; ++i) {
      const std::uint64_t start = *rc::gen::inRange<std::uint64_t>(1, 1 << 18);  // pfn < 1G
      const std::uint64_t pages = *rc::gen::inRange<std::uint64_t>(1, 1 << 17);
      m.memory.push_back(SmallRegion{start << PAGE_SHIFT, pages << PAGE_SHIFT,
                                     *rc::gen::inRange(0, 3),
                                     *rc::gen::element<std::uint32_t>(0u, 0u, MEMBLOCK_MIRROR,
                                                                      MEMBLOCK_HOTPLUG)});
    }
    const phys_addr_t kend = (*rc::gen::inRange<std::uint64_t>(300, 1 << 18)) << PAGE_SHIFT;
    m.reserved.push_back(PhysRange{0, SZ_1M});
    // The kernel image with its brk: without this reservation memblock would
    // hand out brk pages a second time (kend - 8M must not wrap).
    m.reserved.push_back(PhysRange{kend > 9 * SZ_1M ? kend - 8 * SZ_1M : SZ_1M, kend});
    const int nres = *rc::gen::inRange(0, 16);
    for (int i = 0; i < nres; ++i) {
      const std::uint64_t s = *rc::gen::inRange<std::uint64_t>(SZ_1M, SZ_1G + SZ_512M);
      const std::uint64_t n = *rc::gen::inRange<std::uint64_t>(1, 64 * SZ_4K);
      const bool aligned = *rc::gen::arbitrary<bool>();
      m.reserved.push_back(aligned ? PhysRange{round_down(s, SZ_4K), round_down(s, SZ_4K) + round_up(n, SZ_4K)}
                                   : PhysRange{s, s + n});
    }
    m.bottom_up = *rc::gen::arbitrary<bool>();
    m.movable_node = m.bottom_up && *rc::gen::arbitrary<bool>();
    m.has_mirror = *rc::gen::arbitrary<bool>();
    m.reserved_max = *rc::gen::element<std::size_t>(0, 0, 4, 6, 8);
    m.cfg.debug_pagealloc = *rc::gen::arbitrary<bool>();
    const bool five = *rc::gen::arbitrary<bool>();
    m.cfg.paging = default_paging(five);
    m.cfg.memory_kaslr = *rc::gen::arbitrary<bool>();
    // With memory KASLR, sometimes a PGD boundary inside the first GiBs (the
    // 5-level wrap of phys_p4d_init).
    if (m.cfg.memory_kaslr)
      m.cfg.paging.page_offset_base += *rc::gen::arbitrary<bool>()
          ? *rc::gen::inRange<std::uint64_t>(0, 1024) * SZ_1G
          : (std::uint64_t{1} << m.cfg.paging.pgdir_shift()) - *rc::gen::inRange<std::uint64_t>(1, 3) * SZ_1G;
    m.cfg.kernel_end = kend;
    m.cfg.pgt_buf_start_pfn = (kend >> PAGE_SHIFT) - INIT_PGT_BUF_PAGES;
    return m;
  });
}

RC_GTEST_PROP(PgtableWalkers, fast_equals_per_page, ()) {
  const SmallMachine m = *gen_machine();
  RC_CLASSIFY(m.bottom_up, "bottom-up");
  RC_CLASSIFY(m.cfg.debug_pagealloc, "4k-only");
  RC_CLASSIFY(m.reserved_max != 0, "small reserved array");
  const std::uint64_t base = m.cfg.paging.page_offset_base;
  RC_CLASSIFY(m.cfg.paging.five_level && (base >> 48) != ((base + SZ_1G + SZ_512M) >> 48),
              "5-level, a 256T boundary inside memory");
  const std::string diff = crosscheck_walkers(m);
  if (!diff.empty()) RC_FAIL(describe(m) + diff);
}

// The fuzzer's byte decoder feeds the same comparison.
RC_GTEST_PROP(PgtableWalkers, decoded_bytes, ()) {
  const auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(
      64, rc::gen::arbitrary<std::uint8_t>());
  auto m = decode_small_machine(bytes);
  RC_PRE(m.ok());
  const std::string diff = crosscheck_walkers(*m);
  if (!diff.empty()) RC_FAIL(describe(*m) + diff);
}

// Hand-made machine: a region boundary inside a 2M block, an unaligned
// reservation and 4k-only mapping, top-down and bottom-up.
TEST(PgtableWalkers, fixed_machine) {
  for (bool bu : {false, true}) {
    SmallMachine m;
    m.memory = {{SZ_4K, 0x9f000 - SZ_4K, 0, 0},
                {SZ_1M, 300 * SZ_1M + SZ_4K * 3, 0, 0},
                {300 * SZ_1M + SZ_4K * 3, 700 * SZ_1M, 1, 0}};
    m.reserved = {{0, SZ_1M}, {16 * SZ_1M, 40 * SZ_1M}, {0x3f000123, 0x3f100456}};
    m.bottom_up = bu;
    m.movable_node = bu;
    m.cfg.debug_pagealloc = true;
    m.cfg.kernel_end = 40 * SZ_1M;
    m.cfg.pgt_buf_start_pfn = (40 * SZ_1M >> PAGE_SHIFT) - INIT_PGT_BUF_PAGES;
    EXPECT_EQ(crosscheck_walkers(m), "") << describe(m);
  }
}

}  // namespace
}  // namespace mbv

namespace mbv {
namespace {

// Arbitrary sequences of kernel_physical_mapping_init calls (overlapping
// ranges, any mask, leaf splits, present entries): the interval model's
// counts, return values and final tables equal the per-page walker's.
RC_GTEST_PROP(PgtableWalkers, mapping_sequences, ()) {
  const bool five = *rc::gen::arbitrary<bool>();
  PgtableState st;
  st.paging = default_paging(five);
  if (*rc::gen::arbitrary<bool>())
    st.paging.page_offset_base += *rc::gen::inRange<std::uint64_t>(0, 2048) * SZ_1G;
  else if (*rc::gen::arbitrary<bool>())  // a PGD boundary at 1-4G: ranges cross it (5-level wrap)
    st.paging.page_offset_base +=
        (std::uint64_t{1} << st.paging.pgdir_shift()) - *rc::gen::inRange<std::uint64_t>(1, 5) * SZ_1G;
  RefTables ref;
  ref.paging = st.paging;
  const int steps = *rc::gen::inRange(1, 8);
  for (int i = 0; i < steps; ++i) {
    const std::uint64_t unit = *rc::gen::element<std::uint64_t>(1 * SZ_4K, 1 * SZ_2M, 1 * SZ_1G);
    const std::uint64_t a = *rc::gen::inRange<std::uint64_t>(0, 4 * SZ_1G / unit) * unit +
                            *rc::gen::inRange<std::uint64_t>(0, 4) * SZ_4K;
    const std::uint64_t len = *rc::gen::inRange<std::uint64_t>(1, 1024) * SZ_4K *
                              *rc::gen::element<std::uint64_t>(1, 1, 64, 512);
    const PageSizeMask mask = *rc::gen::element<PageSizeMask>(0u, PG_MASK_2M, PG_MASK_2M | PG_MASK_1G, PG_MASK_1G);
    auto c = mapping_cost(st, a, a + len, mask);
    RC_ASSERT(c.ok());
    LevelCounts got;
    RefAllocFn fn = [&](TableLevel l) -> Result<std::uint64_t> {
      switch (l) {
        case TableLevel::P4d: ++got.p4d; break;
        case TableLevel::Pud: ++got.pud; break;
        case TableLevel::Pmd: ++got.pmd; break;
        case TableLevel::Pte: ++got.pte; break;
      }
      return 0x7000000000ull + (ref.tables.size() + 1) * PAGE_SIZE;
    };
    auto r = ref_kernel_physical_mapping_init(ref, a, a + len, mask, fn);
    RC_ASSERT(r.ok());
    RC_ASSERT(got == c->pages);
    RC_ASSERT(*r == c->paddr_last);
    apply_mapping(st, a, a + len, mask);
    RC_ASSERT(to_interval_state(ref) == st);
  }
}

}  // namespace
}  // namespace mbv
