// The one place where a Z3 answer becomes a verdict.
//
// A query is always a refutation: "pre and not goal". unsat means the goal is
// proved for the stated bound; sat means a counterexample exists (the model
// can only be read then); Z3's single "unknown" is split into a timeout and
// everything else, and a z3::exception becomes Invalid with its reason.
// UNKNOWN never reads as PROVED.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <z3++.h>

namespace mbv::z3spec {

enum class Verdict { Proved, Counterexample, UnknownTimeout, UnknownOther, Invalid, Skipped };

// "PROVED", "COUNTEREXAMPLE", "UNKNOWN(timeout)", ...
std::string_view verdict_name(Verdict v);
// Inverse of verdict_name for the spellings used in theorem files.
std::optional<Verdict> parse_verdict(std::string_view s);

// Per-session statistics (one per thread / theorem run, never static).
struct SolverStats {
  unsigned queries = 0;    // solver calls made
  unsigned trivial = 0;    // obligations whose query simplified to false (no call)
  unsigned unsat = 0;
  unsigned sat = 0;
  unsigned timeouts = 0;
  unsigned unknown = 0;
  unsigned errors = 0;
  double solver_seconds = 0;
  SolverStats& operator+=(const SolverStats& o);
};

struct CheckOptions {
  unsigned timeout_ms = 0;  // 0 = no limit
};

// Interrupts every solver call on `ctx` once `timeout_ms` have passed (0 = never);
// Z3 then answers unknown with reason "canceled", read as a timeout. Used instead
// of Z3's own "timeout" parameter: libz3 4.8.12's timer thread can deadlock
// (seen here: a solver call and the timer thread each waiting on the other's lock).
class InterruptAfter {
 public:
  InterruptAfter(z3::context& ctx, unsigned timeout_ms);
  ~InterruptAfter();
  InterruptAfter(const InterruptAfter&) = delete;
  InterruptAfter& operator=(const InterruptAfter&) = delete;

 private:
  struct Watch;
  std::unique_ptr<Watch> watch_;
};

struct CheckResult {
  Verdict verdict = Verdict::Invalid;
  std::string reason;                // Z3's reason for unknown / exception text
  std::optional<z3::model> model;    // present only for Counterexample
  bool trivial = false;              // decided by simplification alone
};

// Checks `query` (a refutation query) in a fresh solver.
// unsat -> Proved; sat -> Counterexample (+ model); unknown -> UnknownTimeout
// for reason "timeout"/"canceled", UnknownOther otherwise; exception -> Invalid.
CheckResult check(z3::context& ctx, const z3::expr& query, const CheckOptions& opts,
                  SolverStats& stats);

// Satisfiability of `f` (used for vacuity: preconditions must be satisfiable).
// Returns Counterexample when satisfiable (a witness exists), Proved when
// unsatisfiable: the same mapping as check().
inline CheckResult check_sat(z3::context& ctx, const z3::expr& f, const CheckOptions& o,
                             SolverStats& s) {
  return check(ctx, f, o, s);
}

}  // namespace mbv::z3spec
