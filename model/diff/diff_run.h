// A differential campaign: many seeded random traces through the model and
// the kernel oracle, each divergence shrunk and written as a replayable trace
// file (the op.h text format with a comment header). Used by `mbverify diff`.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "impl/common/result.h"
#include "model/diff/differential.h"
#include "model/oracle/kernel_oracle.h"
#include "model/spec/trace_check.h"

namespace mbv {

enum class MovableNodeMode { Off, On, Both };  // Both: odd-numbered traces on

struct DiffOptions {
  std::uint64_t traces = 10000;
  std::size_t ops_per_trace = 16;
  std::uint64_t seed = 1;
  MovableNodeMode movable_node = MovableNodeMode::Both;
  std::string kernel_src;        // "" = the oracle CMake built (default tree)
  std::string out_dir = ".";     // where minimal traces are written
  std::size_t max_reports = 3;   // findings of each class shrunk and written (all are counted)
  // Static array sizes of every trace (init_memblock_regions; 128/128: none).
  std::size_t init_memory_regions = INIT_MEMBLOCK_REGIONS;
  std::size_t init_reserved_regions = INIT_MEMBLOCK_REGIONS;
};

struct DiffFinding {
  Divergence minimal;        // after ddmin
  std::uint64_t trace_index = 0;
  std::size_t original_ops = 0;
  std::string file;          // the replayable trace written for it
};

struct DiffReport {
  std::uint64_t traces = 0;
  std::uint64_t divergences = 0;  // model and kernel disagreed
  std::uint64_t kernel_bugs = 0;  // the kernel hit BUG() (a kernel finding)
  std::uint64_t ops = 0;
  double seconds = 0;
  std::string tree;
  std::vector<DiffFinding> findings;
};

// Loads the oracle for kernel_src ("" = default; otherwise built and cached).
Result<KernelOracle> open_oracle(const std::string& kernel_src);

// Runs the campaign. `progress` gets a line about every two seconds.
Result<DiffReport> run_diff(const DiffOptions& opt,
                            const std::function<void(const std::string&)>& progress);

// Reruns one trace file (as written by run_diff or by hand) on both sides.
Result<DiffReport> replay_diff(const std::string& file, const std::string& kernel_src);

// A trace file told both ways: the executable spec on every step of the
// model (what memblock_ops checks; needs no kernel tree), then model and
// kernel side by side (what memblock_ops_diff checks). A memblock_ops
// finding reproduces in `spec`, a divergence in `diff`.
struct TraceReplay {
  OpTrace trace;
  spec::TraceVerdict spec;
  Result<DiffReport> diff;  // the oracle's error when it cannot run
};
// Reads and parses `file` (its error is the only one returned), then runs both.
Result<TraceReplay> replay_trace(const std::string& file, const std::string& kernel_src);
// The same on a trace already in hand (decoded fuzz bytes); `name` names it.
TraceReplay replay_trace(OpTrace trace, const std::string& name, const std::string& kernel_src);

// The text of a trace file: '#' header lines, then trace_to_text.
std::string trace_file_text(const OpTrace& trace, const std::vector<std::string>& header);

}  // namespace mbv
