#include "model/z3/relations.h"

#include <algorithm>

#include "model/z3/ops.h"

namespace mbv::z3spec {

z3::expr in_request(const z3::expr& a, const z3::expr& base, const z3::expr& size) {
  return in_range(a, base, base + memblock_cap_size(base, size));
}

Relation same_meaning(const SymType& before, const SymType& after, const z3::expr& a) {
  z3::expr cov = covered_at(before, a);
  return Relation{covered_at(after, a) == cov,
                  z3::implies(cov, nid_at(after, a) == nid_at(before, a) &&
                                       flags_at(after, a) == flags_at(before, a))};
}

Relation add_relation(const SymType& before, const SymType& after, const z3::expr& base,
                      const z3::expr& size, const z3::expr& nid, const z3::expr& flags,
                      const z3::expr& a) {
  z3::expr old = covered_at(before, a);
  z3::expr req = in_request(a, base, size);
  z3::expr want_nid = z3::ite(old, nid_at(before, a), nid);
  z3::expr want_flags = z3::ite(old, flags_at(before, a), flags);
  return Relation{covered_at(after, a) == (old || req),
                  z3::implies(old || req, nid_at(after, a) == want_nid &&
                                              flags_at(after, a) == want_flags)};
}

Relation remove_relation(const SymType& before, const SymType& after, const z3::expr& base,
                         const z3::expr& size, const z3::expr& a) {
  z3::expr keep = covered_at(before, a) && !in_request(a, base, size);
  return Relation{covered_at(after, a) == keep,
                  z3::implies(keep, nid_at(after, a) == nid_at(before, a) &&
                                        flags_at(after, a) == flags_at(before, a))};
}

Relation setclr_relation(const SymType& before, const SymType& after, const z3::expr& base,
                         const z3::expr& size, bool set, const z3::expr& flag,
                         const z3::expr& a) {
  z3::expr cov = covered_at(before, a);
  z3::expr f = flags_at(before, a);
  z3::expr nf = set ? (f | flag) : (f & ~flag);
  z3::expr want = z3::ite(in_request(a, base, size), nf, f);
  return Relation{covered_at(after, a) == cov,
                  z3::implies(cov, nid_at(after, a) == nid_at(before, a) &&
                                       flags_at(after, a) == want)};
}

Relation set_node_relation(const SymType& before, const SymType& after, const z3::expr& base,
                           const z3::expr& size, const z3::expr& nid, const z3::expr& a) {
  z3::expr cov = covered_at(before, a);
  z3::expr want = z3::ite(in_request(a, base, size), nid, nid_at(before, a));
  return Relation{covered_at(after, a) == cov,
                  z3::implies(cov, flags_at(after, a) == flags_at(before, a) &&
                                       nid_at(after, a) == want)};
}

z3::expr unchanged(const SymType& before0, const SymType& after0) {
  unsigned n = std::max(before0.slots(), after0.slots());
  SymType before = pad(before0, n), after = pad(after0, n);
  z3::expr f = before.cnt == after.cnt;
  for (unsigned i = 0; i < n; ++i) {
    z3::expr same = before.r[i].base == after.r[i].base && before.r[i].end() == after.r[i].end() &&
                    before.r[i].flags == after.r[i].flags && before.r[i].nid == after.r[i].nid;
    f = f && z3::implies(before.live(i), same);
  }
  return f;
}

z3::expr no_region_crosses(const SymType& t, const z3::expr& x) {
  z3::expr f = t.ctx().bool_val(true);
  for (unsigned i = 0; i < t.slots(); ++i)
    f = f && !(t.live(i) && lt(t.r[i].base, x) && lt(x, t.r[i].end()));
  return f;
}

}  // namespace mbv::z3spec
