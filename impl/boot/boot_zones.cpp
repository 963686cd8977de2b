// paging_init -> zone_sizes_init -> free_area_init (arch/x86/mm/init.c, mm/page_alloc.c).
#include "impl/boot/boot.h"

namespace mbv {

Status boot_zones(BootState& st) {
  MovableZoneConfig cfg;
  cfg.movable_node = st.cmdline.movable_node;
  cfg.mirrored_kernelcore = st.cmdline.kernelcore_mirror;
  cfg.required_kernelcore = st.cmdline.kernelcore.pages;
  cfg.required_kernelcore_percent = st.cmdline.kernelcore.percent;
  cfg.required_movablecore = st.cmdline.movablecore.pages;
  cfg.required_movablecore_percent = st.cmdline.movablecore.percent;
  // init_mem_mapping raised max_low_pfn to max_pfn on x86-64.
  st.zones = free_area_init(st.mb, x86_max_zone_pfns(std::max(st.max_low_pfn, st.max_pfn)), cfg);
  // The zone printouts move into the boot's account (st.zones.log is left empty).
  for (std::string& line : st.zones.log) st.log.push_back(std::move(line));
  st.zones.log.clear();
  return Ok{};
}

}  // namespace mbv
