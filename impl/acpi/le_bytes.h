// Little-endian field access for ACPI tables, at any (unaligned) offset.
// Callers check bounds first; these never read outside the span.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace mbv::le {

inline std::uint64_t get(std::span<const std::uint8_t> b, std::size_t off, int width) {
  std::uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) v = v << 8 | b[off + i];
  return v;
}
inline std::uint8_t u8(std::span<const std::uint8_t> b, std::size_t off) { return b[off]; }
inline std::uint16_t u16(std::span<const std::uint8_t> b, std::size_t off) {
  return static_cast<std::uint16_t>(get(b, off, 2));
}
inline std::uint32_t u32(std::span<const std::uint8_t> b, std::size_t off) {
  return static_cast<std::uint32_t>(get(b, off, 4));
}
inline std::uint64_t u64(std::span<const std::uint8_t> b, std::size_t off) { return get(b, off, 8); }

// Appending writer.
inline void put(std::vector<std::uint8_t>& out, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put_at(std::vector<std::uint8_t>& out, std::size_t off, std::uint64_t v, int width) {
  for (int i = 0; i < width; ++i) out[off + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace mbv::le
