// Documented Linux 6.1 gaps (docs/spec.md, "Kernel gaps"), replayed from
// tests/spec/data/*.trace: each trace runs clean through check_step until its
// last op, which must be reported as exactly that gap (never as a spec
// violation, never silently). Each trace was checked against the real
// mm/memblock.c with `mbverify diff --replay` (model and kernel agree).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "impl/memblock/op.h"
#include "model/spec/spec.h"

namespace mbv::spec {
namespace {

struct Replay {
  std::size_t steps = 0;  // ops run before the gap (inclusive)
  std::string gap;        // the gap note, empty if none
  std::optional<Violation> violation;
};

Replay replay(const std::string& name, const std::string& dir = "/tests/spec/data/") {
  const std::string path = std::string(MBV_SOURCE_DIR) + dir + name;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto trace = parse_trace(text.str(), path);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().to_string());
  Replay out;
  if (!trace.ok()) return out;
  Memblock mb;
  for (const Op& op : *trace) {
    const Memblock before = mb;
    const OpResult r = apply_op(mb, op);
    ++out.steps;
    out.violation = check_step(before, op, r, mb, &out.gap);
    if (out.violation || !out.gap.empty()) break;
  }
  EXPECT_EQ(out.steps, trace->size()) << name << ": the gap must be the last op, if any";
  return out;
}

TEST(SpecKernelGaps, double_array_overlap) {
  const Replay r = replay("gap3-double-array-overlap.trace");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_NE(r.gap.find("overlaps the new memory array"), std::string::npos) << r.gap;
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
  const Replay r = replay("spec-0001-second-doubling-after-array-reserve.trace", "/corpus/regressions/");
  EXPECT_FALSE(r.violation.has_value()) << r.violation->to_string();
  EXPECT_EQ(r.gap, "");
  EXPECT_EQ(r.steps, 131u);
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

}  // namespace
}  // namespace mbv::spec
