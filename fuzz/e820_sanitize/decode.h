// Bytes -> e820 table for the sanitize fuzzer: small addresses on a 4K grid
// (so entries overlap, touch and tie), a few near the top of the 64-bit space
// (so some wrap), every kernel type plus unknown values, and a capacity that
// is sometimes small enough to truncate.
#pragma once

#include <cstdint>
#include <span>

#include "impl/e820/e820.h"

namespace mbv::fuzz {

inline E820Table decode_e820(std::span<const std::uint8_t> in) {
  static constexpr std::uint32_t kTypes[16] = {1, 1, 1, 2, 2, 3, 4, 5, 7, 12, 12, 128, 0xefffffff, 0, 6, 0x80000000};
  E820Table t;
  if (in.empty()) return t;
  t.capacity = in[0] < 128 ? 2 + in[0] % 30 : E820_MAX_ENTRIES;
  for (std::size_t i = 1; i + 5 <= in.size(); i += 5) {
    const std::uint8_t* b = &in[i];
    std::uint64_t addr = (std::uint64_t{b[0]} | std::uint64_t(b[1] & 0x0f) << 8) << 12;
    std::uint64_t size = std::uint64_t{b[2]} << ((b[4] & 0x40) ? 20 : 12);
    if (b[4] & 0x80) addr += 0xffffffffff000000ull;  // near the top: may wrap
    if (b[4] & 0x20) size += b[1] >> 4;               // an unaligned tail
    t.range_add(addr, size, static_cast<E820Type>(kTypes[b[3] & 15]));
  }
  return t;
}

}  // namespace mbv::fuzz
