// mbverify diff: the reference model against the real mm/memblock.c of a
// kernel tree (see docs/diff.md). Ends with "N traces, K divergences".
// Exit: 0 no divergence, 1 divergences (minimal traces written), 3 bad input
// or no usable oracle.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "model/diff/diff_run.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct DiffCliOptions {
  DiffOptions run;
  std::string replay;
  std::vector<std::size_t> init_regions;  // --init-regions MEMORY,RESERVED
};

int report(const Result<DiffReport>& r) {
  if (!r) {
    std::fprintf(stderr, "mbverify diff: %s\n", r.error().to_string().c_str());
    return kExitUsage;
  }
  for (const DiffFinding& f : r->findings) {
    std::printf("%s", f.minimal.describe().c_str());
    if (!f.file.empty()) std::printf("minimal trace: %s\n", f.file.c_str());
    std::printf("\n");
  }
  std::fprintf(stderr, "diff: kernel tree %s; %llu ops in %.1f s\n", r->tree.c_str(),
               static_cast<unsigned long long>(r->ops), r->seconds);
  if (r->kernel_bugs)
    std::fprintf(stderr,
                 "diff: %llu traces reached a kernel BUG that the model recorded too (a kernel "
                 "finding, not a divergence; the trace ends there)\n",
                 static_cast<unsigned long long>(r->kernel_bugs));
  std::printf("%llu traces, %llu divergences\n", static_cast<unsigned long long>(r->traces),
              static_cast<unsigned long long>(r->divergences));
  std::fflush(stdout);
  return r->divergences ? kExitViolation : kExitOk;
}

}  // namespace

void register_diff(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<DiffCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "diff", "Run operation traces through the model and the kernel's mm/memblock.c side by side");
  sub->add_option("--traces", opt->run.traces, "number of random traces")->check(CLI::PositiveNumber);
  sub->add_option("--ops-per-trace", opt->run.ops_per_trace, "operations per trace")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--seed", opt->run.seed, "run seed (trace i uses a seed derived from it)");
  sub->add_option("--kernel-src", opt->run.kernel_src,
                  "kernel tree or linux-source tarball to check (default: $KERNEL_SRC, else the "
                  "one built with mbverify)")
      ->envname("KERNEL_SRC");
  const std::map<std::string, MovableNodeMode> modes = {
      {"off", MovableNodeMode::Off}, {"on", MovableNodeMode::On}, {"both", MovableNodeMode::Both}};
  sub->add_option("--movable-node", opt->run.movable_node, "movable_node on the command line")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
  sub->add_option("--init-regions", opt->init_regions,
                  "static region-array sizes MEMORY,RESERVED for every trace (1..128 each; "
                  "small ones make memblock_double_array run within a few ops)")
      ->expected(2)
      ->delimiter(',')
      ->check(CLI::Range(1, static_cast<int>(MAX_INIT_MEMBLOCK_REGIONS)));
  sub->add_option("--out", opt->run.out_dir, "folder for minimal divergent traces");
  sub->add_option("--max-reports", opt->run.max_reports, "divergences to shrink and write");
  sub->add_option("--replay", opt->replay, "rerun one trace file instead of random traces");
  sub->callback([opt, &exit_code]() {
    if (!opt->replay.empty()) {
      exit_code = report(replay_diff(opt->replay, opt->run.kernel_src));
      return;
    }
    if (opt->init_regions.size() == 2) {
      opt->run.init_memory_regions = opt->init_regions[0];
      opt->run.init_reserved_regions = opt->init_regions[1];
    }
    exit_code = report(run_diff(opt->run, [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
    }));
  });
}

}  // namespace mbv::cli
