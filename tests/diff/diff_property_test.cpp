// RapidCheck property: for random kernel-typical traces, the reference model
// and the real mm/memblock.c return the same values and hold the same whole
// state after EVERY op. A failure prints the shrunk trace (RapidCheck shrinks
// the op choices) with both states in the memblock=debug dump format.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <array>

#include "impl/trace/typical_values.h"
#include "model/diff/differential.h"
#include "tests/oracle/oracle_fixture.h"

namespace mbv::test {
namespace {

// One op as the choices that make it: kind, then per field a value class
// and an extra number (impl/trace/typical_values.h turns them into
// page-aligned bases, SZ_* sizes, near-PHYS_ADDR_MAX values, touching pairs).
struct OpChoice {
  int kind = 0;
  std::array<unsigned, 5> cls{};
  std::array<std::uint64_t, 5> extra{};
};

rc::Gen<OpChoice> gen_op_choice() {
  return rc::gen::build<OpChoice>(
      rc::gen::set(&OpChoice::kind, rc::gen::inRange(0, kCallKindCount)),
      rc::gen::set(&OpChoice::cls,
                   rc::gen::apply([](unsigned a, unsigned b, unsigned c, unsigned d, unsigned e) {
                     return std::array<unsigned, 5>{a, b, c, d, e};
                   }, rc::gen::inRange(0u, 16u), rc::gen::inRange(0u, 16u), rc::gen::inRange(0u, 16u),
                      rc::gen::inRange(0u, 16u), rc::gen::inRange(0u, 16u))),
      rc::gen::set(&OpChoice::extra, rc::gen::arbitrary<std::array<std::uint64_t, 5>>()));
}

OpTrace materialize(const std::vector<OpChoice>& choices, bool movable_node) {
  OpTrace t;
  if (movable_node) t.push_back(Op{OpKind::SetMovableNode, 1});
  TypicalValues tv;
  for (const OpChoice& c : choices) {
    Op op;
    op.kind = static_cast<OpKind>(c.kind);
    if (op.kind == OpKind::SetMovableNode) op.kind = OpKind::AllowResize;  // set once, up front
    const OpShape& sh = op_shape(op.kind);
    for (int s = 0; s < sh.count; ++s)
      set_field(op, sh.slots[s], tv.pick(sh.slots[s].role, c.cls[s], c.extra[s], op));
    tv.note(op);
    t.push_back(op);
  }
  return t;
}

using DiffProperty = OracleTest;

TEST_F(DiffProperty, model_matches_kernel_after_every_op) {
  Differential diff(*oracle);
  const bool ok = rc::check("model == kernel after every op", [&]() {
    const auto choices = *rc::gen::resize(40, rc::gen::container<std::vector<OpChoice>>(gen_op_choice()));
    const bool movable = *rc::gen::arbitrary<bool>();
    const OpTrace trace = materialize(choices, movable);
    RC_CLASSIFY(movable, "movable_node");
    auto d = diff.run(trace);
    if (d && d->kind == DivergenceKind::KernelBug) {
      RC_TAG("kernel BUG reached (not judged)");
      return;
    }
    if (d) RC_FAIL("\n" + trace_to_text(d->trace) + d->describe());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace mbv::test
