// The memory map of one boot, as the story draws it: the address line cut at
// every boundary that matters (SRAT nodes, e820 entries, the kernel image and
// brk, runs of boot allocations, the violating range), each piece labelled
// with its node, whether SRAT declares it hot-pluggable, what e820 says it is,
// and what the boot put there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "impl/boot/boot.h"
#include "model/invariants/invariants.h"

namespace mbv {

struct MapSegment {
  PhysRange range;
  int nid = NUMA_NO_NODE;          // SRAT node (NUMA_NO_NODE: SRAT does not cover it)
  bool hotplug = false;            // SRAT declares it hot-pluggable
  std::string e820;                // "usable", "reserved", ... or "hole"
  std::vector<std::string> owners; // owner_name() of the allocations inside, in order
  bool violating = false;          // inside an allocation that breaks the chosen property
};

// Allocations of one owner merged into runs (page tables come page by page).
struct AllocRun {
  Owner owner = Owner::Other;
  PhysRange range;
  std::size_t events = 0;
};
std::vector<AllocRun> allocation_runs(const std::vector<AllocEvent>& events);

// The offending allocations of `property` ("" = the report's signature
// property): the events of its violations, merged into runs.
std::vector<PhysRange> violating_ranges(const InvariantReport& rep, std::string_view property);

// Segments in address order; neighbours with identical labels are merged.
// Holes of e820 that SRAT does not cover either are left out when they are
// larger than the rest of the machine would make readable (they print as "...").
std::vector<MapSegment> memory_map(const BootState& st, const std::vector<PhysRange>& violating);

// Top address first, one labelled band per segment, like this:
//   0x0000001080000000 +----
//                      | node 1 HOTPLUG  usable
//   0x0000000080400000 +----
//                      | node 1 HOTPLUG  usable  direct-map-pgtable   <== VIOLATION
std::string ascii_map(const std::vector<MapSegment>& map);

// The same map as a standalone SVG document.
std::string svg_map(const std::vector<MapSegment>& map, std::string_view title);

}  // namespace mbv
