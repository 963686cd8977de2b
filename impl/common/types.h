// Physical-address vocabulary shared by every model: the kernel's constants
// and its mask arithmetic (round_up wraps exactly like the kernel's macro).
#pragma once

#include <cstdint>

namespace mbv {

using phys_addr_t = std::uint64_t;

inline constexpr phys_addr_t PHYS_ADDR_MAX = ~phys_addr_t{0};
inline constexpr int NUMA_NO_NODE = -1;
inline constexpr int MAX_NUMNODES = 1024;  // x86-64 Debian config: NODES_SHIFT=10

inline constexpr std::uint64_t SZ_1K = 1ull << 10;
inline constexpr std::uint64_t SZ_4K = 1ull << 12;
inline constexpr std::uint64_t SZ_64K = 1ull << 16;
inline constexpr std::uint64_t SZ_1M = 1ull << 20;
inline constexpr std::uint64_t SZ_2M = 1ull << 21;
inline constexpr std::uint64_t SZ_16M = 1ull << 24;
inline constexpr std::uint64_t SZ_512M = 1ull << 29;
inline constexpr std::uint64_t SZ_1G = 1ull << 30;
inline constexpr std::uint64_t SZ_4G = 1ull << 32;
inline constexpr std::uint64_t SZ_512G = 1ull << 39;

inline constexpr std::uint64_t PAGE_SHIFT = 12;
inline constexpr std::uint64_t PAGE_SIZE = SZ_4K;
inline constexpr std::uint64_t SMP_CACHE_BYTES = 64;

// Kernel errno values, returned as negative ints exactly like the kernel.
inline constexpr int KERN_ENOMEM = 12;
inline constexpr int KERN_EINVAL = 22;
inline constexpr int KERN_ENOENT = 2;

// round_up/round_down as the kernel's mask macros: round_up(0, a) == 0 and it
// wraps to 0 near the top of the 64-bit space. They round only for a
// power-of-two `a`; for any other `a` they are the same mask arithmetic as
// the kernel's, which memblock applies to whatever alignment it is given.
constexpr std::uint64_t round_up(std::uint64_t x, std::uint64_t a) {
  return ((x - 1) | (a - 1)) + 1;
}
constexpr std::uint64_t round_down(std::uint64_t x, std::uint64_t a) {
  return x & ~(a - 1);
}
constexpr std::uint64_t pfn_up(std::uint64_t x) { return (x + PAGE_SIZE - 1) >> PAGE_SHIFT; }
constexpr std::uint64_t pfn_down(std::uint64_t x) { return x >> PAGE_SHIFT; }

// A half-open physical range [start, end).
struct PhysRange {
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  constexpr phys_addr_t size() const { return end - start; }
  constexpr bool empty() const { return end <= start; }
  constexpr bool contains(phys_addr_t a) const { return start <= a && a < end; }
  constexpr bool intersects(const PhysRange& o) const {
    return start < o.end && o.start < end;
  }
  friend constexpr bool operator==(const PhysRange&, const PhysRange&) = default;
};

}  // namespace mbv
