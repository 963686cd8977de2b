// TraceCheck (model/spec/trace_check.h), the whole-trace check that the
// memblock_ops fuzzer and `mbverify replay` share: the same verdicts as
// check_step called plainly on every step (no carried meaning, no memo), its
// region budget, its stop at a documented gap, and its report.
#include <gtest/gtest.h>

#include "impl/trace/trace_gen.h"
#include "model/spec/spec.h"
#include "tests/support/trace_file.h"

namespace mbv::spec {
namespace {

// check_step on every step with default options: the reference TraceCheck
// must agree with.
TraceVerdict plain(const OpTrace& trace) {
  TraceVerdict out;
  Memblock mb;
  for (const Op& op : trace) {
    const Memblock before = mb;
    out.last_result = apply_op(mb, op);
    ++out.steps;
    out.violation = check_step(before, op, out.last_result, mb, &out.gap);
    if (out.violation || !out.gap.empty()) break;
  }
  return out;
}

// One TraceCheck over many traces (its memo and scratch carried from trace to
// trace, as in the fuzzer), small static arrays included.
TEST(TraceCheck, same_verdicts_as_plain_check_step) {
  TraceCheck check;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    TraceGenOptions opt;
    opt.ops = 24;
    opt.movable_node = seed % 3 == 0;
    if (seed % 2 == 0) opt.init_memory = opt.init_reserved = 1 + seed % 8;
    const OpTrace trace = random_trace(seed, opt);
    const TraceVerdict want = plain(trace);
    const TraceVerdict got = check.run(trace);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(got.steps, want.steps);
    EXPECT_EQ(got.holds(), want.holds()) << (got.holds() ? want : got).violation->to_string();
    EXPECT_EQ(got.gap, want.gap);
    EXPECT_EQ(got.last_result, want.last_result);
  }
}

// The budget counts memory.cnt + reserved.cnt after each op; the op that
// passes it is the last one run.
TEST(TraceCheck, region_budget_cuts_after_the_op_that_passes_it) {
  OpTrace trace;
  for (phys_addr_t i = 0; i < 10; ++i) trace.push_back(Op{OpKind::Add, (2 * i + 1) * SZ_1M, SZ_4K});
  TraceCheck check;
  // After op k (1-based) memory holds k regions and reserved its empty entry
  // (cnt 1), so the sum is 2, 5, 9, ...: it reaches 5 at op 2, passes it at op 3.
  const TraceVerdict v = check.run(trace, 5);
  EXPECT_TRUE(v.holds());
  EXPECT_EQ(v.steps, 3u);
  EXPECT_EQ(check.last_state().memory.cnt(), 3u);
  EXPECT_EQ(check.run(trace).steps, trace.size());
  EXPECT_EQ(check.last_state().memory.cnt(), 10u);
}

// A documented gap ends the trace without a violation, at the gap's op.
TEST(TraceCheck, stops_at_documented_gap) {
  const OpTrace trace = test::load_trace("tests/spec/data/gap4-reserve-from-zero.trace");
  ASSERT_FALSE(trace.empty());
  OpTrace longer = trace;
  longer.push_back(Op{OpKind::Add, SZ_1G, SZ_4K});
  TraceCheck check;
  const TraceVerdict v = check.run(longer);
  EXPECT_TRUE(v.holds());
  EXPECT_NE(v.gap, "");
  EXPECT_EQ(v.steps, trace.size());
}

TEST(TraceCheck, report_names_the_step_and_the_trace_up_to_it) {
  const OpTrace trace{Op{OpKind::Add, SZ_1M, SZ_4K}, Op{OpKind::Reserve, SZ_1M, SZ_4K},
                      Op{OpKind::Add, SZ_1G, SZ_4K}};
  TraceVerdict v;
  EXPECT_EQ(v.report(trace), "");
  v.steps = 2;
  v.last_result = OpResult{-KERN_ENOMEM};
  v.violation = violation("capacity", "detail");
  EXPECT_EQ(v.report(trace), "spec violation at step 2 (" + to_string(trace[1]) + " -> -12): capacity: detail\n" +
                                 "trace:\n" + trace_to_text(std::span(trace).first(2)));
}

}  // namespace
}  // namespace mbv::spec
