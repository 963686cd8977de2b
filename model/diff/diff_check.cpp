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
  std::size_t agreed = trace.size();
  if (auto d = diff_.run(trace)) {
    if (d->kind != DivergenceKind::KernelBug) return "model/kernel divergence\n" + d->describe();
    agreed = d->op_index;  // the ops before the BUG
  }
  // Model and kernel states were equal after each of these steps, so the
  // spec judges the kernel as much as the model.
  Memblock before, mb;
  for (std::size_t i = 0; i < agreed; ++i) {
    if (i >= kSpecSteps && i + 1 != agreed) {
      apply_op(mb, trace[i]);
      continue;
    }
    before = mb;  // assignment reuses the region arrays' storage
    const OpResult r = apply_op(mb, trace[i]);
    std::string gap;
    // `before` was judged as the previous step's `after` while no step was skipped.
    const spec::StepOptions opts{.iterators = true, .before_checked = i > 0 && i <= kSpecSteps};
    if (auto v = spec::check_step(before, trace[i], r, mb, &gap, opts)) {
      return "spec violation at step " + std::to_string(i + 1) + " (" + to_string(trace[i]) +
             "): " + v->to_string() + "\ntrace:\n" + trace_to_text(trace.first(i + 1));
    }
    if (!gap.empty()) break;  // a documented 6.1 gap: the spec predicts nothing after it
  }
  return std::nullopt;
}

}  // namespace mbv
