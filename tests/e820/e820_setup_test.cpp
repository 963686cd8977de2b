// setup_arch's uses of the e820 table: firmware hand-over, command-line
// options, setup_data, kernel range, BIOS trim, and the memblock hand-over.
#include <gtest/gtest.h>

#include "impl/cmdline/cmdline.h"
#include "impl/e820/e820.h"
#include "impl/memblock/memblock.h"

namespace mbv {
namespace {

using T = E820Type;

E820Table table(std::vector<E820Entry> e) {
  E820Table t;
  t.entries = std::move(e);
  return t;
}

// A small PC: low RAM, BIOS hole, RAM to 3G, PCI hole, RAM above 4G.
E820Table pc() {
  return table({{0x0, 0x9fc00, T::RAM},
                {0x9fc00, 0x400, T::RESERVED},
                {0xf0000, 0x10000, T::RESERVED},
                {0x100000, 0xbff00000, T::RAM},
                {0xfffc0000, 0x40000, T::RESERVED},
                {0x100000000ull, 0x40000000, T::RAM}});
}

TEST(E820MemblockSetup, ram_and_reserved_kern_added_soft_reserved_reserved) {
  const E820Table t = table({{0x0, 0x9f800, T::RAM},  // partial page trimmed
                             {0x100000, 0x100000, T::RESERVED_KERN},
                             {0x200000, 0x100000, T::RAM},
                             {0x300000, 0x100000, T::SOFT_RESERVED},
                             {0x400000, 0x100000, T::ACPI}});
  Memblock mb;
  e820_memblock_setup(t, mb);
  EXPECT_TRUE(mb.can_resize);
  const std::vector<MemblockRegion> mem = {{0x0, 0x9f000, MEMBLOCK_NONE, MAX_NUMNODES},
                                           {0x100000, 0x200000, MEMBLOCK_NONE, MAX_NUMNODES}};
  EXPECT_EQ(mb.memory.regions, mem);
  const std::vector<MemblockRegion> res = {{0x300000, 0x100000, MEMBLOCK_NONE, MAX_NUMNODES}};
  EXPECT_EQ(mb.reserved.regions, res);
}

TEST(E820TrimBiosRange, page_zero_reserved_and_bios_hole_removed) {
  E820Table t = table({{0x0, 0x100000, T::RAM}, {0x100000, 0x100000, T::RAM}});
  trim_bios_range(t);
  EXPECT_EQ(t, table({{0x0, 0x1000, T::RESERVED}, {0x1000, 0x9f000, T::RAM}, {0x100000, 0x100000, T::RAM}}));
}

TEST(E820AddKernelRange, already_ram_is_untouched) {
  E820Table t = pc();
  e820_add_kernel_range(t, 0x1000000, 0x3000000);
  EXPECT_EQ(t, pc());
}

TEST(E820AddKernelRange, reserved_under_kernel_becomes_ram_unsanitized) {
  E820Table t = table({{0x0, 0x1000000, T::RAM}, {0x1000000, 0x1000000, T::RESERVED}});
  e820_add_kernel_range(t, 0x1000000, 0x1800000);
  EXPECT_EQ(t, table({{0x0, 0x1000000, T::RAM},
                      {0x1800000, 0x800000, T::RESERVED},
                      {0x1000000, 0x800000, T::RAM}}));
}

TEST(E820ReserveSetupData, ram_becomes_reserved_kern) {
  E820Table t = pc();
  e820_reserve_setup_data(t, {PhysRange{0x2000000, 0x2001000}});
  EXPECT_EQ(t, table({{0x0, 0x9fc00, T::RAM},
                      {0x9fc00, 0x400, T::RESERVED},
                      {0xf0000, 0x10000, T::RESERVED},
                      {0x100000, 0x1f00000, T::RAM},
                      {0x2000000, 0x1000, T::RESERVED_KERN},
                      {0x2001000, 0xbdfff000, T::RAM},
                      {0xfffc0000, 0x40000, T::RESERVED},
                      {0x100000000ull, 0x40000000, T::RAM}}));
}

TEST(E820MemorySetupDefault, firmware_table_sanitized) {
  const auto s = e820_memory_setup_default({{0x100000, 0x100000, T::RAM}, {0x0, 0x9f000, T::RAM}});
  EXPECT_EQ(s.who, "BIOS-e820");
  EXPECT_EQ(s.table, table({{0x0, 0x9f000, T::RAM}, {0x100000, 0x100000, T::RAM}}));
}

TEST(E820MemorySetupDefault, one_entry_falls_back_to_bios_e801) {
  const auto s = e820_memory_setup_default({{0x0, 0x9f000, T::RAM}}, 0x10000, 0x8000);
  EXPECT_EQ(s.who, "BIOS-e801");
  EXPECT_EQ(s.table, table({{0x0, 0x9f000, T::RAM}, {0x100000, 0x10000ull << 10, T::RAM}}));
}

TEST(E820MemorySetupDefault, wrapping_entry_falls_back_to_bios_88) {
  const auto s = e820_memory_setup_default(
      {{0x0, 0x9f000, T::RAM}, {0xfffffffffff00000ull, 0x200000, T::RAM}}, 0x100, 0x4000);
  EXPECT_EQ(s.who, "BIOS-88");
  EXPECT_EQ(s.table, table({{0x0, 0x9f000, T::RAM}, {0x100000, 0x4000ull << 10, T::RAM}}));
}

TEST(E820Cmdline, mem_removes_ram_above) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("mem=2G"));
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_TRUE(u->userdef);
  EXPECT_EQ(u->max_mem_size, std::optional<std::uint64_t>(SZ_1G * 2));
  EXPECT_EQ(t, table({{0x0, 0x9fc00, T::RAM},
                      {0x9fc00, 0x400, T::RESERVED},
                      {0xf0000, 0x10000, T::RESERVED},
                      {0x100000, 0x7ff00000, T::RAM},
                      {0xfffc0000, 0x40000, T::RESERVED}}));
}

TEST(E820Cmdline, mem_zero_is_rejected_but_map_is_userdef) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("mem=junk"));
  ASSERT_TRUE(u.ok());
  EXPECT_TRUE(u->userdef);
  EXPECT_FALSE(u->max_mem_size);
  EXPECT_EQ(u->warnings.size(), 1u);
  EXPECT_EQ(t, pc());
}

TEST(E820Cmdline, memmap_forms_in_order) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("memmap=16M$0x10000000,1M#0x20000000 memmap=1G!0x80000000"));
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_EQ(t, table({{0x0, 0x9fc00, T::RAM},
                      {0x9fc00, 0x400, T::RESERVED},
                      {0xf0000, 0x10000, T::RESERVED},
                      {0x100000, 0xff00000, T::RAM},
                      {0x10000000, 0x1000000, T::RESERVED},
                      {0x11000000, 0xf000000, T::RAM},
                      {0x20000000, 0x100000, T::ACPI},
                      {0x20100000, 0x5ff00000, T::RAM},
                      {0x80000000, 0x40000000, T::PRAM},
                      {0xfffc0000, 0x40000, T::RESERVED},
                      {0x100000000ull, 0x40000000, T::RAM}}));
}

TEST(E820Cmdline, exactmap_then_ranges) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("memmap=exactmap memmap=640K@0 memmap=255M@1M"));
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_EQ(t, table({{0x0, 0xa0000, T::RAM}, {0x100000, 0xff00000, T::RAM}}));
}

TEST(E820Cmdline, exactmap_with_one_entry_panics) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("memmap=exactmap memmap=1G@0"));
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("Invalid user supplied memory map"), std::string::npos);
}

TEST(E820Cmdline, percent_forms) {
  E820Table t = table({{0x0, 0x100000, T::RAM}, {0x100000, 0x100000, T::RESERVED}});
  auto u = e820_apply_cmdline(t, parse_cmdline("memmap=64K%0x10000-1+2 memmap=64K%0x100000-2 memmap=4K%0x200000+12"));
  ASSERT_TRUE(u.ok()) << u.error().to_string();
  EXPECT_EQ(t, table({{0x0, 0x10000, T::RAM},
                      {0x10000, 0x10000, T::RESERVED},
                      {0x20000, 0xe0000, T::RAM},
                      {0x110000, 0xf0000, T::RESERVED},
                      {0x200000, 0x1000, T::PRAM}}));
}

TEST(E820Cmdline, percent_same_type_is_the_kernel_bug) {
  E820Table t = pc();
  auto u = e820_apply_cmdline(t, parse_cmdline("memmap=1M%0x100000-1+1"));
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.error().message.find("BUG"), std::string::npos);
}

TEST(E820Cmdline, trailing_garbage_applied_then_warned) {
  E820Table t = pc();
  auto u = e820_apply_memory_options(t, parse_cmdline("memmap=1M$0x200000junk"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(t.entries.back(), (E820Entry{0x200000, 0x100000, T::RESERVED}));
  ASSERT_EQ(u->warnings.size(), 1u);
}

TEST(E820Cmdline, bare_memmap_limits_like_mem) {
  E820Table a = pc(), b = pc();
  ASSERT_TRUE(e820_apply_cmdline(a, parse_cmdline("memmap=1G")).ok());
  ASSERT_TRUE(e820_apply_cmdline(b, parse_cmdline("mem=1G")).ok());
  EXPECT_EQ(a, b);
}

TEST(E820Cmdline, no_memory_options_no_userdef) {
  E820Table t = table({{0x0, 0x1000, T::RAM}});
  auto u = e820_apply_cmdline(t, parse_cmdline("quiet movable_node mem=nopentium"));
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->userdef);
  EXPECT_EQ(u->warnings.size(), 1u);
}

}  // namespace
}  // namespace mbv
