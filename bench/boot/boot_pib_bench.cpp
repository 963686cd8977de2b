// The scale goal for one boot: a 1 PiB machine with 1024 nodes and
// 4 KiB-only mapping simulated (the whole pipeline, run_boot) in under 50 ms
// and under 100 MB of memory. Prints, per variant, wall and CPU time per run
// and the peak heap of one run (this binary counts every operator new/delete;
// bench_boot does not, so its throughput figures carry no counting cost),
// plus the process's peak RSS, each with its ratio to the goal.
//
//   bench_boot_pib [--runs N]
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

#include "bench/boot/bench_machines.h"
#include "impl/boot/boot.h"
#include "model/invariants/invariants.h"

namespace {

// Heap bytes in use and their high-water mark (malloc_usable_size, so new and
// delete count the same amount).
std::atomic<std::size_t> g_live{0};
std::atomic<std::size_t> g_peak{0};

void* counted_alloc(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  const std::size_t now =
      g_live.fetch_add(malloc_usable_size(p), std::memory_order_relaxed) + malloc_usable_size(p);
  std::size_t peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return p;
}

void counted_free(void* p) {
  if (!p) return;
  g_live.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

namespace {

constexpr double kGoalMs = 50;
constexpr double kGoalMB = 100;
constexpr std::uint64_t SZ_1T = mbv::SZ_1G << 10;

// 1024 SRAT nodes of 1 TiB (1 PiB of address space; RAM is each node less a
// 256 MiB hole at its end, the usual low holes and a 1 GiB PCI hole below 4G),
// the kernel at 16M in node 0, 4 KiB pages only (no PSE, no GB pages) and
// 5-level paging (4-level reaches only 64 TiB). With `movable_node`, nodes
// 512-1023 are hot-pluggable.
mbv::Scenario one_pib(bool movable_node) {
  using namespace mbv;
  Scenario s;
  s.name = "one-pib";
  s.policy = "linux-6.1";
  s.cmdline = movable_node ? "root=/dev/sda1 movable_node" : "root=/dev/sda1";
  s.cpu.pse = false;
  s.cpu.gbpages = false;
  s.cpu.la57 = true;
  bench::add_low_memory(s);
  constexpr std::uint32_t kNodes = 1024;
  // Each node ends in a 256 MiB hole (per-node MMIO), so no memory range
  // crosses a 256 TiB (5-level PGD) boundary: 6.1's phys_p4d_init walks such a
  // range past the end of its P4D table, which the fast model refuses.
  constexpr std::uint64_t kHole = 256 * SZ_1M;
  s.e820.push_back({SZ_4G, SZ_1T - kHole - SZ_4G, E820Type::RAM});
  for (std::uint32_t n = 1; n < kNodes; ++n)
    s.e820.push_back({n * SZ_1T, SZ_1T - kHole, E820Type::RAM});
  for (std::uint32_t n = 0; n < kNodes; ++n) {
    s.srat.cpus.push_back({n, n, true, true});
    const bool hot = movable_node && n >= kNodes / 2;
    s.srat.mem.push_back({n, n * SZ_1T, SZ_1T, hot ? 3u : 1u, std::nullopt});
  }
  return s;
}

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void run(const char* label, const mbv::Scenario& s, const char* policy, int runs) {
  mbv::BootOptions o;
  o.policy = policy;
  std::vector<double> wall, cpu, check_cpu;
  std::size_t peak_heap = 0;
  std::size_t events = 0, log_lines = 0;
  std::string verdict;
  for (int i = 0; i < runs; ++i) {
    const std::size_t base = g_live.load();
    g_peak.store(base);
    const double c0 = cpu_ms();
    const auto t0 = std::chrono::steady_clock::now();
    auto st = mbv::run_boot(s, o);
    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = cpu_ms();
    if (!st) {
      std::printf("%s: error %s\n", label, st.error().message.c_str());
      return;
    }
    if (st->panic) {
      std::printf("%s: panic %s\n", label, st->panic->c_str());
      return;
    }
    peak_heap = std::max(peak_heap, g_peak.load() - base);
    wall.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    cpu.push_back(c1 - c0);
    events = st->events.size();
    log_lines = st->log.size();
    const double k0 = cpu_ms();
    const mbv::InvariantReport rep = mbv::check_invariants(*st);
    check_cpu.push_back(cpu_ms() - k0);
    verdict = "overall " + std::string(mbv::invariant_verdict_name(rep.overall()));
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double wall_ms = median(wall), cpu_ms_med = median(cpu);
  const double heap_mb = static_cast<double>(peak_heap) / 1e6;
  std::printf(
      "%-30s run_boot cpu %7.2f ms  goal_ratio(time) %5.2f  wall %7.2f ms (min %.2f)  "
      "peak heap %6.1f MB  goal_ratio(memory) %5.2f  | check_invariants cpu %.2f ms | "
      "%zu events, %zu log lines, %s, process max RSS so far %.1f MB\n",
      label, cpu_ms_med, kGoalMs / cpu_ms_med, wall_ms, *std::min_element(wall.begin(), wall.end()),
      heap_mb, kGoalMB / heap_mb, median(check_cpu), events, log_lines, verdict.c_str(),
      ru.ru_maxrss / 1024.0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--runs")) runs = std::max(1, std::atoi(argv[i + 1]));
  std::printf("goal: one boot of 1 PiB / 1024 nodes / 4K-only < %.0f ms and < %.0f MB "
              "(goal_ratio = goal / measured CPU time or peak heap, >= 1 meets it; wall time "
              "depends on the machine's load); median of %d runs\n",
              kGoalMs, kGoalMB, runs);
  const mbv::Scenario plain = one_pib(false);
  const mbv::Scenario movable = one_pib(true);
  run("1pib_linux61", plain, "linux-6.1", runs);
  run("1pib_srat_first", plain, "srat-first", runs);
  run("1pib_linux61_movable_node", movable, "linux-6.1", runs);
  run("1pib_srat_first_movable_node", movable, "srat-first", runs);
  return 0;
}
