// Writes the seed corpus for srat_parse (corpus/srat_parse/) with our own
// writer: `srat_parse_seeds DIR`. Each seed is one situation Linux treats
// specially; regenerate and commit when the writer changes.
#include <cstdio>
#include <fstream>
#include <string>

#include "impl/acpi/srat.h"

namespace {

using namespace mbv;

void put(const std::string& dir, const char* name, const std::vector<std::uint8_t>& b) {
  std::ofstream out(dir + "/" + name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void fix(std::vector<std::uint8_t>& b) {
  b[9] = 0;
  b[9] = static_cast<std::uint8_t>(0x100 - acpi_checksum(b));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 3;
  }
  const std::string dir = argv[1];
  const Srat two = make_srat(
      {make_memory_affinity(0, 0, 0xa0000), make_memory_affinity(0, SZ_1M, 3 * SZ_1G - SZ_1M),
       make_memory_affinity(1, SZ_4G, SZ_4G, true), make_memory_affinity(0, 0, 0, false, false, false)},
      {make_cpu_affinity(0, 0), make_cpu_affinity(1, 1)});
  put(dir, "two-node-hotplug", write_srat(two));

  Srat all = make_srat({});
  std::uint32_t off = kSratHeaderBytes;
  auto add = [&](auto e) {
    e.offset = off;
    off += entry_length(SratEntry{e});
    all.entries.push_back(std::move(e));
  };
  SratGiccAffinity g;
  g.enabled = true;
  add(g);
  SratGicItsAffinity its;
  add(its);
  SratGenericAffinity gi;
  gi.enabled = true;
  gi.proximity_domain = 2;
  add(gi);
  SratGenericAffinity gp = gi;
  gp.type = SRAT_GENERIC_PORT_AFFINITY;
  add(gp);
  add(make_x2apic_affinity(1, 0x100));
  add(make_memory_affinity(1, SZ_4G, SZ_1G, true, true));
  add(SratUnknown{9, 6, 0, {1, 2, 3, 4}});
  put(dir, "all-types-unaligned", write_srat(all));

  Srat rev1 = make_srat({make_memory_affinity(0x101, 0, SZ_1G), make_memory_affinity(2, SZ_1G, SZ_1G)},
                        {make_cpu_affinity(0x101, 0)});
  rev1.header.revision = 1;
  put(dir, "rev1-pxm-mask", write_srat(rev1));

  auto zero = write_srat(two);
  zero[48 + 16 + 1] = 0;
  fix(zero);
  put(dir, "zero-length-subtable", zero);

  auto badsum = write_srat(two);
  badsum[9] ^= 0x5a;
  put(dir, "bad-checksum", badsum);

  std::vector<SratMemoryAffinity> many;
  for (std::uint32_t n = 0; n < 64; ++n) {
    many.push_back(make_memory_affinity(n, n * 2 * SZ_4G, SZ_4G));
    many.push_back(make_memory_affinity(n, n * 2 * SZ_4G + SZ_4G, SZ_4G, true));
  }
  put(dir, "64-nodes", write_srat(make_srat(many)));

  Srat shortmem = make_srat({make_memory_affinity(0, 0, SZ_1G)});
  shortmem.entries.push_back(SratUnknown{SRAT_MEMORY_AFFINITY, 16, 88, std::vector<std::uint8_t>(14, 0)});
  put(dir, "short-memory-affinity", write_srat(shortmem));

  put(dir, "pxm-1024", write_srat(make_srat({make_memory_affinity(1024, 0, SZ_1G)})));

  Srat trail = make_srat({make_memory_affinity(0, 0, SZ_1G, false, false)});
  trail.trailing = {0};
  put(dir, "trailing-byte", write_srat(trail));

  put(dir, "top-of-address-space",
      write_srat(make_srat({make_memory_affinity(0, 0, SZ_1G),
                            make_memory_affinity(1, PHYS_ADDR_MAX - SZ_1G + 1, SZ_1G, true),
                            make_memory_affinity(2, SZ_4G, PHYS_ADDR_MAX)})));
  return 0;
}
