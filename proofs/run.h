// Running one theorem: vacuity check, obligations one by one, counterexample
// minimisation and the reproducer file.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/z3/verdict.h"
#include "proofs/theorem.h"

namespace mbv::proofs {

struct RunOptions {
  unsigned bound = 0;                  // 0 = the theorem's default bound
  unsigned timeout_ms = 60000;         // per solver query
  Mutant mutant = Mutant::None;
  bool minimize = true;                // minimise counterexamples with z3::optimize
  unsigned minimize_rlimit = 4000000;    // Z3 resource units per optimize check (see run.cpp)
  std::string reproducer_dir;          // where to write reproducers ("" = nowhere)
};

struct Outcome {
  std::string theorem;
  unsigned bound = 0;
  Verdict verdict = Verdict::Skipped;
  Verdict expected = Verdict::Proved;
  std::string reason;                  // unknown/invalid reason
  std::string failed_obligation;       // first obligation that was not UNSAT
  unsigned obligations = 0;            // obligations in the theorem
  unsigned checked = 0;                // obligations answered UNSAT (incl. trivial)
  unsigned hints = 0;                  // hints in the theorem (not counted in obligations)
  unsigned hints_proved = 0;           // hints answered UNSAT (the others were dropped)
  unsigned hints_chained = 0;          // instance hints whose premises were all established
  std::optional<Witness> witness;
  std::string reproducer_path;         // file written, if any
  double seconds = 0;
  double minimize_seconds = 0;
  // wall seconds of each obligation that was checked, in order (bench/proofs)
  std::vector<std::pair<std::string, double>> obligation_seconds;
  z3spec::SolverStats stats;

  bool as_expected() const { return verdict == expected; }
};

Outcome run_theorem(const TheoremDef& def, const RunOptions& opts);

// The fixed counterexample layout: obligation, "Example:", before/after,
// reproducer path.
std::string format_counterexample(const Outcome& o);

}  // namespace mbv::proofs
