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

Status check_range(const PgtableState& st, phys_addr_t ps, phys_addr_t pe) {
  MB_CHECK(ps < pe, "mapping an empty range");
  MB_CHECK((ps & (PAGE_SIZE - 1)) == 0 && (pe & (PAGE_SIZE - 1)) == 0, "unaligned range");
  const std::uint64_t base = st.paging.page_offset_base;
  if (pe > ~std::uint64_t{0} - base ||
      (st.paging.va(pe - 1) >> st.paging.pgdir_shift()) ==
          (~std::uint64_t{0} >> st.paging.pgdir_shift()))
    return make_error(ErrorCode::Unsupported, "direct-map range reaches the top PGD slot");
  if (st.paging.five_level) {
    const unsigned sh = st.paging.pgdir_shift();
    if ((st.paging.va(ps) >> sh) != (st.paging.va(pe - 1) >> sh))
      return make_error(ErrorCode::Unsupported,
                        "range crosses a 5-level PGD boundary (phys_p4d_init walks past its "
                        "P4D table there; not modelled)");
  }
  return Ok{};
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
  if (pg.five_level) {
    std::uint64_t p0 = vs >> P4D_SHIFT, p1 = ((ve - 1) >> P4D_SHIFT) + 1;
    c.pages.pud += (p1 - p0) - st.p4d.covered(p0, p1);
  }

  // 1G slots.
  const std::uint64_t b0 = ps >> PUD_SHIFT, b1 = ((pe - 1) >> PUD_SHIFT) + 1;
  for (const Piece& p : pieces(st.pud, b0, b1)) {
    const PhysRange sub = clip(ps, pe, p.lo, p.hi, PUD_SHIFT);
    const bool table = p.present && p.state == SlotState::Table;
    if (!table) {
      if (mask & PG_MASK_1G) continue;          // new or kept 1G leaf
      c.pages.pmd += p.hi - p.lo;               // new PMD table, or a split
      if (!(mask & PG_MASK_2M)) c.pages.pte += pmd_slots(sub);  // fresh tables: all 2M slots empty
      continue;
    }
    if (mask & PG_MASK_2M) continue;            // 2M slots: new, kept, or descended into
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    for (const Piece& q : pieces(st.pmd, m0, m1))
      if (!(q.present && q.state == SlotState::Table)) c.pages.pte += q.hi - q.lo;
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
  const std::uint64_t vs = pg.va(ps), ve = pg.va(pe);
  {
    const unsigned sh = pg.pgdir_shift();
    st.pgd.assign(vs >> sh, ((ve - 1) >> sh) + 1, Present{});
  }
  if (pg.five_level) st.p4d.assign(vs >> P4D_SHIFT, ((ve - 1) >> P4D_SHIFT) + 1, Present{});

  auto map_ptes = [&](const PhysRange& r) {
    st.pte.assign(r.start >> PAGE_SHIFT, r.end >> PAGE_SHIFT, Present{});
  };
  // A fresh (zeroed) PMD table over `sub`.
  auto fresh_pmd = [&](const PhysRange& sub) {
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    if (mask & PG_MASK_2M) {
      st.pmd.assign(m0, m1, SlotState::Leaf);
    } else {
      st.pmd.assign(m0, m1, SlotState::Table);
      map_ptes(sub);
    }
  };

  const std::uint64_t b0 = ps >> PUD_SHIFT, b1 = ((pe - 1) >> PUD_SHIFT) + 1;
  for (const Piece& p : pieces(st.pud, b0, b1)) {
    const PhysRange sub = clip(ps, pe, p.lo, p.hi, PUD_SHIFT);
    const bool table = p.present && p.state == SlotState::Table;
    if (!table) {
      if (mask & PG_MASK_1G) {
        if (!p.present) st.pud.assign(p.lo, p.hi, SlotState::Leaf);
        continue;
      }
      st.pud.assign(p.lo, p.hi, SlotState::Table);
      fresh_pmd(sub);
      continue;
    }
    const std::uint64_t m0 = sub.start >> PMD_SHIFT, m1 = ((sub.end - 1) >> PMD_SHIFT) + 1;
    if (!(mask & PG_MASK_2M)) {
      st.pmd.assign(m0, m1, SlotState::Table);  // new tables and splits alike
      map_ptes(sub);
      continue;
    }
    for (const Piece& q : pieces(st.pmd, m0, m1)) {
      if (!q.present)
        st.pmd.assign(q.lo, q.hi, SlotState::Leaf);
      else if (q.state == SlotState::Table)
        map_ptes(clip(sub.start, sub.end, q.lo, q.hi, PMD_SHIFT));
    }
  }
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
  return s;
}

}  // namespace mbv
