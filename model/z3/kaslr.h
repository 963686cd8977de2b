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

// One slot area store_slot_info recorded: slots at lo, lo + 2M, ... while the
// image ends at or below hi; `here` = the random pick falls in this area, at
// `addr` = lo + (index << 21) with index = pick - (slots of earlier areas).
struct KaslrArea {
  z3::expr valid, lo, hi, num, index, here, addr;
  z3::expr rounded_from;    // lo = round_up(rounded_from, 2M)
  z3::expr from_immovable;  // the area lies in candidate ∩ an immovable range
};
struct KaslrSearch {
  std::vector<KaslrArea> areas;  // insertion order
  z3::expr result;               // find_random_phys_addr's answer, 0 if none
};
KaslrSearch kaslr_search(const KaslrInput& in, Mutant mut = Mutant::None);

// Slot arithmetic, valid for every lo, hi, image, index with hi >= lo + image
// and hi below 2^52: an index below 1 + ((hi - lo - image) >> 21) puts the
// image [lo + (index << 21), + image) inside [lo, hi) without wrapping. The
// theorem proves it first, then uses its instances.
z3::expr slot_facts(const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
                    const z3::expr& index);
// slot_facts in two steps, each valid for every value and a small query on
// its own (slot_facts in one query took 25-56 s of bit-blasting): the shift
// step, an index below 1 + (d >> 21) has index << 21 <= d; and the adder
// step, an offset s <= hi - lo - image (with room and hi below 2^52) puts
// [lo + s, lo + s + image) inside [lo, hi) without wrapping. Their instances
// at d = hi - lo - image and s = index << 21 imply slot_facts by
// propositional reasoning alone (the terms are the same ASTs).
z3::expr slot_shift_fact(const z3::expr& index, const z3::expr& d);
z3::expr slot_room_fact(const z3::expr& lo, const z3::expr& hi, const z3::expr& image,
                        const z3::expr& s);
// The adder step alone still took 50 s; it follows (propositionally, from
// the instances at u = hi - lo, v = s + image) from five one-adder facts,
// each valid for every value: room gives lo <= hi and hi - lo >= image;
// s <= u - image gives s + image <= u without wrapping; v <= hi - lo gives
// lo + v <= hi without wrapping; no carry out of lo + v and s <= v give no
// carry out of lo + s; and no carry out of lo + (s + image) nor s + image
// gives lo + s <= lo + s + image.
std::vector<z3::expr> slot_room_steps(const z3::expr& lo, const z3::expr& hi,
                                      const z3::expr& image, const z3::expr& s,
                                      const z3::expr& u, const z3::expr& v);
// round_up(x, 2M) >= x for every x below 2^52 (no wrap there).
z3::expr round_up_2m_facts(const z3::expr& x);

// [addr, addr + image) lies inside one present immovable range.
z3::expr inside_immovable(const KaslrInput& in, const z3::expr& addr);

}  // namespace mbv::z3spec
