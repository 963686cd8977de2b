#include "impl/pgtable/checks.h"

#include <algorithm>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/interval_map.h"

namespace mbv {

namespace {

std::vector<PgtViolation> leaves_outside_regions(const std::vector<PhysRange>& leaves,
                                                 std::uint64_t gran, const char* what,
                                                 const Memblock& mb) {
  std::vector<PgtViolation> out;
  const auto& regs = mb.memory.regions;
  for (const PhysRange& run : leaves) {
    // Blocks of `run` that some single region covers entirely.
    IntervalSet ok;
    auto it = std::upper_bound(regs.begin(), regs.end(), run.start,
                               [](phys_addr_t x, const MemblockRegion& r) { return x < r.base; });
    if (it != regs.begin()) --it;
    for (; it != regs.end() && it->base < run.end; ++it) {
      if (it->size == 0) continue;
      const phys_addr_t a = std::max(round_up(it->base, gran), run.start);
      const phys_addr_t b = std::min(round_down(it->end(), gran), run.end);
      if (a < b) ok.assign(a / gran, b / gran, Present{});
    }
    ok.for_each(run.start / gran, run.end / gran,
                [&](std::uint64_t a, std::uint64_t b, const Present* v) {
                  if (v) return;
                  out.push_back(PgtViolation{"large-leaf-in-one-region",
                                             PhysRange{a * gran, b * gran},
                                             std::string(what) +
                                                 " leaf not inside one memblock memory region"});
                });
  }
  return out;
}

}  // namespace

std::vector<PgtViolation> check_direct_map_coverage(const DirectMap& dm, const Memblock& mb) {
  IntervalSet need;
  need.assign(0, ISA_END_ADDRESS >> PAGE_SHIFT, Present{});
  for (const PfnRange& p : mb.mem_pfn_ranges(MAX_NUMNODES)) {
    const std::uint64_t e = std::min(p.end_pfn, dm.cfg.max_pfn);
    if (p.start_pfn < e) need.assign(p.start_pfn, e, Present{});
  }
  IntervalSet mapped;
  for (const PhysRange& r : mapped_ranges(dm.state()))
    mapped.assign(r.start >> PAGE_SHIFT, r.end >> PAGE_SHIFT, Present{});
  std::vector<PgtViolation> out;
  for (const auto& s : need.segments())
    mapped.for_each(s.lo, s.hi, [&](std::uint64_t a, std::uint64_t b, const Present* v) {
      if (!v)
        out.push_back(PgtViolation{"direct-map-coverage",
                                   PhysRange{a << PAGE_SHIFT, b << PAGE_SHIFT},
                                   "memory below max_pfn (or the ISA range) is not mapped"});
    });
  return out;
}

std::vector<PgtViolation> check_large_leaves_in_one_region(const DirectMap& dm,
                                                           const Memblock& mb) {
  const LeafRanges l = leaf_ranges(dm.state());
  auto out = leaves_outside_regions(l.leaves_1g, PUD_SIZE, "1G", mb);
  auto two = leaves_outside_regions(l.leaves_2m, PMD_SIZE, "2M", mb);
  out.insert(out.end(), two.begin(), two.end());
  return out;
}

std::vector<PgtViolation> check_pgtable_page_sources(const DirectMap& dm) {
  std::vector<PgtViolation> out;
  for (const PgtAllocRun& r : dm.allocs) {
    const PhysRange pr = r.range();
    const std::uint64_t s = pr.start >> PAGE_SHIFT, e = pr.end >> PAGE_SHIFT;
    if (r.source == PgtSource::Brk) {
      if (s < dm.pgt_buf_start || e > dm.pgt_buf_top)
        out.push_back(PgtViolation{"pgtable-page-source", pr, "brk page outside the pgt buffer"});
    } else if (s < r.window_lo_pfn || e > r.window_hi_pfn) {
      out.push_back(PgtViolation{"pgtable-page-source", pr,
                                 "memblock page outside [min_pfn_mapped, max_pfn_mapped)"});
    }
  }
  return out;
}

std::vector<PgtViolation> check_pgtable_pages_premapped(const DirectMap& dm) {
  std::vector<PgtViolation> out;
  for (const PgtAllocRun& r : dm.allocs)
    if (r.source == PgtSource::Memblock && !r.premapped)
      out.push_back(PgtViolation{"pgtable-page-premapped", r.range(),
                                 "page-table page taken from memory not yet in pfn_mapped[]"});
  return out;
}

}  // namespace mbv
