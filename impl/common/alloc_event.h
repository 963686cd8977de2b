// Every memblock allocation or reservation made during a simulated boot is
// recorded as an event: who asked (owner), when (phase), where (range, node).
// Invariants in model/ are judged over these events against the SRAT ground
// truth, not against the memblock flags of the moment.
#pragma once

#include <cstdint>
#include <memory>
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

// An event's note: immutable text that copies share. A boot records one
// event per memmap section on some machines (2,048 for 8 x 64 GiB nodes), all
// of a node with the same note; sharing it saves a heap copy per event.
// String literals are referenced, never copied (the consteval constructor
// accepts only constants, so the text has static storage).
class EventNote {
 public:
  EventNote() = default;
  consteval EventNote(const char* literal) : literal_(literal) {}
  EventNote(std::string text)
      : shared_(text.empty() ? nullptr : std::make_shared<const std::string>(std::move(text))) {}

  // Text with static storage duration (a constant table the caller indexes at
  // run time), referenced like a literal: copying the note costs no reference
  // count. Only for text that lives as long as the program.
  static EventNote from_static(std::string_view text) {
    EventNote n;
    n.literal_ = text;
    return n;
  }

  std::string_view view() const { return shared_ ? std::string_view(*shared_) : literal_; }

 private:
  std::shared_ptr<const std::string> shared_;  // null for a literal or an empty note
  std::string_view literal_;
};

struct AllocEvent {
  Owner owner = Owner::Other;
  Phase phase = Phase::BeforeSrat;
  PhysRange range;
  int nid = NUMA_NO_NODE;  // node of the range per SRAT, NUMA_NO_NODE if unknown

  AllocEvent() = default;
  AllocEvent(Owner o, Phase p, PhysRange r, int node) : owner(o), phase(p), range(r), nid(node) {}
  // A note is copied (or moved) straight into the event: events are recorded
  // by the thousand per boot on some machines.
  AllocEvent(Owner o, Phase p, PhysRange r, int node, const EventNote& note)
      : owner(o), phase(p), range(r), nid(node), note_(note) {}
  AllocEvent(Owner o, Phase p, PhysRange r, int node, EventNote&& note)
      : owner(o), phase(p), range(r), nid(node), note_(std::move(note)) {}

  // e.g. "PTE page for [0x80000000-0x80200000)"
  std::string_view note() const { return note_.view(); }
  void set_note(EventNote note) { note_ = std::move(note); }

  friend bool operator==(const AllocEvent& a, const AllocEvent& b) {
    return a.owner == b.owner && a.phase == b.phase && a.range == b.range && a.nid == b.nid &&
           a.note() == b.note();
  }

 private:
  EventNote note_;
};

}  // namespace mbv
