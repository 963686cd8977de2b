#include "impl/pgtable/pgtable_state.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace mbv {

namespace {

constexpr unsigned PUD_SHIFT = 30;
constexpr unsigned PMD_SHIFT = 21;
constexpr unsigned P4D_SHIFT = 39;

struct Piece {
  std::uint64_t lo, hi;
  bool present;
  SlotState state;
};

template <typename V>
std::vector<Piece> pieces(const IntervalMap<V>& m, std::uint64_t lo, std::uint64_t hi) {
  std::vector<Piece> out;
  m.for_each(lo, hi, [&](std::uint64_t a, std::uint64_t b, const V* v) {
    if constexpr (std::is_same_v<V, SlotState>)
      out.push_back(Piece{a, b, v != nullptr, v ? *v : SlotState::Leaf});
    else
      out.push_back(Piece{a, b, v != nullptr, SlotState::Leaf});
  });
  return out;
}

// Physical part of [ps, pe) inside slots [a, b) of size 1 << shift.
PhysRange clip(phys_addr_t ps, phys_addr_t pe, std::uint64_t a, std::uint64_t b, unsigned shift) {
  return PhysRange{std::max(ps, a << shift), std::min(pe, b << shift)};
}

// Number of 2M slots the physical range r touches.
std::uint64_t pmd_slots(const PhysRange& r) {
  return ((r.end - 1) >> PMD_SHIFT) - (r.start >> PMD_SHIFT) + 1;
}

// With 5-level paging, the physical address where [ps, pe) crosses a PGD
// (256T) virtual boundary, or 0 when it does not cross one.
phys_addr_t pgd_crossing(const PagingConfig& pg, phys_addr_t ps, phys_addr_t pe) {
  if (!pg.five_level) return 0;  // 4-level: phys_pud_init stops at its table's end
  const unsigned sh = pg.pgdir_shift();
  if ((pg.va(ps) >> sh) == (pg.va(pe - 1) >> sh)) return 0;
  return (((pg.va(ps) >> sh) + 1) << sh) - pg.page_offset_base;
}

Status check_range(const PgtableState& st, phys_addr_t ps, phys_addr_t pe) {
  MB_CHECK(ps < pe, "mapping an empty range");
  MB_CHECK((ps & (PAGE_SIZE - 1)) == 0 && (pe & (PAGE_SIZE - 1)) == 0, "unaligned range");
  const PagingConfig& pg = st.paging;
  const std::uint64_t base = pg.page_offset_base;
  const unsigned sh = pg.pgdir_shift();
  if (pe > ~std::uint64_t{0} - base || (pg.va(pe - 1) >> sh) == (~std::uint64_t{0} >> sh))
    return make_error(ErrorCode::Unsupported, "direct-map range reaches the top PGD slot");
  if (pgd_crossing(pg, ps, pe) != 0) {
    // The wrapped P4D entries are pure aliases only in the direct map's first
    // PGD slot and below page_offset_base; past that they would land on the
    // map's own entries (more than 256T of memory).
    const bool first_slot = (pg.va(ps) >> sh) == (base >> sh);
    const bool below_base = ((pg.va(pe - 1) - (std::uint64_t{1} << sh)) >> P4D_SHIFT) < (base >> P4D_SHIFT);
    if (!first_slot || !below_base)
      return make_error(ErrorCode::Unsupported,
                        "range crosses a 5-level PGD boundary more than 256T above page_offset_base "
                        "(phys_p4d_init's wrapped P4D entries would overwrite the map; not modelled)");
  }
  return Ok{};
}

// Virtual base of the alias 6.1's phys_p4d_init writes when a 5-level range
// crosses the first PGD boundary: the head slot's P4D table is indexed mod 512,
// so the tail lands one PGD slot (256T) below where it belongs.
std::uint64_t wrapped_base(const PagingConfig& pg) {
  return pg.page_offset_base - (std::uint64_t{1} << pg.pgdir_shift());
}

// One copy of the slots below the PGD level (the direct map, or the wrapped
// alias), with the virtual base its P4D slots are indexed by.
template <typename Set, typename Map>
struct Lower {
  bool five_level;
  std::uint64_t base;
  Set& p4d;
  Map& pud;
  Map& pmd;
  Set& pte;
};

template <typename Set, typename Map>
Lower<Set, Map> lower_of(Set& p4d, Map& pud, Map& pmd, Set& pte, bool five, std::uint64_t base) {
  return Lower<Set, Map>{five, base, p4d, pud, pmd, pte};
}

// Tables kernel_physical_mapping_init allocates below the PGD level for
// [ps, pe): PUD tables for new P4D slots (5-level), then PMD and PTE tables.
template <typename L>
void add_lower_cost(LevelCounts& c, const L& t, phys_addr_t ps, phys_addr_t pe, PageSizeMask mask) {
  if (t.five_level) {
    const std::uint64_t p0 = (t.base + ps) >> P4D_SHIFT, p1 = ((t.base + pe - 1) >> P4D_SHIFT) + 1;
    c.pud += (p1 - p0) - t.p4d.covered(p0, p1);
  }
  const std::uint64_t b0 = ps >> PUD_SHIFT, b1 = ((pe - 1) >> PUD_SHIFT) + 1;
  for (const Piece& p : pieces(t.pud, b0, b1)) {
    const PhysRange sub = clip(ps, pe, p.lo, p.hi, PUD_SHIFT);
    const bool table = p.present && p.state == SlotState::Table;
    if (!table) {
      if (mask & PG_MASK_1G) continue;                        // new or kept 1G leaf
      c.pmd += p.hi - p.lo;                                   // new PMD table, or a split
      if (!(mask & PG_MASK_2M)) c.pte += pmd_slots(sub);      // fresh tables: all 2M slots empty
      continue;
    }
    if (mask & PG_MASK_2M) continue;  // 2M slots: new, kept, or descended into
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    for (const Piece& q : pieces(t.pmd, m0, m1))
      if (!(q.present && q.state == SlotState::Table)) c.pte += q.hi - q.lo;
  }
}

template <typename L>
void apply_lower(const L& t, phys_addr_t ps, phys_addr_t pe, PageSizeMask mask) {
  if (t.five_level)
    t.p4d.assign((t.base + ps) >> P4D_SHIFT, ((t.base + pe - 1) >> P4D_SHIFT) + 1, Present{});
  auto map_ptes = [&](const PhysRange& r) {
    t.pte.assign(r.start >> PAGE_SHIFT, r.end >> PAGE_SHIFT, Present{});
  };
  // A fresh (zeroed) PMD table over `sub`.
  auto fresh_pmd = [&](const PhysRange& sub) {
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    if (mask & PG_MASK_2M) {
      t.pmd.assign(m0, m1, SlotState::Leaf);
    } else {
      t.pmd.assign(m0, m1, SlotState::Table);
      map_ptes(sub);
    }
  };
  const std::uint64_t b0 = ps >> PUD_SHIFT, b1 = ((pe - 1) >> PUD_SHIFT) + 1;
  for (const Piece& p : pieces(t.pud, b0, b1)) {
    const PhysRange sub = clip(ps, pe, p.lo, p.hi, PUD_SHIFT);
    const bool table = p.present && p.state == SlotState::Table;
    if (!table) {
      if (mask & PG_MASK_1G) {
        if (!p.present) t.pud.assign(p.lo, p.hi, SlotState::Leaf);
        continue;
      }
      t.pud.assign(p.lo, p.hi, SlotState::Table);
      fresh_pmd(sub);
      continue;
    }
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    if (!(mask & PG_MASK_2M)) {
      t.pmd.assign(m0, m1, SlotState::Table);  // new tables and splits alike
      map_ptes(sub);
      continue;
    }
    for (const Piece& q : pieces(t.pmd, m0, m1)) {
      if (!q.present)
        t.pmd.assign(q.lo, q.hi, SlotState::Leaf);
      else if (q.state == SlotState::Table)
        map_ptes(clip(sub.start, sub.end, q.lo, q.hi, PMD_SHIFT));
    }
  }
}

}  // namespace

Result<MappingCost> mapping_cost(const PgtableState& st, phys_addr_t ps, phys_addr_t pe,
                                 PageSizeMask mask) {
  if (auto s = check_range(st, ps, pe); !s) return s.error();
  MappingCost c;
  const PagingConfig& pg = st.paging;
  const std::uint64_t vs = pg.va(ps), ve = pg.va(pe);

  // PGD slots: a new one gets a P4D table (5-level) or a PUD table (4-level).
  {
    const unsigned sh = pg.pgdir_shift();
    std::uint64_t g0 = vs >> sh, g1 = ((ve - 1) >> sh) + 1;
    std::uint64_t missing = (g1 - g0) - st.pgd.covered(g0, g1);
    (pg.five_level ? c.pages.p4d : c.pages.pud) += missing;
  }
  add_lower_cost(c.pages, lower_of(st.p4d, st.pud, st.pmd, st.pte, pg.five_level, pg.page_offset_base),
                 ps, pe, mask);
  // Across the first 5-level PGD boundary the head slot's phys_p4d_init runs
  // on to the range's end, so the tail is also mapped into the wrapped alias.
  if (const phys_addr_t b = pgd_crossing(pg, ps, pe)) {
    const LowerSlots& w = st.wrapped;
    add_lower_cost(c.pages, lower_of(w.p4d, w.pud, w.pmd, w.pte, true, wrapped_base(pg)), b, pe, mask);
  }

  // Return value: decided by the path of the last page.
  const phys_addr_t last = pe - PAGE_SIZE;
  const auto pud_s = st.pud.at(last >> PUD_SHIFT);
  const bool pud_table = pud_s && *pud_s == SlotState::Table;
  const phys_addr_t pmd_next = (last & ~(PMD_SIZE - 1)) + PMD_SIZE;
  if (!pud_table && (mask & PG_MASK_1G)) {
    c.paddr_last = (last & ~(PUD_SIZE - 1)) + PUD_SIZE;
  } else if (!pud_table) {
    c.paddr_last = (mask & PG_MASK_2M) ? pmd_next : pe;
  } else {
    const auto pmd_s = st.pmd.at(last >> PMD_SHIFT);
    const bool pmd_table = pmd_s && *pmd_s == SlotState::Table;
    if (!pmd_table) {
      c.paddr_last = (mask & PG_MASK_2M) ? pmd_next : pe;
    } else {
      // phys_pte_init starts at paddr_end and moves to the end of every entry
      // it newly sets; present entries leave it alone.
      const phys_addr_t lo = std::max(ps, last & ~(PMD_SIZE - 1));
      c.paddr_last = pe;
      st.pte.for_each(lo >> PAGE_SHIFT, pe >> PAGE_SHIFT,
                      [&](std::uint64_t, std::uint64_t b, const Present* v) {
                        if (!v) c.paddr_last = b << PAGE_SHIFT;
                      });
    }
  }
  return c;
}

void apply_mapping(PgtableState& st, phys_addr_t ps, phys_addr_t pe, PageSizeMask mask) {
  MB_CHECK(check_range(st, ps, pe).ok(), "apply_mapping on a range mapping_cost rejects");
  const PagingConfig& pg = st.paging;
  {
    const unsigned sh = pg.pgdir_shift();
    st.pgd.assign(pg.va(ps) >> sh, (pg.va(pe - 1) >> sh) + 1, Present{});
  }
  // The alias first: the kernel's head slot walks it before the next slot.
  if (const phys_addr_t b = pgd_crossing(pg, ps, pe)) {
    LowerSlots& w = st.wrapped;
    apply_lower(lower_of(w.p4d, w.pud, w.pmd, w.pte, true, wrapped_base(pg)), b, pe, mask);
  }
  apply_lower(lower_of(st.p4d, st.pud, st.pmd, st.pte, pg.five_level, pg.page_offset_base), ps, pe, mask);
}

std::vector<PhysRange> mapped_ranges(const PgtableState& st) {
  IntervalSet pfns;
  for (const auto& p : st.pud.segments()) {
    if (p.value == SlotState::Leaf) {
      pfns.assign(p.lo << (PUD_SHIFT - PAGE_SHIFT), p.hi << (PUD_SHIFT - PAGE_SHIFT), Present{});
      continue;
    }
    st.pmd.for_each(p.lo << (PUD_SHIFT - PMD_SHIFT), p.hi << (PUD_SHIFT - PMD_SHIFT),
                    [&](std::uint64_t a, std::uint64_t b, const SlotState* s) {
                      if (!s) return;
                      if (*s == SlotState::Leaf) {
                        pfns.assign(a << (PMD_SHIFT - PAGE_SHIFT), b << (PMD_SHIFT - PAGE_SHIFT),
                                    Present{});
                        return;
                      }
                      st.pte.for_each(a << (PMD_SHIFT - PAGE_SHIFT),
                                      b << (PMD_SHIFT - PAGE_SHIFT),
                                      [&](std::uint64_t x, std::uint64_t y, const Present* v) {
                                        if (v) pfns.assign(x, y, Present{});
                                      });
                    });
  }
  std::vector<PhysRange> out;
  for (const auto& s : pfns.segments())
    out.push_back(PhysRange{s.lo << PAGE_SHIFT, s.hi << PAGE_SHIFT});
  return out;
}

LeafRanges leaf_ranges(const PgtableState& st) {
  LeafRanges out;
  IntervalSet l2m;
  for (const auto& p : st.pud.segments()) {
    if (p.value == SlotState::Leaf) {
      out.leaves_1g.push_back(PhysRange{p.lo << PUD_SHIFT, p.hi << PUD_SHIFT});
      continue;
    }
    st.pmd.for_each(p.lo << (PUD_SHIFT - PMD_SHIFT), p.hi << (PUD_SHIFT - PMD_SHIFT),
                    [&](std::uint64_t a, std::uint64_t b, const SlotState* s) {
                      if (s && *s == SlotState::Leaf) l2m.assign(a, b, Present{});
                    });
  }
  for (const auto& s : l2m.segments())
    out.leaves_2m.push_back(PhysRange{s.lo << PMD_SHIFT, s.hi << PMD_SHIFT});
  return out;
}

std::string dump(const PgtableState& st) {
  std::string s;
  char buf[128];
  auto line = [&](const char* what, std::uint64_t a, std::uint64_t b, const char* v) {
    std::snprintf(buf, sizeof buf, "%s [%#" PRIx64 ", %#" PRIx64 ") %s\n", what, a, b, v);
    s += buf;
  };
  for (const auto& p : st.pgd.segments()) line("pgd", p.lo, p.hi, "populated");
  for (const auto& p : st.p4d.segments()) line("p4d", p.lo, p.hi, "populated");
  for (const auto& p : st.pud.segments())
    line("pud(1G)", p.lo, p.hi, p.value == SlotState::Leaf ? "leaf" : "table");
  for (const auto& p : st.pmd.segments())
    line("pmd(2M)", p.lo, p.hi, p.value == SlotState::Leaf ? "leaf" : "table");
  for (const auto& p : st.pte.segments()) line("pte(4K)", p.lo, p.hi, "present");
  for (const auto& p : st.wrapped.p4d.segments()) line("wrapped p4d", p.lo, p.hi, "populated");
  for (const auto& p : st.wrapped.pud.segments())
    line("wrapped pud(1G)", p.lo, p.hi, p.value == SlotState::Leaf ? "leaf" : "table");
  for (const auto& p : st.wrapped.pmd.segments())
    line("wrapped pmd(2M)", p.lo, p.hi, p.value == SlotState::Leaf ? "leaf" : "table");
  for (const auto& p : st.wrapped.pte.segments()) line("wrapped pte(4K)", p.lo, p.hi, "present");
  return s;
}

}  // namespace mbv
