// mbverify shrink FILE: reduce a failing scenario (or a dmesg log) to a
// 1-minimal machine that fails with the same violation signature
// (model/shrink). Progress on stderr; the minimal scenario on stdout or -o.
// Exit: 0 shrunk to a fixpoint, 2 stopped by --time-budget (best so far
// written), 3 bad input or nothing to shrink.
//
// --optimal asks Z3 for the smallest machine with the same signature instead
// (proofs/optimal_boot.h) and writes it only after it replays through
// impl/boot with that signature. Exit: 0 written; 1 the Z3 machine does not
// replay, or Z3 finds none although the boot shows one (a spec/model bug);
// 2 Z3 timed out; 3 bad input, nothing to shrink, or no Z3 encoding.
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "model/shrink/reproducer.h"
#include "model/shrink/shrink.h"
#include "proofs/optimal_boot.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct ShrinkCliOptions {
  std::string file;
  std::string out;
  std::string property;
  double time_budget = 60;
  std::string emit_regression;
  std::string regressions_dir = "corpus/regressions";
  std::string policy;
  bool optimal = false;
  unsigned optimal_nodes = 3;
  double optimal_timeout = 120;
};

// Writes `sc` (with comments) to -o or stdout and, if asked, as a regression.
int write_result(const ShrinkCliOptions& o, const Scenario& sc, const std::vector<std::string>& comments) {
  const std::string text = scenario_text_with_comments(sc, comments);
  if (o.out.empty() || o.out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else {
    std::ofstream f(o.out, std::ios::binary);
    f << text;
    if (!f) {
      std::fprintf(stderr, "mbverify shrink: %s: cannot write\n", o.out.c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "shrink: wrote %s\n", o.out.c_str());
  }
  if (!o.emit_regression.empty()) {
    auto path = emit_regression(sc, o.regressions_dir, o.emit_regression, comments);
    if (!path) {
      std::fprintf(stderr, "mbverify shrink: %s\n", path.error().to_string().c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "shrink: regression %s (expect %s)\n", path->c_str(),
                 std::string(verdict_name(sc.expect.value_or(ExpectedVerdict::Finding))).c_str());
  }
  std::fflush(stdout);
  return kExitOk;
}

int run_optimal_cmd(const ShrinkCliOptions& o, Scenario sc) {
  auto before = judge_scenario(sc, o.property);
  if (!before) {
    std::fprintf(stderr, "mbverify shrink: %s\n", before.error().to_string().c_str());
    return kExitUsage;
  }
  if (!before->signature) {
    std::fprintf(stderr, "mbverify shrink: %s: the machine violates %s: nothing to shrink\n", o.file.c_str(),
                 o.property.empty() ? "nothing" : ("no " + o.property).c_str());
    return kExitUsage;
  }
  const ViolationSignature want = *before->signature;
  const std::string want_s = signature_string(want);
  if (auto why = proofs::optimal_unsupported(want)) {
    std::fprintf(stderr, "mbverify shrink --optimal: %s\n", why->c_str());
    return kExitUsage;
  }
  std::fprintf(stderr, "shrink --optimal: target %s (%s), asking Z3 (%u symbolic nodes)\n", want_s.c_str(),
               std::string(invariant_verdict_name(before->property_verdict)).c_str(), o.optimal_nodes);
  proofs::OptimalOptions po;
  po.nodes = o.optimal_nodes;
  po.timeout_ms = static_cast<unsigned>(o.optimal_timeout * 1000);
  const proofs::OptimalResult r = proofs::optimal_boot_machine(want, po);
  switch (r.status) {
    case proofs::OptimalStatus::Unknown:
      std::fprintf(stderr, "mbverify shrink --optimal: Z3 gave no answer after %.1f s (%s)\n", r.seconds,
                   r.reason.c_str());
      return kExitUnknown;
    case proofs::OptimalStatus::NoMachine:
      std::fprintf(stderr,
                   "mbverify shrink --optimal: spec/model bug: the boot pipeline shows %s but the Z3 boot "
                   "formula (model/z3/boot.h) has no machine with it (%u nodes)\n",
                   want_s.c_str(), o.optimal_nodes);
      return kExitViolation;
    case proofs::OptimalStatus::Found: break;
  }
  for (const auto& ob : r.optimum)
    std::fprintf(stderr, "shrink --optimal: minimal %s: %#" PRIx64 "\n", ob.name.c_str(), ob.value);
  for (const auto& line : r.rounded) std::fprintf(stderr, "shrink --optimal: rounded %s\n", line.c_str());
  std::fprintf(stderr, "shrink --optimal: Z3 machine (%.2f s):\n%s", r.seconds, r.example.c_str());

  // The encoding is a model of the pipeline, not the pipeline: replay.
  auto after = judge_scenario(r.machine, want.property);
  if (!after || !after->signature || *after->signature != want ||
      after->property_verdict != before->property_verdict) {
    const std::string got = !after ? "an input error: " + after.error().to_string()
                            : after->signature ? signature_string(*after->signature) + " (" +
                                                     std::string(invariant_verdict_name(after->property_verdict)) + ")"
                                               : "no violation";
    std::fprintf(stderr,
                 "mbverify shrink --optimal: spec/model bug: the Z3 machine replays through impl/boot as %s, "
                 "not %s (%s); the machine:\n%s",
                 got.c_str(), want_s.c_str(), std::string(invariant_verdict_name(before->property_verdict)).c_str(),
                 write_scenario(r.machine).c_str());
    return kExitViolation;
  }
  Scenario out = r.machine;
  out.name = sc.name.empty() ? "optimal" : sc.name + "-optimal";
  out.finding = want;
  out.expect = expected_verdict_of(*after);
  const ScenarioSize sb = scenario_size(sc), sa = scenario_size(out);
  std::fprintf(stderr, "shrink --optimal: %s -> %s, replays as %s (%.2f s)\n", sb.to_string().c_str(),
               sa.to_string().c_str(), want_s.c_str(), r.seconds);
  char secs[64];
  std::snprintf(secs, sizeof secs, "%.2f s", r.seconds);
  std::vector<std::string> comments = {
      "Smallest machine by `mbverify shrink --optimal` (Z3, proofs/optimal_boot) for " +
          std::filesystem::path(o.file).filename().string() + " (" + secs + ").",
      "Signature: " + want_s + " (" + std::string(invariant_verdict_name(after->property_verdict)) +
          "), replayed through impl/boot.",
  };
  std::string opt_line = "Optimum:";
  for (const auto& ob : r.optimum) {
    char b[64];
    std::snprintf(b, sizeof b, " %#" PRIx64, ob.value);
    opt_line += " " + ob.name + b + ";";
  }
  comments.push_back(opt_line);
  comments.push_back("Replay: mbverify replay <this file>");
  return write_result(o, out, comments);
}

int run_shrink_cmd(const ShrinkCliOptions& o) {
  auto sc = load_reproducer(o.file);
  if (!sc) {
    std::fprintf(stderr, "mbverify shrink: %s\n", sc.error().to_string().c_str());
    return kExitUsage;
  }
  ShrinkOptions so;
  so.property = o.property;
  so.time_budget_s = o.time_budget;
  if (!o.policy.empty()) sc->policy = o.policy;
  if (o.optimal) return run_optimal_cmd(o, *sc);
  so.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto r = shrink_scenario(*sc, so);
  if (!r) {
    std::fprintf(stderr, "mbverify shrink: %s\n", r.error().to_string().c_str());
    return kExitUsage;
  }
  char stats[256];
  std::snprintf(stats, sizeof stats, "%zu boots, %zu kept, %.2f s%s", r->tests, r->accepted, r->seconds,
                r->timed_out ? ", stopped by the time budget" : ", 1-minimal");
  std::fprintf(stderr, "shrink: %s -> %s (%s)\n", r->size_before.to_string().c_str(),
               r->size_after.to_string().c_str(), stats);
  const std::vector<std::string> comments = {
      "Minimized by `mbverify shrink` from " + std::filesystem::path(o.file).filename().string() + " (" +
          stats + ").",
      "Signature: " + signature_string(r->signature) + " (" +
          std::string(invariant_verdict_name(r->verdict)) + ").",
      "Replay: mbverify replay <this file>"};
  const int rc = write_result(o, r->minimal, comments);
  if (rc != kExitOk) return rc;
  return r->timed_out ? kExitUnknown : kExitOk;
}

}  // namespace

void register_shrink(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ShrinkCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "shrink", "Reduce a failing scenario to a minimal machine with the same violation signature");
  sub->add_option("file", opt->file, "scenario file or dmesg log")->required()->check(CLI::ExistingFile);
  sub->add_option("-o,--out", opt->out, "where to write the minimal scenario (default: stdout)");
  sub->add_option("--property", opt->property,
                  "the invariant to keep violated (default: the first one the boot violates)");
  sub->add_option("--policy", opt->policy, "boot policy (default: the scenario's)")
      ->check(CLI::IsMember({"linux-6.1", "bottom-up-2013", "srat-first"}));
  sub->add_option("--time-budget", opt->time_budget, "seconds; stop with the best so far")
      ->check(CLI::PositiveNumber);
  sub->add_option("--emit-regression", opt->emit_regression,
                  "also write <regressions-dir>/<NNNN>-NAME.scenario with its expected verdict");
  sub->add_option("--regressions-dir", opt->regressions_dir, "folder for --emit-regression")
      ->capture_default_str();
  sub->add_flag("--optimal", opt->optimal,
                "ask Z3 for the smallest machine with the same signature (only where the property has a Z3 "
                "encoding); it is replayed through impl/boot before it is written");
  sub->add_option("--optimal-nodes", opt->optimal_nodes, "symbolic NUMA nodes for --optimal")
      ->check(CLI::Range(1u, 8u))
      ->capture_default_str();
  sub->add_option("--optimal-timeout", opt->optimal_timeout, "seconds Z3 may take for --optimal")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->callback([opt, &exit_code] { exit_code = run_shrink_cmd(*opt); });
}

}  // namespace mbv::cli
