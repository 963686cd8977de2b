// Documented Linux 6.1 gaps (docs/spec.md, "Kernel gaps"), replayed from
// tests/spec/data/*.trace: each trace runs clean through check_step until its
// last op, which must be reported as exactly that gap (never as a spec
// violation, never silently). Each trace was checked against the real
// mm/memblock.c with `mbverify diff --replay` (model and kernel agree).
#include <gtest/gtest.h>

#include "impl/memblock/op.h"
#include "model/spec/spec.h"
#include "tests/support/trace_file.h"

namespace mbv::spec {
namespace {

struct Replay {
  std::size_t steps = 0;  // ops run before the gap (inclusive)
  std::string gap;        // the gap note, empty if none
  std::optional<Violation> violation;
  OpResult last_result;   // what the last op run returned
  Memblock last_after;    // the state after it
};

Replay replay(const std::string& name, const std::string& dir = "tests/spec/data/") {
  const OpTrace trace = test::load_trace(dir + name);
  Replay out;
  if (trace.empty()) return out;
  Memblock mb;
  for (const Op& op : trace) {
    const Memblock before = mb;
    const OpResult r = apply_op(mb, op);
    ++out.steps;
    out.last_result = r;
    out.last_after = mb;
    out.violation = check_step(before, op, r, mb, &out.gap);
    if (out.violation || !out.gap.empty()) break;
  }
  EXPECT_EQ(out.steps, trace.size()) << name << ": the gap must be the last op, if any";
  return out;
}

TEST(SpecKernelGaps, double_array_overlap) {
  const Replay r = replay("gap3-double-array-overlap.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("overlaps the new memory array"), std::string::npos) << r.gap;
}

// Gap 3 in between: memory doubles twice in one add while reserved doubles;
// the reserved array lands on the first new memory array, whose pages the
// second doubling frees, so the final reserved array is not reserved.
TEST(SpecKernelGaps, double_array_overlap_in_between) {
  const Replay r = replay("gap3b-double-twice-unreserved-array.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("is not reserved"), std::string::npos) << r.gap;
  EXPECT_EQ(r.last_after.memory.max, 64u);
}

TEST(SpecKernelGaps, reserve_from_zero_places_array_inside) {
  const Replay r = replay("gap4-reserve-from-zero.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("lies inside the range being reserved"), std::string::npos) << r.gap;
}

TEST(SpecKernelGaps, reserve_everything_hits_insert_bug) {
  const Replay r = replay("bug-reserve-all-insert-full.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("mm/memblock.c:552"), std::string::npos) << r.gap;
}

// corpus/regressions/spec-*.trace: false positives of the spec found by
// fuzzing; each must now run clean to its end, with no gap note.
TEST(SpecRegressions, second_doubling_after_array_reserve) {
  const Replay r = replay("spec-0001-second-doubling-after-array-reserve.trace", "corpus/regressions/");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_EQ(r.gap, "");
  EXPECT_EQ(r.steps, 131u);
}

// The last op must be the one the spec misjudged: a partial free of the only
// reservation that doubles reserved from 1 to 2 and still fails.
TEST(SpecRegressions, isolate_second_doubling_from_static_one) {
  const Replay r = replay("spec-0002-isolate-second-doubling-from-static-one.trace", "corpus/regressions/");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_EQ(r.gap, "");
  EXPECT_EQ(r.steps, 5u);
  EXPECT_EQ(r.last_result.value, -KERN_ENOMEM);
  EXPECT_EQ(r.last_after.reserved.max, 2u);
  EXPECT_EQ(r.last_after.reserved.cnt(), 1u);
}

// memblock_mark_mirror fails with -ENOMEM after doubling memory, and the
// system_has_some_mirror it set before trying stays set.
TEST(SpecRegressions, mark_mirror_enomem_after_doubling) {
  const Replay r = replay("spec-0003-mark-mirror-enomem-after-doubling.trace", "corpus/regressions/");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_EQ(r.gap, "");
  EXPECT_EQ(r.steps, 5u);
  EXPECT_EQ(r.last_result.value, -KERN_ENOMEM);
  EXPECT_GT(r.last_after.memory.max, 1u);
  EXPECT_TRUE(r.last_after.system_has_some_mirror);
}

// memblock_mark_mirror doubles memory while isolating, after it has set
// system_has_some_mirror: the new array goes to mirrored memory.
TEST(SpecRegressions, mark_mirror_doubling_searches_mirror) {
  const Replay r = replay("spec-0004-mark-mirror-doubling-searches-mirror.trace", "corpus/regressions/");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_EQ(r.gap, "");
  EXPECT_EQ(r.steps, 6u);
  EXPECT_EQ(r.last_result.value, 0);
  EXPECT_EQ(r.last_after.memory.max, 4u);
  EXPECT_EQ(r.last_after.memory.array_phys, 0x1ff000u);
}

// Bottom-up, the lowest fitting range answers even when round_up wrapped to 0
// there (an alignment that is not a power of two): nothing found, though the
// range near the top fits. The query and an allocation.
TEST(SpecRegressions, bottom_up_align_wraps_in_lower_range) {
  for (const char* name : {"spec-0005-bottom-up-align-wraps-in-lower-range.trace",
                           "spec-0005-bottom-up-align-wraps-alloc.trace"}) {
    SCOPED_TRACE(name);
    const Replay r = replay(name, "corpus/regressions/");
    EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
    EXPECT_EQ(r.gap, "");
    EXPECT_EQ(r.steps, 4u);
    EXPECT_EQ(r.last_result.value, 0);
    EXPECT_EQ(r.last_after.reserved.total_size, 0u);
  }
}

// Spec limit 1: not judged, and said so (never a violation, never silent).
TEST(SpecLimits, alloc_from_full_static_reserved_of_one) {
  const Replay r = replay("limit1-alloc-static-reserved-one.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("outside the spec"), std::string::npos) << r.gap;
  EXPECT_EQ(r.steps, 5u);
}

// Spec limit 2: a limit operation from small arrays is not judged.
TEST(SpecLimits, limit_op_from_small_arrays) {
  const Replay r = replay("limit2-cap-small-arrays.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("outside the spec"), std::string::npos) << r.gap;
  EXPECT_EQ(r.steps, 5u);
}

TEST(SpecKernelGaps, cap_with_wrapping_end) {
  Memblock mb;
  mb.add(SZ_1M, SZ_1G);
  mb.reserve(SZ_16M, SZ_1M);
  const Memblock before = mb;
  const Op op{OpKind::CapMemoryRange, SZ_2M, PHYS_ADDR_MAX};
  const OpResult r = apply_op(mb, op);
  std::string gap;
  EXPECT_FALSE(check_step(before, op, r, mb, &gap).has_value());
  EXPECT_NE(gap.find("wraps"), std::string::npos) << gap;
}

// The state a wrapping trim leaves (kernel gap 1): memory holds regions based
// at 0 after higher ones. Judged on its own it is the gap, reported as such.
Memblock trim_wrapped_state() {
  Memblock mb;
  mb.add(SZ_1M, SZ_1M);
  mb.add(0xfffffffffffff100, 0x100);
  mb.add(0xfffffffffffff400, 0x100);
  mb.trim_memory(SZ_4K);
  return mb;
}

TEST(SpecKernelGaps, trim_wrap_state_is_the_gap_not_I1) {
  const Memblock mb = trim_wrapped_state();
  ASSERT_EQ(mb.memory.cnt(), 3u);
  ASSERT_EQ(mb.memory.regions[1].base, 0u);
  ASSERT_EQ(mb.memory.regions[2].base, 0u);
  std::string gap;
  EXPECT_FALSE(check_state(mb, {}, &gap).has_value());
  EXPECT_NE(gap.find("kernel gap 1"), std::string::npos) << gap;
  EXPECT_NE(gap.find("memory[1]"), std::string::npos) << gap;
  // Without a place for the note the state is still not passed silently.
  const auto v = check_state(mb);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property, "kernel gap 1: memblock_trim_memory wrapped");
  // A step from that state (a caller that skipped the trim step) ends with
  // the gap note, as the trim step itself does.
  Memblock after = mb;
  const Op q{OpKind::IsRegionReserved, SZ_1M, SZ_4K};
  const OpResult r = apply_op(after, q);
  gap.clear();
  EXPECT_FALSE(check_step(mb, q, r, after, &gap).has_value());
  EXPECT_NE(gap.find("outside the spec"), std::string::npos) << gap;
  EXPECT_EQ(check_step(mb, q, r, after)->property, "before: kernel gap 1: memblock_trim_memory wrapped");
}

TEST(SpecKernelGaps, trim_wrap_classification_keeps_other_breakage) {
  // Unsorted without a region at 0: still I1, not the gap.
  Memblock swapped;
  swapped.add(SZ_1M, SZ_1M);
  swapped.add(SZ_16M, SZ_1M);
  std::swap(swapped.memory.regions[0], swapped.memory.regions[1]);
  EXPECT_EQ(check_state(swapped)->property, "I1 sorted");
  std::string gap;
  EXPECT_EQ(check_state(swapped, {}, &gap)->property, "I1 sorted");
  EXPECT_EQ(gap, "");
  // A checked step whose after state has a region at 0 out of order is a
  // model violation: only a trim may do that, and its step is the gap.
  Memblock before;
  before.add(SZ_1M, SZ_1M);
  Memblock after = before;
  const Op add{OpKind::Add, 0, SZ_4K};
  const OpResult r = apply_op(after, add);
  ASSERT_EQ(after.memory.cnt(), 2u);
  std::swap(after.memory.regions[0], after.memory.regions[1]);
  EXPECT_EQ(check_step(before, add, r, after, &gap)->property, "I1 sorted");
  EXPECT_EQ(gap, "");
}

// corpus/regressions/diff-0003: the memblock_ops_diff finding. Checked step
// by step, the trim is the gap and ends the trace; checked as DiffCheck
// does (first steps and the last only), the last step reports the gap too.
TEST(SpecRegressions, trim_wrap_state_after_unchecked_steps) {
  const OpTrace trace = test::load_trace("corpus/regressions/diff-0003-trim-wrap-state-after-unchecked-steps.trace");
  ASSERT_EQ(trace.size(), 69u);
  for (const bool every_step : {true, false}) {
    Memblock mb;
    std::string gap;
    std::size_t steps = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
      const Memblock before = mb;
      const OpResult r = apply_op(mb, trace[i]);
      ++steps;
      if (!every_step && i >= 64 && i + 1 != trace.size()) continue;
      const auto v = check_step(before, trace[i], r, mb, &gap);
      ASSERT_FALSE(v.has_value()) << "step " << i << ": " << v->to_string();
      if (!gap.empty()) break;
    }
    EXPECT_EQ(steps, every_step ? 68u : 69u);
    EXPECT_NE(gap.find("kernel gap"), std::string::npos) << gap;
  }
}

}  // namespace
}  // namespace mbv::spec
