#include "model/diff/diff_run.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/trace/trace_gen.h"

namespace mbv {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const char* mode_name(bool on) { return on ? "on" : "off"; }

}  // namespace

std::string trace_file_text(const OpTrace& trace, const std::vector<std::string>& header) {
  std::string s;
  for (const std::string& h : header) s += "# " + h + "\n";
  return s + trace_to_text(trace);
}

Result<KernelOracle> open_oracle(const std::string& kernel_src) {
  Result<std::string> so = kernel_src.empty() ? default_oracle_path() : build_oracle(kernel_src);
  if (!so) return so.error();
  return KernelOracle::load(*so);
}

Result<DiffReport> run_diff(const DiffOptions& opt,
                            const std::function<void(const std::string&)>& progress) {
  if (opt.ops_per_trace == 0)
    return make_error(ErrorCode::BadInput, "--ops-per-trace must be at least 1");
  for (std::size_t n : {opt.init_memory_regions, opt.init_reserved_regions})
    if (n < 1 || n > MAX_INIT_MEMBLOCK_REGIONS)
      return make_error(ErrorCode::BadInput, "--init-regions: each size must be in [1, " +
                                                 std::to_string(MAX_INIT_MEMBLOCK_REGIONS) + "], got " +
                                                 std::to_string(n));
  Result<KernelOracle> oracle = open_oracle(opt.kernel_src);
  if (!oracle) return oracle.error();
  Differential diff(*oracle);
  DiffReport rep;
  rep.tree = oracle->tree();
  const auto t0 = Clock::now();
  auto last = t0;
  for (std::uint64_t i = 0; i < opt.traces; ++i) {
    TraceGenOptions g;
    g.ops = opt.ops_per_trace;
    g.init_memory = opt.init_memory_regions;
    g.init_reserved = opt.init_reserved_regions;
    g.movable_node = opt.movable_node == MovableNodeMode::On ||
                     (opt.movable_node == MovableNodeMode::Both && i % 2 == 1);
    const std::uint64_t tseed = trace_seed(opt.seed, i);
    const OpTrace trace = random_trace(tseed, g);
    ++rep.traces;
    if (auto d = diff.run(trace)) {
      const bool bug = d->kind == DivergenceKind::KernelBug;
      ++(bug ? rep.kernel_bugs : rep.divergences);
      std::size_t same = 0;
      for (const DiffFinding& o : rep.findings)
        same += (o.minimal.kind == DivergenceKind::KernelBug) == bug;
      if (same < opt.max_reports) {
        DiffFinding f;
        f.trace_index = i;
        f.original_ops = trace.size();
        f.minimal = diff.shrink(*d);
        bool dup = false;
        for (const DiffFinding& o : rep.findings) dup = dup || o.minimal.trace == f.minimal.trace;
        if (!dup) {
          std::filesystem::create_directories(opt.out_dir);
          f.file = opt.out_dir + (bug ? "/kernel-bug-" : "/diff-") + std::to_string(opt.seed) +
                   "-" + std::to_string(i) + ".trace";
          const std::vector<std::string> header = {
              std::string("mbverify diff: minimal ") +
                  (bug ? "trace reaching a kernel BUG at mm/memblock.c:" +
                             std::to_string(f.minimal.bug_line) + " ("
                       : "divergent trace (") + std::to_string(f.minimal.trace.size()) +
                  " ops, shrunk from " + std::to_string(f.original_ops) + ")",
              "seed " + std::to_string(opt.seed) + ", trace " + std::to_string(i) + ", ops-per-trace " +
                  std::to_string(opt.ops_per_trace) + ", movable_node " + mode_name(g.movable_node),
              "kernel tree: " + rep.tree,
              std::string(bug ? "kernel BUG at op " : "first divergence: op ") +
                  std::to_string(f.minimal.op_index + 1) + ": " +
                  to_string(f.minimal.trace[f.minimal.op_index]),
              "replay: mbverify diff --replay " + f.file +
                  (opt.kernel_src.empty() ? "" : " --kernel-src " + opt.kernel_src)};
          std::ofstream out(f.file);
          out << trace_file_text(f.minimal.trace, header);
          if (!out)
            return make_error(ErrorCode::NotFound, f.file + ": cannot write the minimal trace");
          rep.findings.push_back(std::move(f));
        }
      }
    }
    if ((i & 1023) == 1023 && progress) {
      const auto now = Clock::now();
      if (std::chrono::duration<double>(now - last).count() >= 2.0) {
        last = now;
        const double s = since(t0);
        char buf[160];
        std::snprintf(buf, sizeof buf, "diff: %llu/%llu traces, %llu divergences, %.0f traces/s",
                      static_cast<unsigned long long>(rep.traces),
                      static_cast<unsigned long long>(opt.traces),
                      static_cast<unsigned long long>(rep.divergences), rep.traces / s);
        progress(buf);
      }
    }
  }
  rep.ops = diff.ops_run();
  rep.seconds = since(t0);
  return rep;
}

namespace {

Result<OpTrace> read_trace_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) return make_error(ErrorCode::NotFound, "cannot open trace file", SourceLoc{file});
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_trace(ss.str(), file);
}

// One trace on both sides, as replay_diff reports it.
Result<DiffReport> diff_trace(const std::string& file, const OpTrace& trace, const std::string& kernel_src) {
  Result<KernelOracle> oracle = open_oracle(kernel_src);
  if (!oracle) return oracle.error();
  Differential diff(*oracle);
  DiffReport rep;
  rep.tree = oracle->tree();
  const auto t0 = Clock::now();
  rep.traces = 1;
  if (auto d = diff.run(trace)) {
    ++(d->kind == DivergenceKind::KernelBug ? rep.kernel_bugs : rep.divergences);
    DiffFinding f;
    f.minimal = std::move(*d);
    f.original_ops = trace.size();
    f.file = file;
    rep.findings.push_back(std::move(f));
  }
  rep.ops = diff.ops_run();
  rep.seconds = since(t0);
  return rep;
}

}  // namespace

Result<DiffReport> replay_diff(const std::string& file, const std::string& kernel_src) {
  Result<OpTrace> trace = read_trace_file(file);
  if (!trace) return trace.error();
  return diff_trace(file, *trace, kernel_src);
}

Result<TraceReplay> replay_trace(const std::string& file, const std::string& kernel_src) {
  Result<OpTrace> trace = read_trace_file(file);
  if (!trace) return trace.error();
  return replay_trace(std::move(*trace), file, kernel_src);
}

TraceReplay replay_trace(OpTrace trace, const std::string& name, const std::string& kernel_src) {
  // The spec unbounded: a finding cut by a fuzzer's region budget fails at
  // the same step here, since every step before it passed.
  spec::TraceCheck check;
  spec::TraceVerdict verdict = check.run(trace);
  Result<DiffReport> diff = diff_trace(name, trace, kernel_src);
  return TraceReplay{std::move(trace), std::move(verdict), std::move(diff)};
}

}  // namespace mbv
