// Relations between (before, op, result, after): the per-operation meaning
// of memblock (map 11.1), capacity and array doubling (map 1.3), and
// allocation soundness, extremality and fallback order (map 3.3-3.6).
#pragma once

#include <string>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/law_memo.h"
#include "model/spec/spec_state.h"
#include "model/spec/violation.h"

namespace mbv::spec {

// Allocation soundness for a non-zero result of size > 0 (11.1#7, #10):
// aligned, inside the pumped window, inside one memory region accepted by
// should_skip_region for some attempt of the fallback order, free before,
// reserved after, never in a HOTPLUG region under movable_node.
Check check_alloc_soundness(const Memblock& before, const Op& op, OpResult result, const Memblock& after);

// memblock_isolate_range (map 2.4, 11.1#4), called directly: on success no
// address changes meaning and total_size is unchanged, no region of type t
// crosses base or base+capped size, and regions [start_rgn, end_rgn) tile
// exactly the coverage inside the range; on -ENOMEM nothing changed.
Check check_isolate(const Memblock& before, MemblockTypeId t, phys_addr_t base, phys_addr_t size, int ret,
                    IsolatedRange out, const Memblock& after);

// memblock_merge_regions (map 2.2, 11.1#3): no address changes meaning,
// total_size is unchanged, and afterwards two touching regions of type t
// differ in nid or flags (I3).
Check check_merge(const Memblock& before, MemblockTypeId t, const Memblock& after);

// What check_step also verifies besides the step relations.
struct StepOptions {
  // The iterator laws of the after state (check_iterators). They depend on
  // the state only; a fuzzer may check them less often to run faster.
  bool iterators = true;
  // The caller already checked `before` as the `after` of its previous step
  // (shape and iterator laws: a trace checked step by step from an empty
  // memblock), so its shape is not checked again, nor the laws of an after
  // state equal to it.
  bool before_checked = false;
  // Optional meaning carried across steps by a caller that checks a trace
  // step by step: before_state, when set, must hold SpecState::of(before)
  // (the previous step's after_state), and then the meaning of `before` is
  // not rebuilt; after_state, when set, receives SpecState::of(after)
  // whenever check_step returns nullopt and leaves gap_note (given) empty.
  // The two may not alias. Same verdicts either way (tests/spec).
  const SpecState* before_state = nullptr;
  SpecState* after_state = nullptr;
  // Optional memo of states whose iterator laws held (law_memo.h): a state
  // found in it is not walked again (the laws are a function of the state),
  // and a state whose laws pass is recorded. Same verdicts either way.
  LawMemo* iterator_memo = nullptr;
};

// Every relation for one step. `gap_note`, when given, receives the reason
// when the step hit a documented Linux 6.1 gap (docs/spec.md) for which the
// spec makes no prediction; such a step is not a violation.
Check check_step(const Memblock& before, const Op& op, OpResult result, const Memblock& after,
                 std::string* gap_note = nullptr, const StepOptions& options = {});

}  // namespace mbv::spec
