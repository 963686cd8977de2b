// bottom-up-2013 follows Linux 3.13's memblock_find_in_range_node: bottom-up
// above the kernel's end, and when that fails a top-down retry over the whole
// range with a one-time WARN. The machine below panicked under the earlier
// emulation (hiding [0, _end) during init_mem_mapping, no retry) although 6.1
// boots it; 3.13 boots it too, through the retry.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "impl/boot/boot.h"
#include "model/invariants/invariants.h"
#include "tests/support/boot_run.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;
using test::boot;

constexpr const char* kWarn =
    "memblock: bottom-up allocation failed, memory hotunplug may be affected";

// 127 MiB of RAM, the kernel image at [64M, 112M), an initrd covering all of
// [_end, 128M); movable_node makes the direct map bottom-up and
// debug_pagealloc makes it 4K, so mapping [1M, _end) needs ~56 page-table
// pages beyond brk, and none is free above _end.
constexpr const char* kInitrdAboveKernel = R"(mbverify-scenario 1
name initrd-above-kernel
policy linux-6.1
cmdline root=/dev/vda1 movable_node debug_pagealloc=on nokaslr
cpu pse=1 gbpages=1 la57=0
kernel size=0x3000000 at=0x4000000
BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved
BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved
BIOS-e820: [mem 0x0000000000100000-0x0000000007ffffff] usable
reserve owner=initrd base=0x7000000 size=0x1000000
)";

Scenario scenario_of(const std::string& text) {
  return test::scenario_of(text, "initrd-above-kernel.scenario");
}

InvariantVerdict verdict_of(const InvariantReport& r, std::string_view name) {
  for (const InvariantResult& x : r.results)
    if (x.name == name) return x.verdict;
  ADD_FAILURE() << "no invariant " << name;
  return InvariantVerdict::Failure;
}

bool logged(const BootState& st, std::string_view line) {
  return std::find(st.log.begin(), st.log.end(), line) != st.log.end();
}

TEST(BottomUp2013, linux_6_1_boots_from_below_the_kernel) {
  const BootState st = boot(scenario_of(kInitrdAboveKernel), "linux-6.1");
  ASSERT_FALSE(st.panic) << *st.panic;
  EXPECT_FALSE(logged(st, kWarn));
  EXPECT_EQ(st.mb.legacy_bottom_up_kernel_end, 0u);
  EXPECT_EQ(st.mb.legacy_bottom_up_fallbacks, 0u);
}

// The retry: every memblock page-table page lies below _end, taken top-down:
// first the unused tail of the image's .brk area (free in memblock), then
// the memory under _text; the WARN is logged once; the rule is off again
// after init_mem_mapping.
TEST(BottomUp2013, fallback_top_down_boots) {
  const BootState st = boot(scenario_of(kInitrdAboveKernel), "bottom-up-2013");
  ASSERT_FALSE(st.panic) << *st.panic;
  EXPECT_EQ(std::count(st.log.begin(), st.log.end(), std::string(kWarn)), 1);
  EXPECT_EQ(st.mb.legacy_bottom_up_kernel_end, 0u);
  EXPECT_GT(st.mb.legacy_bottom_up_fallbacks, 0u);
  std::uint64_t pages = 0;
  phys_addr_t highest = 0, lowest = ~phys_addr_t{0};
  for (const PgtAllocRun& r : st.dm.allocs) {
    if (r.source != PgtSource::Memblock) continue;
    EXPECT_TRUE(r.descending);
    EXPECT_LE(r.range().end, st.kernel.end);
    EXPECT_TRUE(r.range().end <= st.kernel.text || r.range().start >= st.kernel.brk.end)
        << "a page-table page inside the image's used part";
    highest = std::max(highest, r.range().end);
    lowest = std::min(lowest, r.range().start);
    pages += r.pages;
  }
  EXPECT_EQ(highest, st.kernel.end);  // the first retry takes the page under _end
  EXPECT_LT(lowest, st.kernel.text);  // the .brk tail is too small for all of them
  EXPECT_EQ(pages, st.mb.legacy_bottom_up_fallbacks);  // one retry per page
  const InvariantReport rep = check_invariants(st);
  EXPECT_EQ(verdict_of(rep, "direct-map"), InvariantVerdict::Holds);
  EXPECT_EQ(verdict_of(rep, "allocation-disjointness"), InvariantVerdict::Holds);
}

// The literal per-page walk and the Fast walker agree under the retry.
TEST(BottomUp2013, fallback_fast_equals_per_page) {
  const Scenario s = scenario_of(kInitrdAboveKernel);
  const BootState fast = boot(s, "bottom-up-2013", WalkMode::Fast);
  const BootState per_page = boot(s, "bottom-up-2013", WalkMode::PerPage);
  EXPECT_EQ(fast.panic, per_page.panic);
  EXPECT_EQ(fast.events, per_page.events);
  EXPECT_EQ(fast.log, per_page.log);
  ASSERT_TRUE(fast.mb_before_handoff && per_page.mb_before_handoff);
  EXPECT_TRUE(*fast.mb_before_handoff == *per_page.mb_before_handoff);
}

// Where bottom-up above _end succeeds (the spill machine) there is no retry.
TEST(BottomUp2013, spill_needs_no_retry) {
  auto s = load_scenario((fs::path(MBV_SOURCE_DIR) / "corpus" / "machines" / "spill-2node.scenario")
                             .string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  const BootState st = boot(*s, "bottom-up-2013");
  ASSERT_FALSE(st.panic) << *st.panic;
  EXPECT_FALSE(logged(st, kWarn));
  EXPECT_EQ(st.mb.legacy_bottom_up_fallbacks, 0u);
}

}  // namespace
}  // namespace mbv
