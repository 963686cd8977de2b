// Turning a real kernel log into a scenario (the machine it describes plus
// the result lines the kernel printed, kept as expect-dmesg).
#pragma once

#include <string>
#include <string_view>

#include "impl/common/result.h"
#include "impl/dmesg/dmesg.h"
#include "impl/scenario/scenario.h"

namespace mbv {

// The first "Command line:", every "BIOS-e820:" line, every "ACPI: SRAT: Node"
// and "SRAT: PXM -> APIC" line; the NUMA merge lines and the three zone
// blocks become expect_dmesg. The kernel placement is left at its default
// (logs do not say where the kernel was). Errors name file:line.
Result<Scenario> scenario_from_dmesg(std::string_view text, std::string_view filename);
Result<Scenario> scenario_from_dmesg_file(const std::string& path);

// The same from h4's parsed log (impl/dmesg read_dmesg): SRAT lines marked
// "ignored" are dropped, "disabled" ones lose ENABLED; result lines are
// re-printed in 6.1's formats.
Result<Scenario> scenario_from_dmesg_log(const DmesgLog& log, std::string_view name);

}  // namespace mbv
