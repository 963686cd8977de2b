// The direct map's page tables as interval sets (the fast model).
//
// The kernel walks kernel_physical_mapping_init one slot at a time; here the
// state of every slot is kept per run of equal slots:
//   pgd  - populated PGD slots, by virtual index (va >> PGDIR_SHIFT);
//   p4d  - populated P4D slots with 5-level paging, by virtual index (va >> 39);
//   pud  - the state of each 1G slot (empty, 1G leaf, PMD table), by PA >> 30
//          (page_offset_base is 1G-aligned, so virtual and physical 1G slots agree);
//   pmd  - the state of each 2M slot inside a PMD table, by PA >> 21;
//   pte  - present 4K entries inside PTE tables, by PFN.
// Invariants: pmd keys lie only in 1G slots that hold a table, pte keys only
// in 2M slots that hold a table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/pgtable/interval_map.h"
#include "impl/pgtable/paging.h"

namespace mbv {

enum class SlotState : std::uint8_t { Leaf, Table };

// Page-table pages one mapping step needs, by the level of the table.
struct LevelCounts {
  std::uint64_t p4d = 0;  // P4D tables (5-level only: one per new PGD slot)
  std::uint64_t pud = 0;  // PUD tables
  std::uint64_t pmd = 0;  // PMD tables (new, or splitting a 1G leaf)
  std::uint64_t pte = 0;  // PTE tables (new, or splitting a 2M leaf)
  std::uint64_t total() const { return p4d + pud + pmd + pte; }
  LevelCounts& operator+=(const LevelCounts& o) {
    p4d += o.p4d, pud += o.pud, pmd += o.pmd, pte += o.pte;
    return *this;
  }
  friend bool operator==(const LevelCounts&, const LevelCounts&) = default;
};

// Slots below the PGD level, keyed as in PgtableState.
struct LowerSlots {
  IntervalSet p4d;
  IntervalMap<SlotState> pud;
  IntervalMap<SlotState> pmd;
  IntervalSet pte;
  friend bool operator==(const LowerSlots&, const LowerSlots&) = default;
};

struct PgtableState {
  PagingConfig paging;
  IntervalSet pgd;
  IntervalSet p4d;
  IntervalMap<SlotState> pud;
  IntervalMap<SlotState> pmd;
  IntervalSet pte;
  // 5-level only: the alias 6.1's phys_p4d_init writes when a range crosses
  // the direct map's first PGD (256T) boundary. It indexes the head slot's
  // P4D table mod 512, so the tail is mapped again 256T lower, below
  // page_offset_base. P4D keys are those alias addresses >> 39; the rest by PA.
  LowerSlots wrapped;
  friend bool operator==(const PgtableState&, const PgtableState&) = default;
};

// What mapping one range costs and returns.
struct MappingCost {
  LevelCounts pages;
  phys_addr_t paddr_last = 0;  // the kernel's return value (end of the last unit mapped)
  friend bool operator==(const MappingCost&, const MappingCost&) = default;
};

// The page-table pages kernel_physical_mapping_init(ps, pe, mask) would
// allocate on `st`, and its return value, without changing `st`. With 5-level
// paging a range crossing the first PGD (256T) boundary above page_offset_base
// also maps its tail into the wrapped alias (PgtableState::wrapped). Fails
// (Unsupported) when the range reaches the top PGD slot, or crosses a later
// 256T boundary (there the wrapped entries would overwrite the map itself).
Result<MappingCost> mapping_cost(const PgtableState& st, phys_addr_t ps, phys_addr_t pe,
                                 PageSizeMask mask);

// Applies kernel_physical_mapping_init(ps, pe, mask) to `st` (slot states only;
// page-table pages are allocated by the caller in the kernel's order, see
// direct_map.h). Precondition: mapping_cost succeeded for the same arguments.
void apply_mapping(PgtableState& st, phys_addr_t ps, phys_addr_t pe, PageSizeMask mask);

// Physical ranges the page tables map (merged, ascending).
std::vector<PhysRange> mapped_ranges(const PgtableState& st);

// Large leaves, merged per size: 1G leaves and 2M leaves (ascending).
struct LeafRanges {
  std::vector<PhysRange> leaves_1g;
  std::vector<PhysRange> leaves_2m;
};
LeafRanges leaf_ranges(const PgtableState& st);

// Human-readable dump (one line per run), for failure messages.
std::string dump(const PgtableState& st);

}  // namespace mbv
