// Node registration (arch/x86/mm/numa.c): nids onto memblock, the kernel-node
// hotplug rule, the coverage check and NODE_DATA allocation.
#include <algorithm>
#include <cstdint>

#include "impl/numa/kprint.h"
#include "impl/numa/numa.h"

namespace mbv {

// __absent_pages_in_range (mm/page_alloc.c)
std::uint64_t absent_pages_in_range(const Memblock& mb, int nid, std::uint64_t start_pfn,
                                    std::uint64_t end_pfn) {
  std::uint64_t nr_absent = end_pfn - start_pfn;
  for (const PfnRange& r : mb.mem_pfn_ranges(nid)) {
    const std::uint64_t s = std::clamp(r.start_pfn, start_pfn, end_pfn);
    const std::uint64_t e = std::clamp(r.end_pfn, start_pfn, end_pfn);
    nr_absent -= e - s;
  }
  return nr_absent;
}

// numa_meminfo_cover_memory (arch/x86/mm/numa.c)
bool numa_meminfo_cover_memory(const NumaMeminfo& mi, const Memblock& mb, std::uint64_t max_pfn,
                               std::vector<std::string>* log) {
  std::uint64_t numaram = 0;
  for (const NumaBlock& b : mi.blk) {
    const std::uint64_t s = b.start >> PAGE_SHIFT;
    const std::uint64_t e = b.end >> PAGE_SHIFT;
    numaram += e - s;
    numaram -= absent_pages_in_range(mb, b.nid, s, e);
    if (static_cast<std::int64_t>(numaram) < 0) numaram = 0;
  }
  const std::uint64_t e820ram = max_pfn - absent_pages_in_range(mb, MAX_NUMNODES, 0, max_pfn);
  // 1 MiB of slack: the kernel "loses 3 pages somewhere".
  if (static_cast<std::int64_t>(e820ram - numaram) >= (1 << (20 - PAGE_SHIFT))) {
    if (log) {
      log->push_back("NUMA: nodes only cover " + std::to_string((numaram << PAGE_SHIFT) >> 20) +
                     "MB of your " + std::to_string((e820ram << PAGE_SHIFT) >> 20) +
                     "MB e820 RAM. Not used.");
    }
    return false;
  }
  return true;
}

// numa_clear_kernel_node_hotplug (arch/x86/mm/numa.c)
NodeMask numa_clear_kernel_node_hotplug(const NumaMeminfo& mi, Memblock& mb) {
  NodeMask reserved_nodemask;
  // Tag every reservation with the node of the block it lies in (splitting
  // reservations at block edges). A failure only warns in the kernel.
  for (const NumaBlock& b : mi.blk) {
    (void)mb.set_node(b.start, b.end - b.start, MemblockTypeId::Reserved, b.nid);
  }
  // Any reservation at all pins its node: image, page tables, ACPI tables...
  for (const MemblockRegion& r : mb.reserved.regions) {
    if (r.nid != MAX_NUMNODES && r.nid >= 0 && r.nid < MAX_NUMNODES) {
      reserved_nodemask.set(static_cast<std::size_t>(r.nid));
    }
  }
  // The whole node becomes non-hotpluggable, not just the reserved part.
  for (const NumaBlock& b : mi.blk) {
    if (!reserved_nodemask.test(static_cast<std::size_t>(b.nid))) continue;
    (void)mb.clear_hotplug(b.start, b.end - b.start);
  }
  return reserved_nodemask;
}

// early_pfn_to_nid (mm/page_alloc.c, via memblock_search_pfn_nid)
int early_pfn_to_nid(const Memblock& mb, const NodeMask& online, std::uint64_t pfn) {
  std::uint64_t s = 0, e = 0;
  const int nid = mb.search_pfn_nid(pfn, &s, &e);
  if (nid >= 0) return nid;
  for (std::size_t n = 0; n < online.size(); ++n) {
    if (online.test(n)) return static_cast<int>(n);  // first_online_node
  }
  return 0;
}

// alloc_node_data (arch/x86/mm/numa.c)
void alloc_node_data(NumaState& st, Memblock& mb, int nid) {
  const std::uint64_t nd_size = NODE_DATA_SIZE;
  const phys_addr_t nd_pa = mb.phys_alloc_try_nid(nd_size, SMP_CACHE_BYTES, nid);
  if (!nd_pa) {
    st.log.push_back("Cannot find " + std::to_string(nd_size) + " bytes in any node (initial node: " +
                     std::to_string(nid) + ")");
    return;  // the node is not set online
  }
  std::string line;
  line.reserve(64);
  line += "NODE_DATA(";
  append_int(line, nid);
  line += ") allocated ";
  append_kmem_range(line, nd_pa, nd_pa + nd_size);
  st.log.push_back(std::move(line));
  const int tnid = early_pfn_to_nid(mb, st.node_online, nd_pa >> PAGE_SHIFT);
  if (tnid != nid) {
    st.log.push_back("    NODE_DATA(" + std::to_string(nid) + ") on node " + std::to_string(tnid));
  }
  st.node_data.push_back(NodeDataPlacement{nid, PhysRange{nd_pa, nd_pa + nd_size}, tnid});
  st.events.push_back(AllocEvent{Owner::NodeData, Phase::AfterSrat, PhysRange{nd_pa, nd_pa + nd_size},
                                 tnid, "NODE_DATA(" + std::to_string(nid) + ")"});
  st.node_online.set(static_cast<std::size_t>(nid));
}

// numa_register_memblks (arch/x86/mm/numa.c)
int numa_register_memblks(NumaState& st, Memblock& mb, const NumaEnv& env) {
  // Nodes with CPUs but no memory count as possible too.
  st.node_possible = st.nodes_parsed;
  numa_nodemask_from_meminfo(st.node_possible, st.meminfo);
  if (st.node_possible.none()) return -KERN_EINVAL;  // WARN_ON in the kernel

  for (const NumaBlock& b : st.meminfo.blk) {
    (void)mb.set_node(b.start, b.end - b.start, MemblockTypeId::Memory, b.nid);
  }

  st.reserved_nodemask = numa_clear_kernel_node_hotplug(st.meminfo, mb);

  // NODE_NOT_IN_PAGE_FLAGS is not defined for x86-64 with SPARSEMEM_VMEMMAP
  // (the node id fits in page->flags), so the node-alignment check is skipped.

  if (!numa_meminfo_cover_memory(st.meminfo, mb, env.max_pfn, &st.log)) return -KERN_EINVAL;

  // for_each_node_mask(nid, node_possible_map), visiting only the nodes that
  // have blocks: for any other node start >= end and nothing happens.
  std::vector<std::size_t> with_blocks;
  with_blocks.reserve(st.meminfo.blk.size());
  for (const NumaBlock& b : st.meminfo.blk)
    if (b.nid >= 0 && b.nid < MAX_NUMNODES) with_blocks.push_back(static_cast<std::size_t>(b.nid));
  std::sort(with_blocks.begin(), with_blocks.end());
  with_blocks.erase(std::unique(with_blocks.begin(), with_blocks.end()), with_blocks.end());
  for (const std::size_t nid : with_blocks) {
    if (!st.node_possible[nid]) continue;
    std::uint64_t start = env.max_pfn << PAGE_SHIFT;
    std::uint64_t end = 0;
    for (const NumaBlock& b : st.meminfo.blk) {
      if (b.nid != static_cast<int>(nid)) continue;
      start = std::min(b.start, start);
      end = std::max(b.end, end);
    }
    if (start >= end) continue;
    alloc_node_data(st, mb, static_cast<int>(nid));
  }
  return 0;
}

}  // namespace mbv
