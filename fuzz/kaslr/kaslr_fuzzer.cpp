// Property: for any small boot input (candidate memory, avoid regions, an
// arbitrary short command line, immovable list, random values) the KASLR
// slot list equals the brute-force walk over every 2M address (a prefix of
// it when 100 slot areas filled up), the pick is slot rand % slot_max, and a
// randomized address is aligned, in range and clear of every avoid region.
// Decoding and the oracle live in impl/kaslr/kaslr_check.h.
#include <cstdint>
#include <cstdio>

#include "impl/kaslr/kaslr_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = mbv::decode_kaslr_input({data, size});
  if (!in) return 0;  // undecodable bytes are not findings
  const std::string diff = mbv::check_kaslr(*in);
  if (!diff.empty()) {
    std::fprintf(stderr, "%s%s\n", mbv::describe(*in).c_str(), diff.c_str());
    __builtin_trap();
  }
  return 0;
}
