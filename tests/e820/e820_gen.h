// RapidCheck generators for e820 tables: addresses on a coarse grid so that
// entries overlap, touch and tie often; every type the kernel knows plus
// unknown values and the zeroed type 0 that range_remove leaves behind.
#pragma once

#include <rapidcheck.h>

#include <ostream>

#include "impl/e820/e820.h"

namespace mbv {
inline void showValue(const E820Entry& e, std::ostream& os) {
  os << "{0x" << std::hex << e.addr << ", 0x" << e.size << ", " << std::dec
     << static_cast<std::uint32_t>(e.type) << "}";
}
}  // namespace mbv

namespace mbv::testgen {

inline rc::Gen<E820Type> gen_e820_type() {
  return rc::gen::map(
      rc::gen::elementOf(std::vector<std::uint32_t>{1, 1, 1, 2, 2, 3, 4, 5, 7, 12, 12, 128, 0xefffffff, 0, 6}),
      [](std::uint32_t v) { return static_cast<E820Type>(v); });
}

inline rc::Gen<E820Entry> gen_e820_entry() {
  return rc::gen::apply(
      [](std::uint64_t a, std::uint64_t s, E820Type t, bool high) {
        const std::uint64_t base = high ? 0xffffffff00000000ull : 0;
        return E820Entry{base + a * 0x1000, s * 0x1000, t};
      },
      rc::gen::inRange<std::uint64_t>(0, 64), rc::gen::inRange<std::uint64_t>(0, 24), gen_e820_type(),
      rc::gen::weightedElement<bool>({{9, false}, {1, true}}));
}

// Entries that never wrap the 64-bit space.
inline rc::Gen<std::vector<E820Entry>> gen_e820_entries(std::size_t max = 24) {
  return rc::gen::suchThat(rc::gen::container<std::vector<E820Entry>>(gen_e820_entry()),
                           [max](const std::vector<E820Entry>& v) {
                             if (v.size() > max) return false;
                             for (const E820Entry& e : v)
                               if (e.addr + e.size < e.addr) return false;
                             return true;
                           });
}

}  // namespace mbv::testgen
