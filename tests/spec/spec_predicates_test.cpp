// Unit tests of the spec's predicates on hand-built states. Each predicate is
// shown to hold on a correct state and to fire on a broken one: a predicate
// that cannot fail would be a defect. Broken "after" states are made by
// running the real step on the model and then breaking one thing.
#include <gtest/gtest.h>

#include <algorithm>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/spec.h"

namespace mbv::spec {
namespace {

constexpr phys_addr_t K4 = SZ_4K, M = SZ_1M, G = SZ_1G;

MemblockType type_of(std::vector<MemblockRegion> rs, std::string name = "memory") {
  MemblockType t;
  t.regions = std::move(rs);
  t.name = std::move(name);
  for (const auto& r : t.regions) t.total_size += r.size;
  return t;
}

// The property named by a violation, or "" when the check passed.
std::string prop(const Check& c) { return c ? c->property : std::string(); }

// Runs op on a copy of `before`; returns the after state and the result.
struct Step {
  Memblock before, after;
  Op op;
  OpResult result;
};
Step run(const Memblock& before, Op op) {
  Step s{before, before, op, {}};
  s.result = apply_op(s.after, op);
  return s;
}
Check check(const Step& s) { return check_step(s.before, s.op, s.result, s.after); }

Memblock two_nodes() {
  Memblock mb;
  mb.add_node(M, G - M, 0, MEMBLOCK_NONE);
  mb.add_node(G, G, 1, MEMBLOCK_HOTPLUG);
  mb.reserve(16 * M, 16 * M);
  return mb;
}

// ---------------------------------------------------------------- I1..I8

TEST(SpecShape, sorted) {
  EXPECT_EQ(prop(check_sorted(type_of({{0, K4}, {2 * K4, K4}}))), "");
  EXPECT_EQ(prop(check_sorted(type_of({{2 * K4, K4}, {0, K4}}))), "I1 sorted");
}

TEST(SpecShape, disjoint) {
  EXPECT_EQ(prop(check_disjoint(type_of({{0, K4}, {K4, K4}}))), "");
  EXPECT_EQ(prop(check_disjoint(type_of({{0, 2 * K4}, {K4, K4}}))), "I2 disjoint");
}

TEST(SpecShape, maximal) {
  EXPECT_EQ(prop(check_maximal(type_of({{0, K4, MEMBLOCK_NONE, 0}, {K4, K4, MEMBLOCK_HOTPLUG, 0}}))), "");
  EXPECT_EQ(prop(check_maximal(type_of({{0, K4, MEMBLOCK_NONE, 0}, {K4, K4, MEMBLOCK_NONE, 1}}))), "");
  EXPECT_EQ(prop(check_maximal(type_of({{0, K4, MEMBLOCK_NONE, 0}, {K4, K4, MEMBLOCK_NONE, 0}}))),
            "I3 maximal");
}

TEST(SpecShape, positive_sizes) {
  EXPECT_EQ(prop(check_positive_sizes(type_of({{0, 0}}))), "");  // the dummy
  EXPECT_EQ(prop(check_positive_sizes(type_of({{0, K4}, {2 * K4, 0}}))), "I4 positive sizes");
}

TEST(SpecShape, dummy) {
  EXPECT_EQ(prop(check_dummy(type_of({{0, 0, 0, MAX_NUMNODES}}))), "");
  EXPECT_EQ(prop(check_dummy(type_of({{0x5000, 0, 0, 0}}))), "I5 dummy when empty");
  EXPECT_EQ(prop(check_dummy(type_of({{0, 0, MEMBLOCK_NOMAP, 0}}))), "I5 dummy when empty");
  EXPECT_EQ(prop(check_dummy(type_of({}))), "I5 dummy when empty");
}

TEST(SpecShape, total_size) {
  MemblockType t = type_of({{0, K4}, {2 * K4, K4}});
  EXPECT_EQ(prop(check_total_size(t)), "");
  t.total_size += 1;
  EXPECT_EQ(prop(check_total_size(t)), "I6 total_size");
}

TEST(SpecShape, capacity) {
  MemblockType t = type_of({{0, K4}});
  EXPECT_EQ(prop(check_capacity(t)), "");
  t.max = 1;
  EXPECT_EQ(prop(check_capacity(t)), "I7 capacity");  // not 128 << k
  t.max = 2 * INIT_MEMBLOCK_REGIONS;
  EXPECT_EQ(prop(check_capacity(t)), "I7 capacity");  // doubled but no array address
  t.array_phys = M;
  EXPECT_EQ(prop(check_capacity(t)), "");
  t.regions.assign(t.max + 1, MemblockRegion{});
  EXPECT_EQ(prop(check_capacity(t)), "I7 capacity");  // cnt > max
}

// With a static array of 3 (init_memblock_regions), max runs 3, 6, 12, ...
TEST(SpecShape, capacity_with_small_static_array) {
  MemblockType t = type_of({{0, K4}});
  t.max = t.init_max = 3;
  EXPECT_EQ(prop(check_capacity(t)), "");
  t.max = 6;
  t.array_phys = M;
  EXPECT_EQ(prop(check_capacity(t)), "");
  t.max = 8;
  EXPECT_EQ(prop(check_capacity(t)), "I7 capacity");  // not 3 << k
  t.max = t.init_max = 0;
  t.array_phys = 0;
  EXPECT_EQ(prop(check_capacity(t)), "I7 capacity");  // no static array
}

// init_memblock_regions is judged on the whole state: both sizes taken on a
// pristine memblock, -EINVAL and no change otherwise.
TEST(SpecStep, init_regions) {
  const Step ok = run(Memblock{}, Op{OpKind::InitRegions, 4, 2});
  EXPECT_EQ(prop(check(ok)), "");
  Step wrong = ok;
  wrong.after.reserved.init_max = 4;
  wrong.after.reserved.max = 4;
  EXPECT_EQ(prop(check(wrong)), "init_memblock_regions");  // took the memory size for both
  Step taken_late = run(two_nodes(), Op{OpKind::InitRegions, 4, 4});
  EXPECT_EQ(taken_late.result.value, -KERN_EINVAL);
  EXPECT_EQ(prop(check(taken_late)), "");
  taken_late.result.value = 0;
  EXPECT_EQ(prop(check(taken_late)), "init_memblock_regions");  // accepted with regions present
  Step too_big = run(Memblock{}, Op{OpKind::InitRegions, 4, INIT_MEMBLOCK_REGIONS + 1});
  EXPECT_EQ(prop(check(too_big)), "");
  too_big.after.memory.max = too_big.after.memory.init_max = 4;
  EXPECT_EQ(prop(check(too_big)), "init_memblock_regions");  // failed but changed the state
}

TEST(SpecShape, top_address) {
  EXPECT_EQ(prop(check_top_address(type_of({{PHYS_ADDR_MAX - K4, K4}}))), "");
  EXPECT_EQ(prop(check_top_address(type_of({{PHYS_ADDR_MAX - K4, K4 + 1}}))), "I8 top address");
}

TEST(SpecShape, exceptions_only_waive_what_they_name) {
  MemblockType t = type_of({{0, K4, MEMBLOCK_NOMAP, 0}, {K4, K4, MEMBLOCK_NOMAP, 0}});
  EXPECT_EQ(prop(check_type_shape(t, true)), "I3 maximal");
  EXPECT_EQ(prop(check_type_shape(t, true, {.memory_may_be_unmerged = true})), "");
  EXPECT_EQ(prop(check_type_shape(t, false, {.memory_may_be_unmerged = true})), "I3 maximal");
  t.total_size = 3 * K4;
  EXPECT_EQ(prop(check_type_shape(t, true, {true, false})), "I6 total_size");
  EXPECT_EQ(prop(check_type_shape(t, true, {true, true})), "");
}

TEST(SpecIterators, laws_hold_on_model_states_and_fire_on_overlap) {
  EXPECT_EQ(prop(check_state(Memblock{})), "");
  EXPECT_EQ(prop(check_state(two_nodes())), "");
  Memblock broken = two_nodes();
  // Overlapping memory regions make the kernel's walk report overlapping ranges.
  broken.memory.regions = {{M, 4 * M, 0, 0}, {2 * M, 4 * M, 0, 0}};
  broken.memory.total_size = 8 * M;
  EXPECT_NE(prop(check_iterators(broken)), "");
}

// ---------------------------------------------------------------- steps

TEST(SpecStep, correct_steps_pass) {
  const Memblock mb = two_nodes();
  for (const Op& op :
       {Op{OpKind::Add, 3 * G, M}, Op{OpKind::Reserve, 100 * M, M}, Op{OpKind::Remove, 0, 2 * M},
        Op{OpKind::PhysFree, 20 * M, M}, Op{OpKind::MarkNomap, 500 * M, M},
        Op{OpKind::PhysAllocRange, K4, K4, 0, MEMBLOCK_ALLOC_ANYWHERE}, Op{OpKind::TrimMemory, SZ_2M},
        Op{OpKind::IsRegionMemory, M, G}})
    EXPECT_EQ(prop(check(run(mb, op))), "") << to_string(op);
}

TEST(SpecStep, add_keeps_old_attributes) {
  // memblock_add over node 1's HOTPLUG memory must not change its attributes.
  Step s = run(two_nodes(), Op{OpKind::AddNode, G - M, 2 * M, 2, MEMBLOCK_NONE});
  ASSERT_EQ(prop(check(s)), "");
  for (auto& r : s.after.memory.regions)
    if (r.base == G) r.nid = 2;  // an add that overwrote the covered part
  EXPECT_EQ(prop(check(s)), "meaning (memory)");
}

TEST(SpecStep, add_covers_the_request) {
  Step s = run(Memblock{}, Op{OpKind::Add, M, M});
  s.after = s.before;  // nothing happened, yet 0 was returned
  EXPECT_EQ(prop(check(s)), "meaning (memory)");
}

TEST(SpecStep, remove_and_free_are_set_difference) {
  Step s = run(two_nodes(), Op{OpKind::Remove, 2 * M, M});
  ASSERT_EQ(prop(check(s)), "");
  s.after.remove(5 * M, M);  // removed too much
  EXPECT_EQ(prop(check(s)), "meaning (memory)");
  Step f = run(two_nodes(), Op{OpKind::PhysFree, 16 * M, M});
  ASSERT_EQ(prop(check(f)), "");
  f.after.reserved.regions[0].base += K4;  // freed a page too few
  f.after.reserved.regions[0].size -= K4;
  f.after.reserved.total_size -= K4;
  EXPECT_EQ(prop(check(f)), "meaning (reserved)");
}

TEST(SpecStep, setclr_changes_only_the_bit_in_range) {
  Step s = run(two_nodes(), Op{OpKind::MarkNomap, 4 * M, M});
  ASSERT_EQ(prop(check(s)), "");
  s.after.memory.regions.back().flags |= MEMBLOCK_NOMAP;  // outside the range
  EXPECT_EQ(prop(check(s)), "meaning (memory)");
}

TEST(SpecStep, mark_mirror_is_a_noop_without_kernelcore_mirror) {
  Step s = run(two_nodes(), Op{OpKind::MarkMirror, 4 * M, M});
  ASSERT_EQ(prop(check(s)), "");
  ASSERT_EQ(s.after, s.before);
  s.after.system_has_some_mirror = true;
  EXPECT_EQ(prop(check(s)), "configuration");
}

TEST(SpecStep, set_node_changes_only_the_nid_in_range) {
  Step s = run(two_nodes(), Op{OpKind::SetNode, 0, 8 * M, 0, 0, 3, 0, MemblockTypeId::Memory});
  ASSERT_EQ(prop(check(s)), "");
  s.after.memory.regions[0].flags = MEMBLOCK_HOTPLUG;
  EXPECT_EQ(prop(check(s)), "meaning (memory)");
}

TEST(SpecStep, merge_must_happen_after_add) {
  // Two touching adds with equal attributes leave one region (I3).
  Memblock mb;
  mb.add(M, M);
  Step s = run(mb, Op{OpKind::Add, 2 * M, M});
  ASSERT_EQ(prop(check(s)), "");
  s.after.memory.regions = {{M, M, 0, MAX_NUMNODES}, {2 * M, M, 0, MAX_NUMNODES}};
  EXPECT_EQ(prop(check(s)), "I3 maximal (memory)");
}

TEST(SpecStep, cap_keeps_touching_nomap_pieces_apart) {
  // 11.2#2: the kernel leaves three touching NOMAP regions; merging them is unfaithful.
  Memblock mb;
  mb.add(0x500000, 0x100000);
  mb.mark_nomap(0x500000, 0x100000);
  Step s = run(mb, Op{OpKind::CapMemoryRange, 0x540000, 0x80000});
  ASSERT_EQ(prop(check(s)), "");
  EXPECT_EQ(s.after.memory.cnt(), 3u);
  s.after.memory.regions = {{0x500000, 0x100000, MEMBLOCK_NOMAP, MAX_NUMNODES}};
  EXPECT_EQ(prop(check(s)), "I3 maximal (memory)");
}

TEST(SpecStep, trim_leaves_total_size_stale) {
  // 11.2#1: [0x1800, +0x3000) trimmed to 0x1000 keeps total_size 0x3000.
  Memblock mb;
  mb.add(0x1800, 0x3000);
  Step s = run(mb, Op{OpKind::TrimMemory, 0x1000});
  ASSERT_EQ(prop(check(s)), "");
  EXPECT_EQ(s.after.memory.total_size, 0x3000u);
  s.after.memory.total_size = 0x2000;  // "fixed" bookkeeping is not what 6.1 does
  EXPECT_EQ(prop(check(s)), "I6 total_size (memory)");
}

TEST(SpecStep, trim_wrap_near_top_is_a_documented_gap) {
  Memblock mb;
  mb.add(PHYS_ADDR_MAX - 0x800, 0x800);
  mb.add(M, M);
  Step s = run(mb, Op{OpKind::TrimMemory, 0x1000});
  std::string gap;
  EXPECT_EQ(prop(check_step(s.before, s.op, s.result, s.after, &gap)), "");
  EXPECT_NE(gap.find("wraps"), std::string::npos);
}

TEST(SpecStep, failed_ops_change_nothing) {
  // A full memory array before memblock_allow_resize: the add fails (map 1.3).
  Memblock mb;
  for (phys_addr_t i = 0; i < INIT_MEMBLOCK_REGIONS; ++i) mb.add((2 * i + 1) * M, M);
  ASSERT_EQ(mb.memory.cnt(), INIT_MEMBLOCK_REGIONS);
  Step s = run(mb, Op{OpKind::Add, 1000 * M, M});
  ASSERT_EQ(s.result.value, -KERN_ENOMEM);
  ASSERT_EQ(prop(check(s)), "");
  s.after.memory.total_size += 1;
  EXPECT_EQ(prop(check(s)), "failed ops change nothing");
  // Claiming success without room is wrong too.
  Step ok = s;
  ok.after = ok.before;
  ok.after.add(1000 * M, M);
  ok.result = OpResult{0};
  EXPECT_EQ(prop(check(ok)), "capacity: full arrays fail before memblock_allow_resize");
}

TEST(SpecStep, enomem_only_when_full) {
  Step s = run(two_nodes(), Op{OpKind::Reserve, 100 * M, M});
  s.after = s.before;
  s.result = OpResult{-KERN_ENOMEM};
  EXPECT_EQ(prop(check(s)), "capacity: -ENOMEM only when full");
}

TEST(SpecStep, doubling_moves_the_array_into_reserved) {
  Memblock mb = two_nodes();
  mb.allow_resize();
  for (phys_addr_t i = 0; i + 1 < INIT_MEMBLOCK_REGIONS; ++i) mb.reserve(64 * M + 2 * i * M, M);
  ASSERT_EQ(mb.reserved.cnt(), mb.reserved.max);  // full: the next disjoint reserve doubles
  const Step s = run(mb, Op{OpKind::Reserve, 900 * M, K4});
  ASSERT_EQ(s.result.value, 0);
  ASSERT_EQ(s.after.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(prop(check(s)), "");
  // The new array must be where memblock_find_in_range puts it (top-down: highest).
  Step moved = s;
  moved.after.reserved.array_phys -= SZ_2M;
  EXPECT_EQ(prop(check(moved)), "doubling: extremality");
  // And resizing is refused before memblock_allow_resize.
  Step early = s;
  early.before.can_resize = false;
  early.after.can_resize = false;
  EXPECT_EQ(prop(check(early)), "doubling");
}

TEST(SpecStep, enomem_after_doubling_only_when_a_second_doubling_is_needed) {
  // 8 KiB of memory; reserved full with 128 one-page regions and gaps.
  Memblock mb;
  mb.allow_resize();
  mb.add(M, 2 * K4);
  for (phys_addr_t i = 0; i < INIT_MEMBLOCK_REGIONS; ++i) mb.reserve(16 * M + 2 * i * K4, K4);
  ASSERT_EQ(mb.reserved.cnt(), mb.reserved.max);
  // Covering them all needs 128 new regions: 128 + 128 fits in 256, but the
  // doubled array's own reservation makes it 129 + 128, and the second
  // doubling finds no memory (map 1.3; mm/memblock.c memblock_add_range).
  const Step s = run(mb, Op{OpKind::Reserve, 16 * M, 16 * M});
  ASSERT_EQ(s.result.value, -KERN_ENOMEM);
  ASSERT_EQ(s.after.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  ASSERT_EQ(s.after.reserved.cnt(), INIT_MEMBLOCK_REGIONS + 1);
  EXPECT_EQ(prop(check(s)), "");

  // Hand-built bad step: one page needs one new region; after the doubling
  // 129 + 1 fits in 256, so failing after it is a violation.
  Memblock roomy = two_nodes();
  roomy.allow_resize();
  for (phys_addr_t i = 0; i + 1 < INIT_MEMBLOCK_REGIONS; ++i) roomy.reserve(64 * M + 2 * i * M, M);
  ASSERT_EQ(roomy.reserved.cnt(), roomy.reserved.max);
  Step bad = run(roomy, Op{OpKind::Reserve, 900 * M, K4});
  ASSERT_EQ(bad.result.value, 0);
  ASSERT_EQ(bad.after.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  auto& regs = bad.after.reserved.regions;
  const auto it = std::find_if(regs.begin(), regs.end(), [](const auto& r) { return r.base == 900 * M; });
  ASSERT_NE(it, regs.end());
  regs.erase(it);
  bad.after.reserved.total_size -= K4;
  bad.result = OpResult{-KERN_ENOMEM};
  EXPECT_EQ(prop(check(bad)), "capacity: -ENOMEM only when full");
}

TEST(SpecStep, enomem_after_doubling_only_when_the_next_doubling_finds_no_room) {
  // The real step: 8 KiB of memory at 1M, reserved full; covering all 128
  // reservations doubles reserved into that memory, then needs a second
  // doubling, for which no memory is left.
  Memblock mb;
  mb.allow_resize();
  mb.add(M, 2 * K4);
  for (phys_addr_t i = 0; i < INIT_MEMBLOCK_REGIONS; ++i) mb.reserve(16 * M + 2 * i * K4, K4);
  Step s = run(mb, Op{OpKind::Reserve, 16 * M, 16 * M});
  ASSERT_EQ(s.result.value, -KERN_ENOMEM);
  ASSERT_EQ(s.after.reserved.max, 2 * INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(prop(check(s)), "");
  // The same step with 64 KiB more memory below 1M in both states: the
  // first doubling still goes to 1M (top-down picks the highest block), but
  // now the second one has room, so giving up is a violation.
  s.before.add(0x10000, 0x10000);
  s.after.add(0x10000, 0x10000);
  EXPECT_EQ(prop(check(s)), "capacity: -ENOMEM only when doubling fails");
}

// Mutants of real steps, judged with the options the memblock_ops fuzzer
// uses (before already checked, laws on every step): each broken after state
// must be caught, so the fast paths of check_step lose no relation.
TEST(SpecStep, fuzzer_options_catch_broken_after_states) {
  const StepOptions fast{.iterators = true, .before_checked = true};
  Memblock base = two_nodes();
  base.allow_resize();
  const std::vector<Op> ops = {Op{OpKind::Add, 3 * G, M},
                               Op{OpKind::Reserve, 100 * M, M},
                               Op{OpKind::Remove, 0, 2 * M},
                               Op{OpKind::PhysFree, 20 * M, M},
                               Op{OpKind::MarkNomap, 500 * M, M},
                               Op{OpKind::SetNode, 0, 2 * M, 0, 0, 3, 0, MemblockTypeId::Memory},
                               Op{OpKind::PhysAllocRange, K4, K4, 0, MEMBLOCK_ALLOC_ANYWHERE},
                               Op{OpKind::TrimMemory, SZ_2M}};
  using Mutation = std::pair<const char*, void (*)(Memblock&)>;
  const std::vector<Mutation> mutations = {
      {"drop the last memory region",
       [](Memblock& m) {
         m.memory.total_size -= m.memory.regions.back().size;
         m.memory.regions.pop_back();
       }},
      {"shift a reserved base by a page", [](Memblock& m) { m.reserved.regions[0].base += K4; }},
      {"flip HOTPLUG on memory[0]", [](Memblock& m) { m.memory.regions[0].flags ^= MEMBLOCK_HOTPLUG; }},
      {"renumber memory[0]'s node", [](Memblock& m) { m.memory.regions[0].nid += 7; }},
      {"reserved.total_size off by one", [](Memblock& m) { m.reserved.total_size += 1; }},
      {"split memory[0] in two",
       [](Memblock& m) {
         MemblockRegion& r = m.memory.regions[0];
         const MemblockRegion tail{r.base + K4, r.size - K4, r.flags, r.nid};
         r.size = K4;
         m.memory.regions.insert(m.memory.regions.begin() + 1, tail);
       }},
      {"forget movable_node", [](Memblock& m) { m.movable_node = !m.movable_node; }},
  };
  for (const Op& op : ops) {
    const Step good = run(base, op);
    ASSERT_EQ(prop(check_step(good.before, op, good.result, good.after, nullptr, fast)), "") << to_string(op);
    for (const auto& [what, mutate] : mutations) {
      Step bad = good;
      mutate(bad.after);
      EXPECT_NE(prop(check_step(bad.before, op, bad.result, bad.after, nullptr, fast)), "")
          << to_string(op) << " with \"" << what << "\" passed";
    }
  }
}

TEST(SpecStep, queries_change_nothing_and_answer_per_meaning) {
  Step s = run(two_nodes(), Op{OpKind::IsRegionReserved, 20 * M, K4});
  ASSERT_EQ(s.result.value, 1);
  ASSERT_EQ(prop(check(s)), "");
  Step wrong = s;
  wrong.result = OpResult{0};
  EXPECT_EQ(prop(check(wrong)), "queries answer per the meaning");
  Step changed = s;
  changed.after.bottom_up = true;
  EXPECT_EQ(prop(check(changed)), "queries change nothing");
  // is_region_memory needs one region: [G - M, G + M) spans two nodes.
  Step two = run(two_nodes(), Op{OpKind::IsRegionMemory, G - M, 2 * M});
  EXPECT_EQ(two.result.value, 0);
  EXPECT_EQ(prop(check(two)), "");
}

TEST(SpecStep, config_ops_change_only_their_field) {
  Step s = run(two_nodes(), Op{OpKind::SetCurrentLimit, 512 * M});
  ASSERT_EQ(prop(check(s)), "");
  s.after.bottom_up = true;
  EXPECT_EQ(prop(check(s)), "configuration");
}

// ---------------------------------------------------------------- allocation

// memory [1M, 1G) node 0 and [1G, 2G) node 1 HOTPLUG; reserved [16M, 32M).
TEST(SpecAlloc, soundness_predicates_fire) {
  const Op op{OpKind::PhysAllocRange, 2 * K4, K4, 0, MEMBLOCK_ALLOC_ANYWHERE};
  Step s = run(two_nodes(), op);
  ASSERT_EQ(prop(check(s)), "");
  auto with = [&](phys_addr_t addr) {
    Step t{s.before, s.before, op, OpResult{static_cast<std::int64_t>(addr)}};
    t.after.reserve(addr, op.a);
    return check_alloc_soundness(t.before, t.op, t.result, t.after);
  };
  EXPECT_EQ(prop(with(64 * M + 0x800)), "alloc: soundness (aligned)");
  EXPECT_EQ(prop(with(16 * M)), "alloc: soundness (free before)");
  EXPECT_EQ(prop(with(G - K4)), "alloc: soundness (one memory region)");
  EXPECT_EQ(prop(with(2 * G + M)), "alloc: soundness (one memory region)");
  EXPECT_EQ(prop(with(0)), "");  // failure is judged by extremality, not soundness
  Step unreserved{s.before, s.before, op, s.result};
  EXPECT_EQ(prop(check_alloc_soundness(unreserved.before, op, s.result, unreserved.after)),
            "alloc: soundness (reserved after)");
  // Under movable_node, HOTPLUG memory is never returned (11.1#10).
  Memblock mv = two_nodes();
  mv.movable_node = true;
  Step h{mv, mv, op, OpResult{static_cast<std::int64_t>(2 * G - 2 * K4)}};
  h.after.reserve(2 * G - 2 * K4, op.a);
  EXPECT_EQ(prop(check_alloc_soundness(h.before, op, h.result, h.after)), "alloc: hotplug avoidance");
  // Bounds: phys_alloc_range(…, 0, 64M) must stay below 64M.
  const Op low{OpKind::PhysAllocRange, K4, K4, 0, 64 * M};
  Step b{s.before, s.before, low, OpResult{static_cast<std::int64_t>(100 * M)}};
  b.after.reserve(100 * M, K4);
  EXPECT_EQ(prop(check_alloc_soundness(b.before, low, b.result, b.after)),
            "alloc: soundness (bounds and skip rules)");
}

TEST(SpecAlloc, extremality_top_down_and_bottom_up) {
  const Op op{OpKind::PhysAllocRange, K4, K4, 0, MEMBLOCK_ALLOC_ANYWHERE};
  const Step top = run(two_nodes(), op);
  EXPECT_EQ(top.result.value, static_cast<std::int64_t>(2 * G - K4));
  EXPECT_EQ(prop(check(top)), "");
  Memblock bu = two_nodes();
  bu.bottom_up = true;
  const Step bottom = run(bu, op);
  EXPECT_EQ(bottom.result.value, static_cast<std::int64_t>(M));
  EXPECT_EQ(prop(check(bottom)), "");
  // A sound but not extremal answer is caught.
  Step lower{top.before, top.before, op, OpResult{static_cast<std::int64_t>(G)}};
  lower.after.reserve(G, K4);
  EXPECT_EQ(prop(check(lower)), "alloc: extremality and fallback order (top-down)");
  // Returning 0 while a block fits is caught too.
  Step none{top.before, top.before, op, OpResult{0}};
  EXPECT_EQ(prop(check(none)), "alloc: extremality and fallback order (top-down)");
}

TEST(SpecAlloc, size_zero_reserves_nothing) {
  // 11.2#13: a non-zero address comes back and nothing is reserved.
  const Step s = run(two_nodes(), Op{OpKind::PhysAllocRange, 0, K4, 0, MEMBLOCK_ALLOC_ANYWHERE});
  EXPECT_NE(s.result.value, 0);
  EXPECT_EQ(s.after.reserved, s.before.reserved);
  EXPECT_EQ(prop(check(s)), "");
}

TEST(SpecAlloc, fallback_order_node_then_any) {
  // alloc_try_nid(node 1) on a system where node 1 is all reserved falls back to any node.
  Memblock mb = two_nodes();
  mb.reserve(G, G);
  const Step s = run(mb, Op{OpKind::AllocTryNid, K4, K4, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1});
  EXPECT_EQ(s.result.value, static_cast<std::int64_t>(G - K4));
  EXPECT_EQ(prop(check(s)), "");
  // exact_nid does not fall back.
  const Step e = run(mb, Op{OpKind::AllocExactNidRaw, K4, K4, 0, MEMBLOCK_ALLOC_ACCESSIBLE, 1});
  EXPECT_EQ(e.result.value, 0);
  EXPECT_EQ(prop(check(e)), "");
}

}  // namespace
}  // namespace mbv::spec

namespace mbv::spec {
namespace {

TEST(SpecInternals, isolate_preserves_meaning_and_tiles_the_range) {
  // memblock_isolate_range inside node 0: [2M, 3M) becomes its own region.
  Memblock before;
  before.add_node(M, 8 * M, 0, MEMBLOCK_NONE);
  Memblock after = before;
  IsolatedRange out;
  const int ret = after.isolate_range(MemblockTypeId::Memory, 2 * M, M, &out);
  EXPECT_EQ(prop(check_isolate(before, MemblockTypeId::Memory, 2 * M, M, ret, out, after)), "");
  EXPECT_EQ(after.memory.cnt(), 3u);
  // Broken: an index range that misses the inside region.
  EXPECT_EQ(prop(check_isolate(before, MemblockTypeId::Memory, 2 * M, M, ret, IsolatedRange{0, 0}, after)),
            "isolate: inside regions tile the range");
  // Broken: a region still crosses the end of the range.
  Memblock crossing = before;
  EXPECT_EQ(prop(check_isolate(before, MemblockTypeId::Memory, 2 * M, M, 0, IsolatedRange{0, 1}, crossing)),
            "isolate: no region crosses the ends");
  // Broken: isolation changed a nid.
  Memblock renamed = after;
  renamed.memory.regions[1].nid = 5;
  EXPECT_EQ(prop(check_isolate(before, MemblockTypeId::Memory, 2 * M, M, ret, out, renamed)),
            "isolate: meaning unchanged");
}

TEST(SpecInternals, merge_is_neutral_and_maximal) {
  Memblock before;
  before.add_node(M, 8 * M, 0, MEMBLOCK_NONE);
  IsolatedRange out;
  ASSERT_EQ(before.isolate_range(MemblockTypeId::Memory, 2 * M, M, &out), 0);
  Memblock after = before;
  after.merge_regions(MemblockTypeId::Memory);
  EXPECT_EQ(prop(check_merge(before, MemblockTypeId::Memory, after)), "");
  EXPECT_EQ(after.memory.cnt(), 1u);
  EXPECT_EQ(prop(check_merge(before, MemblockTypeId::Memory, before)), "I3 maximal");  // not merged
  Memblock flagged = after;
  flagged.memory.regions[0].flags = MEMBLOCK_MIRROR;
  EXPECT_EQ(prop(check_merge(before, MemblockTypeId::Memory, flagged)), "merge: meaning unchanged");
}

TEST(SpecStep, add_is_capped_at_the_top_of_the_address_space) {
  // memblock_add(PHYS_ADDR_MAX - 0x1000, 0x10000) stores size 0x1000 (map 2.1).
  const Step s = run(Memblock{}, Op{OpKind::Add, PHYS_ADDR_MAX - 0x1000, 0x10000});
  EXPECT_EQ(prop(check(s)), "");
  EXPECT_EQ(s.after.memory.regions[0].size, 0x1000u);
  Step uncapped = s;
  uncapped.after.memory.regions[0].size = 0x800;
  uncapped.after.memory.total_size = 0x800;
  EXPECT_EQ(prop(check(uncapped)), "meaning (memory)");
}

}  // namespace
}  // namespace mbv::spec
