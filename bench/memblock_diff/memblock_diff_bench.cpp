// Throughput of the reference model and of the kernel oracle on the same
// seeded traces (ops/s and their ratio), and of the whole differential check
// (traces/s, "exec/s" for the fuzzer: target >= 100k/s for short traces).
//   ./bench_memblock_diff [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <chrono>
#include <optional>
#include <vector>

#include "impl/trace/trace_gen.h"
#include "model/diff/differential.h"
#include "model/oracle/kernel_oracle.h"

namespace mbv {
namespace {

std::vector<OpTrace> make_traces(std::size_t ops, std::size_t n = 512) {
  std::vector<OpTrace> v;
  for (std::size_t i = 0; i < n; ++i)
    v.push_back(random_trace(trace_seed(42, i), TraceGenOptions{ops, i % 2 == 1, false}));
  return v;
}

std::size_t total_ops(const std::vector<OpTrace>& v) {
  std::size_t n = 0;
  for (const auto& t : v) n += t.size();
  return n;
}

std::optional<KernelOracle> load_or_skip(benchmark::State& st) {
  auto so = default_oracle_path();
  if (!so) {
    st.SkipWithError(so.error().to_string().c_str());
    return std::nullopt;
  }
  auto o = KernelOracle::load(*so);
  if (!o) {
    st.SkipWithError(o.error().to_string().c_str());
    return std::nullopt;
  }
  return std::move(*o);
}

void BM_Model(benchmark::State& st) {
  const auto traces = make_traces(static_cast<std::size_t>(st.range(0)));
  for (auto _ : st) {
    for (const auto& t : traces) {
      Memblock mb;
      for (const Op& op : t) benchmark::DoNotOptimize(apply_op(mb, op));
    }
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * total_ops(traces)));
}

void BM_Oracle(benchmark::State& st) {
  auto oracle = load_or_skip(st);
  if (!oracle) return;
  const auto traces = make_traces(static_cast<std::size_t>(st.range(0)));
  for (auto _ : st) {
    for (const auto& t : traces) {
      oracle->reset();
      for (const Op& op : t) benchmark::DoNotOptimize(oracle->apply(op));
    }
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * total_ops(traces)));
}

// Same traces, both sides timed in the same iteration: ratio = model ops/s
// divided by oracle ops/s.
void BM_ModelOracleRatio(benchmark::State& st) {
  auto oracle = load_or_skip(st);
  if (!oracle) return;
  const auto traces = make_traces(static_cast<std::size_t>(st.range(0)));
  using Clock = std::chrono::steady_clock;
  double model_s = 0, oracle_s = 0;
  for (auto _ : st) {
    auto t0 = Clock::now();
    for (const auto& t : traces) {
      Memblock mb;
      for (const Op& op : t) benchmark::DoNotOptimize(apply_op(mb, op));
    }
    auto t1 = Clock::now();
    for (const auto& t : traces) {
      oracle->reset();
      for (const Op& op : t) benchmark::DoNotOptimize(oracle->apply(op));
    }
    auto t2 = Clock::now();
    model_s += std::chrono::duration<double>(t1 - t0).count();
    oracle_s += std::chrono::duration<double>(t2 - t1).count();
  }
  const double ops = static_cast<double>(st.iterations() * total_ops(traces));
  st.counters["model_ops_per_s"] = ops / model_s;
  st.counters["oracle_ops_per_s"] = ops / oracle_s;
  st.counters["model_over_oracle"] = oracle_s / model_s;
}

// The full differential check (run both, compare whole state after each op).
void BM_Differential(benchmark::State& st) {
  auto oracle = load_or_skip(st);
  if (!oracle) return;
  const auto traces = make_traces(static_cast<std::size_t>(st.range(0)));
  Differential diff(*oracle);
  for (auto _ : st)
    for (const auto& t : traces) benchmark::DoNotOptimize(diff.run(t));
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * traces.size()));
  st.counters["exec_per_s"] = benchmark::Counter(
      static_cast<double>(st.iterations() * traces.size()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Model)->Arg(8)->Arg(32)->Arg(128);
BENCHMARK(BM_Oracle)->Arg(8)->Arg(32)->Arg(128);
BENCHMARK(BM_ModelOracleRatio)->Arg(8)->Arg(32)->Arg(128);
BENCHMARK(BM_Differential)->Arg(8)->Arg(32)->Arg(128);

}  // namespace
}  // namespace mbv

BENCHMARK_MAIN();
