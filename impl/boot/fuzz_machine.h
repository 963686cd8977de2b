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
//   paging, optional: bit 0 la57 (5-level paging); bit 1 sets kaslr-mem to
//     kPgdBoundaryAt[bits 2-5], so that with la57 the direct map's first
//     256 TiB boundary lies at physical (index + 1) GiB.
// RAM ends below 16 GiB. nullopt when the bytes run out, and when no RAM entry
// holds a fixed image (a loader never puts the kernel outside RAM).
std::optional<Scenario> decode_fuzz_machine(std::span<const std::uint8_t> bytes);

// Memory-KASLR random values (kaslr_get_random_long("Memory")) for which 6.1's
// kernel_randomize_memory with 5-level paging and CONFIG_ZONE_DEVICE puts
// page_offset_base (i + 1) GiB below a 256 TiB boundary, whatever the memory
// size. Found by searching the values from 1 up; tests/boot checks each. A
// random 64-bit value almost never puts a boundary inside a small machine.
inline constexpr std::uint64_t kPgdBoundaryAt[16] = {
    0x86df, 0x33ea3, 0x31ee2, 0x14d27, 0x2ac17,  0x2e450, 0x4eea,  0x72f56,
    0x17781, 0x7c30d, 0x3144e, 0x10ea2, 0x35f33, 0x15e031, 0x27798, 0x9484};

}  // namespace mbv
