// The theorem list: one factory per proofs/<theorem>.cpp, in report order.
#include "proofs/theorem.h"

namespace mbv::proofs {

#define MBV_THEOREMS(X)            \
  X(merge_keeps_attributes)        \
  X(isolate_keeps_attributes)      \
  X(add_meets_relation)            \
  X(remove_meets_relation)         \
  X(reserve_meets_relation)        \
  X(phys_free_meets_relation)      \
  X(setclr_meets_relation)         \
  X(set_node_meets_relation)      \
  X(top_down_extremal)             \
  X(bottom_up_extremal)            \
  X(movable_node_skips_hotplug)    \
  X(hotplug_usable_without_movable_node) \
  X(kaslr_in_immovable)            \
  X(boot_pgtable_srat_first)       \
  X(boot_pgtable_linux_6_1)        \
  X(boot_pgtable_bottom_up_2013)

#define MBV_DECLARE(name) TheoremDef theorem_##name();
MBV_THEOREMS(MBV_DECLARE)
#undef MBV_DECLARE

std::vector<TheoremDef> all_theorems() {
  std::vector<TheoremDef> v;
#define MBV_ADD(name) v.push_back(theorem_##name());
  MBV_THEOREMS(MBV_ADD)
#undef MBV_ADD
  return v;
}

std::optional<TheoremDef> find_theorem(const std::string& name) {
  for (auto& t : all_theorems())
    if (t.name == name) return t;
  return std::nullopt;
}

}  // namespace mbv::proofs
