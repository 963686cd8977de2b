// Every theorem at its small CI bound: the expected verdict, satisfiable
// preconditions (a PROVED under false preconditions is reported INVALID by
// the runner), and every deliberately broken variant turns PROVED into
// COUNTEREXAMPLE. Also: counterexamples of the boot theorems are small and
// written as scenario files; a mutant's counterexample does not replay on
// impl/memblock (the reference model is right, the mutant is not).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/scenario/scenario.h"
#include "model/shrink/signature.h"
#include "proofs/prove.h"
#include "proofs/run.h"
#include "proofs/theorem.h"
#include "model/z3/state.h"
#include "model/z3/vocab.h"

namespace mbv::proofs {
namespace {

RunOptions ci(const TheoremDef& t, Mutant m = Mutant::None) {
  RunOptions o;
  o.bound = t.ci_bound;
  o.timeout_ms = 180000;  // generous: a deadline hit under a loaded CI runner would read as UNKNOWN
  o.mutant = m;
  o.minimize = false;
  return o;
}

class Theorem : public ::testing::TestWithParam<TheoremDef> {};

TEST_P(Theorem, ExpectedVerdictAtCiBound) {
  const TheoremDef& t = GetParam();
  if (!t.default_set) GTEST_SKIP() << t.name << " is outside the default set (times out)";
  Outcome o = run_theorem(t, ci(t));
  EXPECT_EQ(z3spec::verdict_name(o.verdict), z3spec::verdict_name(t.expected))
      << o.failed_obligation << " " << o.reason;
  EXPECT_GT(o.stats.queries + o.stats.trivial, 0u) << "no solver call: a verdict without Z3";
}

TEST_P(Theorem, PreconditionsSatisfiable) {
  const TheoremDef& t = GetParam();
  z3::context c;
  ProofBody body = t.build(c, t.ci_bound, Mutant::None);
  z3spec::SolverStats s;
  auto r = z3spec::check(c, body.pre, z3spec::CheckOptions{60000}, s);
  EXPECT_EQ(r.verdict, Verdict::Counterexample) << "preconditions are not satisfiable";
}

TEST_P(Theorem, MutantsAreCaught) {
  const TheoremDef& t = GetParam();
  // Theorems outside the default set time out at their CI bound under
  // sanitizers, and a mutant run that times out proves nothing either way.
  if (!t.default_set) GTEST_SKIP() << t.name << " is outside the default set (times out)";
  for (Mutant m : t.mutants) {
    Outcome o = run_theorem(t, ci(t, m));
    EXPECT_EQ(o.verdict, Verdict::Counterexample)
        << t.name << " did not catch mutant " << z3spec::mutant_name(m);
    ASSERT_TRUE(o.witness.has_value());
    if (o.witness->replays.has_value())
      EXPECT_FALSE(*o.witness->replays)
          << "a mutant's counterexample replayed on impl/memblock: " << o.witness->replay_note;
  }
}

std::string theorem_name(const ::testing::TestParamInfo<TheoremDef>& i) { return i.param.name; }

INSTANTIATE_TEST_SUITE_P(All, Theorem, ::testing::ValuesIn(all_theorems()), theorem_name);

TEST(BootPgtable, Linux61CounterexampleIsTheKnownGap) {
  auto t = find_theorem("boot_pgtable_linux_6_1");
  ASSERT_TRUE(t);
  RunOptions o = ci(*t);
  o.minimize = true;
  o.reproducer_dir = (std::filesystem::temp_directory_path() / "mbv-proofs-test").string();
  Outcome r = run_theorem(*t, o);
  ASSERT_EQ(r.verdict, Verdict::Counterexample);
  ASSERT_FALSE(r.reproducer_path.empty());
  std::ifstream in(r.reproducer_path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto sc = read_scenario(ss.str(), r.reproducer_path);
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  // Minimal: one immovable node holding the kernel at its very end, one
  // hotplug node above it, both one 128M memory section.
  ASSERT_EQ(sc->srat.mem.size(), 2u);
  EXPECT_EQ(sc->srat.mem[0].flags, 1u);
  EXPECT_EQ(sc->srat.mem[1].flags, 3u);
  EXPECT_EQ(sc->srat.mem[0].length, 128 * SZ_1M);
  EXPECT_EQ(sc->srat.mem[1].length, 128 * SZ_1M);
  ASSERT_TRUE(sc->kernel.at.has_value());
  EXPECT_EQ(*sc->kernel.at + sc->kernel.size, sc->srat.mem[1].base);
  EXPECT_EQ(sc->cmdline, "movable_node debug_pagealloc=on");
  EXPECT_EQ(sc->policy, "linux-6.1");
  // The counterexample replays through the boot pipeline (what `mbverify boot`
  // runs) and shows the same spill: direct-map page tables from an immovable
  // node's kernel into the hot-pluggable node, as a 6.1 finding.
  auto j = judge_scenario(*sc, "hotplug-safety");
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  EXPECT_FALSE(j->panicked);
  ASSERT_TRUE(j->signature.has_value());
  // The kernel ends exactly where the hot-pluggable node begins, so the spilled
  // run touches only that node. The file declares the same signature.
  EXPECT_EQ(signature_string(*j->signature),
            "hotplug-safety/linux-6.1/direct-map-pgtable/hotplug");
  ASSERT_TRUE(sc->finding.has_value());
  EXPECT_EQ(signature_string(*sc->finding), signature_string(*j->signature));
  EXPECT_EQ(expected_verdict_of(*j), ExpectedVerdict::Finding);
}

// Counterexample minimisation is bounded by Z3's rlimit, not a clock (and no
// thread interrupts z3::optimize): two runs write the same witness however
// loaded the machine is.
TEST(Minimise, SameWitnessEveryRun) {
  auto t = find_theorem("remove_meets_relation");
  ASSERT_TRUE(t.has_value());
  RunOptions o = ci(*t, Mutant::RemoveKeepsLast);
  o.minimize = true;
  const Outcome a = run_theorem(*t, o);
  const Outcome b = run_theorem(*t, o);
  ASSERT_EQ(a.verdict, Verdict::Counterexample) << a.reason;
  ASSERT_TRUE(a.witness.has_value() && b.witness.has_value());
  EXPECT_EQ(a.witness->reproducer, b.witness->reproducer);
}

// The merge theorem's induction hints: at a small bound every step lemma is
// proved and every instance fires by modus ponens (otherwise the N=64 bound
// falls back to the slow unhinted queries; a broken hint never shows as a
// wrong verdict, so only this test sees it).
TEST(MergeHints, EveryStepProvedAndChained) {
  auto t = find_theorem("merge_keeps_attributes");
  ASSERT_TRUE(t.has_value());
  RunOptions o = ci(*t);
  o.bound = 6;
  Outcome r = run_theorem(*t, o);
  EXPECT_EQ(r.verdict, Verdict::Proved) << r.failed_obligation << " " << r.reason;
  EXPECT_EQ(r.hints, 2 * 6 + 1u);
  EXPECT_EQ(r.hints_proved, r.hints);
  EXPECT_EQ(r.hints_chained, 2 * 6u);
  EXPECT_EQ(r.checked, r.obligations);
}

// A mutant breaks the induction: its hints are dropped, and the verdict
// still comes from the theorem's own obligations (a real counterexample,
// which does not replay on impl/memblock).
TEST(MergeHints, DroppedHintsNeverDecideTheVerdict) {
  auto t = find_theorem("merge_keeps_attributes");
  ASSERT_TRUE(t.has_value());
  for (Mutant m : {Mutant::MergeIgnoresNid, Mutant::MergeIgnoresFlags}) {
    RunOptions o = ci(*t, m);
    o.bound = 6;
    Outcome r = run_theorem(*t, o);
    EXPECT_EQ(r.verdict, Verdict::Counterexample) << z3spec::mutant_name(m);
    EXPECT_LT(r.hints_proved, r.hints) << z3spec::mutant_name(m);
    EXPECT_NE(r.failed_obligation.rfind("hint", 0), 0u) << r.failed_obligation;
    ASSERT_TRUE(r.witness.has_value());
    ASSERT_TRUE(r.witness->replays.has_value());
    EXPECT_FALSE(*r.witness->replays) << r.witness->replay_note;
  }
}

// Every pair of live slots of a gathered array, as the encoding stated it
// before the linear scans.
z3::expr pairwise_well_formed(const z3spec::SymType& t) {
  z3::expr f = t.ctx().bool_val(true);
  for (unsigned i = 0; i < t.slots(); ++i) {
    const auto& x = t.r[i];
    f = f && z3::implies(t.live(i), z3spec::lt(x.base, x.end()) && z3spec::addr_in_range(x.base) &&
                                        z3spec::addr_in_range(x.end()));
    for (unsigned j = i + 1; j < t.slots(); ++j)
      f = f && z3::implies(t.live(i) && t.live(j), z3spec::le(x.end(), t.r[j].base));
  }
  return f;
}

z3::expr pairwise_maximal(const z3spec::SymType& t) {
  z3::expr f = t.ctx().bool_val(true);
  for (unsigned i = 0; i < t.slots(); ++i)
    for (unsigned j = i + 1; j < t.slots(); ++j) {
      const auto& x = t.r[i];
      const auto& y = t.r[j];
      f = f && z3::implies(t.live(i) && t.live(j),
                           !(x.end() == y.base && x.nid == y.nid && x.flags == y.flags));
    }
  return f;
}

// The suffix-scan well_formed / maximal of a gathered array (any live bits)
// state exactly what the pairwise formulas stated: proved by Z3 for 6 slots.
TEST(Encoding, LinearScansMeanThePairwiseStatement) {
  z3::context c;
  z3spec::SymType fresh = z3spec::fresh_type(c, "g", 6, 128, z3spec::AddrSort::Int);
  std::vector<z3spec::SymSlot> slots;
  for (unsigned i = 0; i < 6; ++i)
    slots.push_back({c.bool_const(("live" + std::to_string(i)).c_str()), fresh.r[i]});
  z3spec::SymType g = z3spec::gather(c, slots, 128);
  z3spec::SolverStats st;
  z3spec::CheckOptions o{60000};
  auto wf = z3spec::check(c, z3spec::well_formed(g) != pairwise_well_formed(g), o, st);
  EXPECT_EQ(wf.verdict, Verdict::Proved);
  auto mx = z3spec::check(
      c, z3spec::well_formed(g) && z3spec::maximal(g) != pairwise_maximal(g), o, st);
  EXPECT_EQ(mx.verdict, Verdict::Proved);
  // and the scan does look past dead slots: a live pair around a dead slot
  auto bad = z3spec::check(c, z3spec::well_formed(g) && slots[0].valid && !slots[1].valid &&
                                  slots[2].valid && z3spec::gt(g.r[0].end(), g.r[2].base),
                           o, st);
  EXPECT_EQ(bad.verdict, Verdict::Proved);
}

TEST(Prove, UnknownTheoremIsAnInputError) {
  ProveOptions o;
  o.theorems = {"no_such_theorem"};
  auto r = prove(o);
  EXPECT_FALSE(r.ok());
}

TEST(Prove, ExitCodeCarriesTheVerdict) {
  ProveReport r;
  Outcome ok;
  ok.verdict = ok.expected = Verdict::Proved;
  r.outcomes = {ok};
  EXPECT_EQ(r.exit_code(), 0);
  Outcome timeout = ok;
  timeout.verdict = Verdict::UnknownTimeout;
  r.outcomes = {ok, timeout};
  EXPECT_EQ(r.exit_code(), 2);
  Outcome cex = ok;
  cex.verdict = Verdict::Counterexample;
  r.outcomes = {ok, timeout, cex};
  EXPECT_EQ(r.exit_code(), 1);
  Outcome unexpected_proof;
  unexpected_proof.verdict = Verdict::Proved;
  unexpected_proof.expected = Verdict::Counterexample;
  r.outcomes = {unexpected_proof};
  EXPECT_EQ(r.exit_code(), 1);
}

}  // namespace
}  // namespace mbv::proofs
