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

namespace mbv::test {
namespace {

OpTrace load_regression(const std::string& name) {
  const std::string path = std::string(MBV_SOURCE_DIR) + "/corpus/regressions/" + name;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto trace = parse_trace(text.str(), path);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().to_string());
  return trace.ok() ? *trace : OpTrace{};
}

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
TEST_F(DiffCheckRegressions, spec_findings_agree_and_pass) {
  for (const char* name : {"spec-0001-second-doubling-after-array-reserve.trace",
                           "spec-0002-isolate-second-doubling-from-static-one.trace",
                           "spec-0003-mark-mirror-enomem-after-doubling.trace",
                           "spec-0004-mark-mirror-doubling-searches-mirror.trace"}) {
    SCOPED_TRACE(name);
    const OpTrace trace = load_regression(name);
    ASSERT_FALSE(trace.empty());
    const auto report = check->check(trace);
    EXPECT_FALSE(report.has_value()) << *report;
  }
}

}  // namespace
}  // namespace mbv::test
