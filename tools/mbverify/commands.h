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

// Each register_* adds one subcommand (defined in cmd_<name>.cpp); its
// callback stores the exit code.
void register_diff(CLI::App& app, int& exit_code);
void register_boot(CLI::App& app, int& exit_code);
void register_prove(CLI::App& app, int& exit_code);
void register_shrink(CLI::App& app, int& exit_code);
void register_replay(CLI::App& app, int& exit_code);
void register_srat(CLI::App& app, int& exit_code);
void register_e820(CLI::App& app, int& exit_code);
void register_scenario(CLI::App& app, int& exit_code);
void register_fuzz(CLI::App& app, int& exit_code);

}  // namespace mbv::cli
