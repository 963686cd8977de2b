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

// spec-0001 (memblock_ops crash-1a373609): a reserve that doubles reserved,
// whose own array reservation then needs a second doubling that finds no
// memory; the kernel returns -ENOMEM and the spec's capacity law accepts it.
TEST_F(DiffCheckRegressions, second_doubling_after_array_reserve) {
  const OpTrace trace = load_regression("spec-0001-second-doubling-after-array-reserve.trace");
  ASSERT_FALSE(trace.empty());
  const auto report = check->check(trace);
  EXPECT_FALSE(report.has_value()) << *report;
}

// spec-0002 (memblock_ops crash-84bf8e9c): a partial free that isolates
// reserved from a static array of one entry doubles it once, and its second
// doubling finds no memory; the kernel returns -ENOMEM, the spec accepts it.
TEST_F(DiffCheckRegressions, isolate_second_doubling_from_static_one) {
  const OpTrace trace = load_regression("spec-0002-isolate-second-doubling-from-static-one.trace");
  ASSERT_FALSE(trace.empty());
  const auto report = check->check(trace);
  EXPECT_FALSE(report.has_value()) << *report;
}

// spec-0003: memblock_mark_mirror fails after doubling memory from a static
// array of one entry; the kernel keeps system_has_some_mirror set.
TEST_F(DiffCheckRegressions, mark_mirror_enomem_after_doubling) {
  const OpTrace trace = load_regression("spec-0003-mark-mirror-enomem-after-doubling.trace");
  ASSERT_FALSE(trace.empty());
  const auto report = check->check(trace);
  EXPECT_FALSE(report.has_value()) << *report;
}

// spec-0004: the doubling inside memblock_mark_mirror searches mirrored
// memory first; model and kernel place the array alike, the spec agrees.
TEST_F(DiffCheckRegressions, mark_mirror_doubling_searches_mirror) {
  const OpTrace trace = load_regression("spec-0004-mark-mirror-doubling-searches-mirror.trace");
  ASSERT_FALSE(trace.empty());
  const auto report = check->check(trace);
  EXPECT_FALSE(report.has_value()) << *report;
}

}  // namespace
}  // namespace mbv::test
