// memblock_isolate_range keeps every address's meaning and tiles the request.
#include "model/z3/ops.h"
#include "model/z3/relations.h"
#include "proofs/memblock_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_isolate_keeps_attributes() {
  TheoremDef d;
  d.name = "isolate_keeps_attributes";
  d.statement =
      "memblock_isolate_range keeps coverage, nid and flags of every address, leaves no region "
      "crossing base or end, and [start_rgn, end_rgn) tiles exactly coverage within the request";
  d.policy = "memblock";
  d.why = "isolate only splits regions at base and end (11.1.4)";
  d.bound_unit = "regions";
  d.default_bound = 8;
  d.ci_bound = 3;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::IsolateDropsUpper};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    SymType before = fresh_type(c, "memory", n, 128, AddrSort::Int);
    z3::expr base = addr_const(c, "base", AddrSort::Int);
    z3::expr size = addr_const(c, "size", AddrSort::Int);
    SymIsolateResult iso = isolate_range(before, base, size, mut);
    const SymType& after = iso.after;
    z3::expr a = addr_const(c, "a", AddrSort::Int);
    Relation rel = same_meaning(before, after, a);
    z3::expr end = base + memblock_cap_size(base, size);
    // a lies in one of the isolated regions [start_rgn, end_rgn)
    z3::expr in_isolated = c.bool_val(false);
    z3::expr isolated_inside = c.bool_val(true);
    for (unsigned k = 0; k < after.slots(); ++k) {
      z3::expr sel = iso.inside[k];
      in_isolated = in_isolated || (sel && in_range(a, after.r[k].base, after.r[k].end()));
      isolated_inside = isolated_inside &&
                        z3::implies(sel, after.live(k) && le(base, after.r[k].base) &&
                                             le(after.r[k].end(), end));
    }
    z3::expr nonempty = gt(end, base);
    ProofBody body{canonical(before) && regions_ok(before, false) && addr_in_range(base) &&
                       addr_in_range(size) && addr_in_range(a),
                   {}, {}, {}, {}};
    body.obligations = {
        {"isolate never returns -ENOMEM below capacity", !iso.enomem},
        {"After is well-formed (sorted, disjoint, positive sizes)", well_formed(after)},
        {"Coverage is unchanged", rel.coverage},
        {"Attributes are unchanged", rel.attributes},
        {"No region crosses base or end (non-empty request)",
         z3::implies(nonempty, no_region_crosses(after, base) && no_region_crosses(after, end))},
        {"Isolated regions lie inside the request", isolated_inside},
        {"Isolated regions tile coverage within the request",
         in_isolated == (covered_at(before, a) && in_request(a, base, size))},
    };
    add_objectives(body, before, {size, base});
    body.witness =
        memblock_witness({MbOp::Isolate, before, after, base, size, nid_val(c, 0), flag_val(c, 0)});
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
