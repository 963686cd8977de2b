// The executable spec over a whole op trace, step after step from an empty
// memblock: the memblock_ops fuzzer's property and what `mbverify replay`
// tells about a .trace. One implementation, so a fuzzer finding replays to
// the same verdict at the same step.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/law_memo.h"
#include "model/spec/spec_state.h"
#include "model/spec/violation.h"

namespace mbv::spec {

// How a trace ended under the spec.
struct TraceVerdict {
  std::size_t steps = 0;               // ops run; the last is the violating or gap op, if any
  std::optional<Violation> violation;  // the first step that broke a law
  std::string gap;                     // a documented Linux 6.1 gap the last op hit (docs/spec.md)
  OpResult last_result;                // what the last op run returned

  bool holds() const { return !violation.has_value(); }
  // "spec violation at step N (op -> result): law: detail" and the trace up
  // to that step; empty when the trace holds. N counts from 1.
  std::string report(std::span<const Op> trace) const;
};

class TraceCheck {
 public:
  // Runs `trace` on the model and checks every relation of every step
  // (check_step with the iterator laws) until a violation, a documented gap
  // or the end. The trace is cut once its steps have held region_budget
  // regions in all (memory.cnt + reserved.cnt after each op, summed; the op
  // that passes the budget is the last one run), so the cut depends on the
  // trace alone and a finding replays exactly.
  TraceVerdict run(std::span<const Op> trace,
                   std::size_t region_budget = std::numeric_limits<std::size_t>::max());
  // The model state after the last op run.
  const Memblock& last_state() const { return mb_; }

 private:
  // Scratch reused from trace to trace: two states swapped each step
  // (assignment reuses the region vectors' storage) and the meanings carried
  // from one step's after to the next step's before.
  Memblock before_, mb_;
  SpecState meaning_[2];
  // States whose iterator laws held, kept across traces: a fuzzer's
  // mutations rebuild the same states step after step (law_memo.h). A
  // failing state is never recorded, so a finding replays alone as it failed.
  LawMemo memo_;
};

}  // namespace mbv::spec
