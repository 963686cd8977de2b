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
