// parse_srat / write_srat: every error path, unaligned subtables, unknown
// types, and byte-exact round trips.
#include <gtest/gtest.h>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"

namespace mbv {
namespace {

using Bytes = std::vector<std::uint8_t>;

Srat two_node() {
  return make_srat({make_memory_affinity(0, 0, 0xa0000), make_memory_affinity(0, SZ_1M, SZ_1G),
                    make_memory_affinity(1, SZ_4G, SZ_4G, /*hot_pluggable=*/true)},
                   {make_cpu_affinity(0, 0), make_cpu_affinity(1, 1)});
}

void fix_checksum(Bytes& b) {
  b[9] = 0;
  b[9] = static_cast<std::uint8_t>(0x100 - acpi_checksum(b));
}

// Expect an error whose one line names the file and the byte offset.
void expect_error(const Bytes& b, ErrorCode code, const std::string& line,
                  const ParseOptions& opt = {}) {
  auto r = parse_srat(b, "t.srat", opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code);
  EXPECT_EQ(r.error().to_string(), line);
}

// A well-formed table decodes to exactly the entries it was built from.
TEST(SratParse, simple) {
  const Srat s = two_node();
  const Bytes b = write_srat(s);
  ASSERT_EQ(b.size(), 48u + 2 * 16 + 3 * 40);
  EXPECT_EQ(acpi_checksum(b), 0);
  auto r = parse_srat(b, "t.srat");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, s);
  EXPECT_TRUE(r->checksum_ok);
  EXPECT_TRUE(r->diagnostics.empty());
  const auto& m = std::get<SratMemoryAffinity>(r->entries[4]);
  EXPECT_EQ(m.proximity_domain, 1u);
  EXPECT_EQ(m.base, SZ_4G);
  EXPECT_EQ(m.length, SZ_4G);
  EXPECT_EQ(m.flags, 3u);
  EXPECT_TRUE(m.enabled && m.hot_pluggable && !m.non_volatile);
  EXPECT_EQ(m.offset, 48u + 32 + 80);
  EXPECT_EQ(write_srat(*r), b);
}

TEST(SratParse, truncated_header) {
  Bytes b = write_srat(two_node());
  b.resize(20);
  expect_error(b, ErrorCode::Truncated,
               "t.srat: byte 0x14: truncated: 20 bytes, an ACPI table header needs 36");
}

TEST(SratParse, truncated_body) {
  Bytes b = write_srat(two_node());
  b.resize(b.size() - 1);
  expect_error(b, ErrorCode::Truncated,
               "t.srat: byte 0xc7: truncated: table length 0xc8 overruns the 0xc7-byte input");
}

TEST(SratParse, wrong_signature) {
  Bytes b = write_srat(two_node());
  b[0] = 'A';
  b[3] = 0x01;
  expect_error(b, ErrorCode::BadInput,
               "t.srat: byte 0x0: signature is \"ARA\\x01\", expected \"SRAT\"");
}

TEST(SratParse, length_shorter_than_srat_header) {
  Bytes b = write_srat(make_srat({}));
  le::put_at(b, 4, 40, 4);
  b.resize(40);
  fix_checksum(b);
  expect_error(b, ErrorCode::BadInput,
               "t.srat: byte 0x4: table length 0x28 is shorter than the SRAT header (0x30 bytes)");
}

TEST(SratParse, bytes_after_table_end) {
  Bytes b = write_srat(two_node());
  b.push_back(0);
  expect_error(b, ErrorCode::BadInput, "t.srat: byte 0xc8: 0x1 bytes follow the table end (length 0xc8)");
}

// A wrong checksum is an error unless the caller reads the table as Linux
// does; then it decodes fully and says so.
TEST(SratParse, wrong_checksum) {
  const Srat s = two_node();
  Bytes b = write_srat(s);
  b[9] ^= 0x10;
  const std::uint8_t bad = b[9];
  expect_error(b, ErrorCode::BadChecksum,
               "t.srat: byte 0x9: checksum 0x" + [&] {
                 char buf[8];
                 std::snprintf(buf, sizeof buf, "%02x", bad);
                 return std::string(buf);
               }() + " is wrong, should be 0x" +
                   [&] {
                     char buf[8];
                     std::snprintf(buf, sizeof buf, "%02x", bad ^ 0x10);
                     return std::string(buf);
                   }() + " (use accept_bad_checksum to read it as Linux does)");
  auto r = parse_srat(b, "t.srat", {.accept_bad_checksum = true});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->checksum_ok);
  EXPECT_EQ(r->entries, s.entries);
  ASSERT_EQ(r->diagnostics.size(), 1u);
  EXPECT_NE(r->diagnostics[0].find("used anyway"), std::string::npos);
  EXPECT_EQ(write_srat(*r, /*keep_checksum=*/true), b);
  EXPECT_EQ(acpi_checksum(write_srat(*r)), 0);
}

// The last subtable claims more bytes than the table has.
TEST(SratParse, overrunning_subtable) {
  Bytes b = write_srat(two_node());
  b[b.size() - 40 + 1] = 41;
  fix_checksum(b);
  expect_error(b, ErrorCode::BadInput,
               "t.srat: byte 0xa1: memory affinity subtable length 0x29 overruns the table end "
               "(0x28 bytes left)");
}

TEST(SratParse, zero_length_subtable) {
  Bytes b = write_srat(two_node());
  const std::size_t at = 48 + 16;  // the second CPU entry
  b[at + 1] = 0;
  fix_checksum(b);
  expect_error(b, ErrorCode::BadInput,
               "t.srat: byte 0x41: processor local APIC affinity subtable (type 0) has length 0");
  auto r = parse_srat(b, "t.srat", {.accept_zero_length = true});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->entries.size(), 1u);
  ASSERT_TRUE(r->zero_length_at.has_value());
  EXPECT_EQ(*r->zero_length_at, at);
  EXPECT_EQ(r->zero_length_type, SRAT_CPU_AFFINITY);
  EXPECT_EQ(r->trailing.size(), b.size() - at);
  EXPECT_EQ(write_srat(*r), b);
}

TEST(SratParse, subtable_shorter_than_its_header) {
  Bytes b = write_srat(make_srat({}));
  b.push_back(1);  // type 1, length 1
  b.push_back(1);
  le::put_at(b, 4, b.size(), 4);
  fix_checksum(b);
  expect_error(b, ErrorCode::BadInput,
               "t.srat: byte 0x31: subtable length 1 is shorter than its 2-byte header");
}

// One byte after the last subtable cannot hold a header: kept and reported.
TEST(SratParse, trailing_byte) {
  Srat s = two_node();
  s.trailing = {0xee};
  const Bytes b = write_srat(s);
  auto r = parse_srat(b, "t.srat");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->trailing, Bytes{0xee});
  EXPECT_EQ(r->entries, s.entries);
  ASSERT_EQ(r->diagnostics.size(), 1u);
  EXPECT_EQ(write_srat(*r), b);
}

// Reserved types are skipped by their length and kept for the writer.
TEST(SratParse, unknown_type_skipped) {
  Srat s = make_srat({make_memory_affinity(0, 0, SZ_1G)});
  s.entries.insert(s.entries.begin(), SratUnknown{0x42, 7, 48, {1, 2, 3, 4, 5}});
  std::get<SratMemoryAffinity>(s.entries[1]).offset = 55;
  const Bytes b = write_srat(s);
  auto r = parse_srat(b, "t.srat");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->entries.size(), 2u);
  EXPECT_EQ(std::get<SratUnknown>(r->entries[0]), (SratUnknown{0x42, 7, 48, {1, 2, 3, 4, 5}}));
  const auto& m = std::get<SratMemoryAffinity>(r->entries[1]);
  EXPECT_EQ(m.offset, 55u);  // unaligned
  EXPECT_EQ(m.length, SZ_1G);
  EXPECT_EQ(write_srat(*r), b);
}

// A known type shorter than its structure is kept undecoded (Linux rejects it
// in linux_view); longer ones keep the extra bytes.
TEST(SratParse, short_and_long_known_types) {
  Srat s = make_srat({});
  s.entries.push_back(SratUnknown{SRAT_MEMORY_AFFINITY, 24, 48, Bytes(22, 0xab)});
  SratMemoryAffinity m = make_memory_affinity(3, SZ_4G, SZ_1G);
  m.subtable_length = 44;
  m.extra = {9, 8, 7, 6};
  m.offset = 72;
  s.entries.push_back(m);
  const Bytes b = write_srat(s);
  auto r = parse_srat(b, "t.srat");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, s.entries);
  EXPECT_TRUE(std::get<SratUnknown>(r->entries[0]).short_known_type());
  EXPECT_EQ(r->diagnostics.size(), 1u);
  EXPECT_EQ(write_srat(*r), b);
}

// GICC affinity is 18 bytes: everything after it sits at unaligned offsets,
// and every field still decodes.
TEST(SratParse, unaligned_after_gicc) {
  Srat s = make_srat({});
  std::uint32_t off = 48;
  for (std::uint32_t uid = 0; uid < 3; ++uid) {
    SratGiccAffinity g;
    g.proximity_domain = uid / 2;
    g.acpi_processor_uid = uid;
    g.flags = SRAT_GICC_ENABLED;
    g.enabled = true;
    g.clock_domain = 0x11223344;
    g.offset = off;
    off += g.length;
    s.entries.push_back(g);
  }
  SratGicItsAffinity its;
  its.proximity_domain = 1;
  its.its_id = 0xdeadbeef;
  its.offset = off;
  off += its.length;
  s.entries.push_back(its);
  SratGenericAffinity gi;
  gi.device_handle_type = 1;
  gi.device_handle[2] = 0x10;
  gi.proximity_domain = 2;
  gi.flags = 3;
  gi.enabled = gi.architectural_transactions = true;
  gi.offset = off;
  off += gi.length;
  s.entries.push_back(gi);
  auto m = make_memory_affinity(1, 0x40000000, 0x40000000, false, true);
  m.offset = off;
  s.entries.push_back(m);
  const Bytes b = write_srat(s);
  auto r = parse_srat(b, "t.srat");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, s.entries);
  EXPECT_EQ(entry_offset(r->entries.back()), 48u + 3 * 18 + 12 + 32);
  EXPECT_EQ(entry_offset(r->entries.back()) % 2, 0u);
  EXPECT_EQ(entry_offset(r->entries[1]) % 4, 2u);
  EXPECT_EQ(write_srat(*r), b);
}

TEST(SratParse, cpu_pxm_high_bytes) {
  auto c = make_cpu_affinity(0x01020304, 7);
  EXPECT_EQ(c.proximity_domain_lo, 0x04);
  EXPECT_EQ(c.proximity_domain(), 0x01020304u);
  Srat s = make_srat({}, {c});
  auto r = parse_srat(write_srat(s), "t.srat");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::get<SratCpuAffinity>(r->entries[0]).proximity_domain(), 0x01020304u);
}

TEST(SratDescribe, lists_every_entry) {
  const std::string text = describe_srat(two_node());
  EXPECT_NE(text.find("memory     pxm 1  [mem 0x0000000100000000-0x00000001ffffffff] length "
                      "0x100000000  enabled hot-pluggable"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("processor  apic 0x01  pxm 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace mbv
