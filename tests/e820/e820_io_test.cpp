// e820 readers and writers: the kernel's printed table, sysfs memmap,
// boot_params bytes; every error path names the file and the line/byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "impl/e820/e820.h"

namespace mbv {
namespace {

using T = E820Type;

E820Table table(std::vector<E820Entry> e) {
  E820Table t;
  t.entries = std::move(e);
  return t;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("mbv_e820_" + name + "_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  std::filesystem::remove_all(p);
  return p;
}

TEST(E820Print, kernel_format) {
  const E820Table t = table({{0x0, 0x9fc00, T::RAM},
                             {0x9fc00, 0x400, T::RESERVED},
                             {0x7ff00000, 0x100000, T::ACPI},
                             {0x7fe00000, 0x1000, T::NVS},
                             {0x80000000, 0x1000, T::UNUSABLE},
                             {0x100000000ull, 0x1000, T::PMEM},
                             {0x200000000ull, 0x1000, T::PRAM},
                             {0x300000000ull, 0x1000, T::SOFT_RESERVED},
                             {0x400000000ull, 0x1000, T::RESERVED_KERN},
                             {0x500000000ull, 0x1000, static_cast<T>(99)}});
  EXPECT_EQ(e820_print_table(t),
            "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
            "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
            "BIOS-e820: [mem 0x000000007ff00000-0x000000007fffffff] ACPI data\n"
            "BIOS-e820: [mem 0x000000007fe00000-0x000000007fe00fff] ACPI NVS\n"
            "BIOS-e820: [mem 0x0000000080000000-0x0000000080000fff] unusable\n"
            "BIOS-e820: [mem 0x0000000100000000-0x0000000100000fff] persistent (type 7)\n"
            "BIOS-e820: [mem 0x0000000200000000-0x0000000200000fff] persistent (type 12)\n"
            "BIOS-e820: [mem 0x0000000300000000-0x0000000300000fff] soft reserved\n"
            "BIOS-e820: [mem 0x0000000400000000-0x0000000400000fff] usable\n"
            "BIOS-e820: [mem 0x0000000500000000-0x0000000500000fff] type 99\n");
  EXPECT_EQ(e820_print_table(table({{0x1000, 0x1000, T::RESERVED_KERN}}), "user", true),
            "user: [mem 0x0000000000001000-0x0000000000001fff] reserved kernel\n");
}

TEST(E820ReadDmesg, whole_log_with_timestamps) {
  const std::string log =
      "[    0.000000] Command line: quiet\n"
      "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
      "[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
      "<6>BIOS-e820: [mem 0x00000000-0x0009ffff] persistent (type 12)\n"
      "BIOS-e820: 0000000000100000 - 0000000000200000 (usable)\n";
  std::vector<SourceLoc> where;
  auto t = e820_read_dmesg(log, "x.log", &where);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(t->entries, (std::vector<E820Entry>{{0x0, 0x9fc00, T::RAM},
                                                {0x9fc00, 0x400, T::RESERVED},
                                                {0x0, 0xa0000, T::PRAM},
                                                {0x100000, 0x100000, T::RAM}}));
  ASSERT_EQ(where.size(), 4u);
  EXPECT_EQ(where[3].line, 5u);
}

TEST(E820ReadDmesg, garbage_line_names_file_and_line) {
  auto t = e820_read_dmesg("BIOS-e820: [mem 0x0-0x1fff] usable\nBIOS-e820: [mem 0xzz-0x1] usable\n", "m.txt");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().to_string(),
            "m.txt:2: bad start address after \"[mem \" (want 0x and 1-16 hex digits)");
}

TEST(E820ReadDmesg, unknown_type_and_missing_bracket) {
  auto a = e820_read_dmesg("BIOS-e820: [mem 0x0-0x1fff] wonderful\n", "a");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().to_string(), "a:1: unknown e820 type \"wonderful\"");
  auto b = e820_read_dmesg("BIOS-e820: [mem 0x0-0x1fff usable\n", "b");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().to_string(), "b:1: expected \"] \" after the end address");
  auto c = e820_read_dmesg("BIOS-e820: [mem 0x00000000000000000-0x1] usable\n", "c");
  ASSERT_FALSE(c.ok());  // 17 hex digits
}

TEST(E820ReadDmesg, no_e820_lines) {
  auto t = e820_read_dmesg("hello\nworld\n", "h");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().to_string(), "h: no \"BIOS-e820: [mem ...]\" line");
}

TEST(E820ReadDmesg, wrapping_entry_reads_back_exactly) {
  const E820Table t = table({{0xfffffffffffff000ull, 0x2000, T::RAM}, {0x0, 0x0, T::RAM}});
  auto r = e820_read_dmesg(e820_print_table(t));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, t.entries);
}

TEST(E820Sysfs, round_trip) {
  const auto dir = temp_dir("sysfs");
  const E820Table t = table({{0x0, 0x9fc00, T::RAM}, {0x9fc00, 0x400, T::RESERVED},
                             {0x100000, 0x1000, T::PRAM}, {0x200000, 0x1000, T::PMEM},
                             {0x300000, 0x1000, T::SOFT_RESERVED}, {0x400000, 0x1000, T::NVS},
                             {0x500000, 0x1000, T::ACPI}, {0x600000, 0x1000, T::UNUSABLE},
                             {0x700000, 0x1000, T::RAM}, {0x800000, 0x1000, T::RAM},
                             {0x900000, 0x1000, T::RAM}, {0xa00000, 0x1000, T::RAM}});
  ASSERT_TRUE(e820_write_sysfs(t, dir.string()).ok());
  std::ifstream end(dir / "0" / "end");
  std::string s;
  std::getline(end, s);
  EXPECT_EQ(s, "0x9fbff");
  auto r = e820_read_sysfs(dir.string());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->entries, t.entries);  // 10 and 11 sort after 9
  std::filesystem::remove_all(dir);
}

TEST(E820Sysfs, errors) {
  const auto dir = temp_dir("sysfs_err");
  ASSERT_TRUE(e820_write_sysfs(table({{0x0, 0x1000, T::RAM}, {0x1000, 0x1000, T::RAM}, {0x2000, 0x1000, T::RAM}}),
                               dir.string()).ok());
  { std::ofstream(dir / "1" / "type") << "Magic RAM\n"; }
  auto a = e820_read_sysfs(dir.string());
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().to_string(), (dir / "1" / "type").string() + ":1: unknown memmap type \"Magic RAM\"");
  { std::ofstream(dir / "1" / "type") << "Reserved\n"; }
  { std::ofstream(dir / "2" / "start") << "4096\n"; }
  auto b = e820_read_sysfs(dir.string());
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().to_string(), (dir / "2" / "start").string() + ":1: expected one 0x-prefixed hex number");
  std::filesystem::remove_all(dir / "1");
  auto c = e820_read_sysfs(dir.string());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("missing 1"), std::string::npos);
  std::filesystem::remove(dir / "2" / "end");
  std::filesystem::remove_all(dir / "0");
  std::filesystem::remove_all(dir / "2");
  auto d = e820_read_sysfs(dir.string());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "no numbered entry directories");
  auto e = e820_read_sysfs((dir / "nope").string());
  ASSERT_FALSE(e.ok());
  std::filesystem::remove_all(dir);
}

TEST(E820BootParams, round_trip_and_layout) {
  const E820Table t = table({{0x0102030405060708ull, 0x1112131415161718ull, T::SOFT_RESERVED},
                             {0x0, 0x9fc00, T::RAM}});
  auto bytes = e820_write_bootparams(t);
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 40u);
  EXPECT_EQ((*bytes)[0], 0x08);
  EXPECT_EQ((*bytes)[8], 0x18);
  EXPECT_EQ((*bytes)[16], 0xff);
  EXPECT_EQ((*bytes)[19], 0xef);
  auto r = e820_read_bootparams(*bytes, "bp");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, t.entries);
}

TEST(E820BootParams, truncated_table) {
  std::vector<std::uint8_t> b(45, 0);
  auto r = e820_read_bootparams(b, "bp.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::Truncated);
  EXPECT_EQ(r.error().to_string(), "bp.bin: byte 0x28: table ends inside an entry: 45 bytes is not a multiple of 20");
}

TEST(E820BootParams, more_than_128_entries) {
  std::vector<std::uint8_t> b(129 * 20, 0);
  auto r = e820_read_bootparams(b, "bp.bin");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().to_string(),
            "bp.bin: byte 0xa00: 129 entries; boot_params holds at most 128 (more come through SETUP_E820_EXT)");
  E820Table big;
  big.entries.assign(129, E820Entry{0, 0x1000, T::RAM});
  EXPECT_FALSE(e820_write_bootparams(big).ok());
}

TEST(E820BootParams, zero_page) {
  std::vector<std::uint8_t> zp(4096, 0);
  zp[0x1e8] = 2;
  zp[0x2d0 + 8] = 0x00;
  zp[0x2d0 + 9] = 0x10;  // size 0x1000
  zp[0x2d0 + 16] = 1;
  zp[0x2d0 + 20 + 2] = 0x10;  // addr 0x100000
  zp[0x2d0 + 20 + 10] = 0x20;  // size 0x200000
  zp[0x2d0 + 20 + 16] = 2;
  auto r = e820_read_bootparams(zp, "zp");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, (std::vector<E820Entry>{{0x0, 0x1000, T::RAM}, {0x100000, 0x200000, T::RESERVED}}));
  zp[0x1e8] = 200;
  auto bad = e820_read_bootparams(zp, "zp");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().to_string(), "zp: byte 0x1e8: e820_entries is 200, boot_params holds at most 128");
}

TEST(E820TypeNames, every_printed_name_parses_back) {
  for (T t : {T::RAM, T::RESERVED, T::ACPI, T::NVS, T::UNUSABLE, T::PMEM, T::PRAM, T::SOFT_RESERVED,
              static_cast<T>(6), static_cast<T>(0xdeadbeef)}) {
    EXPECT_EQ(e820_parse_type_name(e820_type_name(t)), std::optional<T>(t));
  }
  EXPECT_EQ(e820_parse_type_name("persistent"), std::optional<T>(T::PMEM));
  EXPECT_EQ(e820_parse_type_name("type 4294967296"), std::nullopt);
  EXPECT_EQ(e820_parse_sysfs_type_name("Persistent Memory (legacy)\n"), std::optional<T>(T::PRAM));
  EXPECT_EQ(e820_parse_sysfs_type_name("Unknown E820 type"), std::nullopt);
}

}  // namespace
}  // namespace mbv
