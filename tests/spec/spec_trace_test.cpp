// Random operation traces run on the reference model satisfy every relation
// of the executable spec, step by step (check_step) and state by state
// (check_state). A failure prints the shrunk trace as kernel calls.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/spec/spec.h"
#include "tests/support/memblock_gen.h"

namespace mbv::spec {
namespace {

// Runs the trace; returns the first violation with the step that caused it.
std::optional<std::string> run_checked(Memblock& mb, const std::vector<Op>& trace) {
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const Memblock before = mb;
    const OpResult r = apply_op(mb, trace[i]);
    std::string gap;
    if (auto v = check_step(before, trace[i], r, mb, &gap))
      return "step " + std::to_string(i) + " " + to_string(trace[i]) + " -> " + std::to_string(r.value) +
             ": " + v->to_string();
    if (!gap.empty()) {  // a documented Linux 6.1 gap: the rest is outside the spec
      RC_TAG("stopped at a kernel gap");
      break;
    }
  }
  return std::nullopt;
}

RC_GTEST_PROP(SpecTrace, random_traces_satisfy_the_spec, (const std::vector<Op>& trace)) {
  // How the generator ties ranges together (tests/support/memblock_gen.h).
  bool adjacent = false, overlapping = false, near_max = false;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (!testgen::takes_range(trace[i].kind)) continue;
    const PhysRange r{trace[i].a, trace[i].a + cap_size(trace[i].a, trace[i].b)};
    near_max |= r.end > PHYS_ADDR_MAX - SZ_1M;
    for (std::size_t j = 0; j < i; ++j) {
      if (!testgen::takes_range(trace[j].kind)) continue;
      const PhysRange q{trace[j].a, trace[j].a + cap_size(trace[j].a, trace[j].b)};
      adjacent |= !r.empty() && !q.empty() && (q.end == r.start || r.end == q.start);
      overlapping |= r.intersects(q);
    }
  }
  RC_CLASSIFY(adjacent, "adjacent pair");
  RC_CLASSIFY(overlapping, "overlapping pair");
  RC_CLASSIFY(near_max, "near PHYS_ADDR_MAX");
  Memblock mb;
  const auto v = run_checked(mb, trace);
  if (v) RC_FAIL(*v);
}

// Same, starting from a populated, resizable memblock (as after
// e820__memblock_setup), so allocations and doubling have room to act.
RC_GTEST_PROP(SpecTrace, traces_on_a_populated_memblock, (const std::vector<Op>& trace)) {
  Memblock mb;
  mb.allow_resize();
  mb.add_node(SZ_1M, SZ_1G - SZ_1M, 0, MEMBLOCK_NONE);
  mb.add_node(SZ_1G, SZ_1G, 1, MEMBLOCK_HOTPLUG);
  mb.reserve(SZ_16M, SZ_16M);
  const auto v = run_checked(mb, trace);
  if (v) RC_FAIL(*v);
}

// Both arrays one or two regions short of full, with and without resize
// permission: every op now meets the capacity rules (-ENOMEM, doubling and
// where the new array goes, a reservation falling through in an allocation).
RC_GTEST_PROP(SpecTrace, traces_near_full_arrays, (const std::vector<Op>& trace, bool resize)) {
  Memblock mb;
  if (resize) mb.allow_resize();
  mb.add_node(SZ_1M, 4 * SZ_1G, 0, MEMBLOCK_NONE);
  const std::size_t fill = INIT_MEMBLOCK_REGIONS - *rc::gen::inRange<std::size_t>(1, 3);
  for (std::size_t i = 1; i < fill; ++i) mb.add_node(8 * SZ_1G + i * 2 * SZ_2M, SZ_2M, 1, MEMBLOCK_NONE);
  for (std::size_t i = 0; i < fill; ++i) mb.reserve(SZ_16M + i * 2 * SZ_64K, SZ_64K);
  RC_PRE(mb.memory.cnt() == fill && mb.reserved.cnt() == fill);
  RC_CLASSIFY(resize, "resizable");
  const auto v = run_checked(mb, trace);
  RC_CLASSIFY(mb.memory.max > INIT_MEMBLOCK_REGIONS, "memory doubled");
  RC_CLASSIFY(mb.reserved.max > INIT_MEMBLOCK_REGIONS, "reserved doubled");
  if (v) RC_FAIL(*v);
}

// Tiny static arrays (init_memblock_regions with 1..8 entries per type), so
// that most traces double an array, often inside another doubling, and reach
// -ENOMEM and the kernel's capacity BUGs within a few ops.
RC_GTEST_PROP(SpecTrace, traces_on_small_static_arrays, (const std::vector<Op>& trace, bool resize)) {
  const std::uint64_t nm = *rc::gen::inRange<std::uint64_t>(1, 9);
  const std::uint64_t nr = *rc::gen::inRange<std::uint64_t>(1, 9);
  std::vector<Op> t{Op{OpKind::InitRegions, nm, nr}};
  if (resize) t.push_back(Op{OpKind::AllowResize});
  t.push_back(Op{OpKind::AddNode, SZ_1M, 4 * SZ_1G, 0, 0, 0, MEMBLOCK_NONE});
  t.insert(t.end(), trace.begin(), trace.end());
  Memblock mb;
  const auto v = run_checked(mb, t);
  RC_CLASSIFY(resize, "resizable");
  RC_CLASSIFY(mb.memory.max > nm || mb.reserved.max > nr, "doubled");
  RC_CLASSIFY(mb.kernel_bug != KernelBug::None, "kernel BUG");
  if (v) RC_FAIL(*v);
}

}  // namespace
}  // namespace mbv::spec
