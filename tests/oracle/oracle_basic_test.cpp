// Known Linux 6.1 behaviours of the region edits (the [sim] notes of the
// semantic map), reproduced on the real mm/memblock.c through the oracle.
#include "tests/oracle/oracle_fixture.h"

namespace mbv::test {
namespace {

using OracleBasic = OracleTest;
constexpr int kNoNid = MAX_NUMNODES;  // nid that memblock_add/reserve store

// memblock_add near the top: the size is capped so that base + size does not
// wrap; the last byte (PHYS_ADDR_MAX) is never covered.
//   |                                   +------+
//   |                                   |  r1  |  (capped)
//   +-----------------------------------+------+ PHYS_ADDR_MAX
TEST_F(OracleBasic, add_near_max) {
  const MemblockRegion r1{PHYS_ADDR_MAX - 0x1000, 0x10000};
  EXPECT_EQ(run(Op{OpKind::Add, r1.base, r1.size}), 0);
  Memblock expect;
  expect.memory = type_with({{r1.base, 0x1000, MEMBLOCK_NONE, kNoNid}}, "memory");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// The 129th disjoint add fails with -ENOMEM while resizing is not allowed,
// and changes nothing.
TEST_F(OracleBasic, add_past_capacity_without_resize) {
  std::vector<MemblockRegion> regions;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; ++i) {
    const MemblockRegion r{SZ_1G + i * 2 * SZ_4K, SZ_4K, MEMBLOCK_NONE, kNoNid};
    EXPECT_EQ(run(Op{OpKind::Add, r.base, r.size}), 0);
    regions.push_back(r);
  }
  EXPECT_EQ(run(Op{OpKind::Add, SZ_4G, SZ_4K}), -KERN_ENOMEM);
  Memblock expect;
  expect.memory = type_with(regions, "memory");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// memblock_add_node over a region of another node: covered addresses keep
// their nid and flags, the new pieces get the request's.
//   |     +--------------------+        |
//   |     |  r2 (nid 2, NONE)  |        |
//   |        +----------+               |
//   |        | r1 nid 1 |  HOTPLUG      |
//   +--------+----------+---------------+
// Expect three regions: nid 2, nid 1 HOTPLUG, nid 2.
TEST_F(OracleBasic, add_node_overlap_keeps_old_attributes) {
  EXPECT_EQ(run(Op{OpKind::AddNode, 0x10000, 0x10000, 0, 0, 1, MEMBLOCK_HOTPLUG}), 0);
  EXPECT_EQ(run(Op{OpKind::AddNode, 0x8000, 0x20000, 0, 0, 2, MEMBLOCK_NONE}), 0);
  Memblock expect;
  expect.memory = type_with({{0x8000, 0x8000, MEMBLOCK_NONE, 2},
                             {0x10000, 0x10000, MEMBLOCK_HOTPLUG, 1},
                             {0x20000, 0x8000, MEMBLOCK_NONE, 2}},
                            "memory");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// A fully covered add changes nothing, not even flags.
TEST_F(OracleBasic, add_within_changes_nothing) {
  run(Op{OpKind::AddNode, SZ_1G, SZ_1G, 0, 0, 1, MEMBLOCK_HOTPLUG});
  const Memblock before = oracle->snapshot();
  EXPECT_EQ(run(Op{OpKind::AddNode, SZ_1G + SZ_1M, SZ_1M, 0, 0, 3, MEMBLOCK_NOMAP}), 0);
  EXPECT_EQ(oracle->snapshot(), before);
}

// Removing everything leaves the dummy region with nid MAX_NUMNODES.
TEST_F(OracleBasic, remove_only_region) {
  run(Op{OpKind::Add, SZ_1G, SZ_4K});
  EXPECT_EQ(run(Op{OpKind::Remove, SZ_1G, SZ_4K}), 0);
  Memblock expect;
  expect.memory.regions = {MemblockRegion{0, 0, MEMBLOCK_NONE, kNoNid}};
  EXPECT_EQ(oracle->snapshot(), expect);
}

// memblock_trim_memory shrinks in place without adjusting total_size:
// [0x1800,+0x3000) and [0x10000,+0x800) trimmed to 0x1000 leave one region
// [0x2000,+0x2000) but total_size 0x3000.
TEST_F(OracleBasic, trim_keeps_stale_total) {
  run(Op{OpKind::Add, 0x1800, 0x3000});
  run(Op{OpKind::Add, 0x10000, 0x800});
  run(Op{OpKind::TrimMemory, 0x1000});
  Memblock expect;
  expect.memory = type_with({{0x2000, 0x2000, MEMBLOCK_NONE, kNoNid}}, "memory", 0x3000);
  EXPECT_EQ(oracle->snapshot(), expect);
}

// memblock_mark_mirror is a no-op without kernelcore=mirror; with it, it
// sets system_has_some_mirror even when the range holds no memory.
TEST_F(OracleBasic, mark_mirror_needs_kernelcore_mirror) {
  run(Op{OpKind::Add, SZ_1G, SZ_1G});
  EXPECT_EQ(run(Op{OpKind::MarkMirror, SZ_1G, SZ_1M}), 0);
  Memblock expect;
  expect.memory = type_with({{SZ_1G, SZ_1G, MEMBLOCK_NONE, kNoNid}}, "memory");
  EXPECT_EQ(oracle->snapshot(), expect);

  run(Op{OpKind::SetMirroredKernelcore, 1});
  EXPECT_EQ(run(Op{OpKind::MarkMirror, SZ_4G, SZ_1M}), 0);  // no memory there
  expect.mirrored_kernelcore = true;
  expect.system_has_some_mirror = true;
  EXPECT_EQ(oracle->snapshot(), expect);
}

// Isolation doubles unconditionally first: on a full, non-resizable array a
// flag change fails with -ENOMEM even where no split is needed.
TEST_F(OracleBasic, mark_hotplug_on_full_array) {
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; ++i)
    run(Op{OpKind::Add, SZ_1G + i * 2 * SZ_4K, SZ_4K});
  const Memblock before = oracle->snapshot();
  EXPECT_EQ(run(Op{OpKind::MarkHotplug, SZ_1G, SZ_4K}), -KERN_ENOMEM);
  EXPECT_EQ(oracle->snapshot(), before);
}

// memblock_cap_memory_range inside a NOMAP region isolates without merging:
// three adjacent NOMAP regions with identical attributes remain.
TEST_F(OracleBasic, cap_memory_range_within_nomap) {
  run(Op{OpKind::Add, SZ_1G, SZ_1G});
  run(Op{OpKind::MarkNomap, SZ_1G, SZ_1G});
  run(Op{OpKind::CapMemoryRange, SZ_1G + SZ_1M, SZ_1M});
  Memblock expect;
  expect.memory = type_with({{SZ_1G, SZ_1M, MEMBLOCK_NOMAP, kNoNid},
                             {SZ_1G + SZ_1M, SZ_1M, MEMBLOCK_NOMAP, kNoNid},
                             {SZ_1G + 2 * SZ_1M, SZ_1G - 2 * SZ_1M, MEMBLOCK_NOMAP, kNoNid}},
                            "memory");
  EXPECT_EQ(oracle->snapshot(), expect);
}

// memblock_set_node works on reserved too.
TEST_F(OracleBasic, set_node_on_reserved) {
  run(Op{OpKind::Reserve, SZ_1M, SZ_2M});
  Op op{OpKind::SetNode, SZ_2M, SZ_1M};
  op.type = MemblockTypeId::Reserved;
  op.nid = 3;
  EXPECT_EQ(run(op), 0);
  Memblock expect;
  expect.reserved = type_with({{SZ_1M, SZ_1M, MEMBLOCK_NONE, kNoNid},
                               {SZ_2M, SZ_1M, MEMBLOCK_NONE, 3}},
                              "reserved");
  EXPECT_EQ(oracle->snapshot(), expect);
}

}  // namespace
}  // namespace mbv::test
