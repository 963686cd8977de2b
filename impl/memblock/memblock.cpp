// The reference model of Linux 6.1 mm/memblock.c. See memblock.h for the
// shape of the state and docs/memblock-model.md for what is and is not
// modelled. Every function keeps the kernel's order of effects, because the
// differential fuzzer compares whole states after each operation.
#include "impl/memblock/memblock.h"

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>

#include "impl/common/result.h"
#include "impl/memblock/mem_range_walk.h"

namespace mbv {

using detail::for_each_mem_range_fwd;
using detail::for_each_mem_range_rev;

namespace {

// PAGE_ALIGN: the kernel's ALIGN(x, PAGE_SIZE).
constexpr phys_addr_t page_align(phys_addr_t x) { return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

// clamp() as the kernel defines it: min(max(val, lo), hi).
constexpr phys_addr_t kclamp(phys_addr_t v, phys_addr_t lo, phys_addr_t hi) {
  return std::min(std::max(v, lo), hi);
}

void appendf(std::string& s, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& s, const char* fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) s.append(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

}  // namespace

Memblock::Memblock() {
  memory.name = "memory";
  reserved.name = "reserved";
}

int Memblock::init_regions(std::uint64_t memory_max, std::uint64_t reserved_max) {
  auto fits = [](std::uint64_t n) { return n >= 1 && n <= MAX_INIT_MEMBLOCK_REGIONS; };
  auto pristine = [](const MemblockType& t) { return t.empty() && t.array_phys == 0; };
  if (!fits(memory_max) || !fits(reserved_max) || !pristine(memory) || !pristine(reserved))
    return -KERN_EINVAL;
  memory.max = memory.init_max = static_cast<std::size_t>(memory_max);
  reserved.max = reserved.init_max = static_cast<std::size_t>(reserved_max);
  return 0;
}

// ---------------------------------------------------------------------------
// Region-array primitives

// Records a kernel BUG (the first one wins: the kernel would be dead).
void Memblock::note_bug(KernelBug b) {
  if (kernel_bug == KernelBug::None) kernel_bug = b;
}

// memblock_insert_region (mm/memblock.c)
void Memblock::insert_region(MemblockTypeId t, std::size_t idx, phys_addr_t base,
                             phys_addr_t size, int nid, std::uint32_t flags) {
  MemblockType& type = this->type(t);
  if (type.cnt() >= type.max) {
    note_bug(KernelBug::InsertFull);
    return;
  }
  type.regions.insert(type.regions.begin() + static_cast<std::ptrdiff_t>(idx),
                      MemblockRegion{base, size, flags, nid});
  type.total_size += size;
}

// memblock_remove_region (mm/memblock.c)
void Memblock::remove_region(MemblockTypeId t, std::size_t idx) {
  MemblockType& type = this->type(t);
  type.total_size -= type.regions[idx].size;
  type.regions.erase(type.regions.begin() + static_cast<std::ptrdiff_t>(idx));
  // An emptied array gets the dummy back, tagged MAX_NUMNODES (not 0 as in
  // the static initialiser).
  if (type.regions.empty()) type.regions.push_back(MemblockRegion{0, 0, MEMBLOCK_NONE, MAX_NUMNODES});
}

// memblock_merge_regions (mm/memblock.c)
void Memblock::merge_regions(MemblockTypeId t) {
  std::vector<MemblockRegion>& r = type(t).regions;
  std::size_t i = 0;
  while (i + 1 < r.size()) {
    MemblockRegion& cur = r[i];
    const MemblockRegion& next = r[i + 1];
    if (cur.base + cur.size != next.base || cur.nid != next.nid || cur.flags != next.flags) {
      if (cur.base + cur.size > next.base) {
        note_bug(KernelBug::MergeOverlap);
        return;
      }
      i++;
      continue;
    }
    cur.size += next.size;
    r.erase(r.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
}

// memblock_double_array (mm/memblock.c); slab is never available here.
int Memblock::double_array(MemblockTypeId t, phys_addr_t new_area_start,
                           phys_addr_t new_area_size) {
  if (!can_resize) return -1;
  MemblockType& type = this->type(t);
  const phys_addr_t old_size = type.max * MEMBLOCK_REGION_BYTES;
  const phys_addr_t new_size = old_size << 1;
  const phys_addr_t old_alloc_size = page_align(old_size);
  const phys_addr_t new_alloc_size = page_align(new_size);

  // Only a new reserved array has to keep clear of the range being added.
  if (t != MemblockTypeId::Reserved) new_area_start = new_area_size = 0;
  phys_addr_t addr =
      find_in_range(new_area_start + new_area_size, current_limit, new_alloc_size, PAGE_SIZE);
  if (!addr && new_area_size)
    addr = find_in_range(0, std::min(new_area_start, current_limit), new_alloc_size, PAGE_SIZE);
  if (!addr) return -1;

  const phys_addr_t old_phys = type.array_phys;
  type.max <<= 1;
  type.array_phys = addr;
  // The old array goes back first (unless it is the static one), then the
  // new one is reserved; the reservation may itself double `reserved`.
  if (old_phys != 0) phys_free(old_phys, old_alloc_size);
  if (reserve(addr, new_alloc_size) != 0) note_bug(KernelBug::DoubleArrayReserve);
  return 0;
}

// ---------------------------------------------------------------------------
// Basic operations

// memblock_add_range (mm/memblock.c)
int Memblock::add_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size, int nid,
                        std::uint32_t flags) {
  MemblockType& type = this->type(t);
  size = cap_size(base, size);
  if (!size) return 0;
  const phys_addr_t obase = base;
  const phys_addr_t end = base + size;

  if (type.regions[0].size == 0) {
    type.regions[0] = MemblockRegion{base, size, flags, nid};
    type.total_size = size;
    return 0;
  }

  // Worst case needs cnt + 1 new slots; with that much room, insert at once.
  bool insert = type.cnt() * 2 + 1 < type.max;
  for (;;) {
    // First round (insert == false) only counts the new pieces.
    phys_addr_t cur = obase;
    std::size_t nr_new = 0;
    std::size_t idx = 0;
    for (; idx < type.cnt(); idx++) {
      const phys_addr_t rbase = type.regions[idx].base;
      const phys_addr_t rend = rbase + type.regions[idx].size;
      if (rbase >= end) break;
      if (rend <= cur) continue;
      if (rbase > cur) {
        nr_new++;
        if (insert) insert_region(t, idx++, cur, rbase - cur, nid, flags);
      }
      cur = std::min(rend, end);
    }
    if (cur < end) {
      nr_new++;
      if (insert) insert_region(t, idx, cur, end - cur, nid, flags);
    }
    if (!nr_new) return 0;
    if (insert) {
      merge_regions(t);
      return 0;
    }
    while (type.cnt() + nr_new > type.max)
      if (double_array(t, obase, size) < 0) return -KERN_ENOMEM;
    insert = true;
  }
}

// memblock_add (mm/memblock.c)
int Memblock::add(phys_addr_t base, phys_addr_t size) {
  return add_range(MemblockTypeId::Memory, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

// memblock_add_node (mm/memblock.c)
int Memblock::add_node(phys_addr_t base, phys_addr_t size, int nid, std::uint32_t flags) {
  return add_range(MemblockTypeId::Memory, base, size, nid, flags);
}

// memblock_reserve (mm/memblock.c)
int Memblock::reserve(phys_addr_t base, phys_addr_t size) {
  return add_range(MemblockTypeId::Reserved, base, size, MAX_NUMNODES, MEMBLOCK_NONE);
}

// memblock_isolate_range (mm/memblock.c)
int Memblock::isolate_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size,
                            IsolatedRange* out) {
  IsolatedRange local;
  IsolatedRange& res = out ? *out : local;
  res = IsolatedRange{};
  MemblockType& type = this->type(t);
  size = cap_size(base, size);
  if (!size) return 0;
  const phys_addr_t end = base + size;

  // Room for two more regions is demanded before knowing a split is needed.
  while (type.cnt() + 2 > type.max)
    if (double_array(t, base, size) < 0) return -KERN_ENOMEM;

  for (int idx = 0; idx < static_cast<int>(type.cnt()); idx++) {
    MemblockRegion& rgn = type.regions[idx];
    const phys_addr_t rbase = rgn.base;
    const phys_addr_t rend = rbase + rgn.size;
    if (rbase >= end) break;
    if (rend <= base) continue;
    const int nid = rgn.nid;
    const std::uint32_t flags = rgn.flags;
    if (rbase < base) {
      // Crosses the lower bound: split off the part below and go on with
      // the upper part (now at idx + 1).
      rgn.base = base;
      rgn.size -= base - rbase;
      type.total_size -= base - rbase;
      insert_region(t, static_cast<std::size_t>(idx), rbase, base - rbase, nid, flags);
    } else if (rend > end) {
      // Crosses the upper bound: split and re-examine the lower part.
      rgn.base = end;
      rgn.size -= end - rbase;
      type.total_size -= end - rbase;
      insert_region(t, static_cast<std::size_t>(idx), rbase, end - rbase, nid, flags);
      idx--;
    } else {
      if (!res.end_rgn) res.start_rgn = idx;
      res.end_rgn = idx + 1;
    }
  }
  return 0;
}

// memblock_remove_range (mm/memblock.c)
int Memblock::remove_range(MemblockTypeId t, phys_addr_t base, phys_addr_t size) {
  IsolatedRange r;
  const int ret = isolate_range(t, base, size, &r);
  if (ret) return ret;
  for (int i = r.end_rgn - 1; i >= r.start_rgn; i--) remove_region(t, static_cast<std::size_t>(i));
  return 0;
}

// memblock_remove (mm/memblock.c)
int Memblock::remove(phys_addr_t base, phys_addr_t size) {
  return remove_range(MemblockTypeId::Memory, base, size);
}

// memblock_phys_free (mm/memblock.c); the kmemleak hook is not modelled.
int Memblock::phys_free(phys_addr_t base, phys_addr_t size) {
  return remove_range(MemblockTypeId::Reserved, base, size);
}

// memblock_setclr_flag (mm/memblock.c)
int Memblock::setclr_flag(phys_addr_t base, phys_addr_t size, bool set, std::uint32_t flag) {
  IsolatedRange r;
  const int ret = isolate_range(MemblockTypeId::Memory, base, size, &r);
  if (ret) return ret;
  for (int i = r.start_rgn; i < r.end_rgn; i++) {
    std::uint32_t& f = memory.regions[static_cast<std::size_t>(i)].flags;
    f = set ? (f | flag) : (f & ~flag);
  }
  // Runs even for size 0, so it also re-merges what trim/cap left split.
  merge_regions(MemblockTypeId::Memory);
  return 0;
}

// memblock_mark_hotplug (mm/memblock.c)
int Memblock::mark_hotplug(phys_addr_t base, phys_addr_t size) {
  return setclr_flag(base, size, true, MEMBLOCK_HOTPLUG);
}

// memblock_clear_hotplug (mm/memblock.c)
int Memblock::clear_hotplug(phys_addr_t base, phys_addr_t size) {
  return setclr_flag(base, size, false, MEMBLOCK_HOTPLUG);
}

// memblock_mark_mirror (mm/memblock.c)
int Memblock::mark_mirror(phys_addr_t base, phys_addr_t size) {
  if (!mirrored_kernelcore) return 0;
  system_has_some_mirror = true;
  return setclr_flag(base, size, true, MEMBLOCK_MIRROR);
}

// memblock_mark_nomap (mm/memblock.c)
int Memblock::mark_nomap(phys_addr_t base, phys_addr_t size) {
  return setclr_flag(base, size, true, MEMBLOCK_NOMAP);
}

// memblock_clear_nomap (mm/memblock.c)
int Memblock::clear_nomap(phys_addr_t base, phys_addr_t size) {
  return setclr_flag(base, size, false, MEMBLOCK_NOMAP);
}

// memblock_set_node (mm/memblock.c, CONFIG_NUMA)
int Memblock::set_node(phys_addr_t base, phys_addr_t size, MemblockTypeId t, int nid) {
  IsolatedRange r;
  const int ret = isolate_range(t, base, size, &r);
  if (ret) return ret;
  for (int i = r.start_rgn; i < r.end_rgn; i++) type(t).regions[static_cast<std::size_t>(i)].nid = nid;
  merge_regions(t);
  return 0;
}

// memblock_trim_memory (mm/memblock.c)
void Memblock::trim_memory(phys_addr_t align) {
  for (std::size_t i = 0; i < memory.cnt(); i++) {
    MemblockRegion& r = memory.regions[i];
    const phys_addr_t orig_start = r.base;
    const phys_addr_t orig_end = r.base + r.size;
    const phys_addr_t start = round_up(orig_start, align);
    const phys_addr_t end = round_down(orig_end, align);
    if (start == orig_start && end == orig_end) continue;
    if (start < end) {
      // Shrunk in place: total_size is deliberately left alone (kernel quirk).
      r.base = start;
      r.size = end - start;
    } else {
      remove_region(MemblockTypeId::Memory, i);
      i--;  // revisit this index (wraps to SIZE_MAX, then back to 0)
    }
  }
}

// __find_max_addr (mm/memblock.c)
phys_addr_t Memblock::find_max_addr(phys_addr_t limit) const {
  for (const MemblockRegion& r : memory.regions) {
    if (limit <= r.size) return r.base + limit;
    limit -= r.size;
  }
  return PHYS_ADDR_MAX;
}

// memblock_cap_memory_range (mm/memblock.c)
void Memblock::cap_memory_range(phys_addr_t base, phys_addr_t size) {
  if (!size) return;
  if (!memory.total_size) return;  // "No memory registered yet"
  IsolatedRange r;
  if (isolate_range(MemblockTypeId::Memory, base, size, &r)) return;

  // Everything outside the range goes, except NOMAP regions. No merge
  // follows, so split NOMAP neighbours stay split.
  for (int i = static_cast<int>(memory.cnt()) - 1; i >= r.end_rgn; i--)
    if (!(memory.regions[static_cast<std::size_t>(i)].flags & MEMBLOCK_NOMAP))
      remove_region(MemblockTypeId::Memory, static_cast<std::size_t>(i));
  for (int i = r.start_rgn - 1; i >= 0; i--)
    if (!(memory.regions[static_cast<std::size_t>(i)].flags & MEMBLOCK_NOMAP))
      remove_region(MemblockTypeId::Memory, static_cast<std::size_t>(i));

  // The kernel does not cap base + size here; it may wrap.
  remove_range(MemblockTypeId::Reserved, 0, base);
  remove_range(MemblockTypeId::Reserved, base + size, PHYS_ADDR_MAX);
}

// memblock_mem_limit_remove_map (mm/memblock.c)
void Memblock::mem_limit_remove_map(phys_addr_t limit) {
  if (!limit) return;
  const phys_addr_t max_addr = find_max_addr(limit);
  if (max_addr == PHYS_ADDR_MAX) return;
  cap_memory_range(0, max_addr);
}

// memblock_enforce_memory_limit (mm/memblock.c)
void Memblock::enforce_memory_limit(phys_addr_t limit) {
  if (!limit) return;
  const phys_addr_t max_addr = find_max_addr(limit);
  if (max_addr == PHYS_ADDR_MAX) return;
  remove_range(MemblockTypeId::Memory, max_addr, PHYS_ADDR_MAX);
  remove_range(MemblockTypeId::Reserved, max_addr, PHYS_ADDR_MAX);
}

// ---------------------------------------------------------------------------
// Queries

// memblock_overlaps_region (mm/memblock.c)
bool Memblock::overlaps_region(MemblockTypeId t, phys_addr_t base, phys_addr_t size) const {
  size = cap_size(base, size);
  for (const MemblockRegion& r : type(t).regions)
    if (addrs_overlap(base, size, r.base, r.size)) return true;
  return false;
}

// memblock_is_region_reserved (mm/memblock.c)
bool Memblock::is_region_reserved(phys_addr_t base, phys_addr_t size) const {
  return overlaps_region(MemblockTypeId::Reserved, base, size);
}

// memblock_search (mm/memblock.c)
int Memblock::search(MemblockTypeId t, phys_addr_t addr) const {
  const std::vector<MemblockRegion>& r = type(t).regions;
  unsigned left = 0, right = static_cast<unsigned>(r.size());
  do {
    const unsigned mid = (right + left) / 2;
    if (addr < r[mid].base)
      right = mid;
    else if (addr >= r[mid].base + r[mid].size)
      left = mid + 1;
    else
      return static_cast<int>(mid);
  } while (left < right);
  return -1;
}

// memblock_is_memory (mm/memblock.c)
bool Memblock::is_memory(phys_addr_t addr) const { return search(MemblockTypeId::Memory, addr) != -1; }

// memblock_is_reserved (mm/memblock.c)
bool Memblock::is_reserved(phys_addr_t addr) const {
  return search(MemblockTypeId::Reserved, addr) != -1;
}

// memblock_is_map_memory (mm/memblock.c)
bool Memblock::is_map_memory(phys_addr_t addr) const {
  const int i = search(MemblockTypeId::Memory, addr);
  return i != -1 && !(memory.regions[static_cast<std::size_t>(i)].flags & MEMBLOCK_NOMAP);
}

// memblock_is_region_memory (mm/memblock.c)
bool Memblock::is_region_memory(phys_addr_t base, phys_addr_t size) const {
  const int idx = search(MemblockTypeId::Memory, base);
  const phys_addr_t end = base + cap_size(base, size);
  if (idx == -1) return false;
  return memory.regions[static_cast<std::size_t>(idx)].end() >= end;
}

// memblock_search_pfn_nid (mm/memblock.c)
int Memblock::search_pfn_nid(std::uint64_t pfn, std::uint64_t* start_pfn,
                             std::uint64_t* end_pfn) const {
  const int mid = search(MemblockTypeId::Memory, pfn << PAGE_SHIFT);
  if (mid == -1) return -1;
  const MemblockRegion& r = memory.regions[static_cast<std::size_t>(mid)];
  if (start_pfn) *start_pfn = pfn_down(r.base);
  if (end_pfn) *end_pfn = pfn_down(r.base + r.size);
  return r.nid;
}

// memblock_start_of_DRAM (mm/memblock.c)
phys_addr_t Memblock::start_of_DRAM() const { return memory.regions[0].base; }

// memblock_end_of_DRAM (mm/memblock.c)
phys_addr_t Memblock::end_of_DRAM() const {
  const MemblockRegion& r = memory.regions.back();
  return r.base + r.size;
}

// ---------------------------------------------------------------------------
// Iterators

// ---------------------------------------------------------------------------
// Allocation

// memblock_find_in_range_node with __memblock_find_range_{bottom_up,top_down}
phys_addr_t Memblock::find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                         phys_addr_t end, int nid, std::uint32_t flags) const {
  if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE) end = current_limit;
  start = std::max(start, PAGE_SIZE);  // never hand out page 0
  end = std::max(start, end);

  // __memblock_find_range_bottom_up
  const auto search_up = [&](phys_addr_t lo, phys_addr_t hi) {
    phys_addr_t found = 0;
    for_each_mem_range_fwd(*this, MemblockTypeId::Memory, &reserved, nid, flags,
                           [&](const MemRange& r) {
                             const phys_addr_t this_start = kclamp(r.start, lo, hi);
                             const phys_addr_t this_end = kclamp(r.end, lo, hi);
                             const phys_addr_t cand = round_up(this_start, align);
                             if (cand < this_end && this_end - cand >= size) {
                               found = cand;
                               return true;
                             }
                             return false;
                           });
    return found;
  };
  // __memblock_find_range_top_down
  const auto search_down = [&](phys_addr_t lo, phys_addr_t hi) {
    phys_addr_t found = 0;
    for_each_mem_range_rev(*this, MemblockTypeId::Memory, &reserved, nid, flags,
                           [&](const MemRange& r) {
                             const phys_addr_t this_start = kclamp(r.start, lo, hi);
                             const phys_addr_t this_end = kclamp(r.end, lo, hi);
                             if (this_end < size) return false;
                             const phys_addr_t cand = round_down(this_end - size, align);
                             if (cand >= this_start) {
                               found = cand;
                               return true;
                             }
                             return false;
                           });
    return found;
  };

  if (!bottom_up) return search_down(start, end);
  if (!legacy_bottom_up_kernel_end) return search_up(start, end);  // 6.1
  // Linux 3.13's rule (not 6.1): bottom-up only above the kernel's end, and
  // a top-down search of the whole range when that finds nothing.
  if (end > legacy_bottom_up_kernel_end) {
    if (const phys_addr_t found = search_up(std::max(start, legacy_bottom_up_kernel_end), end))
      return found;
    ++legacy_bottom_up_fallbacks;  // 3.13 warned (once) here
  }
  return search_down(start, end);
}

// memblock_find_in_range (mm/memblock.c)
phys_addr_t Memblock::find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
                                    phys_addr_t align) const {
  std::uint32_t flags = choose_memblock_flags();
  for (;;) {
    const phys_addr_t ret = find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
    if (ret || !(flags & MEMBLOCK_MIRROR)) return ret;
    flags &= ~static_cast<std::uint32_t>(MEMBLOCK_MIRROR);
  }
}

// memblock_alloc_range_nid (mm/memblock.c); kmemleak registration not modelled.
phys_addr_t Memblock::alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                      phys_addr_t end, int nid, bool exact_nid) {
  std::uint32_t flags = choose_memblock_flags();
  if (nid == MAX_NUMNODES) nid = NUMA_NO_NODE;
  if (!align) align = SMP_CACHE_BYTES;
  for (;;) {
    phys_addr_t found = find_in_range_node(size, align, start, end, nid, flags);
    if (found && !reserve(found, size)) return found;
    if (nid != NUMA_NO_NODE && !exact_nid) {
      found = find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
      if (found && !reserve(found, size)) return found;
    }
    if (!(flags & MEMBLOCK_MIRROR)) return 0;
    flags &= ~static_cast<std::uint32_t>(MEMBLOCK_MIRROR);
  }
}

// memblock_phys_alloc_range (mm/memblock.c)
phys_addr_t Memblock::phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
                                       phys_addr_t end) {
  return alloc_range_nid(size, align, start, end, NUMA_NO_NODE, false);
}

// memblock_phys_alloc_try_nid (mm/memblock.c)
phys_addr_t Memblock::phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid) {
  return alloc_range_nid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
}

// memblock_alloc_internal (mm/memblock.c); the slab branch is not modelled.
phys_addr_t Memblock::alloc_internal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                     phys_addr_t max_addr, int nid, bool exact_nid) {
  if (max_addr > current_limit) max_addr = current_limit;
  phys_addr_t alloc = alloc_range_nid(size, align, min_addr, max_addr, nid, exact_nid);
  // The lower bound is only a preference.
  if (!alloc && min_addr) alloc = alloc_range_nid(size, align, 0, max_addr, nid, exact_nid);
  return alloc;
}

// memblock_alloc_try_nid (mm/memblock.c)
phys_addr_t Memblock::alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                    phys_addr_t max_addr, int nid) {
  return alloc_internal(size, align, min_addr, max_addr, nid, false);
}

// memblock_alloc_try_nid_raw (mm/memblock.c)
phys_addr_t Memblock::alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
                                        phys_addr_t max_addr, int nid) {
  return alloc_internal(size, align, min_addr, max_addr, nid, false);
}

// memblock_alloc_exact_nid_raw (mm/memblock.c)
phys_addr_t Memblock::alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align,
                                          phys_addr_t min_addr, phys_addr_t max_addr, int nid) {
  return alloc_internal(size, align, min_addr, max_addr, nid, true);
}

// ---------------------------------------------------------------------------
// Dump

// memblock_dump (mm/memblock.c). %pa prints as 0x + 16 hex digits on x86-64
// and the kernel's %#x prints 0 as "0x0" (unlike glibc), hence "0x%x".
std::string Memblock::dump_type(MemblockTypeId t) const {
  const MemblockType& ty = type(t);
  const char* name = type_name(t);
  std::string s;
  appendf(s, " %s.cnt  = 0x%zx\n", name, ty.cnt());
  for (std::size_t idx = 0; idx < ty.cnt(); idx++) {
    const MemblockRegion& r = ty.regions[idx];
    const phys_addr_t end = r.base + r.size - 1;
    char nid_buf[32] = "";
    if (r.nid != MAX_NUMNODES) std::snprintf(nid_buf, sizeof nid_buf, " on node %d", r.nid);
    appendf(s, " %s[0x%zx]\t[0x%016" PRIx64 "-0x%016" PRIx64 "], 0x%016" PRIx64 " bytes%s flags: 0x%x\n",
            name, idx, r.base, end, r.size, nid_buf, r.flags);
  }
  return s;
}

// __memblock_dump_all (mm/memblock.c)
std::string Memblock::dump() const {
  std::string s = "MEMBLOCK configuration:\n";
  appendf(s, " memory size = 0x%016" PRIx64 " reserved size = 0x%016" PRIx64 "\n",
          memory.total_size, reserved.total_size);
  s += dump_type(MemblockTypeId::Memory);
  s += dump_type(MemblockTypeId::Reserved);
  return s;
}

}  // namespace mbv
