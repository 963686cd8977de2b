// The five real machines' logs in shared/real-machines read cleanly, with the
// exact counts and values they print. Skipped when shared/ is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/cmdline/cmdline.h"
#include "impl/dmesg/dmesg.h"
#include "impl/memblock/memblock.h"

namespace mbv {
namespace {

using T = E820Type;

struct Expect {
  const char* file;
  std::size_t e820, srat, node_ranges, merges, zones;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RealMachines : public ::testing::TestWithParam<Expect> {};

DmesgRead read_real(const char* name) {
  const auto path = std::filesystem::path(MBV_SHARED_DIR) / "real-machines" / name;
  auto r = read_dmesg(slurp(path), path.string());
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? *r : DmesgRead{};
}

bool have_shared() {
  return std::filesystem::is_directory(std::filesystem::path(MBV_SHARED_DIR) / "real-machines");
}

TEST_P(RealMachines, reads_cleanly_with_expected_counts) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const Expect& x = GetParam();
  const DmesgRead r = read_real(x.file);
  const DmesgLog& log = r.log;
  ASSERT_EQ(log.e820.size(), 1u);
  EXPECT_EQ(log.e820[0].who, "BIOS-e820");
  ASSERT_NE(log.bios_e820(), nullptr);
  EXPECT_EQ(log.bios_e820()->entries.size(), x.e820);
  EXPECT_EQ(log.srat.size(), x.srat);
  ASSERT_TRUE(log.early_node_ranges);
  EXPECT_EQ(log.early_node_ranges->size(), x.node_ranges);
  EXPECT_EQ(log.numa_merges.size(), x.merges);
  ASSERT_TRUE(log.zones);
  EXPECT_EQ(log.zones->size(), x.zones);
  ASSERT_TRUE(log.movable_zone_start);
  EXPECT_TRUE(log.movable_zone_start->empty());
  EXPECT_TRUE(log.linux_version && log.command_line);
  EXPECT_FALSE(log.second_boot_ignored);
  // A BIOS table is printed after sanitize: sanitizing again changes nothing.
  E820Table t = *log.bios_e820();
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t.entries, log.bios_e820()->entries);
  // And the command line parses without complaint.
  EXPECT_TRUE(parse_cmdline(*log.command_line).diagnostics.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Logs, RealMachines,
    ::testing::Values(Expect{"apple_macbook10_1_6.2.dmesg", 21, 0, 8, 0, 4},
                      Expect{"huawei_2288hv5_5.4.dmesg", 15, 3, 5, 1, 3},
                      Expect{"hyperv_gen2_vm_5.13.dmesg", 12, 8, 5, 0, 4},
                      Expect{"kvm_vm_2node_rhel9_5.14.dmesg", 8, 4, 4, 2, 4},
                      Expect{"vmware_vm_arch_6.18.dmesg", 12, 4, 4, 2, 4}),
    [](const auto& info) { return std::string(info.param.file).substr(0, std::string(info.param.file).find('_')); });

TEST(RealMachineValues, apple_macbook) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real("apple_macbook10_1_6.2.dmesg").log;
  const auto& e = log.bios_e820()->entries;
  EXPECT_EQ(e.front(), (E820Entry{0x0, 0x58000, T::RAM}));
  EXPECT_EQ(e[7], (E820Entry{0x84cc6000, 0x1000, T::NVS}));
  EXPECT_EQ(e.back(), (E820Entry{0x100000000ull, 0x16f000000ull, T::RAM}));
  EXPECT_EQ(log.zones->at(3), (DmesgZone{"Device", std::nullopt}));
  EXPECT_EQ(log.early_node_ranges->at(0), (DmesgNodeRange{0, PhysRange{0x1000, 0x58000}}));
  EXPECT_TRUE(log.linux_version->starts_with("6.2.9-300.fc38.x86_64"));
}

TEST(RealMachineValues, huawei_two_sockets) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real("huawei_2288hv5_5.4.dmesg").log;
  EXPECT_EQ(log.srat[2], (DmesgSratMem{1, 1, PhysRange{0x880000000ull, 0x1080000000ull}}));
  EXPECT_EQ(log.numa_merges[0], (DmesgNumaMerge{0, PhysRange{0x0, 0x80000000ull},
                                                PhysRange{0x100000000ull, 0x880000000ull},
                                                PhysRange{0x0, 0x880000000ull}}));
  EXPECT_EQ(log.early_node_ranges->back(), (DmesgNodeRange{1, PhysRange{0x880000000ull, 0x1080000000ull}}));
  EXPECT_EQ(log.zones->at(2), (DmesgZone{"Normal", PhysRange{0x100000000ull, 0x1080000000ull}}));
}

TEST(RealMachineValues, hyperv_every_range_hotplug) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real("hyperv_gen2_vm_5.13.dmesg").log;
  for (const DmesgSratMem& m : log.srat) EXPECT_TRUE(m.hotplug);
  EXPECT_EQ(log.srat.back().range, (PhysRange{0x80000000000ull, 0x100000000000ull}));
  EXPECT_EQ(log.zones->at(2), (DmesgZone{"Normal", std::nullopt}));
}

TEST(RealMachineValues, kvm_two_nodes_crashkernel) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real("kvm_vm_2node_rhel9_5.14.dmesg").log;
  EXPECT_EQ(log.srat[3], (DmesgSratMem{1, 1, PhysRange{0x840000000ull, 0x1040000000ull}}));
  EXPECT_EQ(log.numa_merges[1].result, (PhysRange{0x0, 0x840000000ull}));
  const KernelCmdline c = parse_cmdline(*log.command_line);
  ASSERT_TRUE(c.crashkernel);
  EXPECT_EQ(parse_crashkernel(c.raw, 16ull << 30).size, 256ull << 20);   // in 2G-64G
  EXPECT_EQ(parse_crashkernel(c.raw, 64ull << 30).size, 512ull << 20);   // end is exclusive
  EXPECT_EQ(log.bios_e820()->end_of_ram_pfn(), 0x1040000u);
}

TEST(RealMachineValues, vmware_hotplug_range_on_node0) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real("vmware_vm_arch_6.18.dmesg").log;
  DmesgSratMem hp{0, 0, PhysRange{0x240000000ull, 0x2040000000ull}};
  hp.hotplug = true;
  EXPECT_EQ(log.srat[3], hp);
  EXPECT_EQ(log.numa_merges[0].a, (PhysRange{0x1000, 0xa0000}));
  EXPECT_EQ(log.early_node_ranges->at(0).range, (PhysRange{0x1000, 0x9e000}));
}

}  // namespace
}  // namespace mbv

namespace mbv {
namespace {

// The e820 half of setup_arch on each real machine (trim_bios_range, then
// e820__memblock_setup) must give the memory the kernel printed as its early
// node map: the node ranges, with ranges that touch across nodes joined
// (before SRAT, memblock does not split them), equal memblock's pfn ranges.
class RealMachineMemblock : public ::testing::TestWithParam<const char*> {};

TEST_P(RealMachineMemblock, e820_to_memblock_gives_the_printed_node_map) {
  if (!have_shared()) GTEST_SKIP() << "shared/real-machines absent";
  const DmesgLog log = read_real(GetParam()).log;
  ASSERT_NE(log.bios_e820(), nullptr);
  ASSERT_TRUE(log.early_node_ranges);
  E820Table t = *log.bios_e820();
  trim_bios_range(t);
  Memblock mb;
  e820_memblock_setup(t, mb);
  std::vector<PhysRange> got;
  for (const PfnRange& r : mb.mem_pfn_ranges(MAX_NUMNODES))
    got.push_back({r.start_pfn << PAGE_SHIFT, r.end_pfn << PAGE_SHIFT});
  std::vector<PhysRange> want;
  for (const DmesgNodeRange& n : *log.early_node_ranges) {
    if (!want.empty() && want.back().end == n.range.start) want.back().end = n.range.end;
    else want.push_back(n.range);
  }
  EXPECT_EQ(got, want);
}

INSTANTIATE_TEST_SUITE_P(Logs, RealMachineMemblock,
                         ::testing::Values("apple_macbook10_1_6.2.dmesg", "huawei_2288hv5_5.4.dmesg",
                                           "hyperv_gen2_vm_5.13.dmesg", "kvm_vm_2node_rhel9_5.14.dmesg",
                                           "vmware_vm_arch_6.18.dmesg"),
                         [](const auto& info) {
                           return std::string(info.param).substr(0, std::string(info.param).find('_'));
                         });

}  // namespace
}  // namespace mbv
