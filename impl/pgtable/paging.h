// Paging vocabulary of the x86-64 direct map: page-size masks, CPU features
// that decide them, and the virtual layout (4- or 5-level, page_offset_base).
#pragma once

#include <cstdint>
#include <string_view>

#include "impl/common/types.h"

namespace mbv {

// Bits of the kernel's page_size_mask: 1 << PG_LEVEL_2M and 1 << PG_LEVEL_1G.
using PageSizeMask = std::uint32_t;
inline constexpr PageSizeMask PG_MASK_4K = 0;
inline constexpr PageSizeMask PG_MASK_2M = 1u << 2;
inline constexpr PageSizeMask PG_MASK_1G = 1u << 3;

inline constexpr std::uint64_t PMD_SIZE = SZ_2M;
inline constexpr std::uint64_t PUD_SIZE = SZ_1G;
inline constexpr std::uint64_t P4D_SIZE = SZ_512G;
inline constexpr std::uint64_t ISA_END_ADDRESS = SZ_1M;
inline constexpr std::uint64_t PTRS_PER_TABLE = 512;

// __PAGE_OFFSET_BASE_L4 / __PAGE_OFFSET_BASE_L5 (no memory KASLR).
inline constexpr std::uint64_t PAGE_OFFSET_BASE_L4 = 0xffff888000000000ull;
inline constexpr std::uint64_t PAGE_OFFSET_BASE_L5 = 0xff11000000000000ull;

// CPU features probe_page_size_mask and the paging mode depend on.
struct CpuFeatures {
  bool pse = true;      // X86_FEATURE_PSE: 2M pages
  bool gbpages = true;  // X86_FEATURE_GBPAGES: 1G pages
  bool la57 = false;    // X86_FEATURE_LA57: 5-level paging (CONFIG_X86_5LEVEL=y)
  friend bool operator==(const CpuFeatures&, const CpuFeatures&) = default;
};

// probe_page_size_mask (arch/x86/mm/init.c): 2M iff PSE and no debug_pagealloc;
// 1G iff that held too (else direct_gbpages is forced off), gbpages is enabled
// (CONFIG_X86_DIRECT_GBPAGES, gbpages/nogbpages) and the CPU has GBPAGES.
PageSizeMask probe_page_size_mask(const CpuFeatures& cpu, bool debug_pagealloc,
                                  bool gbpages_enabled);

// page_size_string (arch/x86/mm/init.c): "1G", "2M" or "4k".
std::string_view page_size_string(PageSizeMask mask);

// Virtual layout of the direct map.
struct PagingConfig {
  bool five_level = false;                           // pgtable_l5_enabled()
  std::uint64_t page_offset_base = PAGE_OFFSET_BASE_L4;  // 1G-aligned (PUD_MASK)
  // PGDIR_SHIFT: 39 with 4-level paging, 48 with 5-level paging.
  unsigned pgdir_shift() const { return five_level ? 48 : 39; }
  std::uint64_t va(phys_addr_t pa) const { return page_offset_base + pa; }
  friend bool operator==(const PagingConfig&, const PagingConfig&) = default;
};

// The layout without memory KASLR for the given mode.
constexpr PagingConfig default_paging(bool five_level) {
  return PagingConfig{five_level, five_level ? PAGE_OFFSET_BASE_L5 : PAGE_OFFSET_BASE_L4};
}

}  // namespace mbv
