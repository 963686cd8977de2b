// Boot-safety formula: where do the direct-map page tables land?
//
// A symbolic machine: up to K NUMA nodes as contiguous ranges starting at 0
// (node i = [end[i-1], end[i]), boundaries on 128 MiB memory-section
// multiples, empty nodes allowed so "fewest nodes" can be minimised), one
// SRAT hotplug flag per node, RAM = every node, the kernel image at a 2 MiB
// KASLR slot that lies inside one immovable node, and boot options
// "movable_node debug_pagealloc=on" (so every mapping is 4K-only,
// boot-memory-path 6.1).
//
// Page-table demand follows the per-range formula of 6.4 for a fresh tree
// (4-level paging, physical 512G boundaries): the ISA mapping [0, 1M) already
// owns block 0 at every level; 16 brk pages (X86_5LEVEL + RANDOMIZE_MEMORY)
// minus 3 for the ISA mapping and 1 for init_trampoline_kaslr serve the
// first requests (alloc_low_pages uses brk first); the rest come from memblock.
//
// Placement per policy (6.6, design.md "Policies"):
//   linux-6.1      bottom-up before SRAT: pass 1 [kernel_end, end) takes the
//                  lowest free pages from kernel_end; pass 2 [1M, kernel_end)
//                  the lowest free pages from 1M (below the kernel first).
//   bottom-up-2013 as linux-6.1, but the 3.13 allocator never searched below
//                  kernel_end, so pass 2 also goes above the kernel.
//   srat-first     SRAT parsed first; memory_map_top_down with movable_node,
//                  so memblock skips HOTPLUG nodes: pages fill the free
//                  immovable memory from the top down.
// Nothing else is reserved (initrd, ACPI tables are not modelled); running
// out of memory is a panic, not a placement, and is excluded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <z3++.h>

#include "model/z3/ops.h"

namespace mbv::z3spec {

enum class BootPolicy { Linux61, BottomUp2013, SratFirst };
std::string_view policy_name(BootPolicy p);  // "linux-6.1", "bottom-up-2013", "srat-first"

inline constexpr unsigned kBrkPagesLeft = 12;  // 16 brk pages - 3 ISA - 1 trampoline

struct BootMachine {
  std::vector<z3::expr> node_end;  // node i = [i ? node_end[i-1] : 0, node_end[i])
  std::vector<z3::expr> hotplug;   // SRAT hot-pluggable bit per node
  z3::expr kernel_start;           // __pa(_text), a KASLR slot (2M aligned)
  z3::expr kernel_size;            // _end - _text (4K multiple)
  z3::expr image;                  // KASLR needed_size: round_up(kernel_size, 2M)
  z3::expr page;                   // which page-table page (index) is examined
  z3::expr pass2;                  // the page belongs to pass 2 (bottom-up only)

  unsigned nodes() const { return static_cast<unsigned>(node_end.size()); }
  z3::expr node_start(unsigned i) const;
  z3::expr ram_end() const { return node_end.back(); }
  z3::expr kernel_end() const { return kernel_start + kernel_size; }
};

BootMachine fresh_machine(z3::context& c, unsigned nodes);

// Machine well-formedness: ordered 128M-aligned nodes, RAM below 2^46 (MAXMEM),
// kernel slot at or above 16M inside one immovable node.
z3::expr machine_ok(const BootMachine& m);

struct PagePlacement {
  z3::expr exists;  // the examined page is allocated from memblock (and memory sufficed)
  z3::expr addr;    // its physical address
  z3::expr demand1, demand2;  // memblock pages of pass 1 / pass 2 (or total for srat-first)
};

// Where the examined page-table page lands under `policy`.
PagePlacement place_page_tables(const BootMachine& m, BootPolicy policy,
                                Mutant mut = Mutant::None);

// addr lies in a node the SRAT marks hot-pluggable.
z3::expr in_hotplug_node(const BootMachine& m, const z3::expr& addr);

// New page-table pages (PTE + PMD + PUD) to map [a, b) 4K-only when the ISA
// mapping already owns block 0 of every level (6.4 counting formula).
z3::expr tables_4k_after_isa(const z3::expr& a, const z3::expr& b);

}  // namespace mbv::z3spec
