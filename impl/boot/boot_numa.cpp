// initmem_init -> x86_numa_init (arch/x86/mm/numa_64.c, numa.c).
#include "impl/boot/boot.h"

namespace mbv {

Status boot_numa(BootState& st) {
  st.mb_at_srat = st.mb;
  st.phase = Phase::AfterSrat;
  const NumaEnv env{st.max_pfn, st.dm.max_pfn_mapped, st.cmdline.numa_off};
  // numa=noacpi: srat_disabled() makes x86_acpi_numa_init fail -> dummy.
  const LinuxSratView* view =
      (st.srat_view && !st.cmdline.numa_noacpi) ? &*st.srat_view : nullptr;
  x86_numa_init(st.numa, st.mb, env, view, st.scenario.slit_localities);
  // The NUMA messages move into the boot's account (st.numa.log is left empty).
  for (std::string& line : st.numa.log) st.log.push_back(std::move(line));
  st.numa.log.clear();
  st.events.reserve(st.events.size() + st.numa.events.size());
  for (AllocEvent e : st.numa.events) {
    e.nid = truth_node_of(st.truth, e.range.start);
    st.events.push_back(std::move(e));
  }
  return Ok{};
}

}  // namespace mbv
