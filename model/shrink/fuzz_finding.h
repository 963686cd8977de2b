// A libFuzzer crash file is bytes only its target can read. This turns such a
// file into the reproducer a person (or `mbverify replay`) reads: an op trace,
// a scenario, or the decoded machine with the check that failed. Each target's
// decoding is the same library function its harness calls, so the reproducer
// is exactly what the fuzzer ran.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "impl/common/result.h"

namespace mbv {

// One fuzz target as the CLI lists it.
struct FuzzTargetInfo {
  std::string_view name;
  std::string_view input;      // what the bytes decode into
  std::string_view reproduce;  // how a finding is replayed ("FILE" = the reproducer)
};

// Every target under fuzz/, in a fixed order.
std::span<const FuzzTargetInfo> fuzz_targets();

// What a finding becomes.
struct FuzzReproducer {
  std::string text;       // trace / scenario / description, with '#' header comments
  std::string extension;  // ".trace", ".scenario", ".txt"; empty: the input itself is the reproducer
  std::string replay;     // the command that replays it ("FILE" stands for the written path)
};

// The fuzz target a crash or corpus file belongs to, from where it lies: a
// folder named after the target (findings/<target>/, corpus/<target>/) or a
// file named "<target>-..." (make fuzz-smoke's artifacts). Empty when the
// path names no target.
std::string_view fuzz_target_of_path(std::string_view path);

// Decodes `bytes` (read from `filename`) as `target` does. BadInput naming the
// file when the target is unknown or the bytes decode to nothing the target
// would have run (libFuzzer never reports such an input).
Result<FuzzReproducer> reproducer_from_fuzz_input(std::string_view target, std::span<const std::uint8_t> bytes,
                                                  std::string_view filename);

}  // namespace mbv
