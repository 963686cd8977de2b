// The domain-aware scenario shrinker behind `mbverify shrink`.
//
// Given a scenario whose boot violates a property, find a smaller scenario
// whose boot violates it with the SAME signature (signature.h) and the same
// verdict class (finding or failure). Passes, repeated to a fixpoint:
//   drop      e820 entries, SRAT memory and CPU entries, early reservations,
//             ops, command-line options, the SLIT (chunks, then one by one);
//   merge     neighbouring SRAT entries of one node, neighbouring e820
//             entries of one type (into their hull), whole nodes of the same
//             hotplug kind (one PXM takes the other's entries), PXMs renumbered
//             densely;
//   kernel    forget KASLR random values and the fixed address, shrink the image;
//   cpu       features back to the defaults (pse=1 gbpages=1 la57=0);
//   numbers   halve sizes, round sizes and addresses to the largest power of
//             two that keeps the failure (addresses first try 0).
// A candidate must also keep the kernel's use of SRAT (when numa_init
// accepted the input's SRAT, the candidate's must be accepted too), must keep
// the kernel image inside firmware RAM when the input's was, and must not
// panic unless the input did.
// A candidate is only tried when it is strictly smaller (ScenarioSize), so
// the result is never larger and the search terminates; at the fixpoint no
// single element can be dropped (1-minimal). Deterministic: no randomness,
// fixed pass order. Stops at the time budget with the best scenario so far.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include "impl/boot/boot.h"
#include "impl/common/result.h"
#include "impl/scenario/scenario.h"
#include "model/shrink/signature.h"

namespace mbv {

// How big a scenario is, compared lexicographically: entries first (list
// elements, command-line options, non-default CPU features, fixed kernel
// address, KASLR values, SLIT), then set bits of every address and size,
// then their bit lengths.
struct ScenarioSize {
  std::uint64_t items = 0;
  std::uint64_t bits = 0;
  std::uint64_t magnitude = 0;
  friend auto operator<=>(const ScenarioSize&, const ScenarioSize&) = default;
  std::string to_string() const;
};
ScenarioSize scenario_size(const Scenario& s);

struct ShrinkOptions {
  std::string property;          // "" = the property the scenario fails first
  double time_budget_s = 60;     // stop with the best so far
  BootOptions boot;              // overrides applied to every boot
  // Progress lines (stderr in the CLI); may be empty.
  std::function<void(const std::string&)> progress;
};

struct ShrinkResult {
  Scenario minimal;              // with name, finding and expect filled in
  ViolationSignature signature;
  InvariantVerdict verdict = InvariantVerdict::Finding;
  ScenarioSize size_before, size_after;
  std::size_t tests = 0;         // boots run
  std::size_t accepted = 0;      // candidates kept
  double seconds = 0;
  bool timed_out = false;        // the budget ran out before the fixpoint
};

// Fails with an error when the scenario cannot boot, or boots without
// violating `property` (or anything, when property is empty).
Result<ShrinkResult> shrink_scenario(const Scenario& s, const ShrinkOptions& opt);

// Splits a command line into options the way the shrinker drops them
// (blank-separated; double quotes keep blanks inside one option).
std::vector<std::string> cmdline_options(std::string_view cmdline);

}  // namespace mbv
