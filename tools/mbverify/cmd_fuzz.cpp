// mbverify fuzz: helpers around the libFuzzer targets (the campaigns
// themselves run through `make fuzz`). `targets` lists what each target eats
// and how its findings replay; `decode` turns a crash file into the
// reproducer `mbverify replay` reads (model/shrink/fuzz_finding).
// Exit: 0 written, 3 unknown target, unreadable or undecodable file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "model/shrink/fuzz_finding.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {

namespace {

struct FuzzDecodeOptions {
  std::string target;
  std::string file;
  std::string out;
  std::string out_dir;
};

int run_targets() {
  for (const FuzzTargetInfo& t : fuzz_targets())
    std::printf("%-18s %-62s replay: %s\n", std::string(t.name).c_str(), std::string(t.input).c_str(),
                std::string(t.reproduce).c_str());
  return kExitOk;
}

int run_decode(const FuzzDecodeOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "mbverify fuzz decode: %s: cannot open\n", o.file.c_str());
    return kExitUsage;
  }
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto rep = reproducer_from_fuzz_input(o.target, bytes, o.file);
  if (!rep) {
    std::fprintf(stderr, "mbverify fuzz decode: %s\n", rep.error().to_string().c_str());
    return kExitUsage;
  }
  auto replay_line = [&](const std::string& path) {
    std::string cmd = rep->replay;
    if (auto at = cmd.find("FILE"); at != std::string::npos) cmd.replace(at, 4, path);
    return cmd;
  };
  if (rep->extension.empty()) {
    std::printf("%s: a %s input is its own reproducer; replay: %s\n", o.file.c_str(), o.target.c_str(),
                replay_line(o.file).c_str());
    return kExitOk;
  }
  std::string path = o.out;
  if (path.empty() && !o.out_dir.empty())
    path = (std::filesystem::path(o.out_dir) / std::filesystem::path(o.file).filename()).string() + rep->extension;
  if (path.empty()) {
    std::fwrite(rep->text.data(), 1, rep->text.size(), stdout);
    return kExitOk;
  }
  std::ofstream out(path, std::ios::binary);
  out << rep->text;
  if (!out) {
    std::fprintf(stderr, "mbverify fuzz decode: %s: cannot write\n", path.c_str());
    return kExitUsage;
  }
  std::printf("%s -> %s; replay: %s\n", o.file.c_str(), path.c_str(), replay_line(path).c_str());
  return kExitOk;
}

}  // namespace

void register_fuzz(CLI::App& app, int& exit_code) {
  CLI::App* sub = app.add_subcommand("fuzz", "Helpers for the libFuzzer targets (campaigns: make fuzz TARGET=x)");
  sub->require_subcommand(1);
  CLI::App* list = sub->add_subcommand("targets", "List the fuzz targets, their inputs and how findings replay");
  list->callback([&exit_code] { exit_code = run_targets(); });

  auto opt = std::make_shared<FuzzDecodeOptions>();
  CLI::App* dec = sub->add_subcommand("decode", "Turn a crash file into a readable reproducer (trace, scenario, ...)");
  dec->add_option("TARGET", opt->target, "the fuzz target that produced FILE")->required();
  dec->add_option("FILE", opt->file, "crash file (libFuzzer artifact)")->required();
  dec->add_option("-o,--output", opt->out, "write the reproducer here (default: stdout)");
  dec->add_option("--out-dir", opt->out_dir, "write <dir>/<crash name><ext> instead");
  dec->callback([opt, &exit_code] { exit_code = run_decode(*opt); });
}

}  // namespace mbv::cli
