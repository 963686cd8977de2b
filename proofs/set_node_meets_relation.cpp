// memblock_set_node changes exactly the nid of coverage within the request, keeps coverage and flags, and returns canonical form
#include "proofs/op_theorem.h"

namespace mbv::proofs {

TheoremDef theorem_set_node_meets_relation() {
  TheoremDef d;
  d.name = "set_node_meets_relation";
  d.statement = "memblock_set_node changes exactly the nid of coverage within the request, keeps coverage and flags, and returns canonical form";
  d.policy = "memblock";
  d.why = "set_node isolates the request, edits the inside regions, then merges (11.1.6)";
  d.bound_unit = "regions";
  d.default_bound = 4;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::SetclrWholeRegion};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return relation_theorem(c, n, mut, MbOp::SetNode);
  };
  return d;
}

}  // namespace mbv::proofs
