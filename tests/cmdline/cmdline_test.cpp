// Command-line parsing with the kernel's rules: next_arg quoting, memparse,
// early_param handlers, repeated options, and warn-and-ignore diagnostics.
#include <gtest/gtest.h>

#include "impl/cmdline/cmdline.h"

namespace mbv {
namespace {

TEST(Memparse, suffixes_case_insensitive) {
  EXPECT_EQ(memparse("4k").value, 4ull << 10);
  EXPECT_EQ(memparse("4K").value, 4ull << 10);
  EXPECT_EQ(memparse("3m").value, 3ull << 20);
  EXPECT_EQ(memparse("2G").value, 2ull << 30);
  EXPECT_EQ(memparse("1t").value, 1ull << 40);
  EXPECT_EQ(memparse("1P").value, 1ull << 50);
  EXPECT_EQ(memparse("1e").value, 1ull << 60);
  EXPECT_EQ(memparse("2G@1").consumed, 2u);
}

TEST(Memparse, bases_and_odd_inputs) {
  EXPECT_EQ(memparse("0x10M").value, 16ull << 20);
  EXPECT_EQ(memparse("010").value, 8u);       // octal, as simple_strtoull base 0
  EXPECT_EQ(memparse("09").value, 0u);        // '9' ends an octal number
  EXPECT_EQ(memparse("09").consumed, 1u);
  EXPECT_EQ(memparse("0xg").consumed, 1u);    // "0x" without a hex digit: octal 0
  EXPECT_EQ(memparse("K").consumed, 1u);      // no digits, but the suffix is eaten
  EXPECT_EQ(memparse("K").value, 0u);
  EXPECT_EQ(memparse("").consumed, 0u);
  EXPECT_EQ(memparse("Q").consumed, 0u);      // bad suffix: nothing consumed
  EXPECT_EQ(memparse("12Q").value, 12u);      // bad suffix: number only
  EXPECT_EQ(memparse("12Q").consumed, 2u);
  EXPECT_EQ(memparse("16E").value, 0u);       // 16 << 60 wraps, like the kernel
  EXPECT_EQ(memparse("0x1e").value, 0x1eu);   // hex digit, not the exa suffix
}

TEST(SplitCmdline, quoting_like_next_arg) {
  const auto a = split_cmdline("  foo=\"bar baz\" \"quoted arg\" x=\"a\"b -- mem=1G");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].param, "foo");
  EXPECT_EQ(a[0].val, std::optional<std::string>("bar baz"));
  EXPECT_EQ(a[0].offset, 2u);
  EXPECT_EQ(a[1].param, "quoted arg");
  EXPECT_FALSE(a[1].val);
  EXPECT_EQ(a[2].param, "x");
  EXPECT_EQ(a[2].val, std::optional<std::string>("a\"b"));
}

TEST(SplitCmdline, kernel_blanks) {
  const auto a = split_cmdline("a\tb\xa0" "c\x01" "d");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[2].param, "c\x01" "d");
}

TEST(ParseCmdline, real_line_has_no_memory_options) {
  const auto c = parse_cmdline(
      "BOOT_IMAGE=(hd0,msdos1)/boot/vmlinuz ro console=ttyS0,115200n8 crashkernel=2G-64G:256M,64G-:512M");
  EXPECT_TRUE(c.memory_options.empty());
  ASSERT_TRUE(c.crashkernel);
  EXPECT_EQ(c.crashkernel->form, Crashkernel::Form::Ranges);
  const std::vector<CrashkernelRange> ranges = {{2ull << 30, 64ull << 30, 256ull << 20},
                                                {64ull << 30, ~0ull, 512ull << 20}};
  EXPECT_EQ(c.crashkernel->ranges, ranges);
  EXPECT_TRUE(c.diagnostics.empty());
}

TEST(ParseCmdline, repeated_mem_and_memmap_accumulate_in_order) {
  const auto c = parse_cmdline("mem=4G memmap=exactmap,1G@0 mem=2G memmap=16M$0x1000000");
  EXPECT_EQ(c.mem, std::optional<std::uint64_t>(2ull << 30));
  ASSERT_EQ(c.memory_options.size(), 5u);
  EXPECT_EQ(c.memory_options[0].kind, MemoryOption::Kind::Mem);
  EXPECT_EQ(c.memory_options[1].memmap.kind, MemmapKind::ExactMap);
  EXPECT_EQ(c.memory_options[2].memmap.kind, MemmapKind::Ram);
  EXPECT_EQ(c.memory_options[3].mem.size, 2ull << 30);
  ASSERT_EQ(c.memmap.size(), 3u);
  const MemmapEntry& r = c.memmap[2];
  EXPECT_EQ(r.kind, MemmapKind::Reserved);
  EXPECT_EQ(r.size, 16ull << 20);
  EXPECT_EQ(r.start, 0x1000000u);
  EXPECT_EQ(r.text, "16M$0x1000000");
}

TEST(ParseCmdline, memmap_kinds) {
  const auto c = parse_cmdline("memmap=1G@2G,1M#3G,1M$4G,8G!16G,1G%2G-1+12,1G%2G+2,1G%2G-3,1G%2G,3G");
  ASSERT_EQ(c.memmap.size(), 9u);
  const MemmapKind k[] = {MemmapKind::Ram, MemmapKind::Acpi, MemmapKind::Reserved, MemmapKind::Pram,
                          MemmapKind::Update, MemmapKind::Update, MemmapKind::Update, MemmapKind::Update,
                          MemmapKind::Limit};
  for (int i = 0; i < 9; i++) EXPECT_EQ(c.memmap[i].kind, k[i]) << i;
  EXPECT_EQ(c.memmap[4].from, 1u);
  EXPECT_EQ(c.memmap[4].to, 12u);
  EXPECT_EQ(c.memmap[5].from, 0u);
  EXPECT_EQ(c.memmap[5].to, 2u);
  EXPECT_EQ(c.memmap[6].from, 3u);
  EXPECT_EQ(c.memmap[8].size, 3ull << 30);
  EXPECT_TRUE(c.diagnostics.empty());
}

TEST(ParseCmdline, memmap_bad_suffix_and_garbage) {
  const auto c = parse_cmdline("memmap=1Q@2G memmap=xyz memmap=1G%2Gjunk memmap=");
  ASSERT_EQ(c.memmap.size(), 4u);
  // "1Q@2G": 1 byte, then 'Q' is no operator: a limit with trailing garbage.
  EXPECT_EQ(c.memmap[0].kind, MemmapKind::Limit);
  EXPECT_EQ(c.memmap[0].size, 1u);
  EXPECT_TRUE(c.memmap[0].trailing_garbage);
  EXPECT_EQ(c.memmap[1].kind, MemmapKind::Invalid);
  EXPECT_FALSE(c.memmap[1].sets_userdef);
  EXPECT_EQ(c.memmap[2].kind, MemmapKind::Invalid);
  EXPECT_TRUE(c.memmap[2].sets_userdef);
  EXPECT_EQ(c.memmap[3].kind, MemmapKind::Invalid);
  EXPECT_EQ(c.diagnostics.size(), 4u);
  EXPECT_EQ(c.diagnostics[0].offset, 0u);
  EXPECT_EQ(c.diagnostics[0].message, "memmap=1Q@2G: -EINVAL (applied up to the bad character)");
}

TEST(ParseCmdline, kernelcore_forms_as_the_kernel_leaves_them) {
  auto c = parse_cmdline("kernelcore=1G kernelcore=10%");
  EXPECT_EQ(c.kernelcore, (CoreSpec{(1ull << 30) >> 12, 10}));  // the size stays
  c = parse_cmdline("kernelcore=10% kernelcore=512M");
  EXPECT_EQ(c.kernelcore, (CoreSpec{(512ull << 20) >> 12, 0}));
  c = parse_cmdline("kernelcore=mirror movablecore=0x10%");
  EXPECT_TRUE(c.kernelcore_mirror);
  EXPECT_EQ(c.kernelcore, CoreSpec{});
  EXPECT_EQ(c.movablecore, (CoreSpec{0, 16}));
  c = parse_cmdline("kernelcore=150%");
  EXPECT_EQ(c.diagnostics.size(), 1u);
}

TEST(ParseCmdline, kernelcore_without_value_is_a_61_crash) {
  const auto c = parse_cmdline("kernelcore");
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_NE(c.diagnostics[0].message.find("NULL"), std::string::npos);
}

TEST(ParseCmdline, switches_and_their_quirks) {
  const auto c = parse_cmdline(
      "movable-node=0 numa=offline acpi=off memblock=nodebug gbpages nogbpages debug_pagealloc=on "
      "acpi_rsdp=0xf0490 memory-hotplug.memmap-on-memory=y");
  EXPECT_TRUE(c.movable_node);  // any value, and dashes match underscores
  EXPECT_TRUE(c.numa_off);      // prefix match
  EXPECT_TRUE(c.acpi_off);
  EXPECT_TRUE(c.memblock_debug);  // strstr("nodebug", "debug")
  EXPECT_EQ(c.gbpages, std::optional<bool>(false));
  EXPECT_TRUE(c.debug_pagealloc);
  EXPECT_EQ(c.acpi_rsdp, std::optional<std::uint64_t>(0xf0490));
  EXPECT_EQ(c.memmap_on_memory, std::optional<bool>(true));
  EXPECT_TRUE(c.diagnostics.empty());
}

TEST(ParseCmdline, last_wins_and_malformed_values) {
  const auto c = parse_cmdline("acpi=off acpi=force debug_pagealloc=maybe acpi_rsdp=zz numa=noacpi "
                               "memory_hotplug.memmap_on_memory");
  EXPECT_FALSE(c.acpi_off);
  EXPECT_FALSE(c.debug_pagealloc);
  EXPECT_FALSE(c.acpi_rsdp);
  EXPECT_TRUE(c.numa_noacpi);
  EXPECT_EQ(c.memmap_on_memory, std::optional<bool>(true));  // bool param without value
  ASSERT_EQ(c.diagnostics.size(), 2u);
  EXPECT_EQ(c.diagnostics[0].message, "Malformed early option 'debug_pagealloc': not a boolean");
  EXPECT_EQ(c.diagnostics[1].offset, 42u);
}

TEST(ParseCmdline, nokaslr_is_a_whole_word_even_after_dashes) {
  EXPECT_TRUE(parse_cmdline("quiet nokaslr").nokaslr);
  EXPECT_FALSE(parse_cmdline("nokaslr=1").nokaslr);
  EXPECT_FALSE(parse_cmdline("xnokaslr").nokaslr);
  const auto c = parse_cmdline("mem=1G -- nokaslr mem=2G");
  EXPECT_TRUE(c.nokaslr);  // the decompressor scans the raw line
  EXPECT_EQ(c.mem, std::optional<std::uint64_t>(1ull << 30));  // parse_args stops at --
  EXPECT_EQ(cmdline_find_option_bool("a\x01nokaslr", "nokaslr"), 3);
}

TEST(ParseCmdline, nokaslr_after_a_near_miss_is_not_seen_by_the_decompressor) {
  // arch/x86/boot/cmdline.c swallows the blank that ends a mismatched word.
  EXPECT_FALSE(parse_cmdline("nokas nokaslr").nokaslr);
  EXPECT_EQ(cmdline_find_option_bool("nokas nokaslr", "nokaslr"), 0);
  EXPECT_EQ(lib_cmdline_find_option_bool("nokas nokaslr", "nokaslr"), 7);
  EXPECT_TRUE(parse_cmdline("nokas  nokaslr").nokaslr);  // a second blank starts a word
  EXPECT_TRUE(parse_cmdline("quiet nokaslr").nokaslr);   // a full mismatch is skipped normally
}

TEST(ParseCmdline, hugepages_pairs_and_kaslr_1g_rule) {
  auto c = parse_cmdline("hugepagesz=1G hugepages=4 hugepagesz=2M hugepages=512");
  const std::vector<HugepageRequest> pairs = {{1ull << 30, 4}, {2ull << 20, 512}};
  EXPECT_EQ(c.hugepages, pairs);
  EXPECT_EQ(c.kaslr_gb_huge_pages(), 4u);
  EXPECT_EQ(parse_cmdline("hugepages=3 hugepagesz=1G").kaslr_gb_huge_pages(), 0u);
  EXPECT_EQ(parse_cmdline("hugepagesz=2M hugepagesz=1G hugepages=2").kaslr_gb_huge_pages(), 2u);
  EXPECT_EQ(parse_cmdline("hugepagesz=1G hugepagesz=2M hugepages=2").kaslr_gb_huge_pages(), 0u);
}

TEST(Crashkernel, forms) {
  auto c = parse_cmdline("crashkernel=256M@16M crashkernel=512M,high crashkernel=128M,low");
  ASSERT_TRUE(c.crashkernel && c.crashkernel_high && c.crashkernel_low);
  EXPECT_EQ(c.crashkernel->form, Crashkernel::Form::Simple);
  EXPECT_EQ(c.crashkernel->size, 256ull << 20);
  EXPECT_EQ(c.crashkernel->offset, 16ull << 20);
  EXPECT_EQ(c.crashkernel_high->size, 512ull << 20);
  EXPECT_EQ(c.crashkernel_low->size, 128ull << 20);
  // The last suffix-less crashkernel= wins.
  c = parse_cmdline("crashkernel=1G crashkernel=2G");
  EXPECT_EQ(c.crashkernel->size, 2ull << 30);
}

TEST(Crashkernel, ranges_pick_by_system_ram) {
  const std::string line = "crashkernel=512M-2G:64M,2G-:128M@16M";
  auto v = parse_crashkernel(line, 1ull << 30);
  EXPECT_EQ(v.ret, 0);
  EXPECT_EQ(v.size, 64ull << 20);
  EXPECT_EQ(v.base, 16ull << 20);  // "@" after the whole list
  v = parse_crashkernel(line, 8ull << 30);
  EXPECT_EQ(v.size, 128ull << 20);
  v = parse_crashkernel(line, 256ull << 20);
  EXPECT_EQ(v.ret, 0);
  EXPECT_EQ(v.size, 0u);
  EXPECT_EQ(v.warning, "crashkernel size resulted in zero bytes");
  EXPECT_EQ(parse_crashkernel("quiet", 1ull << 30).ret, -KERN_ENOENT);
}

TEST(Crashkernel, malformed_values_warn) {
  auto v = parse_crashkernel("crashkernel=2G-1G:64M", 4ull << 30);
  EXPECT_EQ(v.ret, -KERN_EINVAL);
  EXPECT_EQ(v.warning, "end <= start");
  v = parse_crashkernel("crashkernel=64Mx", 4ull << 30);
  EXPECT_EQ(v.ret, -KERN_EINVAL);
  EXPECT_EQ(v.warning, "unrecognized char: x");
  v = parse_crashkernel("crashkernel=1G-:8G", 4ull << 30);
  EXPECT_EQ(v.warning, "invalid size");
  const auto c = parse_cmdline("crashkernel=abc");
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].message, "crashkernel=abc: memory value expected");
}

TEST(WriteCmdline, canonical_and_reparses_the_same) {
  const auto c = parse_cmdline(
      "BOOT_IMAGE=/vmlinuz mem=4G memmap=1G%2G-1+12,junk movable_node kernelcore=1G kernelcore=5% "
      "kernelcore=mirror movablecore=10% nokaslr numa=off acpi=off memblock=debug hugepagesz=1G "
      "hugepages=2 default_hugepagesz=2M nogbpages debug_pagealloc=on acpi_rsdp=0xf0000 "
      "memory_hotplug.memmap_on_memory=0 crashkernel=2G-:256M crashkernel=1G,high");
  auto w = write_cmdline(c);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w,
            "mem=0x100000000 memmap=0x40000000%0x80000000-1+12 memmap=? movable_node "
            "kernelcore=0x40000000 kernelcore=5% kernelcore=mirror movablecore=10% nokaslr numa=off "
            "acpi=off memblock=debug hugepagesz=0x40000000 hugepages=2 default_hugepagesz=0x200000 "
            "nogbpages debug_pagealloc=on acpi_rsdp=0xf0000 memory_hotplug.memmap_on_memory=0 "
            "crashkernel=2G-:256M crashkernel=1G,high");
  EXPECT_TRUE(same_options(parse_cmdline(*w), c));
}

TEST(WriteCmdline, crashkernel_with_tab_cannot_be_printed) {
  const auto c = parse_cmdline("crashkernel=1G\tmem=2G");
  EXPECT_FALSE(write_cmdline(c).ok());
}

}  // namespace
}  // namespace mbv
