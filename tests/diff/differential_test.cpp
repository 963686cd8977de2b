// The differential engine against the kernel oracle: the real model agrees on
// fixed traces, a planted model mutant is caught and shrunk to <= 3 ops, and
// divergence files replay.
#include <filesystem>
#include <fstream>

#include "impl/trace/trace_gen.h"
#include "model/diff/diff_run.h"
#include "model/diff/differential.h"
#include "tests/oracle/oracle_fixture.h"
#include "tests/support/planted_free.h"

namespace mbv::test {
namespace {

using Diff = OracleTest;

// A 60-op trace of noise (no reservations, frees or allocations) with the
// three ops the mutant needs planted far apart.
OpTrace planted_trace() {
  OpTrace noise = random_trace(2024, TraceGenOptions{120, false, false});
  OpTrace t;
  for (const Op& op : noise) {
    if (is_noise(op)) t.push_back(op);
    if (t.size() == 60) break;
  }
  t.insert(t.begin() + 7, Op{OpKind::Reserve, SZ_1G, SZ_2M});
  t.insert(t.begin() + 25, Op{OpKind::Reserve, SZ_4G, SZ_2M});
  t.insert(t.begin() + 50, Op{OpKind::PhysFree, SZ_1G, SZ_1M});
  return t;
}

TEST_F(Diff, model_agrees_on_generated_traces) {
  Differential diff(*oracle);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const OpTrace t = random_trace(trace_seed(99, i), TraceGenOptions{24, i % 2 == 1, true});
    auto d = diff.run(t);
    if (d && d->kind == DivergenceKind::KernelBug) continue;  // a kernel finding, not the model's
    EXPECT_FALSE(d.has_value()) << "trace " << i << ":\n" << d->describe();
    if (d) break;
  }
}

// The same with small static arrays (init_memblock_regions first): array
// doubling, doubling inside doubling and -ENOMEM on full arrays in most
// traces, all compared with the kernel op by op.
TEST_F(Diff, model_agrees_with_small_static_arrays) {
  Differential diff(*oracle);
  int doubled = 0;
  const std::size_t sizes[][2] = {{1, 1}, {2, 2}, {4, 1}, {1, 8}, {3, 5}};
  for (std::uint64_t i = 0; i < 200; ++i) {
    TraceGenOptions g{24, i % 2 == 1, true};
    g.init_memory = sizes[i % 5][0];
    g.init_reserved = sizes[i % 5][1];
    const OpTrace t = random_trace(trace_seed(7, i), g);
    ASSERT_EQ(t.front(), (Op{OpKind::InitRegions, g.init_memory, g.init_reserved}));
    auto d = diff.run(t);
    if (d && d->kind == DivergenceKind::KernelBug) continue;  // a kernel finding, not the model's
    EXPECT_FALSE(d.has_value()) << "trace " << i << ":\n" << d->describe();
    if (d) break;
    const Memblock k = oracle->snapshot();
    doubled += k.memory.max > g.init_memory || k.reserved.max > g.init_reserved;
  }
  EXPECT_GT(doubled, 50);  // the point of small arrays
}

TEST_F(Diff, planted_divergence_shrinks_to_three_ops) {
  Differential diff(*oracle, forgetful_free);
  const OpTrace t = planted_trace();
  auto d = diff.run(t);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->kind, DivergenceKind::State);
  EXPECT_EQ(d->op_index, 50u);  // the planted free

  std::size_t tests = 0;
  const Divergence small = diff.shrink(*d, &tests);
  EXPECT_LE(small.trace.size(), 3u) << small.describe();
  EXPECT_EQ(small.trace.back().kind, OpKind::PhysFree);
  EXPECT_EQ(small.op_index + 1, small.trace.size());
  // 1-minimal: dropping any op loses the divergence
  for (std::size_t i = 0; i < small.trace.size(); ++i) {
    OpTrace c = small.trace;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(diff.run(c).has_value()) << "still diverges without op " << i;
  }
  // deterministic
  EXPECT_EQ(diff.shrink(*d).trace, small.trace);
  // the report names the op and shows both states
  const std::string text = small.describe();
  EXPECT_NE(text.find("memblock_phys_free"), std::string::npos);
  EXPECT_NE(text.find("model after:"), std::string::npos);
  EXPECT_NE(text.find("kernel after:"), std::string::npos);
  EXPECT_NE(text.find("first difference: reserved"), std::string::npos) << text;
}

// The real model on the planted trace: no divergence (the mutant is the bug).
TEST_F(Diff, real_model_agrees_on_planted_trace) {
  Differential diff(*oracle);
  auto d = diff.run(planted_trace());
  EXPECT_FALSE(d.has_value()) << d->describe();
}

TEST_F(Diff, kernel_bug_is_its_own_class) {
  Differential diff(*oracle);
  const OpTrace t = {Op{OpKind::Add, SZ_4G, SZ_1G}, Op{OpKind::Reserve, SZ_1M, SZ_1M},
                     Op{OpKind::Add, PHYS_ADDR_MAX - SZ_4K, SZ_64K},
                     Op{OpKind::TrimMemory, SZ_2M}, Op{OpKind::Add, SZ_1G, SZ_1G}};
  auto d = diff.run(t);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->kind, DivergenceKind::KernelBug);
  EXPECT_EQ(d->op_index, 4u);
  const Divergence small = diff.shrink(*d);
  EXPECT_EQ(small.kind, DivergenceKind::KernelBug);
  // the reserve is not needed; the region at 4G is (it makes the array unsorted)
  EXPECT_EQ(small.trace, (OpTrace{t[0], t[2], t[3], t[4]}));
}

TEST_F(Diff, trace_file_round_trip_and_replay) {
  const OpTrace t = {Op{OpKind::Add, SZ_1G, SZ_1G}, Op{OpKind::Reserve, SZ_1G, SZ_2M},
                     Op{OpKind::PhysAllocRange, SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE}};
  const std::string file = ::testing::TempDir() + "/replay.trace";
  std::ofstream(file) << trace_file_text(t, {"seed 1, trace 0", "kernel tree: test"});
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_trace(ss.str(), file);
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(*parsed, t);
  oracle.reset();  // unload: replay_diff loads its own (one per process)
  auto rep = replay_diff(file, "");
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  EXPECT_EQ(rep->traces, 1u);
  EXPECT_EQ(rep->divergences, 0u);
  EXPECT_EQ(rep->ops, 3u);
}

TEST(DiffReplay, bad_file_names_file_and_line) {
  const std::string file = ::testing::TempDir() + "/bad.trace";
  std::ofstream(file) << "# header\nmemblock_add(0x1000, 0x1000)\nmemblock_frobnicate(1)\n";
  auto rep = replay_diff(file, "");
  ASSERT_FALSE(rep.ok());
  const std::string line = rep.error().to_string();
  EXPECT_NE(line.find(file + ":3"), std::string::npos) << line;
}

TEST(DiffReplay, missing_file) {
  auto rep = replay_diff("/nonexistent/x.trace", "");
  ASSERT_FALSE(rep.ok());
  EXPECT_NE(rep.error().to_string().find("/nonexistent/x.trace"), std::string::npos);
}

}  // namespace
}  // namespace mbv::test

namespace mbv::test {
namespace {

// Every corpus/regressions/diff-*.trace replays with no divergence.
TEST(DiffRegressions, replay_all) {
  const std::filesystem::path dir = std::filesystem::path(MBV_SOURCE_DIR) / "corpus/regressions";
  if (!default_oracle_path().ok()) GTEST_SKIP() << default_oracle_path().error().to_string();
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("diff-", 0) != 0 || e.path().extension() != ".trace") continue;
    ++n;
    auto rep = replay_diff(e.path().string(), "");
    ASSERT_TRUE(rep.ok()) << rep.error().to_string();
    EXPECT_EQ(rep->divergences, 0u) << name << ":\n"
                                    << (rep->findings.empty() ? "" : rep->findings[0].minimal.describe());
  }
  EXPECT_GE(n, 2u);
}

}  // namespace
}  // namespace mbv::test
