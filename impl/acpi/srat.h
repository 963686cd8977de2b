// ACPI SRAT (System Resource Affinity Table): the binary table as firmware
// hands it over (/sys/firmware/acpi/tables/SRAT), decoded into plain values,
// and written back byte for byte.
//
// Two separate steps, on purpose:
//   parse_srat  -> Srat           "what the bytes say" (ACPI 6.5 layout)
//   linux_view  -> LinuxSratView  "what Linux 6.1 makes of them"
//                                 (acpi_numa_init + the x86 callbacks, and
//                                  KASLR's count_immovable_mem_regions)
// so a developer can see where the kernel's reading differs from the table.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"

namespace mbv {

// ---------------------------------------------------------------------------
// Raw decode: the table as ACPI 6.5 defines it.
// ---------------------------------------------------------------------------

inline constexpr std::uint32_t kAcpiHeaderBytes = 36;  // struct acpi_table_header
inline constexpr std::uint32_t kSratHeaderBytes = 48;  // struct acpi_table_srat
inline constexpr std::uint32_t kSubtableHeaderBytes = 2;  // type, length

// enum acpi_srat_type
enum SratType : std::uint8_t {
  SRAT_CPU_AFFINITY = 0,
  SRAT_MEMORY_AFFINITY = 1,
  SRAT_X2APIC_CPU_AFFINITY = 2,
  SRAT_GICC_AFFINITY = 3,
  SRAT_GIC_ITS_AFFINITY = 4,
  SRAT_GENERIC_AFFINITY = 5,
  SRAT_GENERIC_PORT_AFFINITY = 6,
};

// Full sizes of the subtables (the kernel's sizeof(struct acpi_srat_*)).
inline constexpr std::uint8_t kSratCpuAffinityBytes = 16;
inline constexpr std::uint8_t kSratMemoryAffinityBytes = 40;
inline constexpr std::uint8_t kSratX2apicAffinityBytes = 24;
inline constexpr std::uint8_t kSratGiccAffinityBytes = 18;
inline constexpr std::uint8_t kSratGicItsAffinityBytes = 12;
inline constexpr std::uint8_t kSratGenericAffinityBytes = 32;

// Flag bits.
inline constexpr std::uint32_t SRAT_CPU_ENABLED = 1u << 0;
inline constexpr std::uint32_t SRAT_MEM_ENABLED = 1u << 0;
inline constexpr std::uint32_t SRAT_MEM_HOT_PLUGGABLE = 1u << 1;
inline constexpr std::uint32_t SRAT_MEM_NON_VOLATILE = 1u << 2;
inline constexpr std::uint32_t SRAT_GICC_ENABLED = 1u << 0;
inline constexpr std::uint32_t SRAT_GENERIC_ENABLED = 1u << 0;
inline constexpr std::uint32_t SRAT_GENERIC_ARCH_TRANSACTIONS = 1u << 1;

// The 36-byte ACPI header plus the SRAT body fields (table_revision, reserved).
struct SratHeader {
  std::array<char, 4> signature{'S', 'R', 'A', 'T'};
  std::uint32_t length = 0;       // whole table, header included
  std::uint8_t revision = 3;      // the kernel's acpi_srat_revision
  std::uint8_t checksum = 0;      // byte that makes the table sum to 0 mod 256
  std::array<char, 6> oem_id{};
  std::array<char, 8> oem_table_id{};
  std::uint32_t oem_revision = 0;
  std::array<char, 4> creator_id{};
  std::uint32_t creator_revision = 0;
  std::uint32_t table_revision = 1;  // SRAT body: "must be 1"
  std::uint64_t reserved = 0;        // SRAT body: 8 reserved bytes
  friend bool operator==(const SratHeader&, const SratHeader&) = default;
};

// Every decoded subtable keeps its declared length and its byte offset in the
// table; bytes past the structure's own size (length > struct size) are kept
// in `extra` so that write_srat(parse_srat(b)) == b.

// 0: Processor Local APIC/SAPIC Affinity
struct SratCpuAffinity {
  std::uint8_t proximity_domain_lo = 0;
  std::uint8_t apic_id = 0;
  std::uint32_t flags = 0;
  std::uint8_t local_sapic_eid = 0;
  std::array<std::uint8_t, 3> proximity_domain_hi{};
  std::uint32_t clock_domain = 0;
  bool enabled = false;  // flags bit 0
  std::uint8_t length = kSratCpuAffinityBytes;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> extra;
  // The full 32-bit domain (lo | hi << 8), as ACPI 6.5 defines it.
  std::uint32_t proximity_domain() const {
    return proximity_domain_lo | std::uint32_t(proximity_domain_hi[0]) << 8 |
           std::uint32_t(proximity_domain_hi[1]) << 16 |
           std::uint32_t(proximity_domain_hi[2]) << 24;
  }
  friend bool operator==(const SratCpuAffinity&, const SratCpuAffinity&) = default;
};

// 1: Memory Affinity
struct SratMemoryAffinity {
  std::uint32_t proximity_domain = 0;
  std::uint64_t base = 0;
  std::uint64_t length = 0;  // the range length (not the subtable length)
  std::uint32_t flags = 0;
  bool enabled = false;        // flags bit 0
  bool hot_pluggable = false;  // flags bit 1
  bool non_volatile = false;   // flags bit 2
  std::uint32_t offset = 0;
  std::uint16_t reserved1 = 0;  // after proximity_domain
  std::uint32_t reserved2 = 0;  // after length
  std::uint64_t reserved3 = 0;  // after flags
  std::uint8_t subtable_length = kSratMemoryAffinityBytes;
  std::vector<std::uint8_t> extra;
  friend bool operator==(const SratMemoryAffinity&, const SratMemoryAffinity&) = default;
};

// 2: Processor Local x2APIC Affinity
struct SratX2apicAffinity {
  std::uint16_t reserved1 = 0;
  std::uint32_t proximity_domain = 0;
  std::uint32_t apic_id = 0;
  std::uint32_t flags = 0;
  std::uint32_t clock_domain = 0;
  std::uint32_t reserved2 = 0;
  bool enabled = false;
  std::uint8_t length = kSratX2apicAffinityBytes;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> extra;
  friend bool operator==(const SratX2apicAffinity&, const SratX2apicAffinity&) = default;
};

// 3: GICC Affinity (18 bytes: subtables after it sit at unaligned offsets)
struct SratGiccAffinity {
  std::uint32_t proximity_domain = 0;
  std::uint32_t acpi_processor_uid = 0;
  std::uint32_t flags = 0;
  std::uint32_t clock_domain = 0;
  bool enabled = false;
  std::uint8_t length = kSratGiccAffinityBytes;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> extra;
  friend bool operator==(const SratGiccAffinity&, const SratGiccAffinity&) = default;
};

// 4: GIC ITS Affinity
struct SratGicItsAffinity {
  std::uint32_t proximity_domain = 0;
  std::uint16_t reserved = 0;
  std::uint32_t its_id = 0;
  std::uint8_t length = kSratGicItsAffinityBytes;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> extra;
  friend bool operator==(const SratGicItsAffinity&, const SratGicItsAffinity&) = default;
};

// 5: Generic Initiator Affinity and 6: Generic Port Affinity (same layout).
struct SratGenericAffinity {
  std::uint8_t type = SRAT_GENERIC_AFFINITY;  // 5 or 6
  std::uint8_t reserved = 0;
  std::uint8_t device_handle_type = 0;  // 0 = ACPI (HID/UID), 1 = PCI (segment/BDF)
  std::uint32_t proximity_domain = 0;
  std::array<std::uint8_t, 16> device_handle{};
  std::uint32_t flags = 0;
  std::uint32_t reserved1 = 0;
  bool enabled = false;                   // flags bit 0
  bool architectural_transactions = false;  // flags bit 1
  std::uint8_t length = kSratGenericAffinityBytes;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> extra;
  bool is_port() const { return type == SRAT_GENERIC_PORT_AFFINITY; }
  friend bool operator==(const SratGenericAffinity&, const SratGenericAffinity&) = default;
};

// A subtable of a reserved type (>= 7), or of a known type whose length is
// shorter than its structure (Linux rejects some of those: see linux_view).
// `body` holds the bytes after the 2-byte subtable header.
struct SratUnknown {
  std::uint8_t type = 0;
  std::uint8_t length = 0;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> body;
  bool short_known_type() const { return type <= SRAT_GENERIC_PORT_AFFINITY; }
  friend bool operator==(const SratUnknown&, const SratUnknown&) = default;
};

using SratEntry = std::variant<SratCpuAffinity, SratMemoryAffinity, SratX2apicAffinity,
                               SratGiccAffinity, SratGicItsAffinity, SratGenericAffinity,
                               SratUnknown>;

struct Srat {
  SratHeader header;
  std::vector<SratEntry> entries;  // in table order
  bool checksum_ok = true;
  // With ParseOptions::accept_zero_length: the offset and type of the
  // zero-length subtable that ended the walk (both Linux walkers stop there).
  std::optional<std::uint32_t> zero_length_at;
  std::uint8_t zero_length_type = 0;
  // Bytes after the last subtable that cannot hold a subtable header (or, after
  // a zero-length subtable, everything behind it). Written back unchanged.
  std::vector<std::uint8_t> trailing;
  // Non-fatal findings ("bad checksum", "trailing bytes"), one line each.
  std::vector<std::string> diagnostics;
  friend bool operator==(const Srat& a, const Srat& b) {
    return a.header == b.header && a.entries == b.entries && a.checksum_ok == b.checksum_ok &&
           a.zero_length_at == b.zero_length_at && a.zero_length_type == b.zero_length_type &&
           a.trailing == b.trailing;  // diagnostics are commentary, not state
  }
};

struct ParseOptions {
  // Linux uses a table whose checksum is wrong (ACPICA only warns), so can we.
  bool accept_bad_checksum = false;
  // Keep a table whose walk ends in a zero-length subtable, so linux_view can
  // show what the kernel does with it; by default it is an error.
  bool accept_zero_length = false;
};

// Decode `bytes` (exactly one SRAT). Errors name `filename` and the byte offset.
Result<Srat> parse_srat(std::span<const std::uint8_t> bytes, std::string_view filename,
                        const ParseOptions& options = {});

// Encode: lengths come from the entries (SratHeader::length is recomputed) and
// the checksum is made right, unless `keep_checksum` asks to write
// header.checksum as it is (to build bad-checksum inputs).
std::vector<std::uint8_t> write_srat(const Srat& srat, bool keep_checksum = false);

// Sum of all bytes mod 256 (0 for a valid table).
std::uint8_t acpi_checksum(std::span<const std::uint8_t> bytes);

// Builders.
SratMemoryAffinity make_memory_affinity(std::uint32_t pxm, std::uint64_t base,
                                        std::uint64_t length, bool hot_pluggable = false,
                                        bool non_volatile = false, bool enabled = true);
SratCpuAffinity make_cpu_affinity(std::uint32_t pxm, std::uint8_t apic_id, bool enabled = true);
SratX2apicAffinity make_x2apic_affinity(std::uint32_t pxm, std::uint32_t apic_id,
                                        bool enabled = true);
// A table of the given CPU entries followed by the memory entries (the order
// firmware usually uses), header revision 3, offsets filled in.
Srat make_srat(std::vector<SratMemoryAffinity> memory,
               std::vector<SratCpuAffinity> cpus = {},
               std::vector<SratX2apicAffinity> x2apics = {});

// The type byte, declared length and offset of any entry.
std::uint8_t entry_type(const SratEntry& e);
std::uint32_t entry_length(const SratEntry& e);
std::uint32_t entry_offset(const SratEntry& e);

// "What the bytes say": one line per entry, plus the header.
std::string describe_srat(const Srat& srat);

// ---------------------------------------------------------------------------
// Linux 6.1's reading of a Srat.
// ---------------------------------------------------------------------------

struct LinuxSratOptions {
  bool acpi_disabled = false;     // acpi=off: acpi_numa_init returns -EINVAL
  bool numa_off = false;          // numa=off: every PXM maps to NUMA_NO_NODE
  bool numa_noacpi = false;       // numa=noacpi: disable_srat() before the walk
  bool memory_hotplug = true;     // CONFIG_MEMORY_HOTPLUG (Debian: y)
  int max_numnodes = MAX_NUMNODES;                      // CONFIG_NODES_SHIFT=10
  int nr_node_memblks = 2 * MAX_NUMNODES;               // NR_NODE_MEMBLKS
  std::uint32_t max_local_apic = 32768;                 // MAX_LOCAL_APIC (x86-64)
  // apic->apic_id_valid() for x2APIC entries: ids above this are "ignored".
  // The x2APIC drivers accept every id; xAPIC-only machines would use 0xfe.
  std::uint32_t x2apic_max_id = 0xffffffffu;
};

// One numa_add_memblk(nid, start, end) call that was accepted.
struct NumaMemblk {
  int nid = 0;
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  bool hotpluggable = false;
  friend bool operator==(const NumaMemblk&, const NumaMemblk&) = default;
};

struct PxmNode {
  std::uint32_t pxm = 0;
  int nid = 0;
  friend bool operator==(const PxmNode&, const PxmNode&) = default;
};

struct ApicNode {
  std::uint32_t apic_id = 0;
  int nid = 0;
  friend bool operator==(const ApicNode&, const ApicNode&) = default;
};

struct LinuxSratView {
  // acpi_numa_init's return value (0, -EINVAL, -ENOENT) and then
  // x86_acpi_numa_init's (-EINVAL when bad_srat fired).
  int acpi_numa_init_ret = 0;
  int x86_acpi_numa_init_ret = 0;
  bool srat_bad = false;      // bad_srat() fired: NUMA init falls back (AMD, then dummy)
  std::string bad_reason;     // the first reason, with the entry offset
  std::vector<PxmNode> pxm_to_node;   // in assignment order
  std::vector<int> nodes_parsed;      // numa_nodes_parsed, ascending
  std::vector<ApicNode> apic_to_node; // set_apicid_to_node calls
  std::vector<NumaMemblk> memblks;    // numa_meminfo after SRAT (before cleanup)
  std::vector<PhysRange> hotplug_ranges;  // memblock_mark_hotplug(start, length) calls
  std::uint64_t max_possible_pfn = 0;     // max(PFN_UP(end - 1)) over accepted entries
  int parsed_numa_memblks = 0;
  std::vector<std::string> log;  // the kernel's messages, "ACPI: SRAT: Node 0 PXM 0 [mem ...]"
  std::vector<std::string> notes;  // where the model stops short of the kernel
  bool numa_init_ok() const { return x86_acpi_numa_init_ret == 0; }
};

// acpi_numa_init + x86_acpi_numa_init (drivers/acpi/numa/srat.c, arch/x86/mm/srat.c)
LinuxSratView linux_view(const Srat& srat, const LinuxSratOptions& options = {});

// KASLR's own walk: the immovable list that physical placement is limited to.
struct KaslrImmovableView {
  // [base, base + length) in table order; end wraps like the kernel's u64
  // (size() == length), so no information is lost.
  std::vector<PhysRange> immovable;
  bool aborted = false;              // returned 0 (zero-length subtable / too many)
  std::string reason;
  std::vector<std::string> notes;    // where the walk reads past a short subtable
  int count() const { return static_cast<int>(immovable.size()); }
};

// count_immovable_mem_regions (arch/x86/boot/compressed/acpi.c)
KaslrImmovableView count_immovable_mem_regions(const Srat& srat, bool acpi_off = false,
                                               int max_numnodes = MAX_NUMNODES);

// "What Linux makes of them": the view as text (log lines, memblks, verdict).
std::string describe_linux_view(const LinuxSratView& view);
std::string describe_kaslr_view(const KaslrImmovableView& view);

}  // namespace mbv
