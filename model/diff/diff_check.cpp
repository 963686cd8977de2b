#include "model/diff/diff_check.h"

#include <cstdio>
#include <filesystem>

#include "model/spec/spec.h"

namespace mbv {

Result<std::unique_ptr<DiffCheck>> DiffCheck::open_default(const std::string& exe) {
  Result<std::string> so = default_oracle_path();
  if (!so && !exe.empty()) {
    const auto beside = std::filesystem::path(exe).parent_path() / "libmbv_oracle.so";
    if (std::filesystem::exists(beside)) so = beside.string();
  }
  if (!so) return so.error();
  Result<KernelOracle> o = KernelOracle::load(*so);
  if (!o) return o.error();
  return std::make_unique<DiffCheck>(std::move(*o));
}

DiffCheck::DiffCheck(KernelOracle oracle) : oracle_(std::move(oracle)), diff_(oracle_) {}

std::optional<std::string> DiffCheck::check(std::span<const Op> trace) {
  return check(trace, static_cast<std::size_t>(-1));
}

std::optional<std::string> DiffCheck::check(std::span<const Op> trace, std::size_t region_budget) {
  // The spec judges the first kSpecSteps steps and the last one as the
  // differential run reaches them (AgreedStep: model and kernel states were
  // equal after the op, so the spec judges the kernel as much as the model),
  // on the run's own model states: the model runs once. A spec verdict is
  // reported only when the run finds no divergence, the stronger finding.
  // The last op: the trace's, or the first whose step passes the budget
  // (known once it has run; until then every state is kept as the `before`
  // of a step that may turn out to be the last).
  std::size_t n = trace.size(), walked = 0;
  const auto judged = [&](std::size_t i) { return i < kSpecSteps || i + 1 == n; };
  std::optional<std::string> verdict;
  bool stopped = false;  // a violation or a documented 6.1 gap: judge nothing after it
  before_ = Memblock();  // the state before op 0; later, before each judged op
  const auto judge = [&](std::size_t i, OpResult r, const Memblock& after) {
    if (stopped || !judged(i)) return;
    // `before_` was judged as the previous step's `after` while no step was
    // skipped, and its meaning was carried from that step.
    const bool chained = i > 0 && i <= kSpecSteps;
    const spec::StepOptions opts{.iterators = true,
                                 .before_checked = chained,
                                 .before_state = chained ? &meaning_[(i + 1) % 2] : nullptr,
                                 .after_state = &meaning_[i % 2],
                                 .iterator_memo = &law_memo_};
    std::string gap;
    if (auto v = spec::check_step(before_, trace[i], r, after, &gap, opts)) {
      verdict = "spec violation at step " + std::to_string(i + 1) + " (" + to_string(trace[i]) +
                "): " + v->to_string() + "\ntrace:\n" + trace_to_text(trace.first(i + 1));
      stopped = true;
    } else if (!gap.empty()) {
      stopped = true;
    }
  };
  const auto on_agreed = [&](std::size_t i, OpResult r, const Memblock& after) {
    walked += after.memory.cnt() + after.reserved.cnt();
    if (walked > region_budget) n = i + 1;  // this op is the last
    judge(i, r, after);
    // The state before the next op, kept while that op may be judged
    // (assignment reuses the arrays' storage).
    if (!stopped && i + 1 < n) before_ = after;
    return i + 1 == n;
  };
  if (auto d = diff_.run(trace, on_agreed)) {
    if (d->kind != DivergenceKind::KernelBug) return "model/kernel divergence\n" + d->describe();
    // Both sides hit the same kernel BUG at op_index: the last agreed step
    // is judged too; unless it was already, replay the model up to it (a
    // rare path: BUGs need nearly full arrays).
    const std::size_t last = d->op_index;
    if (!stopped && last > 0 && !judged(last - 1)) {
      Memblock mb;
      for (std::size_t i = 0; i + 1 < last; ++i) apply_op(mb, trace[i]);
      before_ = mb;
      const OpResult r = apply_op(mb, trace[last - 1]);
      std::string gap;
      if (auto v = spec::check_step(before_, trace[last - 1], r, mb, &gap))
        verdict = "spec violation at step " + std::to_string(last) + " (" + to_string(trace[last - 1]) +
                  "): " + v->to_string() + "\ntrace:\n" + trace_to_text(trace.first(last));
    }
  }
  return verdict;
}

}  // namespace mbv
