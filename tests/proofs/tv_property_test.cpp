// Translation validation: for random runs of impl/memblock operations, Z3
// checks that every (before, after) pair satisfies the operation's relation
// from model/z3/relations.h. Values are kernel-typical: page multiples in a
// small window, so operations overlap, touch and split each other.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/memblock/op.h"
#include "proofs/tv.h"

namespace mbv {
// RapidCheck prints a failing run's operations as kernel calls.
inline void showValue(const Op& op, std::ostream& os) { os << to_string(op); }
}  // namespace mbv

namespace mbv::proofs {
namespace {

namespace fs = std::filesystem;

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

// Every step of a random run meets its relation. Runs of up to 6 calls in a
// 64-page window build states of a few regions; each step is four small
// solver calls on constant states, so 100 runs take seconds under ASan.
RC_GTEST_PROP(TranslationValidation, EveryStepMeetsItsRelation, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(1, 7);
  const auto ops = *rc::gen::container<std::vector<Op>>(n, gen_op()).as("ops");
  Memblock start;
  start.mirrored_kernelcore = *rc::gen::arbitrary<bool>().as("kernelcore=mirror");
  z3::context c;
  TraceValidation tv = validate_trace(c, start, ops);
  RC_CLASSIFY(n > 3, "more than 3 calls");
  if (!tv.ok()) RC_FAIL(describe(tv, ops));
  // every generated kind has a relation and no run can fill an array
  RC_ASSERT(tv.validated == ops.size());
  RC_ASSERT(tv.skipped == 0u);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// corpus/regressions/tv-*.trace: each replays with every step PROVED.
TEST(TranslationValidation, Regressions) {
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions";
  int replayed = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("tv-", 0) != 0 || e.path().extension() != ".trace") continue;
    auto trace = parse_trace(read_file(e.path()), e.path().string());
    ASSERT_TRUE(trace.ok()) << name;
    z3::context c;
    TraceValidation tv = validate_trace(c, Memblock{}, *trace);
    EXPECT_TRUE(tv.ok()) << name << ": " << describe(tv, *trace);
    EXPECT_EQ(tv.validated, trace->size()) << name;
    ++replayed;
  }
  EXPECT_GE(replayed, 1);
}

// The trace runner skips what the encoding does not cover and reports the
// first failing step: a run whose relation cannot hold is caught.
TEST(TranslationValidation, TraceReportsSkippedAndFailingSteps) {
  z3::context c;
  const std::vector<Op> ops{Op{OpKind::AllowResize}, Op{OpKind::Add, 0x1000, 0x2000},
                            Op{OpKind::Remove, 0x1000, 0x1000}};
  TraceValidation tv = validate_trace(c, Memblock{}, ops);
  EXPECT_TRUE(tv.ok()) << describe(tv, ops);
  EXPECT_EQ(tv.validated, 2u);
  EXPECT_EQ(tv.skipped, 1u);

  // A step checked against the wrong relation: remove's (before, after) pair
  // is not an add.
  Memblock before;
  apply_op(before, Op{OpKind::Add, 0x1000, 0x2000});
  Memblock after = before;
  apply_op(after, Op{OpKind::Remove, 0x1000, 0x1000});
  StepCheck sc = validate_step(c, Op{OpKind::Add, 0x1000, 0x1000}, before, after, 0);
  EXPECT_EQ(sc.verdict, z3spec::Verdict::Counterexample);
  EXPECT_EQ(sc.failed, "Coverage is as specified");
}

}  // namespace
}  // namespace mbv::proofs
