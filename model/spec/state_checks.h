// Predicates over one Memblock state: the canonical form of each region
// array (map 1.2, I1..I8) and the iterator laws (map 3.2).
#pragma once

#include <optional>
#include <string>

#include "impl/memblock/memblock.h"
#include "model/spec/spec_state.h"
#include "model/spec/violation.h"

namespace mbv::spec {

// Invariants Linux 6.1 does not keep, switched off only by a caller that
// knows the state went through the operation that breaks them.
struct StateExceptions {
  // I3 on memory: memblock_cap_memory_range leaves touching NOMAP regions
  // with identical attributes (map 2.10 step 5, 11.2#2).
  bool memory_may_be_unmerged = false;
  // I6 on memory: memblock_trim_memory shrinks regions without adjusting
  // total_size (map 2.9, 11.2#1).
  bool memory_total_may_be_stale = false;
};

// Each canonical-form predicate for one type; nullopt when it holds.
Check check_sorted(const MemblockType& t);          // I1
Check check_disjoint(const MemblockType& t);        // I2
Check check_maximal(const MemblockType& t);         // I3
Check check_positive_sizes(const MemblockType& t);  // I4
Check check_dummy(const MemblockType& t);           // I5
Check check_total_size(const MemblockType& t);      // I6
Check check_capacity(const MemblockType& t);        // I7 (+ the array bookkeeping)
Check check_top_address(const MemblockType& t);     // I8

// I1..I8 for one type (I3/I6 per the exceptions when t is memory).
Check check_type_shape(const MemblockType& t, bool is_memory, const StateExceptions& ex = {});

// Iterator laws (map 3.2): forward and reverse free-range walks agree, are
// disjoint, ascending, bounded, and equal memory minus reserved computed from
// the meaning with the should_skip_region rules; for_each_mem_range,
// for_each_reserved_mem_range and for_each_mem_pfn_range match the meaning.
// Requires a state whose shape holds.
Check check_iterators(const Memblock& mb);
// The same, with the meaning of mb already built (SpecState::of(mb)). Every
// law is checked on every walk; the walks are compared against one list of
// free pieces in a single pass each, and only a mismatch re-derives the
// walk law by law to name the broken one.
Check check_iterators(const Memblock& mb, const SpecState& s);

// Kernel gap 1 (docs/spec.md) seen in a state alone: memory holds a region
// based at address 0 at an index above 0. Only memblock_trim_memory makes
// that from a well-formed state, when round_up of a base near PHYS_ADDR_MAX
// wraps to 0 and the region becomes [0, end) in place; every other 6.1
// operation keeps the array sorted. Returns the note naming the gap and the
// region, or nullopt. A state with this mark is outside the spec: callers
// that skipped the trim step itself (and so missed its gap note) learn here
// why the state is malformed, instead of reading it as a model violation.
std::optional<std::string> trim_wrap_gap(const Memblock& mb);

// Shape of both types, then the iterator laws. A state outside the spec by
// kernel gap 1 (trim_wrap_gap) is not judged: with gap_note the note is
// stored there and nullopt returned; without, the violation names the gap
// ("kernel gap 1: ...") rather than the broken invariant.
Check check_state(const Memblock& mb, const StateExceptions& ex = {}, std::string* gap_note = nullptr);

}  // namespace mbv::spec
