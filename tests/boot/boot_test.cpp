// The boot pipeline end to end: the classic scenarios, the policies, the
// corpus machines, and faithfulness against real machines' logs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "impl/boot/boot.h"
#include "impl/scenario/from_dmesg.h"
#include "model/invariants/invariants.h"
#include "tests/support/boot_run.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;
using test::boot;
using test::scenario_of;

Scenario machine(const std::string& name) {
  auto s = load_scenario((fs::path(MBV_SOURCE_DIR) / "corpus" / "machines" / name).string());
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return s.ok() ? *s : Scenario{};
}

const InvariantResult& result(const InvariantReport& r, std::string_view name) {
  for (const InvariantResult& x : r.results)
    if (x.name == name) return x;
  ADD_FAILURE() << "no invariant " << name;
  return r.results.front();
}

// The lines of one printed block ("Zone ranges:" ...) from a list of lines.
std::vector<std::string> block(const std::vector<std::string>& lines, const std::string& header) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& l : lines) {
    if (l == header) {
      in = true;
      out.push_back(l);
      continue;
    }
    if (in && l.starts_with("  ")) {
      out.push_back(l);
      continue;
    }
    in = false;
  }
  return out;
}

// Two nodes, the kernel at 16M in node 0, node 1 hot-pluggable, movable_node,
// large pages: the classic layout the 2013 design was made for.
const char* kTwoNode =
    "mbverify-scenario 1\n"
    "cmdline movable_node\n"
    "kernel size=0x3000000 at=0x1000000\n"
    "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
    "BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
    "BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
    "BIOS-e820: [mem 0x0000000100000000-0x000000043fffffff] usable\n"
    "srat-mem pxm=0 base=0x0 length=0xc0000000 flags=0x1\n"
    "srat-mem pxm=0 base=0x100000000 length=0x100000000 flags=0x1\n"
    "srat-mem pxm=1 base=0x200000000 length=0x240000000 flags=0x3\n";

// Kernel in node 0, node 1 hot-pluggable: every policy keeps node 1 clean and
// all of it becomes ZONE_MOVABLE.
TEST(BootPipeline, Simple) {
  for (const BootPolicy& p : boot_policies()) {
    SCOPED_TRACE(p.name);
    const BootState st = boot(scenario_of(kTwoNode), p.name);
    ASSERT_FALSE(st.panic.has_value());
    const InvariantReport rep = check_invariants(st);
    EXPECT_EQ(rep.overall(), InvariantVerdict::Holds) << format_invariant_report(rep);
    EXPECT_EQ(st.zones.zone_movable_pfn[1], 0x200000u);
    ASSERT_EQ(rep.nodes.size(), 1u);
    EXPECT_TRUE(rep.nodes[0].removable);
    EXPECT_EQ(rep.nodes[0].kept_hotplug_bytes, 9 * SZ_1G);
  }
}

// The spill (11.2.3): linux-6.1 shows a finding with the scenario's signature,
// srat-first is safe and keeps node 1 movable.
TEST(BootPipeline, SpillLinux61IsAFinding) {
  const Scenario s = machine("spill-2node.scenario");
  const BootState st = boot(s);
  const InvariantReport rep = check_invariants(st);
  EXPECT_EQ(rep.overall(), InvariantVerdict::Finding) << format_invariant_report(rep);
  ASSERT_TRUE(s.expect.has_value());
  EXPECT_TRUE(verdict_matches(*s.expect, rep.overall()));
  ASSERT_TRUE(rep.signature().has_value());
  ASSERT_TRUE(s.finding.has_value());
  EXPECT_EQ(*rep.signature(), *s.finding);
  // The first pass ran out of node 0 and continued at 2G, before SRAT.
  const InvariantResult& hs = result(rep, "hotplug-safety");
  ASSERT_FALSE(hs.violations.empty());
  EXPECT_EQ(hs.violations[0].event->phase, Phase::BeforeSrat);
  EXPECT_LT(hs.violations[0].event->range.start, 2 * SZ_1G);
  EXPECT_GT(hs.violations[0].event->range.end, 2 * SZ_1G);
  // ... and the kernel-node rule then took all of node 1's HOTPLUG away.
  ASSERT_EQ(rep.nodes.size(), 1u);
  EXPECT_EQ(rep.nodes[0].kept_hotplug_bytes, 0u);
  EXPECT_EQ(st.zones.zone_movable_pfn[1], 0u);
  EXPECT_EQ(block(st.log, "Movable zone start for each node"),
            (std::vector<std::string>{"Movable zone start for each node"}));
}

TEST(BootPipeline, SpillSratFirstIsSafe) {
  for (WalkMode walk : {WalkMode::Fast, WalkMode::PerPage}) {
    const BootState st = boot(machine("spill-2node.scenario"), "srat-first", walk);
    const InvariantReport rep = check_invariants(st);
    EXPECT_EQ(rep.overall(), InvariantVerdict::Holds) << format_invariant_report(rep);
    EXPECT_EQ(block(st.log, "Movable zone start for each node"),
              (std::vector<std::string>{"Movable zone start for each node",
                                        "  Node 1: 0x0000000080000000"}));
  }
}

// bottom-up-2013 keeps the second pass above the kernel too: even more page
// tables land in node 1.
TEST(BootPipeline, SpillBottomUp2013) {
  const BootState st = boot(machine("spill-2node.scenario"), "bottom-up-2013");
  const InvariantReport rep = check_invariants(st);
  EXPECT_EQ(rep.overall(), InvariantVerdict::Finding);
  for (const AllocEvent& e : st.events)
    if (e.owner == Owner::DirectMapPageTable && e.note().find("from memblock") != std::string::npos)
      EXPECT_GE(e.range.start, st.kernel.end) << e.note();
}

// An SRAT whose nodes overlap is rejected by numa_cleanup_meminfo; the boot
// falls back to one dummy node and no HOTPLUG survives.
TEST(BootPipeline, SratRejectedDummyNode) {
  std::string text = kTwoNode;
  text += "srat-mem pxm=1 base=0x180000000 length=0x100000000 flags=0x1\n";
  const BootState st = boot(scenario_of(text));
  ASSERT_TRUE(st.numa.method.has_value());
  EXPECT_EQ(*st.numa.method, NumaMethod::Dummy);
  EXPECT_NE(std::find(st.log.begin(), st.log.end(), "No NUMA configuration found"), st.log.end());
  EXPECT_EQ(block(st.log, "Early memory node ranges"),
            (std::vector<std::string>{"Early memory node ranges",
                                      "  node   0: [mem 0x0000000000001000-0x000000000009efff]",
                                      "  node   0: [mem 0x0000000000100000-0x00000000bfffffff]",
                                      "  node   0: [mem 0x0000000100000000-0x000000043fffffff]"}));
  ASSERT_TRUE(st.mb_before_handoff.has_value());
  for (const MemblockRegion& r : st.mb_before_handoff->memory.regions)
    EXPECT_EQ(r.flags & MEMBLOCK_HOTPLUG, 0u);
  // The firmware still declared node 1 hot-pluggable: the invariants say it
  // is not removable (not guaranteed by 6.1, so a finding).
  const InvariantReport rep = check_invariants(st);
  EXPECT_EQ(result(rep, "hot-remove-feasible").verdict, InvariantVerdict::Finding);
}

// KASLR with no immovable region (every SRAT range hot-pluggable, as on the
// Hyper-V guest of real-machines/): count_immovable_mem_regions finds
// nothing, the filter is off, and the kernel lands in hot-pluggable memory.
// Not something any policy answers for: a finding, also under srat-first.
TEST(BootPipeline, KaslrNoImmovableRegion) {
  std::string text = kTwoNode;
  text.replace(text.find("kernel size=0x3000000 at=0x1000000"), 34, "kernel size=0x3000000 kaslr=0x5851f42d4c957f2d");
  text.replace(text.find("length=0xc0000000 flags=0x1"), 27, "length=0xc0000000 flags=0x3");
  text.replace(text.find("length=0x100000000 flags=0x1"), 28, "length=0x100000000 flags=0x3");
  for (const char* policy : {"linux-6.1", "srat-first"}) {
    SCOPED_TRACE(policy);
    const BootState st = boot(scenario_of(text), policy);
    ASSERT_TRUE(st.kernel.kaslr.has_value());
    EXPECT_TRUE(st.kernel.randomized);
    EXPECT_FALSE(st.srat.has_value() && count_immovable_mem_regions(*st.srat).count() > 0);
    const InvariantReport rep = check_invariants(st);
    const InvariantResult& hs = result(rep, "hotplug-safety");
    EXPECT_EQ(hs.verdict, InvariantVerdict::Finding) << format_invariant_report(rep);
    ASSERT_FALSE(hs.violations.empty());
    EXPECT_EQ(hs.violations[0].event->owner, Owner::KernelImage);
  }
}

// With an immovable node, KASLR keeps the kernel inside it.
TEST(BootPipeline, KaslrImmovableOnly) {
  std::string text = kTwoNode;
  text.replace(text.find("kernel size=0x3000000 at=0x1000000"), 34, "kernel size=0x3000000 kaslr=0x5851f42d4c957f2d");
  for (std::uint64_t rnd : {0x1ull, 0x5851f42d4c957f2dull, 0xffffffffffffffffull}) {
    BootOptions o;
    o.kaslr_random = rnd;
    auto st = run_boot(scenario_of(text), o);
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    EXPECT_LE(st->kernel.end, 0x200000000u) << std::hex << st->kernel.text;
  }
}

// Pasted SRAT lines keep the node numbering the logged kernel used, even
// when it does not follow the memory entries' order (CPU entries numbered the
// PXMs first on that machine): CPU entries are synthesised in node order.
TEST(BootPipeline, PastedSratKeepsNodeNumbers) {
  const Scenario s = scenario_of(
      "mbverify-scenario 1\n"
      "kernel size=0x3000000 at=0x1000000\n"
      "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
      "BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
      "BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] usable\n"
      "ACPI: SRAT: Node 1 PXM 5 [mem 0x00000000-0x7fffffff]\n"
      "ACPI: SRAT: Node 0 PXM 3 [mem 0x80000000-0x17fffffff]\n");
  const BootState st = boot(s);
  EXPECT_EQ(block(st.log, "Early memory node ranges"),
            (std::vector<std::string>{"Early memory node ranges",
                                      "  node   1: [mem 0x0000000000001000-0x000000000009efff]",
                                      "  node   1: [mem 0x0000000000100000-0x000000007fffffff]",
                                      "  node   0: [mem 0x0000000080000000-0x00000000bfffffff]",
                                      "  node   0: [mem 0x0000000100000000-0x000000017fffffff]"}));
}

// The early steps: what is reserved before the direct map, in 6.1 order.
TEST(BootSteps, EarlyReservations) {
  Scenario s = scenario_of(kTwoNode);
  BootState st;
  st.scenario = s;
  st.policy = *find_boot_policy("linux-6.1");
  st.cmdline = parse_cmdline(s.cmdline);
  ASSERT_TRUE(boot_place_kernel(st).ok());
  ASSERT_TRUE(boot_early_reserve(st).ok());
  ASSERT_TRUE(boot_e820(st).ok());
  EXPECT_EQ(st.max_pfn, 0x440000u);
  EXPECT_EQ(st.max_low_pfn, 0xc0000u);
  st.mb.movable_node = true;
  st.mb.set_bottom_up(true);
  ASSERT_TRUE(boot_memblock_setup(st).ok());
  std::vector<std::pair<Owner, PhysRange>> got;
  for (const AllocEvent& e : st.events) got.emplace_back(e.owner, e.range);
  const std::uint64_t brk = SZ_16M + 0x3000000 - BRK_AREA_BYTES;
  EXPECT_EQ(got, (std::vector<std::pair<Owner, PhysRange>>{
                     {Owner::KernelImage, {SZ_16M, brk}},
                     {Owner::BiosReserved, {0, SZ_64K}},
                     {Owner::Brk, {brk, brk + INIT_PGT_BUF_PAGES * PAGE_SIZE}},
                     // bottom-up under movable_node: the lowest free pages above 64K
                     {Owner::RealMode, {SZ_64K, SZ_64K + REAL_MODE_BYTES}},
                     {Owner::RealMode, {0, SZ_1M}}}));
  EXPECT_EQ(st.mb.current_limit, SZ_1M);
}

// Every corpus machine boots and its verdict is the one it expects.
TEST(BootCorpus, Machines) {
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "machines";
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".scenario") continue;
    SCOPED_TRACE(e.path().filename().string());
    auto s = load_scenario(e.path().string());
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    auto st = run_boot(*s);
    if (!st.ok() && st.error().code == ErrorCode::Unsupported) {
      // KASLR scenarios need impl/kaslr linked into the pipeline.
      std::printf("skipped %s: %s\n", e.path().filename().c_str(), st.error().message.c_str());
      continue;
    }
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    const InvariantReport rep = check_invariants(*st);
    ASSERT_TRUE(s->expect.has_value());
    EXPECT_TRUE(verdict_matches(*s->expect, rep.overall())) << format_invariant_report(rep);
  }
}

// With 5-level paging MAX_ARCH_PFN is 2^52 >> 12: memory above the 4-level
// limit (64 TiB) lies below max_pfn and gets its node, its NODE_DATA and its
// zone span. The pipeline used to clamp to 64 TiB whatever the paging mode
// (regression corpus/regressions/boot-0003).
TEST(BootPipeline, La57MaxArchPfnReachesAbove64TiB) {
  auto s = load_scenario(
      (fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions" / "boot-0003-la57-max-arch-pfn.scenario")
          .string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const BootState st = boot(*s);
  EXPECT_EQ(st.max_pfn, (0x400000000000ull + 0x80000000ull) >> PAGE_SHIFT);
  EXPECT_NE(std::find(st.log.begin(), st.log.end(),
                      "e820: last_pfn = 0x400080000 max_arch_pfn = 0x10000000000"),
            st.log.end());
  for (const char* header : {"Zone ranges:", "Early memory node ranges"})
    EXPECT_EQ(block(st.log, header), block(s->expect_dmesg, header));
  EXPECT_EQ(st.numa.node_data.size(), 2u);

  // The same machine with 4-level paging: max_pfn stops at 64 TiB, below node 1.
  Scenario four = *s;
  four.cpu.la57 = false;
  const BootState st4 = boot(four);
  EXPECT_EQ(st4.max_pfn, 0x80000u);
  EXPECT_NE(std::find(st4.log.begin(), st4.log.end(),
                      "e820: last_pfn = 0x80000 max_arch_pfn = 0x400000000"),
            st4.log.end());
}

// 5-level with memory KASLR: page_offset_base 0xff1effffc0000000 puts a 256 TiB
// (PGD) boundary at physical 1 GiB, and 2M mappings let the last top-down
// chunk [2M, 1.5G) cross it. 6.1's phys_p4d_init maps the part above 1G a
// second time, 256 TiB lower: one more PUD and one more PMD page than the
// same machine with the boundary elsewhere. The per-page walker (the kernel's
// loops, entry by entry) allocates the same pages in the same order.
TEST(BootPipeline, La57DirectMapCrossing256T) {
  auto s = load_scenario((fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions" /
                          "boot-0004-la57-direct-map-crosses-256t.scenario")
                             .string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const BootState st = boot(*s);
  ASSERT_FALSE(st.panic) << *st.panic;
  EXPECT_EQ(st.dm.cfg.paging.page_offset_base, 0xff1effffc0000000ull);
  const MappingCall* crossing = nullptr;
  for (const MappingCall& c : st.dm.calls)
    if (c.start < SZ_1G && c.end > SZ_1G) crossing = &c;
  ASSERT_NE(crossing, nullptr);
  LevelCounts pages;
  for (const MappedRange& r : crossing->ranges) pages += r.pages;
  EXPECT_EQ(pages, (LevelCounts{0, 1, 1, 0}));  // the alias's PUD and PMD tables
  EXPECT_FALSE(st.dm.state().wrapped.pmd.segments().empty());

  // Without the random value: the default base, 256 TiB-aligned, one PGD
  // slot and no alias. The crossing costs a P4D and a PUD table for the
  // second slot, and the alias's PUD and PMD tables.
  Scenario plain = *s;
  plain.kernel.kaslr_random_mem.reset();
  const BootState st0 = boot(plain);
  ASSERT_FALSE(st0.panic) << *st0.panic;
  LevelCounts want = st0.dm.total_pages();
  want += LevelCounts{1, 2, 1, 0};
  EXPECT_EQ(st.dm.total_pages(), want);
  EXPECT_TRUE(st0.dm.state().wrapped.pud.segments().empty());

  BootOptions per_page;
  per_page.walk = WalkMode::PerPage;
  auto slow = run_boot(*s, per_page);
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(slow->dm.page_sequence(), st.dm.page_sequence());
  EXPECT_EQ(slow->dm.state(), st.dm.state());
}

// reserve_crashkernel takes the size from parse_crashkernel: when it answers
// -EINVAL nothing is reserved. The ranges form with nothing after '@'
// (corpus/regressions/boot-0005) and a size not below the RAM used to get a
// reservation attempt; a base after '@' and a smaller size still reserve.
TEST(BootPipeline, CrashkernelFollowsTheKernelParser) {
  auto s = load_scenario((fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions" /
                          "boot-0005-crashkernel-ranges-nothing-after-at.scenario")
                             .string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  auto crash_events = [](const BootState& st) {
    std::size_t n = 0;
    for (const AllocEvent& e : st.events) n += e.owner == Owner::CrashKernel;
    return n;
  };
  auto crash_lines = [](const BootState& st) {
    std::size_t n = 0;
    for (const std::string& l : st.log)
      n += l.find("for crashkernel") != std::string::npos || l.starts_with("crashkernel reservation failed");
    return n;
  };
  // Command line -> reservations (and their log lines) 6.1 makes.
  const std::pair<const char*, std::size_t> cases[] = {
      {"root=/dev/vda1 crashkernel=0-:64M@", 0},
      {"root=/dev/vda1 crashkernel=0-:2G", 0},
      {"root=/dev/vda1 crashkernel=0-:64M@256M", 1},
      {"root=/dev/vda1 crashkernel=0-:1G", 1},
  };
  for (const auto& [cmd, want] : cases) {
    Scenario t = *s;
    t.cmdline = cmd;
    const BootState st = boot(t);
    EXPECT_EQ(crash_events(st), want) << cmd;
    EXPECT_EQ(crash_lines(st), want) << cmd;
  }
}

// Faithfulness: for every real machine, the Zone ranges, Movable zone start
// and Early memory node ranges lines equal what that kernel printed. Zone
// lines are compared for the zones the logged kernel printed (a kernel built
// without ZONE_DEVICE prints no Device line; see docs/boot.md).
TEST(BootFaithfulness, RealMachines) {
  const fs::path dir = fs::path(MBV_SHARED_DIR) / "real-machines";
  if (!fs::exists(dir)) GTEST_SKIP() << "no " << dir;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".dmesg") continue;
    SCOPED_TRACE(e.path().filename().string());
    ++n;
    auto s = scenario_from_dmesg_file(e.path().string());
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    const BootState st = boot(*s);
    for (const char* header : {"Movable zone start for each node", "Early memory node ranges"})
      EXPECT_EQ(block(st.log, header), block(s->expect_dmesg, header));
    const auto want = block(s->expect_dmesg, "Zone ranges:");
    const auto got = block(st.log, "Zone ranges:");
    ASSERT_FALSE(want.empty());
    for (const std::string& line : want)
      EXPECT_NE(std::find(got.begin(), got.end(), line), got.end()) << "missing: " << line;
  }
  EXPECT_GE(n, 1);
}

// The Fast and PerPage walkers of the direct map must place page tables
// identically: same page sequence, same events, same memblock.
TEST(BootPipeline, FastWalkEqualsPerPage) {
  const Scenario s = machine("spill-2node.scenario");
  for (const BootPolicy& p : boot_policies()) {
    SCOPED_TRACE(p.name);
    BootOptions fast, slow;
    fast.policy = slow.policy = p.name;
    fast.walk = WalkMode::Fast;
    slow.walk = WalkMode::PerPage;
    auto a = run_boot(s, fast);
    auto b = run_boot(s, slow);
    ASSERT_TRUE(a.ok() && b.ok());
    const std::vector<phys_addr_t> pa = a->dm.page_sequence(), pb = b->dm.page_sequence();
    const auto diff = std::mismatch(pa.begin(), pa.end(), pb.begin(), pb.end());
    EXPECT_TRUE(diff.first == pa.end() && diff.second == pb.end())
        << "first difference at page " << (diff.first - pa.begin()) << " of " << pa.size()
        << " / " << pb.size() << std::hex << ": fast 0x"
        << (diff.first != pa.end() ? *diff.first : 0) << ", per-page 0x"
        << (diff.second != pb.end() ? *diff.second : 0);
    EXPECT_EQ(a->dm.calls, b->dm.calls);
    EXPECT_EQ(a->dm.allocs, b->dm.allocs);
    EXPECT_EQ(a->events, b->events);
    EXPECT_EQ(a->mb, b->mb);
  }
}

// corpus/regressions/pgtable-0001: the top-down run from the top of node 0
// ends exactly on the brk buffer's end (the page below is brk's), and both
// walkers agree page for page.
TEST(BootPipeline, PgtableRunMeetsBrk) {
  auto s = load_scenario((fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions" /
                          "pgtable-0001-srat-first-run-meets-brk.scenario")
                             .string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  BootOptions fast, slow;
  slow.walk = WalkMode::PerPage;
  auto a = run_boot(*s, fast);
  auto b = run_boot(*s, slow);
  ASSERT_TRUE(a.ok() && b.ok());
  bool meets = false;
  for (const PgtAllocRun& r : a->dm.allocs)
    if (r.source == PgtSource::Memblock && r.range().start == a->kernel.brk.end) meets = true;
  EXPECT_TRUE(meets) << a->dm.allocs.size() << " runs, brk ends at " << std::hex << a->kernel.brk.end;
  EXPECT_EQ(a->dm.page_sequence(), b->dm.page_sequence());
  EXPECT_EQ(a->events, b->events);
  EXPECT_EQ(a->mb, b->mb);
  EXPECT_EQ(check_invariants(*a).overall(), InvariantVerdict::Holds);
}

// movable_node with hot-pluggable nodes: their memmap cannot come from the
// node itself, so sparse_init falls back to one 2 MiB section map at a time.
// The Fast mode takes each run of neighbouring free blocks with one
// reservation; the events and memblock must equal the literal per-section
// calls of WalkMode::PerPage.
TEST(BootPipeline, SparsePerSectionFallbackFastEqualsLiteral) {
  std::string text =
      "mbverify-scenario 1\n"
      "cmdline movable_node\n"
      "kernel size=0x3000000 at=0x1000000\n"
      "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
      "BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
      "BIOS-e820: [mem 0x0000000100000000-0x000000103fffffff] usable\n"
      "srat-mem pxm=0 base=0x0 length=0x240000000 flags=0x1\n"
      "srat-mem pxm=1 base=0x240000000 length=0x200000000 flags=0x1\n"
      "srat-mem pxm=2 base=0x440000000 length=0x200000000 flags=0x3\n"
      "srat-mem pxm=3 base=0x640000000 length=0xa00000000 flags=0x3\n";
  const Scenario s = scenario_of(text);
  for (const BootPolicy& p : boot_policies()) {
    SCOPED_TRACE(p.name);
    BootOptions fast, slow;
    fast.policy = slow.policy = p.name;
    slow.walk = WalkMode::PerPage;
    auto a = run_boot(s, fast);
    auto b = run_boot(s, slow);
    ASSERT_TRUE(a.ok() && b.ok());
    std::size_t per_section = 0;
    for (const AllocEvent& e : a->events)
      if (e.note().find("(per section)") != std::string::npos) ++per_section;
    EXPECT_EQ(per_section, (0x200000000u + 0xa00000000u) / SECTION_BYTES);
    EXPECT_EQ(a->events, b->events);
    EXPECT_EQ(a->mb, b->mb);
  }
}

// A page-table run that crosses an SRAT node edge becomes one event per node:
// on the spill machine (linux-6.1) the run above the kernel ends at 2G in
// node 0 and continues at 2G in node 1 (before SRAT, so memblock had no nids).
TEST(BootPipeline, PgtableRunCutAtNodeEdge) {
  BootOptions o;
  o.pgtable_events_per_node = true;
  auto r = run_boot(machine("spill-2node.scenario"), o);
  ASSERT_TRUE(r.ok());
  const BootState& st = *r;
  std::vector<const AllocEvent*> pgt;
  for (const AllocEvent& e : st.events)
    if (e.owner == Owner::DirectMapPageTable) pgt.push_back(&e);
  ASSERT_FALSE(pgt.empty());
  int edges = 0;
  for (std::size_t i = 0; i + 1 < pgt.size(); ++i) {
    if (pgt[i]->range.end != 2 * SZ_1G || pgt[i + 1]->range.start != 2 * SZ_1G) continue;
    ++edges;
    EXPECT_EQ(pgt[i]->nid, 0);
    EXPECT_EQ(pgt[i + 1]->nid, 1);
    // Same run: the same call, each piece says how many pages it holds.
    const std::string_view call = pgt[i]->note().substr(0, pgt[i]->note().find(" ("));
    EXPECT_EQ(pgt[i + 1]->note().substr(0, pgt[i + 1]->note().find(" (")), call);
    EXPECT_NE(pgt[i]->note().find(" here)"), std::string::npos) << pgt[i]->note();
  }
  EXPECT_EQ(edges, 1);
  // hotplug-safety judges each piece: the first violation is the node-1 part.
  const InvariantReport rep = check_invariants(st);
  const InvariantResult& hs = result(rep, "hotplug-safety");
  ASSERT_FALSE(hs.violations.empty());
  EXPECT_EQ(hs.violations[0].event->range.start, 2 * SZ_1G);
  EXPECT_EQ(hs.violations[0].event->nid, 1);
  EXPECT_EQ(hs.violations[0].nodes, "hotplug");
  EXPECT_EQ(rep.overall(), InvariantVerdict::Finding);
  // Every page-table event lies in exactly one SRAT range and carries its node.
  for (const AllocEvent* e : pgt) {
    int hits = 0;
    for (const SratTruthRange& t : st.truth) {
      if (!t.range.intersects(e->range)) continue;
      ++hits;
      EXPECT_TRUE(t.range.start <= e->range.start && e->range.end <= t.range.end) << e->note();
      EXPECT_EQ(e->nid, t.nid) << e->note();
    }
    EXPECT_LE(hits, 1) << e->note();
  }
}

// Memory KASLR: kernel_randomize_memory's page_offset_base is the direct
// map's virtual base. Random value 937 puts it 1 GiB below a 512 GiB
// boundary (0xffff8c7fc0000000), so the 17 GiB machine's map needs two PUD
// pages instead of one; nothing below PUD changes (the base is 1G-aligned).
// Without a random value the default base; nokaslr: default base and no
// init_trampoline_kaslr page.
TEST(BootPipeline, MemoryKaslrVirtualBase) {
  const Scenario s = scenario_of(kTwoNode);
  BootOptions plain, moved;
  moved.kaslr_random_memory = 937;
  auto a = run_boot(s, plain);
  auto b = run_boot(s, moved);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->dm.cfg.paging.page_offset_base, PAGE_OFFSET_BASE_L4);
  EXPECT_EQ(b->dm.cfg.paging.page_offset_base, 0xffff8c7fc0000000ull);
  EXPECT_EQ(a->dm.total_pages().pud, 1u);
  EXPECT_EQ(b->dm.total_pages().pud, 2u);
  EXPECT_EQ(a->dm.total_pages().pmd, b->dm.total_pages().pmd);
  EXPECT_EQ(a->dm.total_pages().pte, b->dm.total_pages().pte);
  auto trampoline_pages = [](const BootState& st) {
    std::uint64_t n = 0;
    for (const PgtAllocRun& r : st.dm.allocs)
      if (r.call < 0) n += r.pages;
    return n;
  };
  EXPECT_EQ(trampoline_pages(*a), 1u);
  EXPECT_EQ(trampoline_pages(*b), 1u);
  // The same value from the scenario (kernel kaslr-mem=), and it round-trips.
  std::string with_key = kTwoNode;
  with_key.replace(with_key.find("at=0x1000000"), 12, "at=0x1000000 kaslr-mem=0x3a9");
  const Scenario sk = scenario_of(with_key);
  ASSERT_EQ(sk.kernel.kaslr_random_mem, std::optional<std::uint64_t>(937));
  EXPECT_NE(write_scenario(sk).find("kaslr-mem=0x3a9"), std::string::npos);
  auto k = run_boot(sk);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->dm.cfg.paging.page_offset_base, 0xffff8c7fc0000000ull);
  EXPECT_EQ(k->dm.total_pages().pud, 2u);
  std::string text = kTwoNode;
  text.replace(text.find("cmdline movable_node"), 20, "cmdline movable_node nokaslr");
  auto c = run_boot(scenario_of(text), moved);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->dm.cfg.paging.page_offset_base, PAGE_OFFSET_BASE_L4);
  EXPECT_EQ(trampoline_pages(*c), 0u);
  EXPECT_EQ(c->dm.total_pages().pud, 1u);
}

}  // namespace
}  // namespace mbv
