// A scenario from h4's DmesgLog (impl/dmesg): the same facts and result
// lines as scenario_from_dmesg, rebuilt from the parsed log in the kernel's
// printk formats. Tests check that both readings agree on real logs.
#include <cstdio>

#include "impl/numa/kprint.h"
#include "impl/scenario/from_dmesg.h"

namespace mbv {

namespace {
std::string pad8(const std::string& s) { return s.size() >= 8 ? s : s + std::string(8 - s.size(), ' '); }
std::string nid3(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%3d", n);
  return buf;
}
}  // namespace

Result<Scenario> scenario_from_dmesg_log(const DmesgLog& log, std::string_view name) {
  const E820Table* bios = log.bios_e820();
  if (!bios || bios->entries.empty())
    return make_error(ErrorCode::NotFound, "no \"BIOS-e820: [mem ...]\" line in the log",
                      SourceLoc{std::string(name)});
  Scenario s;
  s.name = std::string(name);
  if (log.command_line) s.cmdline = *log.command_line;
  s.e820 = bios->entries;
  for (const DmesgSratMem& m : log.srat) {
    if (m.ignored) continue;
    ScenarioSratMem e;
    e.pxm = m.pxm;
    e.base = m.range.start;
    e.length = m.range.end - m.range.start;
    e.flags = (m.disabled ? 0u : 1u) | (m.hotplug ? 2u : 0u) | (m.non_volatile ? 4u : 0u);
    e.node = m.node;
    s.srat.mem.push_back(e);
  }
  for (const DmesgNumaMerge& n : log.numa_merges) {
    s.expect_dmesg.push_back("NUMA: Node " + std::to_string(n.node) + " " + kmem_range(n.a.start, n.a.end) +
                             " + " + kmem_range(n.b.start, n.b.end) + " -> " +
                             kmem_range(n.result.start, n.result.end));
  }
  if (log.zones) {
    s.expect_dmesg.push_back("Zone ranges:");
    for (const DmesgZone& z : *log.zones) {
      s.expect_dmesg.push_back("  " + pad8(z.name) + " " +
                               (z.range ? "[mem " + khex(z.range->start, 18) + "-" + khex(z.range->end - 1, 18) + "]"
                                        : std::string("empty")));
    }
  }
  if (log.movable_zone_start) {
    s.expect_dmesg.push_back("Movable zone start for each node");
    for (const DmesgMovableStart& m : *log.movable_zone_start)
      s.expect_dmesg.push_back("  Node " + std::to_string(m.node) + ": " + khex(m.addr, 18));
  }
  if (log.early_node_ranges) {
    s.expect_dmesg.push_back("Early memory node ranges");
    for (const DmesgNodeRange& r : *log.early_node_ranges)
      s.expect_dmesg.push_back("  node " + nid3(r.nid) + ": [mem " + khex(r.range.start, 18) + "-" +
                               khex(r.range.end - 1, 18) + "]");
  }
  return s;
}

}  // namespace mbv
