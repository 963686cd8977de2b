// Direct-map facts as pure queries returning violations (empty = holds).
// The invariant checker in model/ composes these; they never abort.
#pragma once

#include <string>
#include <vector>

#include "impl/common/types.h"
#include "impl/pgtable/direct_map.h"

namespace mbv {

class Memblock;

struct PgtViolation {
  std::string rule;  // short name, e.g. "direct-map-coverage"
  PhysRange range;   // the offending physical range
  std::string detail;
  friend bool operator==(const PgtViolation&, const PgtViolation&) = default;
};

// Every page of every memblock memory pfn range below max_pfn, and [0, 1M),
// is mapped after init_mem_mapping (6.1 guarantees this).
std::vector<PgtViolation> check_direct_map_coverage(const DirectMap& dm, const Memblock& mb);

// Every 2M and 1G leaf lies inside one memblock memory region
// (adjust_range_page_size_mask's hull test; 6.1 guarantees this at boot).
std::vector<PgtViolation> check_large_leaves_in_one_region(const DirectMap& dm,
                                                           const Memblock& mb);

// Page-table pages come from the brk buffer or from memblock inside
// [min_pfn_mapped, max_pfn_mapped) as it was at the allocation (6.1 guarantees this).
std::vector<PgtViolation> check_pgtable_page_sources(const DirectMap& dm);

// Stronger: memblock page-table pages lay in memory already recorded in
// pfn_mapped[] when they were taken. 6.1 does NOT guarantee this (the
// bottom-up second pass takes the lowest free pages >= 1M, which may not be
// mapped yet); reported so the pipeline can show it.
std::vector<PgtViolation> check_pgtable_pages_premapped(const DirectMap& dm);

}  // namespace mbv
