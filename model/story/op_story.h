// Scenarios that carry a memblock operation counterexample (a Z3 witness from
// the proofs/ op theorems, written by scenario_from_op_counterexample): their
// finding is a `memblock-spec` finding, and they are judged on their ops
// section alone. The ops run on a fresh Memblock, each step checked against
// the executable specification (model/spec check_step). The section starts by
// emptying memblock, so this is the state the same ops see after
// e820__memblock_setup in a boot.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "impl/scenario/scenario.h"

namespace mbv {

// The finding of a memblock-spec scenario names it.
bool is_op_scenario(const Scenario& s);

// How one op runs: apply_op, or a planted mutant in tests.
using OpStep = std::function<OpResult(Memblock&, const Op&)>;

struct OpJudgement {
  // property memblock-spec, policy memblock, owner = the kernel function of
  // the first op that breaks the spec, nodes = the broken rule as a slug
  // ("meaning-memory", "i3-maximal"); nullopt: every step meets the spec.
  std::optional<ViolationSignature> signature;
  std::size_t op_index = 0;  // the first violating op
  std::string violation;     // model/spec's line for it
  std::string text;          // the replay account
};

OpJudgement judge_op_scenario(const Scenario& s, const OpStep& step = nullptr);

}  // namespace mbv
