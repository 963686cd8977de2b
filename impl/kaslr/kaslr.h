// Physical (and virtual) KASLR placement of the x86-64 decompressor, Linux
// 6.1 (arch/x86/boot/compressed/kaslr.c, misc.c): which 2M slots the kernel
// may land in, and which one two injected random values pick.
//
// Everything the decompressor reads from boot_params, the command line and
// ACPI is an explicit input; its static variables (the shared memmap region
// counter, memmap_too_large, mem_limit, the slot areas) live in KaslrResult.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl/common/result.h"
#include "impl/common/types.h"
#include "impl/e820/e820.h"

namespace mbv {

// struct mem_vector: start and size (the size may reach past 2^64, as raw
// firmware entries can).
struct MemVector {
  std::uint64_t start = 0;
  std::uint64_t size = 0;
  friend bool operator==(const MemVector&, const MemVector&) = default;
};

inline constexpr std::uint64_t KASLR_PHYSICAL_ALIGN = SZ_2M;      // CONFIG_PHYSICAL_ALIGN
inline constexpr std::uint64_t LOAD_PHYSICAL_ADDR = SZ_16M;       // CONFIG_PHYSICAL_START
inline constexpr std::uint64_t KERNEL_IMAGE_SIZE_64 = SZ_1G;      // with RANDOMIZE_BASE
inline constexpr std::size_t MAX_MEMMAP_REGIONS = 4;
inline constexpr std::size_t MAX_SLOT_AREA = 100;
inline constexpr std::size_t KASLR_E820_MAX = 128;                // E820_MAX_ENTRIES_ZEROPAGE
inline constexpr std::size_t COMMAND_LINE_SIZE = 2048;
inline constexpr std::uint64_t BOOT_PARAMS_SIZE = 4096;           // sizeof(struct boot_params)
inline constexpr std::uint64_t SETUP_DATA_HEADER = 16;            // sizeof(struct setup_data)
inline constexpr std::uint32_t SETUP_INDIRECT = 1u << 31;
inline constexpr std::uint32_t EFI_CONVENTIONAL_MEMORY = 7;
inline constexpr std::uint64_t EFI_MEMORY_MORE_RELIABLE = 1ull << 16;
inline constexpr std::uint64_t EFI_MEMORY_SP = 1ull << 18;

// efi_memory_desc_t, the fields the decompressor reads.
struct EfiMemDesc {
  std::uint32_t type = EFI_CONVENTIONAL_MEMORY;
  std::uint64_t phys_addr = 0;
  std::uint64_t num_pages = 0;
  std::uint64_t attribute = 0;
};

// One node of the boot_params.hdr.setup_data list (struct setup_data), with
// the struct setup_indirect its payload holds when type == SETUP_INDIRECT.
struct SetupDataNode {
  std::uint64_t addr = 0;
  std::uint32_t type = 0;
  std::uint32_t len = 0;
  std::uint32_t indirect_type = 0;
  std::uint64_t indirect_addr = 0;
  std::uint64_t indirect_len = 0;
};

struct KaslrInput {
  // The boot command line. Options are read from its first COMMAND_LINE_SIZE-1
  // bytes: nokaslr, mem=, memmap=, efi_fake_mem=, hugepagesz=, hugepages=.
  // has_cmdline = (cmd_line_ptr | ext_cmd_line_ptr << 32) != 0; false means
  // the loader passed no command line at all. cmdline_addr is that pointer
  // when known (0 = unknown: the command line is then not an avoid region).
  std::string cmdline;
  bool has_cmdline = true;
  std::uint64_t cmdline_addr = 0;

  // Candidate memory: EFI descriptors when efi_boot (loader signature EL64/EL32),
  // else the raw boot_params e820 table (the first 128 entries, RAM only).
  std::vector<E820Entry> e820;
  bool efi_boot = false;
  std::vector<EfiMemDesc> efi;
  bool efi_soft_reserve_enabled = true;  // CONFIG_EFI_SOFT_RESERVE and no efi=nosoftreserve

  // Avoid regions.
  std::uint64_t input = 0;           // compressed image (ZO) start
  std::uint64_t output = LOAD_PHYSICAL_ADDR;  // decompression target
  std::uint64_t init_size = 0;       // boot_params.hdr.init_size: ZO range is [input, output+init_size)
  std::uint64_t initrd_start = 0;
  std::uint64_t initrd_size = 0;
  std::uint64_t boot_params_addr = 0;
  std::vector<SetupDataNode> setup_data;

  std::uint64_t image_size = 0;      // needed_size (see kaslr_needed_size)
  bool five_level = false;           // MAXMEM = 2^52 instead of 2^46

  // The SRAT helper's KASLR view (count_immovable_mem_regions): the list is
  // used only when the filter is active and the list is non-empty.
  bool immovable_filter_active = false;
  std::vector<MemVector> immovable;

  std::uint64_t rand_phys = 0;       // kaslr_get_random_long("Physical")
  std::uint64_t rand_virt = 0;       // kaslr_get_random_long("Virtual")
};

// needed_size in extract_kernel (misc.c): max(output_len, kernel_total_size)
// rounded up to MIN_KERNEL_ALIGN (2M).
constexpr std::uint64_t kaslr_needed_size(std::uint64_t output_len, std::uint64_t kernel_total_size) {
  return round_up(output_len > kernel_total_size ? output_len : kernel_total_size, SZ_2M);
}

// What handle_mem_options and mem_avoid_memmap leave behind.
struct KaslrMemOptions {
  std::uint64_t mem_limit = 0;
  std::vector<MemVector> memmap;     // the stored memmap/efi_fake_mem regions (<= 4)
  bool memmap_too_large = false;
  std::uint64_t max_gb_huge_pages = 0;
  std::vector<std::string> notes;    // what was skipped or ignored, one line each
};

// handle_mem_options (kaslr.c) with MAXMEM as the starting mem_limit. A
// parameter the decompressor would dereference as NULL (mem, hugepagesz or
// hugepages without '=') is an error.
Result<KaslrMemOptions> handle_mem_options(const KaslrInput& in);

// cmdline_find_option_bool("nokaslr") (arch/x86/boot/cmdline.c): a whole
// word, words split at bytes <= ' ', scanned until NUL or the 64 KiB segment
// ends. With no command line (!has_cmdline) it returns -1, which
// choose_random_location reads as true: KASLR is off.
bool cmdline_has_nokaslr(const KaslrInput& in);

struct SlotArea {
  std::uint64_t addr = 0;
  std::uint64_t num = 0;
  friend bool operator==(const SlotArea&, const SlotArea&) = default;
};

enum class KaslrOutcome : std::uint8_t {
  Randomized,          // a slot was chosen (it may equal output)
  Nokaslr,             // "KASLR disabled: 'nokaslr' on cmdline."
  TooSmall,            // minimum + image > mem_limit
  MemmapTooLarge,      // more than 4 memmap regions in one parameter
  NoSlots,             // slot_max == 0
  InvalidAddress,      // the final sanity check rejected the pick
  PickedZero,          // the pick was address 0, which the caller reads as failure
};
const char* kaslr_outcome_name(KaslrOutcome o);

struct KaslrResult {
  KaslrOutcome outcome = KaslrOutcome::NoSlots;
  std::uint64_t phys = 0;            // the kernel's final output address
  std::uint64_t virt = LOAD_PHYSICAL_ADDR;  // virt_addr handed to decompress_kernel
  std::uint64_t minimum = 0;
  std::uint64_t mem_limit = 0;
  std::vector<MemVector> mem_avoid;  // mem_avoid[MEM_AVOID_MAX] as stored
  KaslrMemOptions options;
  std::vector<SlotArea> slot_areas;
  std::uint64_t slot_max = 0;
  bool slot_areas_full = false;      // the scan stopped at MAX_SLOT_AREA
  std::vector<std::string> messages; // warn()/debug_putstr texts
  bool physical_randomized() const { return outcome == KaslrOutcome::Randomized; }
};

// choose_random_location (kaslr.c). Errors only for inputs the decompressor
// would crash on (see handle_mem_options).
Result<KaslrResult> choose_random_location(const KaslrInput& in);

// Every slot address in slot order (slot k of slots_fetch_random is element
// k): the slot areas expanded. Empty when the scan never ran.
std::vector<std::uint64_t> enumerate_all_slots(const KaslrInput& in);

// Brute-force reference: walks every 2M-aligned address of every candidate
// region (intersected with each immovable region) and keeps those whose image
// fits, avoids every region, and survives the 1G-hugepage rule. Ignores the
// 100-area cap, so the real list is a prefix of this one.
std::vector<std::uint64_t> kaslr_reference_slots(const KaslrInput& in);

}  // namespace mbv
