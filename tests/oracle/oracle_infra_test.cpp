// The oracle itself: it loads, starts from and resets to the boot state, and
// bad kernel trees are refused with one clear line.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "impl/trace/trace_gen.h"
#include "tests/oracle/oracle_fixture.h"

namespace mbv::test {
namespace {

using OracleInfra = OracleTest;

// A fresh oracle is the kernel's static initialisation: both types hold the
// dummy region, max 128, limits and switches off.
TEST_F(OracleInfra, boot_state) {
  EXPECT_FALSE(oracle->tree().empty());
  EXPECT_EQ(oracle->snapshot(), Memblock());
}

// After a trace that doubles both arrays and flips every switch, reset()
// gives the boot state back, and the same trace then gives the same state.
TEST_F(OracleInfra, reset_is_clean) {
  OpTrace trace = {Op{OpKind::AllowResize},
                   Op{OpKind::SetBottomUp, 1},
                   Op{OpKind::SetCurrentLimit, SZ_4G},
                   Op{OpKind::SetMovableNode, 1},
                   Op{OpKind::SetMirroredKernelcore, 1},
                   Op{OpKind::Add, 0, SZ_1G}};
  for (std::uint64_t i = 0; i < 140; ++i) {
    trace.push_back(Op{OpKind::Reserve, SZ_16M + i * 2 * SZ_4K, SZ_4K});
    trace.push_back(Op{OpKind::Add, SZ_4G + i * 2 * SZ_4K, SZ_4K});
  }
  trace.push_back(Op{OpKind::MarkMirror, 0, SZ_1M});
  for (const Op& op : trace) run(op);
  const Memblock first = oracle->snapshot();
  EXPECT_EQ(first.memory.max, 256u);
  EXPECT_EQ(first.reserved.max, 256u);
  EXPECT_NE(first.reserved.array_phys, 0u);
  EXPECT_TRUE(first.system_has_some_mirror);

  oracle->reset();
  EXPECT_EQ(oracle->snapshot(), Memblock());
  for (const Op& op : trace) run(op);
  EXPECT_EQ(oracle->snapshot(), first);
}

// A kernel BUG is reported (not a crash) and reset() recovers.
// memblock_trim_memory rounds the base of a region that reaches the top of
// the address space up past PHYS_ADDR_MAX to 0, leaving the array unsorted;
// the next add then trips the BUG_ON in memblock_merge_regions.
TEST_F(OracleInfra, kernel_bug_is_reported) {
  run(Op{OpKind::Add, SZ_4G, SZ_1G});
  run(Op{OpKind::Add, PHYS_ADDR_MAX - SZ_4K, SZ_64K});
  run(Op{OpKind::TrimMemory, SZ_2M});
  OracleOutcome out = oracle->apply(Op{OpKind::Add, SZ_1G, SZ_1G});
  EXPECT_TRUE(out.kernel_bug);
  EXPECT_GT(out.bug_line, 0);
  oracle->reset();
  EXPECT_EQ(oracle->snapshot(), Memblock());
}

// Only one oracle per shared object may be alive: the kernel state is global.
TEST_F(OracleInfra, second_instance_refused) {
  auto second = KernelOracle::load(oracle->path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("already in use"), std::string::npos);
}

TEST(OracleBuild, missing_tree) {
  auto r = build_oracle("/nonexistent/linux", ::testing::TempDir() + "/oracle-cache");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos);
}

TEST(OracleBuild, not_a_kernel_tree) {
  const std::string dir = ::testing::TempDir() + "/not-a-kernel";
  std::filesystem::create_directories(dir);
  auto r = build_oracle(dir, ::testing::TempDir() + "/oracle-cache");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::NotFound);
  EXPECT_NE(r.error().message.find("not a kernel tree"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(OracleBuild, tree_without_simulator) {
  const std::string dir = ::testing::TempDir() + "/no-sim-kernel";
  std::filesystem::create_directories(dir + "/mm");
  std::ofstream(dir + "/mm/memblock.c") << "/* empty */\n";
  auto r = build_oracle(dir, ::testing::TempDir() + "/oracle-cache");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("tools/testing/memblock"), std::string::npos)
      << r.error().message;
}

TEST(OracleBuild, not_an_oracle_library) {
  const std::string file = ::testing::TempDir() + "/not-an-oracle.so";
  std::ofstream(file) << "garbage";
  auto r = KernelOracle::load(file);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot load kernel oracle"), std::string::npos);
}

}  // namespace
}  // namespace mbv::test
