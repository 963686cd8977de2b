// Helpers shared by the shrink tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "impl/scenario/scenario.h"

namespace mbv::test {

inline Scenario corpus_machine(const std::string& name) {
  auto s = load_scenario((std::filesystem::path(MBV_SOURCE_DIR) / "corpus" / "machines" / name).string());
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return s.ok() ? *s : Scenario{};
}

inline std::size_t ram_entries(const Scenario& s) {
  std::size_t n = 0;
  for (const E820Entry& e : s.e820) n += e.type == E820Type::RAM;
  return n;
}

}  // namespace mbv::test
