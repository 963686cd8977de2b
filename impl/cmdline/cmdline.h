// The kernel command line as Linux 6.1 reads the options that matter to the
// early-boot memory path. Parsing follows the kernel: next_arg() quoting,
// memparse() suffixes, early_param order, last-wins or accumulate per option,
// and "warn and ignore" for malformed values (recorded as diagnostics).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"

namespace mbv {

// memparse (lib/cmdline.c): simple_strtoull(base 0) then an optional
// K/M/G/T/P/E suffix (either case). `consumed` = characters used (0 = no number).
struct MemparseResult {
  std::uint64_t value = 0;
  std::size_t consumed = 0;
};
MemparseResult memparse(std::string_view s);

// One memmap= item (parse_memmap_one, arch/x86/kernel/e820.c).
enum class MemmapKind {
  ExactMap,   // exactmap: table emptied
  Ram,        // nn@ss   -> range_add RAM
  Acpi,       // nn#ss   -> range_add ACPI
  Reserved,   // nn$ss   -> range_add RESERVED
  Pram,       // nn!ss   -> range_add PRAM
  Update,     // nn%ss-F+T -> update / add / remove
  Limit,      // nn      -> remove RAM above nn
  Invalid,    // rejected before any effect
};

struct MemmapEntry {
  MemmapKind kind = MemmapKind::Invalid;
  std::uint64_t size = 0;
  std::uint64_t start = 0;
  std::uint32_t from = 0;  // Update: old type (0 = none given)
  std::uint32_t to = 0;    // Update: new type (0 = none given)
  bool sets_userdef = false;  // the kernel set userdef before (maybe) failing
  bool trailing_garbage = false;  // applied, but the kernel returned -EINVAL
  std::string text;        // the item as written
  friend bool operator==(const MemmapEntry&, const MemmapEntry&) = default;
};

// mem=nn: kept in order with memmap= items since both edit the table.
struct MemOption {
  std::uint64_t size = 0;  // 0 = rejected ("mem={invalid}") but userdef set
  bool nopentium = false;  // mem=nopentium: warned about, no effect on x86-64
  std::string text;
  friend bool operator==(const MemOption&, const MemOption&) = default;
};

// An early memory option in command-line order.
struct MemoryOption {
  enum class Kind { Mem, Memmap } kind = Kind::Memmap;
  MemOption mem;
  MemmapEntry memmap;
  friend bool operator==(const MemoryOption&, const MemoryOption&) = default;
};

// kernelcore= / movablecore= (cmdline_parse_core, mm/page_alloc.c): the two
// kernel variables required_X (pages) and required_X_percent, as the kernel
// leaves them (a later percent does not clear an earlier size).
struct CoreSpec {
  std::uint64_t pages = 0;
  std::uint64_t percent = 0;
  friend bool operator==(const CoreSpec&, const CoreSpec&) = default;
};

// crashkernel= (parse_crashkernel, kernel/crash_core.c).
struct CrashkernelRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // exclusive; UINT64_MAX when open-ended
  std::uint64_t size = 0;
  friend bool operator==(const CrashkernelRange&, const CrashkernelRange&) = default;
};
struct Crashkernel {
  enum class Form { Simple, Ranges, High, Low } form = Form::Simple;
  std::uint64_t size = 0;
  std::uint64_t offset = 0;  // @offset (Simple / Ranges); 0 = none
  std::vector<CrashkernelRange> ranges;  // Ranges form
  std::string text;
  // What parse_crashkernel(system_ram) yields for a given amount of RAM.
  friend bool operator==(const Crashkernel&, const Crashkernel&) = default;
};

// hugepages=N paired with the hugepagesz= before it (0 = none before it).
struct HugepageRequest {
  std::uint64_t pagesize = 0;  // memparse of the latest hugepagesz=
  std::uint64_t count = 0;     // simple_strtoull of hugepages=
  friend bool operator==(const HugepageRequest&, const HugepageRequest&) = default;
};

// hugepagesz= / hugepages= / default_hugepagesz= as they appear, in order.
struct HugetlbParam {
  enum class Kind { PageSize, Count, DefaultPageSize } kind = Kind::Count;
  std::uint64_t value = 0;
  friend bool operator==(const HugetlbParam&, const HugetlbParam&) = default;
};

struct CmdlineDiagnostic {
  std::size_t offset = 0;  // byte offset of the parameter in `raw`
  std::string param;
  std::string message;
  friend bool operator==(const CmdlineDiagnostic&, const CmdlineDiagnostic&) = default;
};

struct KernelCmdline {
  std::string raw;

  bool movable_node = false;                // movable_node (any value still enables)
  std::optional<std::uint64_t> mem;         // last accepted mem= value
  std::vector<MemmapEntry> memmap;          // every memmap= item, in order
  std::vector<MemoryOption> memory_options; // mem= and memmap= interleaved, in order
  CoreSpec kernelcore;
  bool kernelcore_mirror = false;           // kernelcore=mirror
  CoreSpec movablecore;
  bool nokaslr = false;                     // cmdline_find_option_bool (arch/x86/boot)
  bool numa_off = false;                    // numa=off
  bool numa_noacpi = false;                 // numa=noacpi
  bool acpi_off = false;                    // acpi=off (a later acpi=force undoes it)
  bool acpi_rsdt = false;                   // acpi=rsdt
  bool memblock_debug = false;              // memblock=debug
  std::optional<Crashkernel> crashkernel;   // main crashkernel= (last wins)
  std::optional<Crashkernel> crashkernel_high;  // ",high" suffix form
  std::optional<Crashkernel> crashkernel_low;   // ",low" suffix form
  std::vector<HugetlbParam> hugetlb;        // hugetlb options in order (what the writer prints)
  std::vector<HugepageRequest> hugepages;   // derived: each hugepages= with its hugepagesz=
  std::optional<bool> gbpages;              // gbpages (true) / nogbpages (false); last wins
  bool debug_pagealloc = false;             // debug_pagealloc=on
  std::optional<std::uint64_t> acpi_rsdp;   // acpi_rsdp=
  std::optional<bool> memmap_on_memory;     // memory_hotplug.memmap_on_memory=

  std::vector<CmdlineDiagnostic> diagnostics;  // warned-and-ignored values

  // KASLR's max_gb_huge_pages (parse_gb_huge_pages, boot/compressed/kaslr.c):
  // the count of the last hugepages= whose hugepagesz= was exactly 1G.
  std::uint64_t kaslr_gb_huge_pages() const;

  friend bool operator==(const KernelCmdline&, const KernelCmdline&) = default;
};

// Parse a command line. Never fails: malformed values become diagnostics,
// as the kernel warns and ignores them.
KernelCmdline parse_cmdline(std::string_view text);

// Same options (everything except raw, diagnostics and the as-written texts).
bool same_options(const KernelCmdline& a, const KernelCmdline& b);

// Print the options back as a command line (canonical spelling); parsing the
// result gives same_options. Fails only for a crashkernel= value holding a
// quote or a non-space blank, which next_arg and get_last_crashkernel split
// differently, so no command line reproduces it.
Result<std::string> write_cmdline(const KernelCmdline& cmdline);

// parse_crashkernel / _high / _low (kernel/crash_core.c) over the raw line:
// returns the kernel's int (0, -EINVAL, -ENOENT) and the size/base it sets.
struct CrashkernelValue {
  int ret = 0;
  std::uint64_t size = 0;
  std::uint64_t base = 0;
  std::string warning;  // the pr_warn text, when any
};
enum class CrashSuffix { None, High, Low };
CrashkernelValue parse_crashkernel(std::string_view cmdline, std::uint64_t system_ram,
                                   CrashSuffix suffix = CrashSuffix::None);

// cmdline_find_option_bool as the KASLR decompressor runs it
// (arch/x86/boot/cmdline.c): 1-based position of the word `option` (whole
// word, delimited by bytes <= ' ', no quoting), 0 when absent. Its quirk: the
// blank after a mismatched word is swallowed ("nokas nokaslr" -> 0).
int cmdline_find_option_bool(std::string_view cmdline, std::string_view option);
// The kernel proper's variant (arch/x86/lib/cmdline.c), without that quirk.
int lib_cmdline_find_option_bool(std::string_view cmdline, std::string_view option);

// simple_strtoull (lib/vsprintf.c): base 0/8/10/16 prefix rules, wraps on overflow.
MemparseResult simple_strtoull(std::string_view s, unsigned base = 0);

// One parameter as next_arg() splits it (lib/cmdline.c / kernel/params.c).
struct CmdlineArg {
  std::string param;
  std::optional<std::string> val;
  std::size_t offset = 0;
};
// next_arg over the whole line; stops at a bare "--" like parse_args.
std::vector<CmdlineArg> split_cmdline(std::string_view text);

}  // namespace mbv
