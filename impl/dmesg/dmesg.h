// A real boot log (dmesg, syslog, journalctl) read for the facts the early
// memory path depends on and the results it printed: command line, e820
// tables, SRAT memory affinities, NUMA merges, NODE_DATA, zones, the early
// node map, ZONE_MOVABLE starts, direct-map ranges, initrd, crashkernel.
// Lines are matched against the Linux 6.1 printk formats (older spellings
// that differ only in layout are accepted too); other lines are skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/e820/e820.h"

namespace mbv {

// One e820 table as printed by e820__print_table(who).
struct DmesgE820Table {
  std::string who;  // "BIOS-e820", "BIOS-88", "BIOS-e801", "user", "modified", ...
  E820Table table;
  friend bool operator==(const DmesgE820Table&, const DmesgE820Table&) = default;
};

// "ACPI: SRAT: Node N PXM P [mem a-b][ hotplug][ non-volatile]"
// (acpi_numa_memory_affinity_init). Ranges are half-open here.
struct DmesgSratMem {
  int node = 0;
  std::uint32_t pxm = 0;
  PhysRange range;
  bool hotplug = false;
  bool non_volatile = false;
  bool disabled = false;  // "disabled" suffix (other kernels' and our tools' logs)
  bool ignored = false;   // "ignored" suffix
  friend bool operator==(const DmesgSratMem&, const DmesgSratMem&) = default;
};

// "ACPI: SRAT: Failed to add memblk to node N [mem a-b]"
struct DmesgSratFailed {
  int node = 0;
  PhysRange range;
  friend bool operator==(const DmesgSratFailed&, const DmesgSratFailed&) = default;
};

// "NUMA: Node N [mem a-b] + [mem c-d] -> [mem e-f]" (numa_cleanup_meminfo)
struct DmesgNumaMerge {
  int node = 0;
  PhysRange a, b, result;
  friend bool operator==(const DmesgNumaMerge&, const DmesgNumaMerge&) = default;
};

// "NODE_DATA(N) allocated [mem a-b]" and "    NODE_DATA(N) on node M"
struct DmesgNodeData {
  int nid = 0;
  PhysRange range;
  std::optional<int> on_node;
  friend bool operator==(const DmesgNodeData&, const DmesgNodeData&) = default;
};

// "  DMA      [mem a-b]" or "  Normal   empty" under "Zone ranges:"
struct DmesgZone {
  std::string name;
  std::optional<PhysRange> range;  // nullopt = empty
  friend bool operator==(const DmesgZone&, const DmesgZone&) = default;
};

// "  node   0: [mem a-b]" under "Early memory node ranges"
struct DmesgNodeRange {
  int nid = 0;
  PhysRange range;
  friend bool operator==(const DmesgNodeRange&, const DmesgNodeRange&) = default;
};

// "  Node 1: 0x..." under "Movable zone start for each node"
struct DmesgMovableStart {
  int node = 0;
  std::uint64_t addr = 0;
  friend bool operator==(const DmesgMovableStart&, const DmesgMovableStart&) = default;
};

// "Memory: 123K/456K available (...)" (mem_init_print_info)
struct DmesgMemory {
  std::uint64_t available_k = 0;
  std::uint64_t total_k = 0;
  std::string detail;  // the parenthesised rest, as printed
  friend bool operator==(const DmesgMemory&, const DmesgMemory&) = default;
};

// Lines of reserve_crashkernel / reserve_crashkernel_low (arch/x86/kernel/setup.c).
struct DmesgCrashkernel {
  enum class Kind { Reserved, ReservedLow, Failed, Other } kind = Kind::Other;
  std::uint64_t size_mb = 0;
  std::uint64_t at_mb = 0;
  std::uint64_t ram_mb = 0;  // "System RAM" or "low RAM limit"
  std::string text;          // the message as printed
  friend bool operator==(const DmesgCrashkernel&, const DmesgCrashkernel&) = default;
};

// Where a section was found: its name, whether it was, its first line, how many lines.
struct DmesgSection {
  std::string name;
  bool found = false;
  std::uint64_t first_line = 0;
  std::size_t lines = 0;
};

struct DmesgLog {
  std::optional<std::string> linux_version;  // text after "Linux version "
  std::optional<std::string> command_line;   // text after "Command line: "
  std::vector<DmesgE820Table> e820;          // in order; BIOS-* first on a normal boot
  std::vector<DmesgSratMem> srat;
  std::vector<DmesgSratFailed> srat_failed;
  bool srat_not_used = false;                // "SRAT: SRAT not used."
  std::vector<DmesgNumaMerge> numa_merges;
  std::vector<DmesgNodeData> node_data;
  bool no_numa_config = false;               // "No NUMA configuration found"
  bool numa_turned_off = false;              // "NUMA turned off"
  std::optional<PhysRange> fake_node;        // "Faking a node at [mem a-b]"
  std::optional<std::vector<DmesgZone>> zones;
  std::optional<std::vector<DmesgMovableStart>> movable_zone_start;
  std::optional<std::vector<DmesgNodeRange>> early_node_ranges;
  std::vector<PhysRange> init_memory_mapping;
  std::optional<PhysRange> ramdisk;
  std::optional<PhysRange> ramdisk_relocated;  // "Allocated new RAMDISK: [mem a-b]"
  std::optional<DmesgMemory> memory;
  std::vector<DmesgCrashkernel> crashkernel;
  bool second_boot_ignored = false;  // a second "Linux version" line ended the read

  // The BIOS-provided table (who = BIOS-e820/BIOS-88/BIOS-e801), if printed.
  const E820Table* bios_e820() const;
  friend bool operator==(const DmesgLog&, const DmesgLog&) = default;
};

struct DmesgRead {
  DmesgLog log;
  std::vector<DmesgSection> sections;  // every known section, found or not
  std::uint64_t lines = 0;
};

// Strip a syslog "<6>", journalctl/syslog "Mon DD HH:MM:SS host kernel: ",
// "kernel: ", dmesg -x "kern  :info  : " and "[    0.000000] " / dmesg -T
// timestamps. Returns the message as the kernel printed it.
std::string_view dmesg_strip_prefix(std::string_view line);

// Read a whole log. A line that names a known message but does not parse
// (e.g. "BIOS-e820: [mem 0xzz...") is an error naming the file and line.
Result<DmesgRead> read_dmesg(std::string_view text, std::string_view file = "<input>");

// "found: ... / not found: ..." one line per section.
std::string dmesg_summary(const DmesgRead& read);

// Print a log in the kernel's formats, in boot order (used for seeds,
// benchmarks and round-trip tests). `timestamps` adds "[    0.000000] ".
// RESERVED_KERN entries print as "reserved kernel" (the kernel prints
// "usable") so that a written log reads back to the same tables.
std::string write_dmesg(const DmesgLog& log, bool timestamps = true);

}  // namespace mbv
