// The executable specification of memblock as a state machine over meanings.
//
// SpecState is what a Memblock means: the two interval maps, the
// configuration globals, the kernel's total_size bookkeeping, and the points
// where two memory regions touch with identical attributes ("cuts", only ever
// created by memblock_cap_memory_range, map 2.10 / 11.2#2). spec_apply gives
// the expected result and next state of one Op, computed from the meaning
// alone (never from the region arrays of an implementation).
//
// Scope: spec_apply assumes every array has room (no -ENOMEM, no doubling);
// check_step (step_checks.h) adds the capacity rules around it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/meaning.h"

namespace mbv::spec {

// The kernel globals an operation reads besides the arrays.
struct Config {
  bool bottom_up = false;
  phys_addr_t current_limit = MEMBLOCK_ALLOC_ANYWHERE;
  bool can_resize = false;
  bool movable_node = false;
  bool mirrored_kernelcore = false;
  bool system_has_some_mirror = false;
  friend bool operator==(const Config&, const Config&) = default;
};
Config config_of(const Memblock& mb);
std::string describe_config_difference(const Config& expected, const Config& actual);

struct SpecState {
  Meaning meaning;
  Config config;
  phys_addr_t memory_total = 0;    // memblock.memory.total_size as the kernel keeps it
  phys_addr_t reserved_total = 0;  // memblock.reserved.total_size
  // Addresses p where two memory regions [x, p) and [p, y) touch with equal
  // (nid, flags). Empty whenever I3 holds. Sorted.
  std::vector<phys_addr_t> memory_cuts;

  static SpecState of(const Memblock& mb);
  // *this = of(mb), reusing this state's storage.
  void assign_of(const Memblock& mb);
  // The memory regions the meaning implies: the runs split at the cuts.
  std::vector<MemblockRegion> memory_regions() const;
  friend bool operator==(const SpecState&, const SpecState&) = default;
};

// Whether reserving [base, base+size) would succeed: the rc model assumes it
// always does; check_step answers from the capacity of the real array.
using CanReserve = std::function<bool(phys_addr_t base, phys_addr_t size)>;

struct SpecOutcome {
  OpResult result;
  // Set when Linux 6.1 is known to break the intended meaning for this input
  // (docs/spec.md "Kernel gaps"); the next state is then not predicted.
  std::optional<std::string> kernel_gap;
};

// Expected result and next state of op (no capacity limits unless can_reserve says so).
SpecOutcome spec_apply(SpecState& s, const Op& op, const CanReserve& can_reserve = {});

// ---- pieces of the meaning used by the checks ----

// memblock_cap_size (mm/memblock.c): the size clipped so that base+size <= PHYS_ADDR_MAX.
phys_addr_t cap_size(phys_addr_t base, phys_addr_t size);

// should_skip_region (mm/memblock.c) for a memory run with attributes m.
// Inline: the iterator laws call it for every free piece of every walk.
inline bool skip_memory(const Attr& m, int nid, std::uint32_t flags, bool movable_node) {
  if (nid != NUMA_NO_NODE && nid != m.nid) return true;
  if (movable_node && (m.flags & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG)) return true;
  if ((flags & MEMBLOCK_MIRROR) && !(m.flags & MEMBLOCK_MIRROR)) return true;
  if (!(flags & MEMBLOCK_NOMAP) && (m.flags & MEMBLOCK_NOMAP)) return true;
  if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (m.flags & MEMBLOCK_DRIVER_MANAGED)) return true;
  return false;
}

// Memory minus reserved, restricted to runs not skipped for (nid, flags):
// the maximal free ranges of single memory regions, ascending.
std::vector<PhysRange> free_ranges(const SpecState& s, int nid, std::uint32_t flags);

// The free ranges of every memory region, ascending, each with its region's
// attributes and no skip rule applied: the free walk for any (nid, flags) is
// the subsequence whose region passes skip_memory, so one pass serves every
// walk. `regions` is s.memory_regions().
struct FreePiece {
  phys_addr_t start = 0, end = 0;
  Attr region;
};
std::vector<FreePiece> free_pieces(const SpecState& s, const std::vector<MemblockRegion>& regions);

// memblock_find_in_range_node (mm/memblock.c) over the meaning: the highest
// (top-down) or lowest (bottom-up) aligned block inside one free range and the
// pumped window; 0 when none fits, or when bottom-up the lowest range that
// fits has an aligned start that wrapped to 0.
phys_addr_t spec_find(const SpecState& s, phys_addr_t size, phys_addr_t align, phys_addr_t start,
                      phys_addr_t end, int nid, std::uint32_t flags);

// One attempt of memblock_alloc_range_nid's fallback order.
struct Attempt {
  phys_addr_t start, end;
  int nid;
  std::uint32_t flags;
};
// The attempts an allocation Op makes, in order (map 3.5, 3.6, 11.1#9),
// with the align the kernel uses. Empty for non-allocation ops.
std::vector<Attempt> alloc_attempts(const SpecState& s, const Op& op, phys_addr_t* align_out);
bool is_alloc(OpKind k);
// Ops that only read (queries and memblock_find_in_range).
bool is_query(OpKind k);

// __find_max_addr (mm/memblock.c) over the meaning.
phys_addr_t spec_find_max_addr(const SpecState& s, phys_addr_t limit);

// memblock_double_array's placement search (mm/memblock.c) for type t, the
// array of which holds max entries: where the 2*max array would go, or 0.
phys_addr_t spec_double_array_place(const SpecState& s, MemblockTypeId t, std::size_t max,
                                    phys_addr_t avoid_base, phys_addr_t avoid_size);
// PAGE_ALIGN(max * sizeof(struct memblock_region)).
phys_addr_t array_bytes(std::size_t max);

}  // namespace mbv::spec
