// mbverify replay FILE: tell the story of a counterexample. A scenario (or a
// dmesg log) is booted and judged: the boot account with the offending
// allocation marked, the allocations, an ASCII memory map (--svg: the same map
// as a picture), and which invariant breaks and why. An operation trace
// (.trace) is run on the model and the kernel oracle (model/diff) and the
// first divergence is told.
// Exit: 0 the file's declared outcome holds (scenario: its finding and
// expect lines; trace: no divergence), 1 it does not, 3 bad input.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/diff/diff_run.h"
#include "model/shrink/reproducer.h"
#include "model/shrink/signature.h"
#include "model/story/story.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct ReplayCliOptions {
  std::string file;
  std::string svg;
  std::string property;
  std::string kernel_src;
};

int replay_trace(const ReplayCliOptions& o) {
  auto rep = replay_diff(o.file, o.kernel_src);
  if (!rep) {
    std::fprintf(stderr, "mbverify replay: %s\n", rep.error().to_string().c_str());
    return kExitUsage;
  }
  std::printf("== %s: operation trace on the model and the kernel oracle (%s) ==\n", o.file.c_str(),
              rep->tree.c_str());
  if (rep->findings.empty()) {
    std::printf("model and kernel agree after every op (%llu ops)\n", static_cast<unsigned long long>(rep->ops));
    return kExitOk;
  }
  for (const DiffFinding& f : rep->findings) std::printf("%s\n", f.minimal.describe().c_str());
  if (rep->divergences == 0) {
    std::printf("kernel BUG reached on both sides at the same line: a kernel finding, no divergence\n");
    return kExitOk;
  }
  return kExitViolation;
}

int run_replay_cmd(const ReplayCliOptions& o) {
  std::ifstream f(o.file, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  if (reproducer_kind(ss.str(), o.file) == ReproducerKind::Trace) {
    if (!o.svg.empty()) std::fprintf(stderr, "mbverify replay: --svg draws machines, not traces; ignored\n");
    return replay_trace(o);
  }
  auto sc = load_reproducer(o.file);
  if (!sc) {
    std::fprintf(stderr, "mbverify replay: %s\n", sc.error().to_string().c_str());
    return kExitUsage;
  }
  StoryOptions so;
  so.property = o.property;
  auto story = tell_story(*sc, so);
  if (!story) {
    // The pipeline names the scenario by its `name`; the user needs the file.
    Error e = story.error();
    if (e.where.file.empty() || e.where.file == sc->name) e.where.file = o.file;
    std::fprintf(stderr, "mbverify replay: %s\n", e.to_string().c_str());
    return kExitUsage;
  }
  std::fwrite(story->text.data(), 1, story->text.size(), stdout);
  std::fflush(stdout);
  if (!o.svg.empty()) {
    const std::string title = (sc->name.empty() ? o.file : sc->name) + ": " +
                              (story->signature ? signature_string(*story->signature) : "no violation");
    std::ofstream out(o.svg, std::ios::binary);
    out << svg_map(story->map, title);
    if (!out) {
      std::fprintf(stderr, "mbverify replay: %s: cannot write\n", o.svg.c_str());
      return kExitUsage;
    }
    std::fprintf(stderr, "replay: wrote %s\n", o.svg.c_str());
  }
  std::fflush(stdout);
  return story->signature_as_declared && story->verdict_as_declared ? kExitOk : kExitViolation;
}

}  // namespace

void register_replay(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ReplayCliOptions>();
  CLI::App* sub = app.add_subcommand(
      "replay", "Replay a counterexample (scenario, dmesg log or op trace) and tell its story");
  sub->add_option("file", opt->file, "scenario file, dmesg log or .trace file")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--svg", opt->svg, "also draw the memory map as an SVG file");
  sub->add_option("--property", opt->property, "the invariant to tell about (default: the declared finding's)");
  sub->add_option("--kernel-src", opt->kernel_src, "kernel tree for .trace files (default: the built oracle)");
  sub->callback([opt, &exit_code] { exit_code = run_replay_cmd(*opt); });
}

}  // namespace mbv::cli
