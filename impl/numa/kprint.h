// The kernel's printk number formats, which differ from C printf: "%#010Lx"
// prints 0 as "0x00000000" (glibc prints "0000000000"), so log lines that must
// equal real dmesg lines are built with these helpers.
#pragma once

#include <cstdint>
#include <string>

namespace mbv {

// vsprintf "%#0<width>Lx": "0x" then hex digits zero-padded so that the whole
// field is at least `width` characters.
inline std::string khex(std::uint64_t v, int width) {
  char digits[17];
  int n = 0;
  do {
    digits[n++] = "0123456789abcdef"[v & 0xf];
    v >>= 4;
  } while (v);
  std::string s = "0x";
  for (int pad = width - 2 - n; pad > 0; --pad) s += '0';
  while (n) s += digits[--n];
  return s;
}

// "[mem %#010Lx-%#010Lx]" for [start, end) (end printed inclusive).
inline std::string kmem_range(std::uint64_t start, std::uint64_t end, int width = 10) {
  return "[mem " + khex(start, width) + "-" + khex(end - 1, width) + "]";
}

}  // namespace mbv
