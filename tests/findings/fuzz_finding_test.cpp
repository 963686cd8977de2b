// A crash file decodes to the reproducer of exactly what the harness ran: the
// same ops (memblock targets) or the same machine (boot_pipeline), in a text
// form the replay path reads back unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "impl/boot/fuzz_machine.h"
#include "impl/memblock/op.h"
#include "impl/scenario/scenario.h"
#include "impl/trace/trace_decode.h"
#include "model/shrink/fuzz_finding.h"

namespace mbv {
namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::filesystem::path> seeds(const char* target) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(MBV_SOURCE_DIR) / "corpus" / target))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Where make fuzz, make fuzz-smoke and the corpora put a target's files.
TEST(FuzzFinding, target_of_path) {
  EXPECT_EQ(fuzz_target_of_path("findings/memblock_ops/crash-1a373609"), "memblock_ops");
  EXPECT_EQ(fuzz_target_of_path("/abs/corpus/memblock_ops_diff/seed.bin"), "memblock_ops_diff");
  EXPECT_EQ(fuzz_target_of_path("build/fuzz/smoke-artifacts/memblock_ops_diff-crash-ab12"), "memblock_ops_diff");
  EXPECT_EQ(fuzz_target_of_path("build/fuzz/smoke-artifacts/memblock_ops-crash-ab12"), "memblock_ops");
  EXPECT_EQ(fuzz_target_of_path("smoke-artifacts/kaslr-timeout-1"), "kaslr");
  EXPECT_EQ(fuzz_target_of_path("corpus/regressions/boot_pipeline-pgtable-in-hotplug-13d60669.bin"),
            "boot_pipeline");
  EXPECT_EQ(fuzz_target_of_path("crash-1a373609"), "");
  EXPECT_EQ(fuzz_target_of_path("findings/memblock/crash-1"), "");
  EXPECT_EQ(fuzz_target_of_path("memblock_opsx-crash"), "");
}

TEST(FuzzFinding, memblock_ops_seeds_decode_to_the_same_trace) {
  const auto files = seeds("memblock_ops");
  ASSERT_FALSE(files.empty());
  int decoded = 0;
  for (const auto& f : files) {
    const auto bytes = read_bytes(f);
    auto direct = decode_trace(bytes);
    if (!direct) continue;
    ++decoded;
    for (const char* target : {"memblock_ops", "memblock_ops_diff"}) {
      auto rep = reproducer_from_fuzz_input(target, bytes, f.string());
      ASSERT_TRUE(rep.ok()) << f;
      EXPECT_EQ(rep->extension, ".trace");
      auto back = parse_trace(rep->text, f.string());
      ASSERT_TRUE(back.ok()) << back.error().to_string();
      std::vector<Op> canon;
      for (const Op& op : *direct) canon.push_back(canonical_op(op));
      EXPECT_EQ(*back, canon) << f;
    }
  }
  EXPECT_GT(decoded, 0) << "no seed decoded: the comparison never ran";
}

TEST(FuzzFinding, boot_pipeline_seeds_decode_to_the_same_machine) {
  const auto files = seeds("boot_pipeline");
  ASSERT_FALSE(files.empty());
  int decoded = 0;
  for (const auto& f : files) {
    const auto bytes = read_bytes(f);
    auto machine = decode_fuzz_machine(bytes);
    if (!machine) continue;
    auto rep = reproducer_from_fuzz_input("boot_pipeline", bytes, f.string());
    ASSERT_TRUE(rep.ok()) << f;
    EXPECT_EQ(rep->extension, ".scenario");
    auto back = read_scenario_no_files(rep->text, f.string());
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    EXPECT_EQ(write_scenario(*back), write_scenario(*machine)) << f;
    ++decoded;
  }
  EXPECT_GT(decoded, 0);
}

TEST(FuzzFinding, parser_inputs_are_their_own_reproducer) {
  const std::vector<std::uint8_t> bytes{'m', 'e', 'm', '=', '1', 'G'};
  auto rep = reproducer_from_fuzz_input("cmdline_parse", bytes, "crash-x");
  ASSERT_TRUE(rep.ok());
  EXPECT_TRUE(rep->extension.empty());
  EXPECT_TRUE(rep->text.empty());
}

TEST(FuzzFinding, unknown_target_and_short_input_name_the_file) {
  const std::vector<std::uint8_t> none;
  auto a = reproducer_from_fuzz_input("no_such_target", none, "crash-1");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().to_string(), "crash-1: unknown fuzz target 'no_such_target'");
  auto b = reproducer_from_fuzz_input("boot_pipeline", none, "crash-2");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().to_string().find("crash-2: "), std::string::npos);
}

TEST(FuzzFinding, every_listed_target_has_a_fuzz_folder) {
  for (const FuzzTargetInfo& t : fuzz_targets())
    EXPECT_TRUE(std::filesystem::is_directory(std::filesystem::path(MBV_SOURCE_DIR) / "fuzz" / std::string(t.name)))
        << t.name;
}

}  // namespace
}  // namespace mbv
