// The shrinker on the 6.1 page-table spill: small, same signature,
// 1-minimal, deterministic. Timings are printed, never asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fstream>
#include <iterator>

#include "impl/boot/fuzz_machine.h"
#include "model/shrink/shrink.h"
#include "tests/shrink/shrink_support.h"

namespace mbv {
namespace {

ShrinkResult shrink_ok(const Scenario& s, const std::string& property = {}) {
  ShrinkOptions o;
  o.property = property;
  o.time_budget_s = 600;
  o.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto r = shrink_scenario(s, o);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  if (!r.ok()) return {};
  std::printf("shrink %s: %s -> %s, %zu boots, %.2f s\n", s.name.c_str(), r->size_before.to_string().c_str(),
              r->size_after.to_string().c_str(), r->tests, r->seconds);
  return std::move(*r);
}

// Removing any one e820 entry, SRAT entry, op or option loses the signature.
void expect_one_minimal(const ShrinkResult& r) {
  const std::string prop = r.signature.property;
  auto base = judge_scenario(r.minimal, prop);
  ASSERT_TRUE(base.ok());
  // The shrinker's rule: a machine whose SRAT the kernel accepted keeps it accepted.
  auto still = [&](const Scenario& c) {
    auto j = judge_scenario(c, prop);
    return j.ok() && j->signature && *j->signature == r.signature && j->property_verdict == r.verdict &&
           (!base->srat_used || j->srat_used);
  };
  for (std::size_t i = 0; i < r.minimal.e820.size(); ++i) {
    Scenario c = r.minimal;
    c.e820.erase(c.e820.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(still(c)) << "e820 entry " << i << " is not needed";
  }
  for (std::size_t i = 0; i < r.minimal.srat.mem.size(); ++i) {
    Scenario c = r.minimal;
    c.srat.mem.erase(c.srat.mem.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(still(c)) << "SRAT entry " << i << " is not needed";
  }
  const auto opts = cmdline_options(r.minimal.cmdline);
  for (std::size_t i = 0; i < opts.size(); ++i) {
    Scenario c = r.minimal;
    c.cmdline.clear();
    for (std::size_t k = 0; k < opts.size(); ++k)
      if (k != i) c.cmdline += (c.cmdline.empty() ? "" : " ") + opts[k];
    EXPECT_FALSE(still(c)) << "option " << opts[i] << " is not needed";
  }
}

// spill-2node: 8 e820 entries, 4 SRAT memory entries, 2 CPUs, a SLIT.
// Expect: at most two SRAT memory entries and two e820 RAM entries, the
// same signature, declared as a finding.
TEST(ShrinkSpill, linux_61_spill_shrinks_to_two_nodes) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  // The signature the pipeline reports today (its event granularity decides
  // the node kinds), not necessarily the one the file declares.
  auto before = judge_scenario(s, "hotplug-safety");
  ASSERT_TRUE(before.ok() && before->signature);
  const ShrinkResult r = shrink_ok(s, "hotplug-safety");
  EXPECT_EQ(r.signature, *before->signature);
  EXPECT_LE(r.minimal.srat.mem.size(), 2u);
  EXPECT_LE(test::ram_entries(r.minimal), 2u);
  EXPECT_LT(r.size_after, r.size_before);
  EXPECT_FALSE(r.timed_out);
  ASSERT_TRUE(r.minimal.finding);
  EXPECT_EQ(*r.minimal.finding, r.signature);
  EXPECT_EQ(r.minimal.expect, ExpectedVerdict::Finding);
  auto j = judge_scenario(r.minimal, r.signature.property);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->signature, r.signature);
  expect_one_minimal(r);
  std::printf("%s", write_scenario(r.minimal).c_str());
}

// The same machine under bottom-up-2013 spills too; its own signature survives.
TEST(ShrinkSpill, bottom_up_2013_spill_keeps_its_policy) {
  Scenario s = test::corpus_machine("spill-2node.scenario");
  s.policy = "bottom-up-2013";
  s.finding.reset();
  auto before = judge_scenario(s, "hotplug-safety");
  ASSERT_TRUE(before.ok());
  if (!before->signature) GTEST_SKIP() << "bottom-up-2013 does not spill on this machine";
  const ShrinkResult r = shrink_ok(s, "hotplug-safety");
  EXPECT_EQ(r.signature, *before->signature);
  EXPECT_EQ(r.minimal.policy, "bottom-up-2013");
  EXPECT_LE(r.minimal.srat.mem.size(), 2u);
}

// A real boot_pipeline fuzzer finding: libFuzzer inputs (raw bytes) in a
// folder, decoded by the harness's own decoder (decode_fuzz_machine), in
// file-name order; the first whose boot shows `want` is the finding. The
// harness only aborts on failures (guaranteed properties), so a finding like
// the 6.1 spill stays in the campaign corpus; this is how it is picked out.
// MBV_FUZZ_CORPUS=<dir> scans a campaign folder instead (see
// docs/counterexamples.md); by default the committed finding
// corpus/regressions/*.bin is used.
struct FuzzFinding {
  Scenario machine;
  std::string file;
};

std::optional<FuzzFinding> first_finding_in(const std::filesystem::path& dir, const ViolationSignature& want) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && (std::getenv("MBV_FUZZ_CORPUS") || e.path().extension() == ".bin"))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  // The classic spill (a run from the kernel's immovable node into a
  // hot-pluggable one) is preferred; any page table in hot-pluggable memory next.
  std::optional<FuzzFinding> any;
  for (const fs::path& p : files) {
    std::ifstream f(p, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto machine = decode_fuzz_machine(bytes);
    if (!machine) continue;
    auto j = judge_scenario(*machine, want.property);
    // Page tables in hot-pluggable memory under linux-6.1, whichever node
    // kinds the offending run touches.
    if (j.ok() && j->signature && j->signature->property == want.property && j->signature->policy == want.policy &&
        j->signature->owner == want.owner) {
      machine->name = p.filename().string();
      if (j->signature->nodes == "immovable->hotplug") return FuzzFinding{*machine, p.string()};
      if (!any) any = FuzzFinding{*machine, p.string()};
    }
  }
  return any;
}

// The fuzzer's spill shrinks to at most two SRAT memory entries and two e820
// RAM entries with its signature intact.
TEST(ShrinkSpill, boot_pipeline_fuzzer_spill_shrinks_to_two_nodes) {
  const ViolationSignature want{"hotplug-safety", "linux-6.1", "direct-map-pgtable", ""};
  const char* env = std::getenv("MBV_FUZZ_CORPUS");
  const std::filesystem::path dir = env ? std::filesystem::path(env)
                                        : std::filesystem::path(MBV_SOURCE_DIR) / "corpus" / "regressions";
  const auto found = first_finding_in(dir, want);
  ASSERT_TRUE(found) << "no boot_pipeline input in " << dir << " shows the spill";
  std::printf("fuzzer finding: %s\n%s", found->file.c_str(), write_scenario(found->machine).c_str());
  const ShrinkResult r = shrink_ok(found->machine, "hotplug-safety");
  EXPECT_EQ(r.signature.owner, want.owner);
  EXPECT_EQ(r.signature.policy, want.policy);
  EXPECT_LE(r.minimal.srat.mem.size(), 2u);
  EXPECT_LE(test::ram_entries(r.minimal), 2u);
  EXPECT_LE(r.size_after, r.size_before);
  EXPECT_FALSE(r.timed_out);
  expect_one_minimal(r);
  std::printf("%s", write_scenario(r.minimal).c_str());
}

TEST(ShrinkSpill, deterministic) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  ShrinkOptions o;
  o.time_budget_s = 600;
  auto a = shrink_scenario(s, o);
  auto b = shrink_scenario(s, o);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->minimal, b->minimal);
  EXPECT_EQ(a->tests, b->tests);
}

// A budget too small for one boot leaves the scenario as it was (minus its
// declarations) and says it timed out.
TEST(ShrinkSpill, zero_budget_keeps_the_start) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  ShrinkOptions o;
  o.time_budget_s = 1e-9;
  auto r = shrink_scenario(s, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_EQ(r->size_after, r->size_before);
  EXPECT_EQ(r->minimal.e820, s.e820);
}

TEST(Shrink, healthy_machine_is_an_error) {
  const Scenario s = test::corpus_machine("laptop.scenario");
  ShrinkOptions o;
  o.property = "hotplug-safety";
  auto r = shrink_scenario(s, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nothing to shrink"), std::string::npos);
}

TEST(Shrink, cmdline_options_split) {
  EXPECT_EQ(cmdline_options("  a b=\"x y\"  c "), (std::vector<std::string>{"a", "b=\"x y\"", "c"}));
  EXPECT_TRUE(cmdline_options("").empty());
}

TEST(Shrink, size_orders_items_before_bits) {
  Scenario a, b;
  a.e820 = {{0, SZ_1G, E820Type::RAM}};
  b.e820 = {{0, 0x3fff000, E820Type::RAM}, {SZ_4G, SZ_1G, E820Type::RAM}};
  EXPECT_LT(scenario_size(a), scenario_size(b));
  Scenario c = a;
  c.e820[0].size = SZ_1G + SZ_2M;
  EXPECT_LT(scenario_size(a), scenario_size(c));
}

}  // namespace
}  // namespace mbv
