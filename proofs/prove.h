// `mbverify prove` as a library call: select theorems, run them on J threads
// (each with its own z3::context), and map the verdicts to one exit code.
#pragma once

#include <string>
#include <vector>

#include "impl/common/result.h"
#include "proofs/run.h"

namespace mbv::proofs {

struct ProveOptions {
  std::vector<std::string> theorems;  // empty = the default set
  unsigned bound = 0;                 // 0 = each theorem's default bound
  unsigned timeout_s = 60;            // per solver query
  unsigned jobs = 1;
  std::string out_dir = "counterexamples";  // reproducers ("" = do not write)
  Mutant mutant = Mutant::None;
  bool minimize = true;
};

struct ProveReport {
  std::vector<Outcome> outcomes;  // registry order
  double seconds = 0;             // wall clock
  unsigned count(Verdict v) const;
  // 0 every verdict as expected; 1 an unexpected COUNTEREXAMPLE or PROVED;
  // 2 unknown / timeout / invalid (never counted as PROVED).
  int exit_code() const;
};

// Error (bad input) for an unknown theorem name.
Result<ProveReport> prove(const ProveOptions& opts);

}  // namespace mbv::proofs
