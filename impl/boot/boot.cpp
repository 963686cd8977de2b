// run_boot: the steps of setup_arch in Linux 6.1 order, reordered only where
// the BootPolicy says so.
#include <cstdio>

#include "impl/boot/boot.h"
#include "impl/numa/kprint.h"

namespace mbv {

Result<BootState> run_boot(const Scenario& scenario, const BootOptions& options) {
  BootState st;
  st.scenario = scenario;
  st.options = options;
  const std::string policy_name = options.policy.value_or(scenario.policy);
  const auto policy = find_boot_policy(policy_name);
  if (!policy) {
    return make_error(ErrorCode::BadInput,
                      "unknown boot policy \"" + policy_name +
                          "\" (linux-6.1, bottom-up-2013, srat-first)",
                      SourceLoc{scenario.name});
  }
  st.policy = *policy;
  // A boot prints ~100 lines and records a few dozen events (thousands on
  // machines whose memmap is allocated per section): start with room for most.
  st.log.reserve(128 + 4 * scenario.srat.mem.size() + 2 * scenario.srat.cpus.size());
  st.events.reserve(64);
  st.cmdline = parse_cmdline(scenario.cmdline);
  if (!scenario.cmdline.empty()) st.log.push_back("Command line: " + scenario.cmdline);

  // SRAT is only parsed at initmem_init, but decoding it first gives every
  // event its ground-truth node and KASLR its immovable list (the
  // decompressor reads the SRAT itself); it touches no kernel state.
  if (auto s = boot_decode_srat(st); !s) return s.error();
  // The decompressor chose the kernel's place before setup_arch ran.
  if (auto s = boot_place_kernel(st); !s) return s.error();
  if (auto s = boot_early_reserve(st); !s) return s.error();
  if (auto s = boot_e820(st); !s) return s.error();
  // parse_early_param: movable_node makes memblock bottom-up from here on.
  st.mb.movable_node = st.cmdline.movable_node;
  st.mb.mirrored_kernelcore = st.cmdline.kernelcore_mirror;
  if (st.cmdline.movable_node) st.mb.set_bottom_up(true);
  if (auto s = boot_memblock_setup(st); !s) return s.error();
  if (auto s = boot_early_hotplug_marks(st); !s) return s.error();
  if (auto s = boot_direct_map(st); !s) {
    st.panic = "init_mem_mapping: " + s.error().message;
    st.log.push_back("Kernel panic - not syncing: " + *st.panic);
    return st;
  }
  if (auto s = boot_numa(st); !s) return s.error();
  if (auto s = boot_crashkernel(st); !s) return s.error();
  if (auto s = boot_sparse(st); !s) return s.error();
  if (auto s = boot_zones(st); !s) return s.error();
  st.mb_before_handoff = st.mb;
  if (auto s = boot_handoff(st); !s) return s.error();
  return st;
}

std::string format_allocation_table(const BootState& st) {
  auto hotplug_of = [&](const PhysRange& r) {
    bool any = false, all = true;
    for (const SratTruthRange& t : st.truth) {
      if (!t.hotpluggable) continue;
      if (t.range.intersects(r)) any = true;
    }
    // "all" only matters for the word printed; compute coverage cheaply.
    if (any) {
      std::uint64_t covered = 0;
      for (const SratTruthRange& t : st.truth)
        if (t.hotpluggable && t.range.intersects(r))
          covered += std::min(t.range.end, r.end) - std::max(t.range.start, r.start);
      all = covered >= r.size();
    }
    return !any ? "no" : all ? "YES" : "partly";
  };
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-20s %-12s %-41s %5s %-8s %s\n", "owner", "phase", "range",
                "node", "hotplug", "note");
  out += buf;
  for (const AllocEvent& e : st.events) {
    const std::string range = kmem_range(e.range.start, e.range.end, 18);
    std::snprintf(buf, sizeof buf, "%-20s %-12s %-41s %5s %-8s %.*s\n",
                  std::string(owner_name(e.owner)).c_str(), std::string(phase_name(e.phase)).c_str(),
                  e.range.empty() ? "(empty)" : range.substr(5, range.size() - 6).c_str(),
                  e.nid == NUMA_NO_NODE ? "-" : std::to_string(e.nid).c_str(), hotplug_of(e.range),
                  static_cast<int>(e.note().size()), e.note().data());
    out += buf;
  }
  return out;
}

}  // namespace mbv
