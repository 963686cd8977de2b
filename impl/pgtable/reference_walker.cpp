#include "impl/pgtable/reference_walker.h"

namespace mbv {

namespace {

constexpr std::uint64_t kIdx = PTRS_PER_TABLE - 1;

struct Walker {
  RefTables& t;
  const RefAllocFn& alloc;
  PageSizeMask mask;

  std::uint64_t pa(std::uint64_t va) const { return va - t.paging.page_offset_base; }
  std::uint64_t va(std::uint64_t pa) const { return pa + t.paging.page_offset_base; }

  Result<std::uint64_t> new_table(TableLevel lvl) {
    auto r = alloc(lvl);
    if (!r) return r.error();
    t.tables[*r] = {};  // alloc_low_pages zeroes the page
    return *r;
  }

  // phys_pte_init
  phys_addr_t pte_init(std::uint64_t tbl, phys_addr_t paddr, phys_addr_t paddr_end) {
    phys_addr_t last = paddr_end;
    auto& e = t.tables.at(tbl);
    for (std::uint64_t i = (paddr >> PAGE_SHIFT) & kIdx; i < PTRS_PER_TABLE; ++i) {
      phys_addr_t next = (paddr & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
      if (paddr < paddr_end && e[i].kind == RefEntry::None) {
        e[i] = RefEntry{RefEntry::Leaf, paddr >> PAGE_SHIFT};
        last = next;
      }
      paddr = next;
    }
    return last;
  }

  // phys_pmd_init
  Result<phys_addr_t> pmd_init(std::uint64_t tbl, phys_addr_t paddr, phys_addr_t paddr_end) {
    phys_addr_t last = paddr_end;
    for (std::uint64_t i = (paddr >> 21) & kIdx; i < PTRS_PER_TABLE; ++i) {
      phys_addr_t next = (paddr & ~(PMD_SIZE - 1)) + PMD_SIZE;
      if (paddr < paddr_end) {
        RefEntry cur = t.tables.at(tbl)[(paddr >> 21) & kIdx];
        bool handled = false;
        if (cur.kind == RefEntry::Table) {
          last = pte_init(cur.value, paddr, paddr_end);
          handled = true;
        } else if (cur.kind == RefEntry::Leaf && (mask & PG_MASK_2M)) {
          last = next;
          handled = true;
        }
        if (!handled) {
          if (mask & PG_MASK_2M) {
            t.tables.at(tbl)[(paddr >> 21) & kIdx] = RefEntry{RefEntry::Leaf, paddr >> PAGE_SHIFT};
            last = next;
          } else {
            auto pte = new_table(TableLevel::Pte);
            if (!pte) return pte.error();
            last = pte_init(*pte, paddr, paddr_end);
            t.tables.at(tbl)[(paddr >> 21) & kIdx] = RefEntry{RefEntry::Table, *pte};
          }
        }
      }
      paddr = next;
    }
    return last;
  }

  // phys_pud_init
  Result<phys_addr_t> pud_init(std::uint64_t tbl, phys_addr_t paddr, phys_addr_t paddr_end) {
    phys_addr_t last = paddr_end;
    for (std::uint64_t i = (va(paddr) >> 30) & kIdx; i < PTRS_PER_TABLE; ++i) {
      phys_addr_t next = (paddr & ~(PUD_SIZE - 1)) + PUD_SIZE;
      if (paddr < paddr_end) {
        const std::uint64_t slot = (va(paddr) >> 30) & kIdx;
        RefEntry cur = t.tables.at(tbl)[slot];
        bool handled = false;
        if (cur.kind == RefEntry::Table) {
          auto r = pmd_init(cur.value, paddr, paddr_end);
          if (!r) return r.error();
          last = *r;
          handled = true;
        } else if (cur.kind == RefEntry::Leaf && (mask & PG_MASK_1G)) {
          last = next;
          handled = true;
        }
        if (!handled) {
          if (mask & PG_MASK_1G) {
            t.tables.at(tbl)[slot] = RefEntry{RefEntry::Leaf, paddr >> PAGE_SHIFT};
            last = next;
          } else {
            auto pmd = new_table(TableLevel::Pmd);
            if (!pmd) return pmd.error();
            auto r = pmd_init(*pmd, paddr, paddr_end);
            if (!r) return r.error();
            last = *r;
            t.tables.at(tbl)[slot] = RefEntry{RefEntry::Table, *pmd};
          }
        }
      }
      paddr = next;
    }
    return last;
  }

  // phys_p4d_init
  Result<phys_addr_t> p4d_init(std::uint64_t tbl, phys_addr_t paddr, phys_addr_t paddr_end) {
    if (!t.paging.five_level) return pud_init(tbl, paddr, paddr_end);
    phys_addr_t last = paddr_end;
    std::uint64_t vaddr = va(paddr), vend = va(paddr_end);
    for (std::uint64_t vnext; vaddr < vend; vaddr = vnext) {
      const std::uint64_t slot = (vaddr >> 39) & kIdx;
      vnext = (vaddr & ~(P4D_SIZE - 1)) + P4D_SIZE;
      RefEntry cur = t.tables.at(tbl)[slot];
      if (cur.kind != RefEntry::None) {
        auto r = pud_init(cur.value, pa(vaddr), pa(vend));
        if (!r) return r.error();
        last = *r;
        continue;
      }
      auto pud = new_table(TableLevel::Pud);
      if (!pud) return pud.error();
      auto r = pud_init(*pud, pa(vaddr), pa(vend));
      if (!r) return r.error();
      last = *r;
      t.tables.at(tbl)[slot] = RefEntry{RefEntry::Table, *pud};
    }
    return last;
  }

  // __kernel_physical_mapping_init
  Result<phys_addr_t> run(phys_addr_t ps, phys_addr_t pe) {
    phys_addr_t last = pe;
    const unsigned sh = t.paging.pgdir_shift();
    const std::uint64_t pgdir_size = std::uint64_t{1} << sh;
    std::uint64_t vaddr = va(ps), vend = va(pe);
    t.tables.try_emplace(RefTables::kRoot);
    for (std::uint64_t vnext; vaddr < vend; vaddr = vnext) {
      const std::uint64_t slot = (vaddr >> sh) & kIdx;
      vnext = (vaddr & ~(pgdir_size - 1)) + pgdir_size;
      RefEntry cur = t.tables.at(RefTables::kRoot)[slot];
      if (cur.kind != RefEntry::None) {
        auto r = p4d_init(cur.value, pa(vaddr), pa(vend));
        if (!r) return r.error();
        last = *r;
        continue;
      }
      auto p4d = new_table(t.paging.five_level ? TableLevel::P4d : TableLevel::Pud);
      if (!p4d) return p4d.error();
      auto r = p4d_init(*p4d, pa(vaddr), pa(vend));
      if (!r) return r.error();
      last = *r;
      t.tables.at(RefTables::kRoot)[slot] = RefEntry{RefEntry::Table, *p4d};
    }
    return last;
  }
};

}  // namespace

Result<phys_addr_t> ref_kernel_physical_mapping_init(RefTables& t, phys_addr_t ps,
                                                     phys_addr_t pe, PageSizeMask mask,
                                                     const RefAllocFn& alloc) {
  MB_CHECK(ps < pe, "mapping an empty range");
  const unsigned sh = t.paging.pgdir_shift();
  if (pe > ~std::uint64_t{0} - t.paging.page_offset_base ||
      (t.paging.va(pe - 1) >> sh) == (~std::uint64_t{0} >> sh))
    return make_error(ErrorCode::Unsupported, "direct-map range reaches the top PGD slot");
  Walker w{t, alloc, mask};
  return w.run(ps, pe);
}

PgtableState to_interval_state(const RefTables& t) {
  PgtableState st;
  st.paging = t.paging;
  auto root = t.tables.find(RefTables::kRoot);
  if (root == t.tables.end()) return st;
  const unsigned sh = t.paging.pgdir_shift();
  const unsigned top_bit = sh + 9;  // bit count of the canonical address space
  const std::uint64_t base = t.paging.page_offset_base;
  // `map_base` is the virtual address of physical 0 in the copy being read:
  // page_offset_base, or 256T lower for phys_p4d_init's wrapped alias.
  auto visit_pud = [&](std::uint64_t pud_tbl, std::uint64_t pud_va, std::uint64_t map_base,
                       IntervalMap<SlotState>& puds, IntervalMap<SlotState>& pmds, IntervalSet& ptes) {
    const auto& pud = t.tables.at(pud_tbl);
    for (std::uint64_t k = 0; k < PTRS_PER_TABLE; ++k) {
      if (pud[k].kind == RefEntry::None) continue;
      const std::uint64_t pa1g = (pud_va + (k << 30) - map_base) >> 30;
      if (pud[k].kind == RefEntry::Leaf) {
        puds.assign(pa1g, pa1g + 1, SlotState::Leaf);
        continue;
      }
      puds.assign(pa1g, pa1g + 1, SlotState::Table);
      const auto& pmd = t.tables.at(pud[k].value);
      for (std::uint64_t m = 0; m < PTRS_PER_TABLE; ++m) {
        if (pmd[m].kind == RefEntry::None) continue;
        const std::uint64_t pa2m = (pa1g << 9) + m;
        if (pmd[m].kind == RefEntry::Leaf) {
          pmds.assign(pa2m, pa2m + 1, SlotState::Leaf);
          continue;
        }
        pmds.assign(pa2m, pa2m + 1, SlotState::Table);
        const auto& pte = t.tables.at(pmd[m].value);
        for (std::uint64_t p = 0; p < PTRS_PER_TABLE; ++p)
          if (pte[p].kind == RefEntry::Leaf) ptes.assign((pa2m << 9) + p, (pa2m << 9) + p + 1, Present{});
      }
    }
  };
  for (std::uint64_t i = 0; i < PTRS_PER_TABLE; ++i) {
    const RefEntry& g = root->second[i];
    if (g.kind != RefEntry::Table) continue;
    std::uint64_t gva = i << sh;
    if (i >= PTRS_PER_TABLE / 2) gva |= ~((std::uint64_t{1} << top_bit) - 1);  // sign-extend
    st.pgd.assign(gva >> sh, (gva >> sh) + 1, Present{});
    if (!t.paging.five_level) {
      visit_pud(g.value, gva, base, st.pud, st.pmd, st.pte);
      continue;
    }
    const auto& p4d = t.tables.at(g.value);
    for (std::uint64_t j = 0; j < PTRS_PER_TABLE; ++j) {
      if (p4d[j].kind != RefEntry::Table) continue;
      const std::uint64_t p4va = gva + (j << 39);
      if (p4va + P4D_SIZE <= base) {  // below the direct map: the wrapped alias
        LowerSlots& w = st.wrapped;
        w.p4d.assign(p4va >> 39, (p4va >> 39) + 1, Present{});
        visit_pud(p4d[j].value, p4va, base - (std::uint64_t{1} << sh), w.pud, w.pmd, w.pte);
        continue;
      }
      st.p4d.assign(p4va >> 39, (p4va >> 39) + 1, Present{});
      visit_pud(p4d[j].value, p4va, base, st.pud, st.pmd, st.pte);
    }
  }
  return st;
}

}  // namespace mbv
