// The differential engine: one trace through the reference model
// (impl/memblock) and through the kernel oracle (model/oracle) side by side,
// comparing the return value and the WHOLE state (both types' regions with
// base, size, flags and nid; cnt, max, total_size, the placement of doubled
// arrays; bottom_up, current_limit and the switches) after every op.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"
#include "model/oracle/kernel_oracle.h"

namespace mbv {

// How the model side runs one op. apply_op normally; tests plant a mutant.
using ModelStep = std::function<OpResult(Memblock&, const Op&)>;

// Told about each op both sides agreed on (same result and whole state), in
// order: the op's index, the model's result and the model's state after it.
// Returning true ends the run after that op, as if the trace ended there.
using AgreedStep = std::function<bool(std::size_t index, OpResult result, const Memblock& after)>;

// KernelBug is a kernel finding rather than a model divergence: the kernel
// reached BUG()/BUG_ON() (e.g. memblock_merge_regions on unsorted regions) and
// the model recorded the same BUG (Memblock::kernel_bug, same line); the
// trace ends there. BugMismatch: only one side BUGged, or at another line.
// Iterator: after the whole trace, an iterator walk (for_each_free_mem_range,
// for_each_mem_range, for_each_reserved_mem_range, for_each_mem_pfn_range,
// with several nid/flags) gave different ranges.
enum class DivergenceKind { ReturnValue, State, KernelBug, BugMismatch, Iterator };

struct Divergence {
  DivergenceKind kind = DivergenceKind::State;
  std::size_t op_index = 0;     // first divergent op
  OpTrace trace;                // the trace it was found in (up to and incl. op_index)
  OpResult model_result, oracle_result;
  int bug_line = 0;             // the kernel's BUG line in mm/memblock.c (0: none)
  int model_bug_line = 0;       // the BUG line the model recorded (0: none)
  std::string detail;           // what differs, when not the state (iterators, pfn outputs)
  Memblock model_before, model_after, oracle_after;

  // The report: the op, both return values, the trace, the state before,
  // then model and kernel states after, in the memblock=debug dump format.
  std::string describe() const;
};

class Differential {
 public:
  explicit Differential(KernelOracle& oracle, ModelStep step = nullptr);

  // Resets the oracle, runs the trace on a fresh model and the oracle, and
  // returns the first divergence (none: both agreed after every op).
  // on_agreed, when given, sees every agreed op (so a caller can judge the
  // steps without running the model a second time).
  std::optional<Divergence> run(std::span<const Op> trace, const AgreedStep& on_agreed = nullptr);

  // Shrinks a divergent trace with ddmin to a 1-minimal trace that still
  // diverges in the same class (model divergence vs kernel BUG) and returns that trace's divergence.
  Divergence shrink(const Divergence& d, std::size_t* tests_run = nullptr);

  std::size_t ops_run() const { return ops_run_; }

 private:
  std::optional<Divergence> check_iterators(std::span<const Op> trace);
  Divergence make(DivergenceKind kind, std::span<const Op> trace, std::size_t i);
  KernelOracle& oracle_;
  ModelStep step_;
  Memblock model_, oracle_state_;
  std::size_t ops_run_ = 0;
};

}  // namespace mbv
