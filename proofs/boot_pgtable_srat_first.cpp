// with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable
#include "proofs/boot_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_boot_pgtable_srat_first() {
  TheoremDef d;
  d.name = "boot_pgtable_srat_first";
  d.statement = "with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable";
  d.policy = "srat-first";
  d.why = "SRAT is parsed first and memblock skips HOTPLUG memory under movable_node, so page tables fill immovable memory top-down";
  d.bound_unit = "nodes";
  d.default_bound = 2;
  d.ci_bound = 2;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::SratFirstNoSkip};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return boot_pgtable_theorem(c, n, BootPolicy::SratFirst, mut);
  };
  return d;
}

}  // namespace mbv::proofs
