// `mbverify shrink --optimal`: ask Z3 for the smallest machine that violates
// the same property as a failing scenario, where the property has a Z3
// encoding. Today that is the boot page-table hotplug property
// (model/z3/boot.h, the boot_pgtable_* theorems): a direct-map page-table page
// in a node SRAT marks hot-pluggable, under linux-6.1, bottom-up-2013 or
// srat-first.
//
// The search reuses the theorem's own statement, objectives and concretisation
// (proofs/boot_common.h): the query is "preconditions and not the obligation",
// narrowed to the signature's node kinds. Objectives, lexicographic:
//   1. fewest non-empty nodes (= SRAT memory entries);
//   2. the smallest machine (RAM end), then the smallest kernel image, then
//      the page index (all from the theorem's minimisation list);
//   3. round addresses: with the optimum fixed, every node boundary and the
//      kernel's slot are pushed greedily to the largest power-of-two alignment
//      that keeps the violation.
// e820 RAM entries are not an objective: the encoding's RAM is one range from
// 0, which the concretisation writes as the two RAM entries of a PC map
// around the legacy hole (a firmware table of fewer than two entries is
// replaced by a fake one, so one entry would not replay the same machine).
//
// The caller replays the machine through impl/boot and compares signatures:
// the encoding and the pipeline are separate models, and a machine that does
// not replay is a spec/model bug, never a result.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "impl/scenario/scenario.h"

namespace mbv::proofs {

// nullopt when `sig` has a Z3 encoding; otherwise one line saying why not.
std::optional<std::string> optimal_unsupported(const ViolationSignature& sig);

struct OptimalOptions {
  // Symbolic NUMA nodes. Empty nodes are allowed, so the node count is an
  // objective rather than a guess; 3 leaves room for one more than the
  // classic two-node spill needs.
  unsigned nodes = 3;
  unsigned timeout_ms = 60000;  // for the whole search (optimisation and rounding)
};

enum class OptimalStatus {
  Found,      // a smallest machine (concretised as `machine`)
  NoMachine,  // unsat: the encoding says no machine violates the property
  Unknown,    // timeout or a Z3 failure (`reason`)
};

struct OptimalObjective {
  std::string name;
  std::uint64_t value = 0;
};

struct OptimalResult {
  OptimalStatus status = OptimalStatus::Unknown;
  Scenario machine;                       // Found: finding and expect as the encoding predicts
  std::string example;                    // Found: nodes, kernel, page-table pages, the offending page
  std::vector<OptimalObjective> optimum;  // Found: each objective's value, in priority order
  std::vector<std::string> rounded;       // Found: "kernel.start aligned to 128 MiB", ...
  std::string reason;                     // Unknown: why
  double seconds = 0;
};

// Precondition: !optimal_unsupported(sig).
OptimalResult optimal_boot_machine(const ViolationSignature& sig, const OptimalOptions& opt = {});

}  // namespace mbv::proofs
