// without movable_node the HOTPLUG flag changes no search result: hotplug memory is as usable as any other (the 2013 v1 -> v2 fix)
#include "model/z3/alloc.h"
#include "proofs/alloc_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_hotplug_usable_without_movable_node() {
  TheoremDef d;
  d.name = "hotplug_usable_without_movable_node";
  d.statement = "without movable_node the HOTPLUG flag changes no search result: hotplug memory is as usable as any other (the 2013 v1 -> v2 fix)";
  d.policy = "memblock";
  d.why = "should_skip_region tests HOTPLUG only when movable_node_is_enabled() (3.1 rule 3)";
  d.bound_unit = "regions per type";
  d.default_bound = 1;
  d.ci_bound = 1;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::SkipHotplugAlways};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    AllocSetup s = alloc_setup(c, n);
    ProofBody body{s.pre, {}, {}, {}, {}};
    body.pre = body.pre && !s.cfg.movable_node;
    SymType plain = without_hotplug(s.memory);
    z3::expr td = find_in_range_node(s.memory, s.reserved, s.q, s.cfg, false, mut);
    z3::expr bu = find_in_range_node(s.memory, s.reserved, s.q, s.cfg, true, mut);
    body.obligations = {
        {"top-down: same result with the HOTPLUG flags erased",
         td == find_in_range_node(plain, s.reserved, s.q, s.cfg, false)},
        {"bottom-up: same result with the HOTPLUG flags erased",
         bu == find_in_range_node(plain, s.reserved, s.q, s.cfg, true)},
    };
    alloc_witness(body, s, td, false);
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
