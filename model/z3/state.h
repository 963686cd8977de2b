// Bounded symbolic memblock states and their meaning.
//
// A SymType is one struct memblock_type with N region slots: slot i is a
// real region iff i < cnt (cnt symbolic, 0 <= cnt <= N). The kernel's dummy
// region of an empty type (I5) is not a slot: cnt == 0 stands for it, since it
// covers nothing. `max_regions` is the kernel's capacity (`max`), which
// decides -ENOMEM; it is INIT_MEMBLOCK_REGIONS (128) unless a proof says
// otherwise, and resizing is off (no doubling is modelled).
//
// The meaning of a state is, for every address a: covered?, nid, flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <z3++.h>

#include "impl/memblock/memblock.h"
#include "model/z3/vocab.h"

namespace mbv::z3spec {

// struct memblock_region, symbolic. The encoding keeps the end instead of
// the size: for every well-formed region (I8: no region wraps) the two carry
// the same information, and comparisons of stored ends keep the solver away
// from adder identities (base + (end - base) == end) in every query.
struct SymRegion {
  z3::expr base, end_, flags, nid;
  z3::expr end() const { return end_; }
  z3::expr size() const { return end_ - base; }
};

// A region slot that may be absent (used while an operation rebuilds the array).
struct SymSlot {
  z3::expr valid;
  SymRegion r;
};

struct SymType {
  std::vector<SymRegion> r;
  z3::expr cnt;                 // number of real regions, 0..r.size()
  unsigned max_regions = 128;   // the kernel's `max` (capacity)
  // Live bit per slot for gathered arrays (see gather()); empty for a dense
  // array, where slot i is live iff i < cnt.
  std::vector<z3::expr> live_bits;
  bool dense() const { return live_bits.empty(); }

  unsigned slots() const { return static_cast<unsigned>(r.size()); }
  z3::context& ctx() const { return cnt.ctx(); }
  // slot i holds a real region
  z3::expr live(unsigned i) const;
};

// A fresh state named `name` with n slots (all fields unconstrained).
SymType fresh_type(z3::context& c, const std::string& name, unsigned n,
                   unsigned max_regions = 128, AddrSort sort = AddrSort::BitVec);
// A constant state from concrete regions (dummy/empty list -> cnt 0), padded to n slots.
SymType constant_type(z3::context& c, const std::vector<MemblockRegion>& regions, unsigned n,
                      unsigned max_regions = 128, AddrSort sort = AddrSort::BitVec);

// The neighbouring live slot of every slot (gathered arrays, see gather()):
// has[i] says whether one exists, r[i] is its region (meaningful iff has[i]).
// next_live is a suffix scan (r[i] = live(i+1) ? slot i+1 : r[i+1]), prev_live
// a prefix scan; each step is one ite per field, so the formulas stay linear
// in the slot count where "every pair of live slots" was quadratic. For a
// dense array the neighbours are simply slots i+1 and i-1.
struct LiveScan {
  std::vector<z3::expr> has;
  std::vector<SymRegion> r;
};
LiveScan next_live(const SymType& t);
LiveScan prev_live(const SymType& t);

// I1 sorted, I2 disjoint, I4 positive sizes, I8 no region wraps, cnt <= slots.
// For a gathered array: every live slot is positive and in range and ends at
// or below the base of the next live slot (with positive sizes this orders
// every pair of live slots).
z3::expr well_formed(const SymType& t);
// I3 maximal: touching neighbours differ in nid or flags. For a gathered
// array, "neighbours" are consecutive live slots: under well_formed no other
// pair can touch, so canonical() means the same as the pairwise statement.
z3::expr maximal(const SymType& t);
// Canonical form: well_formed and maximal (what add/setclr/set_node promise).
z3::expr canonical(const SymType& t);

// The meaning function at address a.
z3::expr covered_at(const SymType& t, const z3::expr& a);
z3::expr nid_at(const SymType& t, const z3::expr& a);    // meaningful where covered
z3::expr flags_at(const SymType& t, const z3::expr& a);  // meaningful where covered

// The array an operation builds, as its slots in order with a live bit each.
// The kernel then closes the holes with memmove (memblock_insert_region /
// memblock_remove_region); that compaction is order-preserving and changes
// no region, so the encoding keeps the gathered form: concretize() lists the
// live slots densely, which is the kernel's array. (A compaction with
// one-hot index arithmetic made every query a counting problem for the SAT
// solver; see docs/proofs.md.)
SymType gather(z3::context& c, const std::vector<SymSlot>& in, unsigned max_regions);

// Concrete regions of t under a model: its live slots in order.
std::vector<MemblockRegion> concretize(const z3::model& m, const SymType& t);

// Unsigned value of a bit-vector expression under a model (completed).
std::uint64_t eval_u64(const z3::model& m, const z3::expr& e);

}  // namespace mbv::z3spec
