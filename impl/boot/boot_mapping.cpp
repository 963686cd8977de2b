// The direct map (arch/x86/mm/init.c init_mem_mapping via impl/pgtable) at the
// virtual base memory KASLR chose (arch/x86/mm/kaslr.c kernel_randomize_memory,
// called just before it in setup_arch), and
// memblock_set_current_limit(max_pfn_mapped).
#include <algorithm>

#include "impl/boot/boot.h"
#include "impl/kaslr/memory_kaslr.h"

namespace mbv {

namespace {

// 3.13's one-time WARN when a bottom-up search above the kernel failed and
// memblock retried top-down (mm/memblock.c of Linux 3.13; not in 6.1).
constexpr const char* kBottomUpFallbackWarning =
    "memblock: bottom-up allocation failed, memory hotunplug may be affected";

}  // namespace

Status boot_direct_map(BootState& st) {
  DirectMapConfig cfg;
  cfg.cpu = CpuFeatures{st.scenario.cpu.pse, st.scenario.cpu.gbpages, st.scenario.cpu.la57};
  cfg.debug_pagealloc = st.cmdline.debug_pagealloc;
  cfg.gbpages = st.cmdline.gbpages.value_or(true);
  // kaslr_memory_enabled(): the decompressor saw no "nokaslr" (RANDOMIZE_MEMORY=y,
  // no KASAN in the Debian config).
  MemoryKaslrInput mk;
  mk.enabled = !st.cmdline.nokaslr;
  mk.five_level = st.scenario.cpu.la57;
  mk.max_pfn = st.max_pfn;
  const std::optional<std::uint64_t> rnd = st.options.kaslr_random_memory
                                               ? st.options.kaslr_random_memory
                                               : st.scenario.kernel.kaslr_random_mem;
  mk.random = rnd.value_or(0);
  // Without a random value every region keeps offset 0: the default bases.
  MemoryKaslrInput drawn = mk;
  drawn.enabled = mk.enabled && rnd.has_value();
  const MemoryKaslrLayout layout = kernel_randomize_memory(drawn);
  cfg.paging = default_paging(st.scenario.cpu.la57);
  cfg.paging.page_offset_base = layout.page_offset_base;
  cfg.memory_kaslr = mk.enabled;
  cfg.max_pfn = st.max_pfn;
  cfg.kernel_end = st.kernel.end;
  cfg.pgt_buf_start_pfn = st.kernel.brk.start >> PAGE_SHIFT;
  cfg.pgt_buf_pages = INIT_PGT_BUF_PAGES;
  cfg.phase = st.phase;
  cfg.walk = st.options.walk;

  // bottom-up-2013: memblock follows 3.13's rule while the direct map is
  // built (bottom-up from _end, top-down when that fails); 6.1 otherwise.
  const phys_addr_t saved_kernel_end = st.mb.legacy_bottom_up_kernel_end;
  const std::uint64_t fallbacks = st.mb.legacy_bottom_up_fallbacks;
  if (st.policy.bottom_up_from_kernel_end) st.mb.legacy_bottom_up_kernel_end = st.kernel.end;
  auto dm = init_mem_mapping(st.mb, cfg);
  st.mb.legacy_bottom_up_kernel_end = saved_kernel_end;
  const bool warned = st.mb.legacy_bottom_up_fallbacks != fallbacks;
  if (!dm) {
    if (warned) st.log.push_back(kBottomUpFallbackWarning);
    return dm.error();
  }
  st.dm = std::move(*dm);

  for (std::string& line : st.dm.dmesg_lines()) {
    if (!line.empty()) st.log.push_back(std::move(line));
  }
  if (warned) st.log.push_back(kBottomUpFallbackWarning);
  // Optionally, page-table runs are cut at SRAT memory-affinity edges so each
  // event lies in one node and carries it (memblock has no nids yet; a run
  // may spill across an edge). Uncut, an event carries its first page's node.
  std::vector<phys_addr_t> cuts;
  if (st.options.pgtable_events_per_node) {
    cuts.reserve(2 * st.truth.size());
    for (const SratTruthRange& t : st.truth) {
      cuts.push_back(t.range.start);
      cuts.push_back(t.range.end);
    }
  }
  for (AllocEvent e : st.dm.alloc_events(cuts)) {
    e.nid = truth_node_of(st.truth, e.range.start);
    st.events.push_back(std::move(e));
  }
  st.mb.set_current_limit(st.dm.max_pfn_mapped << PAGE_SHIFT);
  return Ok{};
}

}  // namespace mbv
