// linux_view and count_immovable_mem_regions: what Linux 6.1 makes of a
// table, one rule of acpi_numa_init / acpi_numa_memory_affinity_init per test.
#include <gtest/gtest.h>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"

namespace mbv {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Re-read a table the way the CLI does (offsets, lengths as in the bytes).
Srat reparse(const Srat& s, ParseOptions opt = {}) {
  auto r = parse_srat(write_srat(s), "t.srat", opt);
  MB_CHECK(r.ok(), "test table must parse");
  return *r;
}

Srat reparse_bytes(const Bytes& b, ParseOptions opt = {}) {
  auto r = parse_srat(b, "t.srat", opt);
  MB_CHECK(r.ok(), "test table must parse");
  return *r;
}

// Two nodes, node 1 hot-pluggable above 4G:
//   node 0: [0, 640K) [1M, 3G)       node 1: [4G, 8G) hotplug
TEST(SratLinux, simple) {
  const Srat s = reparse(make_srat(
      {make_memory_affinity(0, 0, 0xa0000), make_memory_affinity(0, SZ_1M, 3 * SZ_1G - SZ_1M),
       make_memory_affinity(1, SZ_4G, SZ_4G, true)},
      {make_cpu_affinity(0, 0), make_cpu_affinity(1, 2)}));
  const LinuxSratView v = linux_view(s);
  EXPECT_TRUE(v.numa_init_ok());
  EXPECT_FALSE(v.srat_bad);
  EXPECT_EQ(v.acpi_numa_init_ret, 0);
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{0, 0}, {1, 1}}));
  EXPECT_EQ(v.nodes_parsed, (std::vector<int>{0, 1}));
  EXPECT_EQ(v.apic_to_node, (std::vector<ApicNode>{{0, 0}, {2, 1}}));
  EXPECT_EQ(v.memblks, (std::vector<NumaMemblk>{{0, 0, 0xa0000, false},
                                                {0, SZ_1M, 3 * SZ_1G, false},
                                                {1, SZ_4G, 2 * SZ_4G, true}}));
  EXPECT_EQ(v.hotplug_ranges, (std::vector<PhysRange>{{SZ_4G, 2 * SZ_4G}}));
  EXPECT_EQ(v.max_possible_pfn, 2 * SZ_4G >> PAGE_SHIFT);
  EXPECT_EQ(v.parsed_numa_memblks, 3);
  EXPECT_EQ(v.log, (std::vector<std::string>{
                       "SRAT: PXM 0 -> APIC 0x00 -> Node 0",
                       "SRAT: PXM 1 -> APIC 0x02 -> Node 1",
                       "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]",
                       "ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0xbfffffff]",
                       "ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x1ffffffff] hotplug",
                   }));
}

// Node ids follow first appearance, CPU entries first even when the memory
// entries come earlier in the table.
TEST(SratLinux, cpu_entries_number_nodes_first) {
  Srat s = make_srat({make_memory_affinity(7, 0, SZ_1G), make_memory_affinity(5, SZ_1G, SZ_1G)});
  s.entries.push_back(make_cpu_affinity(5, 0));  // after the memory entries
  const LinuxSratView v = linux_view(reparse(s));
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{5, 0}, {7, 1}}));
  EXPECT_EQ(v.memblks, (std::vector<NumaMemblk>{{1, 0, SZ_1G, false}, {0, SZ_1G, 2 * SZ_1G, false}}));
}

// Disabled entries are ignored without declaring the SRAT bad; a
// zero-length range maps its PXM and is otherwise ignored (QEMU emits these).
TEST(SratLinux, disabled_and_zero_length_ranges) {
  const Srat s = reparse(make_srat({make_memory_affinity(0, 0, SZ_1G),
                                    make_memory_affinity(4, SZ_1G, SZ_1G, false, false, false),
                                    make_memory_affinity(2, 0, 0)}));
  const LinuxSratView v = linux_view(s);
  EXPECT_TRUE(v.numa_init_ok());
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{0, 0}, {2, 1}}));
  EXPECT_EQ(v.nodes_parsed, (std::vector<int>{0, 1}));
  EXPECT_EQ(v.memblks, (std::vector<NumaMemblk>{{0, 0, SZ_1G, false}}));
  EXPECT_EQ(v.parsed_numa_memblks, 2);
  EXPECT_EQ(v.max_possible_pfn, SZ_1G >> PAGE_SHIFT);  // PFN_UP(0 - 1) wraps to 0
  EXPECT_EQ(v.log.back(), "ACPI: SRAT: Node 1 PXM 2 [mem 0x00000000-0xffffffffffffffff]");
}

// Revision <= 1: memory PXMs are masked to 8 bits; CPU PXMs use only the low byte.
TEST(SratLinux, revision1_masks_pxm) {
  Srat s = make_srat({make_memory_affinity(0x101, 0, SZ_1G), make_memory_affinity(2, SZ_1G, SZ_1G)},
                     {make_cpu_affinity(0x101, 0)});
  s.header.revision = 1;
  const LinuxSratView v1 = linux_view(reparse(s));
  EXPECT_EQ(v1.pxm_to_node, (std::vector<PxmNode>{{1, 0}, {2, 1}}));
  EXPECT_EQ(v1.memblks[0].nid, 0);
  s.header.revision = 2;
  const LinuxSratView v2 = linux_view(reparse(s));
  EXPECT_EQ(v2.pxm_to_node, (std::vector<PxmNode>{{0x101, 0}, {2, 1}}));
}

// A PXM at or above MAX_PXM_DOMAINS (1024) has no node: bad_srat, fallback.
TEST(SratLinux, pxm_out_of_range_is_bad_srat) {
  const Srat s = reparse(make_srat({make_memory_affinity(0, 0, SZ_1G),
                                    make_memory_affinity(1024, SZ_1G, SZ_1G)}));
  const LinuxSratView v = linux_view(s);
  EXPECT_TRUE(v.srat_bad);
  EXPECT_EQ(v.bad_reason, "byte 0x58: no node for PXM 1024 (memory affinity)");
  EXPECT_EQ(v.acpi_numa_init_ret, 0);
  EXPECT_EQ(v.x86_acpi_numa_init_ret, -KERN_EINVAL);
  EXPECT_FALSE(v.numa_init_ok());
}

// More distinct PXMs than MAX_NUMNODES.
TEST(SratLinux, too_many_nodes_is_bad_srat) {
  std::vector<SratMemoryAffinity> mem;
  for (std::uint32_t i = 0; i < 5; ++i) mem.push_back(make_memory_affinity(i, i * SZ_1G, SZ_1G));
  const LinuxSratView v = linux_view(reparse(make_srat(mem)), {.max_numnodes = 4});
  EXPECT_TRUE(v.srat_bad);
  EXPECT_EQ(v.memblks.size(), 4u);
  EXPECT_EQ(v.log[v.log.size() - 2], "ACPI: SRAT: Too many proximity domains.");
  EXPECT_EQ(v.log.back(), "ACPI: SRAT: SRAT not used.");
}

// NR_NODE_MEMBLKS blocks fit, one more declares the SRAT bad.
TEST(SratLinux, nr_node_memblks_limit) {
  std::vector<SratMemoryAffinity> mem;
  for (std::uint64_t i = 0; i <= 2048; ++i) mem.push_back(make_memory_affinity(0, i * SZ_2M, SZ_2M));
  const LinuxSratView v = linux_view(reparse(make_srat(mem)));
  EXPECT_TRUE(v.srat_bad);
  EXPECT_EQ(v.memblks.size(), 2048u);
  EXPECT_EQ(v.parsed_numa_memblks, 2048);
  EXPECT_NE(v.bad_reason.find("NR_NODE_MEMBLKS"), std::string::npos);
  mem.pop_back();
  EXPECT_FALSE(linux_view(reparse(make_srat(mem))).srat_bad);
}

// A memory entry shorter than 40 bytes declares the SRAT bad.
TEST(SratLinux, short_memory_affinity_is_bad_srat) {
  Srat s = make_srat({make_memory_affinity(0, 0, SZ_1G)});
  s.entries.push_back(SratUnknown{SRAT_MEMORY_AFFINITY, 16, 88, Bytes(14, 0)});
  const LinuxSratView v = linux_view(reparse(s));
  EXPECT_TRUE(v.srat_bad);
  EXPECT_EQ(v.bad_reason, "byte 0x58: memory affinity length 16 < 40");
  EXPECT_EQ(v.memblks.size(), 1u);
  EXPECT_EQ(v.x86_acpi_numa_init_ret, -KERN_EINVAL);
}

// A processor entry must be exactly 16 bytes.
TEST(SratLinux, long_cpu_affinity_is_bad_srat) {
  auto c = make_cpu_affinity(0, 0);
  c.length = 20;
  c.extra = {0, 0, 0, 0};
  const LinuxSratView v = linux_view(reparse(make_srat({make_memory_affinity(0, 0, SZ_1G)}, {c})));
  EXPECT_TRUE(v.srat_bad);
  EXPECT_EQ(v.bad_reason, "byte 0x30: processor affinity length 20 != 16");
  EXPECT_TRUE(v.memblks.empty());  // the memory pass finds the SRAT disabled
  EXPECT_EQ(v.acpi_numa_init_ret, -KERN_ENOENT);
}

// No enabled memory entry: -ENOENT, the next NUMA method is tried.
TEST(SratLinux, no_memory_is_enoent) {
  const LinuxSratView v = linux_view(reparse(make_srat({}, {make_cpu_affinity(0, 0)})));
  EXPECT_FALSE(v.srat_bad);
  EXPECT_EQ(v.acpi_numa_init_ret, -KERN_ENOENT);
  EXPECT_FALSE(v.numa_init_ok());
}

// A zero-length subtable: the memory pass returns -EINVAL after handing it
// to the handler, and KASLR's walk gives up with 0 regions.
TEST(SratLinux, zero_length_subtable) {
  Bytes b = write_srat(make_srat({make_memory_affinity(0, 0, SZ_1G), make_memory_affinity(1, SZ_1G, SZ_1G)}));
  b[88 + 1] = 0;
  b[9] = 0;
  b[9] = static_cast<std::uint8_t>(0x100 - acpi_checksum(b));
  const Srat s = reparse_bytes(b, {.accept_zero_length = true});
  const LinuxSratView v = linux_view(s);
  EXPECT_TRUE(v.srat_bad);  // the zero-length memory entry is "shorter than 40"
  EXPECT_EQ(v.acpi_numa_init_ret, -KERN_EINVAL);
  EXPECT_EQ(v.memblks.size(), 1u);
  const KaslrImmovableView k = count_immovable_mem_regions(s);
  EXPECT_TRUE(k.aborted);
  EXPECT_EQ(k.count(), 0);
}

// A disabled Generic Initiator stops the rest of the CPU pass: later CPU
// entries map no PXM, so node numbering comes from the memory pass.
TEST(SratLinux, disabled_generic_initiator_stops_cpu_pass) {
  Srat s = make_srat({make_memory_affinity(3, 0, SZ_1G), make_memory_affinity(9, SZ_1G, SZ_1G)});
  SratGenericAffinity gi;
  gi.proximity_domain = 5;
  s.entries.insert(s.entries.begin(), gi);  // disabled
  s.entries.insert(s.entries.begin() + 1, make_cpu_affinity(9, 1));
  const LinuxSratView v = linux_view(reparse(s));
  EXPECT_TRUE(v.apic_to_node.empty());
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{3, 0}, {9, 1}}));
  EXPECT_TRUE(v.numa_init_ok());
}

// An enabled Generic Initiator maps its PXM (a memory-less node).
TEST(SratLinux, generic_initiator_node) {
  Srat s = make_srat({make_memory_affinity(0, 0, SZ_1G)});
  SratGenericAffinity gi;
  gi.proximity_domain = 6;
  gi.enabled = true;
  s.entries.insert(s.entries.begin(), gi);
  const LinuxSratView v = linux_view(reparse(s));
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{6, 0}, {0, 1}}));
  EXPECT_EQ(v.nodes_parsed, (std::vector<int>{0, 1}));
}

// Without CONFIG_MEMORY_HOTPLUG nothing is marked; non-volatile is only logged.
TEST(SratLinux, hotplug_config_and_nonvolatile) {
  const Srat s = reparse(make_srat({make_memory_affinity(0, 0, SZ_1G),
                                    make_memory_affinity(1, SZ_4G, SZ_1G, true, true)}));
  const LinuxSratView on = linux_view(s);
  EXPECT_EQ(on.log.back(), "ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x13fffffff] hotplug non-volatile");
  EXPECT_EQ(on.hotplug_ranges.size(), 1u);
  const LinuxSratView off = linux_view(s, {.memory_hotplug = false});
  EXPECT_EQ(off.log.back(), "ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x13fffffff] non-volatile");
  EXPECT_TRUE(off.hotplug_ranges.empty());
}

// A range that wraps the 64-bit space: numa_add_memblk warns and ignores it,
// but the entry still counts, is logged, and is marked hotplug (capped).
TEST(SratLinux, wrapping_range_warned_and_ignored) {
  const std::uint64_t base = PHYS_ADDR_MAX - SZ_1G + 1;
  const LinuxSratView v = linux_view(reparse(make_srat(
      {make_memory_affinity(0, 0, SZ_1G), make_memory_affinity(1, base, 2 * SZ_1G, true)})));
  EXPECT_FALSE(v.srat_bad);
  EXPECT_EQ(v.memblks, (std::vector<NumaMemblk>{{0, 0, SZ_1G, false}}));
  EXPECT_EQ(v.parsed_numa_memblks, 2);
  EXPECT_EQ(v.nodes_parsed, (std::vector<int>{0, 1}));
  EXPECT_EQ(v.log[1], "Warning: invalid memblk node 1 [mem 0xffffffffc0000000-0x3fffffff]");
  EXPECT_EQ(v.log[2], "ACPI: SRAT: Node 1 PXM 1 [mem 0xffffffffc0000000-0x3fffffff] hotplug");
  EXPECT_EQ(v.hotplug_ranges, (std::vector<PhysRange>{{base, PHYS_ADDR_MAX}}));
  EXPECT_EQ(v.max_possible_pfn, SZ_1G >> PAGE_SHIFT);
}

// PFN_UP(end - 1) is one page short for an unaligned end.
TEST(SratLinux, max_possible_pfn_unaligned_end) {
  const LinuxSratView v = linux_view(reparse(make_srat({make_memory_affinity(0, 0, SZ_1G + 1)})));
  EXPECT_EQ(v.max_possible_pfn, SZ_1G >> PAGE_SHIFT);
}

TEST(SratLinux, acpi_off_and_numa_off) {
  const Srat s = reparse(make_srat({make_memory_affinity(0, 0, SZ_1G)}, {make_cpu_affinity(0, 0)}));
  EXPECT_EQ(linux_view(s, {.acpi_disabled = true}).x86_acpi_numa_init_ret, -KERN_EINVAL);
  const LinuxSratView v = linux_view(s, {.numa_off = true});
  EXPECT_TRUE(v.srat_bad);
  EXPECT_TRUE(v.pxm_to_node.empty());
}

// numa=noacpi: disable_srat() up front; no memory entry is accepted (-ENOENT)
// but nothing is "bad" either. Generic Initiators still map their PXM.
TEST(SratLinux, numa_noacpi) {
  Srat s = make_srat({make_memory_affinity(0, 0, SZ_1G)}, {make_cpu_affinity(0, 0)});
  SratGenericAffinity gi;
  gi.proximity_domain = 4;
  gi.enabled = true;
  s.entries.push_back(gi);
  const LinuxSratView v = linux_view(reparse(s), {.numa_noacpi = true});
  EXPECT_FALSE(v.srat_bad);
  EXPECT_TRUE(v.memblks.empty());
  EXPECT_EQ(v.pxm_to_node, (std::vector<PxmNode>{{4, 0}}));
  EXPECT_EQ(v.acpi_numa_init_ret, -KERN_ENOENT);
  EXPECT_EQ(v.x86_acpi_numa_init_ret, -KERN_ENOENT);
}

// KASLR: immovable = memory entries with hot-pluggable clear and length != 0,
// the ENABLED bit not looked at.
TEST(SratKaslr, immovable_ignores_enabled) {
  const Srat s = reparse(make_srat({make_memory_affinity(0, 0, SZ_1G),
                                    make_memory_affinity(1, SZ_1G, SZ_1G, false, false, false),
                                    make_memory_affinity(1, SZ_4G, SZ_4G, true),
                                    make_memory_affinity(2, 0, 0)}));
  const KaslrImmovableView k = count_immovable_mem_regions(s);
  EXPECT_FALSE(k.aborted);
  EXPECT_EQ(k.immovable, (std::vector<PhysRange>{{0, SZ_1G}, {SZ_1G, 2 * SZ_1G}}));
  EXPECT_EQ(count_immovable_mem_regions(s, /*acpi_off=*/true).count(), 0);
}

TEST(SratKaslr, too_many_regions_returns_zero) {
  std::vector<SratMemoryAffinity> mem;
  for (std::uint64_t i = 0; i < 8; ++i) mem.push_back(make_memory_affinity(0, i * SZ_1G, SZ_1G));
  const Srat s = reparse(make_srat(mem));
  EXPECT_TRUE(count_immovable_mem_regions(s, false, 4).aborted);
  mem.pop_back();
  const KaslrImmovableView k = count_immovable_mem_regions(reparse(make_srat(mem)), false, 4);
  EXPECT_FALSE(k.aborted);
  EXPECT_EQ(k.count(), 7);
}

// The kernel's walkers stop when fewer than 3 bytes are left: a 2-byte
// subtable at the very end is never handed to a handler.
TEST(SratLinux, two_byte_subtable_at_end_not_visited) {
  Srat s = make_srat({make_memory_affinity(0, 0, SZ_1G)});
  s.entries.push_back(SratUnknown{SRAT_MEMORY_AFFINITY, 2, 88, {}});
  const LinuxSratView v = linux_view(reparse(s));
  EXPECT_FALSE(v.srat_bad);
  EXPECT_TRUE(v.numa_init_ok());
}

TEST(SratLinux, describe_mentions_fallback) {
  const Srat s = reparse(make_srat({make_memory_affinity(1024, 0, SZ_1G)}));
  const std::string text = describe_linux_view(linux_view(s));
  EXPECT_NE(text.find("dummy_numa_init"), std::string::npos) << text;
  EXPECT_NE(text.find("bad_srat: byte 0x30"), std::string::npos) << text;
}

}  // namespace
}  // namespace mbv
