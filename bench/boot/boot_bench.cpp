// Boot pipeline throughput: whole boots of the corpus machines (Fast walker)
// plus the invariant check, and scenario read/write. Boots per second is the
// number that bounds fuzz/boot_pipeline and shrinking.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "impl/boot/boot.h"
#include "impl/boot/fuzz_machine.h"
#include "model/invariants/invariants.h"

namespace {

mbv::Scenario machine(const char* name) {
  auto s = mbv::load_scenario(
      (std::filesystem::path(MBV_SOURCE_DIR) / "corpus" / "machines" / name).string());
  if (!s) std::abort();
  return *s;
}

void BM_Boot(benchmark::State& state, const char* name, const char* policy) {
  const mbv::Scenario s = machine(name);
  mbv::BootOptions o;
  o.policy = policy;
  for (auto _ : state) {
    auto st = mbv::run_boot(s, o);
    benchmark::DoNotOptimize(st);
  }
}
BENCHMARK_CAPTURE(BM_Boot, spill_linux61, "spill-2node.scenario", "linux-6.1")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Boot, spill_srat_first, "spill-2node.scenario", "srat-first")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Boot, server_4node, "server-4node-hotplug.scenario", "linux-6.1")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Boot, laptop_kaslr, "laptop.scenario", "linux-6.1")->Unit(benchmark::kMillisecond);

void BM_BootAndCheck(benchmark::State& state) {
  const mbv::Scenario s = machine("spill-2node.scenario");
  for (auto _ : state) {
    auto st = mbv::run_boot(s);
    auto rep = mbv::check_invariants(*st);
    benchmark::DoNotOptimize(rep);
  }
}
BENCHMARK(BM_BootAndCheck)->Unit(benchmark::kMillisecond);

void BM_ScenarioRoundTrip(benchmark::State& state) {
  const std::string text = mbv::write_scenario(machine("server-2socket.scenario"));
  for (auto _ : state) {
    auto s = mbv::read_scenario(text, "bench");
    benchmark::DoNotOptimize(mbv::write_scenario(*s));
  }
}
BENCHMARK(BM_ScenarioRoundTrip);

}  // namespace

BENCHMARK_MAIN();
