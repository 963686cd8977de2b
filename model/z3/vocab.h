// Kernel vocabulary over 64-bit addresses. z3::expr is already a
// reference-counted value type, so this is a set of named helpers, not a
// wrapper: each says what it means in the kernel's terms.
//
// Addresses have one of two sorts (AddrSort): 64-bit bit-vectors, used
// wherever the kernel relies on mask arithmetic or wrap-around (allocation,
// KASLR, page tables), or integers constrained to [0, PHYS_ADDR_MAX], used
// by the region-array theorems. Those only compare, add and subtract values
// that provably stay in range (memblock_cap_size keeps every end <=
// PHYS_ADDR_MAX), so the integer reading is exact there — and it spares the
// SAT solver the transitivity chains of bit-blasted comparators, which made
// a 4-region merge proof take 13 s instead of 0.06 s. The comparison helpers
// below dispatch on the sort, so one encoding serves both.
#pragma once

#include <cstdint>
#include <string>

#include <z3++.h>

namespace mbv::z3spec {

inline constexpr unsigned kAddrBits = 64;   // phys_addr_t
inline constexpr unsigned kFlagBits = 32;   // enum memblock_flags
inline constexpr unsigned kNidBits = 32;    // int nid
inline constexpr unsigned kCntBits = 16;    // region counts and indices

enum class AddrSort { BitVec, Int };

inline z3::expr addr_val(z3::context& c, std::uint64_t v) { return c.bv_val(v, kAddrBits); }
inline z3::expr addr_val(z3::context& c, std::uint64_t v, AddrSort s) {
  return s == AddrSort::BitVec ? c.bv_val(v, kAddrBits) : c.int_val(v);
}
inline z3::expr addr_const(z3::context& c, const std::string& name, AddrSort s) {
  return s == AddrSort::BitVec ? c.bv_const(name.c_str(), kAddrBits) : c.int_const(name.c_str());
}
// A numeral of e's sort (bit-vector of e's width, or integer).
inline z3::expr num_like(const z3::expr& e, std::uint64_t v) {
  return e.is_bv() ? e.ctx().bv_val(v, e.get_sort().bv_size()) : e.ctx().int_val(v);
}
// Unsigned comparisons for either sort.
inline z3::expr lt(const z3::expr& a, const z3::expr& b) { return a.is_bv() ? z3::ult(a, b) : a < b; }
inline z3::expr le(const z3::expr& a, const z3::expr& b) { return a.is_bv() ? z3::ule(a, b) : a <= b; }
inline z3::expr gt(const z3::expr& a, const z3::expr& b) { return lt(b, a); }
inline z3::expr ge(const z3::expr& a, const z3::expr& b) { return le(b, a); }
// An address value is representable: always for bit-vectors, in
// [0, PHYS_ADDR_MAX] for integers.
inline z3::expr addr_in_range(const z3::expr& a) {
  if (a.is_bv()) return a.ctx().bool_val(true);
  return a >= a.ctx().int_val(0) && a <= a.ctx().int_val(~std::uint64_t{0});
}
inline z3::expr flag_val(z3::context& c, std::uint32_t v) { return c.bv_val(v, kFlagBits); }
inline z3::expr nid_val(z3::context& c, int v) {
  return c.bv_val(static_cast<std::uint64_t>(static_cast<std::uint32_t>(v)), kNidBits);
}
inline z3::expr cnt_val(z3::context& c, unsigned v) { return c.bv_val(v, kCntBits); }

// end(r) = base + size (the kernel never stores a wrapping region, see I8).
inline z3::expr end_of(const z3::expr& base, const z3::expr& size) { return base + size; }

// base + size does not wrap the 64-bit space.
inline z3::expr add_no_uoverflow(const z3::expr& a, const z3::expr& b) {
  if (a.is_bv()) return z3::ule(a, a + b);
  return a + b <= a.ctx().int_val(~std::uint64_t{0});
}

// memblock_addrs_overlap (mm/memblock.c): b1 < b2 + s2 && b2 < b1 + s1.
inline z3::expr overlaps(const z3::expr& b1, const z3::expr& s1, const z3::expr& b2,
                         const z3::expr& s2) {
  return lt(b1, b2 + s2) && lt(b2, b1 + s1);
}

// a lies in the half-open range [lo, hi).
inline z3::expr in_range(const z3::expr& a, const z3::expr& lo, const z3::expr& hi) {
  return le(lo, a) && lt(a, hi);
}

inline z3::expr umin(const z3::expr& a, const z3::expr& b) { return z3::ite(le(a, b), a, b); }
inline z3::expr umax(const z3::expr& a, const z3::expr& b) { return z3::ite(le(a, b), b, a); }

// round_up / round_down with the kernel's mask semantics (power-of-two a):
// round_up(x, a) = ((x - 1) | (a - 1)) + 1, so round_up(0, a) == 0 and it wraps.
inline z3::expr round_up(const z3::expr& x, const z3::expr& a) {
  z3::expr one = x.ctx().bv_val(1, x.get_sort().bv_size());
  return ((x - one) | (a - one)) + one;
}
inline z3::expr round_down(const z3::expr& x, const z3::expr& a) {
  z3::expr one = x.ctx().bv_val(1, x.get_sort().bv_size());
  return x & ~(a - one);
}

// a is a power of two (non-zero, one bit set).
inline z3::expr is_pow2(const z3::expr& a) {
  z3::expr zero = a.ctx().bv_val(0, a.get_sort().bv_size());
  z3::expr one = a.ctx().bv_val(1, a.get_sort().bv_size());
  return a != zero && (a & (a - one)) == zero;
}

// x is a multiple of the power of two a.
inline z3::expr aligned(const z3::expr& x, const z3::expr& a) {
  if (!x.is_bv()) return z3::mod(x, a) == x.ctx().int_val(0);
  return round_down(x, a) == x;
}

// memblock_cap_size (mm/memblock.c): min(size, PHYS_ADDR_MAX - base).
inline z3::expr memblock_cap_size(const z3::expr& base, const z3::expr& size) {
  return umin(size, num_like(base, ~std::uint64_t{0}) - base);
}

// ceil(b / G) - floor(a / G) for a power-of-two granule G = 2^shift: the number
// of G-blocks a non-empty range [a, b) touches (boot-memory-path 6.4).
inline z3::expr blocks(const z3::expr& a, const z3::expr& b, unsigned shift) {
  z3::context& c = a.ctx();
  z3::expr g1 = c.bv_val((std::uint64_t{1} << shift) - 1, kAddrBits);
  z3::expr sh = c.bv_val(shift, kAddrBits);
  return z3::lshr(b + g1, sh) - z3::lshr(a, sh);
}

// One bit-vector of width w from a boolean: 1 or 0.
inline z3::expr bool_to_bv(const z3::expr& b, unsigned w) {
  return z3::ite(b, b.ctx().bv_val(1, w), b.ctx().bv_val(0, w));
}

}  // namespace mbv::z3spec
