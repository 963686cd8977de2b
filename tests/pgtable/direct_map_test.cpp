// init_mem_mapping and its drivers (arch/x86/mm/init.c) on classic machines.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/checks.h"
#include "impl/pgtable/direct_map.h"

namespace mbv {
namespace {

struct Machine {
  std::vector<PhysRange> memory;
  std::vector<PhysRange> reserved;
  bool movable_node = false;
};

Memblock build(const Machine& m) {
  Memblock mb;
  mb.allow_resize();
  for (const auto& r : m.memory) mb.add(r.start, r.size());
  for (const auto& r : m.reserved) mb.reserve(r.start, r.size());
  mb.movable_node = m.movable_node;
  mb.set_bottom_up(m.movable_node);  // setup_arch step 6
  return mb;
}

// A PC: low RAM, RAM from 1M to `top`; [0, 1M) reserved (reserve_real_mode)
// and the kernel image [ktext, kend) whose last 16 pages are the brk buffer.
Machine pc(phys_addr_t top, phys_addr_t ktext, phys_addr_t kend) {
  Machine m;
  m.memory = {{SZ_4K, 0x9f000}, {SZ_1M, top}};
  m.reserved = {{0, SZ_1M}, {ktext, kend}};
  return m;
}

DirectMapConfig config(phys_addr_t top, phys_addr_t kend, bool four_k_only) {
  DirectMapConfig c;
  c.debug_pagealloc = four_k_only;
  c.max_pfn = top >> PAGE_SHIFT;
  c.kernel_end = kend;
  c.pgt_buf_start_pfn = (kend >> PAGE_SHIFT) - INIT_PGT_BUF_PAGES;
  return c;
}

std::vector<PgtAllocRun> runs_of_call(const DirectMap& dm, std::int64_t call) {
  std::vector<PgtAllocRun> out;
  std::copy_if(dm.allocs.begin(), dm.allocs.end(), std::back_inserter(out),
               [&](const PgtAllocRun& r) { return r.call == call; });
  return out;
}

// init_mem_mapping, top-down, 4k only, 4 GiB PC.
//   ISA [0,1M): PUD + PMD + PTE from brk.
//   Chunk 1 = the probed top 2M [4G-2M, 4G): PMD + PTE, from brk.
//   Chunk 2 = [3.5G, 4G-2M): 255 PTE pages: the 11 brk pages left, then
//   memblock top-down from 4G-4K inside the window [4G-2M, 4G).
TEST(InitMemMapping, top_down_first_chunk_is_top_2m_from_brk) {
  const Machine m = pc(SZ_4G, 16 * SZ_1M, 48 * SZ_1M);
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_4G, 48 * SZ_1M, true));
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  ASSERT_GE(dm->calls.size(), 3u);
  EXPECT_EQ(dm->calls[0].start, 0u);
  EXPECT_EQ(dm->calls[0].end, SZ_1M);
  EXPECT_EQ(dm->calls[0].ranges.at(0).pages, (LevelCounts{0, 1, 1, 1}));
  EXPECT_EQ(dm->calls[1].start, SZ_4G - SZ_2M);
  EXPECT_EQ(dm->calls[1].end, SZ_4G);
  EXPECT_EQ(dm->calls[1].ranges.at(0).pages, (LevelCounts{0, 0, 1, 1}));
  const auto brk = runs_of_call(*dm, 1);
  ASSERT_EQ(brk.size(), 1u);
  EXPECT_EQ(brk[0].source, PgtSource::Brk);
  EXPECT_EQ(brk[0].first, (48 * SZ_1M) - INIT_PGT_BUF_PAGES * SZ_4K + 3 * SZ_4K);
  EXPECT_EQ(dm->calls[2].start, SZ_4G - SZ_512M);
  EXPECT_EQ(dm->calls[2].end, SZ_4G - SZ_2M);
  const auto runs = runs_of_call(*dm, 2);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].source, PgtSource::Brk);
  EXPECT_EQ(runs[0].pages, 11u);
  const PgtAllocRun& mbk = runs[1];
  EXPECT_EQ(mbk.source, PgtSource::Memblock);
  EXPECT_TRUE(mbk.descending);
  EXPECT_EQ(mbk.first, SZ_4G - SZ_4K);
  EXPECT_EQ(mbk.pages, 244u);
  EXPECT_EQ(mbk.window_lo_pfn, (SZ_4G - SZ_2M) >> PAGE_SHIFT);
  EXPECT_EQ(mbk.window_hi_pfn, SZ_4G >> PAGE_SHIFT);
  EXPECT_TRUE(mbk.premapped);
  EXPECT_EQ(mbk.range(), (PhysRange{SZ_4G - 244 * SZ_4K, SZ_4G}));
  // Whole map: 4 GiB - 1 MiB of RAM in 4k pages -> 2048 PTE + 4 PMD + 1 PUD.
  EXPECT_EQ(dm->total_pages(), (LevelCounts{0, 1, 4, 2048}));
  EXPECT_EQ(dm->max_pfn_mapped, SZ_4G >> PAGE_SHIFT);
  EXPECT_EQ(dm->pfn_mapped, (std::vector<PfnSpan>{{0, SZ_4G >> PAGE_SHIFT}}));
  EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
  EXPECT_TRUE(check_pgtable_page_sources(*dm).empty());
  EXPECT_TRUE(check_large_leaves_in_one_region(*dm, mb).empty());
}

// With 1G pages the top 2M is upgraded to a 1G leaf and costs nothing.
TEST(InitMemMapping, top_down_gbpages) {
  const Machine m = pc(SZ_4G, 16 * SZ_1M, 48 * SZ_1M);
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_4G, 48 * SZ_1M, false));
  ASSERT_TRUE(dm.ok());
  EXPECT_EQ(dm->calls[1].ranges.at(0).range, (MapRange{SZ_4G - SZ_2M, SZ_4G, PG_MASK_2M | PG_MASK_1G}));
  EXPECT_EQ(dm->calls[1].ranges.at(0).pages, (LevelCounts{}));
  EXPECT_EQ(dm->calls[1].ret_pfn, SZ_4G >> PAGE_SHIFT);
  EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
  EXPECT_TRUE(check_large_leaves_in_one_region(*dm, mb).empty());
  EXPECT_NE(dm->dmesg().find("init_memory_mapping: [mem 0x00000000-0x000fffff]\n"
                             " [mem 0x00000000-0x000fffff] page 4k\n"),
            std::string::npos);
}

// Bottom-up (movable_node): the first pass takes the lowest free pages at or
// above kernel_end, the second pass the lowest free pages at or above 1M.
TEST(InitMemMapping, bottom_up_movable_node) {
  Machine m = pc(SZ_4G, 16 * SZ_1M, 48 * SZ_1M);
  m.movable_node = true;
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_4G, 48 * SZ_1M, true));
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  ASSERT_GE(dm->calls.size(), 3u);
  EXPECT_EQ(dm->calls[1].start, 48 * SZ_1M);
  EXPECT_EQ(dm->calls[1].end, 50 * SZ_1M);
  EXPECT_EQ(runs_of_call(*dm, 1).at(0).source, PgtSource::Brk);
  const auto first_pass = std::find_if(dm->allocs.begin(), dm->allocs.end(), [](auto& r) {
    return r.source == PgtSource::Memblock;
  });
  ASSERT_NE(first_pass, dm->allocs.end());
  EXPECT_EQ(first_pass->first, 48 * SZ_1M);
  EXPECT_FALSE(first_pass->descending);
  // The second pass begins with the call mapping [1M, 2M).
  const auto second = std::find_if(dm->calls.begin(), dm->calls.end(),
                                   [](auto& c) { return c.start == SZ_1M; });
  ASSERT_NE(second, dm->calls.end());
  const std::int64_t idx = second - dm->calls.begin();
  const auto later = std::find_if(dm->allocs.begin(), dm->allocs.end(), [&](auto& r) {
    return r.call >= idx && r.source == PgtSource::Memblock;
  });
  ASSERT_NE(later, dm->allocs.end());
  EXPECT_EQ(later->first, SZ_1M);
  EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
  EXPECT_TRUE(check_pgtable_page_sources(*dm).empty());
}

// Bottom-up second pass with [1M, 4M) reserved: the PTE page for [2M, 4M)
// is the lowest free page >= 1M, 4M, which is not mapped yet (6.1 allows
// this: the window is [1M, max_pfn_mapped)). The window check holds, the
// stronger "already mapped" check reports it.
TEST(InitMemMapping, bottom_up_second_pass_takes_unmapped_page) {
  Machine m = pc(SZ_4G, 16 * SZ_1M, 48 * SZ_1M);
  m.reserved.push_back({SZ_1M, 4 * SZ_1M});
  m.movable_node = true;
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_4G, 48 * SZ_1M, true));
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  EXPECT_TRUE(check_pgtable_page_sources(*dm).empty());
  const auto v = check_pgtable_pages_premapped(*dm);
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].range, (PhysRange{4 * SZ_1M, 4 * SZ_1M + SZ_4K}));
  EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
}

// 11.2 item 3: node 0 = [0, 2G) immovable, node 1 = [2G, 66G) hotpluggable
// (but SRAT has not been parsed yet), kernel ending near 1.99G, 4k only,
// movable_node. The ~32 Ki PTE pages do not fit between kernel_end and 2G,
// so bottom-up page tables spill to >= 2G.
TEST(InitMemMapping, movable_node_spill_into_node1) {
  const phys_addr_t kend = 2 * SZ_1G - 8 * SZ_1M;
  Machine m = pc(66 * SZ_1G, kend - 64 * SZ_1M, kend);
  m.movable_node = true;
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(66 * SZ_1G, kend, true));
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  std::uint64_t above_2g = 0, below = 0;
  for (const PgtAllocRun& r : dm->allocs) {
    if (r.source != PgtSource::Memblock) continue;
    const PhysRange x = r.range();
    if (x.end > 2 * SZ_1G) above_2g += (x.end - std::max(x.start, 2 * SZ_1G)) / SZ_4K;
    if (x.start < 2 * SZ_1G) below += (std::min(x.end, 2 * SZ_1G) - x.start) / SZ_4K;
  }
  EXPECT_GT(above_2g, 0u);
  EXPECT_GT(below, 0u);
  EXPECT_EQ(dm->total_pages().pte, 66u * 512u);
  // Cut at the node boundary, every event lies in one node and the pages
  // above 2G are visible as events of their own.
  const phys_addr_t cut[] = {2 * SZ_1G};
  std::uint64_t evt_above = 0;
  for (const AllocEvent& e : dm->alloc_events(cut)) {
    EXPECT_FALSE(e.range.start < 2 * SZ_1G && e.range.end > 2 * SZ_1G);
    EXPECT_EQ(e.owner, Owner::DirectMapPageTable);
    if (e.range.start >= 2 * SZ_1G && e.note().find("memblock") != std::string::npos)
      evt_above += e.range.size() / SZ_4K;
  }
  EXPECT_EQ(evt_above, above_2g);
  EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
  EXPECT_TRUE(check_pgtable_page_sources(*dm).empty());
}

// A piece that overlaps the unused brk buffer takes its page tables from
// memblock (can_use_brk_pgt = false); later pieces use brk again.
TEST(InitMemMapping, brk_unusable_when_overlapping_buffer) {
  const phys_addr_t kend = 1000 * SZ_1M;
  Machine m = pc(SZ_1G, 900 * SZ_1M, kend);
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_1G, kend, true));
  ASSERT_TRUE(dm.ok()) << dm.error().message;
  ASSERT_GE(dm->calls.size(), 4u);
  EXPECT_EQ(dm->calls[1].start, SZ_1G - SZ_2M);
  EXPECT_TRUE(dm->calls[1].can_use_brk_pgt);
  EXPECT_EQ(dm->calls[2].start, SZ_512M);
  EXPECT_FALSE(dm->calls[2].can_use_brk_pgt);
  for (const auto& r : runs_of_call(*dm, 2)) EXPECT_EQ(r.source, PgtSource::Memblock);
  EXPECT_TRUE(dm->calls[3].can_use_brk_pgt);
  const auto r3 = runs_of_call(*dm, 3);
  ASSERT_FALSE(r3.empty());
  EXPECT_EQ(r3[0].source, PgtSource::Brk);
}

// Memory KASLR: init_trampoline_kaslr takes one page (two with 5-level).
TEST(InitMemMapping, trampoline_pages_with_memory_kaslr) {
  for (bool five : {false, true}) {
    const Machine m = pc(SZ_4G, 16 * SZ_1M, 48 * SZ_1M);
    Memblock mb = build(m);
    DirectMapConfig c = config(SZ_4G, 48 * SZ_1M, false);
    c.memory_kaslr = true;
    c.paging = default_paging(five);
    c.paging.page_offset_base += 7 * SZ_1G;
    auto dm = init_mem_mapping(mb, c);
    ASSERT_TRUE(dm.ok());
    const auto tr = runs_of_call(*dm, -1);
    ASSERT_EQ(tr.size(), 1u);
    EXPECT_EQ(tr[0].pages, five ? 2u : 1u);
    EXPECT_EQ(tr[0].source, PgtSource::Brk);
    EXPECT_TRUE(check_direct_map_coverage(*dm, mb).empty());
  }
}

// Running out of memory for page tables is the kernel's panic -> an error.
TEST(InitMemMapping, panic_is_an_error) {
  // All RAM above 1M reserved except the 2M probe block: 4k mapping of 1 GiB
  // needs 512 PTE pages, more than 16 brk pages plus a 2M window can hold
  // once that window is itself reserved.
  Machine m = pc(SZ_1G, 16 * SZ_1M, 48 * SZ_1M);
  m.reserved.push_back({SZ_1M, 16 * SZ_1M});
  m.reserved.push_back({48 * SZ_1M, SZ_1G - SZ_2M});
  m.reserved.push_back({SZ_1G - SZ_2M, SZ_1G});
  Memblock mb = build(m);
  auto dm = init_mem_mapping(mb, config(SZ_1G, 48 * SZ_1M, true));
  ASSERT_FALSE(dm.ok());
  EXPECT_NE(dm.error().message.find("alloc_low_pages: can not alloc memory"), std::string::npos);
}

TEST(AddPfnRangeMapped, merges_touching_and_tracks_max) {
  DirectMap dm = make_direct_map(DirectMapConfig{});
  add_pfn_range_mapped(dm, 0, 256);
  add_pfn_range_mapped(dm, 0x100000, 0x100200);
  add_pfn_range_mapped(dm, 256, 512);
  EXPECT_EQ(dm.pfn_mapped, (std::vector<PfnSpan>{{0, 512}, {0x100000, 0x100200}}));
  EXPECT_EQ(dm.max_pfn_mapped, 0x100200u);
  EXPECT_EQ(dm.max_low_pfn_mapped, 512u);  // the range at 4G does not count
  add_pfn_range_mapped(dm, 0xfff00, 0x100100);
  EXPECT_EQ(dm.max_low_pfn_mapped, 0x100000u);
  EXPECT_TRUE(pfn_range_is_mapped(dm, 10, 512));
  EXPECT_FALSE(pfn_range_is_mapped(dm, 500, 0xfff01));
  EXPECT_TRUE(pfn_range_is_mapped(dm, 0xfff00, 0x100200));
}

TEST(GetNewStepSize, grows_by_two_to_the_eight) {
  EXPECT_EQ(get_new_step_size(SZ_2M), SZ_512M);
  EXPECT_EQ(get_new_step_size(SZ_512M), 128 * SZ_1G);
}

}  // namespace
}  // namespace mbv
