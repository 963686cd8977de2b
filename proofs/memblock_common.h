// Shared pieces of the memblock theorems: realistic attribute ranges,
// minimisation objectives, and the witness that turns a model into an
// operation trace (h1's trace text format) replayed on impl/memblock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "impl/memblock/op.h"
#include "model/z3/state.h"
#include "proofs/theorem.h"

namespace mbv::proofs {

// 0 <= nid <= MAX_NUMNODES (MAX_NUMNODES is what memblock_add/reserve store).
z3::expr nid_ok(const z3::expr& nid);
// Only the four defined memblock flag bits.
z3::expr flags_ok(const z3::expr& flags);
// Every real region has nid_ok and flags_ok (and flags 0 for reserved).
z3::expr regions_ok(const z3spec::SymType& t, bool reserved);

// Objectives: fewest regions, then the smallest request and region sizes and
// addresses; round: page-aligned everything, then 1M-aligned.
void add_objectives(ProofBody& body, const z3spec::SymType& t,
                    const std::vector<z3::expr>& args);

// The operation a memblock theorem is about.
enum class MbOp { Merge, Isolate, Add, Remove, Reserve, PhysFree, SetFlag, ClearFlag, SetNode };

struct MbWitnessSpec {
  MbOp op;
  z3spec::SymType before;
  z3spec::SymType after;
  z3::expr base, size, nid, flags;  // unused ones may be any numeral
};

// The witness callback for a memblock theorem.
std::function<Witness(const z3::model&, const std::string&)> memblock_witness(MbWitnessSpec spec);

// "  [mem 0x0000000000001000-0x0000000000001fff] nid 0 flags HOTPLUG\n" per region.
std::string format_regions(const std::vector<MemblockRegion>& rs);

}  // namespace mbv::proofs
