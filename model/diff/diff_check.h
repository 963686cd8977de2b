// One differential check as fuzzers and properties use it: the trace through
// model and kernel side by side (model/diff/differential.h), then the
// executable spec (model/spec) on every step both agreed on.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "impl/common/result.h"
#include "model/diff/differential.h"
#include "model/oracle/kernel_oracle.h"
#include "model/spec/law_memo.h"
#include "model/spec/spec_state.h"

namespace mbv {

class DiffCheck {
 public:
  // Loads the default oracle (MBV_ORACLE_SO, else the one CMake built), else
  // libmbv_oracle.so next to `exe` (a fuzzer packaged with its oracle).
  static Result<std::unique_ptr<DiffCheck>> open_default(const std::string& exe = "");
  explicit DiffCheck(KernelOracle oracle);

  // Steps the spec judges per trace: its iterator laws cost O(regions) per
  // step, so a whole 512-op trace under ASan took ~0.3 s. The differential
  // part still covers every op; the memblock_ops fuzzer runs the spec on
  // every step of the model alone.
  static constexpr std::size_t kSpecSteps = 64;

  // nullopt when model and kernel agree after every op and the first
  // kSpecSteps steps and the last one satisfy the spec; otherwise the report
  // (a divergence first: it is reported even when an earlier step also
  // broke the spec).
  // A kernel BUG that both sides hit ends the trace there without a finding
  // (the differential engine reports those as kernel findings).
  std::optional<std::string> check(std::span<const Op> trace);
  // The same on the ops of `trace` that run before their steps have held
  // region_budget regions in all (memory.cnt + reserved.cnt after each op,
  // summed): the last op run is the first whose sum passes the budget. The
  // cut depends on the trace alone (model and kernel agree on every count
  // until they diverge), so a finding replays exactly.
  std::optional<std::string> check(std::span<const Op> trace, std::size_t region_budget);

  KernelOracle& oracle() { return oracle_; }

 private:
  KernelOracle oracle_;
  Differential diff_;
  // Scratch reused from trace to trace: the state before the next judged
  // step, and the meanings carried between consecutive judged steps.
  Memblock before_;
  spec::SpecState meaning_[2];
  // States whose iterator laws held, across traces (model/spec/law_memo.h).
  spec::LawMemo law_memo_;
};

// Prints the report and traps (fuzz harnesses: the oracle is always
// compiled in, never a bare assert).
inline void check_or_trap(const std::optional<std::string>& report) {
  if (!report) return;
  std::fprintf(stderr, "%s\n", report->c_str());
  __builtin_trap();
}

}  // namespace mbv
