// Property: every operation trace, run on the reference model, satisfies the
// executable spec after every step (mbv::spec::check_step: canonical form,
// per-operation meaning, capacity and doubling, allocation soundness and
// extremality, iterator laws). A step that hits a documented Linux 6.1 gap
// (docs/spec.md) ends the trace: what follows is outside the spec.
// Decoding (bytes -> OpTrace) is impl/trace/trace_decode, shared with the
// differential fuzzer (at most 512 ops, bursts of up to 160 adds).
//
// Cost: every law on every step costs O(regions) (the model's own iterator
// walks, 14 per step, are most of it), so a trace is cut once its steps have
// walked mbv::region_budget regions in all: kRegionBudget with the default
// 128-entry arrays, 256 with the small static arrays a header can pick
// (init_memblock_regions), which reach array doubling, doubling inside
// doubling and -ENOMEM within a few ops (docs/fuzzing.md: in minutes they
// found three spec errors, a new form of kernel gap 3 and two spec limits
// that long 128-entry traces never reached). Doubling from
// 128 entries is left to the tests. The cut depends on the bytes alone, so a
// finding replays exactly. Each after
// state's meaning is carried into the next step, and the iterator laws of a
// state met before (in this input or an earlier one) come from a memo of
// states that passed them (docs/spec.md "Cost"; same verdicts).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "impl/memblock/op.h"
#include "impl/trace/trace_decode.h"
#include "model/spec/spec.h"
#include "model/spec/spec_state.h"

// Translation-validation mode (opt-in: the memblock_ops_tv target, built only
// when asked for; fuzz/memblock_ops/CMakeLists.txt): after the spec has
// accepted the trace, Z3 validates the first kTvSteps ops against their
// relations in model/z3 (proofs/tv.h validate_trace). A COUNTEREXAMPLE is a
// finding; a solver timeout is not.
#ifdef MBV_MEMBLOCK_OPS_TV
#include <z3++.h>

#include "proofs/tv.h"
#endif

namespace {
constexpr std::size_t kRegionBudget = 1000;
// States whose iterator laws held, kept across inputs (model/spec/law_memo.h):
// mutations of one input rebuild the same states step after step, and a
// state equal in every field to one already walked has the same verdict.
// Bounded (64 MiB of states, then it starts over); a failing state is never
// recorded, so a finding replays alone exactly as it failed.
mbv::spec::LawMemo g_law_memo;
#ifdef MBV_MEMBLOCK_OPS_TV
constexpr std::size_t kTvSteps = 24;  // Z3 takes milliseconds per step
#endif
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto trace = mbv::decode_trace(std::span<const std::uint8_t>(data, size));
  if (!trace) return 0;  // undecodable bytes are not findings
  // Two states swapped each step; assigning one to the other reuses the
  // region vectors' storage, so a step allocates nothing for them.
  mbv::Memblock before, mb;
  // The meaning of each after state is built once and carried into the next
  // step as the meaning of its before (StepOptions::before_state).
  mbv::spec::SpecState meaning[2];
  std::size_t walked = 0;
  const std::size_t budget = mbv::region_budget(*trace, kRegionBudget);
  for (std::size_t i = 0; i < trace->size() && walked <= budget; ++i) {
    before = mb;
    const mbv::OpResult r = mbv::apply_op(mb, (*trace)[i]);
    std::string gap;
    // Every law on every step; `before` is the previous step's checked after.
    const mbv::spec::StepOptions opts{.iterators = true,
                                      .before_checked = i > 0,
                                      .before_state = i > 0 ? &meaning[(i + 1) % 2] : nullptr,
                                      .after_state = &meaning[i % 2],
                                      .iterator_memo = &g_law_memo};
    if (auto v = mbv::spec::check_step(before, (*trace)[i], r, mb, &gap, opts)) {
      std::fprintf(stderr, "spec violation at step %zu (%s -> %lld): %s\ntrace:\n%s", i,
                   mbv::to_string((*trace)[i]).c_str(), static_cast<long long>(r.value),
                   v->to_string().c_str(), mbv::trace_to_text(std::span(*trace).first(i + 1)).c_str());
      __builtin_trap();
    }
    if (!gap.empty()) break;
    walked += mb.memory.cnt() + mb.reserved.cnt();
  }
#ifdef MBV_MEMBLOCK_OPS_TV
  const auto ops = std::span(*trace).first(std::min(trace->size(), kTvSteps));
  z3::context c;  // one per input: nothing accumulates across inputs
  const mbv::proofs::TraceValidation tv = mbv::proofs::validate_trace(c, mbv::Memblock{}, ops);
  if (!tv.ok() && tv.failure.verdict == mbv::z3spec::Verdict::Counterexample) {
    std::fprintf(stderr, "translation validation: %s\ntrace:\n%s", mbv::proofs::describe(tv, ops).c_str(),
                 mbv::trace_to_text(ops.first(*tv.failed_step + 1)).c_str());
    __builtin_trap();
  }
#endif
  return 0;
}
