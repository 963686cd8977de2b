// A theorem: a statement over the Z3 spec, its bound, policy, expected
// verdict and a one-line why, plus a builder that turns (bound, mutant) into
// preconditions and a list of named obligations. Obligations are checked the
// Alive2 way: each in a fresh solver as "pre and not goal", stopping at the
// first answer that is not UNSAT; trivially true ones are counted, not sent.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "model/z3/ops.h"
#include "model/z3/verdict.h"

namespace mbv::proofs {

using z3spec::Mutant;
using z3spec::Verdict;

struct Obligation {
  std::string name;  // a fixed sentence, e.g. "Coverage is as specified"
  z3::expr goal;     // must hold whenever the preconditions hold
  // A lemma over its own fresh variables, valid for every value: checked
  // without the theorem's preconditions (which only slow the solver down).
  // Later obligations use its instances as hypotheses.
  bool lemma = false;
  // An auxiliary hint (e.g. one step of an induction over the slots): checked
  // under the preconditions and every hint proven before it; once UNSAT it
  // becomes a hypothesis of every later obligation. A hint that is not proven
  // (a mutant breaks the induction, a timeout) is dropped: it never decides
  // the verdict, the later obligations are then checked without it.
  bool hint = false;
  // Hints of one induction share a chain name: after one is dropped, the
  // rest of its chain is skipped (each step needs the one before it).
  std::string chain;
  // For a hint that is a lemma over fresh constants, `implies(premises,
  // conclusion)` (an induction step with the neighbour's terms abstracted, so
  // the query sees one slot and its neighbour only): its instance is the goal
  // with each fresh constant (first) replaced by its term (second); the
  // constants must not occur in the preconditions. An instance of a valid
  // lemma is valid. When every premise of the instance (its conjuncts) is
  // already established (a conjunct of the preconditions or of a hint proved
  // before), the runner adds the conclusion as a hypothesis (modus ponens);
  // otherwise the instance itself.
  std::vector<std::pair<z3::expr, z3::expr>> instance;
};

// What a counterexample becomes.
struct Witness {
  std::string example;           // inputs, before/after, dmesg-style "[mem ...]"
  std::string reproducer;        // the replayable file's text
  std::string extension;         // ".trace", ".machine", ".scenario"
  // Replay on the reference model: nullopt = not replayable by design;
  // true = the violation shows there too; false = it does not (spec/model bug).
  std::optional<bool> replays;
  std::string replay_note;
};

struct ProofBody {
  z3::expr pre;                       // preconditions (must be satisfiable)
  std::vector<Obligation> obligations;
  // Objectives for counterexample minimisation, most important first
  // (unsigned bit-vectors to minimise).
  std::vector<z3::expr> minimize;
  // Extra soft "roundness" constraints tried greedily before minimising.
  std::vector<z3::expr> round;
  std::function<Witness(const z3::model&, const std::string& obligation)> witness;
};

struct TheoremDef {
  std::string name;
  std::string statement;
  std::string policy;       // "memblock", "linux-6.1", "srat-first", ...
  std::string why;          // one line: why this verdict is expected
  std::string bound_unit;   // what the bound counts ("regions per type", "nodes")
  unsigned default_bound;   // `mbverify prove` default
  unsigned ci_bound;        // small bound for the sanitized CI tests
  Verdict expected;
  // Part of the default `mbverify prove` set (which must finish in under 2
  // minutes on 2 cores). Theorems left out still run with --theorem NAME.
  bool default_set = true;
  std::vector<Mutant> mutants;  // variants that must turn PROVED into COUNTEREXAMPLE
  std::function<ProofBody(z3::context&, unsigned bound, Mutant)> build;
};

// Every theorem, in a stable order. One factory per proofs/<theorem>.cpp.
std::vector<TheoremDef> all_theorems();
// The theorem called `name`, if any.
std::optional<TheoremDef> find_theorem(const std::string& name);

}  // namespace mbv::proofs
