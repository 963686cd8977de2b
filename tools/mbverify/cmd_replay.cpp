// mbverify replay FILE: tell the story of a counterexample. A scenario (or a
// dmesg log) is booted and judged: the boot account with the offending
// allocation marked, the allocations, an ASCII memory map (--svg: the same map
// as a picture), and which invariant breaks and why. An operation trace
// (.trace) is checked against the executable spec on every step (what
// memblock_ops checks) and run on the model and the kernel oracle side by
// side (what memblock_ops_diff checks); the first violation of each is told.
// Exit: 0 the file's declared outcome holds (scenario: its finding and
// expect lines; trace: every step holds and model and kernel agree), 1 it
// does not, 3 bad input (or, for a trace that holds, no kernel oracle).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <span>
#include <sstream>
#include <string_view>

#include "model/diff/diff_run.h"
#include "model/shrink/fuzz_finding.h"
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
  std::string target;  // for fuzz bytes: the target whose input they are
};

int tell_trace(const ReplayCliOptions& o, const TraceReplay& rep) {
  const std::size_t ops = rep.trace.size();
  std::printf("== %s: operation trace (%zu ops) ==\n", o.file.c_str(), ops);
  const spec::TraceVerdict& v = rep.spec;
  std::printf("-- executable spec, every step (memblock_ops) --\n");
  if (!v.holds()) {
    std::printf("%s", v.report(rep.trace).c_str());
  } else if (!v.gap.empty()) {
    std::printf("step %zu hits a documented Linux 6.1 gap; later steps are not judged: %s\n", v.steps,
                v.gap.c_str());
  } else {
    std::printf("every step holds (%zu ops)\n", v.steps);
  }
  std::printf("-- model and kernel side by side (memblock_ops_diff) --\n");
  if (!rep.diff) {
    // The spec's verdict stands on its own; a clean one is not the whole replay.
    std::fprintf(stderr, "mbverify replay: %s\n", rep.diff.error().to_string().c_str());
    if (!v.holds()) return kExitViolation;
    return kExitUsage;
  }
  std::printf("kernel tree: %s\n", rep.diff->tree.c_str());
  int rc = v.holds() ? kExitOk : kExitViolation;
  if (rep.diff->findings.empty()) {
    std::printf("model and kernel agree after every op (%llu ops)\n",
                static_cast<unsigned long long>(rep.diff->ops));
    return rc;
  }
  for (const DiffFinding& f : rep.diff->findings) std::printf("%s\n", f.minimal.describe().c_str());
  if (rep.diff->divergences == 0) {
    std::printf("kernel BUG reached on both sides at the same line: a kernel finding, no divergence\n");
    return rc;
  }
  return kExitViolation;
}

int replay_trace_cmd(const ReplayCliOptions& o) {
  auto rep = replay_trace(o.file, o.kernel_src);
  if (!rep) {
    std::fprintf(stderr, "mbverify replay: %s\n", rep.error().to_string().c_str());
    return kExitUsage;
  }
  return tell_trace(o, *rep);
}

// Raw bytes of a fuzz target other than boot_pipeline: decoded as that
// target's harness decodes them (model/shrink/fuzz_finding.h).
int replay_fuzz_bytes(const ReplayCliOptions& o, std::string_view target, const std::string& bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  auto r = reproducer_from_fuzz_input(target, std::span(data, bytes.size()), o.file);
  if (!r) {
    std::fprintf(stderr, "mbverify replay: %s\n", r.error().to_string().c_str());
    return kExitUsage;
  }
  if (r->extension != ".trace") {
    std::fprintf(stderr, "mbverify replay: %s: a %.*s input; its findings replay with: %s\n", o.file.c_str(),
                 static_cast<int>(target.size()), target.data(), r->replay.c_str());
    return kExitUsage;
  }
  auto trace = parse_trace(r->text, o.file);
  if (!trace) {
    std::fprintf(stderr, "mbverify replay: %s\n", trace.error().to_string().c_str());
    return kExitUsage;
  }
  std::printf("# %s: fuzz bytes decoded as a %.*s input\n", o.file.c_str(), static_cast<int>(target.size()),
              target.data());
  const TraceReplay rep = replay_trace(std::move(*trace), o.file, o.kernel_src);
  return tell_trace(o, rep);
}

int run_replay_cmd(const ReplayCliOptions& o) {
  std::ifstream f(o.file, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  const ReproducerKind kind = reproducer_kind(ss.str(), o.file);
  if (kind == ReproducerKind::Trace) {
    if (!o.svg.empty()) std::fprintf(stderr, "mbverify replay: --svg draws machines, not traces; ignored\n");
    return replay_trace_cmd(o);
  }
  if (kind == ReproducerKind::FuzzInput) {
    // Whose bytes: --target, else the folder or name make fuzz gave the file,
    // else boot_pipeline's (the one target whose bytes are a machine).
    std::string_view target = o.target.empty() ? fuzz_target_of_path(o.file) : std::string_view(o.target);
    if (target.empty()) target = "boot_pipeline";
    if (target != "boot_pipeline") return replay_fuzz_bytes(o, target, ss.str());
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
  sub->add_option("--target", opt->target,
                  "for fuzz bytes: the target whose input they are (default: from the file's folder or name, "
                  "e.g. findings/memblock_ops/crash-..., else boot_pipeline)");
  sub->callback([opt, &exit_code] { exit_code = run_replay_cmd(*opt); });
}

}  // namespace mbv::cli
