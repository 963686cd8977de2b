#include "model/spec/trace_check.h"

#include "model/spec/step_checks.h"

namespace mbv::spec {

std::string TraceVerdict::report(std::span<const Op> trace) const {
  if (!violation || steps == 0 || steps > trace.size()) return "";
  const Op& op = trace[steps - 1];
  return "spec violation at step " + std::to_string(steps) + " (" + to_string(op) + " -> " +
         std::to_string(last_result.value) + "): " + violation->to_string() + "\ntrace:\n" +
         trace_to_text(trace.first(steps));
}

TraceVerdict TraceCheck::run(std::span<const Op> trace, std::size_t region_budget) {
  TraceVerdict out;
  mb_ = Memblock();
  std::size_t walked = 0;
  for (std::size_t i = 0; i < trace.size() && walked <= region_budget; ++i) {
    before_ = mb_;
    out.last_result = apply_op(mb_, trace[i]);
    out.steps = i + 1;
    // `before_` is the previous step's checked after, and its meaning is
    // carried from that step.
    const StepOptions opts{.iterators = true,
                           .before_checked = i > 0,
                           .before_state = i > 0 ? &meaning_[(i + 1) % 2] : nullptr,
                           .after_state = &meaning_[i % 2],
                           .iterator_memo = &memo_};
    out.violation = check_step(before_, trace[i], out.last_result, mb_, &out.gap, opts);
    // After a violation or a gap nothing is judged: what follows is outside the spec.
    if (out.violation || !out.gap.empty()) break;
    walked += mb_.memory.cnt() + mb_.reserved.cnt();
  }
  return out;
}

}  // namespace mbv::spec
