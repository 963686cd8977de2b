// Classifying raw kernel log lines (see dmesg_line.h).
#include "impl/scenario/dmesg_line.h"

#include <charconv>

namespace mbv {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Strips "[ 1234.567890] " and returns whether a timestamp was there.
bool strip_timestamp(std::string_view& s) {
  if (s.empty() || s[0] != '[') return false;
  std::size_t i = 1;
  while (i < s.size() && s[i] == ' ') ++i;
  const std::size_t d0 = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == d0 || i >= s.size() || s[i] != '.') return false;
  ++i;
  const std::size_t d1 = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == d1 || i >= s.size() || s[i] != ']') return false;
  ++i;
  if (i < s.size() && s[i] == ' ') ++i;
  s.remove_prefix(i);
  return true;
}

std::optional<std::uint64_t> take_num(std::string_view& s, int base) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  return v;
}

bool eat(std::string_view& s, std::string_view lit) {
  if (!s.starts_with(lit)) return false;
  s.remove_prefix(lit.size());
  return true;
}

std::optional<std::uint64_t> take_hex(std::string_view& s) {
  if (!eat(s, "0x")) return std::nullopt;
  return take_num(s, 16);
}

}  // namespace

std::optional<DmesgLine> classify_dmesg_line(std::string_view line) {
  std::string_view s = line;
  // journalctl / syslog: "Mon dd hh:mm:ss host kernel: [ ts] msg".
  if (const std::size_t k = s.find("kernel: "); k != std::string_view::npos && k < 64 &&
                                                 !s.starts_with("BIOS") && !s.starts_with("ACPI")) {
    std::string_view after = s.substr(k + 8);
    if (!after.empty() && after[0] == '[') s = after;
  }
  const bool stamped = strip_timestamp(s);
  auto make = [](DmesgLineKind k, std::string_view t) { return DmesgLine{k, std::string(t)}; };
  if (s.starts_with("Command line: ")) return make(DmesgLineKind::CommandLine, s.substr(14));
  if (s.starts_with("BIOS-e820: ")) return make(DmesgLineKind::E820, s.substr(11));
  if (s.starts_with("ACPI: SRAT: Node ")) return make(DmesgLineKind::SratMem, s.substr(12));
  if (s.starts_with("SRAT: PXM ")) return make(DmesgLineKind::SratCpu, s.substr(6));
  if (s == "Zone ranges:" || s == "Movable zone start for each node" ||
      s == "Early memory node ranges" || s.starts_with("NUMA: Node ") ||
      (stamped && s.starts_with("  ")))
    return make(DmesgLineKind::Result, s);
  if (s == "BIOS-provided physical RAM map:" || s.starts_with("Linux version ")) {
    return make(DmesgLineKind::Info, s);
  }
  if (stamped) return make(DmesgLineKind::Other, s);
  return std::nullopt;
}

Result<ScenarioSratMem> parse_srat_dmesg(std::string_view text) {
  auto bad = [&](const char* what) {
    return make_error(ErrorCode::BadInput, std::string("ACPI: SRAT line: ") + what);
  };
  std::string_view s = text;
  ScenarioSratMem m;
  if (!eat(s, "Node ")) return bad("expected \"Node N\"");
  const auto node = take_num(s, 10);
  if (!node || *node >= static_cast<std::uint64_t>(MAX_NUMNODES)) return bad("bad node number");
  if (!eat(s, " PXM ")) return bad("expected \" PXM P\"");
  const auto pxm = take_num(s, 10);
  if (!pxm || *pxm > 0xffffffffull) return bad("bad PXM number");
  if (!eat(s, " [mem ")) return bad("expected \" [mem \"");
  const auto start = take_hex(s);
  if (!start || !eat(s, "-")) return bad("bad start address");
  const auto last = take_hex(s);
  if (!last || !eat(s, "]")) return bad("bad end address");
  m.node = static_cast<int>(*node);
  m.pxm = static_cast<std::uint32_t>(*pxm);
  m.base = *start;
  m.length = *last - *start + 1;  // printed as end - 1, so this undoes it exactly
  m.flags = 1;
  if (eat(s, " hotplug")) m.flags |= 2;
  if (eat(s, " non-volatile")) m.flags |= 4;
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  if (!s.empty()) return bad("unexpected text after the range");
  return m;
}

Result<ScenarioSratCpu> parse_srat_cpu_dmesg(std::string_view text) {
  auto bad = [&](const char* what) {
    return make_error(ErrorCode::BadInput, std::string("SRAT: PXM line: ") + what);
  };
  std::string_view s = text;
  ScenarioSratCpu c;
  if (!eat(s, "PXM ")) return bad("expected \"PXM P\"");
  const auto pxm = take_num(s, 10);
  if (!pxm || *pxm > 0xffffffffull) return bad("bad PXM number");
  if (!eat(s, " -> APIC ")) return bad("expected \" -> APIC 0x..\"");
  const auto apic = take_hex(s);
  if (!apic || *apic > 0xffffffffull) return bad("bad APIC id");
  if (!eat(s, " -> Node ")) return bad("expected \" -> Node N\"");
  const auto node = take_num(s, 10);
  if (!node) return bad("bad node number");
  c.pxm = static_cast<std::uint32_t>(*pxm);
  c.apic_id = static_cast<std::uint32_t>(*apic);
  c.x2apic = *apic > 0xff;
  return c;
}

}  // namespace mbv
