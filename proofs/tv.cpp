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

namespace {

// Sorted, disjoint, positive sizes, no wrap: what the relations assume of `before`.
bool concrete_well_formed(const std::vector<MemblockRegion>& rs) {
  for (std::size_t i = 0; i < rs.size(); ++i) {
    if (rs[i].size == 0 || rs[i].base + rs[i].size < rs[i].base) return false;
    if (i > 0 && rs[i - 1].base + rs[i - 1].size > rs[i].base) return false;
  }
  return true;
}

MemblockTypeId validated_type(const Op& op) {
  if (op.kind == OpKind::Reserve || op.kind == OpKind::PhysFree) return MemblockTypeId::Reserved;
  if (op.kind == OpKind::SetNode) return op.type;
  return MemblockTypeId::Memory;
}

}  // namespace

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
  MemblockTypeId tid = validated_type(op);
  MemblockTypeId other = tid == MemblockTypeId::Memory ? MemblockTypeId::Reserved
                                                       : MemblockTypeId::Memory;
  if (real_regions(before.type(other)) != real_regions(after.type(other))) {
    out.verdict = Verdict::Counterexample;
    out.failed = "The other region type is unchanged";
    return out;
  }
  auto br = real_regions(before.type(tid)), ar = real_regions(after.type(tid));
  unsigned n = static_cast<unsigned>(std::max<size_t>({br.size(), ar.size(), 1}));
  // The state's own capacity (doubled steps are not validated, so it is the
  // same after): 128, or a static size init_memblock_regions chose. The goals
  // below do not read it (errors are judged as "unchanged" only); the
  // encoded types just carry the real value.
  const unsigned capacity = static_cast<unsigned>(before.type(tid).max);
  SymType b = constant_type(c, br, n, capacity, AddrSort::Int);
  SymType a = constant_type(c, ar, n, capacity, AddrSort::Int);
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

TraceValidation validate_trace(z3::context& c, const Memblock& start,
                               std::span<const Op> trace) {
  TraceValidation out;
  Memblock mb = start;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const Op& op = trace[i];
    const Memblock before = mb;
    const OpResult r = apply_op(mb, op);
    ++out.steps_run;
    const bool doubled = before.memory.max != mb.memory.max ||
                         before.reserved.max != mb.reserved.max;
    if (!has_relation(op.kind) || doubled || mb.kernel_bug != KernelBug::None ||
        !concrete_well_formed(real_regions(before.type(validated_type(op))))) {
      ++out.skipped;
      continue;
    }
    StepCheck sc = validate_step(c, op, before, mb, r.value);
    if (sc.verdict != Verdict::Proved) {
      out.failed_step = i;
      out.failed_ret = r.value;
      out.failure = std::move(sc);
      return out;
    }
    ++out.validated;
  }
  return out;
}

std::string describe(const TraceValidation& tv, std::span<const Op> trace) {
  if (tv.ok())
    return "validated " + std::to_string(tv.validated) + ", skipped " + std::to_string(tv.skipped);
  const std::size_t i = *tv.failed_step;
  return "step " + std::to_string(i) + " " + to_string(trace[i]) + " -> " +
         std::to_string(tv.failed_ret) + ": " + std::string(verdict_name(tv.failure.verdict)) +
         " (" + tv.failure.failed + ")";
}

}  // namespace mbv::proofs
