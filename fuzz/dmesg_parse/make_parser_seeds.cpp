// Writes small seed corpora for the parser fuzzers with our own writers:
//   corpus/e820_sanitize/  bytes in the decode_e820 layout
//   corpus/cmdline_parse/  write_cmdline output
//   corpus/dmesg_parse/    write_dmesg output (with and without timestamps)
// Usage: make_parser_seeds <corpus-dir>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz/e820_sanitize/decode.h"
#include "impl/cmdline/cmdline.h"
#include "impl/dmesg/dmesg.h"

namespace {

namespace fs = std::filesystem;
using namespace mbv;

void put(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// Inverse of decode_e820 for 4K-grid entries below 16M: {page, pages, type index}.
std::string encode_e820(std::uint8_t cap, std::initializer_list<std::array<unsigned, 4>> es) {
  std::string s(1, static_cast<char>(cap));
  for (const auto& e : es) {
    s += static_cast<char>(e[0] & 0xff);
    s += static_cast<char>((e[0] >> 8) & 0x0f);
    s += static_cast<char>(e[1]);
    s += static_cast<char>(e[2]);
    s += static_cast<char>(e[3]);
  }
  return s;
}

DmesgLog two_node_machine() {
  DmesgLog l;
  l.linux_version = "6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1";
  l.command_line = "BOOT_IMAGE=/vmlinuz movable_node memmap=1G$4G";
  DmesgE820Table t{"BIOS-e820", {}};
  t.table.entries = {{0x0, 0x9fc00, E820Type::RAM},      {0x9fc00, 0x400, E820Type::RESERVED},
                     {0xf0000, 0x10000, E820Type::RESERVED}, {0x100000, 0xbfee0000, E820Type::RAM},
                     {0xbffe0000, 0x20000, E820Type::ACPI},  {0x100000000ull, 0x140000000ull, E820Type::RAM}};
  l.e820 = {t};
  DmesgSratMem hp{1, 1, {0x140000000ull, 0x240000000ull}};
  hp.hotplug = true;
  l.srat = {{0, 0, {0x0, 0xc0000000ull}}, {0, 0, {0x100000000ull, 0x140000000ull}}, hp};
  l.numa_merges = {{0, {0x0, 0xc0000000ull}, {0x100000000ull, 0x140000000ull}, {0x0, 0x140000000ull}}};
  l.node_data = {{0, {0x13ffd5000ull, 0x140000000ull}, std::nullopt}, {1, {0x23ffd5000ull, 0x240000000ull}, std::nullopt}};
  l.zones = std::vector<DmesgZone>{{"DMA", PhysRange{0x1000, 0x1000000}},
                                   {"DMA32", PhysRange{0x1000000, 0x100000000ull}},
                                   {"Normal", PhysRange{0x100000000ull, 0x240000000ull}},
                                   {"Device", std::nullopt}};
  l.movable_zone_start = std::vector<DmesgMovableStart>{{1, 0x140000000ull}};
  l.early_node_ranges = std::vector<DmesgNodeRange>{{0, {0x1000, 0x9f000}}, {0, {0x100000, 0xbffe0000ull}},
                                                    {0, {0x100000000ull, 0x140000000ull}},
                                                    {1, {0x140000000ull, 0x240000000ull}}};
  l.init_memory_mapping = {{0x0, 0x100000}, {0x100000000ull, 0x240000000ull}};
  l.crashkernel = {{DmesgCrashkernel::Kind::Reserved, 256, 3008, 8191,
                    "Reserving 256MB of memory at 3008MB for crashkernel (System RAM: 8191MB)"}};
  l.memory = DmesgMemory{7900000, 8388088, "(16384K kernel code, 4096K rwdata)"};
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_parser_seeds <corpus-dir>\n");
    return 3;
  }
  const fs::path root = argv[1];
  // e820_sanitize: overlap, ties, PRAM/SOFT_RESERVED splitting, truncation, a wrap.
  put(root / "e820_sanitize" / "pc", encode_e820(200, {{0, 0x9f, 0, 0}, {0x9f, 1, 3, 0}, {0x100, 0xff, 0, 0x40}}));
  put(root / "e820_sanitize" / "overlap", encode_e820(200, {{0, 64, 0, 0}, {8, 8, 3, 0}, {12, 8, 5, 0}, {16, 2, 6, 0}}));
  put(root / "e820_sanitize" / "pram_split", encode_e820(200, {{16, 16, 9, 0}, {20, 2, 0, 0}, {32, 4, 10, 0}, {24, 16, 12, 0}}));
  put(root / "e820_sanitize" / "truncate", encode_e820(1, {{0, 64, 0, 0}, {4, 1, 3, 0}, {8, 1, 3, 0}, {12, 1, 3, 0}}));
  put(root / "e820_sanitize" / "wrap", encode_e820(200, {{0, 4, 0, 0}, {0xfff, 255, 0, 0xc0}}));
  // cmdline_parse
  int n = 0;
  for (const char* line : {"BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet",
                           "movable_node kernelcore=mirror memmap=exactmap,640K@0,2G@1M mem=3G",
                           "memmap=1G%4G-1+12 memmap=16M!8G kernelcore=20% movablecore=1G nokaslr",
                           "hugepagesz=1G hugepages=4 crashkernel=512M-2G:64M,2G-:256M@16M numa=off",
                           "acpi=off acpi_rsdp=0xf0490 memblock=debug nogbpages debug_pagealloc=on",
                           "memory_hotplug.memmap_on_memory=1 crashkernel=1G,high crashkernel=128M,low"}) {
    auto w = write_cmdline(parse_cmdline(line));
    if (!w.ok()) return 1;
    put(root / "cmdline_parse" / ("seed" + std::to_string(n++)), *w);
  }
  // dmesg_parse
  const DmesgLog l = two_node_machine();
  put(root / "dmesg_parse" / "two_node_ts", write_dmesg(l, true));
  put(root / "dmesg_parse" / "two_node_plain", write_dmesg(l, false));
  DmesgLog flat;
  flat.command_line = "numa=off";
  flat.numa_turned_off = true;
  flat.fake_node = PhysRange{0, 0x240000000ull};
  flat.e820 = {l.e820[0]};
  put(root / "dmesg_parse" / "no_numa", write_dmesg(flat, true));
  return 0;
}
