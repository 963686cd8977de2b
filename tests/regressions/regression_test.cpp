// Replays every file in corpus/regressions/ (one test per file; see
// CMakeLists.txt): scenarios must boot to the verdict and signature they
// declare, traces must show no model/kernel divergence, raw boot_pipeline
// inputs must keep the fuzz harness's property.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fstream>
#include <iterator>

#include "impl/boot/fuzz_machine.h"
#include "impl/scenario/scenario.h"
#include "model/diff/diff_run.h"
#include "model/oracle/kernel_oracle.h"
#include "model/shrink/signature.h"
#include "model/story/op_story.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& listed_files() {
  static const std::vector<std::string> kFiles = {
#include "regression_files.inc"
  };
  return kFiles;
}

fs::path regressions_dir() { return fs::path(MBV_SOURCE_DIR) / "corpus" / "regressions"; }

class Regression : public testing::TestWithParam<std::string> {};

// corpus/regressions/<file>: the declared outcome holds.
TEST_P(Regression, replays_as_declared) {
  const fs::path path = regressions_dir() / GetParam();
  if (path.extension() == ".trace") {
    if (!default_oracle_path().ok()) GTEST_SKIP() << default_oracle_path().error().to_string();
    auto rep = replay_diff(path.string(), "");
    ASSERT_TRUE(rep.ok()) << rep.error().to_string();
    EXPECT_EQ(rep->divergences, 0u);
    for (const DiffFinding& f : rep->findings)
      if (f.minimal.kind != DivergenceKind::KernelBug) ADD_FAILURE() << f.minimal.describe();
    return;
  }
  if (path.extension() == ".bin") {
    std::ifstream f(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto machine = decode_fuzz_machine(bytes);
    ASSERT_TRUE(machine) << path << ": not a boot_pipeline input";
    auto j = judge_scenario(*machine);
    ASSERT_TRUE(j.ok()) << j.error().to_string();
    EXPECT_NE(j->overall, InvariantVerdict::Failure) << path << ": a guaranteed invariant is violated";
    return;
  }
  auto s = load_scenario(path.string());
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  ASSERT_TRUE(s->expect) << path << ": a regression must declare its verdict (expect ...)";
  if (is_op_scenario(*s)) {
    // A memblock operation counterexample: its ops, step by step against model/spec.
    const OpJudgement j = judge_op_scenario(*s);
    EXPECT_EQ(j.signature ? ExpectedVerdict::Failure : ExpectedVerdict::Ok, *s->expect) << j.text;
    ASSERT_TRUE(j.signature) << path << ": declares " << signature_string(*s->finding) << " but every step meets the spec";
    EXPECT_EQ(j.signature->owner, s->finding->owner) << j.text;
    if (!s->finding->nodes.empty()) EXPECT_EQ(j.signature->nodes, s->finding->nodes) << j.text;
    return;
  }
  const std::string property = s->finding ? s->finding->property : "";
  auto j = judge_scenario(*s, property);
  ASSERT_TRUE(j.ok()) << j.error().to_string();
  EXPECT_EQ(expected_verdict_of(*j), *s->expect)
      << path << ": declared " << verdict_name(*s->expect) << ", boots to "
      << invariant_verdict_name(j->overall);
  if (s->finding) {
    ASSERT_TRUE(j->signature) << path << ": declares " << signature_string(*s->finding)
                              << " but " << property << " holds";
    EXPECT_EQ(signature_string(*j->signature), signature_string(*s->finding));
  }
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Corpus, Regression, testing::ValuesIn(listed_files()), test_name);

// A file added without re-running CMake would silently not be replayed.
TEST(RegressionCorpus, every_file_is_listed) {
  for (const auto& e : fs::directory_iterator(regressions_dir())) {
    const std::string ext = e.path().extension().string();
    if (ext != ".scenario" && ext != ".trace" && ext != ".bin") continue;
    const std::string name = e.path().filename().string();
    EXPECT_NE(std::find(listed_files().begin(), listed_files().end(), name), listed_files().end())
        << name << " is not in the compiled list: re-run cmake";
  }
}

}  // namespace
}  // namespace mbv
