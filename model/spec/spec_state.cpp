#include "model/spec/spec_state.h"

#include <algorithm>

namespace mbv::spec {

namespace {

constexpr Attr kReserveAttr{MAX_NUMNODES, MEMBLOCK_NONE};  // what memblock_reserve stores

PhysRange capped(phys_addr_t base, phys_addr_t size) { return {base, base + cap_size(base, size)}; }

// The regions `regions` imply: meaning plus the touching-equal points.
void set_memory_regions(SpecState& s, const std::vector<MemblockRegion>& regions) {
  s.meaning.memory = IntervalMap::of_regions(regions);
  s.memory_cuts.clear();
  for (std::size_t i = 0; i + 1 < regions.size(); ++i) {
    const auto& a = regions[i];
    const auto& b = regions[i + 1];
    if (a.end() == b.base && a.nid == b.nid && a.flags == b.flags) s.memory_cuts.push_back(b.base);
  }
}

bool sorted_disjoint(const std::vector<MemblockRegion>& rs) {
  for (std::size_t i = 0; i + 1 < rs.size(); ++i)
    if (rs[i].end() > rs[i + 1].base) return false;
  return true;
}

// memblock_add_range (mm/memblock.c) on the meaning: only uncovered addresses
// of the capped range get attr; a merge pass follows iff something was new.
void add_range(SpecState& s, MemblockTypeId t, phys_addr_t base, phys_addr_t size, Attr attr) {
  const PhysRange r = capped(base, size);
  if (r.empty()) return;
  IntervalMap& m = s.meaning.type(t);
  phys_addr_t& total = t == MemblockTypeId::Memory ? s.memory_total : s.reserved_total;
  if (m.empty()) {  // the dummy is overwritten and total_size set, not added to
    m.fill(r.start, r.end, attr);
    total = r.size();
    return;
  }
  phys_addr_t fresh = 0;
  for (const auto& g : m.gaps_in(r.start, r.end)) fresh += g.size();
  if (!fresh) return;
  m.fill(r.start, r.end, attr);
  total += fresh;
  if (t == MemblockTypeId::Memory) s.memory_cuts.clear();  // memblock_merge_regions
}

// memblock_remove_range (mm/memblock.c) on the meaning.
void remove_range(SpecState& s, MemblockTypeId t, phys_addr_t base, phys_addr_t size) {
  const PhysRange r = capped(base, size);
  if (r.empty()) return;
  IntervalMap& m = s.meaning.type(t);
  phys_addr_t gone = r.size();
  for (const auto& g : m.gaps_in(r.start, r.end)) gone -= g.size();
  m.erase(r.start, r.end);
  (t == MemblockTypeId::Memory ? s.memory_total : s.reserved_total) -= gone;
  if (t == MemblockTypeId::Memory)
    std::erase_if(s.memory_cuts, [&](phys_addr_t p) { return p >= r.start && p <= r.end; });
}

// memblock_setclr_flag / memblock_set_node (mm/memblock.c): rewrite the
// covered part of the range, then merge the whole type (even for size 0).
void rewrite(SpecState& s, MemblockTypeId t, phys_addr_t base, phys_addr_t size,
             const std::function<Attr(Attr)>& f) {
  const PhysRange r = capped(base, size);
  s.meaning.type(t).update(r.start, r.end,
                           [&](std::optional<Attr> a) { return a ? std::optional<Attr>(f(*a)) : a; });
  if (t == MemblockTypeId::Memory) s.memory_cuts.clear();
}

// memblock_cap_memory_range (mm/memblock.c) on the meaning.
std::optional<std::string> cap_memory_range(SpecState& s, phys_addr_t base, phys_addr_t size) {
  if (!size || !s.memory_total) return std::nullopt;
  const PhysRange r = capped(base, size);
  std::vector<MemblockRegion> kept;
  for (auto reg : s.memory_regions()) {
    // Isolation splits at r.start and r.end (only when the range is non-empty).
    std::vector<phys_addr_t> pts{reg.base};
    if (!r.empty()) {
      if (r.start > reg.base && r.start < reg.end()) pts.push_back(r.start);
      if (r.end > reg.base && r.end < reg.end()) pts.push_back(r.end);
    }
    pts.push_back(reg.end());
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
      MemblockRegion piece{pts[i], pts[i + 1] - pts[i], reg.flags, reg.nid};
      const bool inside = piece.base >= r.start && piece.end() <= r.end && !r.empty();
      if (inside || (piece.flags & MEMBLOCK_NOMAP))
        kept.push_back(piece);
      else
        s.memory_total -= piece.size;
    }
  }
  set_memory_regions(s, kept);
  if (base + size < base)
    return "memblock_cap_memory_range: base + size wraps, so reserved is cut at "
           "(base + size) mod 2^64 (docs/spec.md, kernel gaps)";
  remove_range(s, MemblockTypeId::Reserved, 0, base);
  remove_range(s, MemblockTypeId::Reserved, base + size, PHYS_ADDR_MAX);
  return std::nullopt;
}

// memblock_trim_memory (mm/memblock.c): each region shrinks to its aligned
// interior in place (total_size untouched) or is removed (total_size reduced).
std::optional<std::string> trim_memory(SpecState& s, phys_addr_t align) {
  std::vector<MemblockRegion> out;
  for (auto reg : s.memory_regions()) {
    const phys_addr_t ns = round_up(reg.base, align), ne = round_down(reg.end(), align);
    if (ns == reg.base && ne == reg.end()) {
      out.push_back(reg);
    } else if (ns < ne) {
      reg.base = ns;
      reg.size = ne - ns;
      out.push_back(reg);
    } else {
      s.memory_total -= reg.size;
    }
  }
  if (!sorted_disjoint(out))
    return "memblock_trim_memory: round_up of a region base near PHYS_ADDR_MAX wraps to 0 "
           "and the region grows to [0, end) (docs/spec.md, kernel gaps)";
  set_memory_regions(s, out);
  return std::nullopt;
}

phys_addr_t find_in_range(const SpecState& s, phys_addr_t start, phys_addr_t end, phys_addr_t size,
                          phys_addr_t align) {
  // memblock_find_in_range (mm/memblock.c): mirror first when the system has
  // some, then any memory.
  const std::uint32_t flags = s.config.system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
  phys_addr_t r = spec_find(s, size, align, start, end, NUMA_NO_NODE, flags);
  if (!r && (flags & MEMBLOCK_MIRROR)) r = spec_find(s, size, align, start, end, NUMA_NO_NODE, MEMBLOCK_NONE);
  return r;
}

}  // namespace

phys_addr_t cap_size(phys_addr_t base, phys_addr_t size) { return std::min(size, PHYS_ADDR_MAX - base); }

phys_addr_t array_bytes(std::size_t max) {
  return round_up(static_cast<std::uint64_t>(max) * MEMBLOCK_REGION_BYTES, PAGE_SIZE);
}

Config config_of(const Memblock& mb) {
  return Config{mb.bottom_up,    mb.current_limit,       mb.can_resize,
                mb.movable_node, mb.mirrored_kernelcore, mb.system_has_some_mirror};
}

std::string describe_config_difference(const Config& e, const Config& a) {
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  if (e.bottom_up != a.bottom_up) return "bottom_up should be " + b(e.bottom_up);
  if (e.current_limit != a.current_limit)
    return "current_limit should be " + fmt_hex(e.current_limit) + " but is " + fmt_hex(a.current_limit);
  if (e.can_resize != a.can_resize) return "can_resize should be " + b(e.can_resize);
  if (e.movable_node != a.movable_node) return "movable_node should be " + b(e.movable_node);
  if (e.mirrored_kernelcore != a.mirrored_kernelcore)
    return "mirrored_kernelcore should be " + b(e.mirrored_kernelcore);
  if (e.system_has_some_mirror != a.system_has_some_mirror)
    return "system_has_some_mirror should be " + b(e.system_has_some_mirror);
  return "configuration equal";
}

SpecState SpecState::of(const Memblock& mb) {
  SpecState s;
  s.assign_of(mb);
  return s;
}

void SpecState::assign_of(const Memblock& mb) {
  meaning.memory.assign_regions(mb.memory.regions);
  meaning.reserved.assign_regions(mb.reserved.regions);
  config = config_of(mb);
  memory_total = mb.memory.total_size;
  reserved_total = mb.reserved.total_size;
  memory_cuts.clear();
  const auto& rs = mb.memory.regions;
  for (std::size_t i = 0; i + 1 < rs.size(); ++i)
    if (rs[i].size && rs[i + 1].size && rs[i].end() == rs[i + 1].base && rs[i].nid == rs[i + 1].nid &&
        rs[i].flags == rs[i + 1].flags)
      memory_cuts.push_back(rs[i + 1].base);
}

std::vector<MemblockRegion> SpecState::memory_regions() const {
  std::vector<MemblockRegion> out;
  out.reserve(meaning.memory.segs().size() + memory_cuts.size());
  auto cut = memory_cuts.begin();
  for (const auto& seg : meaning.memory.segs()) {
    phys_addr_t b = seg.start;
    while (cut != memory_cuts.end() && *cut <= seg.start) ++cut;
    while (cut != memory_cuts.end() && *cut < seg.end) {
      out.push_back({b, *cut - b, seg.attr.flags, seg.attr.nid});
      b = *cut++;
    }
    out.push_back({b, seg.end - b, seg.attr.flags, seg.attr.nid});
  }
  return out;
}

std::vector<FreePiece> free_pieces(const SpecState& s, const std::vector<MemblockRegion>& regions) {
  std::vector<FreePiece> out;
  const auto& res = s.meaning.reserved.segs();
  out.reserve(regions.size() + res.size() + 1);
  std::size_t first = 0;  // first reserved segment ending above the region (sweep)
  for (const auto& reg : regions) {
    const Attr attr{reg.nid, reg.flags};
    // The gaps between consecutive reserved regions, clipped to the region.
    // Where two reserved regions touch strictly inside the region the walk
    // reports an empty range [p, p) (map 3.2; it matters for size-0 finds).
    while (first < res.size() && res[first].end <= reg.base) ++first;
    phys_addr_t cur = reg.base;
    std::optional<phys_addr_t> prev_end;
    if (first > 0) prev_end = res[first - 1].end;
    for (std::size_t i = first; i < res.size(); ++i) {
      const Seg& rs = res[i];
      if (rs.start >= reg.end()) break;
      if (rs.start > cur)
        out.push_back({cur, rs.start, attr});
      else if (prev_end && *prev_end == rs.start && rs.start > reg.base)
        out.push_back({rs.start, rs.start, attr});
      cur = std::max(cur, rs.end);
      prev_end = rs.end;
    }
    if (cur < reg.end()) out.push_back({cur, reg.end(), attr});
  }
  return out;
}

std::vector<PhysRange> free_ranges(const SpecState& s, int nid, std::uint32_t flags) {
  if (nid == MAX_NUMNODES) nid = NUMA_NO_NODE;  // __next_mem_range treats it as "any"
  std::vector<PhysRange> out;
  for (const FreePiece& p : free_pieces(s, s.memory_regions()))
    if (!skip_memory(p.region, nid, flags, s.config.movable_node)) out.push_back({p.start, p.end});
  return out;
}

phys_addr_t spec_find(const SpecState& s, phys_addr_t size, phys_addr_t align, phys_addr_t start,
                      phys_addr_t end, int nid, std::uint32_t flags) {
  if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE) end = s.config.current_limit;
  start = std::max<phys_addr_t>(start, PAGE_SIZE);
  end = std::max(start, end);
  // Each free range is clamped to the window. For size > 0 the best block of
  // a range is its highest (lowest) aligned fitting start; for size 0 the
  // clamped-empty ranges still answer their clamp point (map 3.5, 11.2#13).
  const std::vector<PhysRange> ranges = free_ranges(s, nid, flags);
  if (s.config.bottom_up) {
    // The lowest range whose aligned start fits answers, even when round_up
    // wrapped to 0: the search then fails although a higher range may fit.
    // Only an alignment that is not a power of two (which memblock does not
    // reject) wraps in one range and not in a higher one (spec-0005).
    for (const auto& fr : ranges) {
      const phys_addr_t ts = std::clamp(fr.start, start, end);
      const phys_addr_t te = std::clamp(fr.end, start, end);
      const phys_addr_t cand = round_up(ts, align);
      if (cand < te && te - cand >= size) return cand;
    }
    return 0;
  }
  // Top down the highest fitting candidate is the first one from the top:
  // round_down never passes its argument, so a lower range cannot beat it.
  phys_addr_t best = 0;
  for (const auto& fr : ranges) {
    const phys_addr_t ts = std::clamp(fr.start, start, end);
    const phys_addr_t te = std::clamp(fr.end, start, end);
    if (te < size) continue;
    const phys_addr_t cand = round_down(te - size, align);
    if (cand >= ts && cand > best) best = cand;
  }
  return best;
}

bool is_alloc(OpKind k) {
  switch (k) {
    case OpKind::PhysAllocRange:
    case OpKind::PhysAllocTryNid:
    case OpKind::AllocTryNid:
    case OpKind::AllocTryNidRaw:
    case OpKind::AllocExactNidRaw:
    case OpKind::AllocLow:
      return true;
    default:
      return false;
  }
}

bool is_query(OpKind k) {
  return k == OpKind::IsRegionReserved || k == OpKind::IsRegionMemory || k == OpKind::SearchPfnNid ||
         k == OpKind::FindInRange;
}

std::vector<Attempt> alloc_attempts(const SpecState& s, const Op& op, phys_addr_t* align_out) {
  std::vector<Attempt> out;
  // memblock_alloc_range_nid (mm/memblock.c): (nid, flags) then (any, flags),
  // MIRROR dropped once when the system has some mirror.
  auto range_nid = [&](phys_addr_t start, phys_addr_t end, int nid, bool exact) {
    if (nid == MAX_NUMNODES) nid = NUMA_NO_NODE;
    const std::uint32_t f0 = s.config.system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
    for (std::uint32_t f : {f0, std::uint32_t{MEMBLOCK_NONE}}) {
      out.push_back({start, end, nid, f});
      if (nid != NUMA_NO_NODE && !exact) out.push_back({start, end, NUMA_NO_NODE, f});
      if (f == MEMBLOCK_NONE) break;
    }
  };
  // memblock_alloc_internal (mm/memblock.c): max capped to current_limit, and
  // a failed search with min != 0 is retried from 0.
  auto internal = [&](phys_addr_t min, phys_addr_t max, int nid, bool exact) {
    if (max > s.config.current_limit) max = s.config.current_limit;
    range_nid(min, max, nid, exact);
    if (min) range_nid(0, max, nid, exact);
  };
  switch (op.kind) {
    case OpKind::PhysAllocRange:
      range_nid(op.c, op.d, NUMA_NO_NODE, false);
      break;
    case OpKind::PhysAllocTryNid:
      range_nid(0, MEMBLOCK_ALLOC_ACCESSIBLE, op.nid, false);
      break;
    case OpKind::AllocTryNid:
    case OpKind::AllocTryNidRaw:
      internal(op.c, op.d, op.nid, false);
      break;
    case OpKind::AllocExactNidRaw:
      internal(op.c, op.d, op.nid, true);
      break;
    case OpKind::AllocLow:
      internal(MEMBLOCK_LOW_LIMIT, ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE, false);
      break;
    default:
      break;
  }
  if (align_out) *align_out = op.b ? op.b : SMP_CACHE_BYTES;  // align 0 becomes SMP_CACHE_BYTES
  return out;
}

phys_addr_t spec_find_max_addr(const SpecState& s, phys_addr_t limit) {
  for (const auto& reg : s.memory_regions()) {
    if (limit <= reg.size) return reg.base + limit;
    limit -= reg.size;
  }
  return PHYS_ADDR_MAX;
}

phys_addr_t spec_double_array_place(const SpecState& s, MemblockTypeId t, std::size_t max,
                                    phys_addr_t avoid_base, phys_addr_t avoid_size) {
  if (t != MemblockTypeId::Reserved) avoid_base = avoid_size = 0;
  const phys_addr_t bytes = array_bytes(2 * max);
  phys_addr_t addr = find_in_range(s, avoid_base + avoid_size, s.config.current_limit, bytes, PAGE_SIZE);
  if (!addr && avoid_size)
    addr = find_in_range(s, 0, std::min(avoid_base, s.config.current_limit), bytes, PAGE_SIZE);
  return addr;
}

SpecOutcome spec_apply(SpecState& s, const Op& op, const CanReserve& can_reserve) {
  using T = MemblockTypeId;
  auto ok = [](std::int64_t v = 0) { return SpecOutcome{OpResult{v}, std::nullopt}; };
  switch (op.kind) {
    case OpKind::AllowResize:
      s.config.can_resize = true;
      return ok();
    case OpKind::SetBottomUp:
      s.config.bottom_up = op.a != 0;
      return ok();
    case OpKind::SetCurrentLimit:
      s.config.current_limit = op.a;
      return ok();
    case OpKind::SetMovableNode:
      s.config.movable_node = op.a != 0;
      return ok();
    case OpKind::SetMirroredKernelcore:
      s.config.mirrored_kernelcore = op.a != 0;
      return ok();
    case OpKind::Add:
      add_range(s, T::Memory, op.a, op.b, Attr{MAX_NUMNODES, MEMBLOCK_NONE});
      return ok();
    case OpKind::AddNode:
      add_range(s, T::Memory, op.a, op.b, Attr{op.nid, op.flags});
      return ok();
    case OpKind::Reserve:
      add_range(s, T::Reserved, op.a, op.b, kReserveAttr);
      return ok();
    case OpKind::Remove:
      remove_range(s, T::Memory, op.a, op.b);
      return ok();
    case OpKind::PhysFree:
      remove_range(s, T::Reserved, op.a, op.b);
      return ok();
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkMirror:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap: {
      std::uint32_t bit = MEMBLOCK_HOTPLUG;
      if (op.kind == OpKind::MarkMirror) bit = MEMBLOCK_MIRROR;
      if (op.kind == OpKind::MarkNomap || op.kind == OpKind::ClearNomap) bit = MEMBLOCK_NOMAP;
      const bool set = op.kind != OpKind::ClearHotplug && op.kind != OpKind::ClearNomap;
      if (op.kind == OpKind::MarkMirror) {
        if (!s.config.mirrored_kernelcore) return ok();  // map 2.6: a no-op without kernelcore=mirror
        s.config.system_has_some_mirror = true;          // set even if the range holds no memory
      }
      rewrite(s, T::Memory, op.a, op.b, [&](Attr a) {
        a.flags = set ? (a.flags | bit) : (a.flags & ~bit);
        return a;
      });
      return ok();
    }
    case OpKind::SetNode:
      rewrite(s, op.type, op.a, op.b, [&](Attr a) {
        a.nid = op.nid;
        return a;
      });
      return ok();
    case OpKind::TrimMemory:
      return SpecOutcome{OpResult{0}, trim_memory(s, op.a)};
    case OpKind::CapMemoryRange:
      return SpecOutcome{OpResult{0}, cap_memory_range(s, op.a, op.b)};
    case OpKind::MemLimitRemoveMap: {
      if (!op.a) return ok();
      const phys_addr_t max_addr = spec_find_max_addr(s, op.a);
      if (max_addr == PHYS_ADDR_MAX) return ok();
      return SpecOutcome{OpResult{0}, cap_memory_range(s, 0, max_addr)};
    }
    case OpKind::EnforceMemoryLimit: {
      if (!op.a) return ok();
      const phys_addr_t max_addr = spec_find_max_addr(s, op.a);
      if (max_addr == PHYS_ADDR_MAX) return ok();
      remove_range(s, T::Memory, max_addr, PHYS_ADDR_MAX);
      remove_range(s, T::Reserved, max_addr, PHYS_ADDR_MAX);
      return ok();
    }
    case OpKind::PhysAllocRange:
    case OpKind::PhysAllocTryNid:
    case OpKind::AllocTryNid:
    case OpKind::AllocTryNidRaw:
    case OpKind::AllocExactNidRaw:
    case OpKind::AllocLow: {
      phys_addr_t align = 0;
      for (const Attempt& at : alloc_attempts(s, op, &align)) {
        const phys_addr_t found = spec_find(s, op.a, align, at.start, at.end, at.nid, at.flags);
        if (!found) continue;
        if (can_reserve && !can_reserve(found, op.a)) continue;  // a failed reserve falls through
        add_range(s, T::Reserved, found, op.a, kReserveAttr);
        return ok(static_cast<std::int64_t>(found));
      }
      return ok(0);
    }
    case OpKind::IsRegionReserved: {
      const PhysRange r = capped(op.a, op.b);
      if (!r.empty()) return ok(s.meaning.reserved.intersects(r.start, r.end));
      // memblock_addrs_overlap: a zero-size probe overlaps only strictly inside a region.
      const auto run = s.meaning.reserved.run_at(op.a);
      return ok(run && run->start < op.a);
    }
    case OpKind::IsRegionMemory: {
      // One single region must hold the whole capped range (map 2.8).
      const PhysRange r = capped(op.a, op.b);
      for (const auto& reg : s.memory_regions())
        if (reg.base <= r.start && r.start < reg.end()) return ok(reg.end() >= r.end);
      return ok(0);
    }
    case OpKind::SearchPfnNid: {
      const auto a = s.meaning.memory.at(op.a << PAGE_SHIFT);
      return ok(a ? a->nid : -1);
    }
    case OpKind::FindInRange:
      return ok(static_cast<std::int64_t>(find_in_range(s, op.c, op.d, op.a, op.b)));
    case OpKind::InitRegions: {
      // Array sizes are not part of the meaning. With no doubling in scope the
      // static arrays are always in use, so the sizes are taken exactly while
      // both types are empty.
      auto fits = [](std::uint64_t n) { return n >= 1 && n <= MAX_INIT_MEMBLOCK_REGIONS; };
      const bool taken = fits(op.a) && fits(op.b) && s.meaning.memory.empty() && s.meaning.reserved.empty();
      return ok(taken ? 0 : -KERN_EINVAL);
    }
  }
  return ok();
}

}  // namespace mbv::spec
