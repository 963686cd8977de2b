// mbverify boot: replay the x86 early memory path for one machine (a scenario
// file or a real dmesg log) and judge it against the SRAT ground truth.
// Text output: a dmesg-like account in the kernel's own formats, an
// allocation table, then the invariant verdicts. --json: schema
// "mbverify-boot/1" (docs/boot.md).
// Exit: 0 as expected (or, without an `expect` line, no failure), 1 an
// unexpected verdict, 3 bad input.
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "impl/boot/boot.h"
#include "impl/numa/kprint.h"
#include "impl/scenario/from_dmesg.h"
#include "model/invariants/invariants.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct BootCliOptions {
  std::string scenario;
  std::string dmesg;
  std::string policy;
  std::optional<std::uint64_t> kaslr_random;
  std::optional<std::uint64_t> kernel_at;
  std::string walk = "fast";
  bool events_per_node = false;
  bool json = false;
};

// The three zone blocks of a log, to compare with what a real kernel printed.
std::vector<std::string> block(const std::vector<std::string>& lines, const std::string& header) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& l : lines) {
    if (l == header) {
      in = true;
      out.push_back(l);
    } else if (in && l.starts_with("  ")) {
      out.push_back(l);
    } else {
      in = false;
    }
  }
  return out;
}

const char* kBlocks[] = {"Zone ranges:", "Movable zone start for each node", "Early memory node ranges"};

// Verdict words in JSON are lower case and stable.
std::string json_verdict(InvariantVerdict v) {
  switch (v) {
    case InvariantVerdict::Holds: return "holds";
    case InvariantVerdict::Finding: return "finding";
    case InvariantVerdict::Failure: return "failure";
    case InvariantVerdict::NotApplicable: return "not-applicable";
  }
  return "?";
}

std::string hotplug_word(const BootState& st, const PhysRange& r) {
  std::uint64_t covered = 0;
  for (const SratTruthRange& t : st.truth)
    if (t.hotpluggable && t.range.intersects(r))
      covered += std::min(t.range.end, r.end) - std::max(t.range.start, r.start);
  return covered == 0 ? "no" : covered >= r.size() ? "yes" : "partly";
}

nlohmann::json to_json(const Scenario& s, const BootState& st, const InvariantReport& rep,
                       bool as_expected) {
  using nlohmann::json;
  json j;
  j["schema"] = "mbverify-boot/1";
  j["scenario"] = s.name;
  j["policy"] = st.policy.name;
  j["kernel"] = {{"text", khex(st.kernel.text, 0)}, {"end", khex(st.kernel.end, 0)}, {"how", st.kernel.how}};
  j["max_pfn"] = khex(st.max_pfn, 0);
  j["panic"] = st.panic ? json(*st.panic) : json(nullptr);
  j["dmesg"] = st.log;
  j["events"] = json::array();
  for (const AllocEvent& e : st.events) {
    j["events"].push_back({{"owner", owner_name(e.owner)},
                           {"phase", phase_name(e.phase)},
                           {"start", khex(e.range.start, 0)},
                           {"end", khex(e.range.end, 0)},
                           {"node", e.nid},
                           {"hotplug", hotplug_word(st, e.range)},
                           {"note", e.note()}});
  }
  j["invariants"] = json::array();
  for (const InvariantResult& r : rep.results) {
    json v = json::array();
    for (const Violation& x : r.violations) {
      v.push_back({{"what", x.what},
                   {"guaranteed", x.guaranteed},
                   {"owner", x.event ? json(std::string(owner_name(x.event->owner))) : json(nullptr)},
                   {"nodes", x.nodes}});
    }
    j["invariants"].push_back({{"name", r.name},
                               {"statement", r.statement},
                               {"guaranteed", r.guaranteed},
                               {"verdict", json_verdict(r.verdict)},
                               {"violations", v}});
  }
  j["nodes"] = json::array();
  for (const NodeHotplugCapacity& n : rep.nodes) {
    j["nodes"].push_back({{"nid", n.nid},
                          {"srat_hotplug_bytes", n.srat_hotplug_bytes},
                          {"kept_hotplug_bytes", n.kept_hotplug_bytes},
                          {"movable_bytes", n.movable_bytes},
                          {"removable", n.removable},
                          {"pinned_by", n.pinned_by}});
  }
  j["faithfulness"] = json::array();
  for (const char* h : kBlocks) {
    const auto want = block(s.expect_dmesg, h);
    if (want.empty()) continue;
    j["faithfulness"].push_back({{"block", h}, {"match", want == block(st.log, h)}});
  }
  j["verdict"] = json_verdict(rep.overall());
  j["expected"] = s.expect ? json(std::string(verdict_name(*s.expect))) : json(nullptr);
  j["as_expected"] = as_expected;
  if (auto sig = rep.signature()) {
    j["signature"] = {{"property", sig->property}, {"policy", sig->policy}, {"owner", sig->owner},
                      {"nodes", sig->nodes}};
  } else {
    j["signature"] = nullptr;
  }
  return j;
}

int run_boot_cmd(const BootCliOptions& o) {
  Result<Scenario> sc = !o.dmesg.empty() ? scenario_from_dmesg_file(o.dmesg) : load_scenario(o.scenario);
  if (!sc) {
    std::fprintf(stderr, "mbverify boot: %s\n", sc.error().to_string().c_str());
    return kExitUsage;
  }
  BootOptions bo;
  if (!o.policy.empty()) bo.policy = o.policy;
  bo.kaslr_random = o.kaslr_random;
  bo.kernel_at = o.kernel_at;
  bo.walk = o.walk == "per-page" ? WalkMode::PerPage : WalkMode::Fast;
  bo.pgtable_events_per_node = o.events_per_node;
  auto st = run_boot(*sc, bo);
  if (!st) {
    // The pipeline names the scenario by its `name`; the user needs the file.
    Error e = st.error();
    if (e.where.file.empty() || e.where.file == sc->name) e.where.file = !o.dmesg.empty() ? o.dmesg : o.scenario;
    std::fprintf(stderr, "mbverify boot: %s\n", e.to_string().c_str());
    return kExitUsage;
  }
  const InvariantReport rep = check_invariants(*st);
  const bool as_expected = sc->expect ? verdict_matches(*sc->expect, rep.overall())
                                      : rep.overall() != InvariantVerdict::Failure;
  if (o.json) {
    std::printf("%s\n", to_json(*sc, *st, rep, as_expected).dump(2).c_str());
  } else {
    for (const std::string& l : st->log) std::printf("[    0.000000] %s\n", l.c_str());
    std::printf("\n%s\n", format_allocation_table(*st).c_str());
    for (const char* h : kBlocks) {
      const auto want = block(sc->expect_dmesg, h);
      if (want.empty()) continue;
      std::printf("faithfulness: \"%s\" %s the logged kernel's lines\n", h,
                  want == block(st->log, h) ? "matches" : "DIFFERS from");
    }
    for (const std::string& n : st->notes) std::printf("note: %s\n", n.c_str());
    std::printf("%s", format_invariant_report(rep).c_str());
    if (sc->expect)
      std::printf("expected: %s -> %s\n", std::string(verdict_name(*sc->expect)).c_str(),
                  as_expected ? "as expected" : "UNEXPECTED");
  }
  std::fflush(stdout);
  return as_expected ? kExitOk : kExitViolation;
}

}  // namespace

void register_boot(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<BootCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "boot", "Replay the x86 early-boot memory path of a machine and check it against SRAT");
  auto* scen = sub->add_option("scenario", opt->scenario, "scenario file")->check(CLI::ExistingFile);
  auto* dm = sub->add_option("--dmesg", opt->dmesg, "a real boot log instead of a scenario")
                 ->check(CLI::ExistingFile);
  scen->excludes(dm);
  dm->excludes(scen);
  std::vector<std::string> names;
  for (const BootPolicy& p : boot_policies()) names.push_back(p.name);
  sub->add_option("--policy", opt->policy, "boot policy (default: the scenario's)")
      ->check(CLI::IsMember(names));
  auto* kr = sub->add_option("--kaslr-random", opt->kaslr_random, "physical KASLR random value");
  auto* ka = sub->add_option("--kernel-at", opt->kernel_at, "fixed physical address of _text");
  kr->excludes(ka);
  ka->excludes(kr);
  sub->add_option("--walk", opt->walk, "page-table walker of the direct map (fast, per-page)")
      ->check(CLI::IsMember({"fast", "per-page"}));
  sub->add_flag("--events-per-node", opt->events_per_node,
                "cut direct-map page-table events at SRAT node edges (one node per event)");
  sub->add_flag("--json", opt->json, "machine-readable report (schema mbverify-boot/1)");
  sub->callback([opt, sub, &exit_code] {
    if (opt->scenario.empty() && opt->dmesg.empty()) {
      std::fprintf(stderr, "mbverify boot: give a scenario file or --dmesg LOG\n%s",
                   sub->help().c_str());
      exit_code = kExitUsage;
      return;
    }
    exit_code = run_boot_cmd(*opt);
  });
}

}  // namespace mbv::cli
