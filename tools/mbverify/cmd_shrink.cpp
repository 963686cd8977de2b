// mbverify shrink FILE: reduce a failing scenario (or a dmesg log) to a
// 1-minimal machine that fails with the same violation signature
// (model/shrink). Progress on stderr; the minimal scenario on stdout or -o.
// Exit: 0 shrunk to a fixpoint, 2 stopped by --time-budget (best so far
// written), 3 bad input or nothing to shrink.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "model/shrink/reproducer.h"
#include "model/shrink/shrink.h"
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
};

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
  const std::string text = scenario_text_with_comments(r->minimal, comments);
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
    auto path = emit_regression(r->minimal, o.regressions_dir, o.emit_regression, comments);
    if (!path) {
      std::fprintf(stderr, "mbverify shrink: %s\n", path.error().to_string().c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "shrink: regression %s (expect %s)\n", path->c_str(),
                 std::string(verdict_name(r->minimal.expect.value_or(ExpectedVerdict::Finding))).c_str());
  }
  std::fflush(stdout);
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
  sub->callback([opt, &exit_code] { exit_code = run_shrink_cmd(*opt); });
}

}  // namespace mbv::cli
