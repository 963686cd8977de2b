// Small machines for checking the fast direct-map model against the
// brute-force per-page walker: a byte decoder shared by the fuzzer and the
// RapidCheck properties, and the comparison itself.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "impl/common/result.h"
#include "impl/memblock/memblock.h"
#include "impl/pgtable/direct_map.h"

namespace mbv {

struct SmallRegion {
  phys_addr_t base = 0;
  phys_addr_t size = 0;
  int nid = 0;
  std::uint32_t flags = 0;
};

struct SmallMachine {
  std::vector<SmallRegion> memory;   // memblock_add_node, in order
  std::vector<PhysRange> reserved;   // memblock_reserve, in order (kernel image first)
  bool bottom_up = false;
  bool movable_node = false;
  bool has_mirror = false;           // system_has_some_mirror
  // Capacity of memblock.reserved (0 = INIT_MEMBLOCK_REGIONS); small values
  // make page-table reservations hit the array-doubling path.
  std::size_t reserved_max = 0;
  DirectMapConfig cfg;               // walk is set by the runner
};

// Memory is kept below 2 GiB and at most 6 regions and 8 reservations so the
// per-page walker stays fast; the layout of the bytes is in small_machine.cpp.
Result<SmallMachine> decode_small_machine(std::span<const std::uint8_t> bytes);

// The memblock state the machine starts init_mem_mapping with.
Memblock build_memblock(const SmallMachine& m);

// Runs init_mem_mapping with both walkers and compares: success or the same
// error, mapping calls (ranges, masks, page counts, return values),
// allocation runs and page order, pfn_mapped, the final page-table state and
// the final memblock. Empty string = identical; else the first difference.
std::string crosscheck_walkers(const SmallMachine& m);

// One line per region/reservation, for failure messages.
std::string describe(const SmallMachine& m);

}  // namespace mbv
