// mbverify: a thin driver. Every subcommand binds its options and calls one
// library function; exit codes are mapped in the subcommand (see commands.h).
#include <cstdio>

#include "tools/mbverify/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"mbverify: prove, fuzz and property-test the Linux early-boot memory allocator"};
  app.require_subcommand(1);
  int exit_code = mbv::cli::kExitOk;
  using namespace mbv::cli;
  for (auto reg : {register_diff, register_boot, register_prove, register_shrink, register_replay,
                   register_srat, register_e820, register_scenario, register_fuzz}) {
    reg(app, exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}
