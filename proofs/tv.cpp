#include "proofs/tv.h"

#include <algorithm>

#include "model/z3/ops.h"
#include "model/z3/relations.h"
#include "model/z3/state.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

std::vector<MemblockRegion> real_regions(const MemblockType& t) {
  std::vector<MemblockRegion> out;
  for (const auto& r : t.regions)
    if (r.size != 0) out.push_back(r);
  return out;
}

bool has_relation(OpKind k) {
  switch (k) {
    case OpKind::Add:
    case OpKind::AddNode:
    case OpKind::Reserve:
    case OpKind::Remove:
    case OpKind::PhysFree:
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkMirror:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap:
    case OpKind::SetNode:
      return true;
    default:
      return false;
  }
}

StepCheck validate_step(z3::context& c, const Op& op, const Memblock& before,
                        const Memblock& after, std::int64_t ret) {
  StepCheck out;
  if (!has_relation(op.kind)) return out;
  MemblockTypeId tid = MemblockTypeId::Memory;
  if (op.kind == OpKind::Reserve || op.kind == OpKind::PhysFree) tid = MemblockTypeId::Reserved;
  if (op.kind == OpKind::SetNode) tid = op.type;
  MemblockTypeId other = tid == MemblockTypeId::Memory ? MemblockTypeId::Reserved
                                                       : MemblockTypeId::Memory;
  if (real_regions(before.type(other)) != real_regions(after.type(other))) {
    out.verdict = Verdict::Counterexample;
    out.failed = "The other region type is unchanged";
    return out;
  }
  auto br = real_regions(before.type(tid)), ar = real_regions(after.type(tid));
  unsigned n = static_cast<unsigned>(std::max<size_t>({br.size(), ar.size(), 1}));
  SymType b = constant_type(c, br, n, 128, AddrSort::Int);
  SymType a = constant_type(c, ar, n, 128, AddrSort::Int);
  z3::expr base = addr_val(c, op.a, AddrSort::Int), size = addr_val(c, op.b, AddrSort::Int);
  z3::expr x = addr_const(c, "a", AddrSort::Int);
  bool needs_canonical = false;  // add/setclr/set_node restore I3 (if it held before)
  std::optional<Relation> rel;
  switch (op.kind) {
    case OpKind::Add:
      rel = add_relation(b, a, base, size, nid_val(c, MAX_NUMNODES), flag_val(c, 0), x);
      needs_canonical = true;
      break;
    case OpKind::AddNode:
      rel = add_relation(b, a, base, size, nid_val(c, op.nid), flag_val(c, op.flags), x);
      needs_canonical = true;
      break;
    case OpKind::Reserve:
      rel = add_relation(b, a, base, size, nid_val(c, MAX_NUMNODES), flag_val(c, 0), x);
      needs_canonical = true;
      break;
    case OpKind::Remove:
    case OpKind::PhysFree:
      rel = remove_relation(b, a, base, size, x);
      break;
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap:
    case OpKind::MarkMirror: {
      bool set = op.kind != OpKind::ClearHotplug && op.kind != OpKind::ClearNomap;
      std::uint32_t bit = op.kind == OpKind::MarkHotplug || op.kind == OpKind::ClearHotplug
                              ? MEMBLOCK_HOTPLUG
                          : op.kind == OpKind::MarkMirror ? MEMBLOCK_MIRROR
                                                          : MEMBLOCK_NOMAP;
      if (op.kind == OpKind::MarkMirror && !before.mirrored_kernelcore) {
        // memblock_mark_mirror is a no-op without kernelcore=mirror
        rel = Relation{c.bool_val(true), c.bool_val(true)};
        if (br != ar) {
          out.verdict = Verdict::Counterexample;
          out.failed = "mark_mirror without kernelcore=mirror changes nothing";
          return out;
        }
        break;
      }
      rel = setclr_relation(b, a, base, size, set, flag_val(c, bit), x);
      needs_canonical = true;
      break;
    }
    case OpKind::SetNode:
      rel = set_node_relation(b, a, base, size, nid_val(c, op.nid), x);
      needs_canonical = true;
      break;
    default:
      return out;
  }
  std::vector<std::pair<std::string, z3::expr>> goals;
  if (ret != 0) {
    goals.emplace_back("An error leaves the state unchanged", unchanged(b, a));
  } else {
    goals.emplace_back("After is well-formed (sorted, disjoint, positive sizes)", well_formed(a));
    if (needs_canonical && canonical(b).simplify().is_true())
      goals.emplace_back("After is in canonical form (touching regions differ)", maximal(a));
    goals.emplace_back("Coverage is as specified", rel->coverage);
    goals.emplace_back("Attributes are as specified", rel->attributes);
  }
  SolverStats stats;
  for (auto& [name, g] : goals) {
    CheckResult r = check(c, addr_in_range(x) && !g, CheckOptions{10000}, stats);
    if (r.verdict != Verdict::Proved) {
      out.verdict = r.verdict;
      out.failed = name;
      return out;
    }
  }
  out.verdict = Verdict::Proved;
  return out;
}

}  // namespace mbv::proofs
