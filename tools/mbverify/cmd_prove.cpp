// mbverify prove: push-button proofs of the named theorems over bounded
// symbolic states (docs/proofs.md). Prints one row per theorem — theorem,
// bound, verdict, expected, seconds, reproducer — then counts by verdict.
// Exit: 0 every verdict as expected, 1 an unexpected COUNTEREXAMPLE or
// PROVED, 2 unknown/timeout/invalid (never read as PROVED), 3 usage errors.
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "proofs/prove.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

using proofs::Outcome;
using z3spec::Verdict;

struct ProveCliOptions {
  proofs::ProveOptions run;
  bool json = false;
  bool list = false;
  bool stats = false;
  std::string mutant;
};

void print_list() {
  for (const auto& t : proofs::all_theorems()) {
    std::printf("%-36s bound %-3u (%s)  expect %-15s policy %s%s\n  %s\n  why: %s\n",
                t.name.c_str(), t.default_bound, t.bound_unit.c_str(),
                std::string(z3spec::verdict_name(t.expected)).c_str(), t.policy.c_str(),
                t.default_set ? "" : "  (not in the default set)",
                t.statement.c_str(), t.why.c_str());
  }
}

nlohmann::json to_json(const proofs::ProveReport& r) {
  nlohmann::json j;
  j["theorems"] = nlohmann::json::array();
  for (const Outcome& o : r.outcomes) {
    nlohmann::json t{{"name", o.theorem},
                     {"bound", o.bound},
                     {"verdict", z3spec::verdict_name(o.verdict)},
                     {"expected", z3spec::verdict_name(o.expected)},
                     {"as_expected", o.as_expected()},
                     {"seconds", o.seconds},
                     {"minimize_seconds", o.minimize_seconds},
                     {"obligations", o.obligations},
                     {"obligations_unsat", o.checked},
                     {"queries", o.stats.queries},
                     {"trivial", o.stats.trivial},
                     {"reproducer", o.reproducer_path}};
    if (!o.failed_obligation.empty()) t["failed_obligation"] = o.failed_obligation;
    if (!o.reason.empty()) t["reason"] = o.reason;
    if (o.witness) {
      t["example"] = o.witness->example;
      if (o.witness->replays) t["replays_on_impl"] = *o.witness->replays;
    }
    j["theorems"].push_back(t);
  }
  nlohmann::json counts;
  for (Verdict v : {Verdict::Proved, Verdict::Counterexample, Verdict::UnknownTimeout,
                    Verdict::UnknownOther, Verdict::Invalid, Verdict::Skipped})
    counts[std::string(z3spec::verdict_name(v))] = r.count(v);
  j["counts"] = counts;
  j["seconds"] = r.seconds;
  j["exit_code"] = r.exit_code();
  return j;
}

int report(const proofs::ProveReport& r, const ProveCliOptions& opt) {
  if (opt.json) {
    std::printf("%s\n", to_json(r).dump(2).c_str());
    return r.exit_code();
  }
  std::printf("%-36s %5s  %-16s %-16s %8s  %s\n", "theorem", "bound", "verdict", "expected",
              "seconds", "reproducer");
  for (const Outcome& o : r.outcomes) {
    std::printf("%-36s %5u  %-16s %-16s %8.2f  %s%s\n", o.theorem.c_str(), o.bound,
                std::string(z3spec::verdict_name(o.verdict)).c_str(),
                std::string(z3spec::verdict_name(o.expected)).c_str(), o.seconds,
                o.reproducer_path.empty() ? "-" : o.reproducer_path.c_str(),
                o.as_expected() ? "" : "   <-- unexpected");
  }
  for (const Outcome& o : r.outcomes) {
    if (o.verdict == Verdict::Proved) continue;
    std::printf("\n%s", proofs::format_counterexample(o).c_str());
    if (!o.reason.empty()) std::printf("  reason: %s\n", o.reason.c_str());
  }
  if (opt.stats) {
    z3spec::SolverStats s;
    for (const Outcome& o : r.outcomes) s += o.stats;
    std::printf("\nsolver: %u queries, %u trivial, %u unsat, %u sat, %u timeouts, %u unknown, "
                "%u errors, %.2f s in check()\n",
                s.queries, s.trivial, s.unsat, s.sat, s.timeouts, s.unknown, s.errors,
                s.solver_seconds);
  }
  std::printf("\n%zu theorems in %.1f s: %u proved, %u counterexample, %u unknown(timeout), "
              "%u unknown, %u invalid; %s\n",
              r.outcomes.size(), r.seconds, r.count(Verdict::Proved),
              r.count(Verdict::Counterexample), r.count(Verdict::UnknownTimeout),
              r.count(Verdict::UnknownOther), r.count(Verdict::Invalid),
              r.exit_code() == 0 ? "every verdict as expected" : "NOT as expected");
  return r.exit_code();
}

}  // namespace

void register_prove(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ProveCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "prove", "Prove the named theorems over bounded symbolic states with Z3");
  sub->add_option("--theorem", opt->run.theorems, "theorem(s) to run (default: all; see --list)");
  sub->add_option("--bound", opt->run.bound,
                  "override every selected theorem's bound (regions per type, nodes, ...)")
      ->check(CLI::Range(1, 128));
  sub->add_option("--timeout", opt->run.timeout_s, "seconds per solver query")
      ->check(CLI::Range(1, 86400));
  sub->add_option("--jobs", opt->run.jobs, "theorems run in parallel threads")
      ->check(CLI::Range(1, 256));
  sub->add_option("--out", opt->run.out_dir, "folder for counterexample reproducers");
  sub->add_option("--mutant", opt->mutant,
                  "run against a deliberately broken variant (vacuity demo), e.g. "
                  "merge-ignores-flags");
  sub->add_flag("--no-minimize", [opt](std::int64_t) { opt->run.minimize = false; },
                "report the first counterexample Z3 finds");
  sub->add_flag("--json", opt->json, "machine-readable report");
  sub->add_flag("--list", opt->list, "list the theorems and exit");
  sub->add_flag("--stats", opt->stats, "print solver statistics");
  sub->callback([opt, &exit_code]() {
    if (opt->list) {
      print_list();
      exit_code = kExitOk;
      return;
    }
    if (!opt->mutant.empty()) {
      bool found = false;
      for (int m = 0; m <= static_cast<int>(z3spec::Mutant::KaslrIgnoresImmovable); ++m) {
        auto mm = static_cast<z3spec::Mutant>(m);
        if (z3spec::mutant_name(mm) == opt->mutant) {
          opt->run.mutant = mm;
          found = true;
        }
      }
      if (!found) {
        std::fprintf(stderr, "mbverify prove: unknown mutant '%s'\n", opt->mutant.c_str());
        exit_code = kExitUsage;
        return;
      }
    }
    auto r = proofs::prove(opt->run);
    if (!r) {
      std::fprintf(stderr, "mbverify prove: %s\n", r.error().to_string().c_str());
      exit_code = kExitUsage;
      return;
    }
    exit_code = report(*r, *opt);
  });
}

}  // namespace mbv::cli
