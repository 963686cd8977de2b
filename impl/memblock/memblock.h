// The reference model of Linux 6.1 mm/memblock.c: a plain value type.
//
// Everything the kernel keeps in globals (the `memblock` struct, the
// movable_node switch, system_has_some_mirror, mirrored_kernelcore, the
// resize permission) lives in one Memblock value, so many independent
// instances can run in one process. Return values follow the kernel: 0 or a
// negative errno for operations, 0 for a failed allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/common/types.h"

namespace mbv {

// enum memblock_flags
enum MemblockFlag : std::uint32_t {
  MEMBLOCK_NONE = 0x0,
  MEMBLOCK_HOTPLUG = 0x1,
  MEMBLOCK_MIRROR = 0x2,
  MEMBLOCK_NOMAP = 0x4,
  MEMBLOCK_DRIVER_MANAGED = 0x8,
};

// Allocation-bound constants (include/linux/memblock.h).
inline constexpr phys_addr_t MEMBLOCK_ALLOC_ANYWHERE = ~phys_addr_t{0};
inline constexpr phys_addr_t MEMBLOCK_ALLOC_ACCESSIBLE = 0;
inline constexpr phys_addr_t MEMBLOCK_ALLOC_NOLEAKTRACE = 1;
inline constexpr phys_addr_t MEMBLOCK_LOW_LIMIT = 0;
inline constexpr phys_addr_t ARCH_LOW_ADDRESS_LIMIT = 0xffffffffull;
inline constexpr std::size_t INIT_MEMBLOCK_REGIONS = 128;
// The largest static array init_regions accepts (the kernel oracle's static
// arrays are built with INIT_MEMBLOCK_REGIONS entries).
inline constexpr std::size_t MAX_INIT_MEMBLOCK_REGIONS = INIT_MEMBLOCK_REGIONS;
// sizeof(struct memblock_region) on x86-64 with NUMA: base, size, flags, nid.
inline constexpr std::uint64_t MEMBLOCK_REGION_BYTES = 24;

// struct memblock_region
struct MemblockRegion {
  phys_addr_t base = 0;
  phys_addr_t size = 0;
  std::uint32_t flags = MEMBLOCK_NONE;
  int nid = 0;
  phys_addr_t end() const { return base + size; }
  friend bool operator==(const MemblockRegion&, const MemblockRegion&) = default;
};

enum class MemblockTypeId : std::uint8_t { Memory, Reserved };

// The kernel's name of a type: "memory" or "reserved".
constexpr const char* type_name(MemblockTypeId t) {
  return t == MemblockTypeId::Memory ? "memory" : "reserved";
}

// struct memblock_type. `regions.size()` is the kernel's `cnt` (never 0:
// an empty type holds one dummy region of size 0). `max` is the capacity the
// kernel would have; the vector itself grows freely. `init_max` is the size
// of the static array the type starts in (INIT_MEMBLOCK_MEMORY_REGIONS or
// INIT_MEMBLOCK_RESERVED_REGIONS, 128 on x86-64; see Memblock::init_regions).
struct MemblockType {
  std::vector<MemblockRegion> regions{MemblockRegion{}};
  std::size_t max = INIT_MEMBLOCK_REGIONS;
  std::size_t init_max = INIT_MEMBLOCK_REGIONS;
  phys_addr_t total_size = 0;
  // Physical address of the region array once it has been doubled out of
  // memblock; 0 while the static initial array is in use.
  phys_addr_t array_phys = 0;
  std::string name;

  std::size_t cnt() const { return regions.size(); }
  bool empty() const { return regions.size() == 1 && regions[0].size == 0; }
  friend bool operator==(const MemblockType&, const MemblockType&) = default;
};

// One range produced by a free-range / mem-range iterator.
struct MemRange {
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  int nid = 0;
  friend bool operator==(const MemRange&, const MemRange&) = default;
};

// One range produced by for_each_mem_pfn_range.
struct PfnRange {
  std::uint64_t start_pfn = 0;
  std::uint64_t end_pfn = 0;
  int nid = 0;
  friend bool operator==(const PfnRange&, const PfnRange&) = default;
};

// Range of region indices [start, end) produced by isolate_range.
struct IsolatedRange {
  int start_rgn = 0;
  int end_rgn = 0;
};

// A BUG()/BUG_ON() the kernel would hit. It is reachable from input (for
// example memblock_trim_memory with an alignment that makes round_up wrap
// leaves unsorted regions, and the next merge BUGs), so the model records it
// instead of aborting: the operation stops where the kernel would have died
// and the state after it is meaningless. Callers stop the trace.
enum class KernelBug : std::uint8_t {
  None,
  DoubleArrayReserve,  // memblock_double_array: reserving the new array failed
  MergeOverlap,        // memblock_merge_regions: a region overlaps the next
  InsertFull,          // memblock_insert_region: cnt >= max
};

// The line of that BUG_ON in Linux 6.1 mm/memblock.c (what the kernel
// oracle reports); 0 for None.
constexpr int kernel_bug_line(KernelBug b) {
  switch (b) {
    case KernelBug::None: return 0;
    case KernelBug::DoubleArrayReserve: return 493;
    case KernelBug::MergeOverlap: return 520;
    case KernelBug::InsertFull: return 552;
  }
  return 0;
}

class Memblock {
 public:
  Memblock();

  // ---- state (the kernel's struct memblock plus the globals it reads) ----
  MemblockType memory;
  MemblockType reserved;
  bool bottom_up = false;
  phys_addr_t current_limit = MEMBLOCK_ALLOC_ANYWHERE;
  bool can_resize = false;             // memblock_can_resize
  bool movable_node = false;           // movable_node_is_enabled()
  bool mirrored_kernelcore = false;    // kernelcore=mirror
  bool system_has_some_mirror = false;
  // The first kernel BUG this state ran into (None: the kernel is alive).
  KernelBug kernel_bug = KernelBug::None;
  // Not 6.1: Linux 3.13's bottom-up rule in memblock_find_in_range_node, for
  // the bottom-up-2013 boot policy. Non-zero: the kernel's end (_end); a
  // bottom-up search whose end lies above it searches only from it up, and
  // when that finds nothing (or end is not above it) the whole range is
  // searched top-down. 0 (the default): 6.1, no such rule.
  phys_addr_t legacy_bottom_up_kernel_end = 0;
  // How many bottom-up searches above legacy_bottom_up_kernel_end failed and
  // fell back to top-down (where 3.13 gave its one-time WARN). Mutable: the
  // searches are const, as the kernel's WARN_ONCE state is outside memblock.
  mutable std::uint64_t legacy_bottom_up_fallbacks = 0;

  MemblockType& type(MemblockTypeId id) { return id == MemblockTypeId::Memory ? memory : reserved; }
  const MemblockType& type(MemblockTypeId id) const {
    return id == MemblockTypeId::Memory ? memory : reserved;
  }

  // ---- build configuration ----
  // The static array sizes INIT_MEMBLOCK_MEMORY_REGIONS and
  // INIT_MEMBLOCK_RESERVED_REGIONS (mm/memblock.c; an architecture may
  // override either, x86-64 keeps 128). Only a memblock that holds no region
  // and still uses its static arrays can take new sizes, each in
  // [1, MAX_INIT_MEMBLOCK_REGIONS]; otherwise -EINVAL and nothing changes.
  // Small arrays let a short trace reach memblock_double_array.
  int init_regions(std::uint64_t memory_max, std::uint64_t reserved_max);

  // ---- basic operations ----
  // memblock_allow_resize
  void allow_resize() { can_resize = true; }
  // memblock_add
  int add(phys_addr_t base, phys_addr_t size);
  // memblock_add_node
  int add_node(phys_addr_t base, phys_addr_t size, int nid, std::uint32_t flags);
  // memblock_remove
  int remove(phys_addr_t base, phys_addr_t size);
  // memblock_reserve
  int reserve(phys_addr_t base, phys_addr_t size);
  // memblock_phys_free
  int phys_free(phys_addr_t base, phys_addr_t size);
  // memblock_add_range (the shared worker, exposed for tests and the spec)
  int add_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size, int nid,
                std::uint32_t flags);
  // memblock_remove_range
  int remove_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size);
  // memblock_isolate_range
  int isolate_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size,
                    IsolatedRange* out);
  // memblock_merge_regions
  void merge_regions(MemblockTypeId t);
  // memblock_setclr_flag (always on memory)
  int setclr_flag(phys_addr_t base, phys_addr_t size, bool set, std::uint32_t flag);
  // memblock_mark_hotplug
  int mark_hotplug(phys_addr_t base, phys_addr_t size);
  // memblock_clear_hotplug
  int clear_hotplug(phys_addr_t base, phys_addr_t size);
  // memblock_mark_mirror
  int mark_mirror(phys_addr_t base, phys_addr_t size);
  // memblock_mark_nomap
  int mark_nomap(phys_addr_t base, phys_addr_t size);
  // memblock_clear_nomap
  int clear_nomap(phys_addr_t base, phys_addr_t size);
  // memblock_set_node
  int set_node(phys_addr_t base, phys_addr_t size, MemblockTypeId t, int nid);
  // memblock_trim_memory
  void trim_memory(phys_addr_t align);
  // memblock_cap_memory_range
  void cap_memory_range(phys_addr_t base, phys_addr_t size);
  // memblock_mem_limit_remove_map
  void mem_limit_remove_map(phys_addr_t limit);
  // memblock_enforce_memory_limit
  void enforce_memory_limit(phys_addr_t limit);

  // ---- queries ----
  // memblock_is_region_reserved
  bool is_region_reserved(phys_addr_t base, phys_addr_t size) const;
  // memblock_overlaps_region
  bool overlaps_region(MemblockTypeId t, phys_addr_t base, phys_addr_t size) const;
  // memblock_is_memory
  bool is_memory(phys_addr_t addr) const;
  // memblock_is_reserved
  bool is_reserved(phys_addr_t addr) const;
  // memblock_is_map_memory
  bool is_map_memory(phys_addr_t addr) const;
  // memblock_is_region_memory
  bool is_region_memory(phys_addr_t base, phys_addr_t size) const;
  // memblock_search: index of the region of type t holding addr, or -1.
  int search(MemblockTypeId t, phys_addr_t addr) const;
  // memblock_search_pfn_nid: nid of the memory region holding pfn, or -1;
  // the region's pfn span goes to start_pfn/end_pfn.
  int search_pfn_nid(std::uint64_t pfn, std::uint64_t* start_pfn, std::uint64_t* end_pfn) const;
  // memblock_start_of_DRAM
  phys_addr_t start_of_DRAM() const;
  // memblock_end_of_DRAM
  phys_addr_t end_of_DRAM() const;
  // memblock_phys_mem_size
  phys_addr_t phys_mem_size() const { return memory.total_size; }
  // memblock_reserved_size
  phys_addr_t reserved_size() const { return reserved.total_size; }
  // __find_max_addr
  phys_addr_t find_max_addr(phys_addr_t limit) const;

  // ---- iterators (materialised; same order as the kernel's walk) ----
  // for_each_free_mem_range: memory minus reserved, ascending.
  std::vector<MemRange> free_mem_ranges(int nid, std::uint32_t flags) const;
  // for_each_free_mem_range_reverse: memory minus reserved, descending.
  std::vector<MemRange> free_mem_ranges_reverse(int nid, std::uint32_t flags) const;
  // for_each_mem_range: memory regions, flags HOTPLUG|DRIVER_MANAGED.
  std::vector<MemRange> mem_ranges() const;
  // for_each_mem_range_rev
  std::vector<MemRange> mem_ranges_rev() const;
  // for_each_reserved_mem_range
  std::vector<MemRange> reserved_mem_ranges() const;
  // __for_each_mem_range / __for_each_mem_range_rev: "a minus b" (b absent:
  // a alone), filtered by should_skip_region; nid MAX_NUMNODES = NUMA_NO_NODE.
  std::vector<MemRange> walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b,
                                        int nid, std::uint32_t flags, bool reverse) const;
  // The same walk into `out` (cleared first, its storage reused), for callers
  // that walk many times, such as the spec's iterator laws on every step.
  void walk_mem_ranges(MemblockTypeId a, std::optional<MemblockTypeId> b, int nid,
                       std::uint32_t flags, bool reverse, std::vector<MemRange>& out) const;
  // for_each_mem_pfn_range (nid == MAX_NUMNODES means all nodes)
  std::vector<PfnRange> mem_pfn_ranges(int nid) const;
  // The same into `out` (cleared first, its storage reused).
  void mem_pfn_ranges(int nid, std::vector<PfnRange>& out) const;
  // should_skip_region
  bool should_skip_region(MemblockTypeId t, const MemblockRegion& m, int nid,
                          std::uint32_t flags) const;

  // ---- allocation ----
  // choose_memblock_flags
  std::uint32_t choose_memblock_flags() const {
    return system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
  }
  // memblock_find_in_range_node
  phys_addr_t find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                 phys_addr_t end, int nid, std::uint32_t flags) const;
  // memblock_find_in_range
  phys_addr_t find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
                            phys_addr_t align) const;
  // memblock_alloc_range_nid
  phys_addr_t alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                              phys_addr_t end, int nid, bool exact_nid);
  // memblock_phys_alloc_range
  phys_addr_t phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                               phys_addr_t end);
  // memblock_phys_alloc
  phys_addr_t phys_alloc(phys_addr_t size, phys_addr_t align) {
    return phys_alloc_range(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
  }
  // memblock_phys_alloc_try_nid
  phys_addr_t phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);
  // memblock_alloc_internal (returns a physical address, 0 on failure)
  phys_addr_t alloc_internal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                             phys_addr_t max_addr, int nid, bool exact_nid);
  // memblock_alloc_try_nid (zeroing is not modelled: no memory contents)
  phys_addr_t alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                            phys_addr_t max_addr, int nid);
  // memblock_alloc_try_nid_raw
  phys_addr_t alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                phys_addr_t max_addr, int nid);
  // memblock_alloc_exact_nid_raw
  phys_addr_t alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                  phys_addr_t max_addr, int nid);
  // memblock_alloc_low
  phys_addr_t alloc_low(phys_addr_t size, phys_addr_t align) {
    return alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE);
  }
  // memblock_alloc
  phys_addr_t alloc(phys_addr_t size, phys_addr_t align) {
    return alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
  }
  // memblock_alloc_raw
  phys_addr_t alloc_raw(phys_addr_t size, phys_addr_t align) {
    return alloc_try_nid_raw(size, align, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE,
                             NUMA_NO_NODE);
  }
  // memblock_alloc_from
  phys_addr_t alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr) {
    return alloc_try_nid(size, align, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
  }
  // memblock_alloc_node
  phys_addr_t alloc_node(phys_addr_t size, phys_addr_t align, int nid) {
    return alloc_try_nid(size, align, MEMBLOCK_LOW_LIMIT, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
  }
  // memblock_set_bottom_up
  void set_bottom_up(bool enable) { bottom_up = enable; }
  // memblock_set_current_limit
  void set_current_limit(phys_addr_t limit) { current_limit = limit; }
  // memblock_get_current_limit
  phys_addr_t get_current_limit() const { return current_limit; }

  // __memblock_dump_all: the memblock=debug dump, in the kernel's format
  // (the pr_info lines, each ending in '\n', without log-level or timestamp).
  std::string dump() const;
  // memblock_dump: the part of the dump for one type.
  std::string dump_type(MemblockTypeId t) const;

  // memblock_cap_size: the size clipped so that base + size does not wrap.
  static phys_addr_t cap_size(phys_addr_t base, phys_addr_t size) {
    return size < PHYS_ADDR_MAX - base ? size : PHYS_ADDR_MAX - base;
  }
  // memblock_addrs_overlap
  static bool addrs_overlap(phys_addr_t base1, phys_addr_t size1, phys_addr_t base2,
                            phys_addr_t size2) {
    return base1 < base2 + size2 && base2 < base1 + size1;
  }

  friend bool operator==(const Memblock&, const Memblock&) = default;

 private:
  void note_bug(KernelBug b);
  // memblock_double_array (0 or -1, as the kernel)
  int double_array(MemblockTypeId t, phys_addr_t new_area_start, phys_addr_t new_area_size);
  // memblock_insert_region
  void insert_region(MemblockTypeId t, std::size_t idx, phys_addr_t base, phys_addr_t size,
                     int nid, std::uint32_t flags);
  // memblock_remove_region
  void remove_region(MemblockTypeId t, std::size_t idx);
};

// should_skip_region (mm/memblock.c); inline, as every iterator step asks it.
inline bool Memblock::should_skip_region(MemblockTypeId t, const MemblockRegion& m, int nid,
                                         std::uint32_t flags) const {
  if (t != MemblockTypeId::Memory) return false;
  if (nid != NUMA_NO_NODE && nid != m.nid) return true;
  if (movable_node && (m.flags & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG)) return true;
  if ((flags & MEMBLOCK_MIRROR) && !(m.flags & MEMBLOCK_MIRROR)) return true;
  if (!(flags & MEMBLOCK_NOMAP) && (m.flags & MEMBLOCK_NOMAP)) return true;
  if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (m.flags & MEMBLOCK_DRIVER_MANAGED)) return true;
  return false;
}

}  // namespace mbv
