// Allocation policy formulas (mm/memblock.c, Linux 6.1 section 3).
//
// fits(): the set of addresses an allocation may return — aligned, inside the
// (pumped, clamped) window, inside ONE memory region that should_skip_region
// accepts, and disjoint from every reserved region. find_in_range_node():
// an unrolled encoding of the kernel's free-range walk (memory x reserved
// gaps) for either direction. The theorems relate the two: top-down returns
// the highest fit, bottom-up the lowest.
#pragma once

#include <vector>

#include <z3++.h>

#include "model/z3/ops.h"
#include "model/z3/state.h"

namespace mbv::z3spec {

struct AllocRequest {
  z3::expr size, align, start, end;  // 64-bit
  z3::expr nid;                      // kNidBits; NUMA_NO_NODE = -1
  z3::expr flags;                    // requested memblock flags
};

struct AllocConfig {
  z3::expr movable_node;   // movable_node_is_enabled()
  z3::expr current_limit;  // memblock.current_limit
};

AllocRequest fresh_request(z3::context& c, const std::string& name);
AllocConfig fresh_config(z3::context& c, const std::string& name);

// should_skip_region (mm/memblock.c) for a region of memblock.memory.
z3::expr should_skip_region(const SymRegion& m, const z3::expr& nid, const z3::expr& flags,
                            const z3::expr& movable_node, Mutant mut = Mutant::None);

// The window memblock_find_in_range_node searches after its two fix-ups:
// end 0/1 -> current_limit; start >= PAGE_SIZE; end >= start.
struct Window {
  z3::expr start, end;
};
Window find_window(const AllocRequest& q, const AllocConfig& cfg);

// r is an address the allocation may return for this request.
z3::expr fits(const SymType& memory, const SymType& reserved, const AllocRequest& q,
              const AllocConfig& cfg, const z3::expr& r, Mutant mut = Mutant::None);

// memblock_find_in_range_node (mm/memblock.c): 0 on failure.
z3::expr find_in_range_node(const SymType& memory, const SymType& reserved,
                            const AllocRequest& q, const AllocConfig& cfg, bool bottom_up,
                            Mutant mut = Mutant::None);

// The same search with its candidates: one per (memory region, reserved gap)
// pair, in ascending order. `present` = the free range [lo, hi) exists and
// should_skip_region keeps its region; `ok` = also the rounded candidate
// `addr` fits in the range clamped to the window, [ts, te).
struct SearchCandidate {
  z3::expr present, lo, hi, ok, addr, ts, te;
};
struct FreeRangeSearch {
  z3::expr result;  // the walk's answer, 0 on failure
  std::vector<SearchCandidate> candidates;
  // per candidate (same index): the walk stops there (ok, and no candidate
  // visited before it is ok), in the walk order actually used (mutants too)
  std::vector<z3::expr> chosen;
};
FreeRangeSearch search_free_ranges(const SymType& memory, const SymType& reserved,
                                   const AllocRequest& q, const AllocConfig& cfg, bool bottom_up,
                                   Mutant mut = Mutant::None);

// Facts about the kernel's mask rounding for a power-of-two `align`, valid for
// every x and y (each theorem that uses them proves them first, as a lemma
// obligation): round_down(y) is the largest aligned value <= y, round_up(y)
// the smallest aligned value >= y (or 0 where it wraps). Instances at the
// search's candidates spare the bit-level solver re-deriving them.
z3::expr round_down_facts(const z3::expr& x, const z3::expr& y, const z3::expr& align);
z3::expr round_up_facts(const z3::expr& x, const z3::expr& y, const z3::expr& align);
// Adder facts about a block [x, x + size) and a range end t, valid for every
// x, t, size: it ends at or below t exactly when x <= t - size (t >= size),
// and for x < t, t - x >= size says the same. Four implications, one per
// direction, so each is a small query on its own.
std::vector<z3::expr> block_fit_facts_parts(const z3::expr& x, const z3::expr& t,
                                            const z3::expr& size);
z3::expr block_fit_facts(const z3::expr& x, const z3::expr& t, const z3::expr& size);

// Set of addresses in memory regions carrying HOTPLUG that [r, r+size) touches.
z3::expr touches_hotplug(const SymType& memory, const z3::expr& r, const z3::expr& size);

// A copy of `memory` with the HOTPLUG bit cleared in every region.
SymType without_hotplug(const SymType& memory);

}  // namespace mbv::z3spec
