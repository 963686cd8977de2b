// What must hold after a simulated boot, judged against the SRAT ground truth
// (not against the memblock flags of the moment), each invariant declaring
// whether the policy guarantees it. A violated guaranteed invariant is a
// FAILURE (a bug in the kernel model or a broken policy claim); a violated
// unguaranteed one is a FINDING: reported, with a reproducible signature.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "impl/boot/boot.h"
#include "impl/scenario/scenario.h"

namespace mbv {

enum class InvariantVerdict : std::uint8_t {
  Holds,
  Finding,        // violated, and the policy does not guarantee it
  Failure,        // violated, and the policy guarantees it
  NotApplicable,  // the premise is absent (e.g. no movable_node)
};
std::string_view invariant_verdict_name(InvariantVerdict v);

struct Violation {
  std::string what;           // one line, kernel-style ranges
  bool guaranteed = false;    // this particular violation breaks a guarantee
  std::optional<AllocEvent> event;
  std::string nodes;          // node kinds touched, e.g. "immovable->hotplug"
  friend bool operator==(const Violation&, const Violation&) = default;
};

struct InvariantResult {
  std::string name;       // "hotplug-safety", "direct-map-coverage", ...
  std::string statement;  // one sentence
  bool guaranteed = false;  // does the policy guarantee it (in its scope)
  InvariantVerdict verdict = InvariantVerdict::Holds;
  std::vector<Violation> violations;
  friend bool operator==(const InvariantResult&, const InvariantResult&) = default;
};

// Per hot-pluggable node (per SRAT): how much of it the kernel kept hot-pluggable.
struct NodeHotplugCapacity {
  int nid = 0;
  std::uint64_t srat_hotplug_bytes = 0;  // SRAT-hotpluggable memblock memory of the node
  std::uint64_t kept_hotplug_bytes = 0;  // still HOTPLUG after numa_register_memblks
  std::uint64_t movable_bytes = 0;       // of the node's memory, inside ZONE_MOVABLE
  std::string pinned_by;                 // the first reservation that pinned the node, if any
  bool removable = false;                // all memory movable and no boot allocation in it
  friend bool operator==(const NodeHotplugCapacity&, const NodeHotplugCapacity&) = default;
};

struct InvariantReport {
  std::string policy;
  std::vector<InvariantResult> results;
  std::vector<NodeHotplugCapacity> nodes;
  InvariantVerdict overall() const;
  // The first finding or failure as a scenario signature.
  std::optional<ViolationSignature> signature() const;
  friend bool operator==(const InvariantReport&, const InvariantReport&) = default;
};

// How much of the human-readable account a check builds. Verdicts, events,
// node kinds, guarantees and node capacities are the same either way
// (tests/invariants/invariants_equiv_test).
struct InvariantOptions {
  // false: every Violation::what is left empty. For callers that only read
  // verdicts and signatures (fuzz/boot_pipeline checks again with text when
  // it has a failure to print); a boot can have thousands of violations.
  bool describe = true;
};

// Runs every invariant over a finished (or panicked) boot.
InvariantReport check_invariants(const BootState& st, const InvariantOptions& opt = {});

// The individual invariants (each usable alone by tests and fuzzers).
InvariantResult check_hotplug_safety(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_allocation_disjointness(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_direct_map(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_zone_partition(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_movable_is_hotplug(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_handoff_conservation(const BootState& st, const InvariantOptions& opt = {});
InvariantResult check_hot_remove(const BootState& st, std::vector<NodeHotplugCapacity>* nodes,
                                 const InvariantOptions& opt = {});

// "expect" in a scenario against the report: does the outcome match?
bool verdict_matches(ExpectedVerdict expected, InvariantVerdict overall);

std::string format_invariant_report(const InvariantReport& r);

}  // namespace mbv
