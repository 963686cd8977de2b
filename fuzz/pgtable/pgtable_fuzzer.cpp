// Property: on any small machine, the fast direct-map model (interval page
// tables, bulk page-table allocation runs) and the brute-force per-page
// walker of kernel_physical_mapping_init agree on every mapping call, every
// page-table page (address and order), pfn_mapped, the final page tables
// and the final memblock state. Decoding and comparison live in
// impl/pgtable/small_machine.h; machines are capped below 2 GiB there.
#include <cstdint>
#include <cstdio>

#include "impl/pgtable/small_machine.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = mbv::decode_small_machine({data, size});
  if (!m) return 0;  // undecodable bytes are not findings
  const std::string diff = mbv::crosscheck_walkers(*m);
  if (!diff.empty()) {
    std::fprintf(stderr, "%s%s\n", mbv::describe(*m).c_str(), diff.c_str());
    __builtin_trap();
  }
  return 0;
}
