// Property: any text the scenario reader accepts is written canonically, and
// the canonical text reads back to the same Scenario and writes identically
// (parse -> write -> parse identity). Readers never crash on any bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "impl/scenario/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Scenarios are small text files; longer inputs only slow the fuzzer down.
  if (size > 16384) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto s = mbv::read_scenario_no_files(text, "fuzz.scenario");
  if (!s) return 0;  // rejected input is not a finding
  const std::string canon = mbv::write_scenario(*s);
  auto back = mbv::read_scenario_no_files(canon, "canon.scenario");
  if (!back || !(*back == *s) || mbv::write_scenario(*back) != canon) std::abort();
  return 0;
}
