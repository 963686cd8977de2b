// The zone printouts of free_area_init (mm/page_alloc.c), character for
// character: "%-8s" zone names and "%#018Lx" addresses.
#include <string>

#include "impl/numa/kprint.h"
#include "impl/zones/zones.h"

namespace mbv {

namespace {
std::string pad8(std::string_view name) {
  std::string s(name);
  while (s.size() < 8) s += ' ';
  return s;
}
}  // namespace

// free_area_init: "Zone ranges:"
std::vector<std::string> print_zone_ranges(const ZoneLayout& z) {
  std::vector<std::string> out{"Zone ranges:"};
  for (int i = 0; i < MAX_NR_ZONES; i++) {
    if (i == ZONE_MOVABLE) continue;
    const auto lo = z.lowest[static_cast<std::size_t>(i)];
    const auto hi = z.highest[static_cast<std::size_t>(i)];
    std::string line = "  " + pad8(zone_name(i)) + " ";
    if (lo == hi) {
      line += "empty";
    } else {
      line += "[mem " + khex(lo << PAGE_SHIFT, 18) + "-" + khex((hi << PAGE_SHIFT) - 1, 18) + "]";
    }
    out.push_back(std::move(line));
  }
  return out;
}

// free_area_init: "Movable zone start for each node"
std::vector<std::string> print_movable_zone_start(const ZoneLayout& z) {
  std::vector<std::string> out{"Movable zone start for each node"};
  for (int i = 0; i < MAX_NUMNODES; i++) {
    const auto pfn = z.zone_movable_pfn[static_cast<std::size_t>(i)];
    if (pfn) out.push_back("  Node " + std::to_string(i) + ": " + khex(pfn << PAGE_SHIFT, 18));
  }
  return out;
}

// free_area_init: "Early memory node ranges" ("  node %3d: [mem ...]")
std::vector<std::string> print_early_memory_node_ranges(const Memblock& mb) {
  std::vector<std::string> out{"Early memory node ranges"};
  const std::vector<PfnRange> ranges = mb.mem_pfn_ranges(MAX_NUMNODES);
  out.reserve(ranges.size() + 1);
  for (const PfnRange& r : ranges) {
    const std::string nid = std::to_string(r.nid);
    std::string line;
    line.reserve(64);  // one allocation: "  node NNN: [mem " + 2 x 18 digits + "-]"
    line += "  node ";
    if (nid.size() < 3) line.append(3 - nid.size(), ' ');
    line += nid;
    line += ": [mem ";
    line += khex(r.start_pfn << PAGE_SHIFT, 18);
    line += '-';
    line += khex((r.end_pfn << PAGE_SHIFT) - 1, 18);
    line += ']';
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace mbv
