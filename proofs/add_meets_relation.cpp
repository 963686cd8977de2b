// memblock_add_node on a canonical array: new coverage = old + request (capped at PHYS_ADDR_MAX), covered addresses keep nid/flags, new ones get the requested nid/flags, the result is canonical, -ENOMEM changes nothing
#include "proofs/op_theorem.h"

namespace mbv::proofs {

TheoremDef theorem_add_meets_relation() {
  TheoremDef d;
  d.name = "add_meets_relation";
  d.statement = "memblock_add_node on a canonical array: new coverage = old + request (capped at PHYS_ADDR_MAX), covered addresses keep nid/flags, new ones get the requested nid/flags, the result is canonical, -ENOMEM changes nothing";
  d.policy = "memblock";
  d.why = "add inserts only the gaps, then merges (11.1.2)";
  d.bound_unit = "regions";
  d.default_bound = 4;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::AddOverwrites, Mutant::AddSkipsMerge};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return relation_theorem(c, n, mut, MbOp::Add);
  };
  return d;
}

}  // namespace mbv::proofs
