// mbverify srat: decode a binary SRAT (firmware dump, /sys/firmware/acpi/tables/SRAT)
// into "what the bytes say" and, with --linux, "what Linux 6.1 makes of them";
// encode one from a scenario or from memory-affinity specs. See docs/srat.md.
// Exit: 0 decoded/encoded, 3 bad input (one line: "FILE: byte 0xNN: what is wrong").
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "impl/acpi/srat.h"
#include "impl/boot/boot.h"
#include "impl/scenario/scenario.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {
namespace {

struct SratCliOptions {
  std::string file;
  bool linux_view = false;
  bool accept_bad_checksum = false;
  bool accept_zero_length = false;
  std::vector<std::string> mem;
  std::vector<std::string> cpu;
  int revision = 3;
  std::string out;
  std::string scenario;
  LinuxSratOptions linux_opts;
};

// "123", "0x1000", "4G", "640K", "0x80M".
Result<std::uint64_t> parse_size(const std::string& s, const std::string& what) {
  auto bad = [&] { return make_error(ErrorCode::BadInput, what + ": bad number '" + s + "'"); };
  if (s.empty()) return bad();
  std::string digits = s;
  unsigned shift = 0;
  switch (digits.back()) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: break;
  }
  if (shift) digits.pop_back();
  if (digits.empty()) return bad();
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(digits, &used, 0);
  } catch (...) {
    return bad();
  }
  if (used != digits.size() || (shift && (v >> (64 - shift)) != 0)) return bad();
  return static_cast<std::uint64_t>(v) << shift;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    out.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

// "pxm:base:len[:hotplug,nv,disabled]"
Result<SratMemoryAffinity> parse_mem(const std::string& spec) {
  const std::string what = "--mem '" + spec + "'";
  auto parts = split(spec, ':');
  if (parts.size() < 3 || parts.size() > 4)
    return make_error(ErrorCode::BadInput, what + ": expected pxm:base:len[:hotplug,nv,disabled]");
  auto pxm = parse_size(parts[0], what);
  auto base = parse_size(parts[1], what);
  auto len = parse_size(parts[2], what);
  if (!pxm) return pxm.error();
  if (!base) return base.error();
  if (!len) return len.error();
  if (*pxm > 0xffffffffull) return make_error(ErrorCode::BadInput, what + ": PXM above 32 bits");
  bool hotplug = false, nv = false, enabled = true;
  if (parts.size() == 4) {
    for (const auto& f : split(parts[3], ',')) {
      if (f == "hotplug") hotplug = true;
      else if (f == "nv" || f == "non-volatile") nv = true;
      else if (f == "disabled") enabled = false;
      else return make_error(ErrorCode::BadInput, what + ": unknown flag '" + f + "'");
    }
  }
  return make_memory_affinity(static_cast<std::uint32_t>(*pxm), *base, *len, hotplug, nv, enabled);
}

// "pxm:apic" (apic < 256: a local APIC entry, else x2APIC)
Result<SratEntry> parse_cpu(const std::string& spec) {
  const std::string what = "--cpu '" + spec + "'";
  auto parts = split(spec, ':');
  if (parts.size() != 2) return make_error(ErrorCode::BadInput, what + ": expected pxm:apic");
  auto pxm = parse_size(parts[0], what);
  auto apic = parse_size(parts[1], what);
  if (!pxm) return pxm.error();
  if (!apic) return apic.error();
  if (*pxm > 0xffffffffull || *apic > 0xffffffffull)
    return make_error(ErrorCode::BadInput, what + ": value above 32 bits");
  if (*apic < 256)
    return SratEntry{make_cpu_affinity(static_cast<std::uint32_t>(*pxm), static_cast<std::uint8_t>(*apic))};
  return SratEntry{make_x2apic_affinity(static_cast<std::uint32_t>(*pxm), static_cast<std::uint32_t>(*apic))};
}

int decode(const SratCliOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot open\n", o.file.c_str());
    return kExitUsage;
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto srat = parse_srat(bytes, o.file,
                         {.accept_bad_checksum = o.accept_bad_checksum,
                          .accept_zero_length = o.accept_zero_length});
  if (!srat) {
    std::fprintf(stderr, "%s\n", srat.error().to_string().c_str());
    return kExitUsage;
  }
  std::printf("%s", describe_srat(*srat).c_str());
  if (o.linux_view) {
    std::printf("\n%s", describe_linux_view(linux_view(*srat, o.linux_opts)).c_str());
    std::printf("\n%s", describe_kaslr_view(count_immovable_mem_regions(
                             *srat, o.linux_opts.acpi_disabled, o.linux_opts.max_numnodes))
                             .c_str());
  }
  return kExitOk;
}

Status write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  if (!out || !out.write(reinterpret_cast<const char*>(bytes.data()),
                         static_cast<std::streamsize>(bytes.size())))
    return make_error(ErrorCode::NotFound, path + ": cannot write");
  return Ok{};
}

// The scenario's SRAT as the boot pipeline builds it (entries, or its binary
// SRAT as given, checksum included).
int encode_scenario(const SratCliOptions& o) {
  auto sc = load_scenario(o.scenario);
  if (!sc) {
    std::fprintf(stderr, "%s\n", sc.error().to_string().c_str());
    return kExitUsage;
  }
  if (!sc->srat.present()) {
    std::fprintf(stderr, "%s: the scenario has no SRAT\n", o.scenario.c_str());
    return kExitUsage;
  }
  BootState st;
  st.scenario = *sc;
  if (auto r = boot_decode_srat(st); !r) {
    std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
    return kExitUsage;
  }
  const auto bytes = write_srat(*st.srat, /*keep_checksum=*/!sc->srat.binary.empty());
  if (auto w = write_file(o.out, bytes); !w) {
    std::fprintf(stderr, "%s\n", w.error().to_string().c_str());
    return kExitUsage;
  }
  std::printf("%s: %zu bytes, %zu entries\n", o.out.c_str(), bytes.size(), st.srat->entries.size());
  return kExitOk;
}

int encode(const SratCliOptions& o) {
  if (!o.scenario.empty()) {
    if (!o.mem.empty() || !o.cpu.empty()) {
      std::fprintf(stderr, "mbverify srat encode: give a SCENARIO or --mem/--cpu, not both\n");
      return kExitUsage;
    }
    return encode_scenario(o);
  }
  if (o.mem.empty()) {
    std::fprintf(stderr, "mbverify srat encode: give a SCENARIO or at least one --mem\n");
    return kExitUsage;
  }
  std::vector<SratMemoryAffinity> mem;
  std::vector<SratCpuAffinity> cpus;
  std::vector<SratX2apicAffinity> x2apics;
  for (const auto& m : o.mem) {
    auto r = parse_mem(m);
    if (!r) {
      std::fprintf(stderr, "mbverify srat encode: %s\n", r.error().to_string().c_str());
      return kExitUsage;
    }
    mem.push_back(*r);
  }
  for (const auto& c : o.cpu) {
    auto r = parse_cpu(c);
    if (!r) {
      std::fprintf(stderr, "mbverify srat encode: %s\n", r.error().to_string().c_str());
      return kExitUsage;
    }
    if (auto* p = std::get_if<SratCpuAffinity>(&*r)) cpus.push_back(*p);
    else x2apics.push_back(std::get<SratX2apicAffinity>(*r));
  }
  Srat s = make_srat(std::move(mem), std::move(cpus), std::move(x2apics));
  s.header.revision = static_cast<std::uint8_t>(o.revision);
  const auto bytes = write_srat(s);
  if (auto w = write_file(o.out, bytes); !w) {
    std::fprintf(stderr, "%s\n", w.error().to_string().c_str());
    return kExitUsage;
  }
  std::printf("%s: %zu bytes, %zu entries\n", o.out.c_str(), bytes.size(), s.entries.size());
  return kExitOk;
}

}  // namespace

void register_srat(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<SratCliOptions>();
  CLI::App* srat = app.add_subcommand("srat", "Decode or encode a binary ACPI SRAT");
  srat->require_subcommand(1);

  CLI::App* dec = srat->add_subcommand("decode", "Print a SRAT's entries (and Linux 6.1's reading)");
  dec->add_option("FILE", opt->file, "binary SRAT, e.g. a copy of /sys/firmware/acpi/tables/SRAT")
      ->required();
  dec->add_flag("--linux", opt->linux_view,
                "also print what Linux 6.1 makes of it (acpi_numa_init, KASLR's immovable list)");
  dec->add_flag("--accept-bad-checksum", opt->accept_bad_checksum,
                "use a table whose checksum is wrong, as Linux does (reported, not fatal)");
  dec->add_flag("--accept-zero-length", opt->accept_zero_length,
                "keep a table whose walk ends in a zero-length subtable, to see Linux's reading");
  dec->add_flag("--acpi-off", opt->linux_opts.acpi_disabled, "Linux view with acpi=off");
  dec->add_flag("--numa-off", opt->linux_opts.numa_off, "Linux view with numa=off");
  dec->add_flag("--no-memory-hotplug{false}", opt->linux_opts.memory_hotplug,
                "Linux view without CONFIG_MEMORY_HOTPLUG");
  dec->add_option("--max-numnodes", opt->linux_opts.max_numnodes,
                  "MAX_NUMNODES (1 << CONFIG_NODES_SHIFT; Debian: 1024)")
      ->check(CLI::Range(1, 1 << 16));
  dec->callback([opt, &exit_code] {
    opt->linux_opts.nr_node_memblks = 2 * opt->linux_opts.max_numnodes;
    exit_code = decode(*opt);
  });

  CLI::App* enc = srat->add_subcommand(
      "encode", "Write a SRAT from a scenario file or from memory-affinity specs");
  enc->add_option("SCENARIO", opt->scenario, "scenario file whose SRAT to write");
  enc->add_option("--mem", opt->mem,
                  "memory affinity pxm:base:len[:hotplug,nv,disabled] (numbers: 0x.., K/M/G/T)");
  enc->add_option("--cpu", opt->cpu, "CPU affinity pxm:apic (apic >= 256 gives an x2APIC entry)");
  enc->add_option("--revision", opt->revision, "SRAT header revision (Linux masks PXMs at <= 1)")
      ->check(CLI::Range(0, 255));
  enc->add_option("-o,--output", opt->out, "output file")->required();
  enc->callback([opt, &exit_code] { exit_code = encode(*opt); });
}

}  // namespace mbv::cli
