// Bytes -> operation trace, for fuzz targets (structure-aware: each field is
// read from explicit bytes, never from a hash of the input, so a mutation of
// one byte changes one field and the fuzzer can learn the structure).
//
// Layout: one header byte (bit 0: movable_node(1) first, bit 1:
// memblock_allow_resize() first, bit 2: bottom-up), then ops. Each op is one
// kind byte followed by the fields that kind uses. A field byte below 0xe0
// picks a kernel-typical value (page-aligned bases, SZ_* sizes, values near
// PHYS_ADDR_MAX, the ends of earlier ranges so pairs touch or overlap); 0xe0
// and above read 8 raw little-endian bytes. Kind byte 0xff is a fill burst:
// N disjoint memblock_reserve/memblock_add calls that push the region arrays
// past INIT_MEMBLOCK_REGIONS so memblock_double_array runs.
#pragma once

#include <cstdint>
#include <span>

#include "impl/common/result.h"
#include "impl/memblock/op.h"

namespace mbv {

// Caps, so every input runs in well under a millisecond on both the model and
// the kernel oracle (each op costs O(regions)): at most kMaxDecodedOps ops in
// all, and bursts of at most kMaxBurst ops (enough to double a 128 array).
inline constexpr std::size_t kMaxDecodedOps = 512;
inline constexpr std::size_t kMaxBurst = 160;

// Decodes as many whole ops as the bytes hold (a truncated last op is
// dropped). Error (BadInput) only when not a single op could be decoded.
Result<OpTrace> decode_trace(std::span<const std::uint8_t> bytes);

}  // namespace mbv
