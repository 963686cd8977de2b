// The shared shape of "operation meets its relation and keeps canonical
// form": the builder used by add/remove/reserve/phys_free/setclr/set_node.
#pragma once

#include <z3++.h>

#include "proofs/memblock_common.h"

namespace mbv::proofs {

// Preconditions: a canonical array of n regions (realistic nid/flags), any
// request (the top-of-address-space cap included). Obligations: no BUG() in
// the merge (add), well-formed and canonical after, -ENOMEM changes nothing,
// coverage and attributes as the relation says. For SetFlag the body checks
// both memblock_setclr_flag(set) and (clear), prefixed "set: " / "clear: ".
ProofBody relation_theorem(z3::context& c, unsigned n, Mutant mut, MbOp op);

}  // namespace mbv::proofs
