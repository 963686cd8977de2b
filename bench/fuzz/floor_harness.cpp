// Floor harnesses: libFuzzer targets that do only the part of a real fuzz
// target that no change to its checking can remove, so their runs per second
// are an upper bound on the real target's throughput (a lower bound on the
// cost of each of its inputs). bench/fuzz/fuzz-speed.sh runs them exactly like
// the target they are the floor of (same seeds, dict, .options, libraries and
// instrumentation) and prints them beside the throughput goals: a goal above
// the floor cannot be met by making the spec or the comparison cheaper.
// One source, one stage per executable (MBV_FLOOR_STAGE, bench/fuzz/CMakeLists.txt):
//   floor_decode            (1) memblock_ops' input decoding alone.
//   floor_model             (2) decoding, then every op on the reference model
//                               in TraceCheck's loop (model/spec/trace_check.cpp): `before` copied each
//                               step, the trace cut by mbv::region_budget; no
//                               spec. (Without the spec no documented 6.1 gap
//                               ends a trace early, so a few inputs run more
//                               ops than in memblock_ops: the floor only rises.)
//   floor_diff_model_kernel (3) decoding, then model and kernel oracle side by
//                               side (mbv::Differential, whole-state compare
//                               after every op) with mbv::DiffCheck's budget cut
//                               and on_agreed shape (the `before` copy kept);
//                               no spec. Exits 77 without an oracle, like
//                               memblock_ops_diff.
// A divergence is not reported: these measure, they do not check.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "impl/trace/trace_decode.h"
#if MBV_FLOOR_STAGE == 3
#include "model/diff/diff_check.h"
#include "model/diff/differential.h"
#endif

#if !defined(MBV_FLOOR_STAGE) || MBV_FLOOR_STAGE < 1 || MBV_FLOOR_STAGE > 3
#error "MBV_FLOOR_STAGE is 1 (decode), 2 (model) or 3 (model + kernel)"
#endif

namespace {
#if MBV_FLOOR_STAGE >= 2
// The budgets of fuzz/memblock_ops and fuzz/memblock_ops_diff.
constexpr std::size_t kRegionBudget = 1000;

// Keeps a value the harness computes but never reads (the `before` copy)
// from being optimised away, as a checking harness would read it.
template <typename T>
void keep(const T& v) {
  asm volatile("" : : "r"(&v) : "memory");
}
#endif

#if MBV_FLOOR_STAGE == 3
// The oracle is found and loaded exactly as memblock_ops_diff does it
// (DiffCheck::open_default: MBV_ORACLE_SO, the one CMake built, or
// libmbv_oracle.so beside the binary); only its KernelOracle is used.
struct Floor {
  std::unique_ptr<mbv::DiffCheck> loaded;
  mbv::Differential diff;
  mbv::Memblock before;
  explicit Floor(std::unique_ptr<mbv::DiffCheck> c) : loaded(std::move(c)), diff(loaded->oracle()) {}
};
std::unique_ptr<Floor> g_floor;  // the kernel's memblock is process-global anyway
#endif
}  // namespace

#if MBV_FLOOR_STAGE == 3
extern "C" int LLVMFuzzerInitialize(int*, char*** argv) {
  auto c = mbv::DiffCheck::open_default((*argv)[0]);
  if (!c) {
    std::fprintf(stderr, "floor_diff_model_kernel: skipped: %s\n", c.error().to_string().c_str());
    std::exit(77);
  }
  g_floor = std::make_unique<Floor>(std::move(*c));
  return 0;
}
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto trace = mbv::decode_trace(std::span<const std::uint8_t>(data, size));
  if (!trace) return 0;
#if MBV_FLOOR_STAGE == 2
  // The loop of spec::TraceCheck::run (memblock_ops' check) without check_step.
  mbv::Memblock before, mb;
  std::size_t walked = 0;
  const std::size_t budget = mbv::region_budget(*trace, kRegionBudget);
  for (std::size_t i = 0; i < trace->size() && walked <= budget; ++i) {
    before = mb;
    const mbv::OpResult r = mbv::apply_op(mb, (*trace)[i]);
    keep(before);
    keep(r);
    walked += mb.memory.cnt() + mb.reserved.cnt();
  }
#elif MBV_FLOOR_STAGE == 3
  // mbv::DiffCheck::check's on_agreed without the spec's judge.
  Floor& f = *g_floor;
  const std::size_t budget = mbv::region_budget(*trace, kRegionBudget);
  std::size_t n = trace->size(), walked = 0;
  f.before = mbv::Memblock();
  const auto on_agreed = [&](std::size_t i, mbv::OpResult, const mbv::Memblock& after) {
    walked += after.memory.cnt() + after.reserved.cnt();
    if (walked > budget) n = i + 1;  // this op is the last
    if (i + 1 < n) f.before = after;
    keep(f.before);
    return i + 1 == n;
  };
  keep(f.diff.run(*trace, on_agreed));
#endif
  return 0;
}
