// with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable
#include "proofs/boot_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_boot_pgtable_bottom_up_2013() {
  TheoremDef d;
  d.name = "boot_pgtable_bottom_up_2013";
  d.statement = "with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable";
  d.policy = "bottom-up-2013";
  d.why = "the 3.13 design has the same pre-SRAT bottom-up pass from kernel_end, so the same spill (11.2.3, 11.2.5)";
  d.bound_unit = "nodes";
  d.default_bound = 2;
  d.ci_bound = 2;
  d.expected = Verdict::Counterexample;
  d.mutants = {};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return boot_pgtable_theorem(c, n, BootPolicy::BottomUp2013, mut);
  };
  return d;
}

}  // namespace mbv::proofs
