// Boot pipeline throughput: whole boots of the corpus machines (Fast walker)
// plus the invariant check, and scenario read/write. Boots per second is the
// number that bounds fuzz/boot_pipeline and shrinking. The 8-node machines
// carry the project's goal: 20,000 boots/s on one core (release build); their
// rows print runs_per_s and goal_ratio (runs_per_s / 20,000).
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench/boot/bench_machines.h"
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

constexpr double kGoalRunsPerSecond = 20000;

// An 8-node server: 8 nodes of `node_gib` GiB, nodes 4-7 hot-pluggable, the
// kernel at 16M in node 0, the usual low-memory holes and a 1 GiB PCI hole
// below 4G. With movable_node the hot-pluggable nodes cannot hold their own
// memmap, so sparse_init allocates it one 2 MiB section map at a time (one
// memblock call and one event each: 2048 for 4 x 64 GiB).
mbv::Scenario eight_node(bool movable_node, std::uint64_t node_gib) {
  using namespace mbv;
  Scenario s;
  s.name = "eight-node";
  s.policy = "linux-6.1";
  s.cmdline = movable_node ? "root=/dev/sda1 movable_node" : "root=/dev/sda1";
  bench::add_low_memory(s);
  const std::uint64_t node = node_gib * SZ_1G;
  s.e820.push_back({SZ_4G, 8 * node - 3 * SZ_1G, E820Type::RAM});
  for (std::uint32_t n = 0; n < 8; ++n) {
    s.srat.cpus.push_back({n, n, false, true});
    const std::uint64_t base = n == 0 ? 0 : n * node + SZ_1G;
    const std::uint64_t end = (n + 1) * node + SZ_1G;
    s.srat.mem.push_back({n, base, end - base, n >= 4 ? 3u : 1u, std::nullopt});
  }
  return s;
}

// One boot per iteration; with `check`, each boot is followed by
// check_invariants (every invariant, as `mbverify boot`, the fuzzer and the
// shrinker judge a run): the figure a user of the whole check sees.
void boot_eight_nodes(benchmark::State& state, const char* policy, bool movable_node,
                      std::uint64_t node_gib, bool check) {
  const mbv::Scenario s = eight_node(movable_node, node_gib);
  mbv::BootOptions o;
  o.policy = policy;
  {
    auto st = mbv::run_boot(s, o);
    if (!st || st->panic) std::abort();
  }
  for (auto _ : state) {
    auto st = mbv::run_boot(s, o);
    benchmark::DoNotOptimize(st);
    if (check) {
      auto rep = mbv::check_invariants(*st);
      benchmark::DoNotOptimize(rep);
    }
  }
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
  state.counters["goal_ratio"] = benchmark::Counter(
      static_cast<double>(state.iterations()) / kGoalRunsPerSecond, benchmark::Counter::kIsRate);
}

void BM_BootEightNodes(benchmark::State& state, const char* policy, bool movable_node,
                       std::uint64_t node_gib) {
  boot_eight_nodes(state, policy, movable_node, node_gib, false);
}
BENCHMARK_CAPTURE(BM_BootEightNodes, 64g_linux61, "linux-6.1", false, 64);
BENCHMARK_CAPTURE(BM_BootEightNodes, 64g_srat_first, "srat-first", false, 64);
BENCHMARK_CAPTURE(BM_BootEightNodes, 64g_linux61_movable_node, "linux-6.1", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodes, 64g_srat_first_movable_node, "srat-first", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodes, 64g_bottom_up_2013_movable_node, "bottom-up-2013", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodes, 8g_linux61, "linux-6.1", false, 8);
BENCHMARK_CAPTURE(BM_BootEightNodes, 8g_linux61_movable_node, "linux-6.1", true, 8);
BENCHMARK_CAPTURE(BM_BootEightNodes, 8g_srat_first_movable_node, "srat-first", true, 8);

// The same machines, each boot followed by check_invariants.
void BM_BootEightNodesChecked(benchmark::State& state, const char* policy, bool movable_node,
                              std::uint64_t node_gib) {
  boot_eight_nodes(state, policy, movable_node, node_gib, true);
}
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 64g_linux61, "linux-6.1", false, 64);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 64g_srat_first, "srat-first", false, 64);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 64g_linux61_movable_node, "linux-6.1", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 64g_srat_first_movable_node, "srat-first", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 64g_bottom_up_2013_movable_node, "bottom-up-2013", true, 64);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 8g_linux61, "linux-6.1", false, 8);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 8g_linux61_movable_node, "linux-6.1", true, 8);
BENCHMARK_CAPTURE(BM_BootEightNodesChecked, 8g_srat_first_movable_node, "srat-first", true, 8);

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
