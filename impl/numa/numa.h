// x86 NUMA setup of Linux 6.1 (arch/x86/mm/numa.c) as plain values: the
// numa_meminfo block list, its cleanup, node registration (which is where
// "nodes that hold kernel memory are not hotpluggable" happens) and the
// numa_init orchestration with its dummy fallback.
//
// The kernel's globals of numa.c live in one NumaState; memblock is passed
// explicitly. Every memblock allocation made here is recorded as an
// AllocEvent (NODE_DATA, the SLIT distance table).
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/common/alloc_event.h"
#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/memblock/memblock.h"

namespace mbv {

struct LinuxSratView;

// NR_NODE_MEMBLKS (MAX_NUMNODES * 2)
inline constexpr int NR_NODE_MEMBLKS = MAX_NUMNODES * 2;

// sizeof(pg_data_t) for Linux 6.1.192 with the Debian amd64 config
// (/usr/src/linux-config-6.1/config.amd64_none_amd64: NODES_SHIFT=10,
// NR_CPUS=8192, MEMCG, LRU_GEN, COMPACTION, DEFERRED_STRUCT_PAGE_INIT, ...).
// Derived by compiling a probe `char (*p)[sizeof(pg_data_t)] = 1;` inside the
// configured 6.1 tree (make olddefconfig && make prepare, gcc 12.2) and reading
// the type in the warning: 174208 bytes. Most of it is the two zonelists
// (2 * (1024 * 5 + 1) * 16 = 163872 bytes). alloc_node_data rounds it up to a
// page: 43 pages = 0x2b000, the size real Debian/Ubuntu x86-64 logs print in
// "NODE_DATA(0) allocated [mem ...]".
inline constexpr std::uint64_t PGDAT_BYTES_DEBIAN_6_1 = 174208;
inline constexpr std::uint64_t NODE_DATA_SIZE = round_up(PGDAT_BYTES_DEBIAN_6_1, PAGE_SIZE);

// struct numa_memblk
struct NumaBlock {
  phys_addr_t start = 0;
  phys_addr_t end = 0;
  int nid = 0;
  friend bool operator==(const NumaBlock&, const NumaBlock&) = default;
};

// struct numa_meminfo (only the used slots; unused ones are the kernel's
// {0, 0, NUMA_NO_NODE})
struct NumaMeminfo {
  std::vector<NumaBlock> blk;
  friend bool operator==(const NumaMeminfo&, const NumaMeminfo&) = default;
};

using NodeMask = std::bitset<MAX_NUMNODES>;

// What numa.c reads from the rest of setup_arch.
struct NumaEnv {
  std::uint64_t max_pfn = 0;         // e820__end_of_ram_pfn
  std::uint64_t max_pfn_mapped = 0;  // after init_mem_mapping
  bool numa_off = false;             // numa=off
};

// One node's pg_data_t as alloc_node_data placed it.
struct NodeDataPlacement {
  int nid = 0;
  PhysRange range;
  int on_node = 0;  // early_pfn_to_nid of the first page
  friend bool operator==(const NodeDataPlacement&, const NodeDataPlacement&) = default;
};

// The NUMA init methods x86_numa_init tries, in order.
enum class NumaMethod : std::uint8_t { AcpiSrat, Dummy };

// The globals of arch/x86/mm/numa.c, plus what the model records.
struct NumaState {
  NumaMeminfo meminfo;           // numa_meminfo
  NumaMeminfo reserved_meminfo;  // numa_reserved_meminfo (never reset, as in 6.1)
  NodeMask nodes_parsed;         // numa_nodes_parsed
  NodeMask node_possible;        // node_possible_map
  NodeMask node_online;          // node_online_map
  NodeMask reserved_nodemask;    // numa_clear_kernel_node_hotplug's mask (kept for reports)
  std::vector<NodeDataPlacement> node_data;
  phys_addr_t distance_phys = 0;  // numa_distance (0: none)
  int distance_cnt = 0;           // numa_distance_cnt
  bool distance_failed = false;   // numa_distance == (void *)1
  std::optional<NumaMethod> method;  // the method that succeeded
  std::vector<AllocEvent> events;    // NODE_DATA and distance-table allocations
  std::vector<std::string> log;      // the kernel's messages, in order
};

// ---- numa_meminfo edits ----
// numa_add_memblk_to: 0, or -EINVAL when the table is full; empty and invalid
// blocks are ignored (invalid ones with a warning) and return 0.
int numa_add_memblk_to(int nid, std::uint64_t start, std::uint64_t end, NumaMeminfo& mi,
                       std::vector<std::string>* log);
// numa_remove_memblk_from
void numa_remove_memblk_from(std::size_t idx, NumaMeminfo& mi);
// numa_move_tail_memblk
void numa_move_tail_memblk(NumaMeminfo& dst, std::size_t idx, NumaMeminfo& src);
// numa_cleanup_meminfo: 0 or -EINVAL (two nodes overlap).
int numa_cleanup_meminfo(NumaMeminfo& mi, NumaMeminfo& reserved_mi, const Memblock& mb,
                         std::uint64_t max_pfn, std::vector<std::string>* log);
// numa_nodemask_from_meminfo
void numa_nodemask_from_meminfo(NodeMask& mask, const NumaMeminfo& mi);

// ---- registration ----
// __absent_pages_in_range (mm/page_alloc.c); nid == MAX_NUMNODES = all nodes.
std::uint64_t absent_pages_in_range(const Memblock& mb, int nid, std::uint64_t start_pfn,
                                    std::uint64_t end_pfn);
// numa_meminfo_cover_memory
bool numa_meminfo_cover_memory(const NumaMeminfo& mi, const Memblock& mb, std::uint64_t max_pfn,
                               std::vector<std::string>* log);
// numa_clear_kernel_node_hotplug: returns the reserved node mask it built.
NodeMask numa_clear_kernel_node_hotplug(const NumaMeminfo& mi, Memblock& mb);
// alloc_node_data
void alloc_node_data(NumaState& st, Memblock& mb, int nid);
// numa_register_memblks: 0 or -EINVAL.
int numa_register_memblks(NumaState& st, Memblock& mb, const NumaEnv& env);

// ---- init methods ----
// numa_set_distance's table allocation (numa_alloc_distance): 0 or -ENOMEM.
int numa_alloc_distance(NumaState& st, Memblock& mb, const NumaEnv& env);
// numa_reset_distance
void numa_reset_distance(NumaState& st, Memblock& mb);
// x86_acpi_numa_init over h5's reading of the SRAT: adds the accepted blocks,
// marks HOTPLUG (memblock_mark_hotplug) where the SRAT said so, then the SLIT
// (slit_localities > 0) allocates the distance table. Returns the view's
// x86_acpi_numa_init result.
int x86_acpi_numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, const LinuxSratView& srat,
                       int slit_localities);
// dummy_numa_init
int dummy_numa_init(NumaState& st, const NumaEnv& env);

// numa_init(init_func): 0 or the method's (or cleanup's/registration's) error.
// `srat` is required for NumaMethod::AcpiSrat.
int numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, NumaMethod method,
              const LinuxSratView* srat, int slit_localities);

// x86_numa_init: SRAT (when present and numa=off is absent), else dummy.
// AMD northbridge NUMA (amd_numa_init) is not modelled: it finds no AMD
// northbridge on the machines a scenario describes and returns -ENOENT.
void x86_numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, const LinuxSratView* srat,
                   int slit_localities);

// early_pfn_to_nid: the node of the memblock memory region holding pfn, or
// first_online_node when none does.
int early_pfn_to_nid(const Memblock& mb, const NodeMask& online, std::uint64_t pfn);

}  // namespace mbv
