// The zone printouts of free_area_init (mm/page_alloc.c), character for
// character: "%-8s" zone names and "%#018Lx" addresses.
#include <algorithm>
#include <string>

#include "impl/numa/kprint.h"
#include "impl/zones/zones.h"

namespace mbv {

namespace {
void append_pad8(std::string& out, std::string_view name) {
  out += name;
  if (name.size() < 8) out.append(8 - name.size(), ' ');
}
}  // namespace

// free_area_init: "Zone ranges:"
std::vector<std::string> print_zone_ranges(const ZoneLayout& z) {
  std::vector<std::string> out;
  out.reserve(MAX_NR_ZONES);
  out.emplace_back("Zone ranges:");
  for (int i = 0; i < MAX_NR_ZONES; i++) {
    if (i == ZONE_MOVABLE) continue;
    const auto lo = z.lowest[static_cast<std::size_t>(i)];
    const auto hi = z.highest[static_cast<std::size_t>(i)];
    std::string line;
    line.reserve(64);
    line += "  ";
    append_pad8(line, zone_name(i));
    line += ' ';
    if (lo == hi) {
      line += "empty";
    } else {
      append_kmem_range(line, lo << PAGE_SHIFT, hi << PAGE_SHIFT, 18);
    }
    out.push_back(std::move(line));
  }
  return out;
}

// free_area_init: "Movable zone start for each node"
std::vector<std::string> print_movable_zone_start(const ZoneLayout& z) {
  std::vector<std::string> out{"Movable zone start for each node"};
  // Every node with a ZONE_MOVABLE start, in nid order (most slots are 0).
  const auto& zmp = z.zone_movable_pfn;
  const auto set = [](std::uint64_t pfn) { return pfn != 0; };
  for (auto it = std::find_if(zmp.begin(), zmp.end(), set); it != zmp.end();
       it = std::find_if(it + 1, zmp.end(), set)) {
    const auto i = it - zmp.begin();
    const std::uint64_t pfn = *it;
    std::string line;
    line.reserve(40);
    line += "  Node ";
    append_dec(line, static_cast<std::uint64_t>(i));
    line += ": ";
    append_khex(line, pfn << PAGE_SHIFT, 18);
    out.push_back(std::move(line));
  }
  return out;
}

// free_area_init: "Early memory node ranges" ("  node %3d: [mem ...]")
std::vector<std::string> print_early_memory_node_ranges(const Memblock& mb) {
  std::vector<std::string> out{"Early memory node ranges"};
  const std::vector<PfnRange> ranges = mb.mem_pfn_ranges(MAX_NUMNODES);
  out.reserve(ranges.size() + 1);
  for (const PfnRange& r : ranges) {
    std::string line;
    line.reserve(64);  // one allocation: "  node NNN: [mem " + 2 x 18 digits + "-]"
    line += "  node ";
    std::string nid;
    append_int(nid, r.nid);
    if (nid.size() < 3) line.append(3 - nid.size(), ' ');
    line += nid;
    line += ": ";
    append_kmem_range(line, r.start_pfn << PAGE_SHIFT, r.end_pfn << PAGE_SHIFT, 18);
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace mbv
