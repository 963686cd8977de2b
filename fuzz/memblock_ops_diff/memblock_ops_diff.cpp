// Property: for every decoded operation trace, the reference model and the
// real mm/memblock.c (kernel oracle) return the same values and hold the same
// whole state after every op, and every agreed step satisfies the executable
// spec (model/spec). Decoding is impl/trace/trace_decode (shared with the
// memblock_ops fuzzer; a region budget cuts long traces); the
// logic is model/diff/diff_check. Exits 77 (skip) when no oracle was built
// (packaged: put libmbv_oracle.so beside the binary or set MBV_ORACLE_SO).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "impl/trace/trace_decode.h"
#include "model/diff/diff_check.h"

namespace {
std::unique_ptr<mbv::DiffCheck> g_check;  // the kernel's memblock is process-global anyway
}

extern "C" int LLVMFuzzerInitialize(int*, char*** argv) {
  auto c = mbv::DiffCheck::open_default((*argv)[0]);
  if (!c) {
    std::fprintf(stderr, "memblock_ops_diff: skipped: %s\n", c.error().to_string().c_str());
    std::exit(77);
  }
  g_check = std::move(*c);
  return 0;
}

namespace {
// DiffCheck cuts a trace once its steps have held mbv::region_budget regions
// in all (memory.cnt + reserved.cnt after each op, summed), during the run
// itself: kRegionBudget with the default 128-entry arrays, 256 with the small
// static arrays a header can pick, which double within a few ops. Every op
// costs O(regions) on both sides, so short traces keep the fuzzer fast. The
// cut depends on the bytes alone, so a finding replays exactly.
constexpr std::size_t kRegionBudget = 1000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto trace = mbv::decode_trace(std::span<const std::uint8_t>(data, size));
  if (!trace) return 0;  // undecodable bytes are not findings
  mbv::check_or_trap(g_check->check(*trace, mbv::region_budget(*trace, kRegionBudget)));
  return 0;
}
