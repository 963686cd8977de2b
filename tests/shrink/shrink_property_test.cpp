// Shrinking never changes the signature and never grows the scenario: random
// machines that violate something under linux-6.1 or bottom-up-2013 (a small
// immovable node 0 holding the kernel, one or two nodes above it that SRAT
// may call hot-pluggable, movable_node, sometimes debug_pagealloc).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "model/shrink/shrink.h"

namespace mbv {
namespace {

constexpr std::uint64_t kSection = 128ull << 20;

rc::Gen<Scenario> gen_finding_machine() {
  return rc::gen::exec([] {
    Scenario s;
    s.name = "random-finding";
    s.policy = *rc::gen::element<std::string>("linux-6.1", "bottom-up-2013");
    const std::uint64_t n0 = *rc::gen::inRange<std::uint64_t>(2, 25) * kSection;
    const std::uint64_t n1 = *rc::gen::inRange<std::uint64_t>(1, 97) * kSection;
    const bool third = *rc::gen::arbitrary<bool>();
    const std::uint64_t n2 = third ? *rc::gen::inRange<std::uint64_t>(1, 33) * kSection : 0;
    const std::uint64_t end = n0 + n1 + n2;
    s.e820 = {{0, 0x9fc00, E820Type::RAM},
              {0x9fc00, 0x400, E820Type::RESERVED},
              {0xf0000, 0x10000, E820Type::RESERVED},
              {SZ_1M, end - SZ_1M, E820Type::RAM}};
    s.srat.cpus = {{0, 0, false, true}, {1, 1, false, true}};
    s.srat.mem = {{0, 0, n0, 1, std::nullopt},
                  {1, n0, n1, *rc::gen::element<std::uint32_t>(1u, 3u, 3u), std::nullopt}};
    if (third) {
      s.srat.cpus.push_back({2, 2, false, true});
      s.srat.mem.push_back({2, n0 + n1, n2, *rc::gen::element<std::uint32_t>(1u, 3u), std::nullopt});
    }
    // The kernel (48 MiB) sits in a 2 MiB slot near the top of node 0.
    s.kernel.size = 0x3000000;
    const std::uint64_t room = (n0 - SZ_16M - s.kernel.size) / SZ_2M;
    s.kernel.at = n0 - s.kernel.size - SZ_2M * *rc::gen::inRange<std::uint64_t>(0, std::min<std::uint64_t>(room, 8) + 1);
    s.cmdline = "movable_node";
    if (*rc::gen::arbitrary<bool>()) s.cmdline += " debug_pagealloc=on";
    return s;
  });
}

TEST(ShrinkProperty, shrinking_keeps_the_signature_and_never_grows) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = std::min(params.maxSuccess, 25);  // each case shrinks a whole machine
  rc::detail::TestMetadata meta;
  meta.id = "ShrinkProperty/shrinking_keeps_the_signature_and_never_grows";
  meta.description = meta.id;
  const auto result = rc::detail::checkTestable(
      [] {
        const Scenario s = *gen_finding_machine();
        auto j = judge_scenario(s);
        RC_PRE(j.ok() && j->signature.has_value());
        RC_TAG(j->signature->property);
        ShrinkOptions o;
        o.time_budget_s = 30;
        auto r = shrink_scenario(s, o);
        RC_ASSERT(r.ok());
        RC_ASSERT(r->signature == *j->signature);
        RC_ASSERT(r->size_after <= r->size_before);
        RC_ASSERT(scenario_size(r->minimal) <= scenario_size(s));
        auto again = judge_scenario(r->minimal, r->signature.property);
        RC_ASSERT(again.ok());
        RC_ASSERT(again->signature == std::optional<ViolationSignature>(*j->signature));
        RC_ASSERT(again->property_verdict == j->property_verdict);
      },
      meta, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  std::printf("%s\n", msg.str().c_str());
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << msg.str();
}

}  // namespace
}  // namespace mbv
