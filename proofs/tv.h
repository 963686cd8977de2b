// Translation validation of one concrete step of impl/memblock: Z3 checks
// that the (before, after) pair satisfies the operation's relation from
// model/z3/relations.h. Used to replay counterexamples and by the RapidCheck
// property in tests/proofs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <z3++.h>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/z3/verdict.h"

namespace mbv::proofs {

struct StepCheck {
  z3spec::Verdict verdict = z3spec::Verdict::Skipped;  // Proved = the relation holds
  std::string failed;                                  // obligation that failed
};

// True when `kind` has a relation (add, add_node, reserve, remove, phys_free,
// the flag setters, set_node).
bool has_relation(OpKind kind);

// Skipped for kinds without a relation.
StepCheck validate_step(z3::context& c, const Op& op, const Memblock& before,
                        const Memblock& after, std::int64_t ret);

// Real regions of a type (the dummy of an empty type dropped).
std::vector<MemblockRegion> real_regions(const MemblockType& t);

// Translation validation of a whole trace, e.g. for the memblock_ops fuzzer's
// translation-validation mode: runs `trace` on `start` (impl/memblock) and
// validates every step that has a relation. Steps outside the Z3 encoding are
// run but not validated (counted in `skipped`): kinds without a relation, an
// array doubling (the encoding has no resize), a recorded kernel BUG, and a
// `before` whose validated type is not well-formed (after a documented kernel
// gap, docs/spec.md). Stops at the first step that is not PROVED.
struct TraceValidation {
  std::size_t steps_run = 0;   // steps applied to the model (up to and including a failure)
  std::size_t validated = 0;   // steps Z3 proved against their relation
  std::size_t skipped = 0;
  std::optional<std::size_t> failed_step;  // index of the first step not PROVED
  std::int64_t failed_ret = 0;             // what that step returned
  StepCheck failure;                       // its verdict and obligation
  bool ok() const { return !failed_step.has_value(); }
};

TraceValidation validate_trace(z3::context& c, const Memblock& start, std::span<const Op> trace);

// One line: "step 3 memblock_remove(0x6000, 0x1000) -> 0: COUNTEREXAMPLE
// (Coverage is as specified)", or "validated 5, skipped 1" when ok.
std::string describe(const TraceValidation& tv, std::span<const Op> trace);

}  // namespace mbv::proofs
