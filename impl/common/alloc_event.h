// Every memblock allocation or reservation made during a simulated boot is
// recorded as an event: who asked (owner), when (phase), where (range, node).
// Invariants in model/ are judged over these events against the SRAT ground
// truth, not against the memblock flags of the moment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "impl/common/types.h"

namespace mbv {

enum class Owner : std::uint8_t {
  KernelImage,          // [_text, _end) reserved by early_reserve_memory
  Brk,                  // reserve_brk (includes the early page-table buffer)
  DirectMapPageTable,   // alloc_low_pages from memblock during init_mem_mapping
  NodeData,             // alloc_node_data (pg_data_t)
  CrashKernel,          // reserve_crashkernel
  MemblockArray,        // memblock_double_array
  LogBuf,               // setup_log_buf
  Initrd,               // initrd (reserved or relocated)
  AcpiTables,           // ACPI tables reserved by acpi_boot_table_init
  RealMode,             // reserve_real_mode: [0, 1M)
  BiosReserved,         // [0, 64K), EBDA and other firmware areas
  SoftReserved,         // e820 SOFT_RESERVED ranges
  DistanceTable,        // numa_set_distance (SLIT)
  Memmap,               // sparse_init memmap buffers
  Other,
};

// Owners whose memory is never movable once allocated (everything a boot
// allocates is unmovable; the enum exists so the report can say which).
constexpr bool owner_is_unmovable(Owner) { return true; }

constexpr std::string_view owner_name(Owner o) {
  switch (o) {
    case Owner::KernelImage: return "kernel-image";
    case Owner::Brk: return "brk";
    case Owner::DirectMapPageTable: return "direct-map-pgtable";
    case Owner::NodeData: return "node-data";
    case Owner::CrashKernel: return "crashkernel";
    case Owner::MemblockArray: return "memblock-array";
    case Owner::LogBuf: return "log-buf";
    case Owner::Initrd: return "initrd";
    case Owner::AcpiTables: return "acpi-tables";
    case Owner::RealMode: return "real-mode";
    case Owner::BiosReserved: return "bios-reserved";
    case Owner::SoftReserved: return "soft-reserved";
    case Owner::DistanceTable: return "distance-table";
    case Owner::Memmap: return "memmap";
    case Owner::Other: return "other";
  }
  return "?";
}

enum class Phase : std::uint8_t {
  BeforeSrat,  // before initmem_init parsed SRAT (no HOTPLUG flags exist yet)
  AfterSrat,   // after SRAT marked HOTPLUG and before the hand-off
  Handoff,     // memblock_free_all and later
};

constexpr std::string_view phase_name(Phase p) {
  switch (p) {
    case Phase::BeforeSrat: return "before-srat";
    case Phase::AfterSrat: return "after-srat";
    case Phase::Handoff: return "handoff";
  }
  return "?";
}

struct AllocEvent {
  Owner owner = Owner::Other;
  Phase phase = Phase::BeforeSrat;
  PhysRange range;
  int nid = NUMA_NO_NODE;  // node of the range per SRAT, NUMA_NO_NODE if unknown
  std::string note;        // e.g. "PTE page for [0x80000000-0x80200000)"
  friend bool operator==(const AllocEvent&, const AllocEvent&) = default;
};

}  // namespace mbv
