#include "model/z3/alloc.h"

#include "impl/memblock/memblock.h"

namespace mbv::z3spec {

AllocRequest fresh_request(z3::context& c, const std::string& n) {
  return AllocRequest{c.bv_const((n + ".size").c_str(), kAddrBits),
                      c.bv_const((n + ".align").c_str(), kAddrBits),
                      c.bv_const((n + ".start").c_str(), kAddrBits),
                      c.bv_const((n + ".end").c_str(), kAddrBits),
                      c.bv_const((n + ".nid").c_str(), kNidBits),
                      c.bv_const((n + ".flags").c_str(), kFlagBits)};
}

AllocConfig fresh_config(z3::context& c, const std::string& n) {
  return AllocConfig{c.bool_const((n + ".movable_node").c_str()),
                     c.bv_const((n + ".current_limit").c_str(), kAddrBits)};
}

namespace {
z3::expr has(const z3::expr& flags, std::uint32_t bit) {
  return (flags & flag_val(flags.ctx(), bit)) != flag_val(flags.ctx(), 0);
}
}  // namespace

z3::expr should_skip_region(const SymRegion& m, const z3::expr& nid, const z3::expr& flags,
                            const z3::expr& movable_node, Mutant mut) {
  z3::context& c = nid.ctx();
  z3::expr skip_nid = nid != nid_val(c, NUMA_NO_NODE) && nid != m.nid;
  z3::expr hot = has(m.flags, MEMBLOCK_HOTPLUG) && !has(flags, MEMBLOCK_HOTPLUG);
  z3::expr skip_hot = mut == Mutant::SkipIgnoresHotplug ? c.bool_val(false)
                      : mut == Mutant::SkipHotplugAlways ? hot
                                                          : movable_node && hot;
  z3::expr skip_mirror = has(flags, MEMBLOCK_MIRROR) && !has(m.flags, MEMBLOCK_MIRROR);
  z3::expr skip_nomap = has(m.flags, MEMBLOCK_NOMAP) && !has(flags, MEMBLOCK_NOMAP);
  z3::expr skip_dm =
      has(m.flags, MEMBLOCK_DRIVER_MANAGED) && !has(flags, MEMBLOCK_DRIVER_MANAGED);
  return skip_nid || skip_hot || skip_mirror || skip_nomap || skip_dm;
}

Window find_window(const AllocRequest& q, const AllocConfig& cfg) {
  z3::context& c = q.size.ctx();
  z3::expr end = z3::ite(q.end == addr_val(c, MEMBLOCK_ALLOC_ACCESSIBLE) ||
                             q.end == addr_val(c, MEMBLOCK_ALLOC_NOLEAKTRACE),
                         cfg.current_limit, q.end);
  z3::expr start = umax(q.start, addr_val(c, PAGE_SIZE));
  end = umax(start, end);
  return Window{start, end};
}

z3::expr fits(const SymType& memory, const SymType& reserved, const AllocRequest& q,
              const AllocConfig& cfg, const z3::expr& r, Mutant mut) {
  z3::context& c = r.ctx();
  Window w = find_window(q, cfg);
  z3::expr rend = r + q.size;
  z3::expr f = aligned(r, q.align) && add_no_uoverflow(r, q.size) && z3::ule(w.start, r) &&
               z3::ule(rend, w.end);
  z3::expr in_one = c.bool_val(false);
  for (unsigned i = 0; i < memory.slots(); ++i) {
    const SymRegion& m = memory.r[i];
    in_one = in_one || (memory.live(i) &&
                        !should_skip_region(m, q.nid, q.flags, cfg.movable_node, mut) &&
                        z3::ule(m.base, r) && z3::ule(rend, m.end()));
  }
  z3::expr free = c.bool_val(true);
  for (unsigned j = 0; j < reserved.slots(); ++j)
    free = free && !(reserved.live(j) && z3::ult(reserved.r[j].base, r + q.size) &&
                                          z3::ult(r, reserved.r[j].end()));
  return f && in_one && free;
}

z3::expr find_in_range_node(const SymType& memory, const SymType& reserved,
                            const AllocRequest& q, const AllocConfig& cfg, bool bottom_up,
                            Mutant mut) {
  return search_free_ranges(memory, reserved, q, cfg, bottom_up, mut).result;
}

z3::expr round_down_facts(const z3::expr& x, const z3::expr& y, const z3::expr& align) {
  z3::expr rd = round_down(y, align);
  return z3::implies(aligned(x, align) && z3::ule(x, y), z3::ule(x, rd)) && z3::ule(rd, y) &&
         aligned(rd, align);
}

z3::expr round_up_facts(const z3::expr& x, const z3::expr& y, const z3::expr& align) {
  z3::expr ru = round_up(y, align);
  z3::expr zero = num_like(y, 0);
  return z3::implies(aligned(x, align) && z3::uge(x, y), z3::uge(x, ru)) &&
         (z3::uge(ru, y) || ru == zero) && aligned(ru, align);
}

std::vector<z3::expr> block_fit_facts_parts(const z3::expr& x, const z3::expr& t,
                                            const z3::expr& size) {
  z3::expr ends_below = z3::ule(x + size, t) && z3::ule(x, x + size);
  return {z3::implies(z3::uge(t, size) && z3::ule(x, t - size), ends_below),
          z3::implies(z3::uge(t, size) && ends_below, z3::ule(x, t - size)),
          z3::implies(z3::ult(x, t) && z3::uge(t - x, size),
                      z3::uge(t, size) && z3::ule(x, t - size)),
          z3::implies(z3::ult(x, t) && z3::uge(t, size) && z3::ule(x, t - size),
                      z3::uge(t - x, size))};
}

z3::expr block_fit_facts(const z3::expr& x, const z3::expr& t, const z3::expr& size) {
  z3::expr f = x.ctx().bool_val(true);
  for (const z3::expr& p : block_fit_facts_parts(x, t, size)) f = f && p;
  return f;
}

FreeRangeSearch search_free_ranges(const SymType& memory, const SymType& reserved,
                                   const AllocRequest& q, const AllocConfig& cfg, bool bottom_up,
                                   Mutant mut) {
  z3::context& c = q.size.ctx();
  Window w = find_window(q, cfg);
  const z3::expr zero = addr_val(c, 0);
  const z3::expr max = addr_val(c, ~std::uint64_t{0});
  // for_each_free_mem_range(_reverse): memory region i intersected with the
  // reserved gap j (gap j ends at reserved[j].base, or PHYS_ADDR_MAX after
  // the last reservation), for every region should_skip_region keeps.
  std::vector<SearchCandidate> asc;
  for (unsigned i = 0; i < memory.slots(); ++i) {
    const SymRegion& m = memory.r[i];
    z3::expr keep = memory.live(i) &&
                    !should_skip_region(m, q.nid, q.flags, cfg.movable_node, mut);
    for (unsigned j = 0; j <= reserved.slots(); ++j) {
      z3::expr gap_lo = j == 0 ? zero : reserved.r[j - 1].end();
      z3::expr gap_hi = j < reserved.slots() ? z3::ite(reserved.live(j), reserved.r[j].base, max)
                                             : max;
      z3::expr gap_ok = j == 0 ? c.bool_val(true) : z3::ule(cnt_val(c, j), reserved.cnt);
      z3::expr lo = umax(m.base, gap_lo), hi = umin(m.end(), gap_hi);
      z3::expr present = keep && gap_ok && z3::ult(lo, hi);
      // clamp(x, start, end)
      z3::expr ts = umin(umax(lo, w.start), w.end);
      z3::expr te = umin(umax(hi, w.start), w.end);
      if (bottom_up) {
        // __memblock_find_range_bottom_up
        z3::expr cand = round_up(ts, q.align);
        asc.push_back(SearchCandidate{present, lo, hi,
                                      present && z3::ult(cand, te) && z3::uge(te - cand, q.size),
                                      cand, ts, te});
      } else {
        // __memblock_find_range_top_down
        z3::expr cand = round_down(te - q.size, q.align);
        asc.push_back(
            SearchCandidate{present, lo, hi, present && z3::uge(te, q.size) && z3::uge(cand, ts),
                            cand, ts, te});
      }
    }
  }
  // Walk order: ascending for bottom-up, descending for top-down; the first
  // candidate that fits wins. The mutants walk the other way on purpose.
  bool ascending = bottom_up;
  if (mut == Mutant::TopDownNotMaximal || mut == Mutant::BottomUpNotMinimal) ascending = !ascending;
  z3::expr result = zero;
  if (ascending) {
    for (size_t k = asc.size(); k-- > 0;) result = z3::ite(asc[k].ok, asc[k].addr, result);
  } else {
    for (size_t k = 0; k < asc.size(); ++k) result = z3::ite(asc[k].ok, asc[k].addr, result);
  }
  std::vector<z3::expr> chosen(asc.size(), c.bool_val(false));
  z3::expr seen = c.bool_val(false);
  for (size_t i = 0; i < asc.size(); ++i) {
    size_t k = ascending ? i : asc.size() - 1 - i;
    chosen[k] = asc[k].ok && !seen;
    seen = seen || asc[k].ok;
  }
  return FreeRangeSearch{result, std::move(asc), std::move(chosen)};
}

z3::expr touches_hotplug(const SymType& memory, const z3::expr& r, const z3::expr& size) {
  z3::expr f = r.ctx().bool_val(false);
  for (unsigned i = 0; i < memory.slots(); ++i)
    f = f || (memory.live(i) && has(memory.r[i].flags, MEMBLOCK_HOTPLUG) &&
              z3::ult(memory.r[i].base, r + size) && z3::ult(r, memory.r[i].end()));
  return f;
}

SymType without_hotplug(const SymType& memory) {
  SymType t = memory;
  for (auto& x : t.r) x.flags = x.flags & flag_val(x.flags.ctx(), ~std::uint32_t{MEMBLOCK_HOTPLUG});
  return t;
}

}  // namespace mbv::z3spec
