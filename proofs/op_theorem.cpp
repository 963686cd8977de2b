#include "proofs/op_theorem.h"

#include "model/z3/ops.h"
#include "model/z3/relations.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

namespace {

struct Built {
  SymOpResult res;
  Relation rel;
  std::optional<z3::expr> merge_bug;
};

Built build_op(z3::context& c, MbOp op, const SymType& before, const z3::expr& base,
               const z3::expr& size, const z3::expr& nid, const z3::expr& flags,
               const z3::expr& a, Mutant mut) {
  switch (op) {
    case MbOp::Add: {
      SymOpResult r = add_range(before, base, size, nid, flags, mut);
      return Built{r, add_relation(before, r.after, base, size, nid, flags, a),
                   merge_would_bug(add_range_inserted(before, base, size, nid, flags))};
    }
    case MbOp::Reserve: {
      z3::expr rn = nid_val(c, MAX_NUMNODES), rf = flag_val(c, 0);
      SymOpResult r = add_range(before, base, size, rn, rf, mut);
      return Built{r, add_relation(before, r.after, base, size, rn, rf, a),
                   merge_would_bug(add_range_inserted(before, base, size, rn, rf))};
    }
    case MbOp::Remove:
    case MbOp::PhysFree: {
      SymOpResult r = remove_range(before, base, size, mut);
      return Built{r, remove_relation(before, r.after, base, size, a), std::nullopt};
    }
    case MbOp::SetFlag:
    case MbOp::ClearFlag: {
      bool set = op == MbOp::SetFlag;
      SymOpResult r = setclr_flag(before, base, size, set, flags, mut);
      return Built{r, setclr_relation(before, r.after, base, size, set, flags, a), std::nullopt};
    }
    case MbOp::SetNode: {
      SymOpResult r = set_node(before, base, size, nid, mut);
      return Built{r, set_node_relation(before, r.after, base, size, nid, a), std::nullopt};
    }
    case MbOp::Merge:
    case MbOp::Isolate: break;
  }
  MB_CHECK(false, "relation_theorem: merge/isolate have their own theorems");
  __builtin_unreachable();
}

}  // namespace

ProofBody relation_theorem(z3::context& c, unsigned n, Mutant mut, MbOp op) {
  bool reserved = op == MbOp::Reserve || op == MbOp::PhysFree;
  SymType before = fresh_type(c, reserved ? "reserved" : "memory", n, 128, AddrSort::Int);
  z3::expr base = addr_const(c, "base", AddrSort::Int), size = addr_const(c, "size", AddrSort::Int);
  z3::expr nid = c.bv_const("nid", kNidBits), flags = c.bv_const("flags", kFlagBits);
  z3::expr a = addr_const(c, "a", AddrSort::Int);
  z3::expr pre = canonical(before) && regions_ok(before, reserved) && nid_ok(nid) &&
                 addr_in_range(base) && addr_in_range(size) && addr_in_range(a);
  if (op == MbOp::SetFlag) {
    pre = pre && (flags == flag_val(c, MEMBLOCK_HOTPLUG) || flags == flag_val(c, MEMBLOCK_MIRROR) ||
                  flags == flag_val(c, MEMBLOCK_NOMAP));
  } else {
    pre = pre && flags_ok(flags);
  }
  ProofBody body{pre, {}, {}, {}, {}};
  std::vector<std::pair<MbOp, std::string>> variants;
  if (op == MbOp::SetFlag)
    variants = {{MbOp::SetFlag, "set: "}, {MbOp::ClearFlag, "clear: "}};
  else
    variants = {{op, ""}};
  std::vector<std::pair<std::string, MbWitnessSpec>> specs;
  for (auto& [vop, prefix] : variants) {
    Built b = build_op(c, vop, before, base, size, nid, flags, a, mut);
    const SymType& after = b.res.after;
    if (b.merge_bug)
      body.obligations.push_back(
          {prefix + "memblock_merge_regions never hits its BUG() (inserted array is ordered)",
           !*b.merge_bug});
    body.obligations.push_back(
        {prefix + "After is well-formed (sorted, disjoint, positive sizes)", well_formed(after)});
    body.obligations.push_back(
        {prefix + "After is in canonical form (touching regions differ in nid or flags)",
         maximal(after)});
    body.obligations.push_back({prefix + "-ENOMEM leaves the state unchanged",
                                z3::implies(b.res.enomem, unchanged(before, after))});
    body.obligations.push_back(
        {prefix + "Coverage is as specified", z3::implies(!b.res.enomem, b.rel.coverage)});
    body.obligations.push_back(
        {prefix + "Attributes are as specified", z3::implies(!b.res.enomem, b.rel.attributes)});
    specs.emplace_back(prefix, MbWitnessSpec{vop, before, after, base, size, nid, flags});
  }
  add_objectives(body, before, {size, base});
  std::vector<std::pair<std::string, std::function<Witness(const z3::model&, const std::string&)>>>
      ws;
  for (auto& [prefix, spec] : specs) ws.emplace_back(prefix, memblock_witness(spec));
  body.witness = [ws](const z3::model& m, const std::string& ob) {
    for (auto& [prefix, w] : ws)
      if (!prefix.empty() && ob.rfind(prefix, 0) == 0) return w(m, ob);
    return ws.front().second(m, ob);
  };
  return body;
}

}  // namespace mbv::proofs
