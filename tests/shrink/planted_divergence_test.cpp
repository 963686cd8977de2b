// Quality bar: a random op-trace divergence planted in a test build shrinks
// to at most 3 operations. The model side runs a test-only mutant (the real
// model is untouched): once reserved holds two or more regions,
// memblock_phys_free forgets to free. RapidCheck draws the noise (a seeded
// generated trace without reservations, frees or allocations), its length,
// the two reservations, the free and where the three are planted; the
// differential engine against the kernel oracle must find the divergence and
// ddmin must cut it to the three planted operations, 1-minimal.
// Skipped when no kernel oracle was built.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <sstream>

#include "impl/trace/trace_gen.h"
#include "model/diff/differential.h"
#include "tests/oracle/oracle_fixture.h"
#include "tests/support/planted_free.h"

namespace mbv::test {
namespace {

using PlantedDivergence = OracleTest;

TEST_F(PlantedDivergence, random_plant_shrinks_to_three_ops) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, 40);
  rc::detail::TestMetadata meta;
  meta.id = "PlantedDivergence/random_plant_shrinks_to_three_ops";
  meta.description = meta.id;
  KernelOracle& k = *oracle;
  std::size_t shrunk_from = 0, shrunk_to = 0, cases = 0;
  const auto result = rc::detail::checkTestable(
      [&] {
        const auto seed = *rc::gen::inRange<std::uint64_t>(0, 1u << 30);
        const auto len = *rc::gen::inRange<std::size_t>(10, 81);
        OpTrace t;
        for (const Op& op : random_trace(seed, TraceGenOptions{3 * len, false, false}))
          if (is_noise(op) && t.size() < len) t.push_back(op);
        // Two reservations that cannot merge (a gap between them), then a free
        // inside the first one.
        const std::uint64_t a = *rc::gen::inRange<std::uint64_t>(1, 512) * SZ_2M;
        const std::uint64_t b = a + *rc::gen::inRange<std::uint64_t>(2, 512) * SZ_2M;
        const std::uint64_t freed = *rc::gen::inRange<std::uint64_t>(1, 513) * SZ_4K;
        auto p0 = *rc::gen::inRange<std::size_t>(0, t.size() + 1);
        auto p1 = *rc::gen::inRange<std::size_t>(p0, t.size() + 1);
        auto p2 = *rc::gen::inRange<std::size_t>(p1, t.size() + 1);
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(p2), Op{OpKind::PhysFree, a, freed});
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(p1), Op{OpKind::Reserve, b, SZ_2M});
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(p0), Op{OpKind::Reserve, a, SZ_2M});

        // The real model agrees with the kernel on the trace: the mutant is the bug.
        Differential real(k);
        RC_PRE(!real.run(t).has_value());
        Differential mutant(k, forgetful_free);
        auto d = mutant.run(t);
        RC_ASSERT(d.has_value());
        RC_ASSERT(d->kind == DivergenceKind::State);
        const Divergence small = mutant.shrink(*d);
        ++cases;
        shrunk_from += d->op_index + 1;
        shrunk_to += small.trace.size();
        RC_ASSERT(small.trace.size() <= 3u);
        RC_ASSERT(small.trace.back().kind == OpKind::PhysFree);
        RC_ASSERT(small.kind == d->kind);
        // 1-minimal: dropping any op loses the divergence.
        for (std::size_t i = 0; i < small.trace.size(); ++i) {
          OpTrace c = small.trace;
          c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
          RC_ASSERT(!mutant.run(c).has_value());
        }
      },
      meta, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  std::printf("%s\n%zu divergences: %zu ops in total before shrinking, %zu after\n", msg.str().c_str(), cases,
              shrunk_from, shrunk_to);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << msg.str();
}

}  // namespace
}  // namespace mbv::test
