// parse_srat: bytes -> Srat, "what the bytes say". Strict about structure
// (every byte is accounted for, nothing is read past the table), lenient
// where Linux is (a bad checksum, a zero-length subtable) when asked.
#include <cstdio>
#include <string>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"

namespace mbv {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A 4-byte signature for a message: printable characters as they are, others as \xNN.
std::string printable(Bytes b) {
  std::string s;
  for (auto c : b) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      s += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      s += buf;
    }
  }
  return s;
}

template <std::size_t N>
std::array<char, N> chars(Bytes b, std::size_t off) {
  std::array<char, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<char>(b[off + i]);
  return a;
}

std::vector<std::uint8_t> tail(Bytes sub, std::size_t from) {
  if (sub.size() <= from) return {};
  return {sub.begin() + static_cast<std::ptrdiff_t>(from), sub.end()};
}

// One subtable, `sub` being exactly its declared bytes (length >= 2).
SratEntry decode_subtable(Bytes sub, std::uint32_t offset) {
  const std::uint8_t type = sub[0];
  const std::uint8_t len = sub[1];
  using namespace le;
  switch (type) {
    case SRAT_CPU_AFFINITY:
      if (len < kSratCpuAffinityBytes) break;
      {
        SratCpuAffinity e;
        e.proximity_domain_lo = u8(sub, 2);
        e.apic_id = u8(sub, 3);
        e.flags = u32(sub, 4);
        e.local_sapic_eid = u8(sub, 8);
        e.proximity_domain_hi = {u8(sub, 9), u8(sub, 10), u8(sub, 11)};
        e.clock_domain = u32(sub, 12);
        e.enabled = e.flags & SRAT_CPU_ENABLED;
        e.length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratCpuAffinityBytes);
        return e;
      }
    case SRAT_MEMORY_AFFINITY:
      if (len < kSratMemoryAffinityBytes) break;
      {
        SratMemoryAffinity e;
        e.proximity_domain = u32(sub, 2);
        e.reserved1 = u16(sub, 6);
        e.base = u64(sub, 8);
        e.length = u64(sub, 16);
        e.reserved2 = u32(sub, 24);
        e.flags = u32(sub, 28);
        e.reserved3 = u64(sub, 32);
        e.enabled = e.flags & SRAT_MEM_ENABLED;
        e.hot_pluggable = e.flags & SRAT_MEM_HOT_PLUGGABLE;
        e.non_volatile = e.flags & SRAT_MEM_NON_VOLATILE;
        e.subtable_length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratMemoryAffinityBytes);
        return e;
      }
    case SRAT_X2APIC_CPU_AFFINITY:
      if (len < kSratX2apicAffinityBytes) break;
      {
        SratX2apicAffinity e;
        e.reserved1 = u16(sub, 2);
        e.proximity_domain = u32(sub, 4);
        e.apic_id = u32(sub, 8);
        e.flags = u32(sub, 12);
        e.clock_domain = u32(sub, 16);
        e.reserved2 = u32(sub, 20);
        e.enabled = e.flags & SRAT_CPU_ENABLED;
        e.length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratX2apicAffinityBytes);
        return e;
      }
    case SRAT_GICC_AFFINITY:
      if (len < kSratGiccAffinityBytes) break;
      {
        SratGiccAffinity e;
        e.proximity_domain = u32(sub, 2);
        e.acpi_processor_uid = u32(sub, 6);
        e.flags = u32(sub, 10);
        e.clock_domain = u32(sub, 14);
        e.enabled = e.flags & SRAT_GICC_ENABLED;
        e.length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratGiccAffinityBytes);
        return e;
      }
    case SRAT_GIC_ITS_AFFINITY:
      if (len < kSratGicItsAffinityBytes) break;
      {
        SratGicItsAffinity e;
        e.proximity_domain = u32(sub, 2);
        e.reserved = u16(sub, 6);
        e.its_id = u32(sub, 8);
        e.length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratGicItsAffinityBytes);
        return e;
      }
    case SRAT_GENERIC_AFFINITY:
    case SRAT_GENERIC_PORT_AFFINITY:
      if (len < kSratGenericAffinityBytes) break;
      {
        SratGenericAffinity e;
        e.type = type;
        e.reserved = u8(sub, 2);
        e.device_handle_type = u8(sub, 3);
        e.proximity_domain = u32(sub, 4);
        for (int i = 0; i < 16; ++i) e.device_handle[i] = u8(sub, 8 + i);
        e.flags = u32(sub, 24);
        e.reserved1 = u32(sub, 28);
        e.enabled = e.flags & SRAT_GENERIC_ENABLED;
        e.architectural_transactions = e.flags & SRAT_GENERIC_ARCH_TRANSACTIONS;
        e.length = len;
        e.offset = offset;
        e.extra = tail(sub, kSratGenericAffinityBytes);
        return e;
      }
    default:
      break;
  }
  // Reserved type, or a known type too short for its structure.
  return SratUnknown{type, len, offset, tail(sub, kSubtableHeaderBytes)};
}

const char* short_name(std::uint8_t type) {
  switch (type) {
    case SRAT_CPU_AFFINITY: return "processor local APIC affinity";
    case SRAT_MEMORY_AFFINITY: return "memory affinity";
    case SRAT_X2APIC_CPU_AFFINITY: return "x2APIC affinity";
    case SRAT_GICC_AFFINITY: return "GICC affinity";
    case SRAT_GIC_ITS_AFFINITY: return "GIC ITS affinity";
    case SRAT_GENERIC_AFFINITY: return "generic initiator affinity";
    case SRAT_GENERIC_PORT_AFFINITY: return "generic port affinity";
    default: return "reserved-type";
  }
}

std::uint8_t known_size(std::uint8_t type) {
  switch (type) {
    case SRAT_CPU_AFFINITY: return kSratCpuAffinityBytes;
    case SRAT_MEMORY_AFFINITY: return kSratMemoryAffinityBytes;
    case SRAT_X2APIC_CPU_AFFINITY: return kSratX2apicAffinityBytes;
    case SRAT_GICC_AFFINITY: return kSratGiccAffinityBytes;
    case SRAT_GIC_ITS_AFFINITY: return kSratGicItsAffinityBytes;
    case SRAT_GENERIC_AFFINITY:
    case SRAT_GENERIC_PORT_AFFINITY: return kSratGenericAffinityBytes;
    default: return 0;
  }
}

}  // namespace

std::uint8_t acpi_checksum(std::span<const std::uint8_t> bytes) {
  std::uint8_t sum = 0;
  for (auto b : bytes) sum = static_cast<std::uint8_t>(sum + b);
  return sum;
}

Result<Srat> parse_srat(std::span<const std::uint8_t> bytes, std::string_view filename,
                        const ParseOptions& options) {
  auto fail = [&](ErrorCode code, std::uint64_t offset, std::string msg) -> Error {
    return make_error(code, std::move(msg), SourceLoc{std::string(filename), 0, offset, true});
  };
  using namespace le;

  if (bytes.size() < kAcpiHeaderBytes)
    return fail(ErrorCode::Truncated, bytes.size(),
                "truncated: " + std::to_string(bytes.size()) +
                    " bytes, an ACPI table header needs 36");
  if (!(bytes[0] == 'S' && bytes[1] == 'R' && bytes[2] == 'A' && bytes[3] == 'T'))
    return fail(ErrorCode::BadInput, 0,
                "signature is \"" + printable(bytes.subspan(0, 4)) + "\", expected \"SRAT\"");

  const std::uint32_t length = u32(bytes, 4);
  if (length < kSratHeaderBytes)
    return fail(ErrorCode::BadInput, 4,
                "table length " + hex(length) + " is shorter than the SRAT header (0x30 bytes)");
  if (length > bytes.size())
    return fail(ErrorCode::Truncated, bytes.size(),
                "truncated: table length " + hex(length) + " overruns the " +
                    hex(bytes.size()) + "-byte input");
  if (length < bytes.size())
    return fail(ErrorCode::BadInput, length,
                hex(bytes.size() - length) + " bytes follow the table end (length " +
                    hex(length) + ")");
  const Bytes table = bytes.subspan(0, length);

  Srat srat;
  SratHeader& h = srat.header;
  h.signature = chars<4>(table, 0);
  h.length = length;
  h.revision = u8(table, 8);
  h.checksum = u8(table, 9);
  h.oem_id = chars<6>(table, 10);
  h.oem_table_id = chars<8>(table, 16);
  h.oem_revision = u32(table, 24);
  h.creator_id = chars<4>(table, 28);
  h.creator_revision = u32(table, 32);
  h.table_revision = u32(table, 36);
  h.reserved = u64(table, 40);

  const std::uint8_t sum = acpi_checksum(table);
  srat.checksum_ok = sum == 0;
  if (!srat.checksum_ok) {
    char buf[128];
    // The same numbers ACPICA's "Incorrect checksum in table" warning prints.
    std::snprintf(buf, sizeof buf, "checksum 0x%02x is wrong, should be 0x%02x", h.checksum,
                  static_cast<std::uint8_t>(h.checksum - sum));
    if (!options.accept_bad_checksum)
      return fail(ErrorCode::BadChecksum, 9,
                  std::string(buf) + " (use accept_bad_checksum to read it as Linux does)");
    srat.diagnostics.push_back("byte 0x9: " + std::string(buf) + "; used anyway, as Linux does");
  }

  std::uint32_t off = kSratHeaderBytes;
  while (off < length) {
    const std::uint32_t left = length - off;
    if (left < kSubtableHeaderBytes) {
      srat.trailing = tail(table, off);
      srat.diagnostics.push_back("byte " + hex(off) + ": " + std::to_string(left) +
                                 " trailing byte(s) too short for a subtable header");
      break;
    }
    const std::uint8_t type = table[off];
    const std::uint8_t len = table[off + 1];
    if (len == 0) {
      if (!options.accept_zero_length)
        return fail(ErrorCode::BadInput, off + 1,
                    std::string(short_name(type)) + " subtable (type " + std::to_string(type) +
                        ") has length 0");
      srat.zero_length_at = off;
      srat.zero_length_type = type;
      srat.trailing = tail(table, off);
      srat.diagnostics.push_back("byte " + hex(off + 1) + ": zero-length subtable (type " +
                                 std::to_string(type) + ") ends the walk, as in Linux");
      break;
    }
    if (len < kSubtableHeaderBytes)
      return fail(ErrorCode::BadInput, off + 1,
                  "subtable length 1 is shorter than its 2-byte header");
    if (len > left)
      return fail(ErrorCode::BadInput, off + 1,
                  std::string(short_name(type)) + " subtable length " + hex(len) +
                      " overruns the table end (" + hex(left) + " bytes left)");
    const std::uint8_t need = known_size(type);
    if (need && len < need)
      srat.diagnostics.push_back("byte " + hex(off + 1) + ": " + short_name(type) +
                                 " subtable length " + hex(len) + " is shorter than its " +
                                 hex(need) + "-byte structure; kept undecoded");
    srat.entries.push_back(decode_subtable(table.subspan(off, len), off));
    off += len;
  }
  return srat;
}

}  // namespace mbv
