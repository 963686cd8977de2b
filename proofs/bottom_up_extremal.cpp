// memblock_find_in_range_node bottom-up returns the lowest aligned start of a block that fits inside one accepted free range, or 0 when none exists
#include "model/z3/alloc.h"
#include "proofs/alloc_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_bottom_up_extremal() {
  TheoremDef d;
  d.name = "bottom_up_extremal";
  d.statement = "memblock_find_in_range_node bottom-up returns the lowest aligned start of a block that fits inside one accepted free range, or 0 when none exists";
  d.policy = "memblock";
  d.why = "the forward free-range walk returns at the first range whose rounded-up candidate fits (11.1.8)";
  d.bound_unit = "regions per type";
  d.default_bound = 1;
  d.ci_bound = 1;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::BottomUpNotMinimal};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    AllocSetup s = alloc_setup(c, n);
    ProofBody body{s.pre, {}, {}, {}, {}};
    FreeRangeSearch search = search_free_ranges(s.memory, s.reserved, s.q, s.cfg, true, mut);
    body.obligations = extremal_obligations(c, s, search, true);
    alloc_witness(body, s, search.result, true);
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
