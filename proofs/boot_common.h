// Shared pieces of the boot page-table theorems: the statement "no
// direct-map page-table page lies in a hot-pluggable node" for one policy,
// minimisation (fewest nodes, smallest machine, round addresses) and the
// machine description written as the reproducer.
#pragma once

#include <z3++.h>

#include "model/z3/boot.h"
#include "proofs/theorem.h"

namespace mbv::proofs {

ProofBody boot_pgtable_theorem(z3::context& c, unsigned nodes, z3spec::BootPolicy policy,
                               Mutant mut);

}  // namespace mbv::proofs
