// e820 table edits and the sanitizer, case by case against Linux 6.1 rules.
#include <gtest/gtest.h>

#include "impl/e820/e820.h"

namespace mbv {
namespace {

using T = E820Type;
constexpr auto Z = static_cast<E820Type>(0);

E820Table table(std::vector<E820Entry> e, std::size_t cap = E820_MAX_ENTRIES) {
  E820Table t;
  t.entries = std::move(e);
  t.capacity = cap;
  return t;
}

TEST(E820RangeAdd, simple) {
  E820Table t;
  EXPECT_EQ(t.range_add(0x1000, 0x2000, T::RAM), E820AddResult::Added);
  EXPECT_EQ(t, table({{0x1000, 0x2000, T::RAM}}));
}

TEST(E820RangeAdd, full_table_drops) {
  E820Table t = table({{0, 0x1000, T::RAM}, {0x2000, 0x1000, T::RAM}}, 2);
  const E820Table before = t;
  EXPECT_EQ(t.range_add(0x4000, 0x1000, T::RESERVED), E820AddResult::DroppedFull);
  EXPECT_EQ(t, before);
}

TEST(E820RangeUpdate, within_retypes_whole_entry) {
  E820Table t = table({{0x1000, 0x1000, T::RAM}, {0x3000, 0x1000, T::ACPI}});
  auto r = t.range_update(0, 0x10000, T::RAM, T::RESERVED);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0x1000u);
  EXPECT_EQ(t, table({{0x1000, 0x1000, T::RESERVED}, {0x3000, 0x1000, T::ACPI}}));
}

TEST(E820RangeUpdate, strictly_inside_splits_in_three) {
  E820Table t = table({{0x0, 0x10000, T::RAM}});
  auto r = t.range_update(0x4000, 0x2000, T::RAM, T::RESERVED_KERN);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0x2000u);
  // Head shrinks in place; the middle and the tail are appended.
  EXPECT_EQ(t, table({{0x0, 0x4000, T::RAM},
                      {0x4000, 0x2000, T::RESERVED_KERN},
                      {0x6000, 0xa000, T::RAM}}));
}

TEST(E820RangeUpdate, overlap_bottom_and_top) {
  E820Table t = table({{0x2000, 0x2000, T::RAM}, {0x6000, 0x2000, T::RAM}});
  auto r = t.range_update(0x3000, 0x4000, T::RAM, T::RESERVED);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0x2000u);
  EXPECT_EQ(t, table({{0x2000, 0x1000, T::RAM},
                      {0x7000, 0x1000, T::RAM},
                      {0x3000, 0x1000, T::RESERVED},
                      {0x6000, 0x1000, T::RESERVED}}));
}

TEST(E820RangeUpdate, same_type_is_the_kernel_bug) {
  E820Table t = table({{0, 0x1000, T::RAM}});
  auto r = t.range_update(0, 0x1000, T::RAM, T::RAM);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("BUG"), std::string::npos);
  EXPECT_EQ(t, table({{0, 0x1000, T::RAM}}));
}

TEST(E820RangeUpdate, size_capped_at_top_of_address_space) {
  E820Table t = table({{0xfffffffffffff000ull, 0xfff, T::RAM}});
  auto r = t.range_update(0xfffffffffffff000ull, ~0ull, T::RAM, T::RESERVED);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0xfffu);
  EXPECT_EQ(t, table({{0xfffffffffffff000ull, 0xfff, T::RESERVED}}));
}

TEST(E820RangeRemove, covered_entry_is_zeroed_in_place) {
  E820Table t = table({{0x0, 0x1000, T::RAM}, {0x1000, 0x1000, T::RAM}, {0x2000, 0x1000, T::RESERVED}});
  EXPECT_EQ(t.range_remove(0x1000, 0x1000, T::RAM, true), 0x1000u);
  EXPECT_EQ(t, table({{0x0, 0x1000, T::RAM}, {0, 0, Z}, {0x2000, 0x1000, T::RESERVED}}));
}

TEST(E820RangeRemove, check_type_skips_other_types) {
  E820Table t = table({{0x0, 0x4000, T::RESERVED}});
  EXPECT_EQ(t.range_remove(0x1000, 0x1000, T::RAM, true), 0u);
  EXPECT_EQ(t, table({{0x0, 0x4000, T::RESERVED}}));
  EXPECT_EQ(t.range_remove(0x1000, 0x1000, T::RAM, false), 0x1000u);
  EXPECT_EQ(t, table({{0x0, 0x1000, T::RESERVED}, {0x2000, 0x2000, T::RESERVED}}));
}

TEST(E820RangeRemove, overlap_top_keeps_head) {
  E820Table t = table({{0x0, 0x4000, T::RAM}});
  EXPECT_EQ(t.range_remove(0x3000, ~0ull, T::RAM, true), 0x1000u);
  EXPECT_EQ(t, table({{0x0, 0x3000, T::RAM}}));
}

TEST(E820Sanitize, overlap_highest_type_wins) {
  E820Table t = table({{0x0, 0x10000, T::RAM}, {0x4000, 0x2000, T::RESERVED}, {0x5000, 0x2000, T::ACPI}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x4000, T::RAM},
                      {0x4000, 0x1000, T::RESERVED},
                      {0x5000, 0x2000, T::ACPI},
                      {0x7000, 0x9000, T::RAM}}));
}

TEST(E820Sanitize, touching_same_type_merges_and_sorts) {
  E820Table t = table({{0x3000, 0x1000, T::RAM}, {0x0, 0x2000, T::RAM}, {0x2000, 0x1000, T::RAM}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x4000, T::RAM}}));
}

TEST(E820Sanitize, tie_start_before_end_at_equal_address) {
  // An end and a start at 0x2000 with different types: no zero-size entry,
  // no gap, and the types change exactly there.
  E820Table t = table({{0x0, 0x2000, T::RESERVED}, {0x2000, 0x2000, T::RAM}, {0x1000, 0x1000, T::ACPI}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x1000, T::RESERVED}, {0x1000, 0x1000, T::ACPI}, {0x2000, 0x2000, T::RAM}}));
}

TEST(E820Sanitize, pram_split_at_every_change_point) {
  E820Table t = table({{0x1000, 0x4000, T::PRAM}, {0x2000, 0x1000, T::RAM}, {0x5000, 0x1000, T::PRAM}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x1000, 0x1000, T::PRAM},
                      {0x2000, 0x1000, T::PRAM},
                      {0x3000, 0x2000, T::PRAM},
                      {0x5000, 0x1000, T::PRAM}}));
}

TEST(E820Sanitize, soft_reserved_not_merged_and_beats_reserved_kern) {
  E820Table t = table({{0x0, 0x2000, T::SOFT_RESERVED},
                       {0x2000, 0x2000, T::SOFT_RESERVED},
                       {0x3000, 0x2000, T::RESERVED_KERN}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x2000, T::SOFT_RESERVED},
                      {0x2000, 0x1000, T::SOFT_RESERVED},
                      {0x3000, 0x1000, T::SOFT_RESERVED},
                      {0x4000, 0x1000, T::RESERVED_KERN}}));
}

TEST(E820Sanitize, single_entry_is_a_no_op) {
  E820Table t = table({{0x5000, 0x1000, T::RAM}});
  EXPECT_EQ(t.sanitize(), -1);
  EXPECT_EQ(t, table({{0x5000, 0x1000, T::RAM}}));
}

TEST(E820Sanitize, wrapping_entry_leaves_table_unsanitized) {
  E820Table t = table({{0x2000, 0x1000, T::RAM}, {0x0, 0x3000, T::RESERVED}, {0xfffffffffffff000ull, 0x2000, T::RAM}});
  const E820Table before = t;
  EXPECT_EQ(t.sanitize(), -1);
  EXPECT_EQ(t, before);
}

TEST(E820Sanitize, zero_size_and_zeroed_entries_vanish) {
  E820Table t = table({{0x0, 0x1000, T::RAM}, {0, 0, Z}, {0x8000, 0, T::RESERVED}, {0x1000, 0x1000, T::RAM}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x2000, T::RAM}}));
}

TEST(E820Sanitize, truncates_at_capacity) {
  // Three entries that sanitize into five, in a table that holds three.
  E820Table t = table({{0x0, 0x8000, T::RAM}, {0x2000, 0x1000, T::RESERVED}, {0x5000, 0x1000, T::RESERVED}}, 3);
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x2000, T::RAM}, {0x2000, 0x1000, T::RESERVED}, {0x3000, 0x2000, T::RAM}}, 3));
}

TEST(E820Sanitize, unknown_types_compare_by_value) {
  E820Table t = table({{0x0, 0x3000, static_cast<E820Type>(6)}, {0x1000, 0x1000, T::UNUSABLE}});
  EXPECT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t, table({{0x0, 0x3000, static_cast<E820Type>(6)}}));
}

TEST(E820Mapped, all_and_any) {
  const E820Table t = table({{0x0, 0x2000, T::RAM}, {0x2000, 0x1000, T::RAM}, {0x4000, 0x1000, T::RESERVED}});
  EXPECT_TRUE(t.mapped_all(0x1000, 0x3000, T::RAM));
  EXPECT_FALSE(t.mapped_all(0x1000, 0x4000, T::RAM));  // hole at 0x3000
  EXPECT_TRUE(t.mapped_any(0x3000, 0x4001, std::nullopt));
  EXPECT_FALSE(t.mapped_any(0x3000, 0x4000, std::nullopt));
  EXPECT_FALSE(t.mapped_any(0x4000, 0x5000, T::RAM));
  EXPECT_TRUE(t.mapped_all(0x4000, 0x5000, std::nullopt));
}

TEST(E820EndPfn, ram_only_and_limits) {
  const E820Table t = table({{0x0, 0x9f000, T::RAM},
                             {0x100000, 0xbff00000, T::RAM},
                             {0xf0000000, 0x10000000, T::RESERVED},
                             {0x100000000ull, 0x40000000, T::RAM},
                             {0x140000000ull, 0x1000000, T::RESERVED_KERN}});
  EXPECT_EQ(t.end_of_ram_pfn(), 0x140000u);  // RESERVED_KERN on top is not counted
  EXPECT_EQ(t.end_of_low_ram_pfn(), 0xc0000u);
  const E820Table straddle = table({{0x0, 0x9f000, T::RAM}, {0x100000, 0x1ffffffffull, T::RAM}});
  EXPECT_EQ(straddle.end_of_low_ram_pfn(), 0x100000u);  // stops at the 4G limit
  const E820Table huge = table({{0x0, 1ull << 50, T::RAM}});
  EXPECT_EQ(huge.end_of_ram_pfn(), (1ull << 46) >> 12);  // MAX_ARCH_PFN, 4-level
  EXPECT_EQ(huge.end_of_ram_pfn(true), (1ull << 50) >> 12);
}

TEST(E820Reference, agrees_on_a_hand_example) {
  const std::vector<E820Entry> in = {{0x0, 0x10000, T::RAM}, {0x4000, 0x2000, T::RESERVED},
                                     {0x5000, 0x2000, T::ACPI}, {0x9000, 0x1000, T::PRAM},
                                     {0x9800, 0x100, T::RAM}};
  E820Table t = table(in);
  ASSERT_EQ(t.sanitize(), 0);
  EXPECT_EQ(t.entries, e820_reference_sanitize(in));
}

}  // namespace
}  // namespace mbv
