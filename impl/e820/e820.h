// The x86 e820 table of Linux 6.1 (arch/x86/kernel/e820.c) as a plain value:
// the edits the kernel makes to it, its sanitizer, its command-line options
// (mem=, memmap=) and its hand-over to memblock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"

namespace mbv {

class Memblock;
struct KernelCmdline;

// enum e820_type (arch/x86/include/asm/e820/types.h)
enum class E820Type : std::uint32_t {
  RAM = 1,
  RESERVED = 2,
  ACPI = 3,
  NVS = 4,
  UNUSABLE = 5,
  PMEM = 7,
  PRAM = 12,
  SOFT_RESERVED = 0xefffffff,
  RESERVED_KERN = 128,
};

// E820_MAX_ENTRIES_ZEROPAGE: what boot_params can carry.
inline constexpr std::size_t E820_MAX_ENTRIES_ZEROPAGE = 128;
// E820_MAX_ENTRIES: the kernel's table capacity (3 entries per possible node).
inline constexpr std::size_t E820_MAX_ENTRIES = E820_MAX_ENTRIES_ZEROPAGE + 3 * MAX_NUMNODES;
// Bytes of one packed struct boot_e820_entry (u64 addr, u64 size, u32 type).
inline constexpr std::size_t E820_BOOT_ENTRY_BYTES = 20;

// struct e820_entry
struct E820Entry {
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
  E820Type type = E820Type::RAM;
  std::uint64_t end() const { return addr + size; }
  friend bool operator==(const E820Entry&, const E820Entry&) = default;
};

// Outcome of e820__range_add: the kernel drops an entry when the table is full
// and prints "too many entries; ignoring [mem ...]".
enum class E820AddResult { Added, DroppedFull };

// struct e820_table. `entries.size()` is nr_entries; it never exceeds `capacity`.
struct E820Table {
  std::vector<E820Entry> entries;
  std::size_t capacity = E820_MAX_ENTRIES;

  // __e820__range_add / e820__range_add (arch/x86/kernel/e820.c)
  E820AddResult range_add(std::uint64_t start, std::uint64_t size, E820Type type);
  // __e820__range_update / e820__range_update: returns real_updated_size.
  // The kernel BUG()s on old_type == new_type; here that is an Error.
  Result<std::uint64_t> range_update(std::uint64_t start, std::uint64_t size,
                                     E820Type old_type, E820Type new_type);
  // e820__range_remove: returns real_removed_size. check_type=false removes any type.
  std::uint64_t range_remove(std::uint64_t start, std::uint64_t size, E820Type old_type,
                             bool check_type);
  // e820__update_table: 0 on success, -1 (table untouched) when there are
  // fewer than 2 entries or an entry wraps the 64-bit space.
  int sanitize();

  // e820__mapped_any: some part of [start, end) has `type` (nullopt = any type).
  bool mapped_any(std::uint64_t start, std::uint64_t end, std::optional<E820Type> type) const;
  // e820__mapped_all: all of [start, end) is covered by `type` (nullopt = any type).
  bool mapped_all(std::uint64_t start, std::uint64_t end, std::optional<E820Type> type) const;

  // e820__end_of_ram_pfn: end of RAM in pfns, clamped to MAX_ARCH_PFN
  // (MAXMEM >> PAGE_SHIFT: 2^46 bytes with 4-level paging, 2^52 with la57).
  std::uint64_t end_of_ram_pfn(bool la57 = false) const;
  // e820__end_of_low_ram_pfn: highest RAM pfn below 4G.
  std::uint64_t end_of_low_ram_pfn() const;

  friend bool operator==(const E820Table&, const E820Table&) = default;
};

// The kernel's MAX_ARCH_PFN for x86-64: MAXMEM >> PAGE_SHIFT, MAXMEM being
// 1 << MAX_PHYSMEM_BITS (46 bits with 4-level paging, 52 with la57).
constexpr std::uint64_t e820_max_arch_pfn(bool la57) {
  return (1ull << (la57 ? 52 : 46)) >> PAGE_SHIFT;
}

// e820_end_pfn(limit_pfn, type)
std::uint64_t e820_end_pfn(const E820Table& table, std::uint64_t limit_pfn, E820Type type,
                           bool la57 = false);

// Brute-force reference for sanitize: for every elementary interval between
// input boundary points, the highest-precedence type covering it; merged
// where adjacent types are equal, except PRAM and SOFT_RESERVED (never merged).
// Precondition: no entry wraps. Input order does not matter.
std::vector<E820Entry> e820_reference_sanitize(const std::vector<E820Entry>& in);

// e820__memblock_setup: allow_resize; RAM/RESERVED_KERN -> memblock_add,
// SOFT_RESERVED -> memblock_reserve; then memblock_trim_memory(PAGE_SIZE).
void e820_memblock_setup(const E820Table& table, Memblock& mb);

// trim_bios_range (arch/x86/kernel/setup.c): page 0 RAM -> RESERVED,
// [640K, 1M) removed, then sanitized.
void trim_bios_range(E820Table& table);

// e820_add_kernel_range (arch/x86/kernel/setup.c): make [_text, _end) RAM.
void e820_add_kernel_range(E820Table& table, std::uint64_t text_start, std::uint64_t end);

// e820__reserve_setup_data, effect on the table: each setup_data range
// RAM -> RESERVED_KERN, then sanitized.
void e820_reserve_setup_data(E820Table& table, const std::vector<PhysRange>& setup_data);

// e820__memory_setup_default: the boot_params entries appended (fewer than 2,
// or a wrapping entry -> the fake BIOS-88/e801 map from ext_mem_k/alt_mem_k),
// then sanitized. `who` is the prefix the kernel prints the table with.
struct E820Setup {
  E820Table table;
  std::string who;
};
E820Setup e820_memory_setup_default(const std::vector<E820Entry>& boot_entries,
                                    std::uint32_t alt_mem_k = 0, std::uint32_t ext_mem_k = 0);

// Result of applying the memory options of a command line to the raw table.
struct E820UserDef {
  bool userdef = false;        // some option made the map user-defined
  std::optional<std::uint64_t> max_mem_size;  // mem= (CONFIG_MEMORY_HOTPLUG)
  std::vector<std::string> warnings;          // options the kernel rejected (-EINVAL)
};

// parse_memopt + parse_memmap_one in command-line order (step 4 of setup_arch).
// A memmap=N%S-T+T item is the kernel's BUG() in e820__range_update -> Error.
Result<E820UserDef> e820_apply_memory_options(E820Table& table, const KernelCmdline& cmdline);
// e820__finish_early_params: a user-defined map that sanitize rejects is the
// kernel's early_panic("Invalid user supplied memory map") -> an Error here.
Status e820_finish_early_params(E820Table& table, const E820UserDef& userdef);
// Both of the above, back to back.
Result<E820UserDef> e820_apply_cmdline(E820Table& table, const KernelCmdline& cmdline);

// e820_print_type: the text after "] " in a BIOS-e820 line.
std::string e820_type_name(E820Type type);
// The sysfs /sys/firmware/memmap/N/type string (firmware_map type names).
std::string e820_sysfs_type_name(E820Type type);

// Parses e820_print_type text back (also "persistent" alone -> PMEM and our
// lossless "reserved kernel" -> RESERVED_KERN); nullopt when unknown.
std::optional<E820Type> e820_parse_type_name(std::string_view name);
std::optional<E820Type> e820_parse_sysfs_type_name(std::string_view name);

// e820__print_table(who): one line per entry,
// "<who>: [mem 0x%016llx-0x%016llx] <type>\n" (end inclusive). `lossless`
// prints RESERVED_KERN as "reserved kernel" instead of the kernel's "usable".
std::string e820_print_table(const E820Table& table, std::string_view who = "BIOS-e820",
                             bool lossless = false);
// The same lines without their newlines.
std::vector<std::string> e820_print_lines(const E820Table& table, std::string_view who = "BIOS-e820",
                                          bool lossless = false);

// Readers and writers. Each reader can report where every entry came from.
// "[mem 0x...-0x...] <type>": the part of a table line after "<who>: ".
Result<E820Entry> e820_parse_line_body(std::string_view body, const SourceLoc& where);
// Every "BIOS-e820: [mem ...]" line of a text (a whole dmesg is fine; any
// prefix before "BIOS-e820: " is ignored). No such line -> error.
Result<E820Table> e820_read_dmesg(std::string_view text, std::string_view file = "<input>",
                                  std::vector<SourceLoc>* where = nullptr);
// /sys/firmware/memmap: directories 0..N-1 each with start, end (inclusive), type.
Result<E820Table> e820_read_sysfs(const std::string& dir,
                                  std::vector<SourceLoc>* where = nullptr);
Status e820_write_sysfs(const E820Table& table, const std::string& dir);
// boot_params.e820_table: nr * 20 packed little-endian bytes, at most 128
// entries. A whole 4096-byte boot_params (zero page) is read too: e820_entries
// at 0x1e8, the table at 0x2d0.
Result<E820Table> e820_read_bootparams(std::span<const std::uint8_t> bytes,
                                       std::string_view file = "<input>",
                                       std::vector<SourceLoc>* where = nullptr);
Result<std::vector<std::uint8_t>> e820_write_bootparams(const E820Table& table);

}  // namespace mbv
