// Checking the KASLR model: a byte decoder for fuzzers and the comparison
// against the brute-force reference plus the placement guarantees of
// section 11.1 item 14 of the boot-memory-path map.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "impl/common/result.h"
#include "impl/kaslr/kaslr.h"

namespace mbv {

// Small machines (candidates below 16 GiB, at most 8 entries, a short
// arbitrary command line) so the reference stays fast.
Result<KaslrInput> decode_kaslr_input(std::span<const std::uint8_t> bytes);

// Empty when the slot list equals the brute-force one (a prefix of it when
// the 100 slot areas filled up), the pick is slot rand % slot_max, and a
// randomized address keeps every guarantee; else the first problem.
// Inputs the decompressor itself would crash on are not findings.
std::string check_kaslr(const KaslrInput& in);

// One line per field, for failure messages.
std::string describe(const KaslrInput& in);

}  // namespace mbv
