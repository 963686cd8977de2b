// The fast paths of the executable spec agree with the plain ones they
// replace (docs/spec.md "Cost"):
//   - IntervalMap::update splices only the window (plus one neighbour on each
//     side) into the map; the reference below rewrites the whole map and
//     re-normalises it, as the spec did before;
//   - intersects / gaps_in start at a binary search; the references scan;
//   - check_step with the meaning carried across steps (StepOptions
//     before_state / after_state, as the memblock_ops fuzzer runs it) gives
//     the same verdict and gap note on every step as check_step building
//     both meanings itself, and the carried meaning is SpecState::of(after);
//   - with a LawMemo shared across traces (as the fuzzers keep one across
//     inputs), every step gets the verdict it gets without one; the memo
//     answers only for states equal in every field to one that passed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/spec.h"
#include "tests/support/memblock_gen.h"

namespace mbv::spec {
namespace {

using AttrFn = std::function<std::optional<Attr>(std::optional<Attr>)>;

void push_normal(std::vector<Seg>& out, const Seg& s) {
  if (s.start >= s.end) return;
  if (!out.empty() && out.back().end == s.start && out.back().attr == s.attr) {
    out.back().end = s.end;
    return;
  }
  out.push_back(s);
}

// The whole-map rewrite: every segment visited, the window rewritten by f,
// the result sorted and re-normalised.
std::vector<Seg> reference_update(const std::vector<Seg>& segs, phys_addr_t start, phys_addr_t end,
                                  const AttrFn& f) {
  if (start >= end) return segs;
  std::vector<Seg> out;
  auto emit = [&](phys_addr_t a, phys_addr_t b, std::optional<Attr> v) {
    if (v) push_normal(out, Seg{a, b, *v});
  };
  phys_addr_t cur = start;
  for (const auto& s : segs) {
    if (s.end <= start || s.start >= end) {
      if (s.start >= end && cur < end) {
        emit(cur, end, f(std::nullopt));
        cur = end;
      }
      push_normal(out, s);
      continue;
    }
    if (s.start < start) push_normal(out, Seg{s.start, start, s.attr});
    const phys_addr_t a = std::max(s.start, start);
    const phys_addr_t b = std::min(s.end, end);
    if (a > cur) emit(cur, a, f(std::nullopt));
    emit(a, b, f(s.attr));
    cur = b;
    if (s.end > end) push_normal(out, Seg{end, s.end, s.attr});
  }
  if (cur < end) emit(cur, end, f(std::nullopt));
  std::sort(out.begin(), out.end(), [](const Seg& x, const Seg& y) { return x.start < y.start; });
  std::vector<Seg> norm;
  for (const auto& s : out) push_normal(norm, s);
  return norm;
}

// Addresses on a small grid so windows often start or end exactly on a
// segment edge, touch a neighbour, or cover nothing.
rc::Gen<phys_addr_t> gen_point() {
  return rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 40), [](std::uint64_t k) { return k * 0x1000; });
}

// A normal-form map from a handful of regions with few distinct attributes.
IntervalMap gen_map() {
  const auto n = *rc::gen::inRange<std::size_t>(0, 8);
  std::vector<MemblockRegion> regions;
  phys_addr_t at = *gen_point();
  for (std::size_t i = 0; i < n; ++i) {
    const phys_addr_t size = 0x1000 * *rc::gen::inRange<std::uint64_t>(1, 5);
    regions.push_back({at, size, *rc::gen::inRange<std::uint32_t>(0, 2), *rc::gen::inRange<int>(0, 2)});
    at += size + 0x1000 * *rc::gen::inRange<std::uint64_t>(0, 3);  // touching or a gap
  }
  return IntervalMap::of_regions(regions);
}

// fill / erase / set an attribute / keep or drop by attribute (the shapes
// of function spec_apply passes).
AttrFn gen_fn() {
  const Attr a{*rc::gen::inRange<int>(0, 2), *rc::gen::inRange<std::uint32_t>(0, 2)};
  switch (*rc::gen::inRange(0, 4)) {
    case 0: return [a](std::optional<Attr> cur) { return cur ? cur : std::optional<Attr>(a); };
    case 1: return [](std::optional<Attr>) { return std::optional<Attr>(); };
    case 2: return [a](std::optional<Attr> cur) { return cur ? std::optional<Attr>(a) : cur; };
    default:
      return [a](std::optional<Attr> cur) { return cur && cur->nid == a.nid ? std::optional<Attr>() : cur; };
  }
}

RC_GTEST_PROP(IntervalMapIncremental, update_splice_equals_rebuild, ()) {
  IntervalMap m = gen_map();
  const auto steps = *rc::gen::inRange(1, 6);
  for (int i = 0; i < steps; ++i) {
    const phys_addr_t x = *gen_point(), y = *gen_point();
    const AttrFn f = gen_fn();
    const std::vector<Seg> want = reference_update(m.segs(), x, y, f);
    m.update(x, y, f);
    RC_ASSERT(m.segs() == want);
  }
}

RC_GTEST_PROP(IntervalMapIncremental, intersects_and_gaps_equal_a_scan, ()) {
  const IntervalMap m = gen_map();
  const phys_addr_t x = *gen_point(), y = *gen_point();
  bool any = false;
  for (const auto& s : m.segs()) any |= s.start < y && x < s.end;
  RC_ASSERT(m.intersects(x, y) == any);
  std::vector<PhysRange> gaps;
  phys_addr_t cur = x;
  for (const auto& s : m.segs()) {
    if (cur >= y) break;
    if (s.end <= cur) continue;
    if (s.start >= y) break;
    if (s.start > cur) gaps.push_back({cur, s.start});
    cur = std::max(cur, s.end);
  }
  if (cur < y) gaps.push_back({cur, y});
  RC_ASSERT(m.gaps_in(x, y) == gaps);
}

// The verdict of each step of `trace` with and without the carried meaning.
void compare_carried(Memblock mb, const std::vector<Op>& trace) {
  SpecState carried[2];
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const Memblock before = mb;
    const OpResult r = apply_op(mb, trace[i]);
    std::string gap_plain, gap_fast;
    const StepOptions plain{.iterators = true, .before_checked = i > 0};
    StepOptions fast = plain;
    fast.before_state = i > 0 ? &carried[(i + 1) % 2] : nullptr;
    fast.after_state = &carried[i % 2];
    if (i > 0) RC_ASSERT(*fast.before_state == SpecState::of(before));
    const Check v_plain = check_step(before, trace[i], r, mb, &gap_plain, plain);
    const Check v_fast = check_step(before, trace[i], r, mb, &gap_fast, fast);
    RC_ASSERT(v_plain.has_value() == v_fast.has_value());
    if (v_plain) RC_ASSERT(v_plain->to_string() == v_fast->to_string());
    RC_ASSERT(gap_plain == gap_fast);
    if (v_plain || !gap_plain.empty()) return;
    RC_ASSERT(carried[i % 2] == SpecState::of(mb));
  }
}

RC_GTEST_PROP(SpecStepCarried, same_verdicts_on_random_traces, (const std::vector<Op>& trace)) {
  compare_carried(Memblock(), trace);
}

RC_GTEST_PROP(SpecStepCarried, same_verdicts_near_full_arrays, (const std::vector<Op>& trace)) {
  Memblock mb;
  mb.allow_resize();
  mb.add_node(SZ_1M, 4 * SZ_1G, 0, MEMBLOCK_NONE);
  for (std::size_t i = 1; i + 2 < INIT_MEMBLOCK_REGIONS; ++i)
    mb.add_node(8 * SZ_1G + i * 2 * SZ_2M, SZ_2M, 1, MEMBLOCK_NONE);
  for (std::size_t i = 0; i + 2 < INIT_MEMBLOCK_REGIONS; ++i) mb.reserve(SZ_16M + i * 2 * SZ_64K, SZ_64K);
  compare_carried(mb, trace);
}

// Traces run twice through one memo (the second run meets only states the
// first recorded) and once without: the same verdicts and gap notes.
RC_GTEST_PROP(SpecStepMemo, same_verdicts_with_a_shared_memo, ()) {
  std::vector<std::vector<Op>> traces(*rc::gen::inRange<std::size_t>(1, 4));
  for (auto& t : traces) t = *rc::gen::arbitrary<std::vector<Op>>();
  LawMemo memo(std::size_t{1} << 20, 64);  // small, so generations turn over
  for (int round = 0; round < 2; ++round)
    for (const auto& trace : traces) {
      Memblock plain_mb, memo_mb;
      for (std::size_t i = 0; i < trace.size(); ++i) {
        const Memblock before = plain_mb;
        const OpResult r = apply_op(plain_mb, trace[i]);
        apply_op(memo_mb, trace[i]);
        const StepOptions plain{.iterators = true, .before_checked = i > 0};
        StepOptions with_memo = plain;
        with_memo.iterator_memo = &memo;
        std::string gap_plain, gap_memo;
        const Check v_plain = check_step(before, trace[i], r, plain_mb, &gap_plain, plain);
        const Check v_memo = check_step(before, trace[i], r, memo_mb, &gap_memo, with_memo);
        RC_ASSERT(v_plain.has_value() == v_memo.has_value());
        RC_ASSERT(gap_plain == gap_memo);
        if (v_plain || !gap_plain.empty()) break;
      }
    }
  RC_TAG(memo.hits() > 0 ? "memo hit" : "no memo hit");
}

// The memo answers yes only for a state equal (operator==) to one it was
// given, and, while nothing is forgotten, for every state it was given.
RC_GTEST_PROP(SpecStepMemo, hits_are_exactly_the_recorded_states, (const std::vector<Op>& trace)) {
  LawMemo memo;  // large: no generation turns over here
  std::vector<Memblock> recorded;
  Memblock mb;
  for (const Op& op : trace) {
    apply_op(mb, op);
    if (mb.kernel_bug != KernelBug::None) break;
    const bool seen = std::any_of(recorded.begin(), recorded.end(), [&](const Memblock& r) { return r == mb; });
    RC_ASSERT(memo.contains(mb) == seen);
    if (*rc::gen::arbitrary<bool>()) {
      memo.record(mb);
      if (!seen) recorded.push_back(mb);
    }
  }
  for (const Memblock& r : recorded) RC_ASSERT(memo.contains(r));
}

TEST(SpecStepMemo, hits_only_on_equal_states) {
  LawMemo memo;
  Memblock a;
  a.add_node(SZ_1M, SZ_1G, 0, MEMBLOCK_NONE);
  a.reserve(SZ_16M, SZ_1M);
  EXPECT_FALSE(memo.contains(a));
  memo.record(a);
  EXPECT_TRUE(memo.contains(a));
  using Change = void (*)(Memblock&);
  const Change changes[] = {
      [](Memblock& m) { m.reserved.regions[0].base += SZ_4K; },
      [](Memblock& m) { m.memory.regions[0].nid = 1; },
      [](Memblock& m) { m.memory.regions[0].flags = MEMBLOCK_HOTPLUG; },
      [](Memblock& m) { m.movable_node = true; },
      [](Memblock& m) { m.memory.total_size += 1; },
      [](Memblock& m) { m.reserved.max *= 2; },
      // the same region words, moved from memory to reserved
      [](Memblock& m) {
        m.reserved.regions.insert(m.reserved.regions.begin(), m.memory.regions.back());
        m.memory.regions.pop_back();
      },
  };
  for (Change change : changes) {
    Memblock b = a;
    change(b);
    EXPECT_FALSE(memo.contains(b));
  }
  EXPECT_EQ(memo.hits(), 1u);
}

// The memo covers the iterator laws only, which depend on the state alone:
// a step whose after state is in the memo is still judged by every relation
// between before, op, result and after.
TEST(SpecStepMemo, memo_never_hides_a_step_violation) {
  LawMemo memo;
  Memblock before;
  before.add_node(SZ_1M, SZ_1G, 0, MEMBLOCK_NONE);
  const Op op{OpKind::Reserve, SZ_16M, SZ_1M};
  Memblock after = before;
  const OpResult r = apply_op(after, op);
  after.reserved.regions[0].size += SZ_4K;  // well-formed, but reserves more than asked
  after.reserved.total_size += SZ_4K;
  const StepOptions opts{.iterators = true, .before_checked = true, .iterator_memo = &memo};
  const Check first = check_step(before, op, r, after, nullptr, opts);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(memo.contains(after));  // its walks are consistent with it
  const Check again = check_step(before, op, r, after, nullptr, opts);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->to_string(), first->to_string());
}

// A carried meaning does not hide a broken after state: the meaning of
// `after` is always rebuilt from the after state itself.
TEST(SpecStepCarried, broken_after_state_is_caught) {
  Memblock before;
  before.add_node(SZ_1M, SZ_1G, 0, MEMBLOCK_NONE);
  before.reserve(SZ_16M, SZ_1M);
  const SpecState sb = SpecState::of(before);
  const Op op{OpKind::Reserve, 64 * SZ_1M, SZ_1M};
  Memblock after = before;
  const OpResult r = apply_op(after, op);
  SpecState sa;
  StepOptions fast{.iterators = true, .before_checked = true, .before_state = &sb, .after_state = &sa};
  EXPECT_FALSE(check_step(before, op, r, after, nullptr, fast).has_value());
  EXPECT_EQ(sa, SpecState::of(after));
  Memblock bad = after;
  bad.reserved.regions[1].base += SZ_4K;  // the new reservation one page off
  const Check v = check_step(before, op, r, bad, nullptr, fast);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property, "meaning (reserved)");
}

}  // namespace
}  // namespace mbv::spec
