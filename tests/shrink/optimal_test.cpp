// `mbverify shrink --optimal` underneath: Z3's smallest machine for a
// signature (proofs/optimal_boot.h) must replay through impl/boot with that
// signature, be no larger than what the domain shrinker finds, and the
// properties without a Z3 encoding must say so.
#include <gtest/gtest.h>

#include <filesystem>

#include "model/shrink/reproducer.h"
#include "model/shrink/shrink.h"
#include "proofs/optimal_boot.h"
#include "tests/shrink/shrink_support.h"

namespace mbv {
namespace {

using proofs::OptimalStatus;

// Z3's machine for `want`, replayed: the signature and verdict class the
// pipeline reports must be `want` and `verdict`.
proofs::OptimalResult optimal_replaying(const ViolationSignature& want, InvariantVerdict verdict) {
  const proofs::OptimalResult r = proofs::optimal_boot_machine(want);
  EXPECT_EQ(r.status, OptimalStatus::Found) << r.reason;
  if (r.status != OptimalStatus::Found) return r;
  std::printf("%s: %.2f s\n%s%s", signature_string(want).c_str(), r.seconds, r.example.c_str(),
              write_scenario(r.machine).c_str());
  auto j = judge_scenario(r.machine, want.property);
  EXPECT_TRUE(j.ok()) << j.error().to_string();
  if (!j.ok()) return r;
  EXPECT_EQ(j->signature, std::optional<ViolationSignature>(want));
  EXPECT_EQ(j->property_verdict, verdict);
  EXPECT_LE(r.machine.srat.mem.size(), 2u);
  EXPECT_LE(test::ram_entries(r.machine), 2u);
  return r;
}

std::uint64_t objective(const proofs::OptimalResult& r, std::size_t i) {
  return i < r.optimum.size() ? r.optimum[i].value : ~std::uint64_t{0};
}

// The classic 6.1 spill where the kernel ends at the node boundary: two
// nodes, 256 MiB of RAM (128 MiB sections), a 2 MiB kernel ending at 128M.
TEST(Optimal, linux_61_hotplug_spill_replays) {
  const ViolationSignature want{"hotplug-safety", "linux-6.1", "direct-map-pgtable", "hotplug"};
  const auto r = optimal_replaying(want, InvariantVerdict::Finding);
  ASSERT_EQ(r.status, OptimalStatus::Found);
  EXPECT_EQ(objective(r, 0), 2u);                 // nodes
  EXPECT_EQ(objective(r, 1), 256ull << 20);       // RAM end
  EXPECT_EQ(objective(r, 2), SZ_2M);              // kernel image
  ASSERT_TRUE(r.machine.kernel.at);
  EXPECT_EQ(*r.machine.kernel.at + r.machine.kernel.size, 128ull << 20);
}

// The spill whose page-table run starts in the kernel's node and crosses
// into the hot-pluggable one (the hand-written spill-2node's signature).
TEST(Optimal, linux_61_immovable_to_hotplug_spill_replays) {
  const ViolationSignature want{"hotplug-safety", "linux-6.1", "direct-map-pgtable", "immovable->hotplug"};
  const auto r = optimal_replaying(want, InvariantVerdict::Finding);
  EXPECT_EQ(objective(r, 0), 2u);
  EXPECT_EQ(objective(r, 1), 256ull << 20);
}

TEST(Optimal, bottom_up_2013_spill_replays) {
  const ViolationSignature want{"hotplug-safety", "bottom-up-2013", "direct-map-pgtable", "hotplug"};
  const auto r = optimal_replaying(want, InvariantVerdict::Finding);
  EXPECT_EQ(r.machine.policy, "bottom-up-2013");
}

// srat-first guarantees the property and the boot_pgtable_srat_first theorem
// proves it: there is no machine to find.
TEST(Optimal, srat_first_has_no_machine) {
  const ViolationSignature want{"hotplug-safety", "srat-first", "direct-map-pgtable", "hotplug"};
  const auto r = proofs::optimal_boot_machine(want);
  EXPECT_EQ(r.status, OptimalStatus::NoMachine) << r.reason;
}

// Starting from a real finding: the committed, shrunk fuzzer spill. Z3's
// machine has the same signature, no more SRAT memory entries and at most
// two e820 RAM entries (the concretisation writes RAM around the legacy hole).
TEST(Optimal, from_the_fuzzer_spill) {
  auto sc = load_reproducer(std::string(MBV_SOURCE_DIR) + "/corpus/regressions/0001-linux61-pgtable-in-hotplug.scenario");
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  auto j = judge_scenario(*sc, "hotplug-safety");
  ASSERT_TRUE(j.ok() && j->signature);
  ASSERT_FALSE(proofs::optimal_unsupported(*j->signature));
  const auto r = optimal_replaying(*j->signature, j->property_verdict);
  ASSERT_EQ(r.status, OptimalStatus::Found);
  EXPECT_LE(r.machine.srat.mem.size(), sc->srat.mem.size());
}

TEST(Optimal, unencoded_properties_say_so) {
  for (const ViolationSignature& s :
       {ViolationSignature{"hotplug-safety", "linux-6.1", "node-data", "hotplug"},
        ViolationSignature{"hot-remove-feasible", "linux-6.1", "direct-map-pgtable", "hotplug"},
        ViolationSignature{"hotplug-safety", "linux-5.0", "direct-map-pgtable", "hotplug"},
        ViolationSignature{"hotplug-safety", "linux-6.1", "direct-map-pgtable", "none->hotplug"}}) {
    const auto why = proofs::optimal_unsupported(s);
    ASSERT_TRUE(why) << signature_string(s);
    EXPECT_NE(why->find("no Z3 encoding for " + signature_string(s)), std::string::npos) << *why;
    EXPECT_EQ(why->find('\n'), std::string::npos);
  }
  EXPECT_FALSE(proofs::optimal_unsupported(
      ViolationSignature{"hotplug-safety", "srat-first", "direct-map-pgtable", "immovable->hotplug"}));
}

}  // namespace
}  // namespace mbv
