// Violation signatures: what makes two findings "the same bug".
//
// A signature is (property, policy, owner of the offending allocation, node
// kinds the allocation touched), written as one slash-separated string, e.g.
// "hotplug-safety/linux-6.1/direct-map-pgtable/immovable->hotplug". It is
// computed from the invariant report of one boot (model/invariants): the
// first violation of the chosen property (or of the first violated property,
// failures before findings, as InvariantReport::signature() orders them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "impl/boot/boot.h"
#include "impl/common/result.h"
#include "impl/scenario/scenario.h"
#include "model/invariants/invariants.h"

namespace mbv {

// "property/policy/owner/nodes" (empty parts stay empty: "direct-map/linux-6.1//").
std::string signature_string(const ViolationSignature& s);
// Inverse of signature_string; nullopt unless there are exactly four parts
// and the property is not empty.
std::optional<ViolationSignature> parse_signature(std::string_view text);

// The signature of the first violation of `property` ("" = whichever
// property InvariantReport::signature() picks). nullopt: nothing violated.
std::optional<ViolationSignature> signature_of(const InvariantReport& rep,
                                               std::string_view property = {});
// One signature per violated property, in report order.
std::vector<ViolationSignature> all_signatures(const InvariantReport& rep);

// One boot of a scenario judged: what the shrinker and replay compare.
struct Judgement {
  InvariantVerdict overall = InvariantVerdict::Holds;
  // Verdict of the signature's property (Finding or Failure) when violated.
  InvariantVerdict property_verdict = InvariantVerdict::Holds;
  std::optional<ViolationSignature> signature;
  bool panicked = false;
  // numa_init used the SRAT (not the dummy fallback after rejecting it).
  bool srat_used = false;
  // The kernel image [_text, _end) lies in memory the firmware reports as RAM
  // (e820 usable or reserved-kernel entries, before e820_add_kernel_range
  // makes the image RAM whatever the firmware said).
  bool kernel_in_ram = false;
};

// Boots `s` (with `opt`) and judges it. Input errors (an e820 map the kernel
// refuses, bad SRAT bytes, an unknown policy) are returned as errors.
Result<Judgement> judge_scenario(const Scenario& s, std::string_view property = {},
                                 const BootOptions& opt = {});

// The verdict a scenario declares for a judgement ("expect finding" ...).
ExpectedVerdict expected_verdict_of(const Judgement& j);

}  // namespace mbv
