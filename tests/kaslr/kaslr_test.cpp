// choose_random_location (arch/x86/boot/compressed/kaslr.c): slot areas,
// command-line quirks, the 1G-hugepage rule, the immovable filter.
#include <gtest/gtest.h>

#include <algorithm>

#include "impl/kaslr/kaslr.h"

namespace mbv {
namespace {

constexpr std::uint64_t MB = SZ_1M;

// A BIOS machine: RAM [0, 0x9f000) and [1M, top); the compressed kernel was
// loaded so that the ZO range is [56M, 96M); boot_params and the command line
// sit below 1M; the decompressed image needs 64M.
KaslrInput machine(std::uint64_t top, std::string cmdline = "") {
  KaslrInput in;
  in.e820 = {{0, 0x9f000, E820Type::RAM}, {0x9f000, 0x61000, E820Type::RESERVED},
             {SZ_1M, top - SZ_1M, E820Type::RAM}};
  in.cmdline = std::move(cmdline);
  in.cmdline_addr = 0x20000;
  in.boot_params_addr = 0x10000;
  in.output = 16 * MB;
  in.input = 56 * MB;
  in.init_size = 80 * MB;
  in.image_size = 64 * MB;
  return in;
}

std::uint64_t slots_in(std::uint64_t lo, std::uint64_t hi, std::uint64_t image) {
  return 1 + (hi - lo - image) / SZ_2M;
}

// One usable stretch [96M, 4G) after the ZO range: slot k is 96M + k*2M.
TEST(KaslrPhysical, simple) {
  KaslrInput in = machine(SZ_4G);
  in.rand_phys = 5;
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::Randomized);
  EXPECT_EQ(r->minimum, 16 * MB);
  EXPECT_EQ(r->mem_limit, std::uint64_t{1} << 46);
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{{96 * MB, slots_in(96 * MB, SZ_4G, 64 * MB)}}));
  EXPECT_EQ(r->slot_max, 1969u);
  EXPECT_EQ(r->phys, 106 * MB);
  EXPECT_EQ(enumerate_all_slots(in), kaslr_reference_slots(in));
}

TEST(KaslrPhysical, nokaslr) {
  KaslrInput in = machine(SZ_4G, "quiet nokaslr root=/dev/sda");
  in.rand_virt = 7;
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::Nokaslr);
  EXPECT_EQ(r->phys, 16 * MB);
  EXPECT_EQ(r->virt, LOAD_PHYSICAL_ADDR);
  // only a whole word counts
  EXPECT_EQ(choose_random_location(machine(SZ_4G, "nokaslr=1"))->outcome, KaslrOutcome::Randomized);
}

// No command line at all (cmd_line_ptr == 0): cmdline_find_option_bool
// returns -1, which reads as "nokaslr".
TEST(KaslrPhysical, no_command_line_disables) {
  KaslrInput in = machine(SZ_4G);
  in.has_cmdline = false;
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::Nokaslr);
  EXPECT_EQ(r->phys, in.output);
  EXPECT_TRUE(enumerate_all_slots(in).empty());
}

TEST(KaslrPhysical, virtual_offset) {
  KaslrInput in = machine(SZ_4G);
  in.rand_virt = 3 + 1000 * (1 + (SZ_1G - 16 * MB - 64 * MB) / SZ_2M);
  EXPECT_EQ(choose_random_location(in)->virt, 16 * MB + 6 * MB);
}

// A fifth region inside one memmap= parameter sets memmap_too_large.
TEST(KaslrMemmap, fifth_region_disables) {
  KaslrInput in = machine(SZ_4G,
                          "memmap=1M$0x40000000,1M$0x50000000,1M$0x60000000,1M$0x70000000,"
                          "1M$0x80000000");
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::MemmapTooLarge);
  EXPECT_EQ(r->phys, in.output);
  EXPECT_TRUE(enumerate_all_slots(in).empty());
}

// Once four regions are stored, a later memmap= parameter is skipped
// silently: the kernel may land on the region it names.
TEST(KaslrMemmap, later_parameter_silently_skipped) {
  KaslrInput in = machine(SZ_4G,
                          "memmap=1M$0x40000000,1M$0x50000000,1M$0x60000000,1M$0x70000000 "
                          "memmap=512M$0x90000000");
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->options.memmap_too_large);
  EXPECT_EQ(r->options.memmap.size(), 4u);
  const auto slots = enumerate_all_slots(in);
  EXPECT_TRUE(std::any_of(slots.begin(), slots.end(), [](std::uint64_t a) {
    return a + 64 * MB > 0x90000000ull && a < 0xb0000000ull;
  }));
  // the stored regions are avoided
  EXPECT_FALSE(std::any_of(slots.begin(), slots.end(), [](std::uint64_t a) {
    return a < 0x40100000ull && a + 64 * MB > 0x40000000ull;
  }));
  EXPECT_EQ(slots, kaslr_reference_slots(in));
}

// The counter is shared with efi_fake_mem=.
TEST(KaslrMemmap, counter_shared_with_efi_fake_mem) {
  KaslrInput in = machine(SZ_4G,
                          "efi_fake_mem=1M@0x40000000:0x40000,1M@0x50000000:0x40000 "
                          "memmap=1M$0x60000000,1M$0x70000000,1M$0x80000000");
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::MemmapTooLarge);
  EXPECT_EQ(r->options.memmap.size(), 4u);
}

// memmap=N%S-T+U is parsed as a plain size: it acts like mem=N.
TEST(KaslrMemmap, percent_is_mem_limit) {
  KaslrInput in = machine(SZ_4G, "memmap=2G%0x100000000-1+2");
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mem_limit, 2 * SZ_1G);
  EXPECT_TRUE(r->options.memmap.empty());
  for (std::uint64_t a : enumerate_all_slots(in)) EXPECT_LE(a + 64 * MB, 2 * SZ_1G);
}

// A region at address 0 is a limit too; 64M leaves no room above 16M.
TEST(KaslrMemmap, region_at_zero_is_a_limit) {
  auto r = choose_random_location(machine(SZ_4G, "memmap=64M$0"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mem_limit, 64 * MB);
  EXPECT_EQ(r->outcome, KaslrOutcome::TooSmall);
}

TEST(KaslrMemmap, exactmap_ends_parameter_and_at_is_ignored) {
  auto r = choose_random_location(machine(SZ_4G, "memmap=exactmap,1M$0x40000000 memmap=1G@0x100000000"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->options.memmap.empty());
  EXPECT_EQ(r->mem_limit, std::uint64_t{1} << 46);
}

TEST(KaslrMemmap, mem_limit_and_mem_zero_stops_parsing) {
  EXPECT_EQ(choose_random_location(machine(SZ_4G, "mem=1G"))->mem_limit, SZ_1G);
  auto r = choose_random_location(machine(SZ_4G, "mem=0 memmap=1M$0x40000000 mem=1G"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->options.memmap.empty());
  EXPECT_EQ(r->mem_limit, std::uint64_t{1} << 46);
  EXPECT_FALSE(choose_random_location(machine(SZ_4G, "mem")).ok());  // NULL in the decompressor
}

// hugepagesz=1G hugepages=2 keeps the first two whole gigabytes of the first
// region that has any: [1G, 3G) gets no slot.
TEST(KaslrHugepages, one_gig_slot_rule) {
  KaslrInput in = machine(8 * SZ_1G, "hugepagesz=1G hugepages=2");
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->options.max_gb_huge_pages, 2u);
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{
                               {96 * MB, slots_in(96 * MB, SZ_1G, 64 * MB)},
                               {3 * SZ_1G, slots_in(3 * SZ_1G, 8 * SZ_1G, 64 * MB)}}));
  EXPECT_EQ(enumerate_all_slots(in), kaslr_reference_slots(in));
  // a 2M hugepage size, or a later non-1G size, turns the rule off
  EXPECT_EQ(choose_random_location(machine(8 * SZ_1G, "hugepagesz=2M hugepages=2"))->slot_areas.size(), 1u);
  EXPECT_EQ(choose_random_location(machine(8 * SZ_1G, "hugepagesz=1G hugepagesz=2M hugepages=2"))
                ->options.max_gb_huge_pages,
            0u);
}

// Head and tail of exactly one image around the kept gigabytes still get
// their one slot (the kernel compares with >=).
TEST(KaslrHugepages, head_and_tail_of_exactly_one_image) {
  KaslrInput in = machine(8 * SZ_1G + 64 * MB, "hugepagesz=1G hugepages=7");
  in.input = 16 * MB;
  in.init_size = SZ_1G - 80 * MB;  // ZO range [16M, 1G-64M)
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{{SZ_1G - 64 * MB, 1}, {8 * SZ_1G, 1}}));
  EXPECT_EQ(enumerate_all_slots(in), kaslr_reference_slots(in));
}

// With the immovable filter active, slots lie in candidate ∩ immovable.
TEST(KaslrImmovable, filter) {
  KaslrInput in = machine(8 * SZ_1G);
  in.immovable = {{0, 2 * SZ_1G}, {6 * SZ_1G, SZ_1G}};
  in.immovable_filter_active = true;
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{
                               {96 * MB, slots_in(96 * MB, 2 * SZ_1G, 64 * MB)},
                               {6 * SZ_1G, slots_in(6 * SZ_1G, 7 * SZ_1G, 64 * MB)}}));
  EXPECT_EQ(enumerate_all_slots(in), kaslr_reference_slots(in));
  in.immovable_filter_active = false;  // too many entries, no RSDP, acpi=off
  EXPECT_EQ(choose_random_location(in)->slot_areas.size(), 1u);
}

// Regression (fuzz/kaslr, corpus/kaslr/regression-slot-at-address-zero):
// with output 0 the minimum is 0, slot 0 can be address 0, and the kernel
// reads a 0 result as failure. The model once called that "randomized".
TEST(KaslrPhysical, slot_at_address_zero_reads_as_failure) {
  KaslrInput in;
  in.e820 = {{0, SZ_1G, E820Type::RAM}};
  in.output = 0;
  in.image_size = SZ_2M;
  in.boot_params_addr = 2 * SZ_1G;
  in.rand_phys = 0;
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->minimum, 0u);
  EXPECT_EQ(enumerate_all_slots(in).at(0), 0u);
  EXPECT_EQ(r->outcome, KaslrOutcome::PickedZero);
  EXPECT_FALSE(r->physical_randomized());
  EXPECT_EQ(r->phys, 0u);
  in.rand_phys = 1;
  EXPECT_EQ(choose_random_location(in)->phys, SZ_2M);
}

TEST(KaslrPhysical, zero_slots_disables) {
  KaslrInput in = machine(100 * MB);
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, KaslrOutcome::NoSlots);
  EXPECT_EQ(r->phys, in.output);
  EXPECT_EQ(r->slot_max, 0u);
}

// Only the first 128 raw entries are read, in table order, RAM only, and
// a RESERVED entry overlapping RAM does not stop slots there (11.2 item 9).
TEST(KaslrPhysical, raw_table_first_128_entries) {
  KaslrInput in = machine(SZ_1G);
  in.e820.push_back({SZ_1G / 2, SZ_1G / 4, E820Type::RESERVED});
  while (in.e820.size() < 128) in.e820.push_back({0, 0, E820Type::RESERVED});
  in.e820.push_back({4 * SZ_1G, 4 * SZ_1G, E820Type::RAM});
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{{96 * MB, slots_in(96 * MB, SZ_1G, 64 * MB)}}));
}

TEST(KaslrPhysical, setup_data_and_indirect_avoided) {
  KaslrInput in = machine(SZ_4G);
  in.setup_data = {{SZ_1G, 1, 100, 0, 0, 0},
                   {SZ_2M, SETUP_INDIRECT, 24, 1, 2 * SZ_1G, SZ_4K}};
  const auto slots = enumerate_all_slots(in);
  for (std::uint64_t a : slots) {
    EXPECT_FALSE(a < SZ_1G + 116 && a + 64 * MB > SZ_1G);
    EXPECT_FALSE(a < 2 * SZ_1G + SZ_4K && a + 64 * MB > 2 * SZ_1G);
  }
  EXPECT_EQ(slots, kaslr_reference_slots(in));
}

// mem_avoid_init: the command line is avoided over strnlen(cmdline,
// COMMAND_LINE_SIZE-1) + 1 bytes (its NUL included), boot_params over 4096.
// Each region ends exactly at a 2M slot boundary or one byte past it, so a
// slot starting there is kept or excluded by that one byte.
TEST(KaslrPhysical, command_line_and_boot_params_avoided) {
  const std::string cmd = "root=/dev/sda1 quiet";  // 20 bytes + NUL
  auto has = [](const std::vector<std::uint64_t>& v, std::uint64_t a) {
    return std::find(v.begin(), v.end(), a) != v.end();
  };
  auto overlaps = [](std::uint64_t a, std::uint64_t s, std::uint64_t start, std::uint64_t size) {
    return a < start + size && start < a + s;
  };
  KaslrInput in = machine(SZ_4G, cmd);
  in.cmdline_addr = SZ_1G - cmd.size() - 1;  // the NUL is the last byte below 1G
  in.boot_params_addr = 2 * SZ_1G - BOOT_PARAMS_SIZE;
  auto clear = enumerate_all_slots(in);
  EXPECT_TRUE(has(clear, SZ_1G));
  EXPECT_TRUE(has(clear, 2 * SZ_1G));
  EXPECT_FALSE(has(clear, SZ_1G - 64 * MB));      // its image ends at 1G, over the command line
  EXPECT_FALSE(has(clear, 2 * SZ_1G - 64 * MB));  // ... over boot_params
  EXPECT_EQ(clear, kaslr_reference_slots(in));

  in.cmdline_addr += 1;      // the NUL now sits at 1G
  in.boot_params_addr += 1;  // boot_params' last byte now sits at 2G
  auto slots = enumerate_all_slots(in);
  EXPECT_FALSE(has(slots, SZ_1G));
  EXPECT_FALSE(has(slots, 2 * SZ_1G));
  for (std::uint64_t a : slots) {
    EXPECT_FALSE(overlaps(a, 64 * MB, in.cmdline_addr, cmd.size() + 1)) << std::hex << a;
    EXPECT_FALSE(overlaps(a, 64 * MB, in.boot_params_addr, BOOT_PARAMS_SIZE)) << std::hex << a;
  }
  EXPECT_EQ(slots, kaslr_reference_slots(in));
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->mem_avoid[2], (MemVector{in.cmdline_addr, cmd.size() + 1}));
  EXPECT_EQ(r->mem_avoid[3], (MemVector{in.boot_params_addr, BOOT_PARAMS_SIZE}));

  // Unknown (0) command-line address: no command-line avoid region at all.
  in.cmdline_addr = 0;
  EXPECT_TRUE(has(enumerate_all_slots(in), SZ_1G));
}

// Only the first COMMAND_LINE_SIZE-1 bytes count, plus one for the NUL the
// decompressor assumes: a longer command line is avoided over 2048 bytes.
TEST(KaslrPhysical, long_command_line_avoided_over_2048_bytes) {
  KaslrInput in = machine(SZ_4G, std::string(3000, 'a'));
  in.cmdline_addr = SZ_1G - COMMAND_LINE_SIZE;
  auto slots = enumerate_all_slots(in);
  EXPECT_NE(std::find(slots.begin(), slots.end(), SZ_1G), slots.end());
  in.cmdline_addr += 1;
  slots = enumerate_all_slots(in);
  EXPECT_EQ(std::find(slots.begin(), slots.end(), SZ_1G), slots.end());
  EXPECT_EQ(slots, kaslr_reference_slots(in));
}

TEST(KaslrEfi, mirror_and_soft_reserved) {
  KaslrInput in = machine(SZ_4G);
  in.efi_boot = true;
  in.efi = {{EFI_CONVENTIONAL_MEMORY, SZ_1M, (SZ_1G - SZ_1M) >> 12, 0},
            {EFI_CONVENTIONAL_MEMORY, SZ_1G, SZ_1G >> 12, EFI_MEMORY_MORE_RELIABLE},
            {EFI_CONVENTIONAL_MEMORY, 2 * SZ_1G, SZ_1G >> 12, EFI_MEMORY_MORE_RELIABLE | EFI_MEMORY_SP},
            {4, 3 * SZ_1G, SZ_1G >> 12, EFI_MEMORY_MORE_RELIABLE}};
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_areas, (std::vector<SlotArea>{{SZ_1G, slots_in(SZ_1G, 2 * SZ_1G, 64 * MB)}}));
  in.efi_soft_reserve_enabled = false;
  EXPECT_EQ(choose_random_location(in)->slot_areas.size(), 2u);
  EXPECT_EQ(enumerate_all_slots(in), kaslr_reference_slots(in));
}

// At most 100 slot areas: the real list is a prefix of the brute-force one.
TEST(KaslrPhysical, slot_area_cap) {
  KaslrInput in = machine(SZ_1M + 2 * MB);
  in.image_size = 2 * MB;
  for (std::uint64_t i = 0; i < 120; ++i)
    in.e820.push_back({SZ_1G + i * 8 * MB, 4 * MB, E820Type::RAM});
  auto r = choose_random_location(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->slot_areas.size(), MAX_SLOT_AREA);
  EXPECT_TRUE(r->slot_areas_full);
  const auto fast = enumerate_all_slots(in), ref = kaslr_reference_slots(in);
  ASSERT_LT(fast.size(), ref.size());
  EXPECT_TRUE(std::equal(fast.begin(), fast.end(), ref.begin()));
}

}  // namespace
}  // namespace mbv
