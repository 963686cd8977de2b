// Faithfulness against real boot logs (outside data, read in place): a table
// rebuilt from each machine's "ACPI: SRAT: Node N PXM P [mem A-B] hotplug"
// lines must make linux_view print exactly those lines, node numbers included.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "impl/acpi/srat.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;

TEST(SratDmesg, real_machines_print_the_same_srat_lines) {
  const fs::path dir = fs::path(MBV_SHARED_DIR) / "real-machines";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  static const std::regex line_re(
      R"(ACPI: SRAT: Node (\d+) PXM (\d+) \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]( hotplug)?( non-volatile)?$)");
  int machines = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".dmesg") continue;
    SCOPED_TRACE(e.path().filename().string());
    std::ifstream in(e.path());
    std::vector<std::string> want;
    std::vector<SratMemoryAffinity> mem;
    std::map<int, std::uint32_t> first_pxm;  // node -> PXM, for CPU entries in node order
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
      if (!std::regex_search(line, m, line_re)) continue;
      want.push_back(line.substr(static_cast<std::size_t>(m.position(0))));
      const int node = std::stoi(m[1].str());
      const auto pxm = static_cast<std::uint32_t>(std::stoul(m[2].str()));
      const std::uint64_t start = std::stoull(m[3].str(), nullptr, 16);
      const std::uint64_t last = std::stoull(m[4].str(), nullptr, 16);
      mem.push_back(make_memory_affinity(pxm, start, last - start + 1, m[5].matched, m[6].matched));
      first_pxm.emplace(node, pxm);
    }
    if (want.empty()) continue;  // a machine without SRAT
    ++machines;
    std::vector<SratCpuAffinity> cpus;
    std::uint8_t apic = 0;
    for (const auto& [node, pxm] : first_pxm) cpus.push_back(make_cpu_affinity(pxm, apic++));
    auto srat = parse_srat(write_srat(make_srat(mem, cpus)), e.path().filename().string());
    ASSERT_TRUE(srat.ok());
    const LinuxSratView v = linux_view(*srat);
    EXPECT_TRUE(v.numa_init_ok());
    std::vector<std::string> got;
    for (const auto& l : v.log)
      if (l.rfind("ACPI: SRAT: Node ", 0) == 0) got.push_back(l);
    EXPECT_EQ(got, want);
  }
  EXPECT_GE(machines, 4);
}

}  // namespace
}  // namespace mbv
