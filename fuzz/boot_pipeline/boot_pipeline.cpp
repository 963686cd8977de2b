// Property: for any small machine (decode_fuzz_machine), the boot pipeline
// runs without crashing, and no invariant its policy guarantees is violated
// (findings on unguaranteed properties are expected and ignored).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "impl/boot/boot.h"
#include "impl/boot/fuzz_machine.h"
#include "model/invariants/invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 256) return 0;  // the decoder reads at most ~60 bytes
  auto machine = mbv::decode_fuzz_machine({data, size});
  if (!machine) return 0;
  auto st = mbv::run_boot(*machine);
  if (!st) return 0;  // an input the kernel rejects (no RAM, bad options)
  // Verdicts only: the violations' text is built just for a failure to print
  // (a boot can have thousands of violations; the verdicts are the same).
  const mbv::InvariantReport rep = mbv::check_invariants(*st, {.describe = false});
  if (rep.overall() == mbv::InvariantVerdict::Failure) {
    std::fprintf(stderr, "%s\n%s", mbv::write_scenario(*machine).c_str(),
                 mbv::format_invariant_report(mbv::check_invariants(*st)).c_str());
    std::abort();
  }
  return 0;
}
