// One memblock operation as data: the unit of an operation trace.
//
// The same Op is applied to the reference model (apply_op, impl/memblock/
// op.cpp) and to the kernel oracle (model/oracle), and written in scenario
// files as the kernel call it stands for, e.g. `memblock_reserve(0x1000, 0x2000)`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/memblock/memblock.h"

namespace mbv {

enum class OpKind : std::uint8_t {
  // configuration (kernel globals, set before or during a trace)
  AllowResize,          // memblock_allow_resize()
  SetBottomUp,          // memblock_set_bottom_up(a != 0)
  SetCurrentLimit,      // memblock_set_current_limit(a)
  SetMovableNode,       // movable_node on the command line (a != 0)
  SetMirroredKernelcore,// kernelcore=mirror (a != 0)
  // region edits
  Add,                  // memblock_add(a, b)
  AddNode,              // memblock_add_node(a, b, nid, flags)
  Remove,               // memblock_remove(a, b)
  Reserve,              // memblock_reserve(a, b)
  PhysFree,             // memblock_phys_free(a, b)
  MarkHotplug,          // memblock_mark_hotplug(a, b)
  ClearHotplug,         // memblock_clear_hotplug(a, b)
  MarkMirror,           // memblock_mark_mirror(a, b)
  MarkNomap,            // memblock_mark_nomap(a, b)
  ClearNomap,           // memblock_clear_nomap(a, b)
  SetNode,              // memblock_set_node(a, b, type, nid)
  TrimMemory,           // memblock_trim_memory(a)
  CapMemoryRange,       // memblock_cap_memory_range(a, b)
  MemLimitRemoveMap,    // memblock_mem_limit_remove_map(a)
  EnforceMemoryLimit,   // memblock_enforce_memory_limit(a)
  // allocation (size a, align b, bounds c..d, nid)
  PhysAllocRange,       // memblock_phys_alloc_range(a, b, c, d)
  PhysAllocTryNid,      // memblock_phys_alloc_try_nid(a, b, nid)
  AllocTryNid,          // memblock_alloc_try_nid(a, b, c, d, nid)
  AllocTryNidRaw,       // memblock_alloc_try_nid_raw(a, b, c, d, nid)
  AllocExactNidRaw,     // memblock_alloc_exact_nid_raw(a, b, c, d, nid)
  AllocLow,             // memblock_alloc_low(a, b)
  // queries (no state change; the answer is compared)
  IsRegionReserved,     // memblock_is_region_reserved(a, b)
  IsRegionMemory,       // memblock_is_region_memory(a, b)
  SearchPfnNid,         // memblock_search_pfn_nid(a, ...)
  FindInRange,          // memblock_find_in_range(c, d, a, b)  (no reservation)
  // build configuration (last, so the kinds above keep their numbers)
  InitRegions,          // INIT_MEMBLOCK_MEMORY_REGIONS = a, INIT_MEMBLOCK_RESERVED_REGIONS = b
};

inline constexpr int kOpKindCount = static_cast<int>(OpKind::InitRegions) + 1;
// The kernel calls and command-line switches: every kind but the build
// configuration, which a trace sets once, up front (trace decoders and
// generators draw from these).
inline constexpr int kCallKindCount = static_cast<int>(OpKind::FindInRange) + 1;

struct Op {
  OpKind kind = OpKind::Add;
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  int nid = 0;
  std::uint32_t flags = 0;
  MemblockTypeId type = MemblockTypeId::Memory;
  friend bool operator==(const Op&, const Op&) = default;
};

// What an operation returned: an errno-style int, an address, or a boolean,
// widened to one 64-bit value so model and oracle compare directly.
struct OpResult {
  std::int64_t value = 0;
  friend bool operator==(const OpResult&, const OpResult&) = default;
};

using OpTrace = std::vector<Op>;

// The kernel function an OpKind stands for, e.g. "memblock_reserve"
// (configuration kinds use their own words: "movable_node", "kernelcore_mirror").
std::string_view op_kind_name(OpKind kind);

// The same Op with every field the kind does not use set to zero (to_string
// prints only the used fields, so only canonical Ops round-trip exactly).
Op canonical_op(const Op& op);

// Runs one Op on the model and returns what the kernel call returns:
// operations give their errno-style int (void ones 0), allocations and
// memblock_find_in_range the address (0 = failure), queries 0/1, and
// memblock_search_pfn_nid the nid (-1 = none).
OpResult apply_op(Memblock& mb, const Op& op);

// Appends init_memblock_regions(memory, reserved) unless both are the
// default 128 (a trace without it starts from 128-entry arrays). Trace
// decoders and generators start their traces with it.
void append_init_regions(OpTrace& trace, std::uint64_t memory, std::uint64_t reserved);

// apply_op over a whole trace, one result per op.
std::vector<OpResult> apply_trace(Memblock& mb, std::span<const Op> trace);

// "HOTPLUG|NOMAP", "NONE" for 0; unknown bits as hex ("HOTPLUG|0x10").
std::string memblock_flags_to_string(std::uint32_t flags);

// The kernel call, e.g. `memblock_reserve(0x1000, 0x2000)`,
// `memblock_add_node(0x0, 0x1000, 1, HOTPLUG)`,
// `memblock_set_node(0x0, 0x1000, reserved, 2)`, `movable_node(1)`.
std::string to_string(const Op& op);

// Reads one line as to_string prints it (surrounding blanks allowed; numbers
// may also be decimal or a named constant such as PHYS_ADDR_MAX, SZ_1G,
// NUMA_NO_NODE). The error message says what is wrong; no file or line.
Result<Op> parse_op(std::string_view line);

// One op per line, each ending in '\n'.
std::string trace_to_text(std::span<const Op> trace);

// Reads trace_to_text output: one op per line, blank lines and '#' comments
// (whole-line or trailing) ignored. Errors name filename:line.
Result<OpTrace> parse_trace(std::string_view text, std::string_view filename);

}  // namespace mbv
