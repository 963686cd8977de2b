// Whole-state assertions for memblock tests: compare a type's full region
// list, cnt and total_size at once, and print both sides on a mismatch.
#pragma once

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "impl/memblock/memblock.h"

namespace mbv::test {

// A region as memblock_add / memblock_reserve store it: nid MAX_NUMNODES.
inline MemblockRegion rgn(phys_addr_t base, phys_addr_t size, std::uint32_t flags = MEMBLOCK_NONE,
                          int nid = MAX_NUMNODES) {
  return MemblockRegion{base, size, flags, nid};
}

// The dummy of a never-touched type (static initialiser: nid 0) and of a type
// emptied by a removal (memblock_remove_region writes MAX_NUMNODES).
inline MemblockRegion initial_dummy() { return MemblockRegion{0, 0, MEMBLOCK_NONE, 0}; }
inline MemblockRegion removed_dummy() { return MemblockRegion{0, 0, MEMBLOCK_NONE, MAX_NUMNODES}; }

inline std::string region_list(const std::vector<MemblockRegion>& v) {
  std::string s;
  char buf[128];
  for (const MemblockRegion& r : v) {
    std::snprintf(buf, sizeof buf, "  {0x%" PRIx64 ", 0x%" PRIx64 ", flags 0x%x, nid %d}\n", r.base,
                  r.size, r.flags, r.nid);
    s += buf;
  }
  return s;
}

// The type holds exactly `want` (so cnt == want.size()) and total_size is
// `total` (default: the sum of the sizes in `want`).
inline ::testing::AssertionResult regions_match(const MemblockType& t,
                                                const std::vector<MemblockRegion>& want,
                                                std::optional<phys_addr_t> total = std::nullopt) {
  phys_addr_t want_total = 0;
  for (const MemblockRegion& r : want) want_total += r.size;
  if (total) want_total = *total;
  if (t.regions == want && t.total_size == want_total) return ::testing::AssertionSuccess();
  char buf[96];
  std::snprintf(buf, sizeof buf, "cnt %zu (want %zu), total_size 0x%" PRIx64 " (want 0x%" PRIx64 ")\n",
                t.cnt(), want.size(), t.total_size, want_total);
  return ::testing::AssertionFailure() << buf << " have:\n"
                                       << region_list(t.regions) << " want:\n"
                                       << region_list(want);
}

}  // namespace mbv::test

// EXPECT_REGIONS(mb.memory, {rgn(SZ_1G, SZ_8K)}) or with an explicit total.
#define EXPECT_REGIONS(type, ...) EXPECT_TRUE(::mbv::test::regions_match(type, __VA_ARGS__))
