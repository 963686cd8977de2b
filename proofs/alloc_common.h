// Shared pieces of the allocation theorems: a bounded memblock (memory and
// reserved, N regions each, bit-vector addresses because the search uses
// mask arithmetic) and one request for memblock_find_in_range_node.
#pragma once

#include <z3++.h>

#include "model/z3/alloc.h"
#include "proofs/theorem.h"

namespace mbv::proofs {

struct AllocSetup {
  z3spec::SymType memory, reserved;
  z3spec::AllocRequest q;
  z3spec::AllocConfig cfg;
  z3::expr pre;  // canonical states, realistic attributes, size > 0, power-of-two align
};

AllocSetup alloc_setup(z3::context& c, unsigned n);

// Objectives (fewest regions, small sizes) and the witness: the state, the
// request, and the search's answer under the model, as text and as a trace
// (movable_node, add_node, reserve, set_bottom_up, memblock_find_in_range
// when the request is expressible as one).
void alloc_witness(ProofBody& body, const AllocSetup& s, const z3::expr& result,
                   bool bottom_up);

}  // namespace mbv::proofs
