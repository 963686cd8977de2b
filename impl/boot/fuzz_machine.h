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
//   per segment 3 bytes: gap (x64 MiB), size (x64 MiB, >= 1), type (mod 16:
//     1 reserved, 2 ACPI, 3 NVS, 4 soft reserved, 5 reserved kern, else RAM)
//   per node 2 bytes: share of the RAM span (weight), hotplug (bit 0)
//   kernel (48 MiB): 8 bytes KASLR random (switch bit 5 set), else 1 byte slot
//     for a fixed image. Its candidates are the 2 MiB-aligned starts >= 16 MiB
//     (LOAD_PHYSICAL_ADDR) with the whole image inside one e820 RAM entry
//     below 4 GiB, counted over the entries in table order; the image takes
//     candidate (8 * slot) mod count, i.e. 16 MiB steps inside an entry (at
//     16 MiB + slot * 16 MiB when one RAM entry reaches that far).
// RAM ends below 16 GiB. nullopt when the bytes run out, and when no RAM entry
// holds a fixed image (a loader never puts the kernel outside RAM).
std::optional<Scenario> decode_fuzz_machine(std::span<const std::uint8_t> bytes);

}  // namespace mbv
