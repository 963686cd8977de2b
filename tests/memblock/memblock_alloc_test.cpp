// Allocation: memblock_find_in_range_node, memblock_alloc_range_nid and
// its wrappers. Direction-dependent tests are TEST_P over top-down /
// bottom-up.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::initial_dummy;
using test::rgn;

constexpr std::uint64_t SZ_8K = 2 * SZ_4K;
constexpr std::uint64_t SZ_256M = 1ull << 28;

enum class Dir { TopDown, BottomUp };

class MemblockAlloc : public ::testing::TestWithParam<Dir> {
 protected:
  Memblock fresh() const {
    Memblock mb;
    mb.set_bottom_up(GetParam() == Dir::BottomUp);
    return mb;
  }
  bool top_down() const { return GetParam() == Dir::TopDown; }
};

INSTANTIATE_TEST_SUITE_P(Dir, MemblockAlloc, ::testing::Values(Dir::TopDown, Dir::BottomUp),
                         [](const ::testing::TestParamInfo<Dir>& i) {
                           return i.param == Dir::TopDown ? std::string("TopDown") : std::string("BottomUp");
                         });

// memblock_phys_alloc in one free region
//   top-down:  |+------------------------------------[rgn]+|
//   bottom-up: |+[page0][rgn]-----------------------------+|
//              0                                          1G
// Expect: the highest page, or PAGE_SIZE (page 0 is never returned);
// reserved holds exactly the new block.
TEST_P(MemblockAlloc, Simple) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  const phys_addr_t want = top_down() ? SZ_1G - SZ_4K : PAGE_SIZE;
  EXPECT_EQ(mb.phys_alloc(SZ_4K, SZ_4K), want);
  EXPECT_REGIONS(mb.reserved, {rgn(want, SZ_4K)});
}

// Two allocations in a row merge into one reservation.
TEST_P(MemblockAlloc, TwiceMerges) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_16M), 0);
  const phys_addr_t a = mb.phys_alloc(SZ_8K, SZ_4K);
  const phys_addr_t b = mb.phys_alloc(SZ_8K, SZ_4K);
  if (top_down()) {
    EXPECT_EQ(a, SZ_1M + SZ_16M - SZ_8K);
    EXPECT_EQ(b, a - SZ_8K);
    EXPECT_REGIONS(mb.reserved, {rgn(b, 2 * SZ_8K)});
  } else {
    EXPECT_EQ(a, SZ_1M);
    EXPECT_EQ(b, SZ_1M + SZ_8K);
    EXPECT_REGIONS(mb.reserved, {rgn(a, 2 * SZ_8K)});
  }
}

// Alignment: the block starts on an align boundary inside the free range.
//   memory [1M+4K, 1M+4K+16M), align 2M
// Expect top-down: round_down(end - size, 2M); bottom-up: round_up(start, 2M).
TEST_P(MemblockAlloc, Alignment) {
  Memblock mb = fresh();
  const phys_addr_t base = SZ_1M + SZ_4K, end = base + SZ_16M;
  EXPECT_EQ(mb.add(base, SZ_16M), 0);
  const phys_addr_t want = top_down() ? round_down(end - SZ_4K, SZ_2M) : round_up(base, SZ_2M);
  EXPECT_EQ(mb.phys_alloc(SZ_4K, SZ_2M), want);
  EXPECT_REGIONS(mb.reserved, {rgn(want, SZ_4K)});
}

// align 0 becomes SMP_CACHE_BYTES (64).
TEST_P(MemblockAlloc, AlignZeroIs64) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(0x100000, 0x100000), 0);
  const phys_addr_t want = top_down() ? round_down(0x200000 - 0x10, 64) : 0x100000;
  EXPECT_EQ(mb.phys_alloc(0x10, 0), want);
  EXPECT_EQ(want % 64, 0u);
}

// The block avoids existing reservations.
//   |+---[res]---------------[res]--+|
// Expect: the highest/lowest free block between them.
TEST_P(MemblockAlloc, AvoidsReserved) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_16M), 0);
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(SZ_16M, SZ_1M), 0);
  const phys_addr_t want = top_down() ? SZ_16M - SZ_1M : SZ_2M;
  EXPECT_EQ(mb.phys_alloc(SZ_1M, SZ_4K), want);
  // It touches one reservation and merges with it.
  if (top_down()) {
    EXPECT_REGIONS(mb.reserved, {rgn(SZ_1M, SZ_1M), rgn(want, 2 * SZ_1M)});
  } else {
    EXPECT_REGIONS(mb.reserved, {rgn(SZ_1M, 2 * SZ_1M), rgn(SZ_16M, SZ_1M)});
  }
}

// No block fits: 0 and nothing changes.
TEST_P(MemblockAlloc, NoSpace) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.phys_alloc(SZ_2M, SZ_4K), 0u);
  EXPECT_EQ(mb, before);
}

// A block is never assembled across two touching memory regions [sim]
//   |+--nid 0: [1M,2M)--+--nid 1: [2M,3M)--+|
// Expect: 1.5M does not fit in either region: 0, although [1M,3M) is free.
TEST_P(MemblockAlloc, NoStraddlingTouchingRegions) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(SZ_2M, SZ_1M, 1, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.phys_alloc(SZ_1M + SZ_1M / 2, SZ_4K), 0u);
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
}

// nid preference and fallback
//   |+--nid 0: [1M, 1G)--+--nid 1: [1G, 2G)--+|
// Expect: memblock_phys_alloc_try_nid(nid) lands on that node; a full node
// falls back to any node; memblock_alloc_exact_nid_raw does not.
TEST_P(MemblockAlloc, NidFilterAndFallback) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_1G - SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(SZ_1G, SZ_1G, 1, MEMBLOCK_NONE), 0);
  const phys_addr_t n0 = mb.phys_alloc_try_nid(SZ_4K, SZ_4K, 0);
  EXPECT_EQ(n0, top_down() ? SZ_1G - SZ_4K : SZ_1M);
  const phys_addr_t n1 = mb.phys_alloc_try_nid(SZ_4K, SZ_4K, 1);
  EXPECT_EQ(n1, top_down() ? 2 * SZ_1G - SZ_4K : SZ_1G);
  // Fill node 1 completely.
  EXPECT_EQ(mb.reserve(SZ_1G, SZ_1G), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1), 0u);
  EXPECT_EQ(mb, before);
  const phys_addr_t fb = mb.alloc_try_nid_raw(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1);
  EXPECT_EQ(fb, top_down() ? SZ_1G - 2 * SZ_4K : SZ_1M + SZ_4K);
}

// nid MAX_NUMNODES is rewritten to NUMA_NO_NODE (with a WARN).
TEST_P(MemblockAlloc, MaxNumnodesMeansAny) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_1M, 5, MEMBLOCK_NONE), 0);
  EXPECT_NE(mb.alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, MAX_NUMNODES), 0u);
}

// movable_node: HOTPLUG memory is skipped when the option is on, used
// when it is off.
//   |+--plain [1M,2M)--+--HOTPLUG [2M,3M)--+|
TEST_P(MemblockAlloc, MovableNodeSkipsHotplug) {
  for (bool movable : {false, true}) {
    Memblock mb = fresh();
    mb.movable_node = movable;
    EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
    EXPECT_EQ(mb.add_node(SZ_2M, SZ_1M, MAX_NUMNODES, MEMBLOCK_HOTPLUG), 0);
    phys_addr_t want;
    if (top_down())
      want = movable ? SZ_2M - SZ_4K : 3 * SZ_1M - SZ_4K;
    else
      want = SZ_1M;
    EXPECT_EQ(mb.phys_alloc(SZ_4K, SZ_4K), want) << "movable_node=" << movable;
    // Only hotplug memory left: fails under movable_node.
    Memblock only_hot = fresh();
    only_hot.movable_node = movable;
    EXPECT_EQ(only_hot.add_node(SZ_2M, SZ_1M, MAX_NUMNODES, MEMBLOCK_HOTPLUG), 0);
    EXPECT_EQ(only_hot.phys_alloc(SZ_4K, SZ_4K) != 0, !movable);
  }
}

// Mirror: with kernelcore=mirror and some mirrored memory, attempts run
// (nid, MIRROR) -> (any, MIRROR) -> (nid, NONE) -> (any, NONE).
//   |+--nid 0: [1M,16M) MIRROR [16M,32M) plain--+--nid 1: [32M,48M) plain--+|
TEST_P(MemblockAlloc, MirrorFallbackOrder) {
  Memblock mb = fresh();
  mb.mirrored_kernelcore = true;
  EXPECT_EQ(mb.add_node(SZ_1M, 2 * SZ_16M - SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(2 * SZ_16M, SZ_16M, 1, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.mark_mirror(SZ_1M, SZ_16M - SZ_1M), 0);
  ASSERT_TRUE(mb.system_has_some_mirror);
  // (1, MIRROR) fails, (any, MIRROR) succeeds on node 0's mirror.
  const phys_addr_t a = mb.phys_alloc_try_nid(SZ_4K, SZ_4K, 1);
  EXPECT_EQ(a, top_down() ? SZ_16M - SZ_4K : SZ_1M);
  // Use up the mirror: then (1, NONE) wins over node 0's plain memory.
  EXPECT_EQ(mb.reserve(SZ_1M, SZ_16M - SZ_1M), 0);
  const phys_addr_t b = mb.phys_alloc_try_nid(SZ_4K, SZ_4K, 1);
  EXPECT_EQ(b, top_down() ? 3 * SZ_16M - SZ_4K : 2 * SZ_16M);
  // Exact node 0 without mirror left: falls back to (0, NONE).
  const phys_addr_t c = mb.alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 0);
  EXPECT_EQ(c, top_down() ? 2 * SZ_16M - SZ_4K : SZ_16M);
}

// memblock_find_in_range (the doubling search) prefers mirror, then any.
TEST_P(MemblockAlloc, FindInRangeMirrorThenAny) {
  Memblock mb = fresh();
  mb.mirrored_kernelcore = true;
  EXPECT_EQ(mb.add(SZ_1M, SZ_16M), 0);
  EXPECT_EQ(mb.mark_mirror(SZ_2M, SZ_1M), 0);
  EXPECT_EQ(mb.find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, SZ_4K, SZ_4K),
            top_down() ? 3 * SZ_1M - SZ_4K : SZ_2M);
  EXPECT_EQ(mb.find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, SZ_2M, SZ_4K),
            top_down() ? SZ_1M + SZ_16M - SZ_2M : 3 * SZ_1M);
}

// start > end gives an empty window: 0 [sim].
TEST_P(MemblockAlloc, StartAboveEnd) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(0, SZ_1G), 0);
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, SZ_256M, SZ_16M), 0u);
  EXPECT_EQ(mb.find_in_range_node(SZ_4K, SZ_4K, SZ_256M, SZ_16M, NUMA_NO_NODE, MEMBLOCK_NONE), 0u);
  EXPECT_REGIONS(mb.reserved, {initial_dummy()});
}

// memblock_alloc_try_nid: a min_addr that cannot be met is dropped and the
// allocation retried from 0.
//   |+--memory [1M, 2M)--+          min_addr = 1G|
TEST_P(MemblockAlloc, MinAddrRetryFromZero) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  const phys_addr_t a = mb.alloc_try_nid(SZ_4K, SZ_4K, SZ_1G, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE);
  EXPECT_EQ(a, top_down() ? SZ_2M - SZ_4K : SZ_1M);
  // memblock_phys_alloc_range has no such retry.
  EXPECT_EQ(mb.phys_alloc_range(SZ_4K, SZ_4K, SZ_1G, MEMBLOCK_ALLOC_ANYWHERE), 0u);
}

// A min_addr that can be met is honoured.
TEST_P(MemblockAlloc, MinAddrHonoured) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_16M), 0);
  const phys_addr_t a = mb.alloc_try_nid(SZ_4K, SZ_4K, SZ_16M, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
  EXPECT_EQ(a, top_down() ? SZ_16M + SZ_1M - SZ_4K : SZ_16M);
}

// Size 0 [sim]: the search succeeds and reserving 0 bytes succeeds, so a
// non-zero address comes back and nothing is reserved. Top-down it is the
// end of the highest free range, here the base of a reservation.
//   |+--free [1M,1.5M)--+==reserved [1.5M,2M)==+|
TEST_P(MemblockAlloc, SizeZero) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, SZ_1M), 0);
  EXPECT_EQ(mb.reserve(SZ_1M + SZ_1M / 2, SZ_1M / 2), 0);
  const Memblock before = mb;
  const phys_addr_t a = mb.phys_alloc(0, SZ_4K);
  EXPECT_EQ(a, top_down() ? SZ_1M + SZ_1M / 2 : SZ_1M);
  EXPECT_EQ(mb, before);
  if (top_down()) {
    EXPECT_TRUE(mb.is_reserved(a));
  }
}

// A found block whose reservation fails (full reserved array, no resize)
// falls through; with nothing else to try the allocation returns 0 although
// free memory exists. The reservation would touch an existing one, but the
// counting pass still sees a new piece.
//   |+[r0]-[r1]- ... -[r127]-------- free ----------+|
//    1M                     2M                      4M
TEST_P(MemblockAlloc, ReserveFailureFallsThrough) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(SZ_1M, 3 * SZ_1M), 0);
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) EXPECT_EQ(mb.reserve(SZ_1M + i * SZ_8K, SZ_4K), 0);
  const Memblock before = mb;
  EXPECT_EQ(mb.phys_alloc(SZ_4K, SZ_4K), 0u);
  EXPECT_EQ(mb.phys_alloc_try_nid(SZ_4K, SZ_4K, 0), 0u);
  EXPECT_EQ(mb, before);
  // With resize allowed the reservation doubles the array and succeeds.
  mb.allow_resize();
  EXPECT_NE(mb.phys_alloc(SZ_4K, SZ_4K), 0u);
  EXPECT_EQ(mb.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
}

// memblock_alloc_low stays below ARCH_LOW_ADDRESS_LIMIT (0xffffffff, used
// as an exclusive end, so the last page below 4G is not used top-down).
TEST_P(MemblockAlloc, AllocLow) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add(0, 2 * SZ_4G), 0);
  EXPECT_EQ(mb.alloc_low(SZ_4K, SZ_4K), top_down() ? SZ_4G - 2 * SZ_4K : PAGE_SIZE);
}

// The memblock_alloc* inline wrappers: bounds and node as the header gives
// them (ACCESSIBLE = current_limit; _from prefers min_addr; _node prefers nid).
//   |+--nid 0 [1M, 16M)--+--nid 1 [16M, 32M)--+|   current_limit 24M
TEST_P(MemblockAlloc, Wrappers) {
  Memblock mb = fresh();
  EXPECT_EQ(mb.add_node(SZ_1M, SZ_16M - SZ_1M, 0, MEMBLOCK_NONE), 0);
  EXPECT_EQ(mb.add_node(SZ_16M, SZ_16M, 1, MEMBLOCK_NONE), 0);
  mb.set_current_limit(SZ_16M + SZ_16M / 2);
  EXPECT_EQ(mb.get_current_limit(), SZ_16M + SZ_16M / 2);
  Memblock a = mb, b = mb, c = mb, d = mb;
  EXPECT_EQ(a.alloc(SZ_4K, SZ_4K), top_down() ? SZ_16M + SZ_16M / 2 - SZ_4K : SZ_1M);
  EXPECT_EQ(b.alloc_raw(SZ_4K, SZ_4K), top_down() ? SZ_16M + SZ_16M / 2 - SZ_4K : SZ_1M);
  EXPECT_EQ(c.alloc_from(SZ_4K, SZ_4K, SZ_2M), top_down() ? SZ_16M + SZ_16M / 2 - SZ_4K : SZ_2M);
  EXPECT_EQ(d.alloc_node(SZ_4K, SZ_4K, 0), top_down() ? SZ_16M - SZ_4K : SZ_1M);
}

// current_limit vs MEMBLOCK_ALLOC_ANYWHERE [sim], top-down
//   memory [0x100000, 0x200000), current_limit 0x180000
// Expect: ACCESSIBLE (memblock_phys_alloc) -> 0x17f000; phys_alloc_range
// with ANYWHERE is not capped -> 0x1ff000; memblock_alloc_try_nid with
// ANYWHERE is capped by memblock_alloc_internal -> below the limit.
TEST(MemblockAllocLimit, CurrentLimitVsAnywhere) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x100000, 0x100000), 0);
  mb.set_current_limit(0x180000);
  Memblock a = mb, b = mb, c = mb;
  EXPECT_EQ(a.phys_alloc(0x1000, 0x1000), 0x17f000u);
  EXPECT_EQ(b.phys_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE), 0x1ff000u);
  EXPECT_EQ(c.alloc_try_nid(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE), 0x17f000u);
  // NOLEAKTRACE is pumped to current_limit like ACCESSIBLE.
  EXPECT_EQ(mb.find_in_range_node(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_NOLEAKTRACE, NUMA_NO_NODE,
                                  MEMBLOCK_NONE),
            0x17f000u);
}

// Top-down skips a free range whose clamped end is below the size (the
// `this_end < size` guard) instead of wrapping.
TEST(MemblockAllocLimit, TopDownSmallEndSkip) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x1000), 0);
  EXPECT_EQ(mb.phys_alloc_range(0x4000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE), 0u);
  EXPECT_EQ(mb.phys_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE), 0x1000u);
}

}  // namespace
}  // namespace mbv
