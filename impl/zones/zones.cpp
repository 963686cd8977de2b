// Zone limits, ZONE_MOVABLE placement and zone spans (mm/page_alloc.c).
#include "impl/zones/zones.h"

#include <algorithm>
#include <bitset>

namespace mbv {

std::string_view zone_name(int zone) {
  switch (zone) {
    case ZONE_DMA: return "DMA";
    case ZONE_DMA32: return "DMA32";
    case ZONE_NORMAL: return "Normal";
    case ZONE_MOVABLE: return "Movable";
    case ZONE_DEVICE: return "Device";
  }
  return "?";
}

// zone_sizes_init (arch/x86/mm/init.c)
ZonePfns x86_max_zone_pfns(std::uint64_t max_low_pfn) {
  ZonePfns m{};
  m[ZONE_DMA] = std::min(MAX_DMA_PFN, max_low_pfn);
  m[ZONE_DMA32] = std::min(MAX_DMA32_PFN, max_low_pfn);
  m[ZONE_NORMAL] = max_low_pfn;
  return m;  // MOVABLE and DEVICE stay 0
}

namespace {

// get_pfn_range_for_nid's loop over one node's memory ranges.
void pfn_span(const std::vector<PfnRange>& node_ranges, std::uint64_t* start_pfn,
              std::uint64_t* end_pfn) {
  *start_pfn = ~std::uint64_t{0};
  *end_pfn = 0;
  for (const PfnRange& r : node_ranges) {
    *start_pfn = std::min(*start_pfn, r.start_pfn);
    *end_pfn = std::max(*end_pfn, r.end_pfn);
  }
  if (*start_pfn == ~std::uint64_t{0}) *start_pfn = 0;
}

}  // namespace

// get_pfn_range_for_nid (mm/page_alloc.c)
void get_pfn_range_for_nid(const Memblock& mb, int nid, std::uint64_t* start_pfn,
                           std::uint64_t* end_pfn) {
  pfn_span(mb.mem_pfn_ranges(nid), start_pfn, end_pfn);
}

// find_usable_zone_for_movable (mm/page_alloc.c)
int find_usable_zone_for_movable(const ZoneLayout& z) {
  int zone_index = MAX_NR_ZONES - 1;
  for (; zone_index >= 0; zone_index--) {
    if (zone_index == ZONE_MOVABLE) continue;
    if (z.highest[zone_index] > z.lowest[zone_index]) break;
  }
  MB_CHECK(zone_index != -1, "find_usable_zone_for_movable: no zone has pages");
  return zone_index;
}

namespace {

bool valid_nid(int nid) { return nid >= 0 && nid < MAX_NUMNODES; }

// min() that treats 0 as "unset", the idiom find_zone_movable_pfns_for_nodes uses.
void set_min_unset(std::uint64_t& slot, std::uint64_t v) { slot = slot ? std::min(v, slot) : v; }

// The nodes whose zone_movable_pfn a pass may have set, so that the alignment
// pass visits those instead of all MAX_NUMNODES slots (every other slot is 0
// and stays 0).
struct TouchedNodes {
  std::bitset<MAX_NUMNODES> seen;
  std::vector<int> list;
  void add(int nid) {
    if (seen[static_cast<std::size_t>(nid)]) return;
    seen[static_cast<std::size_t>(nid)] = true;
    list.push_back(nid);
  }
};

}  // namespace

// find_zone_movable_pfns_for_nodes (mm/page_alloc.c)
void find_zone_movable_pfns_for_nodes(ZoneLayout& z, const Memblock& mb,
                                      const MovableZoneConfig& cfg) {
  // early_calculate_totalpages: also the temporary N_MEMORY state.
  std::uint64_t totalpages = 0;
  std::bitset<MAX_NUMNODES> n_memory;
  for (const PfnRange& r : mb.mem_pfn_ranges(MAX_NUMNODES)) {
    const std::uint64_t pages = r.end_pfn - r.start_pfn;
    totalpages += pages;
    if (pages && valid_nid(r.nid)) n_memory.set(static_cast<std::size_t>(r.nid));
  }
  std::uint64_t usable_nodes = n_memory.count();

  z.movable_zone = find_usable_zone_for_movable(z);

  bool align = true;
  TouchedNodes touched;
  if (cfg.movable_node) {
    // kernelcore= and movablecore= are ignored: the lowest HOTPLUG base of
    // each node starts ZONE_MOVABLE there.
    for (const MemblockRegion& r : mb.memory.regions) {
      if (!(r.flags & MEMBLOCK_HOTPLUG)) continue;
      if (!valid_nid(r.nid)) continue;  // the kernel would index past the array
      set_min_unset(z.zone_movable_pfn[static_cast<std::size_t>(r.nid)], pfn_down(r.base));
      touched.add(r.nid);
    }
  } else if (cfg.mirrored_kernelcore) {
    bool mem_below_4gb_not_mirrored = false;
    for (const MemblockRegion& r : mb.memory.regions) {
      if (r.flags & MEMBLOCK_MIRROR) continue;
      if (!valid_nid(r.nid)) continue;
      const std::uint64_t usable_startpfn = pfn_up(r.base);  // memblock_region_memory_base_pfn
      if (usable_startpfn < (SZ_4G >> PAGE_SHIFT)) {
        mem_below_4gb_not_mirrored = true;
        continue;
      }
      set_min_unset(z.zone_movable_pfn[static_cast<std::size_t>(r.nid)], usable_startpfn);
      touched.add(r.nid);
    }
    if (mem_below_4gb_not_mirrored) {
      z.unmirrored_kernel_memory = true;
      z.log.push_back("This configuration results in unmirrored kernel memory.");
    }
  } else {
    std::uint64_t required_kernelcore = cfg.required_kernelcore;
    std::uint64_t required_movablecore = cfg.required_movablecore;
    if (cfg.required_kernelcore_percent)
      required_kernelcore = (totalpages * 100 * cfg.required_kernelcore_percent) / 10000;
    if (cfg.required_movablecore_percent)
      required_movablecore = (totalpages * 100 * cfg.required_movablecore_percent) / 10000;
    if (required_movablecore) {
      // roundup() here is the division form, but 1024 is a power of two.
      required_movablecore = round_up(required_movablecore, MAX_ORDER_NR_PAGES);
      required_movablecore = std::min(totalpages, required_movablecore);
      const std::uint64_t corepages = totalpages - required_movablecore;
      required_kernelcore = std::max(required_kernelcore, corepages);
    }
    if (!required_kernelcore || required_kernelcore >= totalpages) {
      align = false;  // "goto out": no ZONE_MOVABLE, no alignment pass
    } else {
      const std::uint64_t usable_startpfn = z.lowest[static_cast<std::size_t>(z.movable_zone)];
      do {
        // Spread kernelcore as evenly as possible over the nodes.
        std::uint64_t kernelcore_node = required_kernelcore / usable_nodes;
        for (std::size_t nid = 0; nid < n_memory.size(); ++nid) {
          if (!n_memory.test(nid)) continue;
          if (required_kernelcore < kernelcore_node)
            kernelcore_node = required_kernelcore / usable_nodes;
          std::uint64_t kernelcore_remaining = kernelcore_node;
          std::uint64_t& zmp = z.zone_movable_pfn[nid];
          touched.add(static_cast<int>(nid));
          for (const PfnRange& r : mb.mem_pfn_ranges(static_cast<int>(nid))) {
            std::uint64_t start_pfn = std::max(r.start_pfn, zmp);
            const std::uint64_t end_pfn = r.end_pfn;
            if (start_pfn >= end_pfn) continue;
            if (start_pfn < usable_startpfn) {
              // Pages below the movable zone's floor can only be kernelcore.
              const std::uint64_t kernel_pages = std::min(end_pfn, usable_startpfn) - start_pfn;
              kernelcore_remaining -= std::min(kernel_pages, kernelcore_remaining);
              required_kernelcore -= std::min(kernel_pages, required_kernelcore);
              if (end_pfn <= usable_startpfn) {
                zmp = end_pfn;  // so a rebalancing pass does not count it twice
                continue;
              }
              start_pfn = usable_startpfn;
            }
            std::uint64_t size_pages = end_pfn - start_pfn;
            if (size_pages > kernelcore_remaining) size_pages = kernelcore_remaining;
            zmp = start_pfn + size_pages;
            required_kernelcore -= std::min(required_kernelcore, size_pages);
            kernelcore_remaining -= size_pages;
            if (!kernelcore_remaining) break;
          }
        }
        usable_nodes--;
      } while (usable_nodes && required_kernelcore > usable_nodes);
    }
  }

  if (align) {
    // out2: align every node's start to MAX_ORDER_NR_PAGES; a start at or past
    // the node's end means no ZONE_MOVABLE there.
    // Only touched nodes can be nonzero; the others round to 0 and stay 0.
    for (int nid : touched.list) {
      std::uint64_t& zmp = z.zone_movable_pfn[static_cast<std::size_t>(nid)];
      zmp = round_up(zmp, MAX_ORDER_NR_PAGES);
      // 0 >= end_pfn could only set it to 0 again: skip the node lookup.
      if (zmp == 0) continue;
      std::uint64_t start_pfn = 0, end_pfn = 0;
      get_pfn_range_for_nid(mb, nid, &start_pfn, &end_pfn);
      if (zmp >= end_pfn) zmp = 0;
    }
  }
}

// adjust_zone_range_for_zone_movable (mm/page_alloc.c)
void adjust_zone_range_for_zone_movable(const ZoneLayout& z, bool mirrored_kernelcore, int nid,
                                        int zone_type, std::uint64_t node_start_pfn,
                                        std::uint64_t node_end_pfn, std::uint64_t* zone_start_pfn,
                                        std::uint64_t* zone_end_pfn) {
  (void)node_start_pfn;
  const std::uint64_t zmp = valid_nid(nid) ? z.zone_movable_pfn[static_cast<std::size_t>(nid)] : 0;
  if (!zmp) return;
  if (zone_type == ZONE_MOVABLE) {
    *zone_start_pfn = zmp;
    *zone_end_pfn = std::min(node_end_pfn, z.highest[static_cast<std::size_t>(z.movable_zone)]);
  } else if (!mirrored_kernelcore && *zone_start_pfn < zmp && *zone_end_pfn > zmp) {
    *zone_end_pfn = zmp;
  } else if (*zone_start_pfn >= zmp) {
    *zone_start_pfn = *zone_end_pfn;
  }
}

namespace {

// __absent_pages_in_range (mm/page_alloc.c), over the node's memory ranges.
std::uint64_t absent_in(const std::vector<PfnRange>& node_ranges, std::uint64_t s,
                        std::uint64_t e) {
  std::uint64_t nr_absent = e - s;
  for (const PfnRange& r : node_ranges) {
    nr_absent -= std::clamp(r.end_pfn, s, e) - std::clamp(r.start_pfn, s, e);
  }
  return nr_absent;
}

}  // namespace

// zone_spanned_pages_in_node + zone_absent_pages_in_node (mm/page_alloc.c)
NodeZones node_zones(const ZoneLayout& z, const Memblock& mb, bool mirrored_kernelcore, int nid) {
  NodeZones nz;
  nz.nid = nid;
  // The node's ranges once, for its span and every zone's absent pages.
  const std::vector<PfnRange> node_ranges = mb.mem_pfn_ranges(nid);
  pfn_span(node_ranges, &nz.start_pfn, &nz.end_pfn);  // get_pfn_range_for_nid
  for (int zt = 0; zt < MAX_NR_ZONES; ++zt) {
    ZoneSpan& span = nz.zones[static_cast<std::size_t>(zt)];
    if (!nz.start_pfn && !nz.end_pfn) continue;
    const std::uint64_t zone_low = z.lowest[static_cast<std::size_t>(zt)];
    const std::uint64_t zone_high = z.highest[static_cast<std::size_t>(zt)];

    // Spanned pages. std::clamp needs lo <= hi, which free_area_init ensures.
    std::uint64_t zs = std::clamp(nz.start_pfn, zone_low, zone_high);
    std::uint64_t ze = std::clamp(nz.end_pfn, zone_low, zone_high);
    adjust_zone_range_for_zone_movable(z, mirrored_kernelcore, nid, zt, nz.start_pfn, nz.end_pfn,
                                       &zs, &ze);
    if (ze < nz.start_pfn || zs > nz.end_pfn) {
      span = ZoneSpan{};
    } else {
      ze = std::min(ze, nz.end_pfn);
      zs = std::max(zs, nz.start_pfn);
      span.start_pfn = zs;
      span.end_pfn = ze;
      span.spanned = ze - zs;
    }

    // Absent pages, computed from the unclamped-to-node zone range as the kernel does.
    std::uint64_t as = std::clamp(nz.start_pfn, zone_low, zone_high);
    std::uint64_t ae = std::clamp(nz.end_pfn, zone_low, zone_high);
    adjust_zone_range_for_zone_movable(z, mirrored_kernelcore, nid, zt, nz.start_pfn, nz.end_pfn,
                                       &as, &ae);
    std::uint64_t absent = absent_in(node_ranges, as, ae);
    const std::uint64_t zmp = valid_nid(nid) ? z.zone_movable_pfn[static_cast<std::size_t>(nid)] : 0;
    if (mirrored_kernelcore && zmp) {
      // Mirror pages are absent from MOVABLE, non-mirror pages from NORMAL.
      for (const MemblockRegion& r : mb.memory.regions) {
        const std::uint64_t s = std::clamp(pfn_up(r.base), as, ae);
        const std::uint64_t e = std::clamp(pfn_down(r.end()), as, ae);
        if (zt == ZONE_MOVABLE && (r.flags & MEMBLOCK_MIRROR)) absent += e - s;
        if (zt == ZONE_NORMAL && !(r.flags & MEMBLOCK_MIRROR)) absent += e - s;
      }
    }
    span.present = span.spanned >= absent ? span.spanned - absent : 0;
  }
  return nz;
}

// free_area_init (mm/page_alloc.c)
ZoneLayout free_area_init(const Memblock& mb, const ZonePfns& max_zone_pfn,
                          const MovableZoneConfig& cfg) {
  ZoneLayout z;
  std::uint64_t start_pfn = pfn_down(mb.start_of_DRAM());
  // x86 has ascending max zone pfns.
  for (int zone = 0; zone < MAX_NR_ZONES; ++zone) {
    if (zone == ZONE_MOVABLE) continue;
    const std::uint64_t end_pfn = std::max(max_zone_pfn[static_cast<std::size_t>(zone)], start_pfn);
    z.lowest[static_cast<std::size_t>(zone)] = start_pfn;
    z.highest[static_cast<std::size_t>(zone)] = end_pfn;
    start_pfn = end_pfn;
  }
  find_zone_movable_pfns_for_nodes(z, mb, cfg);

  for (auto& line : print_zone_ranges(z)) z.log.push_back(std::move(line));
  for (auto& line : print_movable_zone_start(z)) z.log.push_back(std::move(line));
  for (auto& line : print_early_memory_node_ranges(mb)) z.log.push_back(std::move(line));

  // Every node with memory, ascending.
  std::vector<int> nids;
  for (const PfnRange& r : mb.mem_pfn_ranges(MAX_NUMNODES))
    if (r.nid >= 0 && r.nid < MAX_NUMNODES) nids.push_back(r.nid);
  std::sort(nids.begin(), nids.end());
  nids.erase(std::unique(nids.begin(), nids.end()), nids.end());
  z.nodes.reserve(nids.size());
  for (int nid : nids) z.nodes.push_back(node_zones(z, mb, cfg.mirrored_kernelcore, nid));
  return z;
}

}  // namespace mbv
