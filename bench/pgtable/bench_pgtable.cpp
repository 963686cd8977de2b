// Direct-map model speed: the 1 PiB / 1024-node / 4k-only machine (target:
// well under 50 ms and 100 MB), and init_mem_mapping runs per second on
// 8-node machines. Prints the headline figures first, then Google Benchmark.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "impl/memblock/memblock.h"
#include "impl/pgtable/direct_map.h"

namespace mbv {
namespace {

struct Bench {
  Memblock mb;
  DirectMapConfig cfg;
};

// `nodes` nodes of `node_size` bytes from 0, each ending in a 256 MiB hole so
// memblock keeps one region per node; [0, 1M) and a 64 MiB kernel reserved.
Bench machine(std::uint64_t nodes, std::uint64_t node_size, bool four_k, bool bottom_up,
              bool five_level) {
  Bench b;
  b.mb.allow_resize();
  b.mb.add(SZ_4K, 0x9f000 - SZ_4K);
  for (std::uint64_t i = 0; i < nodes; ++i) {
    const phys_addr_t s = i == 0 ? SZ_1M : i * node_size;
    b.mb.add(s, (i + 1) * node_size - 256 * SZ_1M - s);
  }
  const phys_addr_t kend = 80 * SZ_1M;
  b.mb.reserve(0, SZ_1M);
  b.mb.reserve(16 * SZ_1M, kend - 16 * SZ_1M);
  b.mb.movable_node = bottom_up;
  b.mb.set_bottom_up(bottom_up);
  b.cfg.debug_pagealloc = four_k;
  b.cfg.paging = default_paging(five_level);
  b.cfg.cpu.la57 = five_level;
  b.cfg.max_pfn = pfn_down(b.mb.end_of_DRAM());
  b.cfg.kernel_end = kend;
  b.cfg.pgt_buf_start_pfn = (kend >> PAGE_SHIFT) - INIT_PGT_BUF_PAGES;
  return b;
}

constexpr std::uint64_t SZ_1T = SZ_1G << 10;

void headline() {
  for (bool bu : {false, true}) {
    Bench b = machine(1024, SZ_1T, true, bu, true);
    const auto t0 = std::chrono::steady_clock::now();
    auto dm = init_mem_mapping(b.mb, b.cfg);
    const auto t1 = std::chrono::steady_clock::now();
    if (!dm) {
      std::printf("1 PiB: error %s\n", dm.error().message.c_str());
      continue;
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const LevelCounts t = dm->total_pages();
    std::printf(
        "1 PiB, 1024 nodes, 4k-only, 5-level, %s: %.2f ms, peak RSS %.1f MB, %zu mapping calls, "
        "%zu allocation runs, page-table pages p4d %llu pud %llu pmd %llu pte %llu (%.1f GiB)\n",
        bu ? "bottom-up" : "top-down",
        std::chrono::duration<double, std::milli>(t1 - t0).count(), ru.ru_maxrss / 1024.0,
        dm->calls.size(), dm->allocs.size(), (unsigned long long)t.p4d,
        (unsigned long long)t.pud, (unsigned long long)t.pmd, (unsigned long long)t.pte,
        double(t.total() * PAGE_SIZE) / double(SZ_1G));
  }
}

void BM_OnePiB4k(benchmark::State& st) {
  const bool bu = st.range(0);
  for (auto _ : st) {
    st.PauseTiming();
    Bench b = machine(1024, SZ_1T, true, bu, true);
    st.ResumeTiming();
    auto dm = init_mem_mapping(b.mb, b.cfg);
    benchmark::DoNotOptimize(dm);
  }
}
BENCHMARK(BM_OnePiB4k)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// 8 nodes x 64 GiB: one init_mem_mapping step per iteration.
void BM_EightNodes(benchmark::State& st) {
  const bool four_k = st.range(0), bu = st.range(1);
  const Bench proto = machine(8, 64 * SZ_1G, four_k, bu, false);
  for (auto _ : st) {
    Bench b = proto;
    auto dm = init_mem_mapping(b.mb, b.cfg);
    benchmark::DoNotOptimize(dm);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EightNodes)->ArgsProduct({{0, 1}, {0, 1}})->ArgNames({"4k", "bottom_up"});

}  // namespace
}  // namespace mbv

int main(int argc, char** argv) {
  mbv::headline();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
