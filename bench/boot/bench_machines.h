// The part the boot benches' machines share: a PC's first 4 GiB.
#pragma once

#include "impl/scenario/scenario.h"

namespace mbv::bench {

// Conventional memory, the EBDA and BIOS holes, RAM to 3G and a 1 GiB PCI
// hole below 4G, with the kernel image at 16M.
inline void add_low_memory(Scenario& s) {
  s.kernel.size = 0x3000000;
  s.kernel.at = SZ_16M;
  s.e820.push_back({0, 0x9fc00, E820Type::RAM});
  s.e820.push_back({0x9fc00, 0x400, E820Type::RESERVED});
  s.e820.push_back({0xf0000, 0x10000, E820Type::RESERVED});
  s.e820.push_back({SZ_1M, 3 * SZ_1G - SZ_1M, E820Type::RAM});
  s.e820.push_back({3 * SZ_1G, SZ_1G, E820Type::RESERVED});
}

}  // namespace mbv::bench
