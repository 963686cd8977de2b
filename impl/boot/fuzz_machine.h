// Bytes -> a small machine, for fuzz/boot_pipeline and the properties that
// drive the pipeline. Fixed-width fields read in order (no input hashing), so
// mutations keep their meaning; sizes are capped so one run stays fast.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "impl/scenario/scenario.h"

namespace mbv {

// Layout (all little pieces, each byte has one job):
//   [0] policy (mod 3)          [1] switches: movable_node, debug_pagealloc,
//   [2] RAM segments (1..6)         nogbpages, cpu pse, cpu gbpages, kaslr,
//   [3] nodes (1..4)                numa=off, SLIT
//   per segment 3 bytes: gap (x64 MiB), size (x64 MiB, >= 1), type (RAM unless 1..7 -> others)
//   per node 2 bytes: share of the RAM span (weight), hotplug (bit 0)
//   kernel: 1 byte slot (x2 MiB within the first 4 GiB) or 8 bytes KASLR random
// RAM ends below 16 GiB. nullopt when the bytes run out.
std::optional<Scenario> decode_fuzz_machine(std::span<const std::uint8_t> bytes);

}  // namespace mbv
