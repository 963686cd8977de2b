// with movable_node, no search whose flags lack HOTPLUG returns a block touching a HOTPLUG memory region (either direction)
#include "model/z3/alloc.h"
#include "proofs/alloc_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_movable_node_skips_hotplug() {
  TheoremDef d;
  d.name = "movable_node_skips_hotplug";
  d.statement = "with movable_node, no search whose flags lack HOTPLUG returns a block touching a HOTPLUG memory region (either direction)";
  d.policy = "memblock";
  d.why = "should_skip_region drops HOTPLUG regions under movable_node unless the request asks for them (11.1.10)";
  d.bound_unit = "regions per type";
  d.default_bound = 1;
  d.ci_bound = 1;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::SkipIgnoresHotplug};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    AllocSetup s = alloc_setup(c, n);
    ProofBody body{s.pre, {}, {}, {}, {}};
    body.pre = body.pre && s.cfg.movable_node &&
               (s.q.flags & flag_val(c, MEMBLOCK_HOTPLUG)) == flag_val(c, 0);
    z3::expr td = find_in_range_node(s.memory, s.reserved, s.q, s.cfg, false, mut);
    z3::expr bu = find_in_range_node(s.memory, s.reserved, s.q, s.cfg, true, mut);
    body.obligations = {
        {"top-down: the block touches no HOTPLUG region",
         z3::implies(td != addr_val(c, 0), !touches_hotplug(s.memory, td, s.q.size))},
        {"bottom-up: the block touches no HOTPLUG region",
         z3::implies(bu != addr_val(c, 0), !touches_hotplug(s.memory, bu, s.q.size))},
    };
    alloc_witness(body, s, td, false);
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
