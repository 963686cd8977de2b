// Known Linux 6.1 allocation behaviours on the real mm/memblock.c, including
// the region-array doubling that writes through __va().
#include "tests/oracle/oracle_fixture.h"

namespace mbv::test {
namespace {

using OracleAlloc = OracleTest;
constexpr int kNoNid = MAX_NUMNODES;

// current_limit caps ACCESSIBLE requests but not ANYWHERE ones:
// limit 0x180000, memory [0x100000, 0x200000).
TEST_F(OracleAlloc, current_limit_accessible_vs_anywhere) {
  run(Op{OpKind::Add, 0x100000, 0x100000});
  run(Op{OpKind::SetCurrentLimit, 0x180000});
  // nid 0 is not the memory's nid (MAX_NUMNODES): the node fallback finds it
  EXPECT_EQ(run(Op{OpKind::AllocTryNid, 0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ACCESSIBLE}), 0x17f000);
  EXPECT_EQ(run(Op{OpKind::PhysAllocRange, 0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE}), 0x1ff000);
  Memblock expect;
  expect.current_limit = 0x180000;
  expect.memory = type_with({{0x100000, 0x100000, MEMBLOCK_NONE, kNoNid}}, "memory");
  expect.reserved = type_with({{0x17f000, 0x1000, MEMBLOCK_NONE, kNoNid},
                               {0x1ff000, 0x1000, MEMBLOCK_NONE, kNoNid}},
                              "reserved");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// An alignment of 0 becomes SMP_CACHE_BYTES, 64 on x86-64.
TEST_F(OracleAlloc, zero_align_is_cache_line) {
  run(Op{OpKind::Add, SZ_1G, SZ_1M});
  EXPECT_EQ(run(Op{OpKind::PhysAllocRange, 0x10, 0, 0, MEMBLOCK_ALLOC_ANYWHERE}),
            static_cast<std::int64_t>(SZ_1G + SZ_1M - 64));
}

// Size 0: the search succeeds, nothing is reserved, a non-zero address is
// returned (top-down: the end of the highest free range).
TEST_F(OracleAlloc, size_zero) {
  run(Op{OpKind::Add, SZ_1G, SZ_1M});
  EXPECT_EQ(run(Op{OpKind::PhysAllocRange, 0, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE}),
            static_cast<std::int64_t>(SZ_1G + SZ_1M));
  Memblock expect;
  expect.memory = type_with({{SZ_1G, SZ_1M, MEMBLOCK_NONE, kNoNid}}, "memory");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// memblock_alloc_try_nid zeroes through the virtual address; the oracle maps
// it and the reservation lands top-down in the only memory.
TEST_F(OracleAlloc, alloc_try_nid_top_down_simple) {
  run(Op{OpKind::Add, SZ_1G, SZ_16M});
  Op op{OpKind::AllocTryNid, SZ_2M, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE};
  op.nid = NUMA_NO_NODE;
  EXPECT_EQ(run(op), static_cast<std::int64_t>(SZ_1G + SZ_16M - SZ_2M));
  Memblock expect;
  expect.memory = type_with({{SZ_1G, SZ_16M, MEMBLOCK_NONE, kNoNid}}, "memory");
  expect.reserved = type_with({{SZ_1G + SZ_16M - SZ_2M, SZ_2M, MEMBLOCK_NONE, kNoNid}}, "reserved");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// Reserving the 129th disjoint range with resizing allowed doubles the
// reserved array: max 256, the new array (PAGE_ALIGN(256 * 24) = 0x2000
// bytes) is found top-down in memory and reserved itself.
TEST_F(OracleAlloc, reserve_doubles_array) {
  run(Op{OpKind::AllowResize});
  run(Op{OpKind::Add, SZ_1G, SZ_16M});
  std::vector<MemblockRegion> regions;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS + 1; ++i) {
    const MemblockRegion r{SZ_4G + i * 2 * SZ_4K, SZ_4K, MEMBLOCK_NONE, kNoNid};
    EXPECT_EQ(run(Op{OpKind::Reserve, r.base, r.size}), 0);
    regions.push_back(r);
  }
  const phys_addr_t array = SZ_1G + SZ_16M - 0x2000;
  regions.insert(regions.begin(), MemblockRegion{array, 0x2000, MEMBLOCK_NONE, kNoNid});
  Memblock expect;
  expect.can_resize = true;
  expect.memory = type_with({{SZ_1G, SZ_16M, MEMBLOCK_NONE, kNoNid}}, "memory");
  expect.reserved = type_with(regions, "reserved");
  expect.reserved.max = 2 * INIT_MEMBLOCK_REGIONS;
  expect.reserved.array_phys = array;
  EXPECT_EQ(oracle->snapshot(), expect);
}

// Doubling the memory array twice: the first new array is freed from
// reserved when the second one replaces it.
TEST_F(OracleAlloc, add_doubles_memory_array_twice) {
  run(Op{OpKind::AllowResize});
  for (std::uint64_t i = 0; i < 2 * INIT_MEMBLOCK_REGIONS + 1; ++i)
    EXPECT_EQ(run(Op{OpKind::Add, SZ_1G + i * 2 * SZ_1M, SZ_1M}), 0);
  const Memblock m = oracle->snapshot();
  EXPECT_EQ(m.memory.max, 4 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(m.memory.cnt(), 2 * INIT_MEMBLOCK_REGIONS + 1);
  ASSERT_NE(m.memory.array_phys, 0u);
  // only the live array (512 * 24 bytes -> 0x3000) stays reserved
  Memblock expect_reserved;
  expect_reserved.reserved =
      type_with({{m.memory.array_phys, 0x3000, MEMBLOCK_NONE, kNoNid}}, "reserved");
  EXPECT_EQ(m.reserved, expect_reserved.reserved);
}

}  // namespace
}  // namespace mbv::test

namespace mbv::test {
namespace {

using OracleWalk = OracleTest;

// for_each_free_mem_range(_reverse): memory minus reserved, one range per
// (memory region, reserved gap) pair; a node filter skips other nodes.
//   |  +--------+----+--------+--------+       |
//   |  | free   |rsv | free   | node 1 |       |
//   +--+--------+----+--------+--------+-------+
TEST_F(OracleWalk, free_mem_ranges) {
  run(Op{OpKind::Add, SZ_1G, SZ_1G});
  run(Op{OpKind::AddNode, 2 * SZ_1G, SZ_1M, 0, 0, 1, MEMBLOCK_NONE});
  run(Op{OpKind::Reserve, SZ_1G + SZ_1M, SZ_1M});
  const std::vector<MemRange> fwd = {{SZ_1G, SZ_1G + SZ_1M, kNoNid},
                                     {SZ_1G + 2 * SZ_1M, 2 * SZ_1G, kNoNid},
                                     {2 * SZ_1G, 2 * SZ_1G + SZ_1M, 1}};
  EXPECT_EQ(oracle->walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, NUMA_NO_NODE,
                                    MEMBLOCK_NONE, false),
            fwd);
  EXPECT_EQ(oracle->walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, NUMA_NO_NODE,
                                    MEMBLOCK_NONE, true),
            std::vector<MemRange>(fwd.rbegin(), fwd.rend()));
  EXPECT_EQ(oracle->walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, 1,
                                    MEMBLOCK_NONE, false),
            std::vector<MemRange>{fwd[2]});
  EXPECT_EQ(oracle->mem_pfn_ranges(1),
            (std::vector<PfnRange>{{pfn_down(2 * SZ_1G), pfn_down(2 * SZ_1G + SZ_1M), 1}}));
  // memblock_search_pfn_nid also reports the region's pfn span
  OracleOutcome out = oracle->apply(Op{OpKind::SearchPfnNid, pfn_down(2 * SZ_1G) + 3});
  EXPECT_EQ(out.result.value, 1);
  EXPECT_EQ(out.start_pfn, pfn_down(2 * SZ_1G));
  EXPECT_EQ(out.end_pfn, pfn_down(2 * SZ_1G + SZ_1M));
}

// An empty memory type walked alone reports the dummy [0, 0) once.
TEST_F(OracleWalk, empty_memory_reports_dummy) {
  EXPECT_EQ(oracle->walk_mem_ranges(MemblockTypeId::Memory, std::nullopt, NUMA_NO_NODE,
                                    MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, false),
            (std::vector<MemRange>{{0, 0, 0}}));
  EXPECT_EQ(oracle->walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, NUMA_NO_NODE,
                                    MEMBLOCK_NONE, false),
            std::vector<MemRange>{});
}

}  // namespace
}  // namespace mbv::test
