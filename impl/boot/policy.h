// Boot orderings as data. The pipeline (boot.h) reads a BootPolicy; it never
// forks into copies per policy. A theorem, fuzz target or CLI run names the
// policy it speaks about, and the invariants know which properties each one
// claims to guarantee.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mbv {

struct BootPolicy {
  std::string name;
  std::string summary;
  // Mark HOTPLUG from SRAT before init_mem_mapping (the SRAT parse itself is
  // moved; numa_init still runs at its 6.1 place and redoes the marks).
  bool srat_before_direct_map = false;
  // Build the direct map top-down even when movable_node set bottom-up
  // (with HOTPLUG already marked, top-down allocations skip hot-pluggable
  // memory, so the page tables go to the top of immovable memory).
  bool direct_map_top_down = false;
  // The 3.13 design: during init_mem_mapping memblock follows 3.13's
  // memblock_find_in_range_node (Memblock::legacy_bottom_up_kernel_end =
  // _end): bottom-up only above the kernel's end, and a top-down retry of the
  // whole range, with a WARN, when that finds nothing.
  bool bottom_up_from_kernel_end = false;
  // Whether the policy claims that no unmovable boot allocation lands in
  // SRAT-hotpluggable memory when movable_node is set.
  bool claims_hotplug_safety = false;
};

// The three named policies: linux-6.1 (faithful), bottom-up-2013, srat-first.
std::span<const BootPolicy> boot_policies();
std::optional<BootPolicy> find_boot_policy(std::string_view name);

}  // namespace mbv
