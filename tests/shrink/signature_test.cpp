// Violation signatures: text form, and what a boot of a known machine yields.
#include <gtest/gtest.h>

#include "model/shrink/reproducer.h"
#include "model/shrink/signature.h"
#include "tests/shrink/shrink_support.h"

namespace mbv {
namespace {

TEST(Signature, string_round_trip) {
  const ViolationSignature s{"hotplug-safety", "linux-6.1", "direct-map-pgtable", "immovable->hotplug"};
  EXPECT_EQ(signature_string(s), "hotplug-safety/linux-6.1/direct-map-pgtable/immovable->hotplug");
  EXPECT_EQ(parse_signature(signature_string(s)), s);
  const ViolationSignature empty_parts{"direct-map", "srat-first", "", ""};
  EXPECT_EQ(parse_signature("direct-map/srat-first//"), empty_parts);
}

TEST(Signature, parse_rejects_malformed) {
  EXPECT_FALSE(parse_signature(""));
  EXPECT_FALSE(parse_signature("a/b/c"));
  EXPECT_FALSE(parse_signature("/linux-6.1/x/y"));
  EXPECT_FALSE(parse_signature("a/b/c/d/e"));
}

// The hand-written spill machine boots to the signature it declares.
TEST(Signature, spill_machine_matches_its_declaration) {
  const Scenario s = test::corpus_machine("spill-2node.scenario");
  auto j = judge_scenario(s);
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  ASSERT_TRUE(j->signature);
  ASSERT_TRUE(s.finding);
  EXPECT_EQ(*j->signature, *s.finding);
  EXPECT_EQ(j->property_verdict, InvariantVerdict::Finding);
  EXPECT_EQ(expected_verdict_of(*j), ExpectedVerdict::Finding);
}

// The same machine under srat-first: the page tables stay out of node 1.
TEST(Signature, spill_machine_is_safe_under_srat_first) {
  Scenario s = test::corpus_machine("spill-2node.scenario");
  s.policy = "srat-first";
  auto j = judge_scenario(s, "hotplug-safety");
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  EXPECT_FALSE(j->signature);
}

TEST(Reproducer, kind_from_content) {
  EXPECT_EQ(reproducer_kind("mbverify-scenario 1\n", "x"), ReproducerKind::Scenario);
  EXPECT_EQ(reproducer_kind("[    0.000000] BIOS-e820: [mem 0x0-0xfff] usable\n", "log"),
            ReproducerKind::DmesgLog);
  EXPECT_EQ(reproducer_kind("# header\nmemblock_reserve(0x1000, 0x2000)\n", "t"), ReproducerKind::Trace);
  EXPECT_EQ(reproducer_kind("", "a.trace"), ReproducerKind::Trace);
}

TEST(Reproducer, regression_numbering_and_comments) {
  const auto dir = std::filesystem::temp_directory_path() / "mbv-shrink-regress-test";
  std::filesystem::remove_all(dir);
  EXPECT_EQ(next_regression_number(dir.string()), 1);
  Scenario s = test::corpus_machine("spill-2node.scenario");
  auto p1 = emit_regression(s, dir.string(), "spill", {"first"});
  ASSERT_TRUE(p1.ok()) << p1.error().to_string();
  EXPECT_EQ(std::filesystem::path(*p1).filename(), "0001-spill.scenario");
  auto p2 = emit_regression(s, dir.string(), "spill-again", {});
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(std::filesystem::path(*p2).filename(), "0002-spill-again.scenario");
  auto back = load_scenario(*p1);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  Scenario want = s;
  want.name = "0001-spill";
  EXPECT_EQ(*back, want);
  EXPECT_FALSE(emit_regression(s, dir.string(), "bad name", {}).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mbv
