// The named boot policies (see policy.h).
#include "impl/boot/policy.h"

#include <array>

namespace mbv {

namespace {

const std::array<BootPolicy, 3>& table() {
  static const std::array<BootPolicy, 3> kPolicies = {{
      {"linux-6.1",
       "Linux 6.1 as it is: SRAT is parsed after the direct map; under movable_node the "
       "direct map is built bottom-up from the kernel's end with no HOTPLUG marks present",
       false, false, false, false},
      {"bottom-up-2013",
       "the 3.13 design (Tang Chen, 2013): before SRAT, bottom-up allocations start at the "
       "kernel's end, so page tables sit right above the kernel; when nothing is free there, "
       "memblock retries top-down with a warning",
       false, false, true, false},
      {"srat-first",
       "the 2019 proposal: parse SRAT (mark HOTPLUG) before the direct map and allocate "
       "top-down, skipping hot-pluggable memory",
       true, true, false, true},
  }};
  return kPolicies;
}

}  // namespace

std::span<const BootPolicy> boot_policies() { return table(); }

std::optional<BootPolicy> find_boot_policy(std::string_view name) {
  for (const BootPolicy& p : table())
    if (p.name == name) return p;
  return std::nullopt;
}

}  // namespace mbv
