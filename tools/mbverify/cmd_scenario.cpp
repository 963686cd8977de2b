// mbverify scenario: the reproducer format.
//   scenario from-dmesg LOG -o FILE   a scenario from a real boot log
//   scenario check FILE               parse, and check the canonical round trip
// Exit: 0 fine, 1 the canonical form does not read back (a bug), 3 bad input.
#include <cstdio>
#include <string>

#include "impl/scenario/from_dmesg.h"
#include "impl/scenario/scenario.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct ScenarioCliOptions {
  std::string log;
  std::string out;
  std::string file;
};

int summary(const Scenario& s, const std::string& where) {
  std::printf("%s: %s, policy %s, %zu e820 entries, %zu SRAT memory entries%s, %zu ops%s%s\n",
              where.c_str(), s.name.empty() ? "(unnamed)" : s.name.c_str(), s.policy.c_str(),
              s.e820.size(), s.srat.mem.size(), s.srat.binary.empty() ? "" : " (binary SRAT)",
              s.ops.size(), s.expect ? (", expect " + std::string(verdict_name(*s.expect))).c_str() : "",
              s.expect_dmesg.empty() ? "" : ", with expected dmesg lines");
  return kExitOk;
}

int run_from_dmesg(const ScenarioCliOptions& o) {
  auto s = scenario_from_dmesg_file(o.log);
  if (!s) {
    std::fprintf(stderr, "mbverify scenario: %s\n", s.error().to_string().c_str());
    return kExitUsage;
  }
  if (o.out.empty() || o.out == "-") {
    std::printf("%s", write_scenario(*s).c_str());
    return kExitOk;
  }
  if (auto st = save_scenario(*s, o.out); !st) {
    std::fprintf(stderr, "mbverify scenario: %s\n", st.error().to_string().c_str());
    return kExitUsage;
  }
  return summary(*s, o.out);
}

int run_check(const ScenarioCliOptions& o) {
  auto s = load_scenario(o.file);
  if (!s) {
    std::fprintf(stderr, "mbverify scenario: %s\n", s.error().to_string().c_str());
    return kExitUsage;
  }
  const std::string canon = write_scenario(*s);
  auto back = read_scenario(canon, o.file);
  if (!back || !(*back == *s) || write_scenario(*back) != canon) {
    std::fprintf(stderr, "mbverify scenario: %s: the canonical form does not read back identically\n",
                 o.file.c_str());
    return kExitViolation;
  }
  return summary(*s, o.file);
}

}  // namespace

void register_scenario(CLI::App& app, int& exit_code) {
  auto opt = std::make_shared<ScenarioCliOptions>();
  CLI::App* sub = app.add_subcommand("scenario", "Read, write and check scenario files");
  sub->require_subcommand(1);
  CLI::App* fd = sub->add_subcommand("from-dmesg", "Make a scenario from a real boot log");
  fd->add_option("log", opt->log, "dmesg / journalctl / syslog file")->required()->check(CLI::ExistingFile);
  fd->add_option("-o,--output", opt->out, "scenario file to write (default: stdout)");
  fd->callback([opt, &exit_code] { exit_code = run_from_dmesg(*opt); });
  CLI::App* ck = sub->add_subcommand("check", "Parse a scenario and check its canonical round trip");
  ck->add_option("file", opt->file, "scenario file")->required()->check(CLI::ExistingFile);
  ck->callback([opt, &exit_code] { exit_code = run_check(*opt); });
}

}  // namespace mbv::cli
