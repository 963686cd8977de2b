// The brute-force reference for the direct map: real 512-entry tables, walked
// one entry at a time exactly like kernel_physical_mapping_init and its
// phys_{p4d,pud,pmd,pte}_init helpers (arch/x86/mm/init_64.c), allocating
// each table page as the walk reaches it. Slow by design; used by tests and
// fuzzers on small machines to check the interval model (pgtable_state.h).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "impl/common/result.h"
#include "impl/pgtable/paging.h"
#include "impl/pgtable/pgtable_state.h"

namespace mbv {

enum class TableLevel : std::uint8_t { P4d, Pud, Pmd, Pte };

struct RefEntry {
  enum Kind : std::uint8_t { None, Table, Leaf } kind = None;
  std::uint64_t value = 0;  // child table's page address, or the leaf's pfn
};

struct RefTables {
  PagingConfig paging;
  // Table pages by their physical address; the root (init_top_pgt) by kRoot.
  std::unordered_map<std::uint64_t, std::array<RefEntry, PTRS_PER_TABLE>> tables;
  static constexpr std::uint64_t kRoot = ~std::uint64_t{0};
};

// alloc_low_page(): returns the address of a fresh zeroed table page, or an
// error (the kernel's panic).
using RefAllocFn = std::function<Result<std::uint64_t>(TableLevel)>;

// kernel_physical_mapping_init (arch/x86/mm/init_64.c), entry by entry.
// Returns paddr_last. Past-end slots are not cleared (see docs/pgtable.md).
Result<phys_addr_t> ref_kernel_physical_mapping_init(RefTables& t, phys_addr_t ps,
                                                     phys_addr_t pe, PageSizeMask mask,
                                                     const RefAllocFn& alloc);

// The same tables in the interval representation, for whole-state comparison.
PgtableState to_interval_state(const RefTables& t);

}  // namespace mbv
