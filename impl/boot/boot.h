// The x86-64 early-boot memory path of Linux 6.1 (arch/x86/kernel/setup.c
// setup_arch, boot-memory-path.md section 4) run over one machine: e820 from
// firmware and command line, KASLR placement, memblock from e820 and the
// early reservations, the direct map, SRAT -> NUMA -> HOTPLUG -> kernel-node
// clearing -> NODE_DATA, crashkernel, sparse memmap, zones, and the hand-off.
//
// Each step is its own unit (boot_*.cpp) operating on one BootState; the
// ordering comes from a BootPolicy (policy.h). Every memblock allocation or
// reservation becomes an AllocEvent with owner, phase and node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/acpi/srat.h"
#include "impl/boot/policy.h"
#include "impl/cmdline/cmdline.h"
#include "impl/common/alloc_event.h"
#include "impl/common/result.h"
#include "impl/e820/e820.h"
#include "impl/kaslr/kaslr.h"
#include "impl/memblock/memblock.h"
#include "impl/numa/numa.h"
#include "impl/pgtable/direct_map.h"
#include "impl/scenario/scenario.h"
#include "impl/zones/zones.h"

namespace mbv {

// The .brk area at the end of the image: 64 KiB base plus the early page-table
// buffer (RESERVE_BRK(early_pgt_alloc, INIT_PGT_BUF_SIZE)) and small others.
inline constexpr std::uint64_t BRK_AREA_BYTES = 0x20000;
// real_mode_size_needed(): the page-rounded real-mode blob (trampoline). Built
// from the Debian-configured 6.1 tree (make arch/x86/realmode/): realmode.bin
// is 25188 bytes, rounded up to 7 pages.
inline constexpr std::uint64_t REAL_MODE_BYTES = 0x7000;
// sparse_init: one memmap chunk per 128 MiB section, 2 MiB each with a
// 64-byte struct page (section_map_size(), SPARSEMEM_VMEMMAP).
inline constexpr std::uint64_t SECTION_BYTES = 128ull << 20;
inline constexpr std::uint64_t SECTION_MAP_BYTES = SZ_2M;
// CRASH_ALIGN, CRASH_ADDR_LOW_MAX, CRASH_ADDR_HIGH_MAX (arch/x86/kernel/setup.c, x86-64)
inline constexpr std::uint64_t CRASH_ALIGN = SZ_16M;
inline constexpr std::uint64_t CRASH_ADDR_LOW_MAX = SZ_4G;
inline constexpr std::uint64_t CRASH_ADDR_HIGH_MAX = 1ull << 46;

// Overrides a caller may put on top of a scenario.
struct BootOptions {
  std::optional<std::string> policy;              // default: the scenario's
  std::optional<std::uint64_t> kaslr_random;      // physical KASLR random value
  std::optional<std::uint64_t> kernel_at;         // fixed physical _text
  // kaslr_get_random_long("Memory") for kernel_randomize_memory (the direct
  // map's virtual base). Unset: every region draws offset 0 (default bases).
  std::optional<std::uint64_t> kaslr_random_memory;
  // Cut direct-map page-table runs at SRAT memory-affinity edges, so each
  // event lies in one node and carries it. Off by default: a run that spills
  // from the kernel's node into a hot-pluggable one then stays one event, whose
  // signature ("immovable->hotplug") shrink, proofs and the corpus rely on.
  bool pgtable_events_per_node = false;
  // Fast (interval counting) by default: PerPage walks every page-table page
  // and is ~1000x slower on big machines; both give identical results
  // (tests/pgtable test_pgtable_boot_props, BootPipeline.FastWalkEqualsPerPage).
  WalkMode walk = WalkMode::Fast;
};

// What SRAT declares, independent of what the kernel made of it: the ground
// truth the hotplug invariants are judged against.
struct SratTruthRange {
  PhysRange range;
  int nid = NUMA_NO_NODE;
  bool hotpluggable = false;
  friend bool operator==(const SratTruthRange&, const SratTruthRange&) = default;
};

struct KernelPlacement {
  phys_addr_t text = 0;        // _text
  phys_addr_t reserve_end = 0; // __end_of_kernel_reserve (page aligned)
  phys_addr_t end = 0;         // _end
  PhysRange brk;               // the reserved (used) part of .brk
  bool randomized = false;     // KASLR chose it
  std::string how;             // "fixed", "kaslr", "default (16M)", ...
  std::optional<KaslrResult> kaslr;  // the decompressor's run, when KASLR chose
};

struct HandoffResult {
  std::vector<PhysRange> free_ranges;  // MEMBLOCK_NONE free ranges given to the buddy allocator
  std::uint64_t memory_pages = 0;      // pages of memblock.memory
  std::uint64_t free_pages = 0;        // pages released to the buddy allocator
  std::uint64_t reserved_pages = 0;    // pages of memory that stay PageReserved
};

struct BootState {
  BootPolicy policy;
  BootOptions options;
  Scenario scenario;
  KernelCmdline cmdline;
  E820Table e820;            // the kernel's working table
  E820Table e820_firmware;   // after e820__memory_setup (the BIOS-e820 print)
  std::optional<Srat> srat;  // decoded SRAT (built from entries or parsed from bytes)
  std::optional<LinuxSratView> srat_view;
  std::vector<SratTruthRange> truth;
  KernelPlacement kernel;
  std::uint64_t max_pfn = 0;
  std::uint64_t max_low_pfn = 0;
  Memblock mb;
  // memblock just before numa_init, i.e. as init_mem_mapping left it (the
  // direct-map invariants are judged against this state)
  std::optional<Memblock> mb_at_srat;
  DirectMap dm;
  NumaState numa;
  ZoneLayout zones;
  HandoffResult handoff;
  std::vector<AllocEvent> events;
  // The dmesg-like account, kernel formats. The NUMA and zone steps move
  // their messages here (numa.log and zones.log are left empty).
  std::vector<std::string> log;
  std::vector<std::string> notes;  // where the model stops short of the kernel
  Phase phase = Phase::BeforeSrat;
  // The kernel would have panicked here (e.g. alloc_low_pages found no page);
  // the pipeline stops and the invariants judge what happened up to it.
  std::optional<std::string> panic;
  // Memblock after NUMA registration, crashkernel and sparse, before the
  // hand-off cleared HOTPLUG (what ZONE_MOVABLE and the reports look at).
  std::optional<Memblock> mb_before_handoff;
};

// The whole pipeline. Input errors (bad SRAT bytes, unknown policy, an
// e820 map the kernel would panic on) are Result errors.
Result<BootState> run_boot(const Scenario& scenario, const BootOptions& options = {});

// ---- the steps, in 6.1 order (each in its own file) ----
// e820__memory_setup + parse_early_param (mem=, memmap=) + e820_add_kernel_range +
// trim_bios_range + max_pfn (boot_e820.cpp).
Status boot_e820(BootState& st);
// Where the decompressor put the kernel (boot_kaslr.cpp).
Status boot_place_kernel(BootState& st);
// early_reserve_memory: kernel image, [0, 64K), firmware reservations from the
// scenario (boot_memblock.cpp).
Status boot_early_reserve(BootState& st);
// early_alloc_pgt_buf + reserve_brk, current_limit = 1M, e820__memblock_setup,
// scenario op trace, reserve_real_mode (boot_memblock.cpp).
Status boot_memblock_setup(BootState& st);
// SRAT decode (boot_srat.cpp): the LinuxSratView and the ground truth.
Status boot_decode_srat(BootState& st);
// srat-first: HOTPLUG marks before the direct map (boot_srat.cpp).
Status boot_early_hotplug_marks(BootState& st);
// init_mem_mapping + current_limit = max_pfn_mapped (boot_mapping.cpp).
Status boot_direct_map(BootState& st);
// initmem_init -> x86_numa_init (boot_numa.cpp).
Status boot_numa(BootState& st);
// reserve_crashkernel (boot_crash.cpp).
Status boot_crashkernel(BootState& st);
// sparse_init's memmap buffers (boot_sparse.cpp).
Status boot_sparse(BootState& st);
// zone_sizes_init -> free_area_init (boot_zones.cpp).
Status boot_zones(BootState& st);
// memblock_free_all's view: clear HOTPLUG, free ranges (boot_handoff.cpp).
Status boot_handoff(BootState& st);

// Records a memblock allocation/reservation made by the pipeline itself.
void boot_record(BootState& st, Owner owner, PhysRange range, const EventNote& note);
// The SRAT node of an address (NUMA_NO_NODE when SRAT does not cover it).
int truth_node_of(const std::vector<SratTruthRange>& truth, phys_addr_t addr);

// The account the CLI prints: the log plus an allocation table.
std::string format_allocation_table(const BootState& st);

}  // namespace mbv
