// with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable
#include "proofs/boot_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

TheoremDef theorem_boot_pgtable_linux_6_1() {
  TheoremDef d;
  d.name = "boot_pgtable_linux_6_1";
  d.statement = "with movable_node debug_pagealloc=on, the kernel in an immovable node (KASLR), no direct-map page-table page lies in a node the SRAT marks hot-pluggable";
  d.policy = "linux-6.1";
  d.why = "init_mem_mapping runs before SRAT marks HOTPLUG; bottom-up pass 1 spills past the kernel's node when the kernel sits near its end (11.2.3)";
  d.bound_unit = "nodes";
  d.default_bound = 2;
  d.ci_bound = 2;
  d.expected = Verdict::Counterexample;
  d.mutants = {};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    return boot_pgtable_theorem(c, n, BootPolicy::Linux61, mut);
  };
  return d;
}

}  // namespace mbv::proofs
