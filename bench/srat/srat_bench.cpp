// SRAT throughput: parse_srat (tables/s) and linux_view on a typical 4-node
// table (8 CPUs, 6 memory ranges, one hot-plug window) and a 1024-node one
// (a CPU and two memory ranges per node, the largest Linux 6.1 accepts).
#include <benchmark/benchmark.h>

#include "impl/acpi/srat.h"

namespace {

using namespace mbv;

Srat four_node() {
  std::vector<SratCpuAffinity> cpus;
  for (std::uint32_t c = 0; c < 8; ++c) cpus.push_back(make_cpu_affinity(c / 2, static_cast<std::uint8_t>(c)));
  return make_srat({make_memory_affinity(0, 0, 0xa0000), make_memory_affinity(0, SZ_1M, 3 * SZ_1G - SZ_1M),
                    make_memory_affinity(1, SZ_4G, 4 * SZ_1G), make_memory_affinity(2, 8 * SZ_1G, 4 * SZ_1G),
                    make_memory_affinity(3, 12 * SZ_1G, 4 * SZ_1G),
                    make_memory_affinity(3, 16 * SZ_1G, 16 * SZ_1G, true)},
                   cpus);
}

Srat big(std::uint32_t nodes) {
  std::vector<SratMemoryAffinity> mem;
  std::vector<SratX2apicAffinity> cpus;
  for (std::uint32_t n = 0; n < nodes; ++n) {
    cpus.push_back(make_x2apic_affinity(n, n));
    mem.push_back(make_memory_affinity(n, std::uint64_t(n) * 2 * SZ_4G, SZ_4G));
    mem.push_back(make_memory_affinity(n, std::uint64_t(n) * 2 * SZ_4G + SZ_4G, SZ_4G, true));
  }
  return make_srat(mem, {}, cpus);
}

void parse(benchmark::State& state, const Srat& s) {
  const auto bytes = write_srat(s);
  for (auto _ : state) {
    auto r = parse_srat(bytes, "bench");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());  // items = tables
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
  state.counters["entries"] = static_cast<double>(s.entries.size());
}

void view(benchmark::State& state, const Srat& s) {
  for (auto _ : state) {
    auto v = linux_view(s);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_parse_4node(benchmark::State& st) { parse(st, four_node()); }
void BM_parse_1024node(benchmark::State& st) { parse(st, big(1024)); }
void BM_linux_view_4node(benchmark::State& st) { view(st, four_node()); }
void BM_linux_view_1024node(benchmark::State& st) { view(st, big(1024)); }
void BM_write_1024node(benchmark::State& st) {
  const Srat s = big(1024);
  for (auto _ : st) benchmark::DoNotOptimize(write_srat(s));
  st.SetItemsProcessed(st.iterations());
}

BENCHMARK(BM_parse_4node);
BENCHMARK(BM_parse_1024node);
BENCHMARK(BM_linux_view_4node);
BENCHMARK(BM_linux_view_1024node);
BENCHMARK(BM_write_1024node);

}  // namespace

BENCHMARK_MAIN();
