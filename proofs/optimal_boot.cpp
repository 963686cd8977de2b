// The smallest machine violating the boot page-table hotplug property (see
// optimal_boot.h).
#include "proofs/optimal_boot.h"

#include <chrono>

#include "model/z3/boot.h"
#include "model/z3/state.h"
#include "model/z3/verdict.h"
#include "model/z3/vocab.h"
#include "proofs/boot_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

namespace {

std::optional<BootPolicy> boot_policy(const std::string& name) {
  for (BootPolicy p : {BootPolicy::Linux61, BootPolicy::BottomUp2013, BootPolicy::SratFirst})
    if (policy_name(p) == name) return p;
  return std::nullopt;
}

// The signature's node kinds, in terms of the examined page. The pipeline
// names the node kinds of the first offending allocation event, in address
// order. Under the bottom-up policies pass 1 takes consecutive pages from
// kernel_end, so its first page in a hot-pluggable node is at that node's
// base: "hotplug" when it is pass 1's first memblock page (kernel_end is the
// node boundary), "immovable->hotplug" when the page below it is a pass-1
// page in immovable memory.
z3::expr node_kinds(const BootMachine& m, const PagePlacement& p, const std::string& kinds) {
  z3::context& c = m.kernel_start.ctx();
  const z3::expr page_sz = addr_val(c, PAGE_SIZE);
  z3::expr at_hotplug_base = c.bool_val(false);
  for (unsigned i = 0; i < m.nodes(); ++i)
    at_hotplug_base = at_hotplug_base || (m.hotplug[i] && m.node_start(i) != m.node_end[i] &&
                                          p.addr == m.node_start(i));
  z3::expr first_page = m.page == addr_val(c, 0);
  if (kinds == "hotplug") return !m.pass2 && at_hotplug_base && first_page;
  return !m.pass2 && at_hotplug_base && !first_page && !in_hotplug_node(m, p.addr - page_sz);
}

std::string mib_text(std::uint64_t bytes) {
  if (bytes >= SZ_1G && bytes % SZ_1G == 0) return std::to_string(bytes / SZ_1G) + " GiB";
  if (bytes >= SZ_1M && bytes % SZ_1M == 0) return std::to_string(bytes / SZ_1M) + " MiB";
  return std::to_string(bytes / SZ_1K) + " KiB";
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::optional<std::string> optimal_unsupported(const ViolationSignature& sig) {
  const std::string what = sig.property + "/" + sig.policy + "/" + sig.owner + "/" + sig.nodes;
  if (sig.property != "hotplug-safety" || sig.owner != "direct-map-pgtable")
    return "no Z3 encoding for " + what +
           ": model/z3 encodes only hotplug-safety of direct-map page tables (model/z3/boot.h)";
  if (!boot_policy(sig.policy))
    return "no Z3 encoding for " + what + ": the boot formula knows linux-6.1, bottom-up-2013 and srat-first";
  if (sig.nodes != "hotplug" && sig.nodes != "immovable->hotplug")
    return "no Z3 encoding for " + what +
           ": the boot formula's nodes are contiguous from 0, so an offending run is \"hotplug\" or "
           "\"immovable->hotplug\"";
  return std::nullopt;
}

OptimalResult optimal_boot_machine(const ViolationSignature& sig, const OptimalOptions& opt) {
  MB_CHECK(!optimal_unsupported(sig), "optimal_boot_machine: unsupported signature");
  const auto t0 = std::chrono::steady_clock::now();
  OptimalResult r;
  const BootPolicy policy = *boot_policy(sig.policy);
  z3::context c;
  try {
    InterruptAfter deadline(c, opt.timeout_ms);
    // The theorem's statement, objectives and witness.
    ProofBody body = boot_pgtable_theorem(c, opt.nodes, policy, Mutant::None);
    MB_CHECK(body.obligations.size() == 1 && body.minimize.size() == 4,
             "boot_pgtable_theorem changed shape: one obligation, four objectives expected");
    // fresh_machine names its constants ("node0.end", "kernel.start", ...),
    // so this handle denotes the same symbolic machine as the theorem's.
    const BootMachine m = fresh_machine(c, opt.nodes);
    const PagePlacement p = place_page_tables(m, policy);
    const z3::expr query = body.pre && !body.obligations.front().goal && node_kinds(m, p, sig.nodes);

    z3::optimize o(c);
    o.add(query);
    const char* names[] = {"non-empty nodes (SRAT memory entries)", "RAM end", "kernel image size",
                           "page-table page index"};
    std::vector<z3::optimize::handle> hs;
    for (const z3::expr& e : body.minimize) hs.push_back(o.minimize(e));
    const z3::check_result cr = o.check();
    if (cr == z3::unsat) {
      r.status = OptimalStatus::NoMachine;
      r.seconds = since(t0);
      return r;
    }
    if (cr != z3::sat) {
      r.status = OptimalStatus::Unknown;
      r.reason = std::string("optimisation: ") + Z3_optimize_get_reason_unknown(c, o);
      r.seconds = since(t0);
      return r;
    }
    const z3::model best = o.get_model();

    // Round addresses with the optimum fixed: the theorem's roundness
    // constraints first, then each free address to the largest alignment.
    z3::solver s(c);
    s.add(query);
    for (std::size_t i = 0; i < body.minimize.size(); ++i) {
      const std::uint64_t v = eval_u64(best, body.minimize[i]);
      r.optimum.push_back(OptimalObjective{names[i], v});
      s.add(body.minimize[i] == best.eval(body.minimize[i], true));
    }
    for (const z3::expr& e : body.round) {
      s.push();
      s.add(e);
      if (s.check() != z3::sat) s.pop();
    }
    std::vector<std::pair<std::string, z3::expr>> addrs;
    for (unsigned i = 0; i + 1 < m.nodes(); ++i)
      addrs.emplace_back("node" + std::to_string(i) + ".end", m.node_end[i]);
    addrs.emplace_back("kernel.start", m.kernel_start);
    for (const auto& [name, e] : addrs) {
      for (unsigned shift = 40; shift >= 21; --shift) {
        s.push();
        s.add(aligned(e, addr_val(c, std::uint64_t{1} << shift)));
        const z3::check_result rr = s.check();
        if (rr == z3::sat) {
          r.rounded.push_back(name + " aligned to " + mib_text(std::uint64_t{1} << shift));
          break;
        }
        s.pop();
        if (rr != z3::unsat) break;  // out of time: keep what is fixed so far
      }
    }
    if (s.check() != z3::sat) {
      r.status = OptimalStatus::Unknown;
      r.reason = "rounding: " + s.reason_unknown();
      r.seconds = since(t0);
      return r;
    }
    const z3::model md = s.get_model();

    // The theorem's concretisation: the machine as a scenario file.
    const Witness w = body.witness(md, body.obligations.front().name);
    auto sc = read_scenario(w.reproducer, "z3-optimal.scenario");
    MB_CHECK(sc.ok(), "the boot witness wrote a scenario its reader refuses");
    r.machine = *sc;
    r.example = w.example;
    r.status = OptimalStatus::Found;
  } catch (const z3::exception& e) {
    r.status = OptimalStatus::Unknown;
    r.reason = std::string("z3: ") + e.msg();
  }
  r.seconds = since(t0);
  return r;
}

}  // namespace mbv::proofs
