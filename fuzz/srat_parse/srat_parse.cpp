// Property: any bytes either fail to parse with one clean error, or parse
// into a Srat that the writer reproduces and that parses back to the same
// entries; Linux's and KASLR's readings of it never crash.
// The custom mutator keeps lengths and the checksum right most of the time.
#include <cstdint>
#include <cstdlib>

#include "impl/acpi/srat.h"
#include "impl/acpi/srat_mutate.h"

// Weak: absent in replay builds (no engine), where the mutator is not used.
extern "C" __attribute__((weak)) std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
  return mbv::srat_custom_mutate(data, size, max_size, seed, LLVMFuzzerMutate);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto srat = mbv::parse_srat({data, size}, "fuzz",
                              {.accept_bad_checksum = true, .accept_zero_length = true});
  if (!srat) return 0;  // undecodable bytes are not findings
  const auto bytes = mbv::write_srat(*srat, /*keep_checksum=*/true);
  auto again = mbv::parse_srat(bytes, "fuzz-rewrite",
                               {.accept_bad_checksum = true, .accept_zero_length = true});
  if (!again || !(*again == *srat)) std::abort();  // same header, entries, trailing bytes
  (void)mbv::linux_view(*srat);
  (void)mbv::count_immovable_mem_regions(*srat);
  return 0;
}
