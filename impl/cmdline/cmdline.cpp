// The kernel command line as Linux 6.1 reads it (lib/cmdline.c,
// kernel/params.c, init/main.c, and the early_param handlers of the options
// that shape the early memory path).
#include "impl/cmdline/cmdline.h"

#include <cstdio>
#include <cstring>

namespace mbv {

namespace {

// The kernel's isspace (lib/ctype.c): \t \n \v \f \r, space and Latin-1 NBSP.
bool kisspace(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 9 && u <= 13) || u == 32 || u == 160;
}
bool kisxdigit(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

// dash2underscore + parameq (kernel/params.c)
bool parameq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); i++) {
    const char x = a[i] == '-' ? '_' : a[i];
    const char y = b[i] == '-' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

// parse_option_str (lib/cmdline.c)
bool parse_option_str(std::string_view str, std::string_view option) {
  std::size_t i = 0;
  while (i < str.size()) {
    if (str.substr(i).starts_with(option)) {
      const std::size_t j = i + option.size();
      if (j == str.size() || str[j] == ',') return true;
    }
    while (i < str.size() && str[i] != ',') i++;
    if (i < str.size()) i++;
  }
  return false;
}

// kstrtobool (lib/kstrtox.c)
std::optional<bool> kstrtobool(std::string_view s) {
  if (s.empty()) return std::nullopt;
  switch (s[0]) {
    case 'y': case 'Y': case 't': case 'T': case '1': return true;
    case 'n': case 'N': case 'f': case 'F': case '0': return false;
    case 'o': case 'O':
      if (s.size() > 1 && (s[1] == 'n' || s[1] == 'N')) return true;
      if (s.size() > 1 && (s[1] == 'f' || s[1] == 'F')) return false;
      return std::nullopt;
    default: return std::nullopt;
  }
}

// kstrtoul(s, 16) (lib/kstrtox.c): optional '+', optional 0x, digits, optional '\n'.
std::optional<std::uint64_t> kstrtoul16(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') s.remove_prefix(2);
  std::uint64_t v = 0;
  std::size_t n = 0;
  while (n < s.size() && kisxdigit(s[n])) {
    const unsigned d = s[n] <= '9' ? s[n] - '0' : (s[n] | 0x20) - 'a' + 10;
    if (v >> 60) return std::nullopt;  // -ERANGE
    v = v * 16 + d;
    n++;
  }
  if (n == 0) return std::nullopt;
  s.remove_prefix(n);
  if (s == "\n") s.remove_prefix(1);
  if (!s.empty()) return std::nullopt;
  return v;
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

// simple_strntoull + _parse_integer_fixup_radix + _parse_integer_limit
MemparseResult simple_strtoull(std::string_view s, unsigned base) {
  auto at = [&](std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  std::size_t i = 0;
  if (base == 0) {
    if (at(0) == '0') base = ((at(1) | 0x20) == 'x' && kisxdigit(at(2))) ? 16 : 8;
    else base = 10;
  }
  if (base == 16 && at(0) == '0' && (at(1) | 0x20) == 'x') i = 2;
  std::uint64_t res = 0;
  while (i < s.size()) {
    const char c = s[i];
    const unsigned lc = static_cast<unsigned char>(c) | 0x20;
    unsigned val;
    if (c >= '0' && c <= '9') val = c - '0';
    else if (lc >= 'a' && lc <= 'f') val = lc - 'a' + 10;
    else break;
    if (val >= base) break;
    res = res * base + val;  // wraps silently, like the kernel
    i++;
  }
  return {res, i};
}

// memparse (lib/cmdline.c)
MemparseResult memparse(std::string_view s) {
  MemparseResult r = simple_strtoull(s, 0);
  const char c = r.consumed < s.size() ? s[r.consumed] : '\0';
  int shift;
  switch (c) {
    case 'E': case 'e': shift = 60; break;
    case 'P': case 'p': shift = 50; break;
    case 'T': case 't': shift = 40; break;
    case 'G': case 'g': shift = 30; break;
    case 'M': case 'm': shift = 20; break;
    case 'K': case 'k': shift = 10; break;
    default: return r;
  }
  r.value <<= shift;
  r.consumed++;  // even with no digits: memparse("K") eats the K
  return r;
}

// parse_args + next_arg (kernel/params.c, lib/cmdline.c) on a private copy.
std::vector<CmdlineArg> split_cmdline(std::string_view text) {
  std::string buf(text.substr(0, text.find('\0')));
  buf.push_back('\0');
  char* const base = buf.data();
  char* args = base;
  std::vector<CmdlineArg> out;
  while (kisspace(*args)) args++;
  while (*args) {
    unsigned i, equals = 0;
    bool in_quote = false, quoted = false;
    if (*args == '"') {
      args++;
      in_quote = quoted = true;
    }
    for (i = 0; args[i]; i++) {
      if (kisspace(args[i]) && !in_quote) break;
      if (equals == 0 && args[i] == '=') equals = i;
      if (args[i] == '"') in_quote = !in_quote;
    }
    char* param = args;
    char* val = nullptr;
    if (equals) {
      args[equals] = '\0';
      val = args + equals + 1;
      if (*val == '"') {
        val++;
        if (args[i - 1] == '"') args[i - 1] = '\0';
      }
    }
    if (quoted && i > 0 && args[i - 1] == '"') args[i - 1] = '\0';
    if (args[i]) {
      args[i] = '\0';
      args += i + 1;
    } else {
      args += i;
    }
    while (kisspace(*args)) args++;
    if (!val && std::strcmp(param, "--") == 0) break;
    CmdlineArg a;
    a.param = param;
    if (val) a.val = std::string(val);
    a.offset = static_cast<std::size_t>(param - base);
    out.push_back(std::move(a));
  }
  return out;
}

namespace {

// The word scanner both variants share. They differ in the scan limit and in
// what happens to the byte that broke a match: the kernel proper re-examines
// it in the skip state (a blank starts the next word), the decompressor does
// not (the blank is swallowed).
int find_option_bool(std::string_view cmdline, std::string_view option, std::size_t limit,
                     bool recheck_mismatch) {
  auto blank = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
  enum { WordStart, WordCmp, WordSkip } state = WordStart;
  std::size_t pos = 0, opt = 0;
  int wstart = 0;
  while (pos < limit) {
    const char c = pos < cmdline.size() ? cmdline[pos] : '\0';
    pos++;
    switch (state) {
      case WordStart:
        if (!c) return 0;
        if (blank(c)) break;
        state = WordCmp;
        opt = 0;
        wstart = static_cast<int>(pos);
        [[fallthrough]];
      case WordCmp:
        if (opt == option.size()) {
          if (!c || blank(c)) return wstart;
          state = WordSkip;  // c is not blank: the skip state would ignore it too
          break;
        }
        if (!c) return 0;
        if (c == option[opt++]) break;
        state = WordSkip;
        if (!recheck_mismatch) break;
        [[fallthrough]];
      case WordSkip:
        if (!c) return 0;
        if (blank(c)) state = WordStart;
        break;
    }
  }
  return 0;
}

}  // namespace

// __cmdline_find_option_bool (arch/x86/boot/cmdline.c), as the decompressor
// runs it for "nokaslr". Unlike arch/x86/lib/cmdline.c, a mismatching byte
// does not fall through to the skip state, so the blank ending a mismatched
// word is swallowed: "nokas nokaslr" does not find nokaslr. The scan reads at
// most 0x10000 bytes (a 16-byte-aligned boot_params.cmd_line_ptr).
int cmdline_find_option_bool(std::string_view cmdline, std::string_view option) {
  return find_option_bool(cmdline, option, 0x10000, /*recheck_mismatch=*/false);
}

// __cmdline_find_option_bool (arch/x86/lib/cmdline.c), COMMAND_LINE_SIZE 2048:
// the kernel proper's variant (early CPU options), where a mismatch falls
// through to the skip state.
int lib_cmdline_find_option_bool(std::string_view cmdline, std::string_view option) {
  return find_option_bool(cmdline, option, 2048, /*recheck_mismatch=*/true);
}

namespace {

// parse_memmap_one (arch/x86/kernel/e820.c), without touching a table.
MemmapEntry parse_memmap_one(std::string_view p) {
  MemmapEntry e;
  e.text = std::string(p);
  if (p.starts_with("exactmap")) {
    e.kind = MemmapKind::ExactMap;
    e.sets_userdef = true;
    return e;
  }
  const MemparseResult size = memparse(p);
  if (size.consumed == 0) return e;  // Invalid, userdef untouched
  e.size = size.value;
  e.sets_userdef = true;
  std::string_view rest = p.substr(size.consumed);
  const char op = rest.empty() ? '\0' : rest[0];
  auto start_at = [&] {
    const MemparseResult s = memparse(rest.substr(1));
    e.start = s.value;
    rest = rest.substr(1 + s.consumed);
  };
  switch (op) {
    case '@': e.kind = MemmapKind::Ram; start_at(); break;
    case '#': e.kind = MemmapKind::Acpi; start_at(); break;
    case '$': e.kind = MemmapKind::Reserved; start_at(); break;
    case '!': e.kind = MemmapKind::Pram; start_at(); break;
    case '%': {
      start_at();
      if (!rest.empty() && rest[0] == '-') {
        const MemparseResult f = simple_strtoull(rest.substr(1), 0);
        e.from = static_cast<std::uint32_t>(f.value);  // enum e820_type is 32 bits
        rest = rest.substr(1 + f.consumed);
      }
      if (!rest.empty() && rest[0] == '+') {
        const MemparseResult t = simple_strtoull(rest.substr(1), 0);
        e.to = static_cast<std::uint32_t>(t.value);
        rest = rest.substr(1 + t.consumed);
      }
      if (!rest.empty()) {
        e.kind = MemmapKind::Invalid;  // rejected before any table edit
        e.from = e.to = 0;
        e.start = 0;
        e.size = 0;
        return e;
      }
      e.kind = MemmapKind::Update;
      break;
    }
    default: e.kind = MemmapKind::Limit; break;
  }
  e.trailing_garbage = !rest.empty();
  return e;
}

// cmdline_parse_core (mm/page_alloc.c)
void parse_core(std::string_view p, CoreSpec& spec) {
  const MemparseResult n = simple_strtoull(p, 0);
  if (n.consumed < p.size() && p[n.consumed] == '%') {
    spec.percent = n.value;  // required_*_percent; the page count stays
  } else {
    spec.pages = memparse(p).value >> PAGE_SHIFT;
    spec.percent = 0;
  }
}

}  // namespace

KernelCmdline parse_cmdline(std::string_view text) {
  KernelCmdline c;
  c.raw = std::string(text);
  auto diag = [&](const CmdlineArg& a, std::string msg) {
    c.diagnostics.push_back(CmdlineDiagnostic{a.offset, a.param, std::move(msg)});
  };
  auto malformed = [&](const CmdlineArg& a, const std::string& why) {
    diag(a, "Malformed early option '" + a.param + "': " + why);
  };
  std::uint64_t hugepagesz = 0;
  for (const CmdlineArg& a : split_cmdline(text)) {
    const std::string_view name = a.param;
    const std::optional<std::string>& v = a.val;
    if (parameq(name, "mem")) {  // parse_memopt
      if (!v) { malformed(a, "no value"); continue; }
      MemoryOption o;
      o.kind = MemoryOption::Kind::Mem;
      o.mem.text = *v;
      if (*v == "nopentium") {
        o.mem.nopentium = true;
        diag(a, "mem=nopentium ignored! (only supported on x86_32)");
      } else {
        o.mem.size = memparse(*v).value;
        if (o.mem.size == 0) malformed(a, "size is zero");
        else c.mem = o.mem.size;
      }
      c.memory_options.push_back(o);
    } else if (parameq(name, "memmap")) {  // parse_memmap_opt
      if (!v) continue;  // the kernel's loop sees no string and does nothing
      std::string_view rest = *v;
      while (true) {
        const std::size_t comma = rest.find(',');
        MemmapEntry e = parse_memmap_one(rest.substr(0, comma));
        if (e.kind == MemmapKind::Invalid || e.trailing_garbage)
          diag(a, "memmap=" + e.text + ": -EINVAL" +
                      (e.kind == MemmapKind::Invalid ? " (ignored)" : " (applied up to the bad character)"));
        if (e.kind == MemmapKind::Update && e.from && e.from == e.to)
          diag(a, "memmap=" + e.text + ": type " + std::to_string(e.from) +
                      " to itself; e820__range_update BUG()s");
        c.memmap.push_back(e);
        MemoryOption o;
        o.kind = MemoryOption::Kind::Memmap;
        o.memmap = e;
        c.memory_options.push_back(o);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
    } else if (parameq(name, "movable_node")) {
      c.movable_node = true;  // the value, if any, is not looked at
    } else if (parameq(name, "kernelcore")) {
      if (!v) {
        diag(a, "kernelcore without '=': Linux 6.1 dereferences NULL in parse_option_str");
        continue;
      }
      if (parse_option_str(*v, "mirror")) c.kernelcore_mirror = true;
      else parse_core(*v, c.kernelcore);
      if (c.kernelcore.percent > 100) diag(a, "kernelcore percent above 100 (WARN_ON)");
    } else if (parameq(name, "movablecore")) {
      if (!v) { malformed(a, "no value"); continue; }
      parse_core(*v, c.movablecore);
      if (c.movablecore.percent > 100) diag(a, "movablecore percent above 100 (WARN_ON)");
    } else if (parameq(name, "numa")) {  // numa_setup: prefix matches
      if (!v) { malformed(a, "no value"); continue; }
      if (v->starts_with("off")) c.numa_off = true;
      if (v->starts_with("noacpi")) c.numa_noacpi = true;
    } else if (parameq(name, "acpi")) {  // parse_acpi
      if (!v) { malformed(a, "no value"); continue; }
      if (*v == "off") c.acpi_off = true;
      else if (*v == "force") c.acpi_off = false;
      else if (*v == "rsdt") c.acpi_rsdt = true;
      else if (*v != "strict" && *v != "noirq" && *v != "copy_dsdt" && *v != "nocmcff")
        malformed(a, "unknown value '" + *v + "'");
    } else if (parameq(name, "memblock")) {  // early_memblock: strstr
      if (v && v->find("debug") != std::string::npos) c.memblock_debug = true;
    } else if (parameq(name, "gbpages")) {
      c.gbpages = true;
    } else if (parameq(name, "nogbpages")) {
      c.gbpages = false;
    } else if (parameq(name, "debug_pagealloc")) {
      auto b = v ? kstrtobool(*v) : std::nullopt;
      if (!b) { malformed(a, "not a boolean"); continue; }
      c.debug_pagealloc = *b;
    } else if (parameq(name, "acpi_rsdp")) {  // setup_acpi_rsdp: kstrtoul(arg, 16)
      if (!v) { diag(a, "acpi_rsdp without '=': Linux 6.1 dereferences NULL in kstrtoul"); continue; }
      auto r = kstrtoul16(*v);
      if (!r) { malformed(a, "not a hex number"); continue; }
      c.acpi_rsdp = *r;
    } else if (parameq(name, "memory_hotplug.memmap_on_memory")) {  // param_set_bool
      auto b = kstrtobool(v ? *v : "1");
      if (!b) { diag(a, "`" + *v + "' invalid for parameter `" + a.param + "'"); continue; }
      c.memmap_on_memory = *b;
    } else if (name == "hugepagesz") {
      hugepagesz = memparse(v ? *v : "").value;
      c.hugetlb.push_back({HugetlbParam::Kind::PageSize, hugepagesz});
    } else if (name == "hugepages") {
      const std::uint64_t n = simple_strtoull(v ? *v : "", 0).value;
      c.hugetlb.push_back({HugetlbParam::Kind::Count, n});
      c.hugepages.push_back({hugepagesz, n});
    } else if (name == "default_hugepagesz") {
      c.hugetlb.push_back({HugetlbParam::Kind::DefaultPageSize, memparse(v ? *v : "").value});
    }
  }
  // Options the kernel finds by scanning the raw line, not through parse_args.
  c.nokaslr = cmdline_find_option_bool(text, "nokaslr") != 0;
  struct Want {
    std::optional<Crashkernel>* field;
    CrashSuffix suffix;
  };
  for (const Want& w : {Want{&c.crashkernel, CrashSuffix::None}, Want{&c.crashkernel_high, CrashSuffix::High},
                        Want{&c.crashkernel_low, CrashSuffix::Low}}) {
    const CrashkernelValue probe = parse_crashkernel(text, ~std::uint64_t{0} >> 1, w.suffix);
    if (probe.ret == -KERN_ENOENT) continue;
    // Structure of the chosen value: the text up to the next ' '.
    const std::string_view raw = text.substr(0, text.find('\0'));
    std::size_t at = std::string_view::npos;
    // get_last_crashkernel's pick: re-run its scan to find the start.
    for (std::size_t p = raw.find("crashkernel="); p != std::string_view::npos;
         p = raw.find("crashkernel=", p + 1)) {
      std::size_t end = raw.find(' ', p);
      if (end == std::string_view::npos) end = raw.size();
      const std::string_view tok = raw.substr(0, end);
      const bool high = tok.ends_with(",high"), low = tok.ends_with(",low");
      if ((w.suffix == CrashSuffix::None && !high && !low) ||
          (w.suffix == CrashSuffix::High && high) || (w.suffix == CrashSuffix::Low && low))
        at = p;
    }
    if (at == std::string_view::npos) continue;
    std::string_view val = raw.substr(at + 12);
    val = val.substr(0, val.find(' '));
    Crashkernel ck;
    ck.text = std::string(val);
    ck.form = w.suffix == CrashSuffix::High  ? Crashkernel::Form::High
              : w.suffix == CrashSuffix::Low ? Crashkernel::Form::Low
              : val.find(':') != std::string_view::npos ? Crashkernel::Form::Ranges
                                                        : Crashkernel::Form::Simple;
    if (ck.form == Crashkernel::Form::Ranges) {
      std::string_view cur = val;
      while (true) {
        CrashkernelRange r;
        MemparseResult m = memparse(cur);
        if (!m.consumed) break;
        r.start = m.value;
        cur.remove_prefix(m.consumed);
        if (cur.empty() || cur[0] != '-') break;
        cur.remove_prefix(1);
        r.end = ~std::uint64_t{0};
        if (!cur.empty() && cur[0] != ':') {
          m = memparse(cur);
          if (!m.consumed) break;
          r.end = m.value;
          cur.remove_prefix(m.consumed);
        }
        if (cur.empty() || cur[0] != ':') break;
        cur.remove_prefix(1);
        m = memparse(cur);
        if (!m.consumed) break;
        r.size = m.value;
        cur.remove_prefix(m.consumed);
        ck.ranges.push_back(r);
        if (cur.empty() || cur[0] != ',') break;
        cur.remove_prefix(1);
      }
      const std::size_t atsign = cur.find('@');
      if (atsign != std::string_view::npos) ck.offset = memparse(cur.substr(atsign + 1)).value;
    } else {
      const MemparseResult m = memparse(val);
      ck.size = m.value;
      if (ck.form == Crashkernel::Form::Simple && m.consumed < val.size() && val[m.consumed] == '@')
        ck.offset = memparse(val.substr(m.consumed + 1)).value;
    }
    if (probe.ret != 0) {
      CmdlineArg fake;
      fake.param = "crashkernel";
      fake.offset = at;
      diag(fake, "crashkernel=" + ck.text + ": " + probe.warning);
    }
    *w.field = std::move(ck);
  }
  return c;
}

// get_last_crashkernel + __parse_crashkernel and its three parsers (kernel/crash_core.c)
CrashkernelValue parse_crashkernel(std::string_view cmdline, std::uint64_t system_ram,
                                   CrashSuffix suffix) {
  const std::string_view raw = cmdline.substr(0, cmdline.find('\0'));
  constexpr std::string_view kName = "crashkernel=";
  CrashkernelValue out;
  std::size_t pick = std::string_view::npos;
  for (std::size_t p = raw.find(kName); p != std::string_view::npos; p = raw.find(kName, p + 1)) {
    std::size_t end = raw.find(' ', p);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view upto = raw.substr(0, end);
    const bool high = upto.ends_with(",high"), low = upto.ends_with(",low");
    if (suffix == CrashSuffix::None ? (!high && !low)
                                    : (suffix == CrashSuffix::High ? high : low))
      pick = p;
  }
  if (pick == std::string_view::npos) {
    out.ret = -KERN_ENOENT;
    return out;
  }
  std::string_view ck = raw.substr(pick + kName.size());
  auto at = [&](std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  auto fail = [&](std::string w) {
    out.ret = -KERN_EINVAL;
    out.warning = std::move(w);
    return out;
  };
  if (suffix != CrashSuffix::None) {  // parse_crashkernel_suffix
    const std::string_view want = suffix == CrashSuffix::High ? ",high" : ",low";
    const MemparseResult m = memparse(ck);
    out.size = m.value;
    if (!m.consumed) return fail("memory value expected");
    std::string_view cur = ck.substr(m.consumed);
    if (!cur.starts_with(want)) return fail(std::string("unrecognized char: ") + at(cur, 0));
    cur.remove_prefix(want.size());
    if (at(cur, 0) != ' ' && at(cur, 0) != '\0') return fail(std::string("unrecognized char: ") + at(cur, 0));
    return out;
  }
  const std::size_t colon = ck.find(':'), space = ck.find(' ');
  if (colon != std::string_view::npos && (space == std::string_view::npos || colon < space)) {
    // parse_crashkernel_mem: total memory rounded up to 128M
    const std::uint64_t total = (system_ram + (128ull << 20) - 1) / (128ull << 20) * (128ull << 20);
    std::string_view cur = ck;
    while (true) {
      std::uint64_t end = ~std::uint64_t{0};
      MemparseResult m = memparse(cur);
      if (!m.consumed) return fail("Memory value expected");
      const std::uint64_t start = m.value;
      cur.remove_prefix(m.consumed);
      if (at(cur, 0) != '-') return fail("'-' expected");
      cur.remove_prefix(1);
      if (at(cur, 0) != ':') {
        m = memparse(cur);
        if (!m.consumed) return fail("Memory value expected");
        end = m.value;
        cur.remove_prefix(m.consumed);
        if (end <= start) return fail("end <= start");
      }
      if (at(cur, 0) != ':') return fail("':' expected");
      cur.remove_prefix(1);
      m = memparse(cur);
      if (!m.consumed) return fail("Memory value expected");
      const std::uint64_t size = m.value;
      cur.remove_prefix(m.consumed);
      if (size >= total) return fail("invalid size");
      if (total >= start && total < end) {
        out.size = size;
        break;
      }
      const char c = at(cur, 0);
      if (!cur.empty()) cur.remove_prefix(1);
      if (c != ',') break;
    }
    if (out.size > 0) {
      while (!cur.empty() && cur[0] != ' ' && cur[0] != '@') cur.remove_prefix(1);
      if (at(cur, 0) == '@') {  // unlike the simple form, a base must follow
        cur.remove_prefix(1);
        const MemparseResult b = memparse(cur);
        if (!b.consumed) return fail("Memory value expected after '@'");
        out.base = b.value;
      }
    } else {
      out.warning = "crashkernel size resulted in zero bytes";
    }
    return out;
  }
  // parse_crashkernel_simple
  const MemparseResult m = memparse(ck);
  out.size = m.value;
  if (!m.consumed) return fail("memory value expected");
  const std::string_view cur = ck.substr(m.consumed);
  if (at(cur, 0) == '@') out.base = memparse(cur.substr(1)).value;
  else if (at(cur, 0) != ' ' && at(cur, 0) != '\0')
    return fail(std::string("unrecognized char: ") + at(cur, 0));
  return out;
}

std::uint64_t KernelCmdline::kaslr_gb_huge_pages() const {
  bool gb = false;
  std::uint64_t n = 0;
  for (const HugetlbParam& h : hugetlb) {
    if (h.kind == HugetlbParam::Kind::PageSize) gb = h.value == (1ull << 30);
    else if (h.kind == HugetlbParam::Kind::Count && gb) n = h.value;
  }
  return n;
}

bool same_options(const KernelCmdline& a, const KernelCmdline& b) {
  auto strip = [](KernelCmdline c) {
    c.raw.clear();
    c.diagnostics.clear();
    for (auto& e : c.memmap) e.text.clear();
    for (auto& o : c.memory_options) {
      o.memmap.text.clear();
      o.mem.text.clear();
    }
    for (auto* ck : {&c.crashkernel, &c.crashkernel_high, &c.crashkernel_low})
      if (*ck) (*ck)->text.clear();
    return c;
  };
  return strip(a) == strip(b);
}

Result<std::string> write_cmdline(const KernelCmdline& c) {
  std::vector<std::string> out;
  for (const MemoryOption& o : c.memory_options) {
    if (o.kind == MemoryOption::Kind::Mem) {
      out.push_back(o.mem.nopentium ? "mem=nopentium" : "mem=" + hex(o.mem.size));
      continue;
    }
    const MemmapEntry& e = o.memmap;
    std::string s;
    auto pair = [&](char op) { s = hex(e.size) + op + hex(e.start); };
    switch (e.kind) {
      case MemmapKind::ExactMap: s = "exactmap"; break;
      case MemmapKind::Ram: pair('@'); break;
      case MemmapKind::Acpi: pair('#'); break;
      case MemmapKind::Reserved: pair('$'); break;
      case MemmapKind::Pram: pair('!'); break;
      case MemmapKind::Update:
        pair('%');
        if (e.from) s += "-" + std::to_string(e.from);
        if (e.to) s += "+" + std::to_string(e.to);
        break;
      case MemmapKind::Limit: s = hex(e.size); break;
      case MemmapKind::Invalid: s = e.sets_userdef ? "0%0?" : "?"; break;
    }
    if (e.trailing_garbage) s += "?";
    out.push_back("memmap=" + s);
  }
  if (c.movable_node) out.push_back("movable_node");
  auto core = [&](const char* name, const CoreSpec& cs) {
    if (cs.pages) out.push_back(std::string(name) + "=" + hex(cs.pages << PAGE_SHIFT));
    if (cs.percent) out.push_back(std::string(name) + "=" + std::to_string(cs.percent) + "%");
  };
  core("kernelcore", c.kernelcore);
  if (c.kernelcore_mirror) out.push_back("kernelcore=mirror");
  core("movablecore", c.movablecore);
  if (c.nokaslr) out.push_back("nokaslr");
  if (c.numa_off) out.push_back("numa=off");
  if (c.numa_noacpi) out.push_back("numa=noacpi");
  if (c.acpi_off) out.push_back("acpi=off");
  if (c.acpi_rsdt) out.push_back("acpi=rsdt");
  if (c.memblock_debug) out.push_back("memblock=debug");
  for (const HugetlbParam& h : c.hugetlb) {
    const char* n = h.kind == HugetlbParam::Kind::PageSize ? "hugepagesz="
                    : h.kind == HugetlbParam::Kind::Count  ? "hugepages="
                                                           : "default_hugepagesz=";
    out.push_back(n + (h.kind == HugetlbParam::Kind::Count ? std::to_string(h.value) : hex(h.value)));
  }
  if (c.gbpages) out.push_back(*c.gbpages ? "gbpages" : "nogbpages");
  if (c.debug_pagealloc) out.push_back("debug_pagealloc=on");
  if (c.acpi_rsdp) out.push_back("acpi_rsdp=" + hex(*c.acpi_rsdp));
  if (c.memmap_on_memory)
    out.push_back(std::string("memory_hotplug.memmap_on_memory=") + (*c.memmap_on_memory ? "1" : "0"));
  // crashkernel= values are found by a raw scan up to ' ': printed as written.
  for (const auto* ck : {&c.crashkernel, &c.crashkernel_high, &c.crashkernel_low}) {
    if (!*ck) continue;
    for (char ch : (*ck)->text)
      if (ch == '"' || (kisspace(ch) && ch != ' ') || ch == '\0')
        return make_error(ErrorCode::Unsupported,
                          "crashkernel=" + (*ck)->text + ": a quote or blank in the value cannot be printed back");
    out.push_back("crashkernel=" + (*ck)->text);
  }
  std::string s;
  for (const std::string& t : out) {
    if (!s.empty()) s += ' ';
    s += t;
  }
  return s;
}

}  // namespace mbv
