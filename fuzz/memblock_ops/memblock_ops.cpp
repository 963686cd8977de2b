// Property: every operation trace, run on the reference model, satisfies the
// executable spec after every step (mbv::spec::TraceCheck, model/spec: the
// canonical form, per-operation meaning, capacity and doubling, allocation
// soundness and extremality, iterator laws). A step that hits a documented
// Linux 6.1 gap (docs/spec.md) ends the trace: what follows is outside the
// spec. `mbverify replay` runs the same check on a decoded finding.
// Decoding (bytes -> OpTrace) is impl/trace/trace_decode, shared with the
// differential fuzzer (at most 512 ops, bursts of up to 160 adds).
//
// Cost: every law on every step costs O(regions), so a trace is cut once its
// steps have held mbv::region_budget regions in all: kRegionBudget with the
// default 128-entry arrays, 256 with the small static arrays a header can
// pick (init_memblock_regions), which reach array doubling, doubling inside
// doubling and -ENOMEM within a few ops (docs/fuzzing.md: in minutes they
// found three spec errors, a new form of kernel gap 3 and two spec limits
// that long 128-entry traces never reached). Doubling from 128 entries is
// left to the tests. The cut depends on the bytes alone, so a finding
// replays exactly.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>

#include "impl/memblock/op.h"
#include "impl/trace/trace_decode.h"
#include "model/spec/trace_check.h"

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
// The check and its scratch, kept across inputs: its memo of states whose
// iterator laws held (model/spec/law_memo.h) serves the mutations of one
// input, which rebuild the same states step after step. Bounded; a failing
// state is never recorded, so a finding replays alone exactly as it failed.
mbv::spec::TraceCheck g_check;
#ifdef MBV_MEMBLOCK_OPS_TV
constexpr std::size_t kTvSteps = 24;  // Z3 takes milliseconds per step
#endif
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto trace = mbv::decode_trace(std::span<const std::uint8_t>(data, size));
  if (!trace) return 0;  // undecodable bytes are not findings
  const mbv::spec::TraceVerdict v = g_check.run(*trace, mbv::region_budget(*trace, kRegionBudget));
  if (!v.holds()) {
    std::fprintf(stderr, "%s", v.report(*trace).c_str());
    __builtin_trap();
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
