// ddmin on its own: pure predicates, no oracle.
#include <gtest/gtest.h>

#include <algorithm>

#include "impl/trace/trace_gen.h"
#include "model/diff/ddmin.h"

namespace mbv::test {
namespace {


// Fails iff both marker ops are present in order: ddmin keeps exactly them.
TEST(Ddmin, keeps_two_needed_ops_in_order) {
  const Op x{OpKind::Reserve, 0x1000, 0x1000}, y{OpKind::PhysFree, 0x1000, 0x1000};
  OpTrace t = random_trace(7, TraceGenOptions{40, false, false});
  t.insert(t.begin() + 9, x);
  t.insert(t.begin() + 31, y);
  auto fails = [&](const OpTrace& c) {
    auto ix = std::find(c.begin(), c.end(), x), iy = std::find(c.begin(), c.end(), y);
    return ix != c.end() && iy != c.end() && ix < iy;
  };
  std::size_t tests = 0;
  const OpTrace small = ddmin(t, fails, &tests);
  EXPECT_EQ(small, (OpTrace{x, y}));
  EXPECT_GT(tests, 0u);
}

// The result is 1-minimal: removing any single op makes the failure vanish.
TEST(Ddmin, result_is_one_minimal) {
  OpTrace t = random_trace(11, TraceGenOptions{64, false, false});
  // fails when at least three Add ops remain
  auto fails = [](const OpTrace& c) {
    return std::count_if(c.begin(), c.end(), [](const Op& o) { return o.kind == OpKind::Add; }) >= 3;
  };
  ASSERT_TRUE(fails(t));
  const OpTrace small = ddmin(t, fails);
  EXPECT_EQ(small.size(), 3u);
  for (std::size_t i = 0; i < small.size(); ++i) {
    OpTrace c = small;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(fails(c));
  }
}

TEST(Ddmin, deterministic) {
  OpTrace t = random_trace(3, TraceGenOptions{50, true, false});
  auto fails = [](const OpTrace& c) {
    return std::count_if(c.begin(), c.end(),
                         [](const Op& o) { return o.kind == OpKind::Reserve || o.kind == OpKind::Add; }) >= 2;
  };
  ASSERT_TRUE(fails(t));
  EXPECT_EQ(ddmin(t, fails), ddmin(t, fails));
}

TEST(Ddmin, single_op_stays) {
  const OpTrace t = {Op{OpKind::AllowResize}};
  EXPECT_EQ(ddmin(t, [](const OpTrace& c) { return !c.empty(); }), t);
}

}  // namespace
}  // namespace mbv::test
