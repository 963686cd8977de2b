// Cross-check with ACPICA's iasl:
//   (a) our ASL templates (corpus/asl) compiled by iasl decode to exactly
//       the fields the ASL states;
//   (b) our writer's tables disassemble (iasl -d) to exactly our entries;
//   (c) the QEMU SRAT test tables (outside data under /work/shared, read in
//       place) decode to exactly what iasl -d shows, field by field.
#include <gtest/gtest.h>

#include <algorithm>

#include "impl/acpi/srat.h"
#include "tests/acpi/iasl_dsl.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;
using test::DslField;

// Fields the compiler fills in itself.
bool compiler_owned(const DslField& f) {
  return f.name == "Table Length" || f.name == "Checksum" || f.name == "Asl Compiler ID" ||
         f.name == "Asl Compiler Revision";
}

bool knows_generic_port(const std::vector<DslField>& dsl) {
  return std::none_of(dsl.begin(), dsl.end(), [](const DslField& f) {
    return f.name == "Subtable Type" && f.value == "06" &&
           f.note.find("Unknown") != std::string::npos;
  });
}

void expect_same_fields(const std::vector<DslField>& got, const std::vector<DslField>& want,
                        const std::string& what) {
  EXPECT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    // Annotations are compared only where iasl says which subtable it is.
    DslField g = got[i], w = want[i];
    if (g.name != "Subtable Type") g.note = w.note = "";
    if (g != w) {
      ADD_FAILURE() << what << ": field " << i << "\n  iasl: " << test::to_string(g)
                    << "\n  ours: " << test::to_string(w);
      return;
    }
  }
}

// Disassemble `bytes` with iasl -d and compare every field with our decode.
void expect_iasl_agrees(const std::string& iasl, const std::vector<std::uint8_t>& bytes,
                        const std::string& what) {
  auto srat = parse_srat(bytes, what);
  ASSERT_TRUE(srat.ok()) << srat.error().to_string();
  test::TempDir dir;
  test::write_bytes(dir.path / "t.dat", bytes);
  ASSERT_EQ(test::run_iasl(iasl, "-d t.dat", dir.path), 0) << what;
  const auto dsl = test::parse_dsl_fields(test::read_text(dir.path / "t.dsl"));
  ASSERT_FALSE(dsl.empty()) << what;
  expect_same_fields(dsl, test::expected_dsl_fields(*srat, knows_generic_port(dsl)), what);
}

class IaslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = test::find_iasl();
    if (!p) GTEST_SKIP() << "iasl (acpica-tools) is not installed";
    iasl_ = *p;
  }
  std::string iasl_;
};

// (a) Every template under corpus/asl compiles, and our parser reads back
// exactly the field values the template states.
TEST_F(IaslTest, asl_templates_decode_as_written) {
  const fs::path asl_dir = fs::path(MBV_SOURCE_DIR) / "corpus" / "asl";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(asl_dir))
    if (e.path().extension() == ".asl") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    test::TempDir dir;
    ASSERT_EQ(test::run_iasl(iasl_, "-p '" + (dir.path / "out").string() + "' '" + f.string() + "'",
                             dir.path),
              0)
        << test::read_text(dir.path / "iasl.log");
    const auto bytes = test::read_bytes(dir.path / "out.aml");
    auto srat = parse_srat(bytes, f.filename().string());
    ASSERT_TRUE(srat.ok()) << srat.error().to_string();
    EXPECT_TRUE(srat->checksum_ok);
    EXPECT_TRUE(srat->diagnostics.empty());

    std::vector<DslField> stated, ours;
    for (auto& x : test::parse_dsl_fields(test::read_text(f)))
      if (!compiler_owned(x)) stated.push_back({-1, x.name, x.value, "", x.bit});
    for (auto& x : test::expected_dsl_fields(*srat, true))
      if (!compiler_owned(x)) ours.push_back({-1, x.name, x.value, "", x.bit});
    expect_same_fields(stated, ours, f.filename().string());
    // And the compiled bytes round-trip through our writer unchanged.
    EXPECT_EQ(write_srat(*srat), bytes);
  }
}

// (b) Tables from our writer disassemble to the same entries.
TEST_F(IaslTest, writer_output_disassembles_to_same_entries) {
  Srat s = make_srat({make_memory_affinity(0, 0, 0xa0000), make_memory_affinity(0, SZ_1M, SZ_1G),
                      make_memory_affinity(1, SZ_4G, SZ_4G, true),
                      make_memory_affinity(2, 5 * SZ_1G, SZ_1G, true, true),
                      make_memory_affinity(3, 0, 0, false, false, false)},
                     {make_cpu_affinity(0, 0), make_cpu_affinity(0x010203, 1)},
                     {make_x2apic_affinity(1, 0x100), make_x2apic_affinity(2, 0x101, false)});
  expect_iasl_agrees(iasl_, write_srat(s), "writer-mixed");

  // Every type, GICC first so the rest is unaligned.
  Srat all = make_srat({});
  std::uint32_t off = kSratHeaderBytes;
  auto add = [&](auto e) {
    e.offset = off;
    off += entry_length(SratEntry{e});
    all.entries.push_back(std::move(e));
  };
  SratGiccAffinity g;
  g.proximity_domain = 1;
  g.acpi_processor_uid = 5;
  g.enabled = true;
  add(g);
  SratGicItsAffinity its;
  its.proximity_domain = 1;
  its.its_id = 3;
  add(its);
  SratGenericAffinity gi;
  gi.device_handle_type = 1;
  gi.device_handle = {0, 0, 0x10, 0};
  gi.proximity_domain = 4;
  gi.enabled = true;
  add(gi);
  SratGenericAffinity gp = gi;
  gp.type = SRAT_GENERIC_PORT_AFFINITY;
  add(gp);
  add(make_memory_affinity(1, SZ_4G, SZ_16M, false, true));
  expect_iasl_agrees(iasl_, write_srat(all), "writer-all-types");

  // A 64-node table with a hot-plug window per node.
  std::vector<SratMemoryAffinity> mem;
  for (std::uint32_t n = 0; n < 64; ++n) {
    mem.push_back(make_memory_affinity(n, n * 2 * SZ_4G, SZ_4G));
    mem.push_back(make_memory_affinity(n, n * 2 * SZ_4G + SZ_4G, SZ_4G, true));
  }
  expect_iasl_agrees(iasl_, write_srat(make_srat(mem)), "writer-64-nodes");
}

// (c) QEMU's SRAT test tables, read where they lie.
TEST_F(IaslTest, qemu_tables_match_iasl) {
  const fs::path dir = fs::path(MBV_SHARED_DIR) / "corpus-candidates" / "qemu-srat";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is absent";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".dat") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files.size(), 17u);
  int disabled_zero = 0, nv_in_hotplug = 0, unaligned = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f.filename().string());
    const auto bytes = test::read_bytes(f);
    expect_iasl_agrees(iasl_, bytes, f.filename().string());
    auto s = parse_srat(bytes, f.filename().string());
    ASSERT_TRUE(s.ok());
    EXPECT_TRUE(s->checksum_ok);
    EXPECT_EQ(write_srat(*s), bytes);
    std::vector<SratMemoryAffinity> mem;
    for (const auto& e : s->entries) {
      if (entry_offset(e) % 4) ++unaligned;
      if (const auto* m = std::get_if<SratMemoryAffinity>(&e)) mem.push_back(*m);
    }
    for (const auto& m : mem) {
      if (!m.enabled && m.length == 0) ++disabled_zero;
      if (!m.non_volatile) continue;
      for (const auto& w : mem)
        if (w.hot_pluggable && !w.non_volatile && w.base <= m.base &&
            m.base + m.length <= w.base + w.length)
          ++nv_in_hotplug;
    }
    // Linux's reading must not crash and, for QEMU's well-formed tables, succeed.
    const LinuxSratView v = linux_view(*s);
    EXPECT_FALSE(v.srat_bad) << v.bad_reason;
  }
  EXPECT_GT(disabled_zero, 0);
  EXPECT_GT(nv_in_hotplug, 0);
  EXPECT_GT(unaligned, 0);
}

}  // namespace
}  // namespace mbv
