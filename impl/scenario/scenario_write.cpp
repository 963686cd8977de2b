// Writing scenario files: one canonical text per Scenario.
#include <fstream>
#include <filesystem>

#include "impl/scenario/scenario.h"

namespace mbv {

namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string hex16(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// An entry prints as a BIOS-e820 line when that line reads back to it exactly.
bool e820_line_form(const E820Entry& e) { return e.size > 0 && e.addr + (e.size - 1) >= e.addr; }

std::string e820_line(const E820Entry& e) {
  if (!e820_line_form(e)) {
    return "e820 addr=" + hex(e.addr) + " size=" + hex(e.size) +
           " type=" + std::to_string(static_cast<std::uint32_t>(e.type));
  }
  const std::string type =
      e.type == E820Type::RESERVED_KERN ? "reserved kernel" : e820_type_name(e.type);
  return "BIOS-e820: [mem " + hex16(e.addr) + "-" + hex16(e.addr + e.size - 1) + "] " + type;
}

}  // namespace

std::string write_scenario(const Scenario& s) {
  std::string out = "mbverify-scenario " + std::to_string(kScenarioVersion) + "\n";
  auto line = [&](const std::string& l) { out += l + "\n"; };
  if (!s.name.empty()) line("name " + s.name);
  line("policy " + s.policy);
  if (!s.cmdline.empty()) line("cmdline " + s.cmdline);
  line(std::string("cpu pse=") + (s.cpu.pse ? "1" : "0") + " gbpages=" + (s.cpu.gbpages ? "1" : "0") +
       " la57=" + (s.cpu.la57 ? "1" : "0"));
  {
    std::string k = "kernel size=" + hex(s.kernel.size);
    if (s.kernel.at) k += " at=" + hex(*s.kernel.at);
    if (s.kernel.kaslr_random) k += " kaslr=" + hex(*s.kernel.kaslr_random);
    if (s.kernel.kaslr_random_virt) k += " kaslr-virt=" + hex(*s.kernel.kaslr_random_virt);
    if (s.kernel.kaslr_random_mem) k += " kaslr-mem=" + hex(*s.kernel.kaslr_random_mem);
    if (s.kernel.cmdline_addr) k += " cmdline-addr=" + hex(*s.kernel.cmdline_addr);
    if (s.kernel.boot_params_addr) k += " boot-params-addr=" + hex(*s.kernel.boot_params_addr);
    line(k);
  }
  for (const E820Entry& e : s.e820) line(e820_line(e));
  if (s.srat.revision != 3) line("srat revision=" + std::to_string(s.srat.revision));
  for (const ScenarioSratCpu& c : s.srat.cpus) {
    std::string l = "srat-cpu pxm=" + std::to_string(c.pxm) + " apic=" + hex(c.apic_id);
    if (c.x2apic) l += " x2apic";
    if (!c.enabled) l += " disabled";
    line(l);
  }
  for (const ScenarioSratMem& m : s.srat.mem) {
    std::string l = "srat-mem pxm=" + std::to_string(m.pxm) + " base=" + hex(m.base) +
                    " length=" + hex(m.length) + " flags=" + hex(m.flags);
    if (m.node) l += " node=" + std::to_string(*m.node);
    line(l);
  }
  if (!s.srat.binary.empty()) {
    if (!s.srat.binary_file.empty()) {
      line("srat-file " + s.srat.binary_file);
    } else {
      static constexpr char kDigits[] = "0123456789abcdef";
      for (std::size_t i = 0; i < s.srat.binary.size(); i += 32) {
        std::string l = "srat-hex ";
        for (std::size_t j = i; j < std::min(i + 32, s.srat.binary.size()); ++j) {
          l += kDigits[s.srat.binary[j] >> 4];
          l += kDigits[s.srat.binary[j] & 0xf];
        }
        line(l);
      }
    }
  }
  if (s.slit_localities) line("slit localities=" + std::to_string(s.slit_localities));
  for (const ScenarioReserve& r : s.reserves) {
    line("reserve owner=" + std::string(owner_name(r.owner)) + " base=" + hex(r.range.start) +
         " size=" + hex(r.range.end - r.range.start));
  }
  for (const Op& op : s.ops) line("op " + to_string(op));
  if (s.finding) {
    std::string l = "finding property=" + s.finding->property;
    if (!s.finding->policy.empty()) l += " policy=" + s.finding->policy;
    if (!s.finding->owner.empty()) l += " owner=" + s.finding->owner;
    if (!s.finding->nodes.empty()) l += " nodes=" + s.finding->nodes;
    line(l);
  }
  if (s.expect) line("expect " + std::string(verdict_name(*s.expect)));
  for (const std::string& d : s.expect_dmesg) line("expect-dmesg " + d);
  return out;
}

Status save_scenario(const Scenario& s, const std::string& path) {
  namespace fs = std::filesystem;
  if (!s.srat.binary.empty() && !s.srat.binary_file.empty()) {
    const fs::path bin = fs::path(path).parent_path() / s.srat.binary_file;
    std::ofstream b(bin, std::ios::binary);
    b.write(reinterpret_cast<const char*>(s.srat.binary.data()),
            static_cast<std::streamsize>(s.srat.binary.size()));
    if (!b) return make_error(ErrorCode::BadInput, "cannot write", SourceLoc{bin.string()});
  }
  std::ofstream out(path, std::ios::binary);
  const std::string text = write_scenario(s);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) return make_error(ErrorCode::BadInput, "cannot write", SourceLoc{path});
  return Ok{};
}

}  // namespace mbv
