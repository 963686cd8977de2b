// How long counterexample mining takes. The quality bar: the linux-6.1
// page-table spill the boot_pipeline fuzzer found from its seed corpus
// (corpus/regressions/boot_pipeline-pgtable-in-hotplug-13d60669.bin) shrinks
// to at most two SRAT memory entries and two e820 RAM entries in under 10 s.
// The tests check the sizes; this prints the seconds (and the sizes, as
// counters), never asserts them.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "impl/boot/fuzz_machine.h"
#include "model/shrink/reproducer.h"
#include "model/shrink/shrink.h"
#include "proofs/optimal_boot.h"

namespace {

std::string corpus(const char* rel) { return (std::filesystem::path(MBV_SOURCE_DIR) / "corpus" / rel).string(); }

mbv::Scenario load(const std::string& path) {
  auto s = mbv::load_reproducer(path);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().to_string().c_str());
    std::abort();
  }
  return *s;
}

double ram_entries(const mbv::Scenario& s) {
  double n = 0;
  for (const mbv::E820Entry& e : s.e820) n += e.type == mbv::E820Type::RAM;
  return n;
}

void BM_Shrink(benchmark::State& state, const char* rel) {
  const mbv::Scenario s = load(corpus(rel));
  mbv::ShrinkOptions o;
  o.property = "hotplug-safety";
  o.time_budget_s = 600;
  mbv::ShrinkResult last;
  for (auto _ : state) {
    auto r = mbv::shrink_scenario(s, o);
    if (!r) {
      state.SkipWithError(r.error().to_string().c_str());
      return;
    }
    last = std::move(*r);
  }
  state.counters["boots"] = static_cast<double>(last.tests);
  state.counters["items_before"] = static_cast<double>(last.size_before.items);
  state.counters["items_after"] = static_cast<double>(last.size_after.items);
  state.counters["srat_mem_before"] = static_cast<double>(s.srat.mem.size());
  state.counters["srat_mem_after"] = static_cast<double>(last.minimal.srat.mem.size());
  state.counters["e820_ram_before"] = ram_entries(s);
  state.counters["e820_ram_after"] = ram_entries(last.minimal);
}
BENCHMARK_CAPTURE(BM_Shrink, fuzzer_spill_linux61, "regressions/boot_pipeline-pgtable-in-hotplug-13d60669.bin")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5);
BENCHMARK_CAPTURE(BM_Shrink, spill_2node_linux61, "machines/spill-2node.scenario")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_Optimal(benchmark::State& state, const char* policy, const char* nodes) {
  const mbv::ViolationSignature want{"hotplug-safety", policy, "direct-map-pgtable", nodes};
  mbv::proofs::OptimalResult last;
  for (auto _ : state) last = mbv::proofs::optimal_boot_machine(want);
  if (last.status != mbv::proofs::OptimalStatus::Found) {
    state.SkipWithError(("no machine: " + last.reason).c_str());
    return;
  }
  state.counters["srat_mem"] = static_cast<double>(last.machine.srat.mem.size());
  state.counters["e820_ram"] = ram_entries(last.machine);
  state.counters["ram_MiB"] = static_cast<double>(last.optimum.at(1).value >> 20);
}
BENCHMARK_CAPTURE(BM_Optimal, linux61_hotplug, "linux-6.1", "hotplug")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Optimal, linux61_immovable_to_hotplug, "linux-6.1", "immovable->hotplug")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
