// init_mem_mapping and its helpers (arch/x86/mm/init.c): the boot-time direct
// map of x86-64, with the page-table pages it takes from the brk buffer and
// from memblock, in the kernel's order.
//
// State is a DirectMap value (the kernel's file-scope statics of init.c plus
// the page tables); the Memblock is passed by reference and changed exactly
// as the kernel changes it (page-table pages reserved, the 2M probe reserved
// and freed).
//
// Two walkers share every driver: WalkMode::Fast counts page-table pages per
// range on interval sets and takes runs of consecutive single-page
// allocations in bulk; WalkMode::PerPage walks real tables entry by entry and
// calls memblock once per page. Tests and fuzzers check that both give the
// same allocations, in the same order, and the same final state.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "impl/common/alloc_event.h"
#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/pgtable/paging.h"
#include "impl/pgtable/pgtable_state.h"
#include "impl/pgtable/reference_walker.h"
#include "impl/pgtable/split.h"

namespace mbv {

class Memblock;

// INIT_PGT_BUF_SIZE in pages for the Debian config (X86_5LEVEL=y,
// RANDOMIZE_MEMORY=y): 4 * INIT_PGD_PAGE_TABLES(4). Without RANDOMIZE_MEMORY
// it is 2 * that; with 4-level-only kernels INIT_PGD_PAGE_TABLES is 3.
inline constexpr std::uint64_t INIT_PGT_BUF_PAGES = 16;
// E820_MAX_ENTRIES: capacity of pfn_mapped[].
inline constexpr std::size_t PFN_MAPPED_MAX = 128 + 3 * MAX_NUMNODES;

enum class WalkMode : std::uint8_t { Fast, PerPage };
enum class PgtSource : std::uint8_t { Brk, Memblock };

struct DirectMapConfig {
  CpuFeatures cpu;
  bool debug_pagealloc = false;
  bool gbpages = true;                  // direct_gbpages (CONFIG_X86_DIRECT_GBPAGES, gbpages=)
  PagingConfig paging = default_paging(false);
  bool memory_kaslr = false;            // kaslr_memory_enabled(): init_trampoline_kaslr runs
  std::uint64_t max_pfn = 0;            // end of the direct map, in pfns
  phys_addr_t kernel_end = 0;           // __pa_symbol(_end), used bottom-up
  std::uint64_t pgt_buf_start_pfn = 0;  // early_alloc_pgt_buf's brk carve-out
  std::uint64_t pgt_buf_pages = INIT_PGT_BUF_PAGES;
  Phase phase = Phase::BeforeSrat;
  WalkMode walk = WalkMode::Fast;
};

// A run of consecutive alloc_low_pages(1) results: from brk (ascending), or
// from memblock (descending top-down, ascending bottom-up).
struct PgtAllocRun {
  PgtSource source = PgtSource::Brk;
  phys_addr_t first = 0;        // the first page handed out
  std::uint64_t pages = 0;
  bool descending = false;
  std::uint64_t window_lo_pfn = 0;  // [min_pfn_mapped, max_pfn_mapped) at the time
  std::uint64_t window_hi_pfn = 0;
  bool premapped = false;       // inside pfn_mapped[] before the current mapping call
  std::int64_t call = -1;       // index into DirectMap::calls; -1 = init_trampoline_kaslr
  PhysRange range() const {
    return descending ? PhysRange{first + PAGE_SIZE - pages * PAGE_SIZE, first + PAGE_SIZE}
                      : PhysRange{first, first + pages * PAGE_SIZE};
  }
  friend bool operator==(const PgtAllocRun&, const PgtAllocRun&) = default;
};

struct MappedRange {
  MapRange range;
  LevelCounts pages;         // page-table pages this range allocated
  phys_addr_t paddr_last = 0;
  friend bool operator==(const MappedRange&, const MappedRange&) = default;
};

// One init_memory_mapping(start, end) call.
struct MappingCall {
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  bool can_use_brk_pgt = true;
  std::vector<MappedRange> ranges;
  std::uint64_t ret_pfn = 0;  // its return value
  friend bool operator==(const MappingCall&, const MappingCall&) = default;
};

struct PfnSpan {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  friend bool operator==(const PfnSpan&, const PfnSpan&) = default;
};

struct DirectMap {
  DirectMapConfig cfg;
  PageSizeMask page_size_mask = 0;
  PgtableState tables;  // WalkMode::Fast
  RefTables ref;        // WalkMode::PerPage
  std::uint64_t pgt_buf_start = 0, pgt_buf_end = 0, pgt_buf_top = 0;
  bool can_use_brk_pgt = true;
  std::uint64_t min_pfn_mapped = 0, max_pfn_mapped = 0, max_low_pfn_mapped = 0;
  std::vector<PfnSpan> pfn_mapped;  // sorted, merged
  std::vector<MappingCall> calls;
  std::vector<PgtAllocRun> allocs;
  std::vector<std::string> warnings;

  // The page tables as interval sets, whichever walker built them.
  PgtableState state() const;
  // Every page-table page as an AllocEvent (one per run). A run can straddle
  // a NUMA node boundary (memblock has no nids yet); pass the boundaries
  // (e.g. SRAT range edges) as `cuts` to get one event per piece, so each
  // event lies in one node.
  std::vector<AllocEvent> alloc_events(std::span<const phys_addr_t> cuts = {}) const;
  // The page addresses in allocation order (expands runs; small machines only).
  std::vector<phys_addr_t> page_sequence() const;
  // Total page-table pages by level, over all calls (trampoline pages not included).
  LevelCounts total_pages() const;
  // "init_memory_mapping: [mem 0x...-0x...]" lines plus the split ranges.
  std::string dmesg() const;
  std::vector<std::string> dmesg_lines() const;  // the same, one line each
};

// A DirectMap before init_mem_mapping: early_alloc_pgt_buf done, nothing mapped.
DirectMap make_direct_map(const DirectMapConfig& cfg);

// alloc_low_pages (arch/x86/mm/init.c), called `n` times with num = 1, as the
// walkers do. Failure is the kernel's panic.
Status alloc_low_pages(DirectMap& dm, Memblock& mb, std::uint64_t n, std::int64_t call);

// add_pfn_range_mapped (arch/x86/mm/init.c)
void add_pfn_range_mapped(DirectMap& dm, std::uint64_t start_pfn, std::uint64_t end_pfn);
// pfn_range_is_mapped (arch/x86/mm/init.c): one pfn_mapped entry holds it all.
bool pfn_range_is_mapped(const DirectMap& dm, std::uint64_t start_pfn, std::uint64_t end_pfn);

// init_memory_mapping (arch/x86/mm/init.c): returns the end pfn mapped.
Result<std::uint64_t> init_memory_mapping(DirectMap& dm, Memblock& mb, phys_addr_t start,
                                          phys_addr_t end);
// init_range_memory_mapping (arch/x86/mm/init.c): returns the RAM bytes mapped.
Result<std::uint64_t> init_range_memory_mapping(DirectMap& dm, Memblock& mb, phys_addr_t r_start,
                                                phys_addr_t r_end);
// get_new_step_size (arch/x86/mm/init.c)
constexpr std::uint64_t get_new_step_size(std::uint64_t step) { return step << 8; }
// memory_map_top_down (arch/x86/mm/init.c)
Status memory_map_top_down(DirectMap& dm, Memblock& mb, phys_addr_t map_start, phys_addr_t map_end);
// memory_map_bottom_up (arch/x86/mm/init.c)
Status memory_map_bottom_up(DirectMap& dm, Memblock& mb, phys_addr_t map_start,
                            phys_addr_t map_end);
// init_trampoline (arch/x86/mm/init.c) with init_trampoline_kaslr (arch/x86/mm/kaslr.c)
Status init_trampoline(DirectMap& dm, Memblock& mb);
// init_mem_mapping (arch/x86/mm/init.c) on a fresh DirectMap.
Result<DirectMap> init_mem_mapping(Memblock& mb, const DirectMapConfig& cfg);

}  // namespace mbv
