// Symbolic versions of the memblock operations (mm/memblock.c, Linux 6.1),
// unrolled over the N region slots of a SymType. Each follows the kernel's
// algorithm step by step (isolate splits, add inserts the gaps and merges,
// remove deletes the isolated index range, ...), so a theorem about them is a
// proof about an encoding of the algorithm, not about its specification.
// Conformance tests (tests/proofs) evaluate these encodings on concrete
// states and compare them with impl/memblock, which keeps them honest.
//
// Resizing is off: when the kernel would need memblock_double_array the
// encoding returns -ENOMEM and leaves the state unchanged, as the kernel does
// before memblock_allow_resize().
#pragma once

#include <cstdint>
#include <string_view>

#include <z3++.h>

#include "model/z3/state.h"

namespace mbv::z3spec {

// Deliberately broken variants, used only by the vacuity tests: each must turn
// a PROVED theorem into a COUNTEREXAMPLE.
enum class Mutant {
  None,
  MergeIgnoresFlags,     // merge touching regions even when their flags differ
  MergeIgnoresNid,       // merge touching regions even when their nids differ
  IsolateDropsUpper,     // isolate loses the piece above `end` of a split region
  AddOverwrites,         // add gives the requested nid/flags to covered addresses too
  AddSkipsMerge,         // add inserts the gaps but never merges
  RemoveKeepsLast,       // remove deletes all isolated regions but the last
  SetclrWholeRegion,     // setclr/set_node act on whole regions without isolating
  TopDownNotMaximal,     // top-down search returns the lowest fitting block
  BottomUpNotMinimal,    // bottom-up search returns the highest fitting block
  SkipIgnoresHotplug,    // should_skip_region ignores movable_node + HOTPLUG
  SkipHotplugAlways,     // should_skip_region skips HOTPLUG even without movable_node (2013 v1)
  SratFirstNoSkip,       // srat-first places page tables top-down without skipping hotplug
  KaslrIgnoresImmovable, // KASLR processes whole candidates, ignoring the SRAT filter
};

// "none", "merge-ignores-flags", ... (stable names for tests and file names).
std::string_view mutant_name(Mutant m);

struct SymOpResult {
  SymType after;
  z3::expr enomem;  // the operation returned -ENOMEM (state unchanged)
};

struct SymIsolateResult {
  SymType after;
  z3::expr enomem;
  // per slot of `after`: the piece is one of the isolated regions, i.e. the
  // kernel's index range [start_rgn, end_rgn) (consecutive live slots)
  std::vector<z3::expr> inside;
};

// memblock_merge_regions (mm/memblock.c)
SymType merge_regions(const SymType& t, Mutant mut = Mutant::None);

// merge_regions with its runs exposed, for proof hints (merge_keeps_attributes):
// per slot j of t, cont[j] = slot j is live and joins the previous live slot's
// run; run_end[j] = the end of j's run from slot j on. after.r[j] is
// [t.r[j].base, run_end[j]) with t.r[j]'s nid and flags, live iff t.live(j) && !cont[j].
struct SymMergeRuns {
  SymType after;
  std::vector<z3::expr> cont;
  std::vector<z3::expr> run_end;
};
SymMergeRuns merge_regions_runs(const SymType& t, Mutant mut = Mutant::None);
// True if memblock_merge_regions would hit its BUG() (an overlap) on t.
z3::expr merge_would_bug(const SymType& t);

// memblock_isolate_range (mm/memblock.c)
SymIsolateResult isolate_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                               Mutant mut = Mutant::None);

// memblock_add_range (mm/memblock.c). Also gives memblock_reserve with
// nid = MAX_NUMNODES and flags = 0 on the reserved type.
SymOpResult add_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                      const z3::expr& nid, const z3::expr& flags, Mutant mut = Mutant::None);
// The intermediate array add_range hands to memblock_merge_regions (for the
// "merge never BUGs" obligation).
SymType add_range_inserted(const SymType& t, const z3::expr& base, const z3::expr& size,
                           const z3::expr& nid, const z3::expr& flags);

// memblock_remove_range (mm/memblock.c): memblock_remove / memblock_phys_free.
SymOpResult remove_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                         Mutant mut = Mutant::None);

// memblock_setclr_flag (mm/memblock.c): set (or clear) `flag` on [base, base+size).
SymOpResult setclr_flag(const SymType& t, const z3::expr& base, const z3::expr& size, bool set,
                        const z3::expr& flag, Mutant mut = Mutant::None);

// memblock_set_node (mm/memblock.c)
SymOpResult set_node(const SymType& t, const z3::expr& base, const z3::expr& size,
                     const z3::expr& nid, Mutant mut = Mutant::None);

// Field-wise if-then-else between two states with the same slot count.
SymType ite_type(const z3::expr& c, const SymType& a, const SymType& b);
// Pad a state with absent slots up to n slots.
SymType pad(const SymType& t, unsigned n);

}  // namespace mbv::z3spec
