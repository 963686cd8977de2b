// Raw kernel log lines a scenario accepts as they were printed: the
// timestamp ("[    0.000000] ") and a syslog prefix ("... kernel: ") are
// optional; the payload is classified by the kernel message it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "impl/common/result.h"
#include "impl/scenario/scenario.h"

namespace mbv {

enum class DmesgLineKind : std::uint8_t {
  CommandLine,  // "Command line: ..."                      -> text = the command line
  E820,         // "BIOS-e820: [mem ...] type"              -> text = "[mem ...] type"
  SratMem,      // "ACPI: SRAT: Node N PXM P [mem ...]..."  -> text = after "ACPI: SRAT: "
  SratCpu,      // "SRAT: PXM P -> APIC 0xA -> Node N"      -> text = after "SRAT: "
  Result,       // Zone ranges / Movable zone start / Early memory node ranges blocks,
                // their indented lines, "NUMA: Node ..." merge lines -> text = payload
  Info,         // headers with nothing to keep ("BIOS-provided physical RAM map:", ...)
  Other,        // a timestamped line of any other kind
};

struct DmesgLine {
  DmesgLineKind kind = DmesgLineKind::Other;
  std::string text;
};

// nullopt: not a kernel log line (no timestamp and no known message prefix).
std::optional<DmesgLine> classify_dmesg_line(std::string_view line);

// "Node N PXM P [mem 0xA-0xB][ hotplug][ non-volatile]" (the part after
// "ACPI: SRAT: ") as a memory affinity with ENABLED set and node = N.
Result<ScenarioSratMem> parse_srat_dmesg(std::string_view text);
// "PXM P -> APIC 0xA -> Node N" (the part after "SRAT: ").
Result<ScenarioSratCpu> parse_srat_cpu_dmesg(std::string_view text);

}  // namespace mbv
