// Memory KASLR of Linux 6.1 (arch/x86/mm/kaslr.c kernel_randomize_memory):
// the virtual bases of the direct map (page_offset_base), vmalloc and vmemmap,
// chosen from one injected random value. setup_arch calls it before
// init_mem_mapping, so page_offset_base decides which 512 GiB (PGD/P4D) and
// 256 TiB (5-level PGD) virtual boundaries the direct map crosses, and with
// them how many upper-level page-table pages it costs (impl/pgtable takes the
// base through PagingConfig).
//
// The random value is what kaslr_get_random_long("Memory") returns; the
// kernel seeds prandom's Tausworthe generator (include/linux/prandom.h,
// lib/random32.c) with it and draws one 64-bit value per region. Both are
// modelled bit for bit so a scenario's value gives the kernel's layout.
#pragma once

#include <array>
#include <cstdint>

namespace mbv {

// struct rnd_state (include/linux/prandom.h)
struct RndState {
  std::uint32_t s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  friend bool operator==(const RndState&, const RndState&) = default;
};

// prandom_seed_state (include/linux/prandom.h): no warm-up in 6.1.
RndState prandom_seed_state(std::uint64_t seed);
// prandom_u32_state (lib/random32.c)
std::uint32_t prandom_u32_state(RndState& st);
// prandom_bytes_state (lib/random32.c) into an unsigned long: two 32-bit
// draws stored little-endian (first draw = low half).
std::uint64_t prandom_u64_state(RndState& st);

// Bases without memory KASLR (arch/x86/include/asm/page_64_types.h,
// pgtable_64_types.h).
inline constexpr std::uint64_t VMALLOC_BASE_L4 = 0xffffc90000000000ull;
inline constexpr std::uint64_t VMALLOC_BASE_L5 = 0xffa0000000000000ull;
inline constexpr std::uint64_t VMEMMAP_BASE_L4 = 0xffffea0000000000ull;
inline constexpr std::uint64_t VMEMMAP_BASE_L5 = 0xffd4000000000000ull;
// CPU_ENTRY_AREA_BASE: CPU_ENTRY_AREA_PGD (-4) << P4D_SHIFT; vaddr_end of kaslr.c.
inline constexpr std::uint64_t CPU_ENTRY_AREA_BASE = 0xfffffe0000000000ull;
// VMALLOC_SIZE_TB_L4 / _L5
inline constexpr std::uint64_t VMALLOC_SIZE_TB_L4 = 32;
inline constexpr std::uint64_t VMALLOC_SIZE_TB_L5 = 12800;
// CONFIG_RANDOMIZE_MEMORY_PHYSICAL_PADDING of the Debian 6.1 config.
inline constexpr std::uint64_t RANDOMIZE_MEMORY_PHYSICAL_PADDING_TB = 0xa;
// sizeof(struct page) on x86-64 without debug options.
inline constexpr std::uint64_t STRUCT_PAGE_BYTES = 64;

struct MemoryKaslrInput {
  // kaslr_memory_enabled(): the decompressor set KASLR_FLAG (no "nokaslr")
  // and the kernel has RANDOMIZE_MEMORY without KASAN.
  bool enabled = true;
  bool five_level = false;  // pgtable_l5_enabled()
  std::uint64_t max_pfn = 0;
  std::uint64_t random = 0;  // kaslr_get_random_long("Memory")
  // CONFIG_ZONE_DEVICE (y in Debian): the direct-map region keeps its full
  // 2^MAX_PHYSMEM_BITS size instead of shrinking to the installed memory.
  bool zone_device = true;
  std::uint64_t physical_padding_tb = RANDOMIZE_MEMORY_PHYSICAL_PADDING_TB;
};

// Region order of kaslr_regions[]: direct map, vmalloc, vmemmap.
enum MemoryKaslrRegion : std::size_t { kDirectMapRegion = 0, kVmallocRegion = 1, kVmemmapRegion = 2 };

struct MemoryKaslrLayout {
  bool randomized = false;
  std::uint64_t page_offset_base = 0;
  std::uint64_t vmalloc_base = 0;
  std::uint64_t vmemmap_base = 0;
  std::uint64_t physmem_end = 0;              // last physical address the direct map may hold
  std::array<std::uint64_t, 3> size_tb{};     // region sizes (padding), in TiB
  std::array<std::uint64_t, 3> entropy{};     // the PUD-aligned offset each region drew
  friend bool operator==(const MemoryKaslrLayout&, const MemoryKaslrLayout&) = default;
};

// kernel_randomize_memory (arch/x86/mm/kaslr.c). Disabled: the fixed bases.
MemoryKaslrLayout kernel_randomize_memory(const MemoryKaslrInput& in);

}  // namespace mbv
