// The materialised iterators of the reference model (memblock.h): each
// walk runs the kernel's iterator (mem_range_walk.h) and collects its ranges.
// A file of its own so local libFuzzer builds can leave it without coverage
// instrumentation (impl/memblock/CMakeLists.txt): the executable spec runs
// 14 of these walks on every step of memblock_ops, and the allocation
// searches in memblock.cpp, which steer the fuzzer, run the same templates
// instrumented.
#include "impl/memblock/mem_range_walk.h"
#include "impl/memblock/memblock.h"

namespace mbv {

using detail::for_each_mem_range_fwd;
using detail::for_each_mem_range_rev;

// __for_each_mem_range / __for_each_mem_range_rev (include/linux/memblock.h)
std::vector<MemRange> Memblock::walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b,
                                                int nid, std::uint32_t flags, bool reverse) const {
  std::vector<MemRange> out;
  walk_mem_ranges(a, b, nid, flags, reverse, out);
  return out;
}

void Memblock::walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b, int nid,
                               std::uint32_t flags, bool reverse, std::vector<MemRange>& out) const {
  out.clear();
  const MemblockType* tb = b ? &type(*b) : nullptr;
  // At most one range per region of `a` and per gap of `b`: grow once.
  out.reserve(type(a).cnt() + (tb ? tb->cnt() : 0) + 1);
  auto push = [&out](const MemRange& r) {
    out.push_back(r);
    return false;
  };
  if (reverse)
    for_each_mem_range_rev(*this, a, tb, nid, flags, push);
  else
    for_each_mem_range_fwd(*this, a, tb, nid, flags, push);
}

// for_each_free_mem_range (include/linux/memblock.h)
std::vector<MemRange> Memblock::free_mem_ranges(int nid, std::uint32_t flags) const {
  return walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, nid, flags, false);
}

// for_each_free_mem_range_reverse (include/linux/memblock.h)
std::vector<MemRange> Memblock::free_mem_ranges_reverse(int nid, std::uint32_t flags) const {
  return walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, nid, flags, true);
}

// for_each_mem_range (include/linux/memblock.h)
std::vector<MemRange> Memblock::mem_ranges() const {
  return walk_mem_ranges(MemblockTypeId::Memory, std::nullopt, NUMA_NO_NODE,
                         MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, false);
}

// for_each_mem_range_rev (include/linux/memblock.h)
std::vector<MemRange> Memblock::mem_ranges_rev() const {
  return walk_mem_ranges(MemblockTypeId::Memory, std::nullopt, NUMA_NO_NODE,
                         MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, true);
}

// for_each_reserved_mem_range (include/linux/memblock.h)
std::vector<MemRange> Memblock::reserved_mem_ranges() const {
  return walk_mem_ranges(MemblockTypeId::Reserved, std::nullopt, NUMA_NO_NODE, MEMBLOCK_NONE,
                         false);
}

// for_each_mem_pfn_range via __next_mem_pfn_range (mm/memblock.c)
std::vector<PfnRange> Memblock::mem_pfn_ranges(int nid) const {
  std::vector<PfnRange> out;
  mem_pfn_ranges(nid, out);
  return out;
}

void Memblock::mem_pfn_ranges(int nid, std::vector<PfnRange>& out) const {
  out.clear();
  out.reserve(memory.regions.size());
  for (const MemblockRegion& r : memory.regions) {
    const std::uint64_t spfn = pfn_up(r.base), epfn = pfn_down(r.base + r.size);
    if (spfn >= epfn) continue;
    if (nid == MAX_NUMNODES || nid == r.nid) out.push_back(PfnRange{spfn, epfn, r.nid});
  }
}

}  // namespace mbv
