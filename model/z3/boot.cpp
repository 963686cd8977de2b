#include "model/z3/boot.h"

#include "impl/common/types.h"

namespace mbv::z3spec {

std::string_view policy_name(BootPolicy p) {
  switch (p) {
    case BootPolicy::Linux61: return "linux-6.1";
    case BootPolicy::BottomUp2013: return "bottom-up-2013";
    case BootPolicy::SratFirst: return "srat-first";
  }
  return "?";
}

z3::expr BootMachine::node_start(unsigned i) const {
  return i == 0 ? kernel_start.ctx().bv_val(0, kAddrBits) : node_end[i - 1];
}

BootMachine fresh_machine(z3::context& c, unsigned nodes) {
  std::vector<z3::expr> ends, hot;
  for (unsigned i = 0; i < nodes; ++i) {
    ends.push_back(c.bv_const(("node" + std::to_string(i) + ".end").c_str(), kAddrBits));
    hot.push_back(c.bool_const(("node" + std::to_string(i) + ".hotplug").c_str()));
  }
  z3::expr ksize = c.bv_const("kernel.size", kAddrBits);
  return BootMachine{ends,
                     hot,
                     c.bv_const("kernel.start", kAddrBits),
                     ksize,
                     round_up(ksize, addr_val(c, SZ_2M)),
                     c.bv_const("pgtable.page", kAddrBits),
                     c.bool_const("pgtable.pass2")};
}

z3::expr machine_ok(const BootMachine& m) {
  z3::context& c = m.kernel_start.ctx();
  const z3::expr section = addr_val(c, 128 * SZ_1M);
  z3::expr f = z3::ule(m.ram_end(), addr_val(c, std::uint64_t{1} << 46)) &&
               z3::ult(addr_val(c, 0), m.node_end[0]);
  for (unsigned i = 0; i < m.nodes(); ++i) {
    f = f && aligned(m.node_end[i], section) && z3::ule(m.node_start(i), m.node_end[i]);
  }
  // KASLR: a 2M slot at or above LOAD_PHYSICAL_ADDR holding the whole image
  // inside one immovable node (the kaslr_in_immovable theorem).
  z3::expr ks = m.kernel_start;
  f = f && aligned(ks, addr_val(c, SZ_2M)) && z3::uge(ks, addr_val(c, SZ_16M)) &&
      z3::ult(ks, m.ram_end()) &&
      aligned(m.kernel_size, addr_val(c, SZ_4K)) &&
      z3::ule(addr_val(c, SZ_2M), m.kernel_size) && z3::ule(m.kernel_size, addr_val(c, 64 * SZ_1M));
  z3::expr in_immovable = c.bool_val(false);
  for (unsigned i = 0; i < m.nodes(); ++i)
    in_immovable = in_immovable || (!m.hotplug[i] && z3::ule(m.node_start(i), ks) &&
                                    z3::ule(ks + m.image, m.node_end[i]));
  return f && in_immovable;
}

z3::expr tables_4k_after_isa(const z3::expr& a, const z3::expr& b) {
  z3::context& c = a.ctx();
  z3::expr total = addr_val(c, 0);
  for (unsigned shift : {21u, 30u, 39u}) {  // PTE per 2M, PMD per 1G, PUD per 512G
    z3::expr n = blocks(a, b, shift);
    z3::expr owns_block0 = z3::ult(a, addr_val(c, std::uint64_t{1} << shift));
    total = total + n - bool_to_bv(owns_block0, kAddrBits);
  }
  return z3::ite(z3::ult(a, b), total, addr_val(c, 0));
}

namespace {

struct Segment {
  z3::expr lo, hi;  // [lo, hi), empty when lo >= hi
};

z3::expr seg_pages(const Segment& s) {
  z3::context& c = s.lo.ctx();
  return z3::ite(z3::ult(s.lo, s.hi), z3::lshr(s.hi - s.lo, addr_val(c, PAGE_SHIFT)),
                 addr_val(c, 0));
}

// The t-th page handed out when pages are taken in order from the segments
// (ascending: from each segment's bottom; descending: from its top).
// `ok` is false when the segments hold fewer than t+1 pages (a panic).
struct Fill {
  z3::expr ok, addr;
};
Fill fill(const std::vector<Segment>& segs, const z3::expr& t, bool descending) {
  z3::context& c = t.ctx();
  z3::expr addr = addr_val(c, 0), ok = c.bool_val(false);
  z3::expr before = addr_val(c, 0);
  std::vector<std::pair<z3::expr, z3::expr>> hits;  // (condition, address)
  for (const Segment& s : segs) {
    z3::expr n = seg_pages(s);
    z3::expr here = z3::uge(t, before) && z3::ult(t - before, n);
    z3::expr off = z3::shl(t - before, addr_val(c, PAGE_SHIFT));
    z3::expr a = descending ? s.hi - off - addr_val(c, PAGE_SIZE) : s.lo + off;
    hits.emplace_back(here, a);
    before = before + n;
  }
  for (size_t k = hits.size(); k-- > 0;) {
    addr = z3::ite(hits[k].first, hits[k].second, addr);
    ok = ok || hits[k].first;
  }
  return Fill{ok, addr};
}

z3::expr sat_sub(const z3::expr& a, const z3::expr& b) {
  return z3::ite(z3::ugt(a, b), a - b, a.ctx().bv_val(0, kAddrBits));
}

}  // namespace

PagePlacement place_page_tables(const BootMachine& m, BootPolicy policy, Mutant mut) {
  z3::context& c = m.kernel_start.ctx();
  const z3::expr one_m = addr_val(c, SZ_1M);
  const z3::expr brk = addr_val(c, kBrkPagesLeft);
  const z3::expr ks = m.kernel_start, ke = m.kernel_end(), end = m.ram_end();
  const z3::expr page_sz = addr_val(c, PAGE_SIZE);

  if (policy == BootPolicy::SratFirst) {
    // memory_map_top_down(1M, end) after SRAT: every table for [1M, end).
    z3::expr need = tables_4k_after_isa(one_m, end);
    z3::expr demand = sat_sub(need, brk);
    std::vector<Segment> segs;  // free memory, highest first, hotplug nodes skipped
    for (unsigned i = m.nodes(); i-- > 0;) {
      z3::expr s = umax(m.node_start(i), one_m), e = m.node_end[i];
      z3::expr skip = mut == Mutant::SratFirstNoSkip ? c.bool_val(false) : m.hotplug[i];
      z3::expr hi_lo = umax(s, ke), lo_hi = umin(e, ks);
      // an empty segment when the node is skipped
      segs.push_back(Segment{z3::ite(skip, e, hi_lo), e});
      segs.push_back(Segment{s, z3::ite(skip, s, lo_hi)});
    }
    Fill f = fill(segs, m.page, true);
    return PagePlacement{z3::ult(m.page, demand) && f.ok, f.addr, demand, addr_val(c, 0)};
  }

  // Bottom-up (movable_node before SRAT): pass 1 then pass 2.
  z3::expr need1 = tables_4k_after_isa(ke, end);
  z3::expr need_all = tables_4k_after_isa(one_m, end);
  z3::expr need2 = need_all - need1;
  z3::expr demand1 = sat_sub(need1, brk);
  z3::expr brk_left = sat_sub(brk, need1);
  z3::expr demand2 = sat_sub(need2, brk_left);
  z3::expr pass1_top = ke + z3::shl(demand1, addr_val(c, PAGE_SHIFT));

  Fill f1 = fill({Segment{ke, end}}, m.page, false);
  std::vector<Segment> segs2;
  if (policy == BootPolicy::Linux61) segs2.push_back(Segment{one_m, ks});
  segs2.push_back(Segment{pass1_top, end});
  Fill f2 = fill(segs2, m.page, false);

  z3::expr exists1 = !m.pass2 && z3::ult(m.page, demand1) && f1.ok;
  // pass 2 only runs if pass 1 fitted entirely (otherwise the boot panicked)
  z3::expr pass1_fits = z3::ule(pass1_top, end);
  z3::expr exists2 = m.pass2 && pass1_fits && z3::ult(m.page, demand2) && f2.ok;
  return PagePlacement{exists1 || exists2, z3::ite(m.pass2, f2.addr, f1.addr), demand1, demand2};
}

z3::expr in_hotplug_node(const BootMachine& m, const z3::expr& addr) {
  z3::expr f = addr.ctx().bool_val(false);
  for (unsigned i = 0; i < m.nodes(); ++i)
    f = f || (m.hotplug[i] && in_range(addr, m.node_start(i), m.node_end[i]));
  return f;
}

}  // namespace mbv::z3spec
