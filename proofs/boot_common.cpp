#include "proofs/boot_common.h"

#include <cinttypes>
#include <cstdio>

#include "impl/scenario/scenario.h"
#include "model/z3/state.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

ProofBody boot_pgtable_theorem(z3::context& c, unsigned nodes, BootPolicy policy, Mutant mut) {
  BootMachine m = fresh_machine(c, nodes);
  PagePlacement p = place_page_tables(m, policy, mut);
  ProofBody body{machine_ok(m), {}, {}, {}, {}};
  body.obligations = {
      {"No direct-map page-table page lies in a hot-pluggable node",
       z3::implies(p.exists, !in_hotplug_node(m, p.addr))},
  };
  // fewest non-empty nodes, then the smallest machine, kernel and page index
  z3::expr nonempty = cnt_val(c, 0);
  for (unsigned i = 0; i < m.nodes(); ++i)
    nonempty = nonempty + bool_to_bv(m.node_start(i) != m.node_end[i], kCntBits);
  body.minimize = {nonempty, m.ram_end(), m.kernel_size, m.page};
  body.round.push_back(aligned(m.kernel_start + m.image, addr_val(c, 128 * SZ_1M)));
  BootMachine mm = m;
  PagePlacement pp = p;
  body.witness = [mm, pp, policy](const z3::model& md, const std::string& ob) {
    Witness w;
    char buf[256];
    std::string nodes, mach;
    for (unsigned i = 0; i < mm.nodes(); ++i) {
      std::uint64_t s = eval_u64(md, mm.node_start(i)), e = eval_u64(md, mm.node_end[i]);
      if (s == e) continue;
      bool hot = md.eval(mm.hotplug[i], true).is_true();
      std::snprintf(buf, sizeof buf, "  NUMA node %u [mem 0x%016" PRIx64 "-0x%016" PRIx64 "]%s\n",
                    i, s, e - 1, hot ? " hotplug" : "");
      nodes += buf;
      std::snprintf(buf, sizeof buf, "srat %u 0x%" PRIx64 " 0x%" PRIx64 "%s\n", i, s, e,
                    hot ? " hotplug" : "");
      mach += buf;
    }
    std::uint64_t ks = eval_u64(md, mm.kernel_start), ksz = eval_u64(md, mm.kernel_size);
    std::uint64_t end = eval_u64(md, mm.ram_end());
    std::uint64_t addr = eval_u64(md, pp.addr), page = eval_u64(md, mm.page);
    std::uint64_t d1 = eval_u64(md, pp.demand1), d2 = eval_u64(md, pp.demand2);
    bool pass2 = md.eval(mm.pass2, true).is_true();
    std::snprintf(buf, sizeof buf,
                  "  policy %s, cmdline \"movable_node debug_pagealloc=on\"\n"
                  "  kernel [mem 0x%016" PRIx64 "-0x%016" PRIx64 "] (KASLR slot)\n"
                  "  memblock page-table pages: %" PRIu64 " (pass 1), %" PRIu64 " (pass 2)\n"
                  "  page %" PRIu64 " of %s lands at 0x%" PRIx64 "\n",
                  std::string(policy_name(policy)).c_str(), ks, ks + ksz - 1, d1, d2, page,
                  policy == BootPolicy::SratFirst ? "the mapping" : pass2 ? "pass 2" : "pass 1",
                  addr);
    w.example = nodes + buf;
    // The machine as a scenario file (impl/scenario): e820 RAM, one SRAT
    // memory affinity per node, the kernel at its KASLR slot, the cmdline,
    // and the expected finding.
    Scenario sc;
    sc.name = "z3-boot-pgtable-" + std::string(policy_name(policy));
    sc.policy = std::string(policy_name(policy));
    sc.cmdline = "movable_node debug_pagealloc=on";
    sc.kernel.size = ksz;
    sc.kernel.at = ks;
    // RAM is every node, laid out as a PC firmware reports it: low memory up
    // to the EBDA, the legacy hole reserved, RAM again from 1M. A single
    // entry would not do: e820__memory_setup replaces a table of fewer than
    // two entries with a fake map, and the replay would boot another machine.
    sc.e820.push_back(E820Entry{0, 0x9fc00, E820Type::RAM});
    sc.e820.push_back(E820Entry{0x9fc00, SZ_1M - 0x9fc00, E820Type::RESERVED});
    sc.e820.push_back(E820Entry{SZ_1M, end - SZ_1M, E820Type::RAM});
    for (unsigned i = 0; i < mm.nodes(); ++i) {
      std::uint64_t s0 = eval_u64(md, mm.node_start(i)), e0 = eval_u64(md, mm.node_end[i]);
      if (s0 == e0) continue;
      ScenarioSratMem me;
      me.pxm = i;
      me.base = s0;
      me.length = e0 - s0;
      me.flags = 1u | (md.eval(mm.hotplug[i], true).is_true() ? 2u : 0u);
      sc.srat.mem.push_back(me);
    }
    // The boot pipeline records page-table pages as runs and names the node
    // kinds a run touches: a run that starts exactly at a hot-pluggable
    // node's base touches only that node.
    std::string kinds = "immovable->hotplug";
    for (unsigned i = 0; i < mm.nodes(); ++i)
      if (md.eval(mm.hotplug[i], true).is_true() && eval_u64(md, mm.node_start(i)) == addr)
        kinds = "hotplug";
    sc.finding = ViolationSignature{"hotplug-safety", sc.policy, "direct-map-pgtable", kinds};
    sc.expect = policy == BootPolicy::SratFirst ? ExpectedVerdict::Failure
                                                : ExpectedVerdict::Finding;
    std::string text = "# " + ob + "\n# Z3 counterexample (proofs/boot_pgtable_*): " +
                       std::string(policy_name(policy)) + "\n";
    std::snprintf(buf, sizeof buf, "# page-table page at 0x%" PRIx64 " lies in a hotplug node\n",
                  addr);
    text += buf + write_scenario(sc);
    (void)mach;
    w.reproducer = text;
    w.extension = ".scenario";
    return w;
  };
  return body;
}

}  // namespace mbv::proofs
