// A scenario from a whole kernel log: the facts the kernel read (command
// line, BIOS-e820, SRAT lines) become the machine, and what it printed as
// results (the NUMA merge lines and the zone blocks) become expect-dmesg lines.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/scenario/dmesg_line.h"
#include "impl/scenario/from_dmesg.h"

namespace mbv {

Result<Scenario> scenario_from_dmesg(std::string_view text, std::string_view filename) {
  Scenario s;
  s.name = std::filesystem::path(std::string(filename)).stem().string();
  bool have_cmdline = false;
  bool in_block = false;  // inside Zone ranges / Movable zone start / Early memory node ranges
  std::uint64_t lineno = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    lineno++;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const SourceLoc where{std::string(filename), lineno};
    const auto d = classify_dmesg_line(line);
    if (!d) continue;
    switch (d->kind) {
      case DmesgLineKind::CommandLine:
        // The first one is what setup_arch printed; later ones are module args.
        if (!have_cmdline) s.cmdline = d->text;
        have_cmdline = true;
        in_block = false;
        break;
      case DmesgLineKind::E820: {
        auto e = e820_parse_line_body(d->text, where);
        if (!e) return e.error();
        s.e820.push_back(*e);
        in_block = false;
        break;
      }
      case DmesgLineKind::SratMem: {
        auto m = parse_srat_dmesg(d->text);
        if (!m) return make_error(ErrorCode::BadInput, m.error().message, where);
        s.srat.mem.push_back(*m);
        in_block = false;
        break;
      }
      case DmesgLineKind::SratCpu: {
        auto c = parse_srat_cpu_dmesg(d->text);
        if (!c) return make_error(ErrorCode::BadInput, c.error().message, where);
        s.srat.cpus.push_back(*c);
        in_block = false;
        break;
      }
      case DmesgLineKind::Result:
        if (d->text == "Zone ranges:" || d->text == "Movable zone start for each node" ||
            d->text == "Early memory node ranges") {
          in_block = true;
          s.expect_dmesg.push_back(d->text);
        } else if (d->text.starts_with("NUMA: Node ")) {
          s.expect_dmesg.push_back(d->text);
          in_block = false;
        } else if (in_block) {
          s.expect_dmesg.push_back(d->text);
        }
        break;
      case DmesgLineKind::Info:
      case DmesgLineKind::Other:
        in_block = false;
        break;
    }
  }
  if (s.e820.empty())
    return make_error(ErrorCode::NotFound, "no \"BIOS-e820: [mem ...]\" line in the log",
                      SourceLoc{std::string(filename)});
  return s;
}

Result<Scenario> scenario_from_dmesg_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::NotFound, "cannot open", SourceLoc{path});
  std::ostringstream ss;
  ss << in.rdbuf();
  return scenario_from_dmesg(ss.str(), path);
}

}  // namespace mbv
