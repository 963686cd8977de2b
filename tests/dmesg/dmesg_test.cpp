// The dmesg reader on synthetic logs: prefixes of every common log source,
// sections found and not found, malformed known lines, round trips.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "impl/dmesg/dmesg.h"

namespace mbv {
namespace {

using T = E820Type;

const char* kLog =
    "Linux version 6.1.0-13-amd64 (debian-kernel@lists.debian.org) #1 SMP\n"
    "Command line: BOOT_IMAGE=/vmlinuz movable_node  mem=8G\n"
    "BIOS-provided physical RAM map:\n"
    "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
    "BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
    "BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable\n"
    "user-defined physical RAM map:\n"
    "user: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
    "init_memory_mapping: [mem 0x00000000-0x000fffff]\n"
    "RAMDISK: [mem 0x3f000000-0x3fffffff]\n"
    "ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0xbfffffff]\n"
    "ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x23fffffff] hotplug non-volatile\n"
    "NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0xbfffffff] -> [mem 0x00000000-0xbfffffff]\n"
    "NODE_DATA(0) allocated [mem 0xbffd5000-0xbfffffff]\n"
    "NODE_DATA(1) allocated [mem 0x23ffd5000-0x23fffffff]\n"
    "    NODE_DATA(1) on node 0\n"
    "Reserving 256MB of memory at 2800MB for crashkernel (System RAM: 8191MB)\n"
    "Zone ranges:\n"
    "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
    "  Normal   empty\n"
    "Movable zone start for each node\n"
    "  Node 1: 0x0000000100000000\n"
    "Early memory node ranges\n"
    "  node   0: [mem 0x0000000000001000-0x000000000009efff]\n"
    "  node   1: [mem 0x0000000100000000-0x000000023fffffff]\n"
    "Memory: 8000000K/8388088K available (12288K kernel code, 2000K rwdata)\n";

DmesgLog expected_log() {
  DmesgLog l;
  l.linux_version = "6.1.0-13-amd64 (debian-kernel@lists.debian.org) #1 SMP";
  l.command_line = "BOOT_IMAGE=/vmlinuz movable_node  mem=8G";
  DmesgE820Table bios{"BIOS-e820", {}};
  bios.table.entries = {{0x0, 0x9fc00, T::RAM}, {0x100000, 0xbff00000, T::RAM}, {0x100000000ull, 0x140000000ull, T::RAM}};
  DmesgE820Table user{"user", {}};
  user.table.entries = {{0x0, 0x9fc00, T::RAM}};
  l.e820 = {bios, user};
  l.init_memory_mapping = {{0x0, 0x100000}};
  l.ramdisk = PhysRange{0x3f000000, 0x40000000};
  DmesgSratMem n1{1, 1, {0x100000000ull, 0x240000000ull}};
  n1.hotplug = n1.non_volatile = true;
  l.srat = {{0, 0, {0x0, 0xc0000000ull}}, n1};
  l.numa_merges = {{0, {0x0, 0xa0000}, {0x100000, 0xc0000000ull}, {0x0, 0xc0000000ull}}};
  l.node_data = {{0, {0xbffd5000ull, 0xc0000000ull}, std::nullopt}, {1, {0x23ffd5000ull, 0x240000000ull}, 0}};
  l.crashkernel = {{DmesgCrashkernel::Kind::Reserved, 256, 2800, 8191,
                    "Reserving 256MB of memory at 2800MB for crashkernel (System RAM: 8191MB)"}};
  l.zones = std::vector<DmesgZone>{{"DMA", PhysRange{0x1000, 0x1000000}}, {"Normal", std::nullopt}};
  l.movable_zone_start = std::vector<DmesgMovableStart>{{1, 0x100000000ull}};
  l.early_node_ranges = std::vector<DmesgNodeRange>{{0, {0x1000, 0x9f000}}, {1, {0x100000000ull, 0x240000000ull}}};
  l.memory = DmesgMemory{8000000, 8388088, "(12288K kernel code, 2000K rwdata)"};
  return l;
}

std::string prefixed(const std::string& log, const std::string& prefix) {
  std::string out;
  std::size_t p = 0;
  while (p < log.size()) {
    const std::size_t nl = log.find('\n', p);
    out += prefix + log.substr(p, nl - p) + "\n";
    p = nl + 1;
  }
  return out;
}

TEST(DmesgRead, plain_log_every_section) {
  auto r = read_dmesg(kLog, "k.log");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->log, expected_log());
  EXPECT_EQ(r->lines, 26u);
  for (const DmesgSection& s : r->sections)
    EXPECT_EQ(s.found, s.name != "No NUMA configuration") << s.name;
}

TEST(DmesgRead, every_prefix_style_reads_the_same) {
  for (const char* prefix : {"[    0.000000] ", "<6>[    0.000000] ", "<6>", "kernel: ",
                             "Nov 23 01:22:15 host kernel: ", "Nov 23 01:22:15 host kernel: [    0.000000] ",
                             "[Mon Nov 23 01:22:15 2026] ", "kern  :info  : [    0.000000] ",
                             "2026-11-23T01:22:15+0000 host kernel: "}) {
    auto r = read_dmesg(prefixed(kLog, prefix), "p.log");
    ASSERT_TRUE(r.ok()) << prefix << ": " << r.error().to_string();
    EXPECT_EQ(r->log, expected_log()) << prefix;
  }
}

TEST(DmesgRead, no_numa_and_summary) {
  const std::string log =
      "[    0.000000] No NUMA configuration found\n"
      "[    0.000000] Faking a node at [mem 0x0000000000000000-0x000000023fffffff]\n"
      "[    0.000000] NUMA turned off\n";
  auto r = read_dmesg(log);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->log.no_numa_config);
  EXPECT_TRUE(r->log.numa_turned_off);
  EXPECT_EQ(r->log.fake_node, (std::optional<PhysRange>(PhysRange{0, 0x240000000ull})));
  EXPECT_EQ(dmesg_summary(*r),
            "found: No NUMA configuration (3 lines from line 1)\n"
            "not found: Linux version, Command line, e820, SRAT, NUMA merge, NODE_DATA, Zone ranges, "
            "Movable zone start, Early memory node ranges, init_memory_mapping, RAMDISK, Memory, crashkernel\n");
}

TEST(DmesgRead, srat_failure_and_not_used_and_old_flags) {
  const std::string log =
      "ACPI: SRAT: Failed to add memblk to node 3 [mem 0x100000000-0x1ffffffff]\n"
      "ACPI: SRAT: SRAT not used.\n"
      "SRAT: Node 2 PXM 7 [mem 0x00000000-0x7fffffff] (hotplug) disabled\n";
  auto r = read_dmesg(log);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->log.srat_failed, (std::vector<DmesgSratFailed>{{3, {0x100000000ull, 0x200000000ull}}}));
  EXPECT_TRUE(r->log.srat_not_used);
  ASSERT_EQ(r->log.srat.size(), 1u);
  EXPECT_TRUE(r->log.srat[0].hotplug && r->log.srat[0].disabled);
}

TEST(DmesgRead, malformed_known_lines_are_errors) {
  struct Case {
    const char* log;
    const char* error;
  } cases[] = {
      {"x\n[    0.000000] BIOS-e820: [mem 0xzz-0x1] usable\n",
       "b.log:2: malformed BIOS-e820 line: bad start address after \"[mem \" (want 0x and 1-16 hex digits)"},
      {"ACPI: SRAT: Node 0 PXM 0 [mem 0x0-0x1] sideways\n", "b.log:1: malformed SRAT line: unknown flag \"sideways\""},
      {"ACPI: SRAT: Node x PXM 0 [mem 0x0-0x1]\n",
       "b.log:1: malformed SRAT line: expected \"Node N PXM P [mem ...]\""},
      {"NUMA: Node 0 [mem 0x0-0x1] + [mem 0x2-0x3] -> [mem 0x0-\n",
       "b.log:1: malformed NUMA merge line: expected \"NUMA: Node N [mem ...] + [mem ...] -> [mem ...]\""},
      {"Zone ranges:\n  DMA      [mem 0x1000-]\n", "b.log:2: zone DMA: expected \"[mem 0x...-0x...]\" or \"empty\""},
      {"Early memory node ranges\n  node   0: [mem 0x1000]\n",
       "b.log:2: bad range in an early memory node range line"},
      {"Movable zone start for each node\n  Node 1: 4096\n", "b.log:2: bad address in a movable zone start line"},
      {"    NODE_DATA(1) on node 0\n", "b.log:1: \"NODE_DATA(1) on node\" without its \"allocated\" line"},
      {"Memory: 12K/ available\n", "b.log:1: malformed \"Memory: ...K/...K available\" line"},
      {"Reserving 12MB of memory at lowMB for crashkernel (System RAM: 1MB)\n",
       "b.log:1: malformed crashkernel reservation line"},
  };
  for (const Case& c : cases) {
    auto r = read_dmesg(c.log, "b.log");
    ASSERT_FALSE(r.ok()) << c.log;
    EXPECT_EQ(r.error().to_string(), c.error);
  }
}

TEST(DmesgRead, kernel_command_line_only_stands_in) {
  auto a = read_dmesg("Command line: ro mem=1G\nKernel command line: ro mem=1G init=/x\n");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->log.command_line, std::optional<std::string>("ro mem=1G"));
  auto b = read_dmesg("[    0.042000] Kernel command line: quiet movable_node\n");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->log.command_line, std::optional<std::string>("quiet movable_node"));
}

TEST(DmesgRead, second_boot_is_ignored) {
  const std::string log = std::string(kLog) + "Linux version 6.1.1\nBIOS-e820: [mem 0x0-0xfff] usable\n";
  auto r = read_dmesg(log);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->log.second_boot_ignored);
  DmesgLog want = expected_log();
  want.second_boot_ignored = true;
  EXPECT_EQ(r->log, want);
}

TEST(DmesgRead, unrelated_lines_and_empty_input) {
  auto r = read_dmesg(
      "random text\n[ 1.0] usb 1-1: new device\n\n"
      "[    0.000000] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved\n"
      "[    0.000000] e820: [mem 0xc0000000-0xfebfffff] available for PCI devices\n"
      "[    0.000000] e820: reserve RAM buffer [mem 0x0009fc00-0x0009ffff]\n"
      "[    0.000000] PM: hibernation: Registered nosave memory: [mem 0x00000000-0x00000fff]\n"
      "[    0.000000] ACPI: Reserving SRAT table memory at [mem 0x7ffe2a58-0x7ffe2b27]\n"
      "[    0.000000] ACPI: SRAT: PXM 0 -> APIC 0x00 -> Node 0\n"
      "[    0.000000] NUMA: Initialized distance table, cnt=2\n"
      "[    0.000000] Memory slots populated: 1/1\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log, DmesgLog{});
  auto e = read_dmesg("");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->lines, 0u);
}

TEST(DmesgWrite, writes_the_kernel_format) {
  const std::string w = write_dmesg(expected_log(), false);
  EXPECT_EQ(w.substr(0, w.find("user-defined")), std::string(kLog).substr(0, std::string(kLog).find("user-defined")));
  auto r = read_dmesg(w);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->log, expected_log());
}

// ---- round-trip property over generated logs ----

rc::Gen<PhysRange> gen_range() {
  return rc::gen::apply(
      [](std::uint64_t a, std::uint64_t s) { return PhysRange{a * 0x1000, a * 0x1000 + s * 0x1000}; },
      rc::gen::inRange<std::uint64_t>(0, 1u << 24), rc::gen::inRange<std::uint64_t>(1, 1u << 20));
}

rc::Gen<DmesgLog> gen_log() {
  return rc::gen::exec([] {
    DmesgLog l;
    if (*rc::gen::arbitrary<bool>()) l.linux_version = "6.1.0-" + std::to_string(*rc::gen::inRange(0, 99));
    if (*rc::gen::arbitrary<bool>()) l.command_line = "root=/dev/sda1 mem=" + std::to_string(*rc::gen::inRange(1, 64)) + "G";
    const auto ntables = *rc::gen::inRange(0, 3);
    for (int i = 0; i < ntables; i++) {
      DmesgE820Table t{*rc::gen::elementOf(std::vector<std::string>{"BIOS-e820", "user", "modified", "BIOS-e801"}), {}};
      const auto n = *rc::gen::inRange(1, 12);
      for (int k = 0; k < n; k++) {
        const PhysRange r = *gen_range();
        const auto ty = *rc::gen::elementOf(std::vector<std::uint32_t>{1, 2, 3, 4, 5, 7, 12, 0xefffffff, 6});
        t.table.entries.push_back({r.start, r.size(), static_cast<E820Type>(ty)});
      }
      l.e820.push_back(t);
    }
    l.init_memory_mapping = *rc::gen::container<std::vector<PhysRange>>(gen_range());
    if (*rc::gen::arbitrary<bool>()) l.ramdisk = *gen_range();
    const auto nsrat = *rc::gen::inRange(0, 6);
    for (int i = 0; i < nsrat; i++) {
      DmesgSratMem m{*rc::gen::inRange(0, 8), *rc::gen::inRange<std::uint32_t>(0, 300), *gen_range()};
      m.hotplug = *rc::gen::arbitrary<bool>();
      m.non_volatile = *rc::gen::arbitrary<bool>();
      l.srat.push_back(m);
    }
    const auto nmerge = *rc::gen::inRange(0, 3);
    for (int i = 0; i < nmerge; i++)
      l.numa_merges.push_back({*rc::gen::inRange(0, 8), *gen_range(), *gen_range(), *gen_range()});
    l.no_numa_config = *rc::gen::arbitrary<bool>();
    if (*rc::gen::arbitrary<bool>()) l.fake_node = *gen_range();
    const auto nnd = *rc::gen::inRange(0, 4);
    for (int i = 0; i < nnd; i++) {
      DmesgNodeData d{i, *gen_range(), std::nullopt};
      if (*rc::gen::arbitrary<bool>()) d.on_node = *rc::gen::inRange(0, 8);
      l.node_data.push_back(d);
    }
    if (*rc::gen::arbitrary<bool>())
      l.crashkernel.push_back({DmesgCrashkernel::Kind::Failed, 0, 0, 0,
                               "crashkernel reservation failed - No suitable area found."});
    if (*rc::gen::arbitrary<bool>()) {
      std::vector<DmesgZone> z;
      for (const char* n : {"DMA", "DMA32", "Normal", "Device"})
        z.push_back({n, *rc::gen::arbitrary<bool>() ? std::optional<PhysRange>(*gen_range()) : std::nullopt});
      l.zones = z;
    }
    if (*rc::gen::arbitrary<bool>()) {
      std::vector<DmesgMovableStart> m;
      for (int i = 0; i < *rc::gen::inRange(0, 3); i++) m.push_back({i, (*gen_range()).start});
      l.movable_zone_start = m;
    }
    if (*rc::gen::arbitrary<bool>()) {
      std::vector<DmesgNodeRange> n;
      for (int i = 0; i < *rc::gen::inRange(0, 5); i++) n.push_back({*rc::gen::inRange(0, 300), *gen_range()});
      l.early_node_ranges = n;
    }
    if (*rc::gen::arbitrary<bool>())
      l.memory = DmesgMemory{*rc::gen::inRange<std::uint64_t>(0, 1u << 30), *rc::gen::inRange<std::uint64_t>(0, 1u << 30),
                             *rc::gen::arbitrary<bool>() ? "(1K kernel code)" : ""};
    return l;
  });
}

RC_GTEST_PROP(DmesgProperty, write_read_round_trip, ()) {
  const DmesgLog l = *gen_log();
  const bool ts = *rc::gen::arbitrary<bool>();
  auto r = read_dmesg(write_dmesg(l, ts));
  RC_ASSERT(r.ok());
  RC_ASSERT(r->log == l);
  for (const DmesgSection& s : r->sections) RC_ASSERT(s.found == (s.lines > 0));
}

}  // namespace
}  // namespace mbv

// corpus/regressions/dmesg-*.dmesg: logs that once failed to read. The first
// line "# expect: e820=N srat=N node_ranges=N command_line=0|1" (a line the
// reader skips) says what must be found.
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mbv {
namespace {

TEST(DmesgRegressions, replay_corpus) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions";
  int replayed = 0;
  for (const auto& de : fs::directory_iterator(dir)) {
    const std::string name = de.path().filename().string();
    if (!name.starts_with("dmesg-") || de.path().extension() != ".dmesg") continue;
    std::ifstream in(de.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    std::map<std::string, std::size_t> want;
    std::istringstream first(text.substr(0, text.find('\n')));
    std::string tok;
    first >> tok >> tok;  // "#", "expect:"
    while (first >> tok) want[tok.substr(0, tok.find('='))] = std::stoul(tok.substr(tok.find('=') + 1));
    auto r = read_dmesg(text, de.path().string());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    std::size_t e820 = 0;
    for (const DmesgE820Table& t : r->log.e820) e820 += t.table.entries.size();
    EXPECT_EQ(e820, want["e820"]) << name;
    EXPECT_EQ(r->log.srat.size(), want["srat"]) << name;
    EXPECT_EQ(r->log.early_node_ranges ? r->log.early_node_ranges->size() : 0, want["node_ranges"]) << name;
    EXPECT_EQ(r->log.command_line.has_value(), want["command_line"] == 1) << name;
    replayed++;
  }
  EXPECT_GE(replayed, 2);
}

}  // namespace
}  // namespace mbv
