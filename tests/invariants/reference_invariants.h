// The reference (simple, slow) boot invariants: the oracle for the fast ones
// in model/invariants (see reference_invariants.cpp).
#pragma once

#include <vector>

#include "model/invariants/invariants.h"

namespace mbv::reference {

InvariantReport check_invariants(const BootState& st);
InvariantResult check_hotplug_safety(const BootState& st);
InvariantResult check_allocation_disjointness(const BootState& st);
InvariantResult check_direct_map(const BootState& st);
InvariantResult check_zone_partition(const BootState& st);
InvariantResult check_movable_is_hotplug(const BootState& st);
InvariantResult check_handoff_conservation(const BootState& st);
InvariantResult check_hot_remove(const BootState& st, std::vector<NodeHotplugCapacity>* nodes);

}  // namespace mbv::reference
