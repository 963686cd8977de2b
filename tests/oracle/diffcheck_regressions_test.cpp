// Findings of the memblock_ops / memblock_ops_diff fuzzers that were false
// positives of the executable spec, replayed through DiffCheck, the exact
// check memblock_ops_diff runs (model vs the real mm/memblock.c, then the
// spec on the steps it judges). Each must pass: model and kernel agree, and
// the spec either accepts every judged step or names a documented gap.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "impl/memblock/op.h"
#include "model/diff/diff_check.h"
#include "tests/support/trace_file.h"

namespace mbv::test {
namespace {

OpTrace load_regression(const std::string& name) { return load_trace("corpus/regressions/" + name); }

class DiffCheckRegressions : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = DiffCheck::open_default();
    if (!c) GTEST_SKIP() << c.error().to_string();
    check = std::move(*c);
  }
  std::unique_ptr<DiffCheck> check;
};

// diff-0003: the wrapping trim (kernel gap 1) falls on a step DiffCheck does
// not judge; the last step starts from the wrapped state, which the spec
// reported as "before: I1 sorted" and must read as the gap.
TEST_F(DiffCheckRegressions, trim_wrap_state_after_unchecked_steps) {
  const OpTrace trace = load_regression("diff-0003-trim-wrap-state-after-unchecked-steps.trace");
  ASSERT_GT(trace.size(), DiffCheck::kSpecSteps + 1);
  const auto report = check->check(trace);
  EXPECT_FALSE(report.has_value()) << *report;
}

// The spec's false positives found by the memblock_ops fuzzer (docs/spec.md,
// "Spec findings"): model and kernel agree op for op, and the spec accepts
// every judged step.
//   spec-0001 (crash-1a373609): a reserve doubles reserved, whose own array
//     reservation needs a second doubling that finds no memory: -ENOMEM.
//   spec-0002 (crash-84bf8e9c): a partial free isolates reserved from a
//     static array of one entry, doubles once and fails the second doubling.
//   spec-0003: memblock_mark_mirror fails after doubling memory from a static
//     array of one entry; system_has_some_mirror stays set.
//   spec-0004: the doubling inside memblock_mark_mirror searches mirrored
//     memory first.
//   spec-0005 (crash-2b2aab0a, crash-09d7655d): bottom-up, round_up with an
//     alignment that is not a power of two wraps to 0 in the lowest range:
//     nothing found, by the query and by an allocation.
TEST_F(DiffCheckRegressions, spec_findings_agree_and_pass) {
  for (const char* name : {"spec-0001-second-doubling-after-array-reserve.trace",
                           "spec-0002-isolate-second-doubling-from-static-one.trace",
                           "spec-0003-mark-mirror-enomem-after-doubling.trace",
                           "spec-0004-mark-mirror-doubling-searches-mirror.trace",
                           "spec-0005-bottom-up-align-wraps-in-lower-range.trace",
                           "spec-0005-bottom-up-align-wraps-alloc.trace"}) {
    SCOPED_TRACE(name);
    const OpTrace trace = load_regression(name);
    ASSERT_FALSE(trace.empty());
    const auto report = check->check(trace);
    EXPECT_FALSE(report.has_value()) << *report;
  }
}

}  // namespace
}  // namespace mbv::test
