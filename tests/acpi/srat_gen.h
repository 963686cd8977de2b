// RapidCheck generators for SRAT values, weighted toward kernel-typical
// tables: page-aligned ranges, SZ_* sizes, a few PXMs, hot-plug windows,
// plus the odd reserved type, extra bytes and high PXMs.
#pragma once

#include <rapidcheck.h>

#include "impl/acpi/srat.h"

namespace mbv::test {

inline rc::Gen<std::uint64_t> gen_addr() {
  return rc::gen::oneOf(
      rc::gen::element<std::uint64_t>(0, SZ_1M, SZ_16M, SZ_1G, 3 * SZ_1G, SZ_4G, 6 * SZ_1G,
                                      SZ_512G, PHYS_ADDR_MAX - SZ_1G + 1),
      rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 1u << 20),
                   [](std::uint64_t p) { return p << PAGE_SHIFT; }),
      rc::gen::arbitrary<std::uint64_t>());
}

inline rc::Gen<std::uint32_t> gen_pxm() {
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{8, rc::gen::inRange<std::uint32_t>(0, 4)},
       {1, rc::gen::element<std::uint32_t>(255, 256, 1023, 1024, 0x80000000u)},
       {1, rc::gen::arbitrary<std::uint32_t>()}});
}

inline SratEntry gen_entry_now() {
  const int kind = *rc::gen::weightedElement<int>(
      {{10, 1}, {3, 0}, {2, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 7}});
  const auto flags = *rc::gen::weightedOneOf<std::uint32_t>(
      {{8, rc::gen::inRange<std::uint32_t>(0, 8)}, {1, rc::gen::arbitrary<std::uint32_t>()}});
  auto extra = *rc::gen::weightedOneOf<std::vector<std::uint8_t>>(
      {{9, rc::gen::just(std::vector<std::uint8_t>{})},
       {1, rc::gen::container<std::vector<std::uint8_t>>(4, rc::gen::arbitrary<std::uint8_t>())}});
  switch (kind) {
    case 1: {
      auto m = make_memory_affinity(*gen_pxm(), *gen_addr(), *gen_addr());
      m.flags = flags;
      m.enabled = flags & 1;
      m.hot_pluggable = flags & 2;
      m.non_volatile = flags & 4;
      m.subtable_length = static_cast<std::uint8_t>(kSratMemoryAffinityBytes + extra.size());
      m.extra = extra;
      return m;
    }
    case 0: {
      auto c = make_cpu_affinity(*gen_pxm(), *rc::gen::arbitrary<std::uint8_t>());
      c.flags = flags;
      c.enabled = flags & 1;
      c.clock_domain = *rc::gen::arbitrary<std::uint32_t>();
      c.length = static_cast<std::uint8_t>(kSratCpuAffinityBytes + extra.size());
      c.extra = extra;
      return c;
    }
    case 2: {
      auto x = make_x2apic_affinity(*gen_pxm(), *rc::gen::arbitrary<std::uint32_t>());
      x.flags = flags;
      x.enabled = flags & 1;
      x.length = static_cast<std::uint8_t>(kSratX2apicAffinityBytes + extra.size());
      x.extra = extra;
      return x;
    }
    case 3: {
      SratGiccAffinity g;
      g.proximity_domain = *gen_pxm();
      g.acpi_processor_uid = *rc::gen::arbitrary<std::uint32_t>();
      g.flags = flags;
      g.enabled = flags & 1;
      return g;
    }
    case 4: {
      SratGicItsAffinity i;
      i.proximity_domain = *gen_pxm();
      i.its_id = *rc::gen::arbitrary<std::uint32_t>();
      return i;
    }
    case 5: {
      SratGenericAffinity g;
      g.type = *rc::gen::element<std::uint8_t>(SRAT_GENERIC_AFFINITY, SRAT_GENERIC_PORT_AFFINITY);
      g.device_handle_type = *rc::gen::inRange<std::uint8_t>(0, 2);
      g.proximity_domain = *gen_pxm();
      g.device_handle[0] = *rc::gen::arbitrary<std::uint8_t>();
      g.flags = flags;
      g.enabled = flags & 1;
      g.architectural_transactions = flags & 2;
      return g;
    }
    default: {
      // A reserved type, or a known type shorter than its structure.
      SratUnknown u;
      u.type = *rc::gen::oneOf(rc::gen::inRange<std::uint8_t>(7, 255),
                               rc::gen::inRange<std::uint8_t>(0, 7));
      const std::size_t max_body = u.type <= 6 ? 8 : 30;  // short known types stay short
      u.body = *rc::gen::container<std::vector<std::uint8_t>>(
          *rc::gen::inRange<std::size_t>(0, max_body + 1), rc::gen::arbitrary<std::uint8_t>());
      u.length = static_cast<std::uint8_t>(2 + u.body.size());
      return u;
    }
  }
}

// A whole table, offsets and length consistent, as the writer expects.
inline rc::Gen<Srat> gen_srat() {
  return rc::gen::exec([] {
    Srat s = make_srat({});
    s.header.revision = *rc::gen::element<std::uint8_t>(1, 2, 3);
    s.header.oem_revision = *rc::gen::arbitrary<std::uint32_t>();
    const auto n = *rc::gen::inRange<std::size_t>(0, 24);
    std::uint32_t off = kSratHeaderBytes;
    for (std::size_t i = 0; i < n; ++i) {
      SratEntry e = gen_entry_now();
      std::visit([&](auto& x) { x.offset = off; }, e);
      off += entry_length(e);
      s.entries.push_back(std::move(e));
    }
    if (*rc::gen::weightedElement<int>({{9, 0}, {1, 1}}))
      s.trailing = {*rc::gen::arbitrary<std::uint8_t>()};
    s.header.length = off + static_cast<std::uint32_t>(s.trailing.size());
    s.header.checksum = write_srat(s)[9];
    return s;
  });
}

}  // namespace mbv::test
