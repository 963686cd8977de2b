// decode_fuzz_machine's fixed kernel: a loader puts the image into firmware
// RAM, so every decoded machine with a fixed kernel has the whole image inside
// one e820 RAM entry (2M-aligned, at or above LOAD_PHYSICAL_ADDR, below 4G),
// the slot byte picks among those starts, and bytes whose map has no such
// start are not a machine.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "impl/boot/fuzz_machine.h"
#include "impl/kaslr/memory_kaslr.h"
#include "tests/boot/boot_machine_gen.h"

namespace mbv {
namespace {

constexpr std::uint64_t kImage = 0x3000000;  // the decoder's kernel size
constexpr std::uint8_t kKaslrBit = 32;

// Every start a loader could use, by walking each RAM entry in 2M steps (the
// oracle; the decoder counts them arithmetically).
std::vector<std::uint64_t> fixed_starts(const std::vector<E820Entry>& e820) {
  std::vector<std::uint64_t> out;
  for (const E820Entry& e : e820) {
    if (e.type != E820Type::RAM) continue;
    for (std::uint64_t at = SZ_16M; at + kImage <= SZ_4G; at += SZ_2M)
      if (at >= e.addr && at + kImage <= e.end()) out.push_back(at);
  }
  return out;
}

bool inside_one_ram_entry(const Scenario& s) {
  for (const E820Entry& e : s.e820)
    if (e.type == E820Type::RAM && *s.kernel.at >= e.addr && *s.kernel.at + s.kernel.size <= e.end()) return true;
  return false;
}

std::vector<std::uint8_t> with_switch(std::vector<std::uint8_t> b, bool kaslr) {
  b[1] = static_cast<std::uint8_t>(kaslr ? b[1] | kKaslrBit : b[1] & ~kKaslrBit);
  return b;
}

// 40 bytes always hold the longest layout (4 + 6 * 3 + 4 * 2 + 8).
TEST(FuzzMachine, fixed_kernel_within_one_ram_entry) {
  const std::string failure = testgen::check_cases("FuzzMachine/fixed_kernel_within_one_ram_entry", 5000, [] {
    const auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(40, rc::gen::arbitrary<std::uint8_t>());
    const std::vector<std::uint8_t> fixed = with_switch(bytes, false), kaslr = with_switch(bytes, true);
    // The KASLR reading of the same bytes: the same map, and its length tells
    // where the kernel bytes start (the shortest prefix that decodes).
    const auto mk = decode_fuzz_machine(kaslr);
    RC_ASSERT(mk.has_value());
    std::size_t len = 4;
    while (!decode_fuzz_machine(std::span(kaslr).first(len))) ++len;
    const std::uint8_t slot = fixed[len - 8];
    const std::vector<std::uint64_t> starts = fixed_starts(mk->e820);
    const auto mf = decode_fuzz_machine(fixed);
    if (starts.empty()) {
      RC_TAG("no room");
      RC_ASSERT(!mf.has_value());
      return;
    }
    RC_TAG(starts.size() > 256 ? "over 256 starts" : "up to 256 starts");
    RC_ASSERT(mf.has_value());
    RC_ASSERT(mf->e820 == mk->e820);
    RC_ASSERT(mf->kernel.at.has_value());
    RC_ASSERT(!mf->kernel.kaslr_random.has_value());
    RC_ASSERT(mf->kernel.size == kImage);
    RC_ASSERT(inside_one_ram_entry(*mf));
    RC_ASSERT(*mf->kernel.at == starts[(std::size_t{slot} * 8) % starts.size()]);
  });
  EXPECT_TRUE(failure.empty()) << failure;
}

// RAM [1M, 1G) and [1G, 2G): 481 starts in the first entry (16M .. 976M),
// 489 in the second (1G .. 2G - 48M).
std::vector<std::uint8_t> two_ram_entries(std::uint8_t slot) {
  return {1, 1, 1, 1, 0, 15, 0, 0, 15, 0, 1, 0, 1, 1, slot};
}

TEST(FuzzMachine, slot_steps_16m_inside_an_entry) {
  const auto at = [](std::uint8_t slot) { return decode_fuzz_machine(two_ram_entries(slot))->kernel.at; };
  EXPECT_EQ(at(0), SZ_16M);
  EXPECT_EQ(at(1), 2 * SZ_16M);
  EXPECT_EQ(at(60), SZ_16M + 60 * SZ_16M);  // the last start of [1M, 1G)
  EXPECT_EQ(at(61), SZ_1G + 7 * SZ_2M);     // candidate 488, the 8th of [1G, 2G)
  EXPECT_EQ(at(255), SZ_16M + 100 * SZ_2M);  // 2040 mod 970 = 100: wraps
}

// RAM [1M, 128M), a hole, reserved [256M, 384M): slot 20 was 336M (in the
// reserved segment); now candidate 160 mod 33 (16M .. 80M) = 28, i.e. 72M.
TEST(FuzzMachine, slot_past_the_ram_wraps_into_it) {
  const auto m = decode_fuzz_machine(std::vector<std::uint8_t>{0, 0, 1, 0, 0, 1, 0, 2, 1, 1, 1, 0, 20});
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->e820.size(), 5u);
  EXPECT_EQ(m->e820[3], (E820Entry{SZ_1M, 127 * SZ_1M, E820Type::RAM}));
  EXPECT_EQ(m->e820[4], (E820Entry{256 * SZ_1M, 128 * SZ_1M, E820Type::RESERVED}));
  EXPECT_EQ(m->kernel.at, 72 * SZ_1M);
}

// No RAM entry holds the 48 MiB image: only reserved segments, or RAM only
// above 4G. The same bytes with KASLR still decode (the pipeline then keeps
// the kernel at 16M, where KASLR finds no slot either).
TEST(FuzzMachine, no_room_is_not_a_machine) {
  const std::vector<std::uint8_t> reserved_only{0, 0, 1, 0, 0, 15, 1, 0, 15, 2, 1, 0, 0};
  const std::vector<std::uint8_t> ram_above_4g{0, 0, 2, 0, 15, 31, 1, 0, 31, 1, 0, 31, 0, 1, 0, 0};
  for (const auto& b : {reserved_only, ram_above_4g}) {
    EXPECT_FALSE(decode_fuzz_machine(b).has_value());
    std::vector<std::uint8_t> k = with_switch(b, true);
    k.resize(b.size() - 1 + 8, 7);
    const auto m = decode_fuzz_machine(k);
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(fixed_starts(m->e820).empty());
  }
}

// A 64 MiB RAM entry holds the image wherever it lies: the first segment,
// [1M, 64M), has exactly one start, 16M (its image ends at 64M).
TEST(FuzzMachine, smallest_ram_segment_has_one_start) {
  for (std::uint8_t slot : {0, 1, 255}) {
    const auto m = decode_fuzz_machine(std::vector<std::uint8_t>{0, 0, 0, 0, 0, 0, 0, 1, 0, slot});
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->e820.back(), (E820Entry{SZ_1M, 63 * SZ_1M, E820Type::RAM}));
    EXPECT_EQ(m->kernel.at, SZ_16M);
  }
}

// The optional paging byte: la57, and a memory-KASLR value from the table,
// each of which puts the first 256 TiB boundary at its (index + 1) GiB.
TEST(FuzzMachine, paging_byte_reaches_the_5_level_wrap) {
  const std::vector<std::uint8_t> base{0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
  const auto plain = decode_fuzz_machine(base);
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->cpu.la57);
  EXPECT_FALSE(plain->kernel.kaslr_random_mem.has_value());
  for (std::uint8_t i = 0; i < 16; ++i) {
    std::vector<std::uint8_t> b = base;
    b.push_back(static_cast<std::uint8_t>(1 | 2 | i << 2));
    const auto m = decode_fuzz_machine(b);
    ASSERT_TRUE(m.has_value());
    EXPECT_TRUE(m->cpu.la57);
    ASSERT_EQ(m->kernel.kaslr_random_mem, std::optional<std::uint64_t>(kPgdBoundaryAt[i]));
    EXPECT_EQ(m->kernel.at, plain->kernel.at);
    MemoryKaslrInput in;
    in.five_level = true;
    in.max_pfn = 1;
    in.random = kPgdBoundaryAt[i];
    const std::uint64_t off = kernel_randomize_memory(in).page_offset_base & ((std::uint64_t{1} << 48) - 1);
    EXPECT_EQ((std::uint64_t{1} << 48) - off, (i + 1) * SZ_1G) << int(i);
    in.max_pfn = (16 * SZ_1G) >> PAGE_SHIFT;  // the same base for any memory size
    EXPECT_EQ(kernel_randomize_memory(in).page_offset_base & ((std::uint64_t{1} << 48) - 1), off);
  }
}

}  // namespace
}  // namespace mbv
