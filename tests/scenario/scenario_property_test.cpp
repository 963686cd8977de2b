// read(write(s)) == s for random Scenarios (the direction the scenario_parse
// fuzzer, which starts from text, does not drive): every field, verbatim
// values built from the pieces that confuse line readers (blanks, tabs, CRs,
// '#', '=', timestamps, syslog "kernel: " tails, directive words, pasted
// dmesg prefixes).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <sstream>

#include "impl/scenario/scenario.h"

namespace mbv {

void showValue(const Scenario& s, std::ostream& os);

namespace {

const std::vector<std::string> kPieces = {
    "a", "x", "0x10", " ", "  ", "\t", "#", "=", "|", "\r", "kernel: ", "[    0.000000] ", "[1.0]",
    "Command line: ", "BIOS-e820: ", "ACPI: SRAT: Node ", "SRAT: PXM ", "Zone ranges:", "NUMA: Node ",
    "name ", "cmdline ", "expect-dmesg ", "op ", "mbverify-scenario 1", "Linux version ", "\xff"};

// A value a line can hold: no newline, and no CR at its end (the reader
// strips trailing CRs, as a CRLF file has them).
rc::Gen<std::string> gen_verbatim() {
  return rc::gen::exec([] {
    std::string s;
    const int n = *rc::gen::inRange(0, 12);
    for (int i = 0; i < n; ++i) s += *rc::gen::elementOf(kPieces);
    while (!s.empty() && s.back() == '\r') s.pop_back();
    return s;
  });
}

// One word (policy names, finding fields): no blank, tab, newline, no CR at its end.
rc::Gen<std::string> gen_word() {
  return rc::gen::exec([] {
    std::string s = *rc::gen::element<std::string>("linux-6.1", "srat-first", "a=b", "#x", "hotplug-safety",
                                                   "immovable->hotplug", "x\ry", "[1.0]", "kernel:");
    if (*rc::gen::arbitrary<bool>()) s += *rc::gen::element<std::string>("1", "=", "|q");
    return s;
  });
}

rc::Gen<std::uint64_t> gen_u64() {
  return rc::gen::oneOf(rc::gen::arbitrary<std::uint64_t>(),
                        rc::gen::element<std::uint64_t>(0, 1, 0xfff, 0x1000, 0x9fc00, ~0ull, ~0ull - 0xfff));
}

rc::Gen<Scenario> gen_scenario() {
  return rc::gen::exec([] {
    Scenario s;
    s.name = *gen_verbatim();
    s.policy = *gen_word();
    s.cmdline = *gen_verbatim();
    s.cpu = ScenarioCpu{*rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
    s.kernel.size = *gen_u64();
    if (*rc::gen::arbitrary<bool>()) {
      s.kernel.at = *gen_u64();
    } else if (*rc::gen::arbitrary<bool>()) {
      s.kernel.kaslr_random = *gen_u64();
    }
    if (*rc::gen::arbitrary<bool>()) s.kernel.kaslr_random_virt = *gen_u64();
    if (*rc::gen::arbitrary<bool>()) s.kernel.kaslr_random_mem = *gen_u64();
    if (*rc::gen::arbitrary<bool>()) s.kernel.cmdline_addr = *gen_u64();
    if (*rc::gen::arbitrary<bool>()) s.kernel.boot_params_addr = *gen_u64();
    const int ne = *rc::gen::inRange(0, 5);
    for (int i = 0; i < ne; ++i) {
      const auto type = *rc::gen::oneOf(
          rc::gen::element<std::uint32_t>(1, 2, 3, 4, 5, 7, 12, 0xefffffff, 128),
          rc::gen::arbitrary<std::uint32_t>());
      s.e820.push_back({*gen_u64(), *gen_u64(), static_cast<E820Type>(type)});
    }
    s.srat.revision = *rc::gen::arbitrary<std::uint8_t>();
    if (*rc::gen::inRange(0, 4) == 0) {
      const int nb = *rc::gen::inRange(1, 80);
      for (int i = 0; i < nb; ++i) s.srat.binary.push_back(*rc::gen::arbitrary<std::uint8_t>());
    } else {
      const int nc = *rc::gen::inRange(0, 3);
      for (int i = 0; i < nc; ++i)
        s.srat.cpus.push_back({*rc::gen::arbitrary<std::uint32_t>(), *rc::gen::arbitrary<std::uint32_t>(),
                               *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()});
      const int nm = *rc::gen::inRange(0, 3);
      for (int i = 0; i < nm; ++i) {
        ScenarioSratMem m{*rc::gen::arbitrary<std::uint32_t>(), *gen_u64(), *gen_u64(),
                          *rc::gen::arbitrary<std::uint32_t>(), std::nullopt};
        if (*rc::gen::arbitrary<bool>()) m.node = *rc::gen::inRange(0, MAX_NUMNODES);
        s.srat.mem.push_back(m);
      }
    }
    s.slit_localities = *rc::gen::inRange(0, 65536);
    const int nr = *rc::gen::inRange(0, 3);
    for (int i = 0; i < nr; ++i) {
      const std::uint64_t base = *gen_u64();
      const std::uint64_t size = *rc::gen::inRange<std::uint64_t>(0, ~base);
      s.reserves.push_back({static_cast<Owner>(*rc::gen::inRange(0, static_cast<int>(Owner::Other) + 1)),
                            PhysRange{base, base + size}});
    }
    const int no = *rc::gen::inRange(0, 3);
    for (int i = 0; i < no; ++i) {
      Op op;
      op.kind = static_cast<OpKind>(*rc::gen::inRange(0, kOpKindCount));
      op.a = *gen_u64();
      op.b = *gen_u64();
      op.c = *gen_u64();
      op.d = *gen_u64();
      op.nid = *rc::gen::element(0, 1, NUMA_NO_NODE, MAX_NUMNODES, -5);
      op.flags = *rc::gen::arbitrary<std::uint32_t>();
      op.type = *rc::gen::element(MemblockTypeId::Memory, MemblockTypeId::Reserved);
      s.ops.push_back(canonical_op(op));  // only canonical ops have one text
    }
    if (*rc::gen::arbitrary<bool>()) {
      ViolationSignature v{*gen_word(), "", "", ""};
      if (*rc::gen::arbitrary<bool>()) v.policy = *gen_word();
      if (*rc::gen::arbitrary<bool>()) v.owner = *gen_word();
      if (*rc::gen::arbitrary<bool>()) v.nodes = *gen_word();
      s.finding = v;
    }
    if (*rc::gen::arbitrary<bool>())
      s.expect = *rc::gen::element(ExpectedVerdict::Ok, ExpectedVerdict::Finding, ExpectedVerdict::Failure);
    const int nd = *rc::gen::inRange(0, 3);
    for (int i = 0; i < nd; ++i) s.expect_dmesg.push_back(*gen_verbatim());
    return s;
  });
}

// 1000 cases (~2 s with ASan); RC_PARAMS="reproduce=..." replays a failure.
TEST(ScenarioProperty, write_then_read_is_identity) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = 1000;
  rc::detail::TestMetadata meta;
  meta.id = "ScenarioProperty/write_then_read_is_identity";
  meta.description = meta.id;
  const auto result = rc::detail::checkTestable(
      [] {
        const Scenario s = *gen_scenario();
        const std::string text = write_scenario(s);
        auto back = read_scenario_no_files(text, "gen.scenario");
        if (!back) RC_FAIL(back.error().to_string() + "\n" + text);
        RC_ASSERT(*back == s);
        RC_ASSERT(write_scenario(*back) == text);
      },
      meta, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << msg.str();
}

}  // namespace

// RapidCheck prints a counterexample as its canonical text.
void showValue(const Scenario& s, std::ostream& os) { os << "\n" << write_scenario(s); }

}  // namespace mbv
