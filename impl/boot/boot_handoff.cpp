// memblock_free_all -> free_low_memory_core_early (mm/memblock.c): HOTPLUG
// flags are cleared, free MEMBLOCK_NONE ranges go to the buddy allocator.
#include "impl/boot/boot.h"

namespace mbv {

Status boot_handoff(BootState& st) {
  st.phase = Phase::Handoff;
  (void)st.mb.clear_hotplug(0, PHYS_ADDR_MAX);
  HandoffResult h;
  for (const PfnRange& r : st.mb.mem_pfn_ranges(MAX_NUMNODES)) h.memory_pages += r.end_pfn - r.start_pfn;
  for (const MemRange& r : st.mb.free_mem_ranges(NUMA_NO_NODE, MEMBLOCK_NONE)) {
    // __free_memory_core: whole pages only, below max_low_pfn.
    const std::uint64_t s = pfn_up(r.start);
    const std::uint64_t e = std::min(pfn_down(r.end), std::max(st.max_low_pfn, st.max_pfn));
    if (s >= e) continue;
    h.free_ranges.push_back(PhysRange{s << PAGE_SHIFT, e << PAGE_SHIFT});
    h.free_pages += e - s;
  }
  h.reserved_pages = h.memory_pages >= h.free_pages ? h.memory_pages - h.free_pages : 0;
  st.handoff = std::move(h);
  return Ok{};
}

}  // namespace mbv
