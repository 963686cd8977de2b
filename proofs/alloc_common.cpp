#include "proofs/alloc_common.h"

#include <cinttypes>
#include <cstdio>

#include "impl/memblock/op.h"
#include "model/z3/vocab.h"
#include "proofs/memblock_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

AllocSetup alloc_setup(z3::context& c, unsigned n) {
  SymType mem = fresh_type(c, "memory", n), res = fresh_type(c, "reserved", n);
  AllocRequest q = fresh_request(c, "req");
  AllocConfig cfg = fresh_config(c, "cfg");
  z3::expr pre = canonical(mem) && canonical(res) && regions_ok(mem, false) &&
                 regions_ok(res, true) && (nid_ok(q.nid) || q.nid == nid_val(c, NUMA_NO_NODE)) &&
                 flags_ok(q.flags) && q.size != addr_val(c, 0) && is_pow2(q.align);
  return AllocSetup{mem, res, q, cfg, pre};
}

std::vector<Obligation> extremal_obligations(z3::context& c, const AllocSetup& s,
                                             const FreeRangeSearch& search, bool bottom_up) {
  const AllocRequest& q = s.q;
  const z3::expr zero = addr_val(c, 0);
  z3::expr other = c.bv_const("other", kAddrBits);
  z3::expr lx = c.bv_const("lemma.x", kAddrBits), ly = c.bv_const("lemma.y", kAddrBits),
           la = c.bv_const("lemma.align", kAddrBits), ls = c.bv_const("lemma.size", kAddrBits);
  std::vector<Obligation> obs;
  obs.push_back(bottom_up
                    ? Obligation{"Lemma: round_up(y, align) is the smallest aligned value >= y "
                                 "(0 where it wraps)",
                                 z3::implies(is_pow2(la), round_up_facts(lx, ly, la)), true}
                    : Obligation{"Lemma: round_down(y, align) is the largest aligned value <= y",
                                 z3::implies(is_pow2(la), round_down_facts(lx, ly, la)), true});
  int part = 0;
  for (const z3::expr& p : block_fit_facts_parts(lx, ly, ls))
    obs.push_back({"Lemma: [x, x + size) ends at or below t iff x <= t - size (part " +
                       std::to_string(++part) + " of 4)",
                   p, true});
  z3::expr facts = c.bool_val(true);
  for (const SearchCandidate& k : search.candidates) {
    facts = facts && (bottom_up ? round_up_facts(other, k.ts, q.align)
                                : round_down_facts(other, k.te - q.size, q.align));
    facts = facts && block_fit_facts(k.addr, k.te, q.size) &&
            block_fit_facts(other, k.te, q.size);
  }
  const Window w = find_window(q, s.cfg);
  auto in_region = [&](const z3::expr& r) {
    z3::expr f = c.bool_val(false);
    for (unsigned i = 0; i < s.memory.slots(); ++i) {
      const SymRegion& m = s.memory.r[i];
      f = f || (s.memory.live(i) && !should_skip_region(m, q.nid, q.flags, s.cfg.movable_node) &&
                z3::ule(m.base, r) && z3::ule(r + q.size, m.end()));
    }
    return f;
  };
  auto is_free = [&](const z3::expr& r) {
    z3::expr f = c.bool_val(true);
    for (unsigned j = 0; j < s.reserved.slots(); ++j)
      f = f && !(s.reserved.live(j) && z3::ult(s.reserved.r[j].base, r + q.size) &&
                 z3::ult(r, s.reserved.r[j].end()));
    return f;
  };
  const unsigned gaps = s.reserved.slots() + 1;
  auto label = [&](size_t k) {
    return "free range " + std::to_string(k) + " (memory " + std::to_string(k / gaps) +
           ", reserved gap " + std::to_string(k % gaps) + ")";
  };
  z3::expr is_some_choice = c.bool_val(false);
  z3::expr in_some_range = c.bool_val(false);
  for (size_t k = 0; k < search.candidates.size(); ++k) {
    const SearchCandidate& cd = search.candidates[k];
    const z3::expr& a = cd.addr;
    z3::expr hyp = facts && search.chosen[k] && a != zero;
    const std::string at = "The walk stops at " + label(k) + ": its address ";
    // the clauses of fits() (model/z3/alloc.cpp), one query each
    obs.push_back({at + "is aligned", z3::implies(hyp, aligned(a, q.align))});
    obs.push_back({at + "+ size does not wrap", z3::implies(hyp, add_no_uoverflow(a, q.size))});
    obs.push_back({at + "is inside the window",
                   z3::implies(hyp, z3::ule(w.start, a) && z3::ule(a + q.size, w.end))});
    obs.push_back({at + "is inside one accepted memory region", z3::implies(hyp, in_region(a))});
    obs.push_back({at + "is free of reserved regions", z3::implies(hyp, is_free(a))});
    is_some_choice = is_some_choice || (search.chosen[k] && search.result == a);
    in_some_range = in_some_range || (cd.present && z3::ule(cd.lo, other) &&
                                      z3::ule(other + q.size, cd.hi));
  }
  obs.push_back({"A non-zero result is the address the walk stops at",
                 z3::implies(search.result != zero, is_some_choice)});
  z3::expr allowed = fits(s.memory, s.reserved, q, s.cfg, other);
  obs.push_back({"Every allowed block lies in a free range", z3::implies(allowed, in_some_range)});
  for (size_t k = 0; k < search.candidates.size(); ++k) {
    const SearchCandidate& cd = search.candidates[k];
    z3::expr in_k = cd.present && z3::ule(cd.lo, other) && z3::ule(other + q.size, cd.hi);
    z3::expr bound = bottom_up ? z3::ule(search.result, other) : z3::ule(other, search.result);
    obs.push_back({std::string("No allowed block in ") + label(k) + " starts " +
                       (bottom_up ? "below" : "above") + " the result",
                   z3::implies(facts && allowed && in_k, search.result != zero && bound)});
  }
  return obs;
}

void alloc_witness(ProofBody& body, const AllocSetup& s, const z3::expr& result,
                   bool bottom_up) {
  z3::context& c = result.ctx();
  body.minimize.push_back(s.memory.cnt);
  body.minimize.push_back(s.reserved.cnt);
  body.minimize.push_back(s.q.size);
  for (const SymType* t : {&s.memory, &s.reserved})
    for (unsigned i = 0; i < t->slots(); ++i) {
      body.minimize.push_back(z3::ite(t->live(i), t->r[i].size(), addr_val(c, 0)));
      body.minimize.push_back(z3::ite(t->live(i), t->r[i].base, addr_val(c, 0)));
    }
  z3::expr round = c.bool_val(true);
  for (const SymType* t : {&s.memory, &s.reserved})
    for (unsigned i = 0; i < t->slots(); ++i)
      round = round && z3::implies(t->live(i), aligned(t->r[i].base, addr_val(c, SZ_4K)) &&
                                                   aligned(t->r[i].end(), addr_val(c, SZ_4K)));
  body.round.push_back(round && aligned(s.q.size, addr_val(c, SZ_4K)) &&
                       aligned(s.q.start, addr_val(c, SZ_4K)) && aligned(s.q.end, addr_val(c, SZ_4K)));
  SymType mem = s.memory, res = s.reserved;
  AllocRequest q = s.q;
  AllocConfig cfg = s.cfg;
  body.witness = [mem, res, q, cfg, result, bottom_up](const z3::model& m, const std::string&) {
    Witness w;
    auto mr = concretize(m, mem), rr = concretize(m, res);
    std::uint64_t size = eval_u64(m, q.size), align = eval_u64(m, q.align);
    std::uint64_t start = eval_u64(m, q.start), end = eval_u64(m, q.end);
    int nid = static_cast<int>(static_cast<std::uint32_t>(eval_u64(m, q.nid)));
    std::uint32_t flags = static_cast<std::uint32_t>(eval_u64(m, q.flags));
    bool movable = m.eval(cfg.movable_node, true).is_true();
    std::uint64_t limit = eval_u64(m, cfg.current_limit);
    std::uint64_t got = eval_u64(m, result);
    char buf[400];
    std::snprintf(buf, sizeof buf,
                  "  memblock_find_in_range_node(size %#" PRIx64 ", align %#" PRIx64
                  ", start %#" PRIx64 ", end %#" PRIx64 ", nid %d, flags %s) %s, movable_node=%d,"
                  " current_limit %#" PRIx64 "\n  returns %#" PRIx64 " (Z3 encoding)\n",
                  size, align, start, end, nid, memblock_flags_to_string(flags).c_str(),
                  bottom_up ? "bottom-up" : "top-down", movable ? 1 : 0, limit, got);
    w.example = std::string(buf) + "Memory:\n" + format_regions(mr) + "Reserved:\n" +
                format_regions(rr);
    OpTrace t;
    t.push_back(Op{OpKind::SetMovableNode, movable ? 1u : 0u});
    for (const auto& r : mr) {
      Op o{OpKind::AddNode, r.base, r.size};
      o.nid = r.nid;
      o.flags = r.flags;
      t.push_back(o);
    }
    for (const auto& r : rr) t.push_back(Op{OpKind::Reserve, r.base, r.size});
    t.push_back(Op{OpKind::SetBottomUp, bottom_up ? 1u : 0u});
    t.push_back(Op{OpKind::SetCurrentLimit, limit});
    std::string text = "# Z3 counterexample for memblock_find_in_range_node\n";
    if (nid == NUMA_NO_NODE && flags == MEMBLOCK_NONE) {
      // memblock_find_in_range(start, end, size, align) is this exact call.
      Op f{OpKind::FindInRange, size, align, start, end};
      t.push_back(f);
      Memblock mb;
      OpTrace setup(t.begin(), t.end() - 1);
      apply_trace(mb, setup);
      std::uint64_t impl = static_cast<std::uint64_t>(apply_op(mb, f).value);
      w.replays = impl == got;
      std::snprintf(buf, sizeof buf, "impl/memblock returns %#" PRIx64, impl);
      w.replay_note = buf;
    } else {
      std::snprintf(buf, sizeof buf, "# the request (nid %d, flags %s) has no trace op; search call:\n",
                    nid, memblock_flags_to_string(flags).c_str());
      text += buf;
      for (size_t i = 0; i < w.example.size();) {
        size_t j = w.example.find('\n', i);
        if (j == std::string::npos) j = w.example.size();
        text += "# " + w.example.substr(i, j - i) + "\n";
        i = j + 1;
      }
    }
    w.reproducer = text + trace_to_text(t);
    w.extension = ".trace";
    return w;
  };
}

}  // namespace mbv::proofs
