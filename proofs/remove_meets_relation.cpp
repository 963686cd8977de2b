// memblock_remove on a canonical array: new coverage = old minus request, every remaining address keeps nid/flags, the result stays canonical
#include "proofs/op_theorem.h"

namespace mbv::proofs {

TheoremDef theorem_remove_meets_relation() {
  TheoremDef d;
  d.name = "remove_meets_relation";
  d.statement = "memblock_remove on a canonical array: new coverage = old minus request, every remaining address keeps nid/flags, the result stays canonical";
  d.policy = "memblock";
  d.why = "remove isolates and deletes the inside regions, leaving a gap (11.1.5)";
  d.bound_unit = "regions";
  d.default_bound = 8;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::RemoveKeepsLast};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return relation_theorem(c, n, mut, MbOp::Remove);
  };
  return d;
}

}  // namespace mbv::proofs
