// Bytes -> operation trace, for fuzz targets (structure-aware: each field is
// read from explicit bytes, never from a hash of the input, so a mutation of
// one byte changes one field and the fuzzer can learn the structure).
//
// Layout: one header byte (bit 0: movable_node(1) first, bit 1:
// memblock_allow_resize() first, bit 2: bottom-up; bits 3-5 and 6-7: the
// static array sizes, see below), then ops. Each op is one
// kind byte followed by the fields that kind uses. A field byte below 0xe0
// picks a kernel-typical value (page-aligned bases, SZ_* sizes, values near
// PHYS_ADDR_MAX, the ends of earlier ranges so pairs touch or overlap); 0xe0
// and above read 8 raw little-endian bytes. Kind byte 0xff is a fill burst:
// N disjoint memblock_reserve/memblock_add calls that push a region array
// past its static size so memblock_double_array runs.
//
// Static array sizes: header bits 3-5 pick INIT_MEMBLOCK_MEMORY_REGIONS from
// {128, 1, 2, 4, 8, 16, 32, 64}, bits 6-7 INIT_MEMBLOCK_RESERVED_REGIONS from
// {as memory, 1, 8, 128}; anything but 128/128 starts the trace with
// init_memblock_regions(memory, reserved). Linux lets an architecture pick
// these sizes; small ones reach array doubling, and doubling inside doubling,
// within a few ops, which keeps inputs short and the fuzzer fast.
#pragma once

#include <cstdint>
#include <span>

#include "impl/common/result.h"
#include "impl/memblock/op.h"

namespace mbv {

// Caps, so every input runs in well under a millisecond on both the model and
// the kernel oracle (each op costs O(regions)): at most kMaxDecodedOps ops in
// all, and bursts of at most kMaxBurst ops.
inline constexpr std::size_t kMaxDecodedOps = 512;
inline constexpr std::size_t kMaxBurst = INIT_MEMBLOCK_REGIONS + 32;

// The ops of a fill burst whose count byte is `count_byte`, into an array
// whose static size is `init_max`: from half the static size up to 32 past
// it (64..160 for the default 128), so one burst can double it.
std::size_t burst_length(std::uint8_t count_byte, std::size_t init_max);

// The region budget a fuzz target cuts a decoded trace at (the sum of
// memory.cnt + reserved.cnt over its steps): `at_default` for the default
// 128-entry static arrays, scaled with the square of the larger static size
// the trace starts with (a fill burst that doubles an array of n entries
// walks ~n*n/2 regions), but never below kMinRegionBudget. The budget
// depends on the bytes alone, so a cut trace replays exactly.
inline constexpr std::size_t kMinRegionBudget = 256;
std::size_t region_budget(std::span<const Op> trace, std::size_t at_default);

// Decodes as many whole ops as the bytes hold (a truncated last op is
// dropped). Error (BadInput) only when not a single op could be decoded.
Result<OpTrace> decode_trace(std::span<const std::uint8_t> bytes);

}  // namespace mbv
