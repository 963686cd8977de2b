// Each subcommand lives in its own cmd_<name>.cpp and exposes one function
// that adds it to the application. main.cpp only calls them.
#pragma once

#include <CLI/CLI.hpp>

namespace mbv::cli {

// Exit codes (style-anchors: the exit code carries the verdict).
inline constexpr int kExitOk = 0;           // every verdict as expected
inline constexpr int kExitViolation = 1;    // unexpected counterexample / divergence
inline constexpr int kExitUnknown = 2;      // unknown or timeout
inline constexpr int kExitUsage = 3;        // usage or input error

// Each register_* adds one subcommand. Declared weak while the subcommands are
// being built in parallel: a missing one is simply not offered.
#define MBV_COMMAND(name) __attribute__((weak)) void register_##name(CLI::App& app, int& exit_code)
MBV_COMMAND(diff);
MBV_COMMAND(boot);
MBV_COMMAND(prove);
MBV_COMMAND(shrink);
MBV_COMMAND(replay);
MBV_COMMAND(srat);
MBV_COMMAND(e820);
MBV_COMMAND(scenario);
MBV_COMMAND(fuzz);
#undef MBV_COMMAND

}  // namespace mbv::cli
