// numa_register_memblks, numa_clear_kernel_node_hotplug, alloc_node_data and
// numa_init / x86_numa_init (arch/x86/mm/numa.c).
#include <gtest/gtest.h>

#include "impl/acpi/srat.h"
#include "impl/numa/numa.h"

namespace mbv {
namespace {

constexpr std::uint64_t G = SZ_1G;

struct SratBlock {
  int nid;
  PhysRange range;
  bool hotplug;
};

// What h5's linux_view would report for these memory affinities (nids given).
LinuxSratView view_of(std::vector<SratBlock> blocks) {
  LinuxSratView v;
  for (const SratBlock& b : blocks) {
    v.memblks.push_back(NumaMemblk{b.nid, b.range.start, b.range.end, b.hotplug});
    if (b.hotplug) v.hotplug_ranges.push_back(b.range);
    if (std::find(v.nodes_parsed.begin(), v.nodes_parsed.end(), b.nid) == v.nodes_parsed.end())
      v.nodes_parsed.push_back(b.nid);
  }
  v.parsed_numa_memblks = static_cast<int>(blocks.size());
  return v;
}

Memblock boot_memblock(std::initializer_list<PhysRange> ram, bool movable_node) {
  Memblock mb;
  mb.movable_node = movable_node;
  mb.bottom_up = movable_node;
  mb.allow_resize();
  for (const PhysRange& r : ram) EXPECT_EQ(mb.add(r.start, r.end - r.start), 0);
  return mb;
}

void expect_regions(const MemblockType& t, std::vector<MemblockRegion> want) {
  EXPECT_EQ(t.regions, want);
}

// numa_init(x86_acpi_numa_init): kernel in node 0, node 1 hot-pluggable.
//   | n0 [0x1000, 2G): kernel at 16M | n1 [2G, 4G) hotplug |
// Expect: nids set, node 1 keeps HOTPLUG, both NODE_DATA in node 0 (node 1 is
// skipped under movable_node), top-down, bottom-up switched off.
TEST(NumaInit, Simple) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, true);
  ASSERT_EQ(mb.reserve(SZ_16M, 32 * SZ_1M), 0);
  const LinuxSratView srat = view_of({{0, {0, 2 * G}, false}, {1, {2 * G, 4 * G}, true}});
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, false};
  ASSERT_EQ(numa_init(st, mb, env, NumaMethod::AcpiSrat, &srat, 0), 0);

  expect_regions(mb.memory, {{0x1000, 2 * G - 0x1000, MEMBLOCK_NONE, 0},
                             {2 * G, 2 * G, MEMBLOCK_HOTPLUG, 1}});
  const std::uint64_t nd = NODE_DATA_SIZE;
  expect_regions(mb.reserved, {{SZ_16M, 32 * SZ_1M, MEMBLOCK_NONE, 0},
                               {2 * G - 2 * nd, 2 * nd, MEMBLOCK_NONE, MAX_NUMNODES}});
  EXPECT_FALSE(mb.bottom_up);
  EXPECT_EQ(st.node_data, (std::vector<NodeDataPlacement>{{0, {2 * G - nd, 2 * G}, 0},
                                                          {1, {2 * G - 2 * nd, 2 * G - nd}, 0}}));
  EXPECT_EQ(st.reserved_nodemask.count(), 1u);
  EXPECT_TRUE(st.reserved_nodemask.test(0));
  EXPECT_TRUE(st.node_online.test(0) && st.node_online.test(1));
  EXPECT_EQ(st.log, (std::vector<std::string>{
                        "NODE_DATA(0) allocated [mem 0x7ffd5000-0x7fffffff]",
                        "NODE_DATA(1) allocated [mem 0x7ffaa000-0x7ffd4fff]",
                        "    NODE_DATA(1) on node 0"}));
  ASSERT_EQ(st.events.size(), 2u);
  EXPECT_EQ(st.events[0].owner, Owner::NodeData);
  EXPECT_EQ(st.events[0].phase, Phase::AfterSrat);
}

// numa_clear_kernel_node_hotplug: one reserved page inside node 1 (the spill)
// makes the whole node non-hotpluggable.
// Expect: no HOTPLUG left anywhere; NODE_DATA(1) at the top of node 1.
TEST(NumaClearKernelNodeHotplug, OverlapBottom) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, true);
  ASSERT_EQ(mb.reserve(SZ_16M, 32 * SZ_1M), 0);
  ASSERT_EQ(mb.reserve(2 * G, PAGE_SIZE), 0);
  const LinuxSratView srat = view_of({{0, {0, 2 * G}, false}, {1, {2 * G, 4 * G}, true}});
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, false};
  ASSERT_EQ(numa_init(st, mb, env, NumaMethod::AcpiSrat, &srat, 0), 0);
  expect_regions(mb.memory, {{0x1000, 2 * G - 0x1000, MEMBLOCK_NONE, 0},
                             {2 * G, 2 * G, MEMBLOCK_NONE, 1}});
  EXPECT_TRUE(st.reserved_nodemask.test(1));
  ASSERT_EQ(st.node_data.size(), 2u);
  EXPECT_EQ(st.node_data[1].range, (PhysRange{4 * G - NODE_DATA_SIZE, 4 * G}));
}

// numa_clear_kernel_node_hotplug: a reservation in the hole between two
// blocks of node 1 (ACPI tables there) pins node 1, because cleanup joined
// the blocks across the hole.
//   | n0 [0,2G) | n1 [2G,3G) hp | hole (reserved 1M) | n1 [4G,5G) hp |
// Expect: node 1 loses HOTPLUG everywhere.
TEST(NumaClearKernelNodeHotplug, Between) {
  Memblock mb = boot_memblock({{0x1000, 3 * G}, {4 * G, 5 * G}}, true);
  ASSERT_EQ(mb.reserve(SZ_16M, 32 * SZ_1M), 0);
  ASSERT_EQ(mb.reserve(3 * G + SZ_1M, SZ_1M), 0);
  const LinuxSratView srat = view_of(
      {{0, {0, 2 * G}, false}, {1, {2 * G, 3 * G}, true}, {1, {4 * G, 5 * G}, true}});
  NumaState st;
  const NumaEnv env{(5 * G) >> PAGE_SHIFT, (5 * G) >> PAGE_SHIFT, false};
  ASSERT_EQ(numa_init(st, mb, env, NumaMethod::AcpiSrat, &srat, 0), 0);
  EXPECT_EQ(st.meminfo.blk, (std::vector<NumaBlock>{{0, 2 * G, 0}, {2 * G, 5 * G, 1}}));
  expect_regions(mb.memory, {{0x1000, 2 * G - 0x1000, MEMBLOCK_NONE, 0},
                             {2 * G, G, MEMBLOCK_NONE, 1},
                             {4 * G, G, MEMBLOCK_NONE, 1}});
}

// numa_clear_kernel_node_hotplug: the same node without the hole reservation
// stays hot-pluggable (the control for Between).
TEST(NumaClearKernelNodeHotplug, Disjoint) {
  Memblock mb = boot_memblock({{0x1000, 3 * G}, {4 * G, 5 * G}}, true);
  ASSERT_EQ(mb.reserve(SZ_16M, 32 * SZ_1M), 0);
  const LinuxSratView srat = view_of(
      {{0, {0, 2 * G}, false}, {1, {2 * G, 3 * G}, true}, {1, {4 * G, 5 * G}, true}});
  NumaState st;
  const NumaEnv env{(5 * G) >> PAGE_SHIFT, (5 * G) >> PAGE_SHIFT, false};
  ASSERT_EQ(numa_init(st, mb, env, NumaMethod::AcpiSrat, &srat, 0), 0);
  expect_regions(mb.memory, {{0x1000, 2 * G - 0x1000, MEMBLOCK_NONE, 0},
                             {2 * G, G, MEMBLOCK_HOTPLUG, 1},
                             {4 * G, G, MEMBLOCK_HOTPLUG, 1}});
}

// numa_meminfo_cover_memory: SRAT covering only half the RAM is rejected and
// x86_numa_init falls back to the dummy node; HOTPLUG marks are dropped.
TEST(X86NumaInit, Absent) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, true);
  ASSERT_EQ(mb.reserve(SZ_16M, 32 * SZ_1M), 0);
  const LinuxSratView srat = view_of({{0, {0, 2 * G}, true}});
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, false};
  x86_numa_init(st, mb, env, &srat, 0);
  ASSERT_TRUE(st.method.has_value());
  EXPECT_EQ(*st.method, NumaMethod::Dummy);
  EXPECT_EQ(st.meminfo.blk, (std::vector<NumaBlock>{{0, 4 * G, 0}}));
  expect_regions(mb.memory, {{0x1000, 4 * G - 0x1000, MEMBLOCK_NONE, 0}});
  EXPECT_EQ(st.log, (std::vector<std::string>{
                        "NUMA: nodes only cover 2047MB of your 4095MB e820 RAM. Not used.",
                        "No NUMA configuration found",
                        "Faking a node at [mem 0x0000000000000000-0x00000000ffffffff]",
                        "NODE_DATA(0) allocated [mem 0xfffd5000-0xffffffff]"}));
}

// numa_meminfo_cover_memory: less than 1 MiB uncovered is accepted.
TEST(NumaMeminfoCoverMemory, Within) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, false);
  NumaMeminfo mi{{{0, 4 * G - SZ_1M + PAGE_SIZE, 0}}};
  (void)mb.set_node(0, 4 * G, MemblockTypeId::Memory, 0);
  EXPECT_TRUE(numa_meminfo_cover_memory(mi, mb, (4 * G) >> PAGE_SHIFT, nullptr));
  mi.blk[0].end -= PAGE_SIZE;  // now exactly 256 pages (1 MiB) short
  EXPECT_FALSE(numa_meminfo_cover_memory(mi, mb, (4 * G) >> PAGE_SHIFT, nullptr));
}

// A failed SRAT (bad_srat) leaves its HOTPLUG marks to be cleared by the
// dummy attempt's numa_init.
TEST(X86NumaInit, Twice) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, true);
  LinuxSratView srat = view_of({{0, {0, 2 * G}, false}, {1, {2 * G, 4 * G}, true}});
  srat.srat_bad = true;
  srat.x86_acpi_numa_init_ret = -KERN_EINVAL;
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, false};
  x86_numa_init(st, mb, env, &srat, 0);
  EXPECT_EQ(*st.method, NumaMethod::Dummy);
  expect_regions(mb.memory, {{0x1000, 4 * G - 0x1000, MEMBLOCK_NONE, 0}});
}

// numa=off goes straight to the dummy node, whatever SRAT says.
TEST(X86NumaInit, OnlyRegion) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, false);
  const LinuxSratView srat = view_of({{0, {0, 2 * G}, false}, {1, {2 * G, 4 * G}, false}});
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, true};
  x86_numa_init(st, mb, env, &srat, 0);
  EXPECT_EQ(*st.method, NumaMethod::Dummy);
  ASSERT_FALSE(st.log.empty());
  EXPECT_EQ(st.log[0], "NUMA turned off");
}

// The SLIT distance table is a reservation made after HOTPLUG marking: under
// movable_node it is bottom-up and skips hot-pluggable memory.
TEST(NumaAllocDistance, Simple) {
  Memblock mb = boot_memblock({{0x1000, 4 * G}}, true);
  ASSERT_EQ(mb.reserve(0, SZ_1M), 0);
  LinuxSratView srat = view_of({{0, {0, 2 * G}, false}, {1, {2 * G, 4 * G}, true}});
  srat.pxm_to_node = {{0, 0}, {1, 1}};
  NumaState st;
  const NumaEnv env{(4 * G) >> PAGE_SHIFT, (4 * G) >> PAGE_SHIFT, false};
  ASSERT_EQ(numa_init(st, mb, env, NumaMethod::AcpiSrat, &srat, 2), 0);
  EXPECT_EQ(st.distance_cnt, 2);
  EXPECT_EQ(st.distance_phys, SZ_1M);
  ASSERT_FALSE(st.events.empty());
  EXPECT_EQ(st.events[0].owner, Owner::DistanceTable);
  EXPECT_EQ(st.events[0].range, (PhysRange{SZ_1M, SZ_1M + 4}));
}

}  // namespace
}  // namespace mbv
