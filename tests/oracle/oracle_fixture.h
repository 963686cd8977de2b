// Shared fixture: loads the default kernel oracle or skips the test.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "impl/memblock/memblock.h"
#include "model/oracle/kernel_oracle.h"

namespace mbv::test {

class OracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto path = default_oracle_path();
    if (!path) GTEST_SKIP() << path.error().to_string();
    auto o = KernelOracle::load(*path);
    ASSERT_TRUE(o.ok()) << o.error().to_string();
    oracle.emplace(std::move(*o));
  }

  // Runs one op on the kernel; a BUG fails the test.
  std::int64_t run(const Op& op) {
    OracleOutcome out = oracle->apply(op);
    EXPECT_FALSE(out.kernel_bug) << "kernel BUG at mm/memblock.c:" << out.bug_line;
    return out.result.value;
  }

  std::optional<KernelOracle> oracle;
};

// A whole expected state: a fresh Memblock with the given regions. total_size
// is the sum of the sizes unless given.
inline MemblockType type_with(std::vector<MemblockRegion> regions, const char* name,
                              std::optional<phys_addr_t> total = std::nullopt) {
  MemblockType t;
  t.name = name;
  phys_addr_t sum = 0;
  for (const auto& r : regions) sum += r.size;
  t.regions = std::move(regions);
  t.total_size = total ? *total : sum;
  return t;
}

}  // namespace mbv::test
