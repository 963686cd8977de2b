// Golden traces (tests/memblock/golden/*.trace): each op's return value and
// the final state were recorded from the real Linux 6.1 mm/memblock.c by the
// kernel oracle; the model must reproduce them exactly. This keeps a piece of
// the differential check in every build, oracle or not. Format: see
// golden_format.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/memblock/op.h"
#include "tests/memblock/golden_format.h"

namespace mbv {
namespace {

namespace fs = std::filesystem;

struct Golden {
  OpTrace trace;
  std::vector<std::int64_t> results;
  std::string state;
};

// Reads the "# => value" comment of each op line and the "#| " state lines;
// the ops themselves go through parse_trace like any trace file.
Golden read_golden(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  Golden g;
  auto trace = parse_trace(text, p.string());
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().to_string());
  if (trace.ok()) g.trace = *trace;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("#| ", 0) == 0) {
      g.state += line.substr(3) + "\n";
      continue;
    }
    const std::size_t arrow = line.find("# => ");
    if (arrow != std::string::npos && line[0] != '#')
      g.results.push_back(std::stoll(line.substr(arrow + 5), nullptr, 0));
  }
  return g;
}

std::vector<fs::path> golden_files() {
  std::vector<fs::path> v;
  const fs::path dir = fs::path(MBV_SOURCE_DIR) / "tests/memblock/golden";
  if (!fs::is_directory(dir)) return v;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".trace") v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

TEST(MemblockGolden, MatchesKernelRecording) {
  const auto files = golden_files();
  ASSERT_GE(files.size(), 10u) << "tests/memblock/golden is missing traces";
  for (const fs::path& p : files) {
    SCOPED_TRACE(p.filename().string());
    const Golden g = read_golden(p);
    ASSERT_FALSE(g.trace.empty());
    ASSERT_EQ(g.results.size(), g.trace.size());
    Memblock mb;
    for (std::size_t i = 0; i < g.trace.size(); i++)
      EXPECT_EQ(apply_op(mb, g.trace[i]).value, g.results[i]) << "op " << i << ": " << to_string(g.trace[i]);
    EXPECT_EQ(mb.kernel_bug, KernelBug::None);
    EXPECT_EQ(test::golden_state_text(mb), g.state);
  }
}

}  // namespace
}  // namespace mbv
