// Z3 memblock counterexamples become scenario files (an ops section, a
// memblock-spec finding) that replay step by step against model/spec. The
// Z3 side runs a mutant (proofs/: a counterexample only exists for one); the
// correct reference model must not show it, and a reference model with the
// same bug planted must show it at the theorem's operation.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/shrink/reproducer.h"
#include "model/story/op_story.h"
#include "model/story/story.h"
#include "proofs/run.h"

namespace mbv {
namespace {

// The witness of remove_meets_relation against the RemoveKeepsLast mutant,
// as the scenario text the proofs' reproducer writer should produce.
Scenario remove_counterexample() {
  auto def = proofs::find_theorem("remove_meets_relation");
  EXPECT_TRUE(def.has_value());
  if (!def) return {};
  proofs::RunOptions ro;
  ro.bound = def->ci_bound;
  ro.mutant = z3spec::Mutant::RemoveKeepsLast;
  const proofs::Outcome o = proofs::run_theorem(*def, ro);
  EXPECT_EQ(o.verdict, z3spec::Verdict::Counterexample) << o.reason;
  EXPECT_TRUE(o.witness.has_value());
  if (!o.witness) return {};
  // The proofs write an operation's counterexample as a scenario (ops section).
  EXPECT_EQ(o.witness->extension, ".scenario");
  std::printf("%s", o.witness->reproducer.c_str());
  auto sc = read_scenario(o.witness->reproducer, "z3.scenario");
  EXPECT_TRUE(sc.ok()) << sc.error().to_string();
  if (!sc.ok()) return {};
  // The ops after the two emptying ones (remove and free everything) are the
  // witness's trace.
  EXPECT_GE(sc->ops.size(), 2u);
  if (sc->ops.size() < 2) return {};
  const OpTrace trace(sc->ops.begin() + 2, sc->ops.end());
  EXPECT_EQ(write_scenario(*sc), write_scenario(scenario_from_op_counterexample(trace, sc->name)));
  return *sc;
}

// The mutant's bug, planted in the reference model: memblock_remove puts the
// last removed piece back.
OpResult remove_keeps_last(Memblock& m, const Op& op) {
  if (op.kind != OpKind::Remove) return apply_op(m, op);
  const Memblock before = m;
  const OpResult r = apply_op(m, op);
  const phys_addr_t end = op.a + std::min(op.b, PHYS_ADDR_MAX - op.a);
  std::optional<MemblockRegion> last;
  for (const MemblockRegion& g : before.memory.regions)
    if (g.size && g.base < end && op.a < g.base + g.size) last = g;
  if (last) {
    const phys_addr_t lo = std::max(last->base, op.a), hi = std::min(last->base + last->size, end);
    Op back{OpKind::AddNode, lo, hi - lo};
    back.nid = last->nid;
    back.flags = last->flags;
    (void)apply_op(m, back);
  }
  return r;
}

TEST(OpCounterexample, scenario_declares_the_theorem_operation) {
  const Scenario s = remove_counterexample();
  ASSERT_TRUE(is_op_scenario(s));
  ASSERT_GE(s.ops.size(), 3u);
  EXPECT_EQ(s.ops[0].kind, OpKind::Remove);  // memblock emptied first
  EXPECT_EQ(s.ops[1].kind, OpKind::PhysFree);
  EXPECT_EQ(s.ops.back().kind, OpKind::Remove);
  EXPECT_EQ(s.finding->owner, "memblock_remove");
  EXPECT_EQ(s.expect, ExpectedVerdict::Failure);
}

// The reference model is right where the mutant is wrong: the replay shows
// no violation, as the proofs' own replay (Witness::replays == false) says.
TEST(OpCounterexample, correct_model_does_not_replay_the_mutant) {
  const Scenario s = remove_counterexample();
  const OpJudgement j = judge_op_scenario(s);
  EXPECT_FALSE(j.signature.has_value()) << j.text;
  auto story = tell_story(s);
  ASSERT_TRUE(story.ok());
  EXPECT_FALSE(story->signature_as_declared);
  EXPECT_NE(story->text.find("every step meets the specification"), std::string::npos) << story->text;
}

// With the bug planted, the scenario shows it at the last op, with the
// declared signature.
TEST(OpCounterexample, planted_bug_replays_at_the_operation) {
  const Scenario s = remove_counterexample();
  const OpJudgement j = judge_op_scenario(s, remove_keeps_last);
  ASSERT_TRUE(j.signature.has_value()) << j.text;
  EXPECT_EQ(j.op_index + 1, s.ops.size()) << j.text;
  EXPECT_EQ(j.signature->property, "memblock-spec");
  EXPECT_EQ(j.signature->owner, s.finding->owner);
  EXPECT_EQ(j.signature->policy, s.finding->policy);
  EXPECT_NE(j.text.find("FAILURE"), std::string::npos);
  std::printf("%s", j.text.c_str());
}

}  // namespace
}  // namespace mbv
