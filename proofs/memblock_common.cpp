#include "proofs/memblock_common.h"

#include "model/shrink/reproducer.h"

#include <cinttypes>
#include <cstdio>

#include "model/z3/vocab.h"
#include "proofs/tv.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

z3::expr nid_ok(const z3::expr& nid) { return le(nid, nid_val(nid.ctx(), MAX_NUMNODES)); }

z3::expr flags_ok(const z3::expr& flags) {
  return (flags & flag_val(flags.ctx(), ~std::uint32_t{0xf})) == flag_val(flags.ctx(), 0);
}

z3::expr regions_ok(const SymType& t, bool reserved) {
  z3::expr f = t.ctx().bool_val(true);
  for (unsigned i = 0; i < t.slots(); ++i) {
    z3::expr fl = reserved ? t.r[i].flags == flag_val(t.ctx(), 0) : flags_ok(t.r[i].flags);
    f = f && z3::implies(t.live(i), nid_ok(t.r[i].nid) && fl);
  }
  return f;
}

void add_objectives(ProofBody& body, const SymType& t, const std::vector<z3::expr>& args) {
  z3::context& c = t.ctx();
  body.minimize.push_back(t.cnt);
  for (const auto& a : args) body.minimize.push_back(a);
  for (unsigned i = 0; i < t.slots(); ++i) {
    body.minimize.push_back(z3::ite(t.live(i), t.r[i].size(), num_like(t.r[i].base, 0)));
    body.minimize.push_back(z3::ite(t.live(i), t.r[i].base, num_like(t.r[i].base, 0)));
  }
  for (std::uint64_t g : {SZ_1M, SZ_4K}) {
    z3::expr f = c.bool_val(true);
    for (unsigned i = 0; i < t.slots(); ++i)
      f = f && z3::implies(t.live(i), aligned(t.r[i].base, num_like(t.r[i].base, g)) &&
                                          aligned(t.r[i].end(), num_like(t.r[i].base, g)));
    for (const auto& a : args)
      f = f && aligned(a, num_like(a, g));
    body.round.push_back(f);
  }
}

std::string format_regions(const std::vector<MemblockRegion>& rs) {
  if (rs.empty()) return "  (empty)\n";
  std::string s;
  char buf[160];
  for (const auto& r : rs) {
    std::snprintf(buf, sizeof buf, "  [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] nid %d flags %s\n",
                  r.base, r.base + r.size - 1, r.nid, memblock_flags_to_string(r.flags).c_str());
    s += buf;
  }
  return s;
}

namespace {

bool is_reserved_op(MbOp op) { return op == MbOp::Reserve || op == MbOp::PhysFree; }

// Ops that rebuild `regions` in an empty type.
void setup_ops(const std::vector<MemblockRegion>& rs, bool reserved, OpTrace& t) {
  for (const auto& r : rs) {
    if (reserved) {
      t.push_back(Op{OpKind::Reserve, r.base, r.size});
    } else {
      Op o{OpKind::AddNode, r.base, r.size};
      o.nid = r.nid;
      o.flags = r.flags;
      t.push_back(o);
    }
  }
  if (reserved)
    for (const auto& r : rs)
      if (r.nid != MAX_NUMNODES) {
        Op o{OpKind::SetNode, r.base, r.size};
        o.type = MemblockTypeId::Reserved;
        o.nid = r.nid;
        t.push_back(o);
      }
}

std::string call_text(MbOp op, std::uint64_t base, std::uint64_t size, int nid,
                      std::uint32_t flags) {
  char buf[200];
  switch (op) {
    case MbOp::Merge: return "memblock_merge_regions(memory)";
    case MbOp::Isolate:
      std::snprintf(buf, sizeof buf, "memblock_isolate_range(memory, %#" PRIx64 ", %#" PRIx64 ")",
                    base, size);
      return buf;
    default: break;
  }
  return "";
}

}  // namespace

std::function<Witness(const z3::model&, const std::string&)> memblock_witness(MbWitnessSpec spec) {
  return [spec](const z3::model& m, const std::string& obligation) {
    Witness w;
    auto before = concretize(m, spec.before);
    auto after = concretize(m, spec.after);
    std::uint64_t base = eval_u64(m, spec.base), size = eval_u64(m, spec.size);
    int nid = static_cast<int>(static_cast<std::uint32_t>(eval_u64(m, spec.nid)));
    std::uint32_t flags = static_cast<std::uint32_t>(eval_u64(m, spec.flags));
    bool reserved = is_reserved_op(spec.op);

    std::optional<Op> op;
    switch (spec.op) {
      case MbOp::Merge:
      case MbOp::Isolate: break;
      case MbOp::Add: op = Op{OpKind::AddNode, base, size}; op->nid = nid; op->flags = flags; break;
      case MbOp::Remove: op = Op{OpKind::Remove, base, size}; break;
      case MbOp::Reserve: op = Op{OpKind::Reserve, base, size}; break;
      case MbOp::PhysFree: op = Op{OpKind::PhysFree, base, size}; break;
      case MbOp::SetFlag:
      case MbOp::ClearFlag: {
        bool set = spec.op == MbOp::SetFlag;
        OpKind k = flags == MEMBLOCK_HOTPLUG ? (set ? OpKind::MarkHotplug : OpKind::ClearHotplug)
                   : flags == MEMBLOCK_NOMAP ? (set ? OpKind::MarkNomap : OpKind::ClearNomap)
                                             : OpKind::MarkMirror;
        op = Op{k, base, size};
        break;
      }
      case MbOp::SetNode: op = Op{OpKind::SetNode, base, size}; op->nid = nid; break;
    }
    std::string call = op ? to_string(*op) : call_text(spec.op, base, size, nid, flags);
    w.example = "  " + call + "\n" + std::string("Before (") + (reserved ? "reserved" : "memory") +
                "):\n" + format_regions(before) + "After (Z3 encoding):\n" + format_regions(after);

    // Replay on impl/memblock.
    Memblock mb;
    OpTrace trace;
    if (spec.op == MbOp::SetFlag && flags == MEMBLOCK_MIRROR)
      trace.push_back(Op{OpKind::SetMirroredKernelcore, 1});
    if (op) {
      setup_ops(before, reserved, trace);
      apply_trace(mb, trace);
    } else if (!before.empty()) {
      // merge / isolate take arrays add cannot build (touching equal
      // regions): install the array directly.
      mb.memory.regions = before;
      mb.memory.total_size = 0;
      for (const auto& r : before) mb.memory.total_size += r.size;
    }
    MemblockTypeId tid = reserved ? MemblockTypeId::Reserved : MemblockTypeId::Memory;
    std::string header = "# " + obligation + "\n# Z3 counterexample; after the setup ops the " +
                         (reserved ? "reserved" : "memory") + " type is:\n";
    for (const auto& r : before) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "#   [%#" PRIx64 ", +%#" PRIx64 ") nid %d flags %s\n", r.base,
                    r.size, r.nid, memblock_flags_to_string(r.flags).c_str());
      header += buf;
    }
    w.extension = ".trace";
    if (real_regions(mb.type(tid)) != before) {
      w.replays = false;
      w.replay_note = "the setup ops do not rebuild the state (not reachable by add/reserve)";
      w.reproducer = header + "# then: " + call + "\n" + trace_to_text(trace);
      return w;
    }
    Memblock pre = mb;
    z3::context c;
    StepCheck sc;
    if (op) {
      trace.push_back(*op);
      OpResult r = apply_op(mb, *op);
      sc = validate_step(c, *op, pre, mb, r.value);
    } else {
      // merge / isolate are internal: call them directly on the model.
      IsolatedRange ir;
      if (spec.op == MbOp::Merge) {
        mb.merge_regions(MemblockTypeId::Memory);
      } else {
        (void)mb.isolate_range(MemblockTypeId::Memory, base, size, &ir);
      }
      // Both must keep every address's meaning: check with remove of nothing.
      Op same{OpKind::Remove, 0, 0};
      sc = validate_step(c, same, pre, mb, 0);
    }
    if (op) {
      // An operation's counterexample is a scenario with an ops section, the
      // one reproducer format: `mbverify replay` judges each step by model/spec.
      std::vector<std::string> comments;
      for (std::size_t at = 0; at < header.size();) {
        const std::size_t nl = header.find('\n', at);
        comments.push_back(header.substr(at + 2, nl - at - 2));  // drop "# "
        at = nl + 1;
      }
      comments.push_back("replay: mbverify replay <this file>");
      w.reproducer = op_counterexample_text(trace, "z3-" + std::string(op_kind_name(op->kind)), comments);
      w.extension = ".scenario";
    } else {
      w.reproducer = header + "# then (internal): " + call + "\n" + trace_to_text(trace);
    }
    w.replays = sc.verdict == Verdict::Counterexample;
    w.replay_note = sc.verdict == Verdict::Counterexample ? "impl: " + sc.failed
                                                          : "impl satisfies the relation";
    return w;
  };
}

}  // namespace mbv::proofs
