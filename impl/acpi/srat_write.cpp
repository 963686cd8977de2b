// write_srat: Srat -> bytes (lengths and checksum right), the builders, and
// the per-entry accessors. write_srat(parse_srat(b)) reproduces b exactly
// when b's checksum is right (the writer always makes it right unless asked).
#include <type_traits>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"

namespace mbv {
namespace {

using le::put;

template <std::size_t N>
void put_chars(std::vector<std::uint8_t>& out, const std::array<char, N>& a) {
  for (char c : a) out.push_back(static_cast<std::uint8_t>(c));
}

void put_extra(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& extra) {
  out.insert(out.end(), extra.begin(), extra.end());
}

// The declared length must match the structure plus its kept extra bytes.
void check_length(std::uint32_t declared, std::uint32_t size, std::size_t extra) {
  MB_CHECK(declared == size + extra, "SRAT entry length != structure size + extra bytes");
}

// Flag bits 0..2 come from the bools (so builders can set them by name); the
// other bits from `flags`.
std::uint32_t merge_flags(std::uint32_t flags, bool b0, bool b1 = false, bool b2 = false,
                          std::uint32_t mask = 1) {
  std::uint32_t bits = (b0 ? 1u : 0u) | (b1 ? 2u : 0u) | (b2 ? 4u : 0u);
  return (flags & ~mask) | (bits & mask);
}

void write_entry(std::vector<std::uint8_t>& out, const SratEntry& entry) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, SratCpuAffinity>) {
          check_length(e.length, kSratCpuAffinityBytes, e.extra.size());
          put(out, SRAT_CPU_AFFINITY, 1);
          put(out, e.length, 1);
          put(out, e.proximity_domain_lo, 1);
          put(out, e.apic_id, 1);
          put(out, merge_flags(e.flags, e.enabled), 4);
          put(out, e.local_sapic_eid, 1);
          for (auto b : e.proximity_domain_hi) put(out, b, 1);
          put(out, e.clock_domain, 4);
        } else if constexpr (std::is_same_v<T, SratMemoryAffinity>) {
          check_length(e.subtable_length, kSratMemoryAffinityBytes, e.extra.size());
          put(out, SRAT_MEMORY_AFFINITY, 1);
          put(out, e.subtable_length, 1);
          put(out, e.proximity_domain, 4);
          put(out, e.reserved1, 2);
          put(out, e.base, 8);
          put(out, e.length, 8);
          put(out, e.reserved2, 4);
          put(out, merge_flags(e.flags, e.enabled, e.hot_pluggable, e.non_volatile, 7), 4);
          put(out, e.reserved3, 8);
        } else if constexpr (std::is_same_v<T, SratX2apicAffinity>) {
          check_length(e.length, kSratX2apicAffinityBytes, e.extra.size());
          put(out, SRAT_X2APIC_CPU_AFFINITY, 1);
          put(out, e.length, 1);
          put(out, e.reserved1, 2);
          put(out, e.proximity_domain, 4);
          put(out, e.apic_id, 4);
          put(out, merge_flags(e.flags, e.enabled), 4);
          put(out, e.clock_domain, 4);
          put(out, e.reserved2, 4);
        } else if constexpr (std::is_same_v<T, SratGiccAffinity>) {
          check_length(e.length, kSratGiccAffinityBytes, e.extra.size());
          put(out, SRAT_GICC_AFFINITY, 1);
          put(out, e.length, 1);
          put(out, e.proximity_domain, 4);
          put(out, e.acpi_processor_uid, 4);
          put(out, merge_flags(e.flags, e.enabled), 4);
          put(out, e.clock_domain, 4);
        } else if constexpr (std::is_same_v<T, SratGicItsAffinity>) {
          check_length(e.length, kSratGicItsAffinityBytes, e.extra.size());
          put(out, SRAT_GIC_ITS_AFFINITY, 1);
          put(out, e.length, 1);
          put(out, e.proximity_domain, 4);
          put(out, e.reserved, 2);
          put(out, e.its_id, 4);
        } else if constexpr (std::is_same_v<T, SratGenericAffinity>) {
          check_length(e.length, kSratGenericAffinityBytes, e.extra.size());
          MB_CHECK(e.type == SRAT_GENERIC_AFFINITY || e.type == SRAT_GENERIC_PORT_AFFINITY,
                   "SratGenericAffinity type must be 5 or 6");
          put(out, e.type, 1);
          put(out, e.length, 1);
          put(out, e.reserved, 1);
          put(out, e.device_handle_type, 1);
          put(out, e.proximity_domain, 4);
          for (auto b : e.device_handle) put(out, b, 1);
          put(out, merge_flags(e.flags, e.enabled, e.architectural_transactions, false, 3), 4);
          put(out, e.reserved1, 4);
        } else {
          static_assert(std::is_same_v<T, SratUnknown>);
          check_length(e.length, kSubtableHeaderBytes, e.body.size());
          put(out, e.type, 1);
          put(out, e.length, 1);
          put_extra(out, e.body);
        }
        if constexpr (!std::is_same_v<T, SratUnknown>) put_extra(out, e.extra);
      },
      entry);
}

}  // namespace

std::vector<std::uint8_t> write_srat(const Srat& srat, bool keep_checksum) {
  const SratHeader& h = srat.header;
  std::vector<std::uint8_t> out;
  out.reserve(kSratHeaderBytes + srat.entries.size() * kSratMemoryAffinityBytes +
              srat.trailing.size());
  put_chars(out, h.signature);
  put(out, 0, 4);  // length, patched below
  put(out, h.revision, 1);
  put(out, 0, 1);  // checksum, patched below
  put_chars(out, h.oem_id);
  put_chars(out, h.oem_table_id);
  put(out, h.oem_revision, 4);
  put_chars(out, h.creator_id);
  put(out, h.creator_revision, 4);
  put(out, h.table_revision, 4);
  put(out, h.reserved, 8);
  for (const auto& e : srat.entries) write_entry(out, e);
  if (srat.zero_length_at)
    MB_CHECK(srat.trailing.size() >= 2 && srat.trailing[1] == 0,
             "zero_length_at set but trailing does not start with a zero-length subtable");
  out.insert(out.end(), srat.trailing.begin(), srat.trailing.end());
  le::put_at(out, 4, out.size(), 4);
  if (keep_checksum) {
    out[9] = h.checksum;
  } else {
    out[9] = static_cast<std::uint8_t>(0x100 - acpi_checksum(out));
  }
  return out;
}

SratMemoryAffinity make_memory_affinity(std::uint32_t pxm, std::uint64_t base,
                                        std::uint64_t length, bool hot_pluggable,
                                        bool non_volatile, bool enabled) {
  SratMemoryAffinity m;
  m.proximity_domain = pxm;
  m.base = base;
  m.length = length;
  m.enabled = enabled;
  m.hot_pluggable = hot_pluggable;
  m.non_volatile = non_volatile;
  m.flags = merge_flags(0, enabled, hot_pluggable, non_volatile, 7);
  return m;
}

SratCpuAffinity make_cpu_affinity(std::uint32_t pxm, std::uint8_t apic_id, bool enabled) {
  SratCpuAffinity c;
  c.proximity_domain_lo = static_cast<std::uint8_t>(pxm);
  c.proximity_domain_hi = {static_cast<std::uint8_t>(pxm >> 8),
                           static_cast<std::uint8_t>(pxm >> 16),
                           static_cast<std::uint8_t>(pxm >> 24)};
  c.apic_id = apic_id;
  c.enabled = enabled;
  c.flags = enabled ? SRAT_CPU_ENABLED : 0;
  return c;
}

SratX2apicAffinity make_x2apic_affinity(std::uint32_t pxm, std::uint32_t apic_id, bool enabled) {
  SratX2apicAffinity x;
  x.proximity_domain = pxm;
  x.apic_id = apic_id;
  x.enabled = enabled;
  x.flags = enabled ? SRAT_CPU_ENABLED : 0;
  return x;
}

Srat make_srat(std::vector<SratMemoryAffinity> memory, std::vector<SratCpuAffinity> cpus,
               std::vector<SratX2apicAffinity> x2apics) {
  Srat s;
  s.header.oem_id = {'M', 'B', 'V', 'E', 'R', 'I'};
  s.header.oem_table_id = {'M', 'B', 'V', 'S', 'R', 'A', 'T', ' '};
  s.header.oem_revision = 1;
  s.header.creator_id = {'M', 'B', 'V', ' '};
  s.header.creator_revision = 1;
  std::uint32_t off = kSratHeaderBytes;
  for (auto& c : cpus) {
    c.offset = off;
    off += c.length;
    s.entries.emplace_back(std::move(c));
  }
  for (auto& x : x2apics) {
    x.offset = off;
    off += x.length;
    s.entries.emplace_back(std::move(x));
  }
  for (auto& m : memory) {
    m.offset = off;
    off += m.subtable_length;
    s.entries.emplace_back(std::move(m));
  }
  s.header.length = off;
  // Fill in the checksum the writer will produce, so the value is self-consistent.
  s.header.checksum = write_srat(s)[9];
  return s;
}

std::uint8_t entry_type(const SratEntry& e) {
  return std::visit(
      [](const auto& x) -> std::uint8_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, SratCpuAffinity>) return SRAT_CPU_AFFINITY;
        else if constexpr (std::is_same_v<T, SratMemoryAffinity>) return SRAT_MEMORY_AFFINITY;
        else if constexpr (std::is_same_v<T, SratX2apicAffinity>) return SRAT_X2APIC_CPU_AFFINITY;
        else if constexpr (std::is_same_v<T, SratGiccAffinity>) return SRAT_GICC_AFFINITY;
        else if constexpr (std::is_same_v<T, SratGicItsAffinity>) return SRAT_GIC_ITS_AFFINITY;
        else return x.type;  // SratGenericAffinity, SratUnknown
      },
      e);
}

std::uint32_t entry_length(const SratEntry& e) {
  return std::visit(
      [](const auto& x) -> std::uint32_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, SratMemoryAffinity>)
          return x.subtable_length;
        else
          return x.length;
      },
      e);
}

std::uint32_t entry_offset(const SratEntry& e) {
  return std::visit([](const auto& x) { return x.offset; }, e);
}

}  // namespace mbv
