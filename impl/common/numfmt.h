// printf-equivalent number formatting for the dmesg lines every boot prints
// (snprintf and string concatenation were about a tenth of a boot). Each
// function appends to `out`; the text equals what the named printf
// conversion gives.
#pragma once

#include <cstdint>
#include <string>

namespace mbv {

// "%0<digits>llx": lowercase hex, zero-padded to at least `digits` digits.
inline void append_hex(std::string& out, std::uint64_t v, int digits = 1) {
  char buf[32];
  int n = 0;
  do {
    buf[31 - n++] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v);
  while (n < digits && n < 32) buf[31 - n++] = '0';
  out.append(buf + 32 - n, static_cast<std::size_t>(n));
}

// "%llu"
inline void append_dec(std::string& out, std::uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[19 - n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  out.append(buf + 20 - n, static_cast<std::size_t>(n));
}

// "%lld"
inline void append_int(std::string& out, std::int64_t v) {
  if (v < 0) {
    out += '-';
    append_dec(out, 0 - static_cast<std::uint64_t>(v));
  } else {
    append_dec(out, static_cast<std::uint64_t>(v));
  }
}

}  // namespace mbv
