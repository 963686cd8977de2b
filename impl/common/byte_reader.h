// Little-endian fixed-width fields read from fuzz input bytes. Reading past
// the end yields the bytes that were there (missing ones as zero) and clears
// `ok`, so a decoder reads its whole layout and then checks once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mbv {

struct LeByteReader {
  std::span<const std::uint8_t> b;
  std::size_t at = 0;
  bool ok = true;

  // The next n bytes (n <= 8) as a little-endian number.
  std::uint64_t get(unsigned n) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (at >= b.size()) {
        ok = false;
        return v;
      }
      v |= std::uint64_t{b[at++]} << (8 * i);
    }
    return v;
  }
};

}  // namespace mbv
