// memblock_reserve on a canonical reserved array: new coverage = old + request, old reservations keep their nid, new ones get MAX_NUMNODES, the result is canonical
#include "proofs/op_theorem.h"

namespace mbv::proofs {

TheoremDef theorem_reserve_meets_relation() {
  TheoremDef d;
  d.name = "reserve_meets_relation";
  d.statement = "memblock_reserve on a canonical reserved array: new coverage = old + request, old reservations keep their nid, new ones get MAX_NUMNODES, the result is canonical";
  d.policy = "memblock";
  d.why = "reserve is add_range on the reserved type with nid MAX_NUMNODES, flags 0 (11.1.2)";
  d.bound_unit = "regions";
  d.default_bound = 4;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::AddOverwrites, Mutant::AddSkipsMerge};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return relation_theorem(c, n, mut, MbOp::Reserve);
  };
  return d;
}

}  // namespace mbv::proofs
