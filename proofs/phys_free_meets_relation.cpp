// memblock_phys_free on a canonical reserved array: new coverage = old minus request (freeing unreserved memory is a no-op), the rest keeps its nid
#include "proofs/op_theorem.h"

namespace mbv::proofs {

TheoremDef theorem_phys_free_meets_relation() {
  TheoremDef d;
  d.name = "phys_free_meets_relation";
  d.statement = "memblock_phys_free on a canonical reserved array: new coverage = old minus request (freeing unreserved memory is a no-op), the rest keeps its nid";
  d.policy = "memblock";
  d.why = "free is remove_range on the reserved type (11.1.5)";
  d.bound_unit = "regions";
  d.default_bound = 8;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::RemoveKeepsLast};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return relation_theorem(c, n, mut, MbOp::PhysFree);
  };
  return d;
}

}  // namespace mbv::proofs
