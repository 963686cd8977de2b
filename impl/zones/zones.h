// Zone layout of Linux 6.1 at boot (mm/page_alloc.c free_area_init, x86
// zone_sizes_init): the arch zone limits, ZONE_MOVABLE's start per node
// (find_zone_movable_pfns_for_nodes), per-node zone spans, and the three
// printouts the kernel makes ("Zone ranges:", "Movable zone start for each
// node", "Early memory node ranges").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/memblock/memblock.h"

namespace mbv {

// enum zone_type with the Debian config (ZONE_DMA, ZONE_DMA32, ZONE_DEVICE on,
// no HIGHMEM).
enum ZoneType : int {
  ZONE_DMA = 0,
  ZONE_DMA32 = 1,
  ZONE_NORMAL = 2,
  ZONE_MOVABLE = 3,
  ZONE_DEVICE = 4,
};
inline constexpr int MAX_NR_ZONES = 5;
inline constexpr std::uint64_t MAX_DMA_PFN = SZ_16M >> PAGE_SHIFT;   // arch/x86 MAX_DMA_PFN
inline constexpr std::uint64_t MAX_DMA32_PFN = SZ_4G >> PAGE_SHIFT;  // arch/x86 MAX_DMA32_PFN
inline constexpr std::uint64_t MAX_ORDER_NR_PAGES = 1024;            // 1 << (MAX_ORDER - 1)

// zone_names[]
std::string_view zone_name(int zone);

using ZonePfns = std::array<std::uint64_t, MAX_NR_ZONES>;

// The command-line options find_zone_movable_pfns_for_nodes reads.
struct MovableZoneConfig {
  bool movable_node = false;          // movable_node_is_enabled()
  bool mirrored_kernelcore = false;   // kernelcore=mirror
  std::uint64_t required_kernelcore = 0;          // pages
  std::uint64_t required_kernelcore_percent = 0;
  std::uint64_t required_movablecore = 0;         // pages
  std::uint64_t required_movablecore_percent = 0;
  friend bool operator==(const MovableZoneConfig&, const MovableZoneConfig&) = default;
};

// One zone of one node: [start_pfn, end_pfn) spanned, present = spanned - absent.
struct ZoneSpan {
  std::uint64_t start_pfn = 0;
  std::uint64_t end_pfn = 0;
  std::uint64_t spanned = 0;
  std::uint64_t present = 0;
  friend bool operator==(const ZoneSpan&, const ZoneSpan&) = default;
};

struct NodeZones {
  int nid = 0;
  std::uint64_t start_pfn = 0;  // get_pfn_range_for_nid
  std::uint64_t end_pfn = 0;
  std::array<ZoneSpan, MAX_NR_ZONES> zones{};
  friend bool operator==(const NodeZones&, const NodeZones&) = default;
};

// What free_area_init computes.
struct ZoneLayout {
  ZonePfns lowest{};   // arch_zone_lowest_possible_pfn
  ZonePfns highest{};  // arch_zone_highest_possible_pfn
  int movable_zone = ZONE_NORMAL;
  // zone_movable_pfn[nid] for every nid (0 = no ZONE_MOVABLE on that node).
  std::vector<std::uint64_t> zone_movable_pfn = std::vector<std::uint64_t>(MAX_NUMNODES, 0);
  bool unmirrored_kernel_memory = false;  // "This configuration results in unmirrored kernel memory."
  std::vector<NodeZones> nodes;           // every node with memory, ascending nid
  std::vector<std::string> log;           // the kernel's printouts, in order
  friend bool operator==(const ZoneLayout&, const ZoneLayout&) = default;
};

// zone_sizes_init (arch/x86/mm/init.c): the max_zone_pfns array.
ZonePfns x86_max_zone_pfns(std::uint64_t max_low_pfn);

// get_pfn_range_for_nid (mm/page_alloc.c); start 0 when the node has no pages.
void get_pfn_range_for_nid(const Memblock& mb, int nid, std::uint64_t* start_pfn,
                           std::uint64_t* end_pfn);

// find_usable_zone_for_movable (mm/page_alloc.c)
int find_usable_zone_for_movable(const ZoneLayout& z);

// find_zone_movable_pfns_for_nodes (mm/page_alloc.c): fills z.zone_movable_pfn;
// needs z.lowest/z.highest set.
void find_zone_movable_pfns_for_nodes(ZoneLayout& z, const Memblock& mb,
                                      const MovableZoneConfig& cfg);

// adjust_zone_range_for_zone_movable (mm/page_alloc.c)
void adjust_zone_range_for_zone_movable(const ZoneLayout& z, bool mirrored_kernelcore, int nid,
                                        int zone_type, std::uint64_t node_start_pfn,
                                        std::uint64_t node_end_pfn, std::uint64_t* zone_start_pfn,
                                        std::uint64_t* zone_end_pfn);

// zone_spanned_pages_in_node + zone_absent_pages_in_node for every zone of nid.
NodeZones node_zones(const ZoneLayout& z, const Memblock& mb, bool mirrored_kernelcore, int nid);

// free_area_init (mm/page_alloc.c): limits, ZONE_MOVABLE, per-node spans, printouts.
ZoneLayout free_area_init(const Memblock& mb, const ZonePfns& max_zone_pfn,
                          const MovableZoneConfig& cfg);

// The three printouts, each a list of lines exactly as 6.1 prints them
// (without the "[    0.000000] " timestamp).
std::vector<std::string> print_zone_ranges(const ZoneLayout& z);
std::vector<std::string> print_movable_zone_start(const ZoneLayout& z);
std::vector<std::string> print_early_memory_node_ranges(const Memblock& mb);

}  // namespace mbv
