// Reading scenario files (docs/scenario-format.md).
#include <cstdio>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/scenario/dmesg_line.h"
#include "impl/scenario/scenario.h"

namespace mbv {

std::string_view verdict_name(ExpectedVerdict v) {
  switch (v) {
    case ExpectedVerdict::Ok: return "ok";
    case ExpectedVerdict::Finding: return "finding";
    case ExpectedVerdict::Failure: return "failure";
  }
  return "?";
}

std::optional<ExpectedVerdict> parse_verdict_name(std::string_view s) {
  for (ExpectedVerdict v : {ExpectedVerdict::Ok, ExpectedVerdict::Finding, ExpectedVerdict::Failure})
    if (s == verdict_name(v)) return v;
  return std::nullopt;
}

std::optional<Owner> parse_owner_name(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(Owner::Other); ++i) {
    const Owner o = static_cast<Owner>(i);
    if (owner_name(o) == s) return o;
  }
  return std::nullopt;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<std::uint64_t> parse_num(std::string_view s) {
  std::uint64_t v = 0;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// key=value tokens of one directive.
struct Fields {
  std::vector<std::pair<std::string_view, std::string_view>> kv;
  std::vector<std::string_view> words;  // tokens without '='
};

Fields fields_of(std::string_view rest) {
  Fields f;
  for (std::string_view t : split_ws(rest)) {
    const std::size_t eq = t.find('=');
    if (eq == std::string_view::npos) {
      f.words.push_back(t);
    } else {
      f.kv.emplace_back(t.substr(0, eq), t.substr(eq + 1));
    }
  }
  return f;
}

std::optional<std::uint32_t> parse_srat_flags(std::string_view s) {
  if (auto n = parse_num(s)) {
    if (*n > 0xffffffffull) return std::nullopt;
    return static_cast<std::uint32_t>(*n);
  }
  std::uint32_t flags = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find('|', i);
    if (j == std::string_view::npos) j = s.size();
    const std::string_view w = s.substr(i, j - i);
    if (w == "enabled") flags |= 1;
    else if (w == "hotplug") flags |= 2;
    else if (w == "non-volatile") flags |= 4;
    else return std::nullopt;
    i = j + 1;
  }
  return flags;
}

std::optional<std::uint8_t> hex_nibble(char c) {
  if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
  return std::nullopt;
}

constexpr std::string_view kDirectives[] = {
    "name",     "policy",    "cmdline", "cpu",     "kernel", "e820",    "srat",   "srat-cpu",
    "srat-mem", "srat-hex",  "srat-file", "slit",  "reserve", "op",     "finding", "expect",
    "expect-dmesg"};

bool is_directive_keyword(std::string_view kw) {
  for (std::string_view d : kDirectives)
    if (kw == d) return true;
  return false;
}

class Reader {
 public:
  Reader(std::string_view filename, bool load_files) : file_(filename), load_files_(load_files) {}

  Result<Scenario> run(std::string_view text) {
    std::uint64_t lineno = 0;
    bool have_version = false;
    while (!text.empty()) {
      const std::size_t nl = text.find('\n');
      std::string_view raw = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
      lineno++;
      line_ = lineno;
      // Every trailing CR goes: the writer never ends a line with one, so a
      // verbatim value ending in CR could not round-trip.
      while (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      const std::string_view line = trim(raw);
      if (line.empty() || line.front() == '#') continue;
      // Verbatim directives (name, cmdline, expect-dmesg) keep trailing blanks.
      std::string_view left = raw;
      while (!left.empty() && (left.front() == ' ' || left.front() == '\t')) left.remove_prefix(1);
      left_ = left;
      if (!have_version) {
        if (auto st = version(line); !st) return st.error();
        have_version = true;
        continue;
      }
      if (auto st = directive(line); !st) return st.error();
    }
    if (!have_version) line_ = 0;  // the whole input, not one line
    if (!have_version) return err("empty scenario: the first line must be \"mbverify-scenario 1\"");
    if (!s_.srat.binary.empty() && (!s_.srat.mem.empty() || !s_.srat.cpus.empty()))
      return err("a scenario holds either SRAT entries or a binary SRAT, not both");
    return std::move(s_);
  }

 private:
  // Messages quote the input: bytes that are not printable ASCII are shown as
  // \xNN so a binary line cannot garble the terminal or split the one line.
  Error err(std::string what) const {
    std::string shown;
    for (const char c : what) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        shown += c;
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02x", u);
        shown += buf;
      }
    }
    return make_error(ErrorCode::BadInput, std::move(shown), SourceLoc{file_, line_});
  }

  Status version(std::string_view line) {
    const auto w = split_ws(line);
    if (w.size() != 2 || w[0] != "mbverify-scenario")
      return err("the first line must be \"mbverify-scenario 1\", found \"" + std::string(line) + "\"");
    const auto v = parse_num(w[1]);
    if (!v || *v != static_cast<std::uint64_t>(kScenarioVersion))
      return err("unsupported scenario version \"" + std::string(w[1]) + "\" (this reader knows 1)");
    s_.version = kScenarioVersion;
    return Ok{};
  }

  // The rest of the line after the keyword, verbatim (one separating blank).
  static std::string_view rest_after(std::string_view line, std::string_view kw) {
    std::string_view r = line.substr(kw.size());
    if (!r.empty() && (r.front() == ' ' || r.front() == '\t')) r.remove_prefix(1);
    return r;
  }

  Status directive(std::string_view line) {
    const std::size_t sp = line.find_first_of(" \t");
    const std::string_view kw = line.substr(0, sp);
    // A directive keyword wins over the dmesg classifier: a verbatim value
    // (cmdline, name, expect-dmesg) may itself contain "kernel: [ts] ...", and
    // the writer prints it after its keyword, so reading it back must not
    // depend on what the value looks like. No kernel line starts with a
    // directive keyword followed by a blank.
    if (!is_directive_keyword(kw)) {
      if (auto d = classify_dmesg_line(left_)) return pasted(*d);
    }
    const std::string_view rest = rest_after(line, kw);
    const std::string_view verbatim = kw.size() < left_.size() ? rest_after(left_, kw) : std::string_view{};
    if (kw == "name") { s_.name = std::string(verbatim); return Ok{}; }
    if (kw == "policy") return policy(rest);
    if (kw == "cmdline") { s_.cmdline = std::string(verbatim); return Ok{}; }
    if (kw == "cpu") return cpu(rest);
    if (kw == "kernel") return kernel(rest);
    if (kw == "e820") return e820(rest);
    if (kw == "srat") return srat(rest);
    if (kw == "srat-cpu") return srat_cpu(rest);
    if (kw == "srat-mem") return srat_mem(rest);
    if (kw == "srat-hex") return srat_hex(rest);
    if (kw == "srat-file") return srat_file(rest);
    if (kw == "slit") return slit(rest);
    if (kw == "reserve") return reserve(rest);
    if (kw == "op") return op(rest);
    if (kw == "finding") return finding(rest);
    if (kw == "expect") return expect(rest);
    if (kw == "expect-dmesg") { s_.expect_dmesg.emplace_back(verbatim); return Ok{}; }
    return err("unknown directive \"" + std::string(kw) + "\"");
  }

  Status pasted(const DmesgLine& d) {
    switch (d.kind) {
      case DmesgLineKind::CommandLine:
        s_.cmdline = d.text;
        return Ok{};
      case DmesgLineKind::E820: {
        auto e = e820_parse_line_body(d.text, SourceLoc{file_, line_});
        if (!e) return e.error();
        s_.e820.push_back(*e);
        return Ok{};
      }
      case DmesgLineKind::SratMem: {
        auto m = parse_srat_dmesg(d.text);
        if (!m) return err(m.error().message);
        if (!s_.srat.binary.empty()) return err("SRAT entries after a binary SRAT");
        s_.srat.mem.push_back(*m);
        return Ok{};
      }
      case DmesgLineKind::SratCpu: {
        auto c = parse_srat_cpu_dmesg(d.text);
        if (!c) return err(c.error().message);
        if (!s_.srat.binary.empty()) return err("SRAT entries after a binary SRAT");
        s_.srat.cpus.push_back(*c);
        return Ok{};
      }
      case DmesgLineKind::Result:
        s_.expect_dmesg.push_back(d.text);
        return Ok{};
      case DmesgLineKind::Info:
        return Ok{};
      case DmesgLineKind::Other:
        break;
    }
    return err("unrecognized dmesg line \"" + d.text +
               "\" (paste BIOS-e820, ACPI: SRAT, Command line or result lines; "
               "use `mbverify scenario from-dmesg` for a whole log)");
  }

  Status policy(std::string_view rest) {
    const auto w = split_ws(rest);
    if (w.size() != 1) return err("policy takes one name (linux-6.1, bottom-up-2013, srat-first)");
    s_.policy = std::string(w[0]);
    return Ok{};
  }

  Status cpu(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty()) return err("cpu: expected key=value, found \"" + std::string(f.words[0]) + "\"");
    for (auto [k, v] : f.kv) {
      bool* slot = k == "pse" ? &s_.cpu.pse : k == "gbpages" ? &s_.cpu.gbpages
                 : k == "la57" ? &s_.cpu.la57 : nullptr;
      if (!slot) return err("cpu: unknown feature \"" + std::string(k) + "\" (pse, gbpages, la57)");
      if (v != "0" && v != "1") return err("cpu: " + std::string(k) + " must be 0 or 1");
      *slot = v == "1";
    }
    return Ok{};
  }

  Status kernel(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty()) return err("kernel: expected key=value, found \"" + std::string(f.words[0]) + "\"");
    ScenarioKernel k;
    for (auto [key, v] : f.kv) {
      const auto n = parse_num(v);
      if (!n) return err("kernel: bad number \"" + std::string(v) + "\" for " + std::string(key));
      if (key == "size") k.size = *n;
      else if (key == "at") k.at = *n;
      else if (key == "kaslr") k.kaslr_random = *n;
      else if (key == "kaslr-virt") k.kaslr_random_virt = *n;
      else if (key == "kaslr-mem") k.kaslr_random_mem = *n;
      else if (key == "cmdline-addr") k.cmdline_addr = *n;
      else if (key == "boot-params-addr") k.boot_params_addr = *n;
      else return err("kernel: unknown key \"" + std::string(key) +
                      "\" (size, at, kaslr, kaslr-virt, kaslr-mem, cmdline-addr, "
                      "boot-params-addr)");
    }
    if (k.at && k.kaslr_random) return err("kernel: give either at= or kaslr=, not both");
    s_.kernel = k;
    return Ok{};
  }

  Status e820(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty() || f.kv.size() != 3)
      return err("e820: expected \"e820 addr=0x.. size=0x.. type=N\"");
    E820Entry e;
    bool seen[3] = {};
    for (auto [k, v] : f.kv) {
      const auto n = parse_num(v);
      if (!n) return err("e820: bad number \"" + std::string(v) + "\"");
      if (k == "addr") { e.addr = *n; seen[0] = true; }
      else if (k == "size") { e.size = *n; seen[1] = true; }
      else if (k == "type") {
        if (*n > 0xffffffffull) return err("e820: type does not fit in 32 bits");
        e.type = static_cast<E820Type>(*n);
        seen[2] = true;
      } else return err("e820: unknown key \"" + std::string(k) + "\"");
    }
    if (!seen[0] || !seen[1] || !seen[2]) return err("e820: needs addr=, size= and type=");
    s_.e820.push_back(e);
    return Ok{};
  }

  Status srat(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty() || f.kv.size() != 1 || f.kv[0].first != "revision")
      return err("srat: expected \"srat revision=N\"");
    const auto n = parse_num(f.kv[0].second);
    if (!n || *n > 255) return err("srat: revision must be 0..255");
    s_.srat.revision = static_cast<std::uint8_t>(*n);
    return Ok{};
  }

  Status srat_cpu(std::string_view rest) {
    if (!s_.srat.binary.empty()) return err("SRAT entries after a binary SRAT");
    const Fields f = fields_of(rest);
    ScenarioSratCpu c;
    for (std::string_view w : f.words) {
      if (w == "x2apic") c.x2apic = true;
      else if (w == "disabled") c.enabled = false;
      else return err("srat-cpu: unknown word \"" + std::string(w) + "\" (x2apic, disabled)");
    }
    bool have_pxm = false;
    for (auto [k, v] : f.kv) {
      const auto n = parse_num(v);
      if (!n || *n > 0xffffffffull) return err("srat-cpu: bad 32-bit number \"" + std::string(v) + "\"");
      if (k == "pxm") { c.pxm = static_cast<std::uint32_t>(*n); have_pxm = true; }
      else if (k == "apic") c.apic_id = static_cast<std::uint32_t>(*n);
      else return err("srat-cpu: unknown key \"" + std::string(k) + "\" (pxm, apic)");
    }
    if (!have_pxm) return err("srat-cpu: needs pxm=");
    s_.srat.cpus.push_back(c);
    return Ok{};
  }

  Status srat_mem(std::string_view rest) {
    if (!s_.srat.binary.empty()) return err("SRAT entries after a binary SRAT");
    const Fields f = fields_of(rest);
    if (!f.words.empty()) return err("srat-mem: expected key=value, found \"" + std::string(f.words[0]) + "\"");
    ScenarioSratMem m;
    bool seen_base = false, seen_len = false, seen_pxm = false;
    for (auto [k, v] : f.kv) {
      if (k == "flags") {
        const auto fl = parse_srat_flags(v);
        if (!fl) return err("srat-mem: bad flags \"" + std::string(v) + "\" (hex, or enabled|hotplug|non-volatile)");
        m.flags = *fl;
        continue;
      }
      const auto n = parse_num(v);
      if (!n) return err("srat-mem: bad number \"" + std::string(v) + "\" for " + std::string(k));
      if (k == "pxm") {
        if (*n > 0xffffffffull) return err("srat-mem: pxm does not fit in 32 bits");
        m.pxm = static_cast<std::uint32_t>(*n);
        seen_pxm = true;
      } else if (k == "base") { m.base = *n; seen_base = true; }
      else if (k == "length") { m.length = *n; seen_len = true; }
      else if (k == "node") {
        if (*n >= static_cast<std::uint64_t>(MAX_NUMNODES)) return err("srat-mem: node out of range");
        m.node = static_cast<int>(*n);
      } else return err("srat-mem: unknown key \"" + std::string(k) + "\" (pxm, base, length, flags, node)");
    }
    if (!seen_pxm || !seen_base || !seen_len) return err("srat-mem: needs pxm=, base= and length=");
    s_.srat.mem.push_back(m);
    return Ok{};
  }

  Status srat_hex(std::string_view rest) {
    if (!s_.srat.mem.empty() || !s_.srat.cpus.empty()) return err("binary SRAT after SRAT entries");
    if (!s_.srat.binary_file.empty()) return err("srat-hex after srat-file");
    rest = trim(rest);
    if (rest.empty() || rest.size() % 2) return err("srat-hex: expected an even number of hex digits");
    for (std::size_t i = 0; i < rest.size(); i += 2) {
      const auto hi = hex_nibble(rest[i]), lo = hex_nibble(rest[i + 1]);
      if (!hi || !lo) return err("srat-hex: bad hex digit at column " + std::to_string(i + 1));
      s_.srat.binary.push_back(static_cast<std::uint8_t>(*hi << 4 | *lo));
    }
    return Ok{};
  }

  Status srat_file(std::string_view rest) {
    if (!s_.srat.mem.empty() || !s_.srat.cpus.empty()) return err("binary SRAT after SRAT entries");
    if (!s_.srat.binary.empty()) return err("srat-file after a binary SRAT");
    rest = trim(rest);
    if (rest.empty()) return err("srat-file: needs a file name");
    if (!load_files_) return err("srat-file: files are not read here");
    namespace fs = std::filesystem;
    const fs::path p = fs::path(file_).parent_path() / fs::path(std::string(rest));
    std::ifstream in(p, std::ios::binary);
    if (!in) return err("srat-file: cannot open \"" + p.string() + "\"");
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty()) return err("srat-file: \"" + p.string() + "\" is empty");
    s_.srat.binary = std::move(bytes);
    s_.srat.binary_file = std::string(rest);
    return Ok{};
  }

  Status slit(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty() || f.kv.size() != 1 || f.kv[0].first != "localities")
      return err("slit: expected \"slit localities=N\"");
    const auto n = parse_num(f.kv[0].second);
    if (!n || *n > 65535) return err("slit: localities must be 0..65535");
    s_.slit_localities = static_cast<int>(*n);
    return Ok{};
  }

  Status reserve(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty()) return err("reserve: expected \"reserve owner=NAME base=0x.. size=0x..\"");
    ScenarioReserve r;
    bool seen[3] = {};
    std::uint64_t base = 0, size = 0;
    for (auto [k, v] : f.kv) {
      if (k == "owner") {
        const auto o = parse_owner_name(v);
        if (!o) return err("reserve: unknown owner \"" + std::string(v) + "\"");
        r.owner = *o;
        seen[0] = true;
        continue;
      }
      const auto n = parse_num(v);
      if (!n) return err("reserve: bad number \"" + std::string(v) + "\"");
      if (k == "base") { base = *n; seen[1] = true; }
      else if (k == "size") { size = *n; seen[2] = true; }
      else return err("reserve: unknown key \"" + std::string(k) + "\"");
    }
    if (!seen[0] || !seen[1] || !seen[2]) return err("reserve: needs owner=, base= and size=");
    if (base + size < base) return err("reserve: base + size wraps the address space");
    r.range = PhysRange{base, base + size};
    s_.reserves.push_back(r);
    return Ok{};
  }

  Status op(std::string_view rest) {
    auto o = parse_op(rest);
    if (!o) return err("op: " + o.error().message);
    s_.ops.push_back(*o);
    return Ok{};
  }

  Status finding(std::string_view rest) {
    const Fields f = fields_of(rest);
    if (!f.words.empty()) return err("finding: expected key=value pairs");
    ViolationSignature v;
    for (auto [k, val] : f.kv) {
      if (k == "property") v.property = std::string(val);
      else if (k == "policy") v.policy = std::string(val);
      else if (k == "owner") v.owner = std::string(val);
      else if (k == "nodes") v.nodes = std::string(val);
      else return err("finding: unknown key \"" + std::string(k) + "\" (property, policy, owner, nodes)");
    }
    if (v.property.empty()) return err("finding: needs property=");
    s_.finding = v;
    return Ok{};
  }

  Status expect(std::string_view rest) {
    const auto w = split_ws(rest);
    if (w.size() != 1) return err("expect: one verdict (ok, finding, failure)");
    const auto v = parse_verdict_name(w[0]);
    if (!v) return err("expect: unknown verdict \"" + std::string(w[0]) + "\" (ok, finding, failure)");
    s_.expect = *v;
    return Ok{};
  }

  std::string file_;
  bool load_files_;
  std::uint64_t line_ = 0;
  std::string_view left_;  // the current line without leading blanks
  Scenario s_;
};

}  // namespace

Result<Scenario> read_scenario(std::string_view text, std::string_view filename) {
  return Reader(filename, true).run(text);
}

Result<Scenario> read_scenario_no_files(std::string_view text, std::string_view filename) {
  return Reader(filename, false).run(text);
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::NotFound, "cannot open", SourceLoc{path});
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_scenario(ss.str(), path);
}

}  // namespace mbv
