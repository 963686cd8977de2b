// Property: every operation trace, run on the reference model, satisfies the
// executable spec after every step (mbv::spec::check_step: canonical form,
// per-operation meaning, capacity and doubling, allocation soundness and
// extremality, iterator laws). A step that hits a documented Linux 6.1 gap
// (docs/spec.md) ends the trace: what follows is outside the spec.
// Decoding (bytes -> OpTrace) is impl/trace/trace_decode, shared with the
// differential fuzzer; it caps the trace length so each input runs fast.
// Iterator laws are checked on a subset of steps (see below).
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "impl/memblock/op.h"
#include "impl/trace/trace_decode.h"
#include "model/spec/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto trace = mbv::decode_trace(std::span<const std::uint8_t>(data, size));
  if (!trace) return 0;  // undecodable bytes are not findings
  mbv::Memblock mb;
  for (std::size_t i = 0; i < trace->size(); ++i) {
    const mbv::Memblock before = mb;
    const mbv::OpResult r = mbv::apply_op(mb, (*trace)[i]);
    std::string gap;
    // Iterator laws cost O(regions) per walk: every step while the arrays are
    // small, then every 8th step and the last one (speed, not coverage).
    const bool small = mb.memory.cnt() + mb.reserved.cnt() <= 32;
    const mbv::spec::StepOptions opts{small || i % 8 == 7 || i + 1 == trace->size()};
    if (auto v = mbv::spec::check_step(before, (*trace)[i], r, mb, &gap, opts)) {
      std::fprintf(stderr, "spec violation at step %zu (%s -> %lld): %s\ntrace:\n%s", i,
                   mbv::to_string((*trace)[i]).c_str(), static_cast<long long>(r.value),
                   v->to_string().c_str(), mbv::trace_to_text(std::span(*trace).first(i + 1)).c_str());
      __builtin_trap();
    }
    if (!gap.empty()) break;
  }
  return 0;
}
