// KASLR physical placement (arch/x86/boot/compressed/kaslr.c, Linux 6.1,
// boot-memory-path section 8) over a bounded input: K candidate RAM ranges
// (raw e820 order), M immovable SRAT ranges, one avoid region, no 1G huge
// pages, no memmap= regions. The random value is free: any slot index below
// slot_max may be picked.
#pragma once

#include <vector>

#include <z3++.h>

#include "model/z3/ops.h"

namespace mbv::z3spec {

struct KaslrRange {
  z3::expr start, end;  // [start, end)
};

struct KaslrInput {
  std::vector<KaslrRange> candidates;  // e820 RAM entries, table order
  std::vector<KaslrRange> immovable;   // SRAT memory affinity, HOT_PLUGGABLE clear
  z3::expr immovable_cnt;              // how many of `immovable` are present (kCntBits)
  KaslrRange avoid;                    // one mem_avoid region (size > 0)
  z3::expr minimum, mem_limit, image;  // see section 8
  z3::expr pick;                       // rand % slot_max
};

KaslrInput fresh_kaslr_input(z3::context& c, unsigned candidates, unsigned immovable);
// Ranges do not wrap and lie below 2^52; image is a non-zero 2M multiple; minimum is 2M aligned.
z3::expr kaslr_input_ok(const KaslrInput& in);

// find_random_phys_addr (kaslr.c): the chosen physical address, 0 if none.
z3::expr find_random_phys_addr(const KaslrInput& in, Mutant mut = Mutant::None);

// [addr, addr + image) lies inside one present immovable range.
z3::expr inside_immovable(const KaslrInput& in, const z3::expr& addr);

}  // namespace mbv::z3spec
