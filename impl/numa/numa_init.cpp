// numa_init and its init functions (arch/x86/mm/numa.c, arch/x86/mm/srat.c).
#include <algorithm>

#include "impl/acpi/srat.h"
#include "impl/numa/kprint.h"
#include "impl/numa/numa.h"

namespace mbv {

// numa_reset_distance (arch/x86/mm/numa.c)
void numa_reset_distance(NumaState& st, Memblock& mb) {
  if (st.distance_cnt) {
    const std::uint64_t size = static_cast<std::uint64_t>(st.distance_cnt) * st.distance_cnt;
    (void)mb.phys_free(st.distance_phys, size);
    const PhysRange freed{st.distance_phys, st.distance_phys + size};
    std::erase_if(st.events, [&](const AllocEvent& e) {
      return e.owner == Owner::DistanceTable && e.range == freed;
    });
  }
  st.distance_cnt = 0;
  st.distance_phys = 0;
  st.distance_failed = false;
}

// numa_alloc_distance (arch/x86/mm/numa.c)
int numa_alloc_distance(NumaState& st, Memblock& mb, const NumaEnv& env) {
  NodeMask nodes = st.nodes_parsed;
  numa_nodemask_from_meminfo(nodes, st.meminfo);
  // The highest node set (0 when none), found by halving the mask's range
  // rather than testing all MAX_NUMNODES bits.
  std::size_t lo = 0, hi = nodes.size();
  if (nodes.any()) {
    while (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if ((nodes >> mid).any())
        lo = mid;
      else
        hi = mid;
    }
  }
  int cnt = static_cast<int>(lo);
  cnt++;
  const std::uint64_t size = static_cast<std::uint64_t>(cnt) * cnt;  // u8 entries
  const phys_addr_t phys = mb.phys_alloc_range(size, PAGE_SIZE, 0, env.max_pfn_mapped << PAGE_SHIFT);
  if (!phys) {
    st.log.push_back("Warning: can't allocate distance table!");
    st.distance_failed = true;
    return -KERN_ENOMEM;
  }
  st.distance_phys = phys;
  st.distance_cnt = cnt;
  st.events.push_back(AllocEvent{Owner::DistanceTable, Phase::AfterSrat, PhysRange{phys, phys + size},
                                 early_pfn_to_nid(mb, st.node_online, phys >> PAGE_SHIFT),
                                 "numa_distance cnt=" + std::to_string(cnt)});
  st.log.push_back("NUMA: Initialized distance table, cnt=" + std::to_string(cnt));
  return 0;
}

// x86_acpi_numa_init (arch/x86/mm/srat.c) over acpi_numa_init's reading.
int x86_acpi_numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, const LinuxSratView& srat,
                       int slit_localities) {
  // acpi_numa_memory_affinity_init: numa_add_memblk, node_set, and for
  // hot-pluggable entries memblock_mark_hotplug (a failure only warns).
  for (const NumaMemblk& b : srat.memblks) {
    if (numa_add_memblk_to(b.nid, b.start, b.end, st.meminfo, &st.log) < 0) break;
  }
  for (int nid : srat.nodes_parsed) {
    if (nid >= 0 && nid < MAX_NUMNODES) st.nodes_parsed.set(static_cast<std::size_t>(nid));
  }
  for (const std::string& line : srat.log) st.log.push_back(line);
  for (const PhysRange& r : srat.hotplug_ranges) {
    if (mb.mark_hotplug(r.start, r.end - r.start)) {
      st.log.push_back("SRAT: Failed to mark hotplug range " + kmem_range(r.start, r.end) +
                       " in memblock");
    }
  }
  // SLIT: acpi_numa_slit_init calls numa_set_distance for every pair of
  // localities that map to nodes; the first call allocates the table.
  if (slit_localities > 0 && srat.acpi_numa_init_ret != -KERN_EINVAL) {
    bool any_mapped = false;
    for (const PxmNode& p : srat.pxm_to_node) {
      if (p.pxm < static_cast<std::uint32_t>(slit_localities)) any_mapped = true;
    }
    if (any_mapped && !st.distance_failed && st.distance_cnt == 0) {
      (void)numa_alloc_distance(st, mb, env);
    }
  }
  return srat.x86_acpi_numa_init_ret;
}

// dummy_numa_init (arch/x86/mm/numa.c)
int dummy_numa_init(NumaState& st, const NumaEnv& env) {
  st.log.push_back(env.numa_off ? "NUMA turned off" : "No NUMA configuration found");
  st.log.push_back("Faking a node at [mem " + khex(0, 18) + "-" +
                   khex((env.max_pfn << PAGE_SHIFT) - 1, 18) + "]");
  st.nodes_parsed.set(0);
  (void)numa_add_memblk_to(0, 0, env.max_pfn << PAGE_SHIFT, st.meminfo, &st.log);
  return 0;
}

// numa_init (arch/x86/mm/numa.c)
int numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, NumaMethod method,
              const LinuxSratView* srat, int slit_localities) {
  st.nodes_parsed.reset();
  st.node_possible.reset();
  st.node_online.reset();
  st.meminfo = NumaMeminfo{};
  // Every region back to "no node", and no HOTPLUG left from a failed attempt.
  (void)mb.set_node(0, PHYS_ADDR_MAX, MemblockTypeId::Memory, MAX_NUMNODES);
  (void)mb.set_node(0, PHYS_ADDR_MAX, MemblockTypeId::Reserved, MAX_NUMNODES);
  (void)mb.clear_hotplug(0, PHYS_ADDR_MAX);
  numa_reset_distance(st, mb);

  int ret = 0;
  switch (method) {
    case NumaMethod::AcpiSrat:
      MB_CHECK(srat != nullptr, "numa_init: AcpiSrat needs a LinuxSratView");
      ret = x86_acpi_numa_init(st, mb, env, *srat, slit_localities);
      break;
    case NumaMethod::Dummy:
      ret = dummy_numa_init(st, env);
      break;
  }
  if (ret < 0) return ret;

  // SRAT has been parsed: allocations go back to top-down.
  mb.set_bottom_up(false);

  ret = numa_cleanup_meminfo(st.meminfo, st.reserved_meminfo, mb, env.max_pfn, &st.log);
  if (ret < 0) return ret;
  // numa_emulation only acts with numa=fake, which scenarios do not model.
  ret = numa_register_memblks(st, mb, env);
  if (ret < 0) return ret;
  st.method = method;
  return 0;
}

// x86_numa_init (arch/x86/mm/numa.c)
void x86_numa_init(NumaState& st, Memblock& mb, const NumaEnv& env, const LinuxSratView* srat,
                   int slit_localities) {
  if (!env.numa_off && srat != nullptr) {
    if (numa_init(st, mb, env, NumaMethod::AcpiSrat, srat, slit_localities) == 0) return;
  }
  (void)numa_init(st, mb, env, NumaMethod::Dummy, nullptr, 0);
}

}  // namespace mbv
