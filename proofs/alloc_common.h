// Shared pieces of the allocation theorems: a bounded memblock (memory and
// reserved, N regions each, bit-vector addresses because the search uses
// mask arithmetic) and one request for memblock_find_in_range_node.
#pragma once

#include <vector>

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
// The obligations of top_down_extremal / bottom_up_extremal, split so that
// each query is small for the bit-level solver (the two whole statements did
// not decide in 60 s at one region per type). In order:
//   1. the rounding lemma and 2. the block-fit lemma (alloc.h), for fresh
//      values; their instances at the search's candidates (F) are then
//      hypotheses of every later obligation, which is sound because 1 and 2
//      were proved for all values first;
//   3. per candidate k and per clause of fits(): if the walk stops at k with
//      a non-zero address, that address meets the clause;
//   4. a non-zero result is the address of the candidate the walk stops at;
//   5. every allowed block `other` lies in some free range (lo, hi);
//   6. per free range k: an allowed block in it starts at or below (top-down)
//      / at or above (bottom-up) the non-zero result.
// 3 and 4 together are "a non-zero result is an allowed block"; 5 and 6 are
// "no allowed block starts above (below) the result": the same statement as
// the unsplit obligations, for every value.
std::vector<Obligation> extremal_obligations(z3::context& c, const AllocSetup& s,
                                             const z3spec::FreeRangeSearch& search,
                                             bool bottom_up);

void alloc_witness(ProofBody& body, const AllocSetup& s, const z3::expr& result,
                   bool bottom_up);

}  // namespace mbv::proofs
