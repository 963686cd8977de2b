// The scenario format: reading, writing, round trips, pasted dmesg lines,
// error messages, whole logs, and the machines in corpus/machines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/scenario/dmesg_line.h"
#include "impl/scenario/from_dmesg.h"
#include "impl/scenario/scenario.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Scenario full_scenario() {
  Scenario s;
  s.name = "every field";
  s.policy = "srat-first";
  s.cmdline = "movable_node  memmap=64M$0x100000000 ";  // blanks are kept
  s.cpu = ScenarioCpu{false, false, true};
  s.kernel.size = 0x2e00000;
  s.kernel.kaslr_random = 0x1234;
  s.kernel.kaslr_random_virt = 0x5678;
  s.kernel.kaslr_random_mem = 0x9abc;
  s.kernel.cmdline_addr = 0x9a000;
  s.kernel.boot_params_addr = 0x14000;
  s.e820 = {{0, 0x9fc00, E820Type::RAM},
            {0x100000, 0, E820Type::RAM},                 // size 0: raw form
            {0x100000, 0x7ff00000, E820Type::RESERVED_KERN},
            {~0ull - 0xfff, 0x2000, E820Type::RESERVED},  // wraps: raw form
            {0x80000000, 0x1000, static_cast<E820Type>(0x11)}};
  s.srat.revision = 1;
  s.srat.cpus = {{1, 0x0, false, true}, {0, 0x100, true, false}};
  s.srat.mem = {{0, 0, 0x80000000, 1, 0}, {1, 0x80000000, 0x80000000, 3, std::nullopt}};
  s.slit_localities = 2;
  s.reserves = {{Owner::AcpiTables, {0x7fff0000, 0x7fff1000}}};
  s.ops = {Op{OpKind::Reserve, 0x1000, 0x2000}};
  s.finding = ViolationSignature{"hotplug-safety", "linux-6.1", "direct-map-pgtable",
                                 "immovable->hotplug"};
  s.expect = ExpectedVerdict::Finding;
  s.expect_dmesg = {"Zone ranges:", "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]"};
  return s;
}

// write -> read gives the same Scenario, and writing it again the same text.
TEST(ScenarioRoundTrip, Simple) {
  const Scenario s = full_scenario();
  const std::string text = write_scenario(s);
  auto back = read_scenario(text, "mem.scenario");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, s);
  EXPECT_EQ(write_scenario(*back), text);
}

// A binary SRAT inline as hex survives the round trip byte for byte.
TEST(ScenarioRoundTrip, BinarySrat) {
  Scenario s;
  for (int i = 0; i < 75; ++i) s.srat.binary.push_back(static_cast<std::uint8_t>(i * 37));
  const std::string text = write_scenario(s);
  auto back = read_scenario(text, "hex.scenario");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, s);
}

// Raw dmesg lines are accepted as they were printed, timestamp or not.
TEST(ScenarioRead, PastedDmesg) {
  const std::string text =
      "mbverify-scenario 1\n"
      "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz ro movable_node\n"
      "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
      "BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable\n"
      "[    0.000000] ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]\n"
      "[    0.000000] ACPI: SRAT: Node 1 PXM 7 [mem 0x240000000-0x203fffffff] hotplug\n"
      "[    0.000000] SRAT: PXM 7 -> APIC 0x02 -> Node 1\n"
      "[    0.000000] BIOS-provided physical RAM map:\n"
      "[    0.000000] Zone ranges:\n"
      "[    0.000000]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n";
  auto s = read_scenario(text, "paste.scenario");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->cmdline, "BOOT_IMAGE=/vmlinuz ro movable_node");
  EXPECT_EQ(s->e820, (std::vector<E820Entry>{{0, 0x9fc00, E820Type::RAM},
                                             {0x100000000, 0x140000000, E820Type::RAM}}));
  EXPECT_EQ(s->srat.mem, (std::vector<ScenarioSratMem>{{0, 0, 0xa0000, 1, 0},
                                                       {7, 0x240000000, 0x1e00000000, 3, 1}}));
  EXPECT_EQ(s->srat.cpus, (std::vector<ScenarioSratCpu>{{7, 2, false, true}}));
  EXPECT_EQ(s->expect_dmesg,
            (std::vector<std::string>{"Zone ranges:",
                                      "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]"}));
}

// The loader addresses KASLR avoids are kernel keys, written in hex after
// the random values.
TEST(ScenarioRead, KaslrLoaderAddresses) {
  auto s = read_scenario(
      "mbverify-scenario 1\nkernel size=0x2e00000 kaslr=5 boot-params-addr=81920 cmdline-addr=0x20000\n",
      "k.scenario");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->kernel.cmdline_addr, std::optional<std::uint64_t>(0x20000));
  EXPECT_EQ(s->kernel.boot_params_addr, std::optional<std::uint64_t>(0x14000));
  EXPECT_NE(write_scenario(*s).find("kernel size=0x2e00000 kaslr=0x5 cmdline-addr=0x20000 "
                                    "boot-params-addr=0x14000\n"),
            std::string::npos);
}

// A directive keyword decides a line before the dmesg classifier does: a
// verbatim value may contain a syslog "kernel: [ts] ..." tail, and its
// canonical line (keyword first, so the tail moves left) must read back as
// the same value (scenario_parse fuzz finding, seed
// corpus/scenario_parse/regression-syslog-tail-in-verbatim-value).
TEST(ScenarioRoundTrip, verbatim_value_with_syslog_tail) {
  const std::string tail = " kernel: [1.0] Command line: nokaslr";
  const std::string pad(45, 'a');  // pushes "kernel: " past the syslog prefix limit when pasted
  for (const std::string& text :
       {"mbverify-scenario 1\n[    0.000000] Command line: " + pad + tail + "\n",
        "mbverify-scenario 1\n[    0.000000]   " + pad + tail + "\n",
        "mbverify-scenario 1\nname x" + tail + "\ncmdline y" + tail + "\nexpect-dmesg z" + tail + "\n"}) {
    auto s = read_scenario(text, "t.scenario");
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const std::string canon = write_scenario(*s);
    auto back = read_scenario(canon, "canon.scenario");
    ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << canon;
    EXPECT_EQ(*back, *s) << canon;
    EXPECT_EQ(write_scenario(*back), canon);
  }
  auto s = read_scenario("mbverify-scenario 1\ncmdline y" + tail + "\n", "t.scenario");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->cmdline, "y" + tail);
}

// Every fuzz finding kept in corpus/scenario_parse (regression-*) reads, and
// its canonical text reads back to the same Scenario and the same text.
TEST(ScenarioRoundTrip, fuzz_regressions) {
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "scenario_parse";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.path().filename().string().starts_with("regression-")) continue;
    ++n;
    auto s = read_scenario_no_files(slurp(e.path()), e.path().string());
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const std::string canon = write_scenario(*s);
    auto back = read_scenario_no_files(canon, "canon.scenario");
    ASSERT_TRUE(back.ok()) << e.path() << ": " << back.error().to_string();
    EXPECT_EQ(*back, *s) << e.path();
    EXPECT_EQ(write_scenario(*back), canon) << e.path();
  }
  EXPECT_GE(n, 2);
}

struct BadCase {
  const char* text;
  const char* message;
};

// A garbage line is a Result error naming file:line and what is wrong.
TEST(ScenarioRead, Errors) {
  const BadCase cases[] = {
      {"", "bad.scenario: empty scenario: the first line must be \"mbverify-scenario 1\""},
      {"# only a comment\n\n", "bad.scenario: empty scenario: the first line must be \"mbverify-scenario 1\""},
      {"mbverify-scenario 2\n",
       "bad.scenario:1: unsupported scenario version \"2\" (this reader knows 1)"},
      {"BIOS-e820: [mem 0x0-0x1] usable\n",
       "bad.scenario:1: the first line must be \"mbverify-scenario 1\", found "
       "\"BIOS-e820: [mem 0x0-0x1] usable\""},
      {"mbverify-scenario 1\n# ok\nfrobnicate 3\n", "bad.scenario:3: unknown directive \"frobnicate\""},
      {"mbverify-scenario 1\nkernel size=12G\n",
       "bad.scenario:2: kernel: bad number \"12G\" for size"},
      {"mbverify-scenario 1\nkernel size=0x3000000 cmdline-addr=high\n",
       "bad.scenario:2: kernel: bad number \"high\" for cmdline-addr"},
      {"mbverify-scenario 1\nkernel boot-params=0x1000\n",
       "bad.scenario:2: kernel: unknown key \"boot-params\" (size, at, kaslr, kaslr-virt, kaslr-mem, "
       "cmdline-addr, boot-params-addr)"},
      {"mbverify-scenario 1\nsrat-hex 123\n",
       "bad.scenario:2: srat-hex: expected an even number of hex digits"},
      {"mbverify-scenario 1\nsrat-mem pxm=0 base=0x0\n",
       "bad.scenario:2: srat-mem: needs pxm=, base= and length="},
      {"mbverify-scenario 1\n[    0.000000] Memory: 16G available\n",
       "bad.scenario:2: unrecognized dmesg line \"Memory: 16G available\" (paste BIOS-e820, ACPI: "
       "SRAT, Command line or result lines; use `mbverify scenario from-dmesg` for a whole log)"},
      {"mbverify-scenario 1\nexpect maybe\n",
       "bad.scenario:2: expect: unknown verdict \"maybe\" (ok, finding, failure)"},
      {"mbverify-scenario 1\nsrat-mem pxm=0 base=0 length=1\nsrat-hex 00\n",
       "bad.scenario:3: binary SRAT after SRAT entries"},
      {"mbverify-scenario 1\nreserve owner=kernel-image base=0xffffffffffffffff size=2\n",
       "bad.scenario:2: reserve: base + size wraps the address space"},
  };
  for (const BadCase& c : cases) {
    auto s = read_scenario(c.text, "bad.scenario");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.error().to_string(), c.message);
  }
}

// A BIOS-e820 line with a broken range reports h4's reason at file:line.
TEST(ScenarioRead, BadE820Line) {
  auto s = read_scenario("mbverify-scenario 1\nBIOS-e820: [mem 0x1000 usable\n", "e.scenario");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().where.line, 2u);
  EXPECT_EQ(s.error().where.file, "e.scenario");
}

// The machines of corpus/machines all read, and their canonical text is a fixpoint.
TEST(ScenarioCorpus, Machines) {
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "machines";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".scenario") continue;
    ++n;
    auto s = load_scenario(e.path().string());
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const std::string canon = write_scenario(*s);
    auto again = read_scenario(canon, e.path().string());
    ASSERT_TRUE(again.ok()) << again.error().to_string();
    EXPECT_EQ(*again, *s) << e.path();
    EXPECT_EQ(write_scenario(*again), canon) << e.path();
  }
  EXPECT_GE(n, 5);
}

// scenario_from_dmesg over the real machines' logs: facts and result lines.
TEST(ScenarioFromDmesg, RealMachines) {
  const fs::path dir = fs::path(MBV_SHARED_DIR) / "real-machines";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  const fs::path huawei = dir / "huawei_2288hv5_5.4.dmesg";
  if (!fs::exists(huawei)) GTEST_SKIP() << "no " << huawei;
  auto s = scenario_from_dmesg_file(huawei.string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->e820.size(), 15u);
  ASSERT_EQ(s->srat.mem.size(), 3u);
  EXPECT_EQ(s->srat.mem[2], (ScenarioSratMem{1, 0x880000000, 0x800000000, 1, 1}));
  EXPECT_EQ(s->cmdline.substr(0, 26), "BOOT_IMAGE=/boot/vmlinuz r");
  ASSERT_GE(s->expect_dmesg.size(), 2u);
  EXPECT_EQ(s->expect_dmesg[0],
            "NUMA: Node 0 [mem 0x00000000-0x7fffffff] + [mem 0x100000000-0x87fffffff] -> "
            "[mem 0x00000000-0x87fffffff]");
  EXPECT_EQ(s->expect_dmesg[1], "Zone ranges:");
  EXPECT_EQ(s->expect_dmesg.back(), "  node   1: [mem 0x0000000880000000-0x000000107fffffff]");
  // And the scenario it makes round-trips.
  auto back = read_scenario(write_scenario(*s), "x");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, *s);
}

// h4's reader and the line classifier agree on every real machine: same
// machine, same expected result lines (SRAT CPU lines aside, which only the
// classifier keeps).
TEST(ScenarioFromDmesg, AgreesWithDmesgReader) {
  const fs::path dir = fs::path(MBV_SHARED_DIR) / "real-machines";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".dmesg") continue;
    SCOPED_TRACE(e.path().filename().string());
    auto a = scenario_from_dmesg_file(e.path().string());
    ASSERT_TRUE(a.ok()) << a.error().to_string();
    auto rd = read_dmesg(slurp(e.path()), e.path().string());
    ASSERT_TRUE(rd.ok()) << rd.error().to_string();
    auto b = scenario_from_dmesg_log(rd->log, a->name);
    ASSERT_TRUE(b.ok()) << b.error().to_string();
    a->srat.cpus.clear();
    EXPECT_EQ(*a, *b);
  }
}

// A log without any e820 line is not a machine.
TEST(ScenarioFromDmesg, Absent) {
  auto s = scenario_from_dmesg("[    0.000000] Linux version 6.1\n", "empty.log");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().to_string(), "empty.log: no \"BIOS-e820: [mem ...]\" line in the log");
}

}  // namespace
}  // namespace mbv
