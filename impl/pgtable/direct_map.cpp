#include "impl/pgtable/direct_map.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "impl/common/numfmt.h"
#include "impl/memblock/memblock.h"

namespace mbv {

namespace {

constexpr std::uint64_t kLowPfnLimit = std::uint64_t{1} << (32 - PAGE_SHIFT);

// Appends one piece of a run, merging it into the previous run when it
// continues that run (same source, call, window, premapped flag, direction).
void append_run(DirectMap& dm, const PgtAllocRun& r) {
  if (!dm.allocs.empty()) {
    PgtAllocRun& p = dm.allocs.back();
    const bool same = p.source == r.source && p.call == r.call && p.descending == r.descending &&
                      p.window_lo_pfn == r.window_lo_pfn && p.window_hi_pfn == r.window_hi_pfn &&
                      p.premapped == r.premapped;
    const phys_addr_t next =
        p.descending ? p.first - p.pages * PAGE_SIZE : p.first + p.pages * PAGE_SIZE;
    if (same && r.first == next) {
      p.pages += r.pages;
      return;
    }
  }
  dm.allocs.push_back(r);
}

// Records `pages` consecutive allocations starting at `first`, split where
// the "already in pfn_mapped" property changes, so both walkers produce the
// same run list.
void record(DirectMap& dm, PgtSource src, phys_addr_t first, std::uint64_t pages, bool descending,
            std::int64_t call) {
  PgtAllocRun base;
  base.source = src;
  base.descending = descending;
  base.window_lo_pfn = dm.min_pfn_mapped;
  base.window_hi_pfn = dm.max_pfn_mapped;
  base.call = call;
  // Walk the pages in allocation order, in pieces of equal premapped-ness.
  std::uint64_t done = 0;
  while (done < pages) {
    const phys_addr_t at = descending ? first - done * PAGE_SIZE : first + done * PAGE_SIZE;
    const std::uint64_t pfn = at >> PAGE_SHIFT;
    // The pfn_mapped span holding pfn, if any, and how far the property lasts.
    bool mapped = false;
    std::uint64_t lim = descending ? 0 : ~std::uint64_t{0};  // pfn bound of this piece
    for (const PfnSpan& s : dm.pfn_mapped) {
      if (s.start <= pfn && pfn < s.end) {
        mapped = true;
        lim = descending ? s.start : s.end;
        break;
      }
      if (!descending && s.start > pfn) { lim = std::min(lim, s.start); }
      if (descending && s.end <= pfn) { lim = std::max(lim, s.end); }
    }
    std::uint64_t avail = descending ? pfn + 1 - lim : lim - pfn;
    std::uint64_t k = std::min(pages - done, avail);
    PgtAllocRun r = base;
    r.first = at;
    r.pages = k;
    r.premapped = mapped;
    append_run(dm, r);
    done += k;
  }
}

// Free pages directly below `a` (just reserved) that the next top-down
// single-page allocations would take: same memory region, no reservation in
// between, not below the window.
std::uint64_t room_below(const Memblock& mb, phys_addr_t a, phys_addr_t lo) {
  const auto& mem = mb.memory.regions;
  auto m = std::upper_bound(mem.begin(), mem.end(), a,
                            [](phys_addr_t x, const MemblockRegion& r) { return x < r.base; });
  MB_CHECK(m != mem.begin(), "allocated page outside memory");
  --m;
  const auto& res = mb.reserved.regions;
  auto r = std::upper_bound(res.begin(), res.end(), a,
                            [](phys_addr_t x, const MemblockRegion& q) { return x < q.base; });
  MB_CHECK(r != res.begin(), "allocated page not reserved");
  --r;  // the reserved region holding a
  if (r->base < a) return 0;
  phys_addr_t floor = std::max({m->base, lo, PAGE_SIZE});
  if (r != res.begin()) floor = std::max(floor, std::prev(r)->end());
  floor = round_up(floor, PAGE_SIZE);
  return a > floor ? (a - floor) >> PAGE_SHIFT : 0;
}

// Mirror image for bottom-up: free pages directly above `a`.
std::uint64_t room_above(const Memblock& mb, phys_addr_t a, phys_addr_t hi) {
  const auto& mem = mb.memory.regions;
  auto m = std::upper_bound(mem.begin(), mem.end(), a,
                            [](phys_addr_t x, const MemblockRegion& r) { return x < r.base; });
  MB_CHECK(m != mem.begin(), "allocated page outside memory");
  --m;
  const auto& res = mb.reserved.regions;
  auto r = std::upper_bound(res.begin(), res.end(), a,
                            [](phys_addr_t x, const MemblockRegion& q) { return x < q.base; });
  MB_CHECK(r != res.begin(), "allocated page not reserved");
  --r;
  const phys_addr_t start = a + PAGE_SIZE;
  if (r->end() > start) return 0;
  phys_addr_t ceil = std::min(m->end(), hi);
  if (std::next(r) != res.end()) ceil = std::min(ceil, std::next(r)->base);
  ceil = round_down(ceil, PAGE_SIZE);
  return ceil > start ? (ceil - start) >> PAGE_SHIFT : 0;
}

Error panic_alloc(const DirectMap& dm) {
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "alloc_low_pages: can not alloc memory (window [mem 0x%08" PRIx64 "-0x%08" PRIx64
                "), brk %s)",
                dm.min_pfn_mapped << PAGE_SHIFT, dm.max_pfn_mapped << PAGE_SHIFT,
                dm.can_use_brk_pgt ? "exhausted" : "unusable");
  return make_error(ErrorCode::Unsupported, buf);
}

// n single-page allocations; returns the address of the last page handed out.
Result<phys_addr_t> alloc_pages(DirectMap& dm, Memblock& mb, std::uint64_t n, std::int64_t call) {
  phys_addr_t last = 0;
  while (n > 0) {
    if (dm.can_use_brk_pgt && dm.pgt_buf_end + 1 <= dm.pgt_buf_top) {
      const std::uint64_t k = std::min(n, dm.pgt_buf_top - dm.pgt_buf_end);
      record(dm, PgtSource::Brk, dm.pgt_buf_end << PAGE_SHIFT, k, false, call);
      dm.pgt_buf_end += k;
      last = (dm.pgt_buf_end - 1) << PAGE_SHIFT;
      n -= k;
      continue;
    }
    // memblock; a failure falls to extend_brk, which BUG()s once brk is sealed.
    if (!(dm.min_pfn_mapped < dm.max_pfn_mapped)) return panic_alloc(dm);
    const phys_addr_t lo = dm.min_pfn_mapped << PAGE_SHIFT, hi = dm.max_pfn_mapped << PAGE_SHIFT;
    const std::uint64_t fallbacks = mb.legacy_bottom_up_fallbacks;
    const phys_addr_t a = mb.phys_alloc_range(PAGE_SIZE, PAGE_SIZE, lo, hi);
    if (!a) return panic_alloc(dm);
    // The 3.13 rule (bottom-up-2013) fell back to a top-down search: the page
    // is taken one call at a time, as the literal walk does.
    const bool fell_back = mb.legacy_bottom_up_fallbacks != fallbacks;
    std::uint64_t k = 1;
    // Bulk: the next single-page allocations would take the neighbouring free
    // pages one by one. Only safe while a one-page reservation cannot make
    // the reserved array double (cnt + 1 <= max).
    if (dm.cfg.walk == WalkMode::Fast && !fell_back && n > 1 &&
        mb.reserved.cnt() < mb.reserved.max) {
      const std::uint64_t room = mb.bottom_up ? room_above(mb, a, hi) : room_below(mb, a, lo);
      const std::uint64_t e = std::min(n - 1, room);
      if (e) {
        const phys_addr_t base = mb.bottom_up ? a + PAGE_SIZE : a - e * PAGE_SIZE;
        MB_CHECK(mb.reserve(base, e * PAGE_SIZE) == 0, "bulk page-table reservation failed");
        k += e;
      }
    }
    record(dm, PgtSource::Memblock, a, k, !mb.bottom_up || fell_back, call);
    last = mb.bottom_up ? a + (k - 1) * PAGE_SIZE : a - (k - 1) * PAGE_SIZE;
    n -= k;
  }
  return last;
}

std::string hexrange(phys_addr_t s, phys_addr_t e) { return format_mem_range(s, e - 1); }

}  // namespace

DirectMap make_direct_map(const DirectMapConfig& cfg) {
  DirectMap dm;
  dm.cfg = cfg;
  dm.tables.paging = cfg.paging;
  dm.ref.paging = cfg.paging;
  dm.pgt_buf_start = cfg.pgt_buf_start_pfn;
  dm.pgt_buf_end = cfg.pgt_buf_start_pfn;
  dm.pgt_buf_top = cfg.pgt_buf_start_pfn + cfg.pgt_buf_pages;
  return dm;
}

Status alloc_low_pages(DirectMap& dm, Memblock& mb, std::uint64_t n, std::int64_t call) {
  auto r = alloc_pages(dm, mb, n, call);
  if (!r) return r.error();
  return Ok{};
}

void add_pfn_range_mapped(DirectMap& dm, std::uint64_t start_pfn, std::uint64_t end_pfn) {
  if (start_pfn < end_pfn) {
    std::vector<PfnSpan> keep;
    std::uint64_t s = start_pfn, e = end_pfn;
    for (const PfnSpan& p : dm.pfn_mapped) {
      if (std::max(p.start, s) <= std::min(p.end, e)) {  // overlapping or touching
        s = std::min(s, p.start);
        e = std::max(e, p.end);
      } else {
        keep.push_back(p);
      }
    }
    if (keep.size() < PFN_MAPPED_MAX) {
      keep.push_back(PfnSpan{s, e});
    } else {
      dm.warnings.push_back("pfn_mapped[] full: " + hexrange(s << PAGE_SHIFT, e << PAGE_SHIFT) +
                            " not recorded");
    }
    std::sort(keep.begin(), keep.end(),
              [](const PfnSpan& a, const PfnSpan& b) { return a.start < b.start; });
    dm.pfn_mapped = std::move(keep);
  }
  dm.max_pfn_mapped = std::max(dm.max_pfn_mapped, end_pfn);
  if (start_pfn < kLowPfnLimit)
    dm.max_low_pfn_mapped = std::max(dm.max_low_pfn_mapped, std::min(end_pfn, kLowPfnLimit));
}

bool pfn_range_is_mapped(const DirectMap& dm, std::uint64_t start_pfn, std::uint64_t end_pfn) {
  for (const PfnSpan& p : dm.pfn_mapped)
    if (start_pfn >= p.start && end_pfn <= p.end) return true;
  return false;
}

Result<std::uint64_t> init_memory_mapping(DirectMap& dm, Memblock& mb, phys_addr_t start,
                                          phys_addr_t end) {
  const std::int64_t idx = static_cast<std::int64_t>(dm.calls.size());
  dm.calls.push_back(MappingCall{start, end, dm.can_use_brk_pgt, {}, 0});
  const MapRanges mr = split_mem_range(start, end, dm.page_size_mask, mb, false);
  phys_addr_t ret = 0;
  for (const MapRange& r : mr) {
    MappedRange out{r, {}, 0};
    if (dm.cfg.walk == WalkMode::Fast) {
      auto cost = mapping_cost(dm.tables, r.start, r.end, r.mask);
      if (!cost) return cost.error();
      if (auto s = alloc_low_pages(dm, mb, cost->pages.total(), idx); !s) return s.error();
      apply_mapping(dm.tables, r.start, r.end, r.mask);
      out.pages = cost->pages;
      ret = cost->paddr_last;
    } else {
      LevelCounts& cnt = out.pages;
      RefAllocFn fn = [&](TableLevel lvl) -> Result<std::uint64_t> {
        switch (lvl) {
          case TableLevel::P4d: ++cnt.p4d; break;
          case TableLevel::Pud: ++cnt.pud; break;
          case TableLevel::Pmd: ++cnt.pmd; break;
          case TableLevel::Pte: ++cnt.pte; break;
        }
        return alloc_pages(dm, mb, 1, idx);
      };
      auto r2 = ref_kernel_physical_mapping_init(dm.ref, r.start, r.end, r.mask, fn);
      if (!r2) return r2.error();
      ret = *r2;
    }
    out.paddr_last = ret;
    dm.calls[idx].ranges.push_back(out);
  }
  add_pfn_range_mapped(dm, start >> PAGE_SHIFT, ret >> PAGE_SHIFT);
  dm.calls[idx].ret_pfn = ret >> PAGE_SHIFT;
  return ret >> PAGE_SHIFT;
}

Result<std::uint64_t> init_range_memory_mapping(DirectMap& dm, Memblock& mb, phys_addr_t r_start,
                                                phys_addr_t r_end) {
  std::uint64_t mapped = 0;
  for (const PfnRange& p : mb.mem_pfn_ranges(MAX_NUMNODES)) {
    const phys_addr_t s = std::clamp<phys_addr_t>(p.start_pfn << PAGE_SHIFT, r_start, r_end);
    const phys_addr_t e = std::clamp<phys_addr_t>(p.end_pfn << PAGE_SHIFT, r_start, r_end);
    if (s >= e) continue;
    // A piece overlapping the unused part of the brk buffer must not take
    // its page tables from there.
    dm.can_use_brk_pgt =
        std::max(s, dm.pgt_buf_end << PAGE_SHIFT) >= std::min(e, dm.pgt_buf_top << PAGE_SHIFT);
    auto r = init_memory_mapping(dm, mb, s, e);
    dm.can_use_brk_pgt = true;
    if (!r) return r.error();
    mapped += e - s;
  }
  return mapped;
}

Status memory_map_top_down(DirectMap& dm, Memblock& mb, phys_addr_t map_start,
                           phys_addr_t map_end) {
  phys_addr_t real_end;
  const phys_addr_t probe = mb.phys_alloc_range(PMD_SIZE, PMD_SIZE, map_start, map_end);
  if (!probe) {
    dm.warnings.push_back("Failed to release memory for alloc_low_pages()");
    real_end = std::max(map_start, round_down(map_end, PMD_SIZE));
  } else {
    mb.phys_free(probe, PMD_SIZE);
    real_end = probe + PMD_SIZE;
  }
  std::uint64_t step = PMD_SIZE, mapped = 0;
  dm.max_pfn_mapped = 0;
  dm.min_pfn_mapped = real_end >> PAGE_SHIFT;
  phys_addr_t last_start = real_end;
  while (last_start > map_start) {
    phys_addr_t start;
    if (last_start > step) {
      start = round_down(last_start - 1, step);
      if (start < map_start) start = map_start;
    } else {
      start = map_start;
    }
    auto r = init_range_memory_mapping(dm, mb, start, last_start);
    if (!r) return r.error();
    mapped += *r;
    last_start = start;
    dm.min_pfn_mapped = last_start >> PAGE_SHIFT;
    if (mapped >= step) step = get_new_step_size(step);
  }
  if (real_end < map_end) {
    auto r = init_range_memory_mapping(dm, mb, real_end, map_end);
    if (!r) return r.error();
  }
  return Ok{};
}

Status memory_map_bottom_up(DirectMap& dm, Memblock& mb, phys_addr_t map_start,
                            phys_addr_t map_end) {
  std::uint64_t step = PMD_SIZE, mapped = 0;
  phys_addr_t start = map_start;
  dm.min_pfn_mapped = start >> PAGE_SHIFT;
  while (start < map_end) {
    phys_addr_t next;
    if (step && map_end - start > step) {
      next = round_up(start + 1, step);
      if (next > map_end) next = map_end;
    } else {
      next = map_end;
    }
    auto r = init_range_memory_mapping(dm, mb, start, next);
    if (!r) return r.error();
    mapped += *r;
    start = next;
    if (mapped >= step) step = get_new_step_size(step);
  }
  return Ok{};
}

Status init_trampoline(DirectMap& dm, Memblock& mb) {
  if (!dm.cfg.memory_kaslr) return Ok{};  // the direct map's own PGD entry is reused
  // init_trampoline_kaslr: a PUD page, and a P4D page with 5-level paging.
  return alloc_low_pages(dm, mb, dm.cfg.paging.five_level ? 2 : 1, -1);
}

Result<DirectMap> init_mem_mapping(Memblock& mb, const DirectMapConfig& cfg) {
  DirectMap dm = make_direct_map(cfg);
  dm.page_size_mask = probe_page_size_mask(cfg.cpu, cfg.debug_pagealloc, cfg.gbpages);
  const phys_addr_t end = cfg.max_pfn << PAGE_SHIFT;
  // The ISA range is mapped whatever the holes.
  if (auto r = init_memory_mapping(dm, mb, 0, ISA_END_ADDRESS); !r) return r.error();
  if (auto s = init_trampoline(dm, mb); !s) return s.error();
  if (mb.bottom_up) {
    // Map above the kernel first so the second pass finds mapped pages there.
    if (auto s = memory_map_bottom_up(dm, mb, cfg.kernel_end, end); !s) return s.error();
    if (auto s = memory_map_bottom_up(dm, mb, ISA_END_ADDRESS, cfg.kernel_end); !s)
      return s.error();
  } else {
    if (auto s = memory_map_top_down(dm, mb, ISA_END_ADDRESS, end); !s) return s.error();
  }
  return dm;
}

PgtableState DirectMap::state() const {
  return cfg.walk == WalkMode::Fast ? tables : to_interval_state(ref);
}

std::vector<AllocEvent> DirectMap::alloc_events(std::span<const phys_addr_t> cuts) const {
  std::vector<phys_addr_t> sorted(cuts.begin(), cuts.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<AllocEvent> out;
  out.reserve(allocs.size());
  // Runs of one mapping call often share their note (bottom-up-2013 with 4K
  // pages: ~1,600 one-page runs); consecutive equal keys share one text.
  const PgtAllocRun* last = nullptr;
  EventNote last_note;
  for (const PgtAllocRun& r : allocs) {
    const bool same_note = last && last->pages == r.pages && last->source == r.source &&
                           last->descending == r.descending && last->call == r.call;
    if (!same_note) {
      // "<n> page-table page[s] from <source> for <call>", built in one string.
      std::string note;
      note.reserve(112);
      append_dec(note, r.pages);
      note += r.pages == 1 ? " page-table page from " : " page-table pages from ";
      note += r.source == PgtSource::Brk ? "brk"
              : r.descending             ? "memblock top-down"
                                         : "memblock bottom-up";
      if (r.call < 0) {
        note += " for init_trampoline_kaslr";
      } else {
        const MappingCall& c = calls[static_cast<std::size_t>(r.call)];
        note += " for init_memory_mapping ";
        append_mem_range(note, c.start, c.end - 1);
      }
      last_note = EventNote(std::move(note));
      last = &r;
    }
    const PhysRange whole = r.range();
    auto cut = std::upper_bound(sorted.begin(), sorted.end(), whole.start);
    if (cut == sorted.end() || *cut >= whole.end) {
      out.push_back(AllocEvent{Owner::DirectMapPageTable, cfg.phase, whole, NUMA_NO_NODE, last_note});
      continue;
    }
    // Pieces in allocation order (descending runs are reported high to low).
    std::vector<PhysRange> pieces;
    phys_addr_t at = whole.start;
    for (; cut != sorted.end() && *cut < whole.end; ++cut) {
      pieces.push_back(PhysRange{at, *cut});
      at = *cut;
    }
    pieces.push_back(PhysRange{at, whole.end});
    if (r.descending) std::reverse(pieces.begin(), pieces.end());
    const std::string_view text = last_note.view();
    for (const PhysRange& p : pieces) {
      std::string n(text);
      n += " (";
      append_dec(n, p.size() >> PAGE_SHIFT);
      n += " here)";
      out.push_back(AllocEvent{Owner::DirectMapPageTable, cfg.phase, p, NUMA_NO_NODE, EventNote(std::move(n))});
    }
  }
  return out;
}

std::vector<phys_addr_t> DirectMap::page_sequence() const {
  std::vector<phys_addr_t> out;
  for (const PgtAllocRun& r : allocs)
    for (std::uint64_t i = 0; i < r.pages; ++i)
      out.push_back(r.descending ? r.first - i * PAGE_SIZE : r.first + i * PAGE_SIZE);
  return out;
}

LevelCounts DirectMap::total_pages() const {
  LevelCounts t;
  for (const MappingCall& c : calls)
    for (const MappedRange& r : c.ranges) t += r.pages;
  return t;
}

std::vector<std::string> DirectMap::dmesg_lines() const {
  std::vector<std::string> out;
  out.reserve(calls.size() * 3);
  for (const MappingCall& c : calls) {
    std::string line;
    line.reserve(64);
    line += "init_memory_mapping: ";
    append_mem_range(line, c.start, c.end - 1);
    out.push_back(std::move(line));
    for (const MappedRange& r : c.ranges) out.push_back(format_map_range(r.range));
  }
  return out;
}

std::string DirectMap::dmesg() const {
  std::string s;
  for (const std::string& l : dmesg_lines()) s += l + "\n";
  return s;
}

}  // namespace mbv
