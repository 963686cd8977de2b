// init_memblock_regions: small static arrays (INIT_MEMBLOCK_MEMORY_REGIONS /
// INIT_MEMBLOCK_RESERVED_REGIONS as an architecture may pick them) on the
// real mm/memblock.c, side by side with the model through the differential
// engine, which compares the whole state (max, init_max, the doubled arrays'
// placement) after every op.
#include <gtest/gtest.h>

#include "model/diff/differential.h"
#include "tests/oracle/oracle_fixture.h"

namespace mbv::test {
namespace {

using OracleInitRegions = OracleTest;

// Disjoint 4 KiB pieces, one every 8 KiB from `base`.
void pieces(OpTrace& t, OpKind kind, phys_addr_t base, int n) {
  for (int i = 0; i < n; ++i) t.push_back(Op{kind, base + static_cast<phys_addr_t>(i) * 2 * SZ_4K, SZ_4K});
}

// Both arrays start tiny and double several times; memory doublings reserve
// their new array, which can double reserved inside the memory doubling.
TEST_F(OracleInitRegions, small_arrays_double_like_the_kernel) {
  for (std::uint64_t n : {1u, 2u, 3u, 4u, 8u}) {
    OpTrace t{Op{OpKind::InitRegions, n, n}, Op{OpKind::AllowResize}, Op{OpKind::Add, 0, SZ_1G}};
    pieces(t, OpKind::Reserve, SZ_16M, 40);
    pieces(t, OpKind::Add, SZ_4G, 40);
    pieces(t, OpKind::PhysFree, SZ_16M, 20);
    Differential diff(*oracle);
    auto d = diff.run(t);
    EXPECT_FALSE(d) << "static size " << n << ":\n" << (d ? d->describe() : "");
    const Memblock k = oracle->snapshot();
    EXPECT_EQ(k.memory.init_max, n);
    EXPECT_EQ(k.reserved.init_max, n);
    EXPECT_GT(k.memory.max, n);
    EXPECT_NE(k.memory.array_phys, 0u);
    EXPECT_NE(k.reserved.array_phys, 0u);
  }
}

// Different sizes per type; without memblock_allow_resize the array that
// fills up fails with -ENOMEM at its static size.
TEST_F(OracleInitRegions, full_static_array_without_resize) {
  OpTrace t{Op{OpKind::InitRegions, 2, 5}};
  pieces(t, OpKind::Add, SZ_1G, 3);
  pieces(t, OpKind::Reserve, SZ_1G, 6);
  Differential diff(*oracle);
  auto d = diff.run(t);
  EXPECT_FALSE(d) << (d ? d->describe() : "");
  const Memblock k = oracle->snapshot();
  EXPECT_EQ(k.memory.cnt(), 2u);
  EXPECT_EQ(k.memory.max, 2u);
  EXPECT_EQ(k.reserved.cnt(), 5u);
  EXPECT_EQ(k.reserved.max, 5u);
}

// The sizes are a build choice: taken only before any region exists and
// within the static arrays; otherwise -EINVAL and nothing changes.
TEST_F(OracleInitRegions, rejected_sizes_change_nothing) {
  EXPECT_EQ(run(Op{OpKind::InitRegions, 0, 4}), -KERN_EINVAL);
  EXPECT_EQ(run(Op{OpKind::InitRegions, 4, INIT_MEMBLOCK_REGIONS + 1}), -KERN_EINVAL);
  EXPECT_EQ(oracle->snapshot(), Memblock{});
  EXPECT_EQ(run(Op{OpKind::Reserve, SZ_1M, SZ_4K}), 0);
  EXPECT_EQ(run(Op{OpKind::InitRegions, 4, 4}), -KERN_EINVAL);
  EXPECT_EQ(oracle->snapshot().memory.max, INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(run(Op{OpKind::PhysFree, SZ_1M, SZ_4K}), 0);  // empty again: taken
  EXPECT_EQ(run(Op{OpKind::InitRegions, 4, 8}), 0);
  const Memblock k = oracle->snapshot();
  EXPECT_EQ(k.memory.max, 4u);
  EXPECT_EQ(k.memory.init_max, 4u);
  EXPECT_EQ(k.reserved.max, 8u);
  EXPECT_EQ(k.reserved.init_max, 8u);
}

// A reset puts the compiled sizes back.
TEST_F(OracleInitRegions, reset_restores_default_sizes) {
  EXPECT_EQ(run(Op{OpKind::InitRegions, 3, 3}), 0);
  oracle->reset();
  const Memblock k = oracle->snapshot();
  EXPECT_EQ(k.memory.init_max, INIT_MEMBLOCK_REGIONS);
  EXPECT_EQ(k.reserved.max, INIT_MEMBLOCK_REGIONS);
}

}  // namespace
}  // namespace mbv::test
