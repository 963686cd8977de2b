// sparse_init's memmap (mm/sparse.c, mm/sparse-vmemmap.c): per node, one
// buffer for all present sections from the node itself (exact nid, above
// 16M), else one 2 MiB block per section from any node.
#include <map>

#include "impl/boot/boot.h"

namespace mbv {

Status boot_sparse(BootState& st) {
  // memblocks_present: a section is present on the node of any memory in it.
  std::map<std::uint64_t, int> section_node;  // ascending section number
  for (const PfnRange& r : st.mb.mem_pfn_ranges(MAX_NUMNODES)) {
    const std::uint64_t first = (r.start_pfn << PAGE_SHIFT) / SECTION_BYTES;
    const std::uint64_t last = ((r.end_pfn << PAGE_SHIFT) - 1) / SECTION_BYTES;
    for (std::uint64_t s = first; s <= last; ++s) section_node.emplace(s, r.nid);
  }
  // sparse_init walks present sections in order and calls sparse_init_nid for
  // each run of one node.
  std::vector<std::pair<int, std::uint64_t>> runs;  // nid, map_count
  for (const auto& [sec, nid] : section_node) {
    if (runs.empty() || runs.back().first != nid) runs.emplace_back(nid, 0);
    runs.back().second++;
  }
  const phys_addr_t min_addr = SZ_16M;  // __pa(MAX_DMA_ADDRESS)
  for (const auto& [nid, count] : runs) {
    const std::uint64_t size = count * SECTION_MAP_BYTES;
    const phys_addr_t buf =
        st.mb.alloc_exact_nid_raw(size, SECTION_MAP_BYTES, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
    if (buf) {
      boot_record(st, Owner::Memmap, {buf, buf + size}, "memmap node " + std::to_string(nid));
      continue;
    }
    // vmemmap_alloc_block: one section at a time, any node, goal 16M.
    for (std::uint64_t i = 0; i < count; ++i) {
      const phys_addr_t b = st.mb.alloc_try_nid_raw(SECTION_MAP_BYTES, SECTION_MAP_BYTES, min_addr,
                                                    MEMBLOCK_ALLOC_ACCESSIBLE, nid);
      if (!b) {
        st.log.push_back("sparse_init: node " + std::to_string(nid) + " memmap allocation failed");
        break;
      }
      boot_record(st, Owner::Memmap, {b, b + SECTION_MAP_BYTES},
                  "memmap node " + std::to_string(nid) + " (per section)");
    }
  }
  st.notes.push_back("sparse_init: vmemmap page-table pages are not modelled");
  return Ok{};
}

}  // namespace mbv
