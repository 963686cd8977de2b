#include "model/spec/step_checks.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "impl/common/numfmt.h"
#include "model/spec/meaning.h"
#include "model/spec/spec_state.h"
#include "model/spec/state_checks.h"

namespace mbv::spec {

namespace {

using T = MemblockTypeId;
constexpr std::int64_t kENOMEM = -KERN_ENOMEM;

const char* tname(T t) { return t == T::Memory ? "memory" : "reserved"; }

// Memory I3/I6 are judged relationally below (cuts and total_size as the
// kernel keeps them), so the standalone shape check leaves them out.
constexpr StateExceptions kRelational{true, true};

// How an op claims array room (map 1.3 item 4).
enum class Room { None, AddRange, Isolate, Special };

struct Need {
  Room room = Room::None;
  T type = T::Memory;
  PhysRange range;  // the capped range (the avoid range of a reserved doubling)
};

Need need_of(const Memblock& mb, const Op& op) {
  auto rng = [&](phys_addr_t b, phys_addr_t s) { return PhysRange{b, b + cap_size(b, s)}; };
  switch (op.kind) {
    case OpKind::Add:
    case OpKind::AddNode:
      return {Room::AddRange, T::Memory, rng(op.a, op.b)};
    case OpKind::Reserve:
      return {Room::AddRange, T::Reserved, rng(op.a, op.b)};
    case OpKind::Remove:
      return {Room::Isolate, T::Memory, rng(op.a, op.b)};
    case OpKind::PhysFree:
      return {Room::Isolate, T::Reserved, rng(op.a, op.b)};
    case OpKind::MarkMirror:
      if (!mb.mirrored_kernelcore) return {};
      return {Room::Isolate, T::Memory, rng(op.a, op.b)};
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap:
      return {Room::Isolate, T::Memory, rng(op.a, op.b)};
    case OpKind::SetNode:
      return {Room::Isolate, op.type, rng(op.a, op.b)};
    case OpKind::CapMemoryRange:
    case OpKind::MemLimitRemoveMap:
    case OpKind::EnforceMemoryLimit:
      return {Room::Special, T::Memory, {}};
    default:
      if (is_alloc(op.kind)) return {Room::Special, T::Reserved, {}};
      return {};
  }
}

// New regions memblock_add_range would insert: the uncovered pieces (map 2.3).
std::size_t new_pieces(const SpecState& s, T t, PhysRange r) {
  if (r.empty() || s.meaning.type(t).empty()) return 0;
  return s.meaning.type(t).gaps_in(r.start, r.end).size();
}

bool room_needed(const Memblock& mb, const SpecState& s, const Need& n) {
  const MemblockType& ty = mb.type(n.type);
  switch (n.room) {
    case Room::AddRange:
      return ty.cnt() + new_pieces(s, n.type, n.range) > ty.max;
    case Room::Isolate:
      return !n.range.empty() && ty.cnt() + 2 > ty.max;
    case Room::None:
    case Room::Special:
      return false;
  }
  return false;
}

std::string where_msg(const Op& op) { return to_string(op) + ": "; }

// The smallest array a limit operation is judged from (spec limit 2).
constexpr std::size_t kLimitOpMinMax = 16;

// init_memblock_regions: the static array sizes, taken only by a memblock that
// holds nothing and never doubled; sizes in [1, MAX_INIT_MEMBLOCK_REGIONS].
Check check_init_regions(const Memblock& before, const Op& op, OpResult result, const Memblock& after) {
  auto fits = [](std::uint64_t n) { return n >= 1 && n <= MAX_INIT_MEMBLOCK_REGIONS; };
  auto pristine = [](const MemblockType& t) { return t.empty() && t.array_phys == 0; };
  const bool taken = fits(op.a) && fits(op.b) && pristine(before.memory) && pristine(before.reserved);
  Memblock want = before;
  if (taken) {
    want.memory.max = want.memory.init_max = static_cast<std::size_t>(op.a);
    want.reserved.max = want.reserved.init_max = static_cast<std::size_t>(op.b);
  }
  const std::int64_t want_ret = taken ? 0 : -KERN_EINVAL;
  if (result.value != want_ret)
    return violation("init_memblock_regions", where_msg(op) + "returned " + std::to_string(result.value) +
                                                  ", the spec says " + std::to_string(want_ret));
  if (!(want == after))
    return violation("init_memblock_regions",
                     where_msg(op) + (taken ? "must set both static sizes and change nothing else"
                                            : "failed and changed the state"));
  return std::nullopt;
}

// Compares an expected SpecState with the after state, naming what differs.
Check compare_states(const SpecState& want, const SpecState& got, const Op& op) {
  if (auto d = first_difference(want.meaning.memory, got.meaning.memory))
    return violation("meaning (memory)", where_msg(op) + *d);
  if (auto d = first_difference(want.meaning.reserved, got.meaning.reserved))
    return violation("meaning (reserved)", where_msg(op) + *d);
  if (want.config != got.config)
    return violation("configuration", where_msg(op) + describe_config_difference(want.config, got.config));
  if (want.memory_total != got.memory_total)
    return violation("I6 total_size (memory)", where_msg(op) + "memory.total_size should be " +
                                                   fmt_hex(want.memory_total) + " but is " +
                                                   fmt_hex(got.memory_total));
  if (want.reserved_total != got.reserved_total)
    return violation("I6 total_size (reserved)", where_msg(op) + "reserved.total_size should be " +
                                                     fmt_hex(want.reserved_total) + " but is " +
                                                     fmt_hex(got.reserved_total));
  if (want.memory_cuts != got.memory_cuts) {
    for (phys_addr_t p : got.memory_cuts)
      if (!std::binary_search(want.memory_cuts.begin(), want.memory_cuts.end(), p))
        return violation("I3 maximal (memory)", where_msg(op) + "regions touching at " + fmt_hex(p) +
                                                    " with equal nid and flags were not merged");
    for (phys_addr_t p : want.memory_cuts)
      return violation("I3 maximal (memory)", where_msg(op) + "regions touching at " + fmt_hex(p) +
                                                  " were merged, but 6.1 keeps them apart (map 2.10 step 5)");
  }
  return std::nullopt;
}

// Whether the regions of t cover all of r (regions sorted and disjoint).
bool covered_by(const MemblockType& t, PhysRange r) {
  phys_addr_t at = r.start;
  for (const MemblockRegion& g : t.regions) {
    if (at >= r.end) break;
    if (g.end() <= at || g.size == 0) continue;
    if (g.base > at) return false;
    at = g.end();
  }
  return at >= r.end;
}

// Applies the effect of array doubling to the reserved meaning (map 1.3
// item 3.5: the old array is freed, the new one reserved) and checks where
// each new array went.
Check apply_doubling(const Memblock& before, const Memblock& after, const Op& op, SpecState& adj,
                     std::vector<T>& doubled, std::string* gap) {
  for (T t : {T::Memory, T::Reserved}) {
    const MemblockType& tb = before.type(t);
    const MemblockType& ta = after.type(t);
    if (ta.max == tb.max) {
      if (ta.array_phys != tb.array_phys)
        return violation("doubling", where_msg(op) + std::string(tname(t)) + " array moved without doubling");
      continue;
    }
    if (ta.max < tb.max || !std::has_single_bit(ta.max / tb.max) || ta.max % tb.max)
      return violation("doubling", where_msg(op) + std::string(tname(t)) + ".max went from " +
                                       std::to_string(tb.max) + " to " + std::to_string(ta.max));
    if (!before.can_resize)
      return violation("doubling", where_msg(op) + std::string(tname(t)) +
                                       " array doubled before memblock_allow_resize (map 1.3 item 2)");
    doubled.push_back(t);
  }
  // Kernel gap 3 can also hide in between: when memory doubles twice in one
  // op, the reserved array may have been placed over the first new memory
  // array, and the second doubling then frees those pages, leaving the final
  // reserved array unreserved (or the other way round).
  const bool both = std::find(doubled.begin(), doubled.end(), T::Memory) != doubled.end() &&
                    std::find(doubled.begin(), doubled.end(), T::Reserved) != doubled.end();
  if (both && (before.memory.array_phys || after.memory.max > 2 * before.memory.max))
    for (T t : doubled) {
      const MemblockType& ta = after.type(t);
      const PhysRange a{ta.array_phys, ta.array_phys + array_bytes(ta.max)};
      if (!covered_by(after.reserved, a)) {
        *gap = "memblock_double_array: the new " + std::string(tname(t)) + " array " + fmt_range(a.start, a.end) +
               " is not reserved: memory doubled twice while reserved doubled, and an intermediate array "
               "shared its pages (docs/spec.md, kernel gaps)";
        return std::nullopt;
      }
    }
  for (T t : doubled)
    if (const MemblockType& tb = before.type(t); tb.array_phys)
      spec_apply(adj, Op{OpKind::PhysFree, tb.array_phys, array_bytes(tb.max)});
  std::vector<PhysRange> placed;
  for (T t : doubled) {
    const MemblockType& ta = after.type(t);
    const PhysRange a{ta.array_phys, ta.array_phys + array_bytes(ta.max)};
    const auto what = [&] {
      return where_msg(op) + "new " + tname(t) + " array " + fmt_range(a.start, a.end);
    };
    if (a.start < PAGE_SIZE || a.start % PAGE_SIZE || a.end < a.start)
      return violation("doubling: placement", what() + " is not a page-aligned block above page 0");
    if (!adj.meaning.memory.covers(a.start, a.end) || adj.meaning.reserved.intersects(a.start, a.end))
      return violation("doubling: placement", what() + " was not free memory");
    for (const auto& p : placed)
      if (p.intersects(a)) {
        // Kernel gap 3 (docs/spec.md): freeing the old memory array isolates
        // reserved, whose doubling then only avoids the old memory array, not
        // the new one, which is not reserved yet. Linux 6.1 does place them
        // over each other (confirmed against mm/memblock.c by mbverify diff).
        if (t == T::Reserved && (before.memory.array_phys || after.memory.max > 2 * before.memory.max)) {
          *gap = "memblock_double_array: the new reserved array " + fmt_range(a.start, a.end) +
                 " overlaps the new memory array " + fmt_range(p.start, p.end) +
                 " (reserved doubled while the old memory array was freed; docs/spec.md, kernel gaps)";
          return std::nullopt;
        }
        return violation("doubling: placement", what() + " overlaps the other new array");
      }
    placed.push_back(a);
  }
  for (T t : doubled) {
    const MemblockType& ta = after.type(t);
    spec_apply(adj, Op{OpKind::Reserve, ta.array_phys, array_bytes(ta.max)});
  }
  return std::nullopt;
}

// Extremality of a single doubling of `t` for the op's avoid range.
Check check_double_place(const Memblock& before, const SpecState& sb, const Memblock& after, T t,
                         PhysRange avoid, const Op& op) {
  const MemblockType& tb = before.type(t);
  const MemblockType& ta = after.type(t);
  if (ta.max != 2 * tb.max) return std::nullopt;  // several doublings in one op: placement checked above only
  const phys_addr_t want =
      spec_double_array_place(sb, t, tb.max, avoid.start, avoid.size());
  if (want != ta.array_phys)
    return violation("doubling: extremality", where_msg(op) + "new " + tname(t) + " array at " +
                                                  fmt_hex(ta.array_phys) +
                                                  " but memblock_find_in_range picks " + fmt_hex(want));
  return std::nullopt;
}

// Whether memblock_reserve(base, size) succeeds in state mb (room, or a
// possible doubling of reserved avoiding the block).
bool can_reserve_in(const Memblock& mb, const SpecState& s, phys_addr_t base, phys_addr_t size) {
  const PhysRange r{base, base + cap_size(base, size)};
  if (r.empty() || s.meaning.reserved.empty()) return true;
  if (mb.reserved.cnt() + new_pieces(s, T::Reserved, r) <= mb.reserved.max) return true;
  return mb.can_resize && spec_double_array_place(s, T::Reserved, mb.reserved.max, r.start, r.size()) != 0;
}

// check_alloc_soundness with both meanings built.
Check alloc_soundness(const Memblock& before, const SpecState& s, const Op& op, OpResult result,
                      const SpecState& sa) {
  const phys_addr_t r = static_cast<phys_addr_t>(result.value);
  const phys_addr_t size = op.a;
  if (!is_alloc(op.kind) || r == 0 || size == 0) return std::nullopt;  // size 0: 11.2#13
  // Built only when a check fails (this runs on every allocation step).
  const auto blk = [&] { return where_msg(op) + "block " + fmt_range(r, r + size); };
  if (r + size < r) return violation("alloc: soundness (no wrap)", blk() + " wraps the address space");
  phys_addr_t align = 0;
  const auto attempts = alloc_attempts(s, op, &align);
  if (std::has_single_bit(align) && r % align)
    return violation("alloc: soundness (aligned)", blk() + " is not " + fmt_hex(align) + "-aligned");
  if (s.meaning.reserved.intersects(r, r + size))
    return violation("alloc: soundness (free before)", blk() + " was already reserved");
  if (!sa.meaning.reserved.covers(r, r + size))
    return violation("alloc: soundness (reserved after)", blk() + " is not reserved afterwards");
  const MemblockRegion* home = nullptr;
  const auto regions = s.memory_regions();
  for (const auto& reg : regions)
    if (reg.base <= r && r + size <= reg.end()) home = &reg;
  if (!home)
    return violation("alloc: soundness (one memory region)", blk() + " is not inside one memory region");
  if (before.movable_node && (home->flags & MEMBLOCK_HOTPLUG))
    return violation("alloc: hotplug avoidance",
                     blk() + " lies in a HOTPLUG region under movable_node (11.1#10)");
  for (const Attempt& at : attempts) {
    phys_addr_t end = at.end;
    if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE) end = before.current_limit;
    const phys_addr_t start = std::max<phys_addr_t>(at.start, PAGE_SIZE);
    if (r >= start && r + size <= end &&
        !skip_memory(Attr{home->nid, home->flags}, at.nid, at.flags, before.movable_node))
      return std::nullopt;
  }
  return violation("alloc: soundness (bounds and skip rules)",
                   blk() +
                       " is in no attempt's window [max(start, PAGE_SIZE), pumped end) within a region "
                       "that attempt accepts (region nid " +
                       std::to_string(home->nid) + ", flags " + fmt_hex(home->flags) + ")");
}

Check check_alloc(const Memblock& before, const SpecState& sb, const Op& op, OpResult result,
                  const Memblock& after, const SpecState& sa, SpecState adj, const std::vector<T>& doubled) {
  if (auto v = alloc_soundness(before, sb, op, result, sa)) return v;
  const phys_addr_t r = static_cast<phys_addr_t>(result.value);
  if (std::find(doubled.begin(), doubled.end(), T::Memory) != doubled.end())
    return violation("doubling", where_msg(op) + "an allocation doubled the memory array");
  if (!doubled.empty()) {
    if (r == 0 || op.a == 0 || before.reserved.cnt() + 1 <= before.reserved.max)
      return violation("doubling", where_msg(op) + "reserved doubled although the reservation had room");
    if (auto v = check_double_place(before, sb, after, T::Reserved, {r, r + op.a}, op)) return v;
  }
  // Extremality and fallback order: the spec's own search over the meaning.
  SpecState pre = sb;
  const SpecState& s0 = sb;
  const SpecOutcome want =
      spec_apply(pre, op, [&](phys_addr_t b, phys_addr_t sz) { return can_reserve_in(before, s0, b, sz); });
  if (want.result != result) {
    phys_addr_t align = 0;
    const auto attempts = alloc_attempts(s0, op, &align);
    std::string detail = where_msg(op) + "returned " + fmt_hex(r) + " but the " +
                         (before.bottom_up ? "lowest" : "highest") + " fitting block is " +
                         fmt_hex(static_cast<phys_addr_t>(want.result.value));
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      const Attempt& at = attempts[i];
      const phys_addr_t f = spec_find(s0, op.a, align, at.start, at.end, at.nid, at.flags);
      detail += "; attempt " + std::to_string(i + 1) + " (nid " + std::to_string(at.nid) + ", flags " +
                fmt_hex(at.flags) + ", [" + fmt_hex(at.start) + ", " + fmt_hex(at.end) + ")) finds " +
                fmt_hex(f);
    }
    return violation(std::string("alloc: extremality and fallback order (") +
                         (before.bottom_up ? "bottom-up" : "top-down") + ")",
                     detail);
  }
  if (r) spec_apply(adj, Op{OpKind::Reserve, r, op.a});  // size 0 reserves nothing (11.2#13)
  return compare_states(adj, sa, op);
}

// Cap / mem_limit_remove_map / enforce_memory_limit: several isolations, any
// of which may fail for lack of room without a return value (map 2.10).
Check check_limit_op(const Memblock& before, const Op& op, const SpecState& sa, SpecState adj,
                     const std::vector<T>& doubled, std::string* gap_note) {
  for (T t : doubled)
    if (before.type(t).cnt() + 2 <= before.type(t).max &&
        !(t == T::Reserved && std::find(doubled.begin(), doubled.end(), T::Memory) != doubled.end()))
      return violation("doubling",
                       where_msg(op) + std::string(tname(t)) + " doubled although isolation had room");
  const SpecState unchanged = adj;
  const SpecOutcome out = spec_apply(adj, op);
  if (out.kernel_gap) {
    if (gap_note) *gap_note = *out.kernel_gap;
    return std::nullopt;
  }
  auto v = compare_states(adj, sa, op);
  if (!v) return std::nullopt;
  const bool tight =
      before.memory.cnt() + 2 > before.memory.max || before.reserved.cnt() + 2 > before.reserved.max;
  if (!tight) return v;
  // A full array: each type may instead be left as it was (a failed,
  // silent isolation); anything else is still a violation.
  for (T t : {T::Memory, T::Reserved})
    if (sa.meaning.type(t) != adj.meaning.type(t) && sa.meaning.type(t) != unchanged.meaning.type(t))
      return v;
  return std::nullopt;
}

}  // namespace

Check check_alloc_soundness(const Memblock& before, const Op& op, OpResult result, const Memblock& after) {
  if (!is_alloc(op.kind) || result.value == 0 || op.a == 0) return std::nullopt;
  return alloc_soundness(before, SpecState::of(before), op, result, SpecState::of(after));
}

Check check_isolate(const Memblock& before, MemblockTypeId t, phys_addr_t base, phys_addr_t size, int ret,
                    IsolatedRange out, const Memblock& after) {
  const std::string call =
      std::string("memblock_isolate_range(") + tname(t) + ", " + fmt_hex(base) + ", " + fmt_hex(size) + "): ";
  if (ret == kENOMEM) {
    if (before.type(t).cnt() + 2 <= before.type(t).max)
      return violation("capacity: -ENOMEM only when full", call + "failed with room");
    if (!before.can_resize && !(before == after))
      return violation("failed ops change nothing", call + "returned -ENOMEM and changed the state");
    return std::nullopt;
  }
  if (ret != 0) return violation("result", call + "returned " + std::to_string(ret));
  if (before.type(t).max == after.type(t).max && !(Meaning::of(before) == Meaning::of(after))) {
    const auto d = first_difference(Meaning::of(before).type(t), Meaning::of(after).type(t));
    return violation("isolate: meaning unchanged", call + d.value_or("the other type changed"));
  }
  if (before.type(t).total_size != after.type(t).total_size)
    return violation("isolate: total_size unchanged", call + "total_size changed");
  const PhysRange r{base, base + cap_size(base, size)};
  const MemblockType& ty = after.type(t);
  for (std::size_t i = 0; i < ty.cnt(); ++i) {
    const auto& g = ty.regions[i];
    for (phys_addr_t p : {r.start, r.end})
      if (!r.empty() && g.base < p && p < g.end())
        return violation("isolate: no region crosses the ends", call + "region " + std::to_string(i) + " " +
                                                                    fmt_range(g.base, g.end()) + " crosses " +
                                                                    fmt_hex(p));
  }
  if (out.start_rgn < 0 || out.end_rgn < out.start_rgn || static_cast<std::size_t>(out.end_rgn) > ty.cnt())
    return violation("isolate: index range", call + "[" + std::to_string(out.start_rgn) + ", " +
                                                 std::to_string(out.end_rgn) + ") is not a range of regions");
  // The inside regions tile coverage inside [base, end) exactly.
  IntervalMap inside, want = Meaning::of(after).type(t);
  for (int i = out.start_rgn; i < out.end_rgn; ++i) {
    const auto& g = ty.regions[static_cast<std::size_t>(i)];
    if (g.base < r.start || g.end() > r.end)
      return violation(
          "isolate: inside regions tile the range",
          call + "region " + std::to_string(i) + " " + fmt_range(g.base, g.end()) + " is outside");
    inside.fill(g.base, g.end(), Attr{g.nid, g.flags});
  }
  if (r.start > 0) want.erase(0, r.start);
  want.erase(r.end, PHYS_ADDR_MAX);
  if (auto d = first_difference(want, inside))
    return violation("isolate: inside regions tile the range", call + *d);
  return std::nullopt;
}

Check check_merge(const Memblock& before, MemblockTypeId t, const Memblock& after) {
  const std::string call = std::string("memblock_merge_regions(") + tname(t) + "): ";
  if (!(Meaning::of(before) == Meaning::of(after)))
    return violation("merge: meaning unchanged",
                     call + first_difference(Meaning::of(before).type(t), Meaning::of(after).type(t))
                                .value_or("the other type changed"));
  if (before.type(t).total_size != after.type(t).total_size)
    return violation("merge: total_size unchanged", call + "total_size changed");
  if (auto v = check_maximal(after.type(t))) return violation(v->property, call + v->message);
  return std::nullopt;
}

Check check_step(const Memblock& before, const Op& op, OpResult result, const Memblock& after,
                 std::string* gap_note, const StepOptions& options) {
  if (!options.before_checked) {
    auto v = check_type_shape(before.memory, true, kRelational);
    if (!v) v = check_type_shape(before.reserved, false, kRelational);
    // A caller that skipped steps can hand over a state an earlier trim put
    // outside the spec (kernel gap 1): that is the gap, not a violation.
    if (v)
      if (auto gap = trim_wrap_gap(before)) {
        if (gap_note) {
          *gap_note = "the state before " + to_string(op) + " is outside the spec: " + *gap;
          return std::nullopt;
        }
        return violation("before: kernel gap 1: memblock_trim_memory wrapped",
                         *gap + " (" + v->to_string() + ")");
      }
    if (v) return violation("before: " + v->property, v->message);
  }

  if (before.kernel_bug != KernelBug::None)
    return violation("before: kernel alive", "the state before already hit a kernel BUG");
  // A BUG_ON the kernel reaches from this input (model/oracle agree on it,
  // mbverify diff): the step has no after state. Only the capacity BUGs are
  // reachable from a well-formed state, and only with a full-enough array.
  if (after.kernel_bug != KernelBug::None) {
    const bool tight = 2 * before.memory.cnt() + 1 >= before.memory.max ||
                       2 * before.reserved.cnt() + 1 >= before.reserved.max;
    if (after.kernel_bug == KernelBug::MergeOverlap || !tight)
      return violation("no kernel BUG from a well-formed state",
                       where_msg(op) + "hit the BUG_ON at mm/memblock.c:" +
                           std::to_string(kernel_bug_line(after.kernel_bug)));
    if (gap_note)
      *gap_note = "kernel BUG_ON at mm/memblock.c:" + std::to_string(kernel_bug_line(after.kernel_bug)) +
                  " while doubling a full array (docs/spec.md, kernel gaps)";
    return std::nullopt;
  }

  // Both meanings, built once per step and shared by every check below (the
  // meaning of `before` may come from the caller, built on the step before).
  SpecState sb_own;
  if (!options.before_state) sb_own = SpecState::of(before);
  const SpecState& sb = options.before_state ? *options.before_state : sb_own;

  // Steps that hit a documented kernel gap are not predicted (docs/spec.md).
  if (op.kind == OpKind::TrimMemory) {
    SpecState probe = sb;
    if (auto gap = spec_apply(probe, op).kernel_gap) {
      if (gap_note) *gap_note = *gap;
      return std::nullopt;
    }
  }

  if (auto v = check_type_shape(after.memory, true, kRelational))
    return violation(v->property, where_msg(op) + v->message);
  if (auto v = check_type_shape(after.reserved, false, kRelational))
    return violation(v->property, where_msg(op) + v->message);
  SpecState sa_own;
  SpecState& sa_slot = options.after_state ? *options.after_state : sa_own;
  sa_slot.assign_of(after);
  const SpecState& sa = sa_slot;
  // The laws are a function of the state: a step that left a fully checked
  // state exactly as it was cannot break them.
  // A state the memo holds passed these very laws before (exact equality).
  if (options.iterators && !(options.before_checked && before == after) &&
      !(options.iterator_memo && options.iterator_memo->contains(after))) {
    if (auto v = check_iterators(after, sa)) return violation(v->property, where_msg(op) + v->message);
    if (options.iterator_memo) options.iterator_memo->record(after);
  }

  if (op.kind == OpKind::InitRegions) return check_init_regions(before, op, result, after);

  if (is_query(op.kind)) {
    if (!(before == after)) return violation("queries change nothing", where_msg(op) + "the state changed");
    SpecState s = sb;
    const SpecOutcome want = spec_apply(s, op);
    if (want.result != result) {
      // memblock_find_in_range answers an address; the other queries a count or a flag.
      const auto shown = [&](OpResult r) {
        if (op.kind != OpKind::FindInRange) return std::to_string(r.value);
        std::string h = "0x";
        append_hex(h, static_cast<std::uint64_t>(r.value));
        return h;
      };
      return violation("queries answer per the meaning",
                       where_msg(op) + "returned " + shown(result) + ", the meaning says " + shown(want.result));
    }
    return std::nullopt;
  }

  // A spec limit, not a kernel gap: an allocation reserves its block with one
  // piece, and from any reserved array of 2 or more entries one doubling makes
  // room for it. From a static reserved array of one entry the doubling's own
  // reservation can leave it full again, so the reserve may double and still
  // fail, and the allocation's next attempt searches a changed state. The
  // spec does not predict that (mbverify diff and memblock_ops_diff still
  // judge it against the kernel).
  if (is_alloc(op.kind) && before.can_resize && before.reserved.max == 1 && !before.reserved.empty()) {
    if (gap_note)
      *gap_note = "outside the spec: " + to_string(op) +
                  " reserves from a full static reserved array of one entry (docs/spec.md, spec limits)";
    return std::nullopt;
  }

  // memblock_mark_mirror sets system_has_some_mirror before it isolates, so
  // its own doublings already search mirrored memory first
  // (memblock_find_in_range: choose_memblock_flags), and the flag stays set
  // whether the call succeeds or fails. s0 is the state the op works from.
  SpecState sb_mirror;
  const bool sets_mirror =
      op.kind == OpKind::MarkMirror && before.mirrored_kernelcore && !sb.config.system_has_some_mirror;
  if (sets_mirror) {
    sb_mirror = sb;
    sb_mirror.config.system_has_some_mirror = true;
  }
  const SpecState& s0 = sets_mirror ? sb_mirror : sb;

  SpecState adj = s0;
  std::vector<T> doubled;
  std::string gap;
  if (auto v = apply_doubling(before, after, op, adj, doubled, &gap)) return v;
  // Kernel gap 4 (docs/spec.md): a reserved doubling for a range starting
  // at 0 searches [0, min(0, limit)), and 0 means MEMBLOCK_ALLOC_ACCESSIBLE,
  // so the new array may land inside the very range being reserved.
  if (std::find(doubled.begin(), doubled.end(), T::Reserved) != doubled.end()) {
    PhysRange claimed{};
    if (op.kind == OpKind::Reserve) claimed = {op.a, op.a + cap_size(op.a, op.b)};
    if (is_alloc(op.kind) && result.value)
      claimed = {static_cast<phys_addr_t>(result.value), static_cast<phys_addr_t>(result.value) + op.a};
    const PhysRange arr{after.reserved.array_phys,
                        after.reserved.array_phys + array_bytes(after.reserved.max)};
    if (!claimed.empty() && claimed.intersects(arr))
      gap = "memblock_double_array: the new reserved array " + fmt_range(arr.start, arr.end) +
            " lies inside the range being reserved " + fmt_range(claimed.start, claimed.end) +
            " (docs/spec.md, kernel gaps)";
  }
  if (!gap.empty()) {
    if (gap_note) *gap_note = gap;
    return std::nullopt;
  }

  const Need need = need_of(before, op);
  if (is_alloc(op.kind)) return check_alloc(before, sb, op, result, after, sa, adj, doubled);
  if (need.room == Room::Special) {
    // Spec limit 2: the limit operations run up to three isolations and
    // removals, each of which may double an array or fail silently. From an
    // array of 16 or more entries one doubling leaves room for all of them,
    // which check_limit_op relies on; from a smaller one (init_memblock_regions)
    // a later isolation can double again, or fail after an earlier one did
    // its part, and the spec does not predict which.
    if (before.memory.max < kLimitOpMinMax || before.reserved.max < kLimitOpMinMax) {
      if (gap_note)
        *gap_note = "outside the spec: " + to_string(op) + " with a region array of fewer than " +
                    std::to_string(kLimitOpMinMax) + " entries (docs/spec.md, spec limits)";
      return std::nullopt;
    }
    return check_limit_op(before, op, sa, adj, doubled, gap_note);
  }

  const bool needed = room_needed(before, s0, need);
  if (!needed && !doubled.empty())
    return violation("doubling", where_msg(op) + "an array doubled although the operation had room");
  if (needed && !doubled.empty() && doubled.front() != need.type)
    return violation("doubling", where_msg(op) + "the wrong array doubled");

  if (result.value == kENOMEM) {
    if (!needed)
      return violation("capacity: -ENOMEM only when full",
                       where_msg(op) + "returned -ENOMEM with room: " + tname(need.type) + " cnt " +
                           std::to_string(before.type(need.type).cnt()) + " of " +
                           std::to_string(before.type(need.type).max));
    if (doubled.empty()) {
      if (before.can_resize) {
        const phys_addr_t place = spec_double_array_place(s0, need.type, before.type(need.type).max,
                                                          need.range.start, need.range.size());
        if (place)
          return violation(
              "capacity: -ENOMEM only when doubling fails",
              where_msg(op) + "returned -ENOMEM but the array could double at " + fmt_hex(place));
      }
      // memblock_mark_mirror sets system_has_some_mirror before it tries
      // (map 2.6), so that flag survives the failure.
      Memblock unchanged = before;
      if (sets_mirror) unchanged.system_has_some_mirror = true;
      if (!(unchanged == after))
        return violation("failed ops change nothing",
                         where_msg(op) + "returned -ENOMEM and changed the state");
      return std::nullopt;
    }
    // Doubled, and still failed (map 1.3; mm/memblock.c memblock_add_range
    // and memblock_double_array). The counting pass fixes nr_new, the pieces
    // the range needs, once; then the add doubles while cnt + nr_new > max,
    // re-reading cnt after each doubling: a doubling of reserved frees the
    // old array and reserves the new one, so cnt can grow by one and force
    // another doubling even though nr_new did not change. Each doubling
    // either succeeds or fails before touching anything (it fails only when
    // memblock_find_in_range has no room for the new array), so `after` is
    // the state the failing doubling saw. Hence -ENOMEM after doubling means
    // exactly: an add whose count still did not fit in `after`, and no room
    // in `after` for an array twice its max. memblock_isolate_range doubles
    // the same way while cnt + 2 > max: one doubling always suffices from 3
    // entries up, but from a static array of 1 or 2 the first doubling's own
    // reservation can leave cnt + 2 above the new max (static 1: max 2 with
    // cnt 1 or 2; static 2: max 4 with cnt 3), so it doubles again.
    const MemblockType& ta = after.type(need.type);
    const std::size_t nr_new = need.room == Room::Isolate ? 2 : new_pieces(s0, need.type, need.range);
    if (!((need.room == Room::AddRange || need.room == Room::Isolate) && ta.cnt() + nr_new > ta.max))
      return violation("capacity: -ENOMEM only when full",
                       where_msg(op) + "doubled and still returned -ENOMEM, but " + tname(need.type) +
                           " cnt " + std::to_string(ta.cnt()) + " + " + std::to_string(nr_new) +
                           " new fits in " + std::to_string(ta.max));
    if (const phys_addr_t place =
            spec_double_array_place(sa, need.type, ta.max, need.range.start, need.range.size()))
      return violation("capacity: -ENOMEM only when doubling fails",
                       where_msg(op) + "doubled " + tname(need.type) + " to " + std::to_string(ta.max) +
                           " and returned -ENOMEM, but the next doubling could go at " + fmt_hex(place));
    return compare_states(adj, sa, op);
  }

  if (needed) {
    if (!before.can_resize)
      return violation("capacity: full arrays fail before memblock_allow_resize",
                       where_msg(op) + tname(need.type) + " cnt " +
                           std::to_string(before.type(need.type).cnt()) + " of " +
                           std::to_string(before.type(need.type).max) + " needed room, yet the op returned " +
                           std::to_string(result.value));
    if (doubled.empty())
      return violation("capacity", where_msg(op) + "needed room in " + tname(need.type) + " but returned " +
                                       std::to_string(result.value) + " without doubling");
    if (auto v = check_double_place(before, s0, after, need.type, need.range, op)) return v;
  }

  const SpecOutcome want = spec_apply(adj, op);
  if (want.kernel_gap) {
    if (gap_note) *gap_note = *want.kernel_gap;
    return std::nullopt;
  }
  if (want.result != result)
    return violation("result", where_msg(op) + "returned " + std::to_string(result.value) +
                                   ", the spec says " + std::to_string(want.result.value));
  return compare_states(adj, sa, op);
}

}  // namespace mbv::spec
