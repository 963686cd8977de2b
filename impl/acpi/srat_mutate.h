// Structure-aware mutation of SRAT bytes for libFuzzer's
// LLVMFuzzerCustomMutator: most mutants keep the header length and the
// checksum right, so the fuzzer spends its time past the first two checks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mbv {

// libFuzzer's LLVMFuzzerMutate (or any byte mutator with its contract).
using ByteMutator = std::size_t (*)(std::uint8_t* data, std::size_t size, std::size_t max_size);

// Mutates data[0, size) in place (capacity max_size) and returns the new size.
// Deterministic for a given seed; `bytes` may be null (then only the
// structural mutations are used).
std::size_t srat_custom_mutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               unsigned seed, ByteMutator bytes);

}  // namespace mbv
