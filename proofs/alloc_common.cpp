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
