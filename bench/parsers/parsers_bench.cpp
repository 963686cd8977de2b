// Parser throughput: a large synthetic boot log (written by write_dmesg with
// a many-node machine and a long e820 table, plus unrelated noise lines the
// reader must skip) read by read_dmesg; also e820 dmesg tables, sanitize and
// the command line. Reports bytes/s (MB/s) per benchmark.
#include <benchmark/benchmark.h>

#include "impl/cmdline/cmdline.h"
#include "impl/dmesg/dmesg.h"
#include "impl/e820/e820.h"

namespace mbv {
namespace {

DmesgLog big_machine(int nodes, int e820_entries) {
  DmesgLog l;
  l.linux_version = "6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)";
  l.command_line = "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro movable_node memmap=1G$64G crashkernel=512M";
  DmesgE820Table t{"BIOS-e820", {}};
  for (int i = 0; i < e820_entries; i++)
    t.table.entries.push_back({std::uint64_t(i) << 24, 0xff0000, i % 7 ? E820Type::RAM : E820Type::RESERVED});
  l.e820 = {t};
  const std::uint64_t per = 64ull << 30;
  std::vector<DmesgNodeRange> ranges;
  for (int n = 0; n < nodes; n++) {
    DmesgSratMem m{n, std::uint32_t(n), {per * n, per * (n + 1)}};
    m.hotplug = n % 2;
    l.srat.push_back(m);
    l.node_data.push_back({n, {per * (n + 1) - 0x2b000, per * (n + 1)}, std::nullopt});
    ranges.push_back({n, {per * n + 0x1000, per * (n + 1)}});
    l.init_memory_mapping.push_back({per * n, per * (n + 1)});
  }
  l.early_node_ranges = ranges;
  l.zones = std::vector<DmesgZone>{{"DMA", PhysRange{0x1000, 0x1000000}},
                                   {"DMA32", PhysRange{0x1000000, 0x100000000ull}},
                                   {"Normal", PhysRange{0x100000000ull, per * nodes}},
                                   {"Device", std::nullopt}};
  l.movable_zone_start = std::vector<DmesgMovableStart>{};
  l.memory = DmesgMemory{1000000000, 1100000000, "(16384K kernel code, 4096K rwdata)"};
  return l;
}

std::string big_log() {
  std::string log = write_dmesg(big_machine(256, 2000), true);
  // Real logs are mostly other drivers' lines: interleave noise 4:1.
  std::string out;
  std::size_t p = 0;
  while (p < log.size()) {
    const std::size_t nl = log.find('\n', p);
    out.append(log, p, nl - p + 1);
    for (int k = 0; k < 4; k++)
        out += "[    1.234567] usb 1-1: new high-speed USB device number 2 using xhci_hcd\n";
    p = nl + 1;
  }
  return out;
}

void BM_read_dmesg(benchmark::State& state) {
  const std::string log = big_log();
  for (auto _ : state) {
    auto r = read_dmesg(log, "bench");
    if (!r.ok()) state.SkipWithError(r.error().to_string().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * log.size()));
  state.counters["log_MiB"] = static_cast<double>(log.size()) / (1 << 20);
}
BENCHMARK(BM_read_dmesg)->Unit(benchmark::kMillisecond);

void BM_e820_read_dmesg(benchmark::State& state) {
  E820Table t;
  for (int i = 0; i < 3000; i++) t.entries.push_back({std::uint64_t(i) << 24, 0xff0000, E820Type::RAM});
  const std::string text = e820_print_table(t);
  for (auto _ : state) benchmark::DoNotOptimize(e820_read_dmesg(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_e820_read_dmesg)->Unit(benchmark::kMicrosecond);

void BM_e820_sanitize(benchmark::State& state) {
  E820Table base;
  for (std::int64_t i = 0; i < state.range(0); i++)
    base.entries.push_back({std::uint64_t(i * 7919 % state.range(0)) << 20, 3ull << 20,
                            static_cast<E820Type>(1 + i % 5)});
  for (auto _ : state) {
    E820Table t = base;
    benchmark::DoNotOptimize(t.sanitize());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_e820_sanitize)->Arg(128)->Arg(3200)->Unit(benchmark::kMicrosecond);

void BM_parse_cmdline(benchmark::State& state) {
  std::string line;
  for (int i = 0; i < 40; i++)
    line += "memmap=" + std::to_string(i) + "M$" + std::to_string(i * 2) + "G quiet splash kernelcore=10% ";
  for (auto _ : state) benchmark::DoNotOptimize(parse_cmdline(line));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * line.size()));
}
BENCHMARK(BM_parse_cmdline)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace mbv

BENCHMARK_MAIN();
