// split_mem_range: how init_memory_mapping cuts [start, end) into at most five
// ranges with page-size masks (arch/x86/mm/init.c, x86-64 flavour).
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "impl/common/types.h"
#include "impl/pgtable/paging.h"

namespace mbv {

class Memblock;

// struct map_range
struct MapRange {
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  PageSizeMask mask = PG_MASK_4K;
  friend bool operator==(const MapRange&, const MapRange&) = default;
};

// NR_RANGE_MR on x86-64.
inline constexpr std::size_t NR_RANGE_MR = 5;

// The fixed-capacity array the kernel keeps on its stack.
struct MapRanges {
  std::array<MapRange, NR_RANGE_MR> r{};
  std::size_t n = 0;
  const MapRange* begin() const { return r.data(); }
  const MapRange* end() const { return r.data() + n; }
  std::size_t size() const { return n; }
  const MapRange& operator[](std::size_t i) const { return r[i]; }
  friend bool operator==(const MapRanges& a, const MapRanges& b) {
    if (a.n != b.n) return false;
    for (std::size_t i = 0; i < a.n; ++i)
      if (!(a.r[i] == b.r[i])) return false;
    return true;
  }
};

// split_mem_range (arch/x86/mm/init.c), including adjust_range_page_size_mask
// (skipped when after_bootmem) and the final merge of touching equal-mask ranges.
MapRanges split_mem_range(phys_addr_t start, phys_addr_t end, PageSizeMask global_mask,
                          const Memblock& mb, bool after_bootmem);

// adjust_range_page_size_mask (arch/x86/mm/init.c)
void adjust_range_page_size_mask(MapRanges& mr, PageSizeMask global_mask, const Memblock& mb);

// " [mem %#010lx-%#010lx] page %s" as split_mem_range prints it (pr_debug).
std::string format_map_range(const MapRange& r);

// "[mem %#010lx-%#010lx]" with the kernel's %#010lx (the 0x counts in the width).
std::string format_mem_range(phys_addr_t start, phys_addr_t end_inclusive);
// The same, appended to `out`.
void append_mem_range(std::string& out, phys_addr_t start, phys_addr_t end_inclusive);

}  // namespace mbv
