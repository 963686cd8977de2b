#include "model/z3/state.h"

#include "impl/common/result.h"

namespace mbv::z3spec {

z3::expr SymType::live(unsigned i) const {
  if (i < live_bits.size()) return live_bits[i];
  return lt(cnt_val(cnt.ctx(), i), cnt);
}

SymType fresh_type(z3::context& c, const std::string& name, unsigned n, unsigned max_regions,
                   AddrSort sort) {
  std::vector<SymRegion> r;
  r.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    std::string p = name + "[" + std::to_string(i) + "].";
    r.push_back(SymRegion{addr_const(c, p + "base", sort), addr_const(c, p + "end", sort),
                          c.bv_const((p + "flags").c_str(), kFlagBits),
                          c.bv_const((p + "nid").c_str(), kNidBits)});
  }
  return SymType{std::move(r), c.bv_const((name + ".cnt").c_str(), kCntBits), max_regions};
}

SymType constant_type(z3::context& c, const std::vector<MemblockRegion>& regions, unsigned n,
                      unsigned max_regions, AddrSort sort) {
  std::vector<MemblockRegion> real;
  for (const auto& x : regions)
    if (x.size != 0) real.push_back(x);
  MB_CHECK(real.size() <= n, "constant_type: more regions than slots");
  std::vector<SymRegion> r;
  for (unsigned i = 0; i < n; ++i) {
    MemblockRegion x = i < real.size() ? real[i] : MemblockRegion{};
    r.push_back(SymRegion{addr_val(c, x.base, sort), addr_val(c, x.base + x.size, sort), flag_val(c, x.flags),
                          nid_val(c, x.nid)});
  }
  return SymType{std::move(r), cnt_val(c, static_cast<unsigned>(real.size())), max_regions};
}

LiveScan next_live(const SymType& t) {
  z3::context& c = t.ctx();
  const unsigned n = t.slots();
  LiveScan s;
  if (n == 0) return s;
  s.has.assign(n, c.bool_val(false));
  s.r.assign(n, t.r[n - 1]);
  if (t.dense()) {
    for (unsigned i = 0; i + 1 < n; ++i) {
      s.has[i] = t.live(i + 1);
      s.r[i] = t.r[i + 1];
    }
    return s;
  }
  for (unsigned i = n - 1; i-- > 0;) {
    const z3::expr l = t.live(i + 1);
    const SymRegion& x = t.r[i + 1];
    const SymRegion& y = s.r[i + 1];
    s.has[i] = l || s.has[i + 1];
    s.r[i] = SymRegion{z3::ite(l, x.base, y.base), z3::ite(l, x.end_, y.end_),
                       z3::ite(l, x.flags, y.flags), z3::ite(l, x.nid, y.nid)};
  }
  return s;
}

LiveScan prev_live(const SymType& t) {
  z3::context& c = t.ctx();
  const unsigned n = t.slots();
  LiveScan s;
  if (n == 0) return s;
  s.has.assign(n, c.bool_val(false));
  s.r.assign(n, t.r[0]);
  if (t.dense()) {
    for (unsigned i = 1; i < n; ++i) {
      s.has[i] = t.live(i - 1);
      s.r[i] = t.r[i - 1];
    }
    return s;
  }
  for (unsigned i = 1; i < n; ++i) {
    const z3::expr l = t.live(i - 1);
    const SymRegion& x = t.r[i - 1];
    const SymRegion& y = s.r[i - 1];
    s.has[i] = l || s.has[i - 1];
    s.r[i] = SymRegion{z3::ite(l, x.base, y.base), z3::ite(l, x.end_, y.end_),
                       z3::ite(l, x.flags, y.flags), z3::ite(l, x.nid, y.nid)};
  }
  return s;
}

z3::expr well_formed(const SymType& t) {
  z3::context& c = t.ctx();
  // a gathered array counts its live bits: cnt <= slots by construction
  z3::expr f = t.dense() ? le(t.cnt, cnt_val(c, t.slots())) : c.bool_val(true);
  const LiveScan next = next_live(t);
  for (unsigned i = 0; i < t.slots(); ++i) {
    const SymRegion& x = t.r[i];
    // positive size and no wrap: base < end (end <= PHYS_ADDR_MAX)
    f = f && z3::implies(t.live(i), lt(x.base, x.end()) && addr_in_range(x.base) &&
                                        addr_in_range(x.end()));
    // sorted and disjoint: ends at or below the next live region's base
    // (dense: slot i+1 live implies slot i live)
    z3::expr pair = t.dense() ? next.has[i] : t.live(i) && next.has[i];
    f = f && z3::implies(pair, le(x.end(), next.r[i].base));
  }
  return f;
}

z3::expr maximal(const SymType& t) {
  z3::expr f = t.ctx().bool_val(true);
  const LiveScan next = next_live(t);
  for (unsigned i = 0; i < t.slots(); ++i) {
    const SymRegion& x = t.r[i];
    const SymRegion& y = next.r[i];
    z3::expr pair = t.dense() ? next.has[i] : t.live(i) && next.has[i];
    f = f && z3::implies(pair, !(x.end() == y.base && x.nid == y.nid && x.flags == y.flags));
  }
  return f;
}

z3::expr canonical(const SymType& t) { return well_formed(t) && maximal(t); }

z3::expr covered_at(const SymType& t, const z3::expr& a) {
  z3::expr f = t.ctx().bool_val(false);
  for (unsigned i = 0; i < t.slots(); ++i)
    f = f || (t.live(i) && in_range(a, t.r[i].base, t.r[i].end()));
  return f;
}

z3::expr nid_at(const SymType& t, const z3::expr& a) {
  z3::expr v = nid_val(t.ctx(), 0);
  for (unsigned i = t.slots(); i-- > 0;)
    v = z3::ite(t.live(i) && in_range(a, t.r[i].base, t.r[i].end()), t.r[i].nid, v);
  return v;
}

z3::expr flags_at(const SymType& t, const z3::expr& a) {
  z3::expr v = flag_val(t.ctx(), 0);
  for (unsigned i = t.slots(); i-- > 0;)
    v = z3::ite(t.live(i) && in_range(a, t.r[i].base, t.r[i].end()), t.r[i].flags, v);
  return v;
}

SymType gather(z3::context& c, const std::vector<SymSlot>& in, unsigned max_regions) {
  std::vector<SymRegion> r;
  std::vector<z3::expr> live;
  z3::expr cnt = cnt_val(c, 0);
  for (const SymSlot& s : in) {
    r.push_back(s.r);
    live.push_back(s.valid);
    cnt = cnt + bool_to_bv(s.valid, kCntBits);
  }
  return SymType{std::move(r), cnt, max_regions, std::move(live)};
}

std::uint64_t eval_u64(const z3::model& m, const z3::expr& e) {
  z3::expr v = m.eval(e, true);
  std::uint64_t x = 0;
  MB_CHECK(v.is_numeral_u64(x), "eval_u64: model value is not a numeral");
  return x;
}

std::vector<MemblockRegion> concretize(const z3::model& m, const SymType& t) {
  std::vector<MemblockRegion> out;
  for (unsigned i = 0; i < t.slots(); ++i) {
    if (!m.eval(t.live(i), true).is_true()) continue;
    MemblockRegion x;
    x.base = eval_u64(m, t.r[i].base);
    x.size = eval_u64(m, t.r[i].end()) - x.base;
    x.flags = static_cast<std::uint32_t>(eval_u64(m, t.r[i].flags));
    x.nid = static_cast<int>(static_cast<std::uint32_t>(eval_u64(m, t.r[i].nid)));
    out.push_back(x);
  }
  return out;
}

}  // namespace mbv::z3spec
