// boot_place_kernel's KASLR inputs from a scenario: the loader addresses of
// the command line and boot_params (kernel cmdline-addr= / boot-params-addr=)
// become mem_avoid_init regions, so no slot overlaps them.
#include <gtest/gtest.h>

#include <string>

#include "impl/boot/boot.h"

namespace mbv {
namespace {

constexpr const char* kCmdline = "root=/dev/vda1 console=ttyS0";

Scenario laptop(std::uint64_t random) {
  Scenario s;
  s.name = "kaslr avoid";
  s.cmdline = kCmdline;
  s.e820 = {{0, 0x9fc00, E820Type::RAM},
            {0x9fc00, 0x400, E820Type::RESERVED},
            {0xf0000, 0x10000, E820Type::RESERVED},
            {SZ_1M, SZ_4G - SZ_1G - SZ_1M, E820Type::RAM}};
  s.kernel.size = 0x2e00000;
  s.kernel.kaslr_random = random;
  return s;
}

// Every slot the decompressor could have picked, from the stored slot areas.
std::vector<std::uint64_t> slots_of(const KaslrResult& r) {
  std::vector<std::uint64_t> out;
  for (const SlotArea& a : r.slot_areas)
    for (std::uint64_t k = 0; k < a.num; ++k) out.push_back(a.addr + k * SZ_2M);
  return out;
}

bool overlaps(std::uint64_t a, std::uint64_t size, std::uint64_t start, std::uint64_t len) {
  return a < start + len && start < a + size;
}

const KaslrResult& kaslr_of(const Result<BootState>& st) {
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_TRUE(st->kernel.kaslr.has_value());
  return *st->kernel.kaslr;
}

// The loader put the command line (or boot_params) inside the slot random
// value 7 picks when their addresses are unknown: with the address known,
// that slot is gone, and no remaining slot's image touches the region.
TEST(BootKaslr, command_line_and_boot_params_exclude_their_slots) {
  const std::uint64_t image = kaslr_needed_size(0x2e00000, 0x2e00000);
  auto base = run_boot(laptop(7));
  const KaslrResult& free = kaslr_of(base);
  ASSERT_EQ(free.outcome, KaslrOutcome::Randomized);
  const std::uint64_t picked = base->kernel.text;
  EXPECT_EQ(free.mem_avoid[2], (MemVector{0, 0}));  // address unknown: no region

  for (bool cmdline : {true, false}) {
    Scenario s = laptop(7);
    const std::uint64_t where = picked + image / 2 + 0x123;
    const std::uint64_t len = cmdline ? std::string(kCmdline).size() + 1 : BOOT_PARAMS_SIZE;
    if (cmdline) {
      s.kernel.cmdline_addr = where;
    } else {
      s.kernel.boot_params_addr = where;
    }
    auto st = run_boot(s);
    const KaslrResult& r = kaslr_of(st);
    ASSERT_EQ(r.outcome, KaslrOutcome::Randomized);
    EXPECT_EQ(r.mem_avoid[cmdline ? 2 : 3], (MemVector{where, len}));
    const std::vector<std::uint64_t> slots = slots_of(r);
    EXPECT_EQ(std::find(slots.begin(), slots.end(), picked), slots.end()) << (cmdline ? "cmdline" : "boot_params");
    for (std::uint64_t a : slots) EXPECT_FALSE(overlaps(a, image, where, len)) << std::hex << a;
    EXPECT_FALSE(overlaps(st->kernel.text, image, where, len));
    EXPECT_LT(slots.size(), slots_of(free).size());
  }
}

}  // namespace
}  // namespace mbv
