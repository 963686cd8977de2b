// numa_meminfo edits and numa_cleanup_meminfo (arch/x86/mm/numa.c).
#include <algorithm>

#include "impl/numa/kprint.h"
#include "impl/numa/numa.h"

namespace mbv {

namespace {
void say(std::vector<std::string>* log, std::string line) {
  if (log) log->push_back(std::move(line));
}
}  // namespace

// numa_add_memblk_to (arch/x86/mm/numa.c)
int numa_add_memblk_to(int nid, std::uint64_t start, std::uint64_t end, NumaMeminfo& mi,
                       std::vector<std::string>* log) {
  if (start == end) return 0;
  if (start > end || nid < 0 || nid >= MAX_NUMNODES) {
    // The kernel whines and carries on: the block is dropped, not an error.
    say(log, "Warning: invalid memblk node " + std::to_string(nid) + " " +
                 kmem_range(start, end));
    return 0;
  }
  if (mi.blk.size() >= static_cast<std::size_t>(NR_NODE_MEMBLKS)) {
    say(log, "too many memblk ranges");
    return -KERN_EINVAL;
  }
  mi.blk.push_back(NumaBlock{start, end, nid});
  return 0;
}

// numa_remove_memblk_from (arch/x86/mm/numa.c)
void numa_remove_memblk_from(std::size_t idx, NumaMeminfo& mi) {
  MB_CHECK(idx < mi.blk.size(), "numa_remove_memblk_from: index out of range");
  mi.blk.erase(mi.blk.begin() + static_cast<std::ptrdiff_t>(idx));
}

// numa_move_tail_memblk (arch/x86/mm/numa.c)
void numa_move_tail_memblk(NumaMeminfo& dst, std::size_t idx, NumaMeminfo& src) {
  MB_CHECK(idx < src.blk.size(), "numa_move_tail_memblk: index out of range");
  // The kernel appends without a capacity check; numa_reserved_meminfo has the
  // same NR_NODE_MEMBLKS slots as the source, so it cannot overflow in 6.1's
  // callers either (the trim pass moves each block at most once).
  dst.blk.push_back(src.blk[idx]);
  numa_remove_memblk_from(idx, src);
}

// numa_cleanup_meminfo (arch/x86/mm/numa.c)
int numa_cleanup_meminfo(NumaMeminfo& mi, NumaMeminfo& reserved_mi, const Memblock& mb,
                         std::uint64_t max_pfn, std::vector<std::string>* log) {
  const std::uint64_t low = 0;
  const std::uint64_t high = max_pfn << PAGE_SHIFT;

  // Trim pass. Signed indices mirror the kernel's `i--` after a removal.
  for (long i = 0; i < static_cast<long>(mi.blk.size()); i++) {
    NumaBlock& bi = mi.blk[static_cast<std::size_t>(i)];
    // Blocks without any RAM are remembered for later hot-add, not used now.
    if (!mb.overlaps_region(MemblockTypeId::Memory, bi.start, bi.end - bi.start)) {
      numa_move_tail_memblk(reserved_mi, static_cast<std::size_t>(i), mi);
      i--;
      continue;
    }
    bi.start = std::max(bi.start, low);
    if (bi.end > high) {
      // The part above max_pfn is kept in the reserved list (for hot-add).
      // Its return value is ignored by the kernel too.
      (void)numa_add_memblk_to(bi.nid, high, bi.end, reserved_mi, log);
      bi.end = high;
    }
    if (bi.start >= bi.end) {
      numa_remove_memblk_from(static_cast<std::size_t>(i), mi);
      i--;
    }
  }

  // Merge pass: same-node blocks are joined across holes as long as the hull
  // touches no block of another node. After a join the scan continues at the
  // same j; blocks j' < j that were skipped for this i are not revisited.
  for (std::size_t i = 0; i < mi.blk.size(); i++) {
    for (long j = static_cast<long>(i) + 1; j < static_cast<long>(mi.blk.size()); j++) {
      NumaBlock& bi = mi.blk[i];
      const NumaBlock& bj = mi.blk[static_cast<std::size_t>(j)];
      if (bi.end > bj.start && bi.start < bj.end) {
        if (bi.nid != bj.nid) {
          say(log, "node " + std::to_string(bi.nid) + " " + kmem_range(bi.start, bi.end) +
                       " overlaps with node " + std::to_string(bj.nid) + " " +
                       kmem_range(bj.start, bj.end));
          return -KERN_EINVAL;
        }
        say(log, "Warning: node " + std::to_string(bi.nid) + " " + kmem_range(bi.start, bi.end) +
                     " overlaps with itself " + kmem_range(bj.start, bj.end));
      }
      if (bi.nid != bj.nid) continue;
      const std::uint64_t start = std::min(bi.start, bj.start);
      const std::uint64_t end = std::max(bi.end, bj.end);
      bool blocked = false;
      for (const NumaBlock& bk : mi.blk) {
        if (bk.nid == bi.nid) continue;
        if (start < bk.end && end > bk.start) {
          blocked = true;
          break;
        }
      }
      if (blocked) continue;
      say(log, "NUMA: Node " + std::to_string(bi.nid) + " " + kmem_range(bi.start, bi.end) +
                   " + " + kmem_range(bj.start, bj.end) + " -> " + kmem_range(start, end));
      bi.start = start;
      bi.end = end;
      numa_remove_memblk_from(static_cast<std::size_t>(j), mi);
      j--;
    }
  }
  return 0;
}

// numa_nodemask_from_meminfo (arch/x86/mm/numa.c)
void numa_nodemask_from_meminfo(NodeMask& mask, const NumaMeminfo& mi) {
  for (const NumaBlock& b : mi.blk) {
    if (b.start != b.end && b.nid != NUMA_NO_NODE) mask.set(static_cast<std::size_t>(b.nid));
  }
}

}  // namespace mbv
