// The one reproducer format: a machine and what is expected of its boot.
//
// A scenario file is line-oriented text, versioned by its first line
// ("mbverify-scenario 1"), documented in docs/scenario-format.md. It holds the
// firmware facts (e820, SRAT memory affinities or a binary SRAT, SLIT size),
// the command line, the CPU features that change the direct map, the kernel
// image and its placement, the boot policy, extra early reservations, an
// optional memblock operation trace, and, for findings and regressions, the
// violation signature and the expected verdict. Raw dmesg lines
// ("BIOS-e820: [mem ...] usable", "ACPI: SRAT: Node 0 PXM 0 [mem ...] hotplug",
// "Command line: ...") are accepted as input, timestamp or not.
//
// write_scenario(read_scenario(text)) is canonical, and
// read_scenario(write_scenario(s)) == s for every Scenario.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/alloc_event.h"
#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/e820/e820.h"
#include "impl/memblock/op.h"

namespace mbv {

inline constexpr int kScenarioVersion = 1;

// One SRAT Memory Affinity structure as firmware wrote it.
struct ScenarioSratMem {
  std::uint32_t pxm = 0;
  std::uint64_t base = 0;
  std::uint64_t length = 0;
  std::uint32_t flags = 1;  // ACPI_SRAT_MEM_ENABLED | HOT_PLUGGABLE (2) | NON_VOLATILE (4)
  // The node Linux printed for it ("ACPI: SRAT: Node N ..."), when pasted from
  // a log; used to order CPU entries so node numbering matches that log.
  std::optional<int> node;
  friend bool operator==(const ScenarioSratMem&, const ScenarioSratMem&) = default;
};

// One SRAT (x2)APIC affinity structure: only its order and PXM matter here
// (CPU entries number the nodes before memory entries do).
struct ScenarioSratCpu {
  std::uint32_t pxm = 0;
  std::uint32_t apic_id = 0;
  bool x2apic = false;
  bool enabled = true;
  friend bool operator==(const ScenarioSratCpu&, const ScenarioSratCpu&) = default;
};

struct ScenarioSrat {
  std::uint8_t revision = 3;
  std::vector<ScenarioSratCpu> cpus;
  std::vector<ScenarioSratMem> mem;
  // A binary SRAT instead of entries (inline hex, or a file next to the scenario).
  std::vector<std::uint8_t> binary;
  std::string binary_file;  // relative name as written; empty = inline hex
  bool present() const { return !mem.empty() || !cpus.empty() || !binary.empty(); }
  friend bool operator==(const ScenarioSrat&, const ScenarioSrat&) = default;
};

// The CPU features that change the early memory path.
struct ScenarioCpu {
  bool pse = true;
  bool gbpages = true;
  bool la57 = false;  // 5-level paging
  friend bool operator==(const ScenarioCpu&, const ScenarioCpu&) = default;
};

// The kernel image: its size (_end - _text) and where it lands.
struct ScenarioKernel {
  std::uint64_t size = 0x3000000;        // _end - _text
  std::optional<std::uint64_t> at;       // fixed physical _text (nokaslr, or a known log)
  std::optional<std::uint64_t> kaslr_random;       // kaslr_get_random_long("Physical")
  std::optional<std::uint64_t> kaslr_random_virt;  // kaslr_get_random_long("Virtual")
  std::optional<std::uint64_t> kaslr_random_mem;   // kaslr_get_random_long("Memory")
  // Where the loader put the command line (cmd_line_ptr) and boot_params: the
  // decompressor's mem_avoid_init keeps KASLR slots off both. Unset = unknown
  // (no command-line avoid region; boot_params then counts as [0, 4K)).
  std::optional<std::uint64_t> cmdline_addr;
  std::optional<std::uint64_t> boot_params_addr;
  friend bool operator==(const ScenarioKernel&, const ScenarioKernel&) = default;
};

// An early reservation made before SRAT by someone other than the pipeline's
// own steps (initrd, ACPI tables, EFI memmap, setup_data ...).
struct ScenarioReserve {
  Owner owner = Owner::Other;
  PhysRange range;
  friend bool operator==(const ScenarioReserve&, const ScenarioReserve&) = default;
};

// What a finding looked like, so a shrinker or a replay can tell "the same bug".
struct ViolationSignature {
  std::string property;  // e.g. "hotplug-safety"
  std::string policy;    // e.g. "linux-6.1"
  std::string owner;     // owner_name() of the offending event, e.g. "direct-map-pgtable"
  std::string nodes;     // node kinds involved, e.g. "immovable->hotplug"
  friend bool operator==(const ViolationSignature&, const ViolationSignature&) = default;
};

enum class ExpectedVerdict : std::uint8_t {
  Ok,       // every invariant the policy claims holds, no finding
  Finding,  // an unguaranteed property is violated (reported, not a failure)
  Failure,  // a guaranteed property is violated (a model or kernel bug)
};

struct Scenario {
  int version = kScenarioVersion;
  std::string name;
  std::string policy = "linux-6.1";
  std::string cmdline;
  ScenarioCpu cpu;
  ScenarioKernel kernel;
  std::vector<E820Entry> e820;  // the raw firmware table, in firmware order
  ScenarioSrat srat;
  int slit_localities = 0;      // 0 = no SLIT
  std::vector<ScenarioReserve> reserves;
  OpTrace ops;                  // applied after e820__memblock_setup
  std::optional<ViolationSignature> finding;
  std::optional<ExpectedVerdict> expect;
  std::vector<std::string> expect_dmesg;  // lines the kernel printed (faithfulness)
  friend bool operator==(const Scenario&, const Scenario&) = default;
};

// Read a scenario. `filename` names errors ("file:line: what is wrong") and
// locates srat-file references (relative to its directory).
Result<Scenario> read_scenario(std::string_view text, std::string_view filename);
// The same, refusing srat-file references (fuzzers: no disk access).
Result<Scenario> read_scenario_no_files(std::string_view text, std::string_view filename);
// Read a scenario file from disk.
Result<Scenario> load_scenario(const std::string& path);
// The canonical text.
std::string write_scenario(const Scenario& s);
// Write the canonical text to `path` (and a referenced binary SRAT beside it).
Status save_scenario(const Scenario& s, const std::string& path);

std::string_view verdict_name(ExpectedVerdict v);
std::optional<ExpectedVerdict> parse_verdict_name(std::string_view s);
std::optional<Owner> parse_owner_name(std::string_view s);

}  // namespace mbv
