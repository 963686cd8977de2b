#include "model/z3/kaslr.h"

#include "impl/common/types.h"

namespace mbv::z3spec {

KaslrInput fresh_kaslr_input(z3::context& c, unsigned k, unsigned m) {
  auto range = [&](const std::string& n) {
    return KaslrRange{c.bv_const((n + ".start").c_str(), kAddrBits),
                      c.bv_const((n + ".end").c_str(), kAddrBits)};
  };
  std::vector<KaslrRange> cand, imm;
  for (unsigned i = 0; i < k; ++i) cand.push_back(range("e820_ram" + std::to_string(i)));
  for (unsigned j = 0; j < m; ++j) imm.push_back(range("srat_immovable" + std::to_string(j)));
  return KaslrInput{cand,
                    imm,
                    c.bv_const("srat_immovable.cnt", kCntBits),
                    range("avoid"),
                    c.bv_const("kaslr.minimum", kAddrBits),
                    c.bv_const("kaslr.mem_limit", kAddrBits),
                    c.bv_const("kaslr.image", kAddrBits),
                    c.bv_const("kaslr.pick", kAddrBits)};
}

z3::expr kaslr_input_ok(const KaslrInput& in) {
  z3::context& c = in.image.ctx();
  const z3::expr top = addr_val(c, std::uint64_t{1} << 52);
  auto ok = [&](const KaslrRange& r) { return z3::ult(r.start, r.end) && z3::ule(r.end, top); };
  z3::expr f = ok(in.avoid) && z3::ule(in.immovable_cnt, cnt_val(c, in.immovable.size()));
  for (const auto& r : in.candidates) f = f && ok(r);
  for (const auto& r : in.immovable) f = f && ok(r);
  f = f && aligned(in.image, addr_val(c, SZ_2M)) && z3::ult(addr_val(c, 0), in.image) &&
      z3::ule(in.image, addr_val(c, SZ_1G)) && aligned(in.minimum, addr_val(c, SZ_2M)) &&
      z3::ule(in.minimum, addr_val(c, SZ_512M)) && z3::ule(in.mem_limit, top);
  return f;
}

namespace {

struct Area {
  z3::expr valid, lo, hi, num, from_immovable, rounded_from;
};

// store_slot_info: num = 1 + (hi - lo - image) / 2M slots starting at lo.
Area store(const z3::expr& valid, const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
           const z3::expr& from_immovable, const z3::expr& rounded_from) {
  z3::context& c = lo.ctx();
  z3::expr num = addr_val(c, 1) + z3::lshr(hi - lo - image, addr_val(c, 21));
  return Area{valid, lo, hi, num, from_immovable, rounded_from};
}

// __process_mem_region with one avoid region: at most two slot areas.
void process(const KaslrInput& in, const z3::expr& present, const z3::expr& s,
             const z3::expr& e, const z3::expr& from_immovable, std::vector<Area>& out) {
  z3::context& c = s.ctx();
  const z3::expr two_m = addr_val(c, SZ_2M);
  z3::expr lo0 = umax(s, in.minimum), hi = umin(e, in.mem_limit);
  // first round
  z3::expr lo1 = round_up(lo0, two_m);
  z3::expr go1 = present && z3::ule(lo1, hi) && z3::uge(hi - lo1, in.image);
  z3::expr ov1 = z3::ult(in.avoid.start, hi) && z3::ugt(in.avoid.end, lo1);
  out.push_back(store(go1 && !ov1, lo1, hi, in.image, from_immovable, lo0));
  out.push_back(store(go1 && ov1 && z3::uge(in.avoid.start, lo1 + in.image), lo1,
                      in.avoid.start, in.image, from_immovable, lo0));
  // second round, from the end of the avoid region
  z3::expr lo2 = round_up(in.avoid.end, two_m);
  z3::expr go2 = go1 && ov1 && z3::ule(lo2, hi) && z3::uge(hi - lo2, in.image);
  out.push_back(store(go2, lo2, hi, in.image, from_immovable, in.avoid.end));
}

}  // namespace

z3::expr find_random_phys_addr(const KaslrInput& in, Mutant mut) {
  return kaslr_search(in, mut).result;
}

namespace {
// slot_facts' premise about the area: the image fits in [lo, hi), stated
// either way store_slot_info's callers establish it, and hi below 2^52.
z3::expr slot_room(const z3::expr& lo, const z3::expr& hi, const z3::expr& image) {
  z3::context& c = lo.ctx();
  return ((z3::ule(lo, hi) && z3::uge(hi - lo, image)) ||
          (z3::ule(lo, lo + image) && z3::ule(lo + image, hi))) &&
         z3::ule(hi, addr_val(c, std::uint64_t{1} << 52));
}
// [at, at + image) inside [lo, hi) without wrapping
z3::expr slot_inside(const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
                     const z3::expr& at) {
  return z3::ule(lo, at) && z3::ule(at, at + image) && z3::ule(at + image, hi);
}
}  // namespace

z3::expr slot_facts(const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
                    const z3::expr& index) {
  z3::context& c = lo.ctx();
  z3::expr num = addr_val(c, 1) + z3::lshr(hi - lo - image, addr_val(c, 21));
  z3::expr at = lo + z3::shl(index, addr_val(c, 21));
  return z3::implies(slot_room(lo, hi, image) && z3::ult(index, num),
                     slot_inside(lo, hi, image, at));
}

z3::expr slot_shift_fact(const z3::expr& index, const z3::expr& d) {
  z3::context& c = d.ctx();
  return z3::implies(z3::ult(index, addr_val(c, 1) + z3::lshr(d, addr_val(c, 21))),
                     z3::ule(z3::shl(index, addr_val(c, 21)), d));
}

z3::expr slot_room_fact(const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
                        const z3::expr& s) {
  return z3::implies(slot_room(lo, hi, image) && z3::ule(s, hi - lo - image),
                     slot_inside(lo, hi, image, lo + s));
}

std::vector<z3::expr> slot_room_steps(const z3::expr& lo, const z3::expr& hi,
                                      const z3::expr& image, const z3::expr& s,
                                      const z3::expr& u, const z3::expr& v) {
  return {z3::implies(slot_room(lo, hi, image), z3::ule(lo, hi) && z3::uge(hi - lo, image)),
          z3::implies(z3::uge(u, image) && z3::ule(s, u - image),
                      z3::ule(s + image, u) && z3::ule(s, s + image)),
          z3::implies(z3::ule(lo, hi) && z3::ule(v, hi - lo),
                      z3::ule(lo + v, hi) && z3::ule(lo, lo + v)),
          z3::implies(z3::ule(lo, lo + v) && z3::ule(s, v), z3::ule(lo, lo + s)),
          z3::implies(z3::ule(lo, lo + (s + image)) && z3::ule(s, s + image),
                      z3::ule(lo + s, lo + s + image))};
}

z3::expr round_up_2m_facts(const z3::expr& x) {
  z3::context& c = x.ctx();
  return z3::implies(z3::ule(x, addr_val(c, std::uint64_t{1} << 52)),
                     z3::uge(round_up(x, addr_val(c, SZ_2M)), x));
}

KaslrSearch kaslr_search(const KaslrInput& in, Mutant mut) {
  z3::context& c = in.image.ctx();
  std::vector<Area> areas;
  z3::expr filter_on = z3::ugt(in.immovable_cnt, cnt_val(c, 0));
  if (mut == Mutant::KaslrIgnoresImmovable) filter_on = c.bool_val(false);
  for (const KaslrRange& r : in.candidates) {
    // no immovable list: the whole candidate
    process(in, !filter_on, r.start, r.end, c.bool_val(false), areas);
    // otherwise each overlap with an immovable range, in SRAT order
    for (unsigned j = 0; j < in.immovable.size(); ++j) {
      const KaslrRange& im = in.immovable[j];
      z3::expr present = filter_on && z3::ult(cnt_val(c, j), in.immovable_cnt) &&
                         z3::ult(r.start, im.end) && z3::ult(im.start, r.end);
      process(in, present, umax(r.start, im.start), umin(r.end, im.end), c.bool_val(true),
              areas);
    }
  }
  // slots_fetch_random: walk the areas in insertion order.
  z3::expr slot_max = addr_val(c, 0);
  for (const Area& a : areas) slot_max = slot_max + z3::ite(a.valid, a.num, addr_val(c, 0));
  z3::expr k = in.pick;
  z3::expr addr = addr_val(c, 0);
  z3::expr before = addr_val(c, 0);
  KaslrSearch out{{}, addr};
  for (const Area& a : areas) {
    z3::expr n = z3::ite(a.valid, a.num, addr_val(c, 0));
    z3::expr here = z3::uge(k, before) && z3::ult(k - before, n);
    z3::expr index = k - before;
    out.areas.push_back(KaslrArea{a.valid, a.lo, a.hi, a.num, index, here,
                                  a.lo + z3::shl(index, addr_val(c, 21)), a.rounded_from,
                                  a.from_immovable});
    before = before + n;
  }
  for (size_t i = out.areas.size(); i-- > 0;)
    addr = z3::ite(out.areas[i].here, out.areas[i].addr, addr);
  // find_random_phys_addr's final sanity check
  z3::expr sane = z3::uge(addr, in.minimum) && z3::ule(addr + in.image, in.mem_limit);
  out.result = z3::ite(z3::ult(k, slot_max) && sane, addr, addr_val(c, 0));
  return out;
}

z3::expr inside_immovable(const KaslrInput& in, const z3::expr& addr) {
  z3::context& c = addr.ctx();
  z3::expr f = c.bool_val(false);
  for (unsigned j = 0; j < in.immovable.size(); ++j)
    f = f || (z3::ult(cnt_val(c, j), in.immovable_cnt) && z3::ule(in.immovable[j].start, addr) &&
              z3::ule(addr + in.image, in.immovable[j].end));
  return f;
}

}  // namespace mbv::z3spec
