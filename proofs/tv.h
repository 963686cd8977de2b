// Translation validation of one concrete step of impl/memblock: Z3 checks
// that the (before, after) pair satisfies the operation's relation from
// model/z3/relations.h. Used to replay counterexamples and by the RapidCheck
// property in tests/proofs.
#pragma once

#include <cstdint>
#include <string>

#include <z3++.h>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/z3/verdict.h"

namespace mbv::proofs {

struct StepCheck {
  z3spec::Verdict verdict = z3spec::Verdict::Skipped;  // Proved = the relation holds
  std::string failed;                                  // obligation that failed
};

// True when `kind` has a relation (add, add_node, reserve, remove, phys_free,
// the flag setters, set_node).
bool has_relation(OpKind kind);

// Skipped for kinds without a relation.
StepCheck validate_step(z3::context& c, const Op& op, const Memblock& before,
                        const Memblock& after, std::int64_t ret);

// Real regions of a type (the dummy of an empty type dropped).
std::vector<MemblockRegion> real_regions(const MemblockType& t);

}  // namespace mbv::proofs
