// Boot-test helpers: a scenario from text and one pipeline run, each failing
// the calling test (not aborting it) on an error, so a test reports every
// problem it meets.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "impl/boot/boot.h"
#include "impl/scenario/scenario.h"

namespace mbv::test {

inline Scenario scenario_of(const std::string& text, const std::string& file = "test.scenario") {
  auto s = read_scenario(text, file);
  EXPECT_TRUE(s.ok()) << s.error().to_string();
  return s.ok() ? *s : Scenario{};
}

// run_boot with the given policy (default: the scenario's) and walker.
inline BootState boot(const Scenario& s, std::optional<std::string> policy = std::nullopt,
                      WalkMode walk = WalkMode::Fast) {
  BootOptions o;
  o.policy = std::move(policy);
  o.walk = walk;
  auto st = run_boot(s, o);
  EXPECT_TRUE(st.ok()) << st.error().to_string();
  return st.ok() ? std::move(*st) : BootState{};
}

}  // namespace mbv::test
