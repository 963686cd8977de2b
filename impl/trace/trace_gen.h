// Seeded random operation traces with kernel-typical values, for the
// differential engine (model/diff) and the benchmarks.
//
// Values are drawn the way kernel callers and the memblock simulator's tests
// use them: page-aligned bases, SZ_* sizes, ranges near PHYS_ADDR_MAX, and
// pairs that are adjacent to, overlap or sit inside earlier ranges. A small
// share of traces carries a burst of disjoint ranges so that the region
// arrays (128 entries, or the static sizes the options pick) fill up and
// memblock_double_array runs.
#pragma once

#include <cstdint>

#include "impl/memblock/op.h"

namespace mbv {

// SplitMix64: a tiny deterministic generator (same sequence on every
// platform, unlike std:: distributions).
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool one_in(std::uint64_t n) { return below(n) == 0; }

 private:
  std::uint64_t s_;
};

// The seed of trace number `index` in a run seeded with `run_seed`, so any
// single trace of a long run can be regenerated on its own.
inline std::uint64_t trace_seed(std::uint64_t run_seed, std::uint64_t index) {
  SplitMix64 g(run_seed ^ (index * 0xd1342543de82ef95ull));
  return g.next();
}

struct TraceGenOptions {
  std::size_t ops = 16;         // operations per trace (a fill burst adds more)
  bool movable_node = false;    // start the trace with movable_node(1)
  bool allow_fill_burst = true; // some traces fill the arrays to force doubling
  // Static array sizes: anything but 128/128 starts the trace with
  // init_memblock_regions(init_memory, init_reserved).
  std::size_t init_memory = INIT_MEMBLOCK_REGIONS;
  std::size_t init_reserved = INIT_MEMBLOCK_REGIONS;
};

// memblock_* calls forming one trace; the same seed gives the same trace.
OpTrace random_trace(std::uint64_t seed, const TraceGenOptions& opt);

}  // namespace mbv
