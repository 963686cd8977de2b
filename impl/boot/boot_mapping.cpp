// The direct map (arch/x86/mm/init.c init_mem_mapping via h7's model) and
// memblock_set_current_limit(max_pfn_mapped).
#include <sstream>

#include "impl/boot/boot.h"

namespace mbv {

namespace {

// bottom-up-2013: 3.13's __memblock_find_range_bottom_up never searched
// below the kernel's end. Emulated by hiding [0, kernel_end) behind a
// temporary reservation for the duration of init_mem_mapping; the real
// reservations under it are restored afterwards.
struct KernelEndClamp {
  std::vector<PhysRange> saved;
  PhysRange hidden;
};

KernelEndClamp clamp_below_kernel_end(Memblock& mb, phys_addr_t kernel_end) {
  KernelEndClamp c;
  c.hidden = PhysRange{0, kernel_end};
  for (const MemblockRegion& r : mb.reserved.regions) {
    if (!r.size) continue;
    const PhysRange pr{r.base, r.end()};
    if (pr.intersects(c.hidden))
      c.saved.push_back({std::max(pr.start, c.hidden.start), std::min(pr.end, c.hidden.end)});
  }
  (void)mb.reserve(0, kernel_end);
  return c;
}

void unclamp(Memblock& mb, const KernelEndClamp& c) {
  (void)mb.phys_free(c.hidden.start, c.hidden.size());
  for (const PhysRange& r : c.saved) (void)mb.reserve(r.start, r.size());
}

}  // namespace

Status boot_direct_map(BootState& st) {
  DirectMapConfig cfg;
  cfg.cpu = CpuFeatures{st.scenario.cpu.pse, st.scenario.cpu.gbpages, st.scenario.cpu.la57};
  cfg.debug_pagealloc = st.cmdline.debug_pagealloc;
  cfg.gbpages = st.cmdline.gbpages.value_or(true);
  cfg.paging = default_paging(st.scenario.cpu.la57);
  cfg.memory_kaslr = !st.cmdline.nokaslr;
  cfg.max_pfn = st.max_pfn;
  cfg.kernel_end = st.kernel.end;
  cfg.pgt_buf_start_pfn = st.kernel.brk.start >> PAGE_SHIFT;
  cfg.pgt_buf_pages = INIT_PGT_BUF_PAGES;
  cfg.phase = st.phase;
  cfg.walk = st.options.walk;

  std::optional<KernelEndClamp> clamp;
  if (st.policy.bottom_up_from_kernel_end && st.mb.bottom_up)
    clamp = clamp_below_kernel_end(st.mb, st.kernel.end);
  auto dm = init_mem_mapping(st.mb, cfg);
  if (clamp) unclamp(st.mb, *clamp);
  if (!dm) return dm.error();
  st.dm = std::move(*dm);

  std::istringstream in(st.dm.dmesg());
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) st.log.push_back(line);
  for (AllocEvent e : st.dm.alloc_events()) {
    e.nid = truth_node_of(st.truth, e.range.start);
    st.events.push_back(std::move(e));
  }
  st.mb.set_current_limit(st.dm.max_pfn_mapped << PAGE_SHIFT);
  return Ok{};
}

}  // namespace mbv
