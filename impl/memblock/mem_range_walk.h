// The kernel's memory-range iterators (__next_mem_range and
// __next_mem_range_rev, mm/memblock.c) as templates over a callback. Internal
// to impl/memblock: memblock.cpp runs them for its allocation searches and
// iterators.cpp for the materialised walks (memblock.h).
#pragma once

#include <algorithm>

#include "impl/memblock/memblock.h"

namespace mbv::detail {

// __for_each_mem_range: calls fn(range) for each range the kernel's
// __next_mem_range would report, until fn returns true. The two indices
// persist across reports exactly as the packed u64 cursor does.
template <typename Fn>
void for_each_mem_range_fwd(const Memblock& mb, MemblockTypeId ta, const MemblockType* b, int nid,
                            std::uint32_t flags, Fn&& fn) {
  const MemblockType& a = mb.type(ta);
  if (nid == MAX_NUMNODES) nid = NUMA_NO_NODE;  // the WARN_ONCE rewrite
  const int a_cnt = static_cast<int>(a.cnt());
  const int b_cnt = b ? static_cast<int>(b->cnt()) : 0;
  int ia = 0, ib = 0;
  for (;;) {
    MemRange out;
    bool found = false;
    for (; ia < a_cnt; ia++) {
      const MemblockRegion& m = a.regions[ia];
      const phys_addr_t m_start = m.base, m_end = m.base + m.size;
      if (mb.should_skip_region(ta, m, nid, flags)) continue;
      if (!b) {
        out = {m_start, m_end, m.nid};
        ia++;
        found = true;
        break;
      }
      // Gap ib of b runs from the end of b[ib-1] (0 for ib == 0) to the base
      // of b[ib] (PHYS_ADDR_MAX past the last region).
      for (; ib < b_cnt + 1; ib++) {
        const phys_addr_t r_start = ib ? b->regions[ib - 1].base + b->regions[ib - 1].size : 0;
        const phys_addr_t r_end = ib < b_cnt ? b->regions[ib].base : PHYS_ADDR_MAX;
        if (r_start >= m_end) break;
        if (m_start < r_end) {
          out = {std::max(m_start, r_start), std::min(m_end, r_end), m.nid};
          if (m_end <= r_end)
            ia++;
          else
            ib++;
          found = true;
          break;
        }
      }
      if (found) break;
    }
    if (!found || fn(out)) return;
  }
}

// __for_each_mem_range_rev: the mirror image of for_each_mem_range_fwd.
template <typename Fn>
void for_each_mem_range_rev(const Memblock& mb, MemblockTypeId ta, const MemblockType* b, int nid,
                            std::uint32_t flags, Fn&& fn) {
  const MemblockType& a = mb.type(ta);
  if (nid == MAX_NUMNODES) nid = NUMA_NO_NODE;
  const int b_cnt = b ? static_cast<int>(b->cnt()) : 0;
  int ia = static_cast<int>(a.cnt()) - 1;
  int ib = b ? b_cnt : 0;
  for (;;) {
    MemRange out;
    bool found = false;
    for (; ia >= 0; ia--) {
      const MemblockRegion& m = a.regions[ia];
      const phys_addr_t m_start = m.base, m_end = m.base + m.size;
      if (mb.should_skip_region(ta, m, nid, flags)) continue;
      if (!b) {
        out = {m_start, m_end, m.nid};
        ia--;
        found = true;
        break;
      }
      for (; ib >= 0; ib--) {
        const phys_addr_t r_start = ib ? b->regions[ib - 1].base + b->regions[ib - 1].size : 0;
        const phys_addr_t r_end = ib < b_cnt ? b->regions[ib].base : PHYS_ADDR_MAX;
        if (r_end <= m_start) break;
        if (m_end > r_start) {
          out = {std::max(m_start, r_start), std::min(m_end, r_end), m.nid};
          if (m_start >= r_start)
            ia--;
          else
            ib--;
          found = true;
          break;
        }
      }
      if (found) break;
    }
    if (!found || fn(out)) return;
  }
}

}  // namespace mbv::detail
