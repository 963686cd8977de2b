#include "impl/pgtable/split.h"

#include <cinttypes>
#include <cstdio>

#include "impl/common/numfmt.h"
#include "impl/common/result.h"
#include "impl/memblock/memblock.h"

namespace mbv {

namespace {
constexpr std::uint64_t PMD_PFNS = PMD_SIZE >> PAGE_SHIFT;
constexpr std::uint64_t PUD_PFNS = PUD_SIZE >> PAGE_SHIFT;

// save_mr (arch/x86/mm/init.c): empty candidates are dropped. Five saves is
// the most the five steps can produce, so the kernel's panic is unreachable.
void save_mr(MapRanges& mr, std::uint64_t start_pfn, std::uint64_t end_pfn, PageSizeMask mask) {
  if (start_pfn >= end_pfn) return;
  MB_CHECK(mr.n < NR_RANGE_MR, "split_mem_range needs more than NR_RANGE_MR ranges");
  mr.r[mr.n++] = MapRange{start_pfn << PAGE_SHIFT, end_pfn << PAGE_SHIFT, mask};
}
}  // namespace

PageSizeMask probe_page_size_mask(const CpuFeatures& cpu, bool debug_pagealloc,
                                  bool gbpages_enabled) {
  PageSizeMask mask = 0;
  bool direct_gbpages = gbpages_enabled;
  if (cpu.pse && !debug_pagealloc)
    mask |= PG_MASK_2M;
  else
    direct_gbpages = false;
  if (direct_gbpages && cpu.gbpages) mask |= PG_MASK_1G;
  return mask;
}

std::string_view page_size_string(PageSizeMask mask) {
  if (mask & PG_MASK_1G) return "1G";
  if (mask & PG_MASK_2M) return "2M";
  return "4k";
}

void adjust_range_page_size_mask(MapRanges& mr, PageSizeMask global_mask, const Memblock& mb) {
  for (std::size_t i = 0; i < mr.n; ++i) {
    MapRange& r = mr.r[i];
    if ((global_mask & PG_MASK_2M) && !(r.mask & PG_MASK_2M)) {
      phys_addr_t s = round_down(r.start, PMD_SIZE);
      phys_addr_t e = round_up(r.end, PMD_SIZE);
      if (mb.is_region_memory(s, e - s)) r.mask |= PG_MASK_2M;
    }
    if ((global_mask & PG_MASK_1G) && !(r.mask & PG_MASK_1G)) {
      phys_addr_t s = round_down(r.start, PUD_SIZE);
      phys_addr_t e = round_up(r.end, PUD_SIZE);
      if (mb.is_region_memory(s, e - s)) r.mask |= PG_MASK_1G;
    }
  }
}

MapRanges split_mem_range(phys_addr_t start, phys_addr_t end, PageSizeMask global_mask,
                          const Memblock& mb, bool after_bootmem) {
  MapRanges mr;
  const std::uint64_t limit_pfn = pfn_down(end);
  std::uint64_t pfn = pfn_down(start);

  // 4K head up to the first 2M boundary
  std::uint64_t start_pfn = pfn;
  std::uint64_t end_pfn = round_up(pfn, PMD_PFNS);
  if (end_pfn > limit_pfn) end_pfn = limit_pfn;
  if (start_pfn < end_pfn) {
    save_mr(mr, start_pfn, end_pfn, 0);
    pfn = end_pfn;
  }

  // 2M part up to the first 1G boundary
  start_pfn = round_up(pfn, PMD_PFNS);
  end_pfn = round_up(pfn, PUD_PFNS);
  if (end_pfn > round_down(limit_pfn, PMD_PFNS)) end_pfn = round_down(limit_pfn, PMD_PFNS);
  if (start_pfn < end_pfn) {
    save_mr(mr, start_pfn, end_pfn, global_mask & PG_MASK_2M);
    pfn = end_pfn;
  }

  // 1G core
  start_pfn = round_up(pfn, PUD_PFNS);
  end_pfn = round_down(limit_pfn, PUD_PFNS);
  if (start_pfn < end_pfn) {
    save_mr(mr, start_pfn, end_pfn, global_mask & (PG_MASK_2M | PG_MASK_1G));
    pfn = end_pfn;
  }

  // 2M tail
  start_pfn = round_up(pfn, PMD_PFNS);
  end_pfn = round_down(limit_pfn, PMD_PFNS);
  if (start_pfn < end_pfn) {
    save_mr(mr, start_pfn, end_pfn, global_mask & PG_MASK_2M);
    pfn = end_pfn;
  }

  // 4K tail
  save_mr(mr, pfn, limit_pfn, 0);

  if (!after_bootmem) adjust_range_page_size_mask(mr, global_mask, mb);

  // Merge touching ranges of equal mask; re-examine the same index afterwards.
  for (std::size_t i = 0; mr.n > 1 && i + 1 < mr.n;) {
    if (mr.r[i].end != mr.r[i + 1].start || mr.r[i].mask != mr.r[i + 1].mask) {
      ++i;
      continue;
    }
    mr.r[i].end = mr.r[i + 1].end;
    for (std::size_t j = i + 1; j + 1 < mr.n; ++j) mr.r[j] = mr.r[j + 1];
    mr.r[--mr.n] = MapRange{};
  }
  return mr;
}

void append_mem_range(std::string& out, phys_addr_t start, phys_addr_t end_inclusive) {
  out += "[mem 0x";
  append_hex(out, start, 8);
  out += "-0x";
  append_hex(out, end_inclusive, 8);
  out += ']';
}

std::string format_mem_range(phys_addr_t start, phys_addr_t end_inclusive) {
  std::string s;
  s.reserve(48);
  append_mem_range(s, start, end_inclusive);
  return s;
}

std::string format_map_range(const MapRange& r) {
  std::string s;
  s.reserve(56);
  s += ' ';
  append_mem_range(s, r.start, r.end - 1);
  s += " page ";
  s += page_size_string(r.mask);
  return s;
}

}  // namespace mbv
