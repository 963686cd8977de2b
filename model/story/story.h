// `mbverify replay`: the story of one counterexample. It boots the scenario,
// then tells (1) what the file declares and what the boot shows, (2) the
// dmesg-like account with lines about the offending range marked ">>",
// (3) the boot allocations merged into runs, the offending ones marked,
// (4) an ASCII memory map, and (5) which invariant breaks, whether the
// policy guarantees it, and why it breaks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "impl/boot/boot.h"
#include "impl/common/result.h"
#include "impl/scenario/scenario.h"
#include "model/invariants/invariants.h"
#include "model/story/memory_map.h"

namespace mbv {

struct StoryOptions {
  std::string property;  // "" = the declared finding's property, else the report's first
  BootOptions boot;
};

struct Story {
  std::string text;
  std::vector<MapSegment> map;
  std::optional<ViolationSignature> signature;  // observed
  InvariantVerdict overall = InvariantVerdict::Holds;
  // The file's `finding` and `expect` lines agree with the boot (true when absent).
  bool signature_as_declared = true;
  bool verdict_as_declared = true;
};

Result<Story> tell_story(const Scenario& s, const StoryOptions& opt = {});

// Why a property can break (one paragraph, fixed per property and policy).
std::string why_it_breaks(std::string_view property, const BootPolicy& policy, std::string_view owner);

}  // namespace mbv
