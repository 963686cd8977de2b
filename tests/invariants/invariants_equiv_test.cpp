// model/invariants computes per event and per range what the reference
// (tests/invariants/reference_invariants.cpp, the first, per-pair version)
// computes by brute force. These tests compare whole reports: every verdict,
// violation (text, event, node kinds, guarantee) and node capacity, on random
// valid machines, on random fuzz inputs (decode_fuzz_machine, the machines
// fuzz/boot_pipeline boots) and on every machine of the corpus. A report
// without text (InvariantOptions::describe = false, what the fuzzer asks for)
// must equal the full one with its texts blanked.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "impl/boot/boot.h"
#include "impl/boot/fuzz_machine.h"
#include "model/invariants/invariants.h"
#include "tests/boot/boot_machine_gen.h"
#include "tests/invariants/reference_invariants.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;

constexpr int kCases = 400;

InvariantReport without_text(InvariantReport r) {
  for (InvariantResult& res : r.results)
    for (Violation& v : res.violations) v.what.clear();
  return r;
}

// First difference between two reports, or "" when equal.
std::string first_difference(const InvariantReport& fast, const InvariantReport& ref) {
  if (fast == ref) return "";
  if (fast.policy != ref.policy) return "policy " + fast.policy + " vs " + ref.policy;
  if (fast.results.size() != ref.results.size()) return "result counts differ";
  for (std::size_t i = 0; i < fast.results.size(); ++i) {
    const InvariantResult& a = fast.results[i];
    const InvariantResult& b = ref.results[i];
    if (a == b) continue;
    std::string out = a.name + ": " + std::string(invariant_verdict_name(a.verdict)) + " with " +
                      std::to_string(a.violations.size()) + " violations vs " +
                      std::string(invariant_verdict_name(b.verdict)) + " with " +
                      std::to_string(b.violations.size());
    for (std::size_t k = 0; k < std::min(a.violations.size(), b.violations.size()); ++k)
      if (!(a.violations[k] == b.violations[k])) {
        out += "; violation " + std::to_string(k) + ": \"" + a.violations[k].what + "\" [" + a.violations[k].nodes +
               (a.violations[k].guaranteed ? ", guaranteed" : "") + "] vs \"" + b.violations[k].what + "\" [" +
               b.violations[k].nodes + (b.violations[k].guaranteed ? ", guaranteed" : "") + "]";
        break;
      }
    return out;
  }
  return "node capacities differ";
}

// Both checkers over one boot; "" when they agree in both detail levels.
std::string compare(const BootState& st) {
  const InvariantReport ref = reference::check_invariants(st);
  if (std::string d = first_difference(check_invariants(st), ref); !d.empty()) return "full report: " + d;
  const InvariantReport terse = check_invariants(st, {.describe = false});
  if (std::string d = first_difference(terse, without_text(ref)); !d.empty()) return "report without text: " + d;
  if (terse.overall() != ref.overall() || terse.signature() != ref.signature()) return "verdict or signature";
  return "";
}

std::vector<std::uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

TEST(InvariantsEquiv, random_machines_every_policy) {
  const std::string failure = testgen::check_cases("InvariantsEquiv/random_machines", kCases, [] {
    const bool spill = *rc::gen::arbitrary<bool>();
    const testgen::GenMachine m = *testgen::gen_machine({}, spill);
    BootOptions opt;
    opt.pgtable_events_per_node = *rc::gen::arbitrary<bool>();
    RC_TAG(m.scenario.policy);
    auto st = run_boot(m.scenario, opt);
    RC_ASSERT(st.ok());
    const std::string d = compare(*st);
    if (!d.empty()) RC_FAIL(d);
  });
  EXPECT_TRUE(failure.empty()) << failure;
}

TEST(InvariantsEquiv, random_fuzz_inputs) {
  const std::string failure = testgen::check_cases("InvariantsEquiv/random_fuzz_inputs", kCases, [] {
    const auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(48, rc::gen::arbitrary<std::uint8_t>());
    const auto machine = decode_fuzz_machine(bytes);
    RC_PRE(machine.has_value());
    auto st = run_boot(*machine);
    RC_PRE(st.ok());
    RC_TAG(st->policy.name);
    const std::string d = compare(*st);
    if (!d.empty()) RC_FAIL(d + "\n" + write_scenario(*machine));
  });
  EXPECT_TRUE(failure.empty()) << failure;
}

// Every machine the corpus holds: fuzz seeds and regressions (bytes),
// scenarios of corpus/machines and corpus/regressions.
TEST(InvariantsEquiv, corpus_machines) {
  const fs::path root = MBV_SOURCE_DIR;
  int compared = 0;
  for (const char* dir : {"corpus/boot_pipeline", "corpus/regressions", "corpus/machines", "findings/boot_pipeline"}) {
    if (!fs::is_directory(root / dir)) continue;
    for (const auto& entry : fs::directory_iterator(root / dir)) {
      const fs::path& p = entry.path();
      std::optional<Scenario> machine;
      if (p.extension() == ".scenario") {
        auto s = load_scenario(p.string());
        if (!s) continue;  // a scenario with an ops section or other target's format
        machine = *s;
      } else if (std::string(dir) == "corpus/boot_pipeline" || p.filename().string().starts_with("boot_pipeline")) {
        machine = decode_fuzz_machine(read_bytes(p));
      }
      if (!machine) continue;
      auto st = run_boot(*machine);
      if (!st) continue;
      EXPECT_EQ(compare(*st), "") << p;
      ++compared;
    }
  }
  EXPECT_GE(compared, 10);
}

// The hand-off check takes a binary search when memblock.reserved is sorted
// and disjoint (as memblock keeps it) and the reference's full sum otherwise;
// both must agree with the reference when the array is damaged.
TEST(InvariantsEquiv, handoff_reserved_overlapping_or_missing) {
  // bottom-up-2013, movable_node, two 1 GiB RAM segments, node 1 hot-pluggable.
  const auto s = decode_fuzz_machine(std::vector<std::uint8_t>{1, 1, 1, 1, 0, 15, 0, 0, 15, 0, 1, 0, 1, 1, 0});
  ASSERT_TRUE(s.has_value());
  auto st = run_boot(*s);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(compare(*st), "");
  const auto& regions = st->mb.reserved.regions;
  ASSERT_GE(regions.size(), 3u);
  std::size_t kernel_region = regions.size();
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].base <= st->kernel.text && st->kernel.text < regions[i].end()) kernel_region = i;
  ASSERT_LT(kernel_region, regions.size());
  // Drop the kernel image's reservation (its event is no longer reserved) ...
  BootState missing = *st;
  missing.mb.reserved.regions.erase(missing.mb.reserved.regions.begin() + static_cast<long>(kernel_region));
  EXPECT_EQ(compare(missing), "");
  EXPECT_EQ(check_handoff_conservation(missing).verdict, InvariantVerdict::Failure);
  // ... or duplicate one (overlapping regions: the sum counts it twice).
  BootState overlapping = *st;
  overlapping.mb.reserved.regions.insert(overlapping.mb.reserved.regions.begin() + 1,
                                         overlapping.mb.reserved.regions[1]);
  EXPECT_EQ(compare(overlapping), "");
}

// Damaged events: two placed allocations that overlap, brk page tables
// outside brk, an allocation in a hot-pluggable node.
TEST(InvariantsEquiv, disjointness_and_hotplug_on_damaged_events) {
  // srat-first, movable_node, two 1 GiB RAM segments, node 1 hot-pluggable.
  const auto s = decode_fuzz_machine(std::vector<std::uint8_t>{2, 1, 1, 1, 0, 15, 0, 0, 15, 0, 1, 0, 1, 1, 0});
  ASSERT_TRUE(s.has_value());
  auto st = run_boot(*s);
  ASSERT_TRUE(st.ok());
  BootState bad = *st;
  ASSERT_FALSE(bad.events.empty());
  AllocEvent dup = bad.events.back();
  bad.events.push_back(dup);
  bad.events.push_back(AllocEvent{Owner::DirectMapPageTable, Phase::BeforeSrat,
                                  PhysRange{bad.kernel.brk.end, bad.kernel.brk.end + PAGE_SIZE}, NUMA_NO_NODE,
                                  EventNote(std::string("1 page-table page from brk for a test"))});
  for (const SratTruthRange& t : bad.truth)
    if (t.hotpluggable)
      bad.events.push_back(AllocEvent{Owner::NodeData, Phase::AfterSrat,
                                      PhysRange{t.range.start, t.range.start + SZ_1M}, t.nid, "test"});
  EXPECT_EQ(compare(bad), "");
  EXPECT_EQ(check_allocation_disjointness(bad).verdict, InvariantVerdict::Failure);
}


// Random events added to a real boot, in any order: runs rising and falling,
// equal starts (the disjointness check then sorts as the reference does),
// nested and overlapping ranges, empty and inverted ones, events in the
// hot-pluggable node's memory and outside memblock.reserved. The fast checks
// take the events by address (runs merged, binary searches, one sweep);
// every report must still equal the reference's.
TEST(InvariantsEquiv, random_events_in_any_order) {
  // bottom-up-2013, movable_node, two 1 GiB RAM segments, node 1 hot-pluggable.
  const auto s = decode_fuzz_machine(std::vector<std::uint8_t>{1, 1, 1, 1, 0, 15, 0, 0, 15, 0, 1, 0, 1, 1, 0});
  ASSERT_TRUE(s.has_value());
  auto booted = run_boot(*s);
  ASSERT_TRUE(booted.ok());
  ASSERT_TRUE(booted->cmdline.movable_node);
  const BootState base = *booted;
  const std::string failure = testgen::check_cases("InvariantsEquiv/random_events_in_any_order", kCases, [&] {
    BootState st = base;
    const auto n = *rc::gen::inRange(0, 60);
    for (int k = 0; k < n; ++k) {
      const auto owner = static_cast<Owner>(*rc::gen::inRange(0, static_cast<int>(Owner::Other) + 1));
      // Starts on a coarse 2 MiB grid over [0, 2.5 GiB) so that ties and overlaps are common.
      const phys_addr_t start = static_cast<phys_addr_t>(*rc::gen::inRange(0, 1280)) * SZ_2M;
      const phys_addr_t size = *rc::gen::element<phys_addr_t>(0, PAGE_SIZE, SZ_2M, 2 * SZ_2M, SZ_1G);
      const bool inverted = *rc::gen::inRange(0, 16) == 0;
      const PhysRange r = inverted ? PhysRange{start + size, start} : PhysRange{start, start + size};
      const bool from_brk = *rc::gen::arbitrary<bool>();
      st.events.push_back(AllocEvent{owner, Phase::AfterSrat, r, NUMA_NO_NODE,
                                     EventNote(std::string(from_brk ? "1 page-table page from brk" : "test"))});
      // Now and then a run of neighbouring sections, rising or falling (memmap per section).
      if (*rc::gen::inRange(0, 8) == 0) {
        const bool falling = *rc::gen::arbitrary<bool>();
        for (int j = 1; j < 6; ++j) {
          const phys_addr_t s2 = falling ? start - static_cast<phys_addr_t>(j) * SZ_2M
                                         : start + static_cast<phys_addr_t>(j) * SZ_2M;
          if (s2 > 4 * SZ_1G) break;  // wrapped below 0
          st.events.push_back(AllocEvent{Owner::Memmap, Phase::AfterSrat, PhysRange{s2, s2 + SZ_2M}, NUMA_NO_NODE,
                                         "memmap (per section)"});
        }
      }
    }
    const std::string d = compare(st);
    if (!d.empty()) RC_FAIL(d);
  });
  EXPECT_TRUE(failure.empty()) << failure;
}

}  // namespace
}  // namespace mbv
