// Fuzz crash file -> reproducer. Dispatches on the target name to the decoder
// its harness uses; see fuzz_finding.h.
#include "model/shrink/fuzz_finding.h"

#include <array>
#include <filesystem>
#include <string>

#include "impl/boot/fuzz_machine.h"
#include "impl/kaslr/kaslr_check.h"
#include "impl/memblock/op.h"
#include "impl/pgtable/small_machine.h"
#include "impl/scenario/scenario.h"
#include "impl/trace/trace_decode.h"

namespace mbv {

namespace {

constexpr std::array<FuzzTargetInfo, 10> kTargets{{
    {"srat_parse", "a binary SRAT", "mbverify srat decode --linux FILE"},
    {"e820_sanitize", "an e820 table (fuzz/e820_sanitize/decode.h)", "the target binary with FILE"},
    {"cmdline_parse", "a kernel command line", "the target binary with FILE"},
    {"dmesg_parse", "a dmesg log", "mbverify scenario from-dmesg FILE"},
    {"scenario_parse", "a scenario file", "mbverify scenario check FILE"},
    {"memblock_ops", "an op trace, checked against the executable spec", "mbverify replay FILE"},
    {"memblock_ops_diff", "an op trace, run on the model and the kernel oracle", "mbverify replay FILE"},
    {"pgtable", "a small machine for init_mem_mapping (two walkers compared)", "the target binary with the crash file"},
    {"kaslr", "a decompressor input (slots compared with brute force)", "the target binary with the crash file"},
    {"boot_pipeline", "a machine booted per policy, invariants checked", "mbverify replay FILE"},
}};

Error bad(std::string_view filename, std::string message) {
  return make_error(ErrorCode::BadInput, std::move(message), SourceLoc{std::string(filename)});
}

std::string header(std::string_view target, std::string_view filename) {
  return "# decoded from " + std::string(filename) + " as a " + std::string(target) + " input\n";
}

}  // namespace

std::span<const FuzzTargetInfo> fuzz_targets() { return kTargets; }

std::string_view fuzz_target_of_path(std::string_view path) {
  const std::filesystem::path p{std::string(path)};
  const std::string dir = p.parent_path().filename().string();
  const std::string file = p.filename().string();
  std::string_view best;
  for (const FuzzTargetInfo& t : kTargets) {
    if (dir == t.name) return t.name;
    // The longest name that prefixes the file: memblock_ops_diff-... is not memblock_ops'.
    if (file.starts_with(std::string(t.name) + "-") && t.name.size() > best.size()) best = t.name;
  }
  return best;
}

Result<FuzzReproducer> reproducer_from_fuzz_input(std::string_view target, std::span<const std::uint8_t> bytes,
                                                  std::string_view filename) {
  const FuzzTargetInfo* info = nullptr;
  for (const FuzzTargetInfo& t : kTargets)
    if (t.name == target) info = &t;
  if (!info) return bad(filename, "unknown fuzz target '" + std::string(target) + "'");

  FuzzReproducer r;
  r.replay = std::string(info->reproduce);
  if (target == "memblock_ops" || target == "memblock_ops_diff") {
    auto trace = decode_trace(bytes);
    if (!trace) return bad(filename, "no operation decodes from these bytes (" + trace.error().message + ")");
    r.text = header(target, filename) + trace_to_text(*trace);
    r.extension = ".trace";
    return r;
  }
  if (target == "boot_pipeline") {
    auto machine = decode_fuzz_machine(bytes);
    if (!machine) return bad(filename, "the bytes end before a whole machine is decoded");
    // The writer's first line is the format's version line; comments follow it.
    std::string text = write_scenario(*machine);
    const std::size_t eol = text.find('\n');
    text.insert(eol == std::string::npos ? text.size() : eol + 1, header(target, filename));
    r.text = std::move(text);
    r.extension = ".scenario";
    return r;
  }
  if (target == "kaslr") {
    auto in = decode_kaslr_input(bytes);
    if (!in) return bad(filename, in.error().message);
    const std::string problem = check_kaslr(*in);
    r.text = header(target, filename) + describe(*in) + "\n# check: " + (problem.empty() ? "passes" : problem) + "\n";
    r.extension = ".txt";
    return r;
  }
  if (target == "pgtable") {
    auto m = decode_small_machine(bytes);
    if (!m) return bad(filename, m.error().message);
    const std::string problem = crosscheck_walkers(*m);
    r.text = header(target, filename) + describe(*m) + "\n# walkers: " + (problem.empty() ? "agree" : problem) + "\n";
    r.extension = ".txt";
    return r;
  }
  // Parser targets: the input itself is what the parser reads.
  return r;
}

}  // namespace mbv
