// The kernel's printk number formats, which differ from C printf: "%#010Lx"
// prints 0 as "0x00000000" (glibc prints "0000000000"), so log lines that must
// equal real dmesg lines are built with these helpers.
#pragma once

#include <cstdint>
#include <string>

#include "impl/common/numfmt.h"

namespace mbv {

// vsprintf "%#0<width>Lx" appended to `out`: "0x" then hex digits zero-padded
// so that the whole field is at least `width` characters.
inline void append_khex(std::string& out, std::uint64_t v, int width) {
  out += "0x";
  append_hex(out, v, width - 2);
}

inline std::string khex(std::uint64_t v, int width) {
  std::string s;
  s.reserve(width > 18 ? static_cast<std::size_t>(width) : 18);
  append_khex(s, v, width);
  return s;
}

// "[mem %#010Lx-%#010Lx]" for [start, end) (end printed inclusive), appended.
inline void append_kmem_range(std::string& out, std::uint64_t start, std::uint64_t end,
                              int width = 10) {
  out += "[mem ";
  append_khex(out, start, width);
  out += '-';
  append_khex(out, end - 1, width);
  out += ']';
}

inline std::string kmem_range(std::uint64_t start, std::uint64_t end, int width = 10) {
  std::string s;
  s.reserve(48);
  append_kmem_range(s, start, end, width);
  return s;
}

}  // namespace mbv
