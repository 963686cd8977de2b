// Reading a boot log against the Linux 6.1 printk formats of the early
// memory path (e820.c, srat.c, numa.c, page_alloc.c, setup.c, init.c).
#include "impl/dmesg/dmesg.h"

#include <charconv>
#include <cstdio>
#include <map>

namespace mbv {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

std::string_view ltrim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}
std::string_view rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A cursor over one message with small, strict matchers.
struct Cursor {
  std::string_view s;
  bool lit(std::string_view w) {
    if (!s.starts_with(w)) return false;
    s.remove_prefix(w.size());
    return true;
  }
  void spaces() { s = ltrim(s); }
  std::optional<std::uint64_t> dec() {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (ec != std::errc() || p == s.data()) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(p - s.data()));
    return v;
  }
  std::optional<std::uint64_t> hex() {
    if (!lit("0x") && !lit("0X")) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    const auto n = static_cast<std::size_t>(p - s.data());
    if (ec != std::errc() || n == 0 || n > 16) return std::nullopt;
    s.remove_prefix(n);
    return v;
  }
  // "[mem 0xA-0xB]" -> [A, B + 1)
  std::optional<PhysRange> mem() {
    if (!lit("[mem ")) return std::nullopt;
    auto a = hex();
    if (!a || !lit("-")) return std::nullopt;
    auto b = hex();
    if (!b || !lit("]")) return std::nullopt;
    return PhysRange{*a, *b + 1};
  }
  bool done() const { return rtrim(s).empty(); }
};

bool strip_timestamp(std::string_view& s) {
  if (s.empty() || s[0] != '[') return false;
  const std::size_t close = s.find(']');
  if (close == std::string_view::npos || close > 40) return false;
  const std::string_view in = s.substr(1, close - 1);
  const std::string_view t = ltrim(in);
  bool mono = !t.empty(), sawdot = false;
  for (char c : t) {
    if (c == '.') sawdot = true;
    else if (!is_digit(c)) mono = false;
  }
  bool wall = in.find(':') != std::string_view::npos;  // dmesg -T
  for (char c : in)
    if (!is_alnum(c) && c != ' ' && c != ':') wall = false;
  if (!(mono && sawdot) && !wall) return false;
  s.remove_prefix(close + 1);
  if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  return true;
}

std::string hex8(std::uint64_t v) {  // %#010Lx
  char b[24];
  std::snprintf(b, sizeof b, "0x%08llx", static_cast<unsigned long long>(v));
  return b;
}
std::string hex16(std::uint64_t v) {  // %#018Lx
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(v));
  return b;
}
std::string mem8(PhysRange r) { return "[mem " + hex8(r.start) + "-" + hex8(r.end - 1) + "]"; }
std::string mem16(PhysRange r) { return "[mem " + hex16(r.start) + "-" + hex16(r.end - 1) + "]"; }

}  // namespace

std::string_view dmesg_strip_prefix(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  // "<6>" or "<4>[...]" from /dev/kmsg-style dumps
  if (s.size() > 2 && s[0] == '<') {
    std::size_t i = 1;
    while (i < s.size() && is_digit(s[i])) i++;
    if (i > 1 && i < s.size() && s[i] == '>') s.remove_prefix(i + 1);
  }
  strip_timestamp(s);
  // dmesg -x: "kern  :info  : "
  if (s.starts_with("kern ") || s.starts_with("kern:")) {
    const std::size_t c1 = s.find(':');
    const std::size_t c2 = c1 == std::string_view::npos ? c1 : s.find(':', c1 + 1);
    if (c2 != std::string_view::npos && c2 < 16) {
      s.remove_prefix(c2 + 1);
      if (!s.empty() && s[0] == ' ') s.remove_prefix(1);
      strip_timestamp(s);
    }
  }
  // syslog / journalctl: "Mon DD HH:MM:SS host kernel: " or "kernel: "
  const std::size_t k = s.find("kernel: ");
  if (k != std::string_view::npos && k < 96 && s.substr(0, k).find('[') == std::string_view::npos &&
      (k == 0 || s[k - 1] == ' ')) {
    s.remove_prefix(k + 8);
    strip_timestamp(s);
  }
  return s;
}

const E820Table* DmesgLog::bios_e820() const {
  for (const DmesgE820Table& t : e820)
    if (t.who.starts_with("BIOS-")) return &t.table;
  return nullptr;
}

Result<DmesgRead> read_dmesg(std::string_view text, std::string_view file) {
  DmesgRead out;
  DmesgLog& log = out.log;
  static constexpr const char* kSections[] = {
      "Linux version", "Command line", "e820", "SRAT", "NUMA merge", "NODE_DATA",
      "No NUMA configuration", "Zone ranges", "Movable zone start", "Early memory node ranges",
      "init_memory_mapping", "RAMDISK", "Memory", "crashkernel"};
  std::map<std::string, DmesgSection> sec;
  for (const char* n : kSections) sec[n] = DmesgSection{n};
  std::uint64_t lineno = 0;
  auto note = [&](const char* name) {
    DmesgSection& d = sec[name];
    if (!d.found) d.first_line = lineno;
    d.found = true;
    d.lines++;
  };
  auto bad = [&](const std::string& what) {
    return make_error(ErrorCode::BadInput, what, SourceLoc{std::string(file), lineno});
  };
  enum class Sub { None, Zones, Movable, NodeRanges } sub = Sub::None;
  std::string last_who;

  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view raw_line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    lineno++;
    const std::string_view msg = dmesg_strip_prefix(raw_line);

    // Indented lines continue the section whose header came before them.
    if (sub != Sub::None && msg.starts_with("  ")) {
      Cursor c{msg};
      c.spaces();
      if (sub == Sub::Zones) {
        const std::size_t sp = c.s.find(' ');
        if (sp == std::string_view::npos || sp == 0) return bad("malformed zone line under \"Zone ranges:\"");
        DmesgZone z{std::string(c.s.substr(0, sp)), std::nullopt};
        c.s.remove_prefix(sp);
        c.spaces();
        if (!c.lit("empty")) {
          auto r = c.mem();
          if (!r) return bad("zone " + z.name + ": expected \"[mem 0x...-0x...]\" or \"empty\"");
          z.range = *r;
        }
        if (!c.done()) return bad("zone " + z.name + ": unexpected text after the range");
        log.zones->push_back(z);
        note("Zone ranges");
        continue;
      }
      if (sub == Sub::Movable) {
        DmesgMovableStart m;
        auto n = (c.lit("Node ") ? c.dec() : std::nullopt);
        if (!n || !c.lit(": ")) return bad("expected \"  Node N: 0x...\" under \"Movable zone start for each node\"");
        auto a = c.hex();
        if (!a || !c.done()) return bad("bad address in a movable zone start line");
        m.node = static_cast<int>(*n);
        m.addr = *a;
        log.movable_zone_start->push_back(m);
        note("Movable zone start");
        continue;
      }
      DmesgNodeRange nr;
      if (!c.lit("node")) return bad("expected \"  node N: [mem ...]\" under \"Early memory node ranges\"");
      c.spaces();
      auto n = c.dec();
      if (!n || !c.lit(": ")) return bad("expected \"  node N: [mem ...]\" under \"Early memory node ranges\"");
      auto r = c.mem();
      if (!r || !c.done()) return bad("bad range in an early memory node range line");
      nr.nid = static_cast<int>(*n);
      nr.range = *r;
      log.early_node_ranges->push_back(nr);
      note("Early memory node ranges");
      continue;
    }
    sub = Sub::None;
    const std::string_view body = rtrim(ltrim(msg));
    Cursor c{body};

    if (c.lit("Linux version ")) {
      if (log.linux_version) {
        log.second_boot_ignored = true;
        break;
      }
      log.linux_version = std::string(c.s);
      note("Linux version");
      continue;
    }
    // start_kernel's "Kernel command line:" only stands in when setup_arch's
    // "Command line:" was not in the excerpt.
    if (!log.command_line && (body.starts_with("Kernel command line: ") || body == "Kernel command line:")) {
      std::string_view v = msg.substr(msg.find("Kernel command line:") + 20);
      if (!v.empty() && v[0] == ' ') v.remove_prefix(1);
      log.command_line = std::string(v);
      note("Command line");
      continue;
    }
    if (c.lit("Command line: ") || body == "Command line:") {
      std::string_view v = msg.substr(msg.find("Command line:") + 13);
      if (!v.empty() && v[0] == ' ') v.remove_prefix(1);
      log.command_line = std::string(v);
      note("Command line");
      continue;
    }
    // e820__print_table(who): "<who>: [mem ...] <type>"
    {
      const std::size_t colon = body.find(": [mem ");
      const std::size_t old = body.find("BIOS-e820: ");
      std::string who;
      std::string_view rest;
      if (colon != std::string_view::npos && colon > 0 && body.find(' ') >= colon) {
        who = std::string(body.substr(0, colon));
        rest = body.substr(colon + 2);
      } else if (old == 0) {
        who = "BIOS-e820";
        rest = body.substr(11);
      }
      // Not "e820": that prefix also prints "e820: [mem ...] available for PCI devices".
      const bool table_who = who.starts_with("BIOS-") || who == "user" || who == "modified" ||
                             who == "extended";
      if (!who.empty() && table_who) {
        auto e = e820_parse_line_body(rest, SourceLoc{std::string(file), lineno});
        if (!e) return bad("malformed " + who + " line: " + e.error().message);
        if (log.e820.empty() || last_who != who) {
          DmesgE820Table t{who, {}};
          t.table.capacity = E820_MAX_ENTRIES;
          log.e820.push_back(std::move(t));
        }
        E820Table& t = log.e820.back().table;
        if (t.entries.size() >= t.capacity) t.capacity = t.entries.size() + 1;
        t.entries.push_back(*e);
        last_who = who;
        note("e820");
        continue;
      }
    }
    last_who.clear();
    // SRAT (drivers/acpi/numa/srat.c); "ACPI: " is its pr_fmt.
    {
      Cursor s{body};
      s.lit("ACPI: ");
      if (s.lit("SRAT: ")) {
        if (s.lit("Node ")) {
          DmesgSratMem m;
          auto node = s.dec();
          if (!node || !s.lit(" PXM ")) return bad("malformed SRAT line: expected \"Node N PXM P [mem ...]\"");
          auto pxm = s.dec();
          if (!pxm || !s.lit(" ")) return bad("malformed SRAT line: bad PXM");
          auto r = s.mem();
          if (!r) return bad("malformed SRAT line: expected \"[mem 0x...-0x...]\"");
          m.node = static_cast<int>(*node);
          m.pxm = static_cast<std::uint32_t>(*pxm);
          m.range = *r;
          for (s.spaces(); !s.done(); s.spaces()) {
            if (s.lit("hotplug") || s.lit("(hotplug)")) m.hotplug = true;
            else if (s.lit("non-volatile") || s.lit("(non-volatile)")) m.non_volatile = true;
            else if (s.lit("disabled") || s.lit("(disabled)")) m.disabled = true;
            else if (s.lit("ignored") || s.lit("(ignored)")) m.ignored = true;
            else return bad("malformed SRAT line: unknown flag \"" + std::string(s.s) + "\"");
          }
          log.srat.push_back(m);
          note("SRAT");
          continue;
        }
        if (s.lit("Failed to add memblk to node ")) {
          DmesgSratFailed f;
          auto node = s.dec();
          auto r = (node && s.lit(" ")) ? s.mem() : std::nullopt;
          if (!r) return bad("malformed SRAT failure line");
          f.node = static_cast<int>(*node);
          f.range = *r;
          log.srat_failed.push_back(f);
          note("SRAT");
          continue;
        }
        if (s.lit("SRAT not used.")) {
          log.srat_not_used = true;
          note("SRAT");
          continue;
        }
      }
    }
    if (c.lit("NUMA: Node ") && body.find(" -> ") != std::string_view::npos) {
      DmesgNumaMerge m;
      auto n = c.dec();
      std::optional<PhysRange> a, b, r;
      if (n && c.lit(" ")) a = c.mem();
      if (a && c.lit(" + ")) b = c.mem();
      if (b && c.lit(" -> ")) r = c.mem();
      if (!r || !c.done()) return bad("malformed NUMA merge line: expected \"NUMA: Node N [mem ...] + [mem ...] -> [mem ...]\"");
      m.node = static_cast<int>(*n);
      m.a = *a;
      m.b = *b;
      m.result = *r;
      log.numa_merges.push_back(m);
      note("NUMA merge");
      continue;
    }
    c = Cursor{body};
    if (c.lit("NODE_DATA(")) {
      auto n = c.dec();
      if (!n || !c.lit(")")) return bad("malformed NODE_DATA line");
      if (c.lit(" allocated ")) {
        auto r = c.mem();
        if (!r || !c.done()) return bad("malformed NODE_DATA line: expected \"allocated [mem ...]\"");
        log.node_data.push_back(DmesgNodeData{static_cast<int>(*n), *r, std::nullopt});
      } else if (c.lit(" on node ")) {
        auto t = c.dec();
        if (!t || !c.done()) return bad("malformed NODE_DATA line: expected \"on node N\"");
        if (log.node_data.empty() || log.node_data.back().nid != static_cast<int>(*n))
          return bad("\"NODE_DATA(" + std::to_string(*n) + ") on node\" without its \"allocated\" line");
        log.node_data.back().on_node = static_cast<int>(*t);
      } else {
        return bad("malformed NODE_DATA line");
      }
      note("NODE_DATA");
      continue;
    }
    if (body == "No NUMA configuration found") {
      log.no_numa_config = true;
      note("No NUMA configuration");
      continue;
    }
    if (body == "NUMA turned off") {
      log.numa_turned_off = true;
      note("No NUMA configuration");
      continue;
    }
    if (c.lit("Faking a node at ")) {
      auto r = c.mem();
      if (!r || !c.done()) return bad("malformed \"Faking a node at\" line");
      log.fake_node = *r;
      note("No NUMA configuration");
      continue;
    }
    if (body == "Zone ranges:") {
      log.zones.emplace();
      sub = Sub::Zones;
      note("Zone ranges");
      continue;
    }
    if (body == "Movable zone start for each node") {
      log.movable_zone_start.emplace();
      sub = Sub::Movable;
      note("Movable zone start");
      continue;
    }
    if (body == "Early memory node ranges") {
      log.early_node_ranges.emplace();
      sub = Sub::NodeRanges;
      note("Early memory node ranges");
      continue;
    }
    if (c.lit("init_memory_mapping: ")) {
      auto r = c.mem();
      if (!r || !c.done()) return bad("malformed init_memory_mapping line");
      log.init_memory_mapping.push_back(*r);
      note("init_memory_mapping");
      continue;
    }
    if (c.lit("RAMDISK: ") || c.lit("Allocated new RAMDISK: ")) {
      const bool moved = body.starts_with("Allocated");
      auto r = c.mem();
      if (!r || !c.done()) return bad("malformed RAMDISK line");
      (moved ? log.ramdisk_relocated : log.ramdisk) = *r;
      note("RAMDISK");
      continue;
    }
    if (c.lit("Memory: ") && body.find(" available") != std::string_view::npos) {
      DmesgMemory m;
      auto a = c.dec();
      std::optional<std::uint64_t> t;
      if (a && c.lit("K/")) t = c.dec();
      if (!t || !c.lit("K available")) return bad("malformed \"Memory: ...K/...K available\" line");
      m.available_k = *a;
      m.total_k = *t;
      m.detail = std::string(ltrim(c.s));
      log.memory = m;
      note("Memory");
      continue;
    }
    if (body.find("crashkernel") != std::string_view::npos) {
      DmesgCrashkernel k;
      k.text = std::string(body);
      Cursor r{body};
      auto parse3 = [&](std::string_view mid, std::string_view tail) {
        auto s = r.dec();
        std::optional<std::uint64_t> at, ram;
        if (s && r.lit(mid)) at = r.dec();
        if (at && r.lit(tail)) ram = r.dec();
        if (!ram || !r.lit("MB)")) return false;
        k.size_mb = *s;
        k.at_mb = *at;
        k.ram_mb = *ram;
        return true;
      };
      if (r.lit("Reserving ") && body.find("of memory at") != std::string_view::npos) {
        if (!parse3("MB of memory at ", "MB for crashkernel (System RAM: "))
          return bad("malformed crashkernel reservation line");
        k.kind = DmesgCrashkernel::Kind::Reserved;
      } else if (body.starts_with("Reserving ") && body.find("of low memory") != std::string_view::npos) {
        if (!parse3("MB of low memory at ", "MB for crashkernel (low RAM limit: "))
          return bad("malformed crashkernel low reservation line");
        k.kind = DmesgCrashkernel::Kind::ReservedLow;
      } else if (body.starts_with("crashkernel reservation failed") || body.starts_with("Cannot reserve")) {
        k.kind = DmesgCrashkernel::Kind::Failed;
      }
      log.crashkernel.push_back(k);
      note("crashkernel");
      continue;
    }
  }
  out.lines = lineno;
  for (const char* n : kSections) out.sections.push_back(sec[n]);
  return out;
}

std::string dmesg_summary(const DmesgRead& read) {
  std::string found, missing;
  for (const DmesgSection& s : read.sections) {
    if (s.found) {
      found += (found.empty() ? "" : ", ") + s.name + " (" + std::to_string(s.lines) + " lines from line " +
               std::to_string(s.first_line) + ")";
    } else {
      missing += (missing.empty() ? "" : ", ") + s.name;
    }
  }
  return "found: " + (found.empty() ? std::string("nothing") : found) + "\nnot found: " +
         (missing.empty() ? std::string("nothing") : missing) + "\n";
}

std::string write_dmesg(const DmesgLog& log, bool timestamps) {
  std::string out;
  auto line = [&](const std::string& s) {
    if (timestamps) out += "[    0.000000] ";
    out += s;
    out += '\n';
  };
  if (log.linux_version) line("Linux version " + *log.linux_version);
  if (log.command_line) line("Command line: " + *log.command_line);
  for (const DmesgE820Table& t : log.e820) {
    if (t.who.starts_with("BIOS-")) line("BIOS-provided physical RAM map:");
    else if (t.who == "user") line("user-defined physical RAM map:");
    else if (t.who == "modified") line("modified physical RAM map:");
    else line("extended physical RAM map:");
    const std::string tab = e820_print_table(t.table, t.who, /*lossless=*/true);
    std::size_t p = 0;
    while (p < tab.size()) {
      const std::size_t nl = tab.find('\n', p);
      line(tab.substr(p, nl - p));
      p = nl + 1;
    }
  }
  for (const PhysRange& r : log.init_memory_mapping) line("init_memory_mapping: " + mem8(r));
  if (log.ramdisk) line("RAMDISK: " + mem8(*log.ramdisk));
  if (log.ramdisk_relocated) line("Allocated new RAMDISK: " + mem8(*log.ramdisk_relocated));
  for (const DmesgSratMem& m : log.srat)
    line("ACPI: SRAT: Node " + std::to_string(m.node) + " PXM " + std::to_string(m.pxm) + " " +
         mem8(m.range) + (m.hotplug ? " hotplug" : "") + (m.non_volatile ? " non-volatile" : "") +
         (m.disabled ? " disabled" : "") + (m.ignored ? " ignored" : ""));
  for (const DmesgSratFailed& f : log.srat_failed)
    line("ACPI: SRAT: Failed to add memblk to node " + std::to_string(f.node) + " " + mem8(f.range));
  if (log.srat_not_used) line("ACPI: SRAT: SRAT not used.");
  for (const DmesgNumaMerge& m : log.numa_merges)
    line("NUMA: Node " + std::to_string(m.node) + " " + mem8(m.a) + " + " + mem8(m.b) + " -> " + mem8(m.result));
  if (log.numa_turned_off) line("NUMA turned off");
  if (log.no_numa_config) line("No NUMA configuration found");
  if (log.fake_node) line("Faking a node at " + mem16(*log.fake_node));
  for (const DmesgNodeData& n : log.node_data) {
    line("NODE_DATA(" + std::to_string(n.nid) + ") allocated " + mem8(n.range));
    if (n.on_node) line("    NODE_DATA(" + std::to_string(n.nid) + ") on node " + std::to_string(*n.on_node));
  }
  for (const DmesgCrashkernel& k : log.crashkernel) line(k.text);
  if (log.zones) {
    line("Zone ranges:");
    char b[32];
    for (const DmesgZone& z : *log.zones) {
      std::snprintf(b, sizeof b, "  %-8s ", z.name.c_str());
      line(b + (z.range ? mem16(*z.range) : std::string("empty")));
    }
  }
  if (log.movable_zone_start) {
    line("Movable zone start for each node");
    for (const DmesgMovableStart& m : *log.movable_zone_start)
      line("  Node " + std::to_string(m.node) + ": " + hex16(m.addr));
  }
  if (log.early_node_ranges) {
    line("Early memory node ranges");
    char b[32];
    for (const DmesgNodeRange& n : *log.early_node_ranges) {
      std::snprintf(b, sizeof b, "  node %3d: ", n.nid);
      line(b + mem16(n.range));
    }
  }
  if (log.memory)
    line("Memory: " + std::to_string(log.memory->available_k) + "K/" + std::to_string(log.memory->total_k) +
         "K available" + (log.memory->detail.empty() ? "" : " " + log.memory->detail));
  return out;
}

}  // namespace mbv
