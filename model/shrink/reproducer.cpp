// Reading and writing reproducers (see reproducer.h).
#include "model/shrink/reproducer.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/boot/fuzz_machine.h"
#include "impl/scenario/from_dmesg.h"

namespace mbv {

namespace fs = std::filesystem;

ReproducerKind reproducer_kind(std::string_view text, std::string_view filename) {
  // The format's own first line or name wins over a byte guess: a damaged
  // scenario must get the scenario reader's error, not a fuzz decode.
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  if (text.substr(i).starts_with("mbverify-scenario") || filename.ends_with(".scenario"))
    return ReproducerKind::Scenario;
  if (filename.ends_with(".bin")) return ReproducerKind::FuzzInput;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || u >= 0x80 || (u < 0x20 && u != '\n' && u != '\t' && u != '\r')) return ReproducerKind::FuzzInput;
  }
  if (text.find("BIOS-e820:") != std::string_view::npos) return ReproducerKind::DmesgLog;
  if (filename.ends_with(".trace")) return ReproducerKind::Trace;
  // First line that is not a comment or blank: a kernel call means a trace.
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    const auto p = line.find_first_not_of(" \t");
    if (p == std::string::npos || line[p] == '#') continue;
    if (line.compare(p, 9, "memblock_") == 0 || line.compare(p, 12, "movable_node") == 0 ||
        line.compare(p, 17, "kernelcore_mirror") == 0)
      return ReproducerKind::Trace;
    break;
  }
  return ReproducerKind::Scenario;  // let the scenario reader say what is wrong
}

Result<Scenario> load_reproducer(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return make_error(ErrorCode::NotFound, "cannot open file", SourceLoc{path});
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  switch (reproducer_kind(text, path)) {
    case ReproducerKind::Scenario: return load_scenario(path);
    case ReproducerKind::DmesgLog: return scenario_from_dmesg(text, path);
    case ReproducerKind::FuzzInput: {
      const auto* b = reinterpret_cast<const std::uint8_t*>(text.data());
      auto s = decode_fuzz_machine({b, text.size()});
      if (!s)
        return make_error(ErrorCode::Truncated,
                          "not a boot_pipeline fuzz input: its " + std::to_string(text.size()) +
                              " bytes end before the machine does",
                          SourceLoc{path});
      s->name = fs::path(path).stem().string();
      return *s;
    }
    case ReproducerKind::Trace:
      return make_error(ErrorCode::Unsupported,
                        "an operation trace, not a machine: replay it with `mbverify replay` (model/diff)",
                        SourceLoc{path});
  }
  return make_error(ErrorCode::Internal, "unknown reproducer kind", SourceLoc{path});
}

std::string scenario_text_with_comments(const Scenario& s, const std::vector<std::string>& comments) {
  const std::string text = write_scenario(s);
  const std::size_t nl = text.find('\n');
  std::string out = text.substr(0, nl + 1);
  for (const std::string& c : comments) out += "# " + c + "\n";
  out += text.substr(nl + 1);
  return out;
}

Scenario scenario_from_op_counterexample(const OpTrace& trace, const std::string& name) {
  Scenario s;
  s.name = name;
  s.ops.push_back(Op{OpKind::Remove, 0, PHYS_ADDR_MAX});
  s.ops.push_back(Op{OpKind::PhysFree, 0, PHYS_ADDR_MAX});
  s.ops.insert(s.ops.end(), trace.begin(), trace.end());
  const std::string owner = trace.empty() ? std::string() : std::string(op_kind_name(trace.back().kind));
  s.finding = ViolationSignature{std::string(kMemblockSpecProperty), "memblock", owner, ""};
  s.expect = ExpectedVerdict::Failure;
  return s;
}

std::string op_counterexample_text(const OpTrace& trace, const std::string& name,
                                   const std::vector<std::string>& comments) {
  return scenario_text_with_comments(scenario_from_op_counterexample(trace, name), comments);
}

int next_regression_number(const std::string& dir) {
  int best = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() < 5 || n[4] != '-') continue;
    bool digits = true;
    for (int i = 0; i < 4; ++i) digits &= std::isdigit(static_cast<unsigned char>(n[i])) != 0;
    if (digits) best = std::max(best, std::stoi(n.substr(0, 4)));
  }
  return best + 1;
}

Result<std::string> emit_regression(const Scenario& s, const std::string& dir, const std::string& name,
                                    const std::vector<std::string>& comments) {
  if (name.empty())
    return make_error(ErrorCode::BadInput, "regression name is empty", SourceLoc{"--emit-regression"});
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      return make_error(ErrorCode::BadInput,
                        "regression name \"" + name + "\" may only hold letters, digits, '-' and '_'",
                        SourceLoc{"--emit-regression"});
  std::error_code ec;
  fs::create_directories(dir, ec);
  char num[16];
  std::snprintf(num, sizeof num, "%04d", next_regression_number(dir));
  const std::string path = (fs::path(dir) / (std::string(num) + "-" + name + ".scenario")).string();
  Scenario named = s;
  named.name = std::string(num) + "-" + name;
  std::ofstream out(path, std::ios::binary);
  const std::string text = scenario_text_with_comments(named, comments);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) return make_error(ErrorCode::BadInput, "cannot write", SourceLoc{path});
  return path;
}

}  // namespace mbv
