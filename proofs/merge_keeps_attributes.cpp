// memblock_merge_regions keeps every address's meaning and returns canonical form.
#include "model/z3/ops.h"
#include "model/z3/relations.h"
#include "proofs/memblock_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_merge_keeps_attributes() {
  TheoremDef d;
  d.name = "merge_keeps_attributes";
  d.statement =
      "memblock_merge_regions on a sorted, disjoint array never BUG()s, keeps coverage, nid "
      "and flags of every address, and returns canonical form";
  d.policy = "memblock";
  d.why = "only touching regions with equal nid and flags are joined (11.1.3)";
  d.bound_unit = "regions";
  d.default_bound = 16;
  d.ci_bound = 4;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::MergeIgnoresFlags, Mutant::MergeIgnoresNid};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    SymType before = fresh_type(c, "memory", n, 128, AddrSort::Int);
    SymType after = merge_regions(before, mut);
    z3::expr a = addr_const(c, "a", AddrSort::Int);
    Relation rel = same_meaning(before, after, a);
    ProofBody body{well_formed(before) && regions_ok(before, false) && addr_in_range(a), {}, {},
                   {}, {}};
    body.obligations = {
        {"merge never hits its BUG() (no overlap)", !merge_would_bug(before)},
        {"After is well-formed (sorted, disjoint, positive sizes)", well_formed(after)},
        {"After is maximal (touching regions differ in nid or flags)", maximal(after)},
        {"Coverage is unchanged", rel.coverage},
        {"Attributes are unchanged", rel.attributes},
    };
    add_objectives(body, before, {});
    z3::expr z = addr_val(c, 0);
    body.witness = memblock_witness({MbOp::Merge, before, after, z, z, nid_val(c, 0), flag_val(c, 0)});
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
