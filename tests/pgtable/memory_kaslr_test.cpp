// Memory KASLR (arch/x86/mm/kaslr.c kernel_randomize_memory) and its effect
// on the direct map's upper-level page tables.
#include <gtest/gtest.h>

#include "impl/kaslr/memory_kaslr.h"
#include "impl/memblock/memblock.h"
#include "impl/pgtable/direct_map.h"

namespace mbv {
namespace {

constexpr std::uint64_t SZ_1T = 1ull << 40;

// The seeding of lib/random32.c's self test (LCG 69069, __seed minimums)
// followed by prandom_warmup's ten draws.
RndState selftest_state(std::uint32_t seed) {
  auto min = [](std::uint32_t x, std::uint32_t m) { return x < m ? x + m : x; };
  RndState s;
  s.s1 = min(seed * 69069u, 2);
  s.s2 = min(s.s1 * 69069u, 8);
  s.s3 = min(s.s2 * 69069u, 16);
  s.s4 = min(s.s3 * 69069u, 128);
  for (int i = 0; i < 10; ++i) prandom_u32_state(s);
  return s;
}

// Known answers of the taus113 generator (the kernel's self-test vectors,
// taken from GSL).
TEST(MemoryKaslr, prandom_taus113_vectors) {
  const std::pair<std::uint32_t, std::uint32_t> first[] = {
      {1u, 3484351685u}, {2u, 2623130059u}, {3u, 3125133893u}, {4u, 984847254u}};
  for (auto [seed, want] : first) {
    RndState s = selftest_state(seed);
    EXPECT_EQ(prandom_u32_state(s), want) << seed;
  }
  const std::tuple<std::uint32_t, std::uint32_t, std::uint32_t> nth[] = {
      {931557656u, 959u, 2975593782u}, {1339693295u, 876u, 3887776532u}, {407983964u, 921u, 728767059u}};
  for (auto [seed, n, want] : nth) {
    RndState s = selftest_state(seed);
    for (std::uint32_t j = 0; j + 1 < n; ++j) prandom_u32_state(s);
    EXPECT_EQ(prandom_u32_state(s), want) << seed;
  }
}

// prandom_seed_state: i = (seed >> 32) ^ (seed << 10) ^ seed, each word
// raised to its minimum; seed 0 gives the minimums themselves.
TEST(MemoryKaslr, prandom_seed_state_minimums) {
  EXPECT_EQ(prandom_seed_state(0), (RndState{2, 8, 16, 128}));
  // i = 1 ^ (1 << 10) = 0x401 for seed 1 (all above the minimums but s4's 128 < 0x401)
  EXPECT_EQ(prandom_seed_state(1), (RndState{0x401, 0x401, 0x401, 0x401}));
  // seed 0x100000000: i = 1 (high half) ^ 0 (low 32 bits of seed << 10) ^ 0 = 1
  EXPECT_EQ(prandom_seed_state(0x100000000ull), (RndState{3, 9, 17, 129}));
  // prandom_bytes_state into an unsigned long: first draw is the low half.
  RndState a = prandom_seed_state(7), b = a;
  const std::uint64_t lo = prandom_u32_state(b), hi = prandom_u32_state(b);
  EXPECT_EQ(prandom_u64_state(a), lo | hi << 32);
}

// nokaslr: the fixed bases, physmem_end = 2^MAX_PHYSMEM_BITS - 1.
TEST(MemoryKaslr, disabled_gives_default_bases) {
  MemoryKaslrInput in;
  in.enabled = false;
  const MemoryKaslrLayout l4 = kernel_randomize_memory(in);
  EXPECT_FALSE(l4.randomized);
  EXPECT_EQ(l4.page_offset_base, PAGE_OFFSET_BASE_L4);
  EXPECT_EQ(l4.vmalloc_base, VMALLOC_BASE_L4);
  EXPECT_EQ(l4.vmemmap_base, VMEMMAP_BASE_L4);
  EXPECT_EQ(l4.physmem_end, (1ull << 46) - 1);
  in.five_level = true;
  const MemoryKaslrLayout l5 = kernel_randomize_memory(in);
  EXPECT_EQ(l5.page_offset_base, PAGE_OFFSET_BASE_L5);
  EXPECT_EQ(l5.vmalloc_base, VMALLOC_BASE_L5);
  EXPECT_EQ(l5.vmemmap_base, VMEMMAP_BASE_L5);
  EXPECT_EQ(l5.physmem_end, (1ull << 52) - 1);
}

// 4-level, by hand: the three regions take 64 + 32 + 1 TiB (ZONE_DEVICE keeps
// the direct map at 2^46; vmemmap = 64 TiB / 4 KiB * 64 B = 1 TiB) of the
// 117.5 TiB between 0xffff888000000000 and CPU_ENTRY_AREA_BASE, leaving
// 20.5 TiB of entropy; region 0 draws at most a third of it.
TEST(MemoryKaslr, four_level_bounds) {
  for (std::uint64_t rnd : {0ull, 1ull, 937ull, 0x5851f42d4c957f2dull, ~0ull}) {
    SCOPED_TRACE(rnd);
    MemoryKaslrInput in;
    in.random = rnd;
    in.max_pfn = 0x440000;
    const MemoryKaslrLayout l = kernel_randomize_memory(in);
    EXPECT_TRUE(l.randomized);
    EXPECT_EQ(l.size_tb, (std::array<std::uint64_t, 3>{64, 32, 1}));
    const std::uint64_t remain = 0xfffffe0000000000ull - 0xffff888000000000ull - 97 * SZ_1T;
    EXPECT_EQ(remain, 20 * SZ_1T + SZ_512G);
    EXPECT_EQ(l.page_offset_base % SZ_1G, 0u);
    EXPECT_LE(l.entropy[0], remain / 3);
    EXPECT_EQ(l.page_offset_base, PAGE_OFFSET_BASE_L4 + l.entropy[0]);
    EXPECT_EQ(l.physmem_end, 64 * SZ_1T - 1);
    // Each region starts at least 1G (the round-up of end + 1) after the previous one.
    EXPECT_EQ(l.vmalloc_base, l.page_offset_base + 64 * SZ_1T + SZ_1G + l.entropy[1]);
    EXPECT_EQ(l.vmemmap_base, l.vmalloc_base + 32 * SZ_1T + SZ_1G + l.entropy[2]);
    EXPECT_LE(l.vmemmap_base + SZ_1T, 0xfffffe0000000000ull);
  }
}

// Known layouts (the same formula evaluated independently): seed 0 and the
// seed 937, whose direct map starts 1 GiB below a 512 GiB boundary.
TEST(MemoryKaslr, known_layouts) {
  MemoryKaslrInput in;
  in.random = 0;
  MemoryKaslrLayout l = kernel_randomize_memory(in);
  EXPECT_EQ(l.page_offset_base, 0xffff8cc800000000ull);
  EXPECT_EQ(l.vmalloc_base, 0xffffd45880000000ull);
  EXPECT_EQ(l.vmemmap_base, 0xfffffba980000000ull);
  in.random = 937;
  l = kernel_randomize_memory(in);
  EXPECT_EQ(l.page_offset_base, 0xffff8c7fc0000000ull);
  EXPECT_EQ(l.entropy[0] / SZ_1G % 512, 511u);
  in.five_level = true;
  in.random = 0x5851f42d4c957f2dull;
  l = kernel_randomize_memory(in);
  EXPECT_EQ(l.size_tb, (std::array<std::uint64_t, 3>{4096, 12800, 64}));
  EXPECT_EQ(l.page_offset_base, 0xff1585bf40000000ull);
  EXPECT_EQ(l.vmalloc_base, 0xff5883bf40000000ull);
  EXPECT_EQ(l.vmemmap_base, 0xffa2009f80000000ull);
}

// Without ZONE_DEVICE the direct map shrinks to the memory (rounded up to a
// TiB) plus CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING (10 TiB).
TEST(MemoryKaslr, no_zone_device_shrinks_direct_map) {
  MemoryKaslrInput in;
  in.zone_device = false;
  in.max_pfn = (SZ_1T + SZ_1G) >> PAGE_SHIFT;  // just over 1 TiB -> 2 TiB
  const MemoryKaslrLayout l = kernel_randomize_memory(in);
  EXPECT_EQ(l.size_tb[0], 12u);
  EXPECT_EQ(l.size_tb[2], 1u);  // 12 TiB / 4 KiB * 64 B = 192 GiB -> 1 TiB
  EXPECT_EQ(l.physmem_end, 12 * SZ_1T - 1);
}

// The direct map of [0, 4G) with 1G pages, by hand: one PUD page when the
// whole range sits in one 512 GiB virtual slot (default base, 512G-aligned);
// two when the base is 1 GiB below a 512 GiB boundary (seed 937): [0, 1G)
// and [1G, 4G) fall in different PGD slots.
TEST(MemoryKaslr, virtual_base_changes_pud_pages) {
  auto pud_pages = [](std::uint64_t base) {
    Memblock mb;
    (void)mb.add(0, SZ_4G);
    (void)mb.reserve(0, SZ_1M);
    DirectMapConfig cfg;
    cfg.paging.page_offset_base = base;
    cfg.max_pfn = SZ_4G >> PAGE_SHIFT;
    cfg.kernel_end = SZ_16M + (32 * SZ_1M);
    cfg.pgt_buf_start_pfn = (cfg.kernel_end >> PAGE_SHIFT) - INIT_PGT_BUF_PAGES;
    (void)mb.reserve(SZ_16M, (32 * SZ_1M));
    auto dm = init_mem_mapping(mb, cfg);
    EXPECT_TRUE(dm.ok());
    return dm.ok() ? dm->total_pages() : LevelCounts{};
  };
  const LevelCounts def = pud_pages(PAGE_OFFSET_BASE_L4);
  const LevelCounts moved = pud_pages(0xffff8c7fc0000000ull);
  EXPECT_EQ(def.pud, 1u);
  EXPECT_EQ(moved.pud, 2u);
  EXPECT_EQ(moved.pmd, def.pmd);
  EXPECT_EQ(moved.pte, def.pte);
}

}  // namespace
}  // namespace mbv
