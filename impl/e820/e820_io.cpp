// e820 tables in and out: the kernel's printed table (e820__print_table,
// e820_print_type), /sys/firmware/memmap, and boot_params' packed entries.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "impl/common/numfmt.h"
#include "impl/e820/e820.h"

namespace mbv {

namespace {

std::uint32_t raw(E820Type t) { return static_cast<std::uint32_t>(t); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// "0x" followed by 1..16 hex digits; advances `s`.
std::optional<std::uint64_t> take_hex(std::string_view& s) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
  const std::size_t digits = static_cast<std::size_t>(p - (s.data() + 2));
  if (ec != std::errc() || digits == 0 || digits > 16) return std::nullopt;
  s.remove_prefix(2 + digits);
  return v;
}

std::optional<std::uint32_t> parse_u32(std::string_view s) {
  std::uint32_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

// e820_print_type (arch/x86/kernel/e820.c)
std::string e820_type_name(E820Type type) {
  switch (type) {
    case E820Type::RAM:
    case E820Type::RESERVED_KERN: return "usable";
    case E820Type::RESERVED: return "reserved";
    case E820Type::SOFT_RESERVED: return "soft reserved";
    case E820Type::ACPI: return "ACPI data";
    case E820Type::NVS: return "ACPI NVS";
    case E820Type::UNUSABLE: return "unusable";
    case E820Type::PMEM:
    case E820Type::PRAM: return "persistent (type " + std::to_string(raw(type)) + ")";
  }
  return "type " + std::to_string(raw(type));
}

// e820_type_to_string (arch/x86/kernel/e820.c), as /sys/firmware/memmap shows it.
std::string e820_sysfs_type_name(E820Type type) {
  switch (type) {
    case E820Type::RESERVED_KERN:
    case E820Type::RAM: return "System RAM";
    case E820Type::ACPI: return "ACPI Tables";
    case E820Type::NVS: return "ACPI Non-volatile Storage";
    case E820Type::UNUSABLE: return "Unusable memory";
    case E820Type::PRAM: return "Persistent Memory (legacy)";
    case E820Type::PMEM: return "Persistent Memory";
    case E820Type::RESERVED: return "Reserved";
    case E820Type::SOFT_RESERVED: return "Soft Reserved";
  }
  return "Unknown E820 type";
}

std::optional<E820Type> e820_parse_type_name(std::string_view n) {
  n = trim(n);
  if (n == "usable") return E820Type::RAM;
  if (n == "reserved") return E820Type::RESERVED;
  if (n == "soft reserved") return E820Type::SOFT_RESERVED;
  if (n == "ACPI data") return E820Type::ACPI;
  if (n == "ACPI NVS") return E820Type::NVS;
  if (n == "unusable") return E820Type::UNUSABLE;
  if (n == "persistent") return E820Type::PMEM;
  if (n == "reserved kernel") return E820Type::RESERVED_KERN;
  constexpr std::string_view kPers = "persistent (type ";
  if (n.starts_with(kPers) && n.ends_with(")")) {
    auto v = parse_u32(n.substr(kPers.size(), n.size() - kPers.size() - 1));
    if (v) return static_cast<E820Type>(*v);
    return std::nullopt;
  }
  if (n.starts_with("type ")) {
    auto v = parse_u32(n.substr(5));
    if (v) return static_cast<E820Type>(*v);
  }
  return std::nullopt;
}

std::optional<E820Type> e820_parse_sysfs_type_name(std::string_view n) {
  n = trim(n);
  for (E820Type t : {E820Type::RAM, E820Type::ACPI, E820Type::NVS, E820Type::UNUSABLE,
                     E820Type::PRAM, E820Type::PMEM, E820Type::RESERVED, E820Type::SOFT_RESERVED})
    if (n == e820_sysfs_type_name(t)) return t;
  return std::nullopt;
}

// e820__print_table (arch/x86/kernel/e820.c), one line per entry.
std::vector<std::string> e820_print_lines(const E820Table& table, std::string_view who,
                                          bool lossless) {
  std::vector<std::string> out;
  out.reserve(table.entries.size());
  for (const E820Entry& e : table.entries) {
    // "%s: [mem %#018Lx-%#018Lx] " then the type name
    std::string line;
    line.reserve(who.size() + 64);
    line += who;
    line += ": [mem 0x";
    append_hex(line, e.addr, 16);
    line += "-0x";
    append_hex(line, e.addr + e.size - 1, 16);
    line += "] ";
    line += (lossless && e.type == E820Type::RESERVED_KERN) ? "reserved kernel" : e820_type_name(e.type);
    out.push_back(std::move(line));
  }
  return out;
}

// e820__print_table (arch/x86/kernel/e820.c)
std::string e820_print_table(const E820Table& table, std::string_view who, bool lossless) {
  std::string out;
  for (const std::string& line : e820_print_lines(table, who, lossless)) {
    out += line;
    out += '\n';
  }
  return out;
}

Result<E820Entry> e820_parse_line_body(std::string_view body, const SourceLoc& where) {
  std::string_view s = trim(body);
  auto bad = [&](const std::string& what) {
    return make_error(ErrorCode::BadInput, what, where);
  };
  if (!s.starts_with("[mem ")) {
    // Kernels before 3.8 printed "%016Lx - %016Lx (type)" with an exclusive end.
    std::uint64_t v[2];
    std::string_view t = s;
    for (int k = 0; k < 2; k++) {
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v[k], 16);
      const std::size_t n = static_cast<std::size_t>(p - t.data());
      if (ec != std::errc() || n == 0 || n > 16) return bad("expected \"[mem 0x...-0x...] <type>\"");
      t.remove_prefix(n);
      if (k == 0) {
        if (!t.starts_with(" - ")) return bad("expected \"[mem 0x...-0x...] <type>\"");
        t.remove_prefix(3);
      }
    }
    if (!t.starts_with(" (") || !t.ends_with(")")) return bad("expected \" (<type>)\" after the range");
    auto type = e820_parse_type_name(t.substr(2, t.size() - 3));
    if (!type) return bad("unknown e820 type \"" + std::string(t.substr(2, t.size() - 3)) + "\"");
    return E820Entry{v[0], v[1] - v[0], *type};
  }
  s.remove_prefix(5);
  auto start = take_hex(s);
  if (!start) return bad("bad start address after \"[mem \" (want 0x and 1-16 hex digits)");
  if (s.empty() || s[0] != '-') return bad("expected '-' after the start address");
  s.remove_prefix(1);
  auto last = take_hex(s);
  if (!last) return bad("bad end address after '-' (want 0x and 1-16 hex digits)");
  if (s.size() < 2 || s[0] != ']' || s[1] != ' ') return bad("expected \"] \" after the end address");
  s.remove_prefix(2);
  auto type = e820_parse_type_name(s);
  if (!type) return bad("unknown e820 type \"" + std::string(trim(s)) + "\"");
  // The end is inclusive; size wraps exactly like addr + size - 1 did.
  return E820Entry{*start, *last - *start + 1, *type};
}

Result<E820Table> e820_read_dmesg(std::string_view text, std::string_view file,
                                  std::vector<SourceLoc>* where) {
  E820Table t;
  t.capacity = ~std::size_t{0};  // a log may hold more than the table takes
  std::vector<SourceLoc> locs;
  std::uint64_t lineno = 0;
  constexpr std::string_view kTag = "BIOS-e820: ";
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    lineno++;
    const std::size_t at = line.find(kTag);
    if (at == std::string_view::npos) continue;
    SourceLoc loc{std::string(file), lineno};
    auto e = e820_parse_line_body(line.substr(at + kTag.size()), loc);
    if (!e) return e.error();
    t.entries.push_back(*e);
    locs.push_back(loc);
  }
  if (t.entries.empty())
    return make_error(ErrorCode::NotFound, "no \"BIOS-e820: [mem ...]\" line",
                      SourceLoc{std::string(file)});
  t.capacity = std::max(E820_MAX_ENTRIES, t.entries.size());
  if (where) *where = std::move(locs);
  return t;
}

namespace {

Result<std::string> read_small_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return make_error(ErrorCode::NotFound, "cannot open", SourceLoc{p.string()});
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Result<E820Table> e820_read_sysfs(const std::string& dir, std::vector<SourceLoc>* where) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(ErrorCode::NotFound, "not a directory", SourceLoc{dir});
  std::vector<std::pair<std::uint64_t, fs::path>> subdirs;
  for (const auto& de : fs::directory_iterator(dir, ec)) {
    const std::string name = de.path().filename().string();
    std::uint64_t idx = 0;
    auto [p, err] = std::from_chars(name.data(), name.data() + name.size(), idx, 10);
    if (err != std::errc() || p != name.data() + name.size() || !de.is_directory()) continue;
    subdirs.emplace_back(idx, de.path());
  }
  if (ec) return make_error(ErrorCode::BadInput, "cannot list: " + ec.message(), SourceLoc{dir});
  std::sort(subdirs.begin(), subdirs.end());
  if (subdirs.empty())
    return make_error(ErrorCode::NotFound, "no numbered entry directories", SourceLoc{dir});
  for (std::size_t i = 0; i < subdirs.size(); i++)
    if (subdirs[i].first != i)
      return make_error(ErrorCode::BadInput,
                        "entry directories are not numbered 0.." + std::to_string(subdirs.size() - 1) +
                            " (missing " + std::to_string(i) + ")",
                        SourceLoc{dir});
  E820Table t;
  std::vector<SourceLoc> locs;
  for (const auto& [idx, path] : subdirs) {
    std::uint64_t v[2];
    const char* names[2] = {"start", "end"};
    for (int k = 0; k < 2; k++) {
      const fs::path f = path / names[k];
      auto txt = read_small_file(f);
      if (!txt) return txt.error();
      std::string_view s = trim(*txt);
      auto h = take_hex(s);
      if (!h || !s.empty())
        return make_error(ErrorCode::BadInput, "expected one 0x-prefixed hex number",
                          SourceLoc{f.string(), 1});
      v[k] = *h;
    }
    const fs::path tf = path / "type";
    auto txt = read_small_file(tf);
    if (!txt) return txt.error();
    auto type = e820_parse_sysfs_type_name(*txt);
    if (!type)
      return make_error(ErrorCode::BadInput, "unknown memmap type \"" + std::string(trim(*txt)) + "\"",
                        SourceLoc{tf.string(), 1});
    t.entries.push_back(E820Entry{v[0], v[1] - v[0] + 1, *type});
    locs.push_back(SourceLoc{path.string()});
  }
  t.capacity = std::max(E820_MAX_ENTRIES, t.entries.size());
  if (where) *where = std::move(locs);
  return t;
}

Status e820_write_sysfs(const E820Table& table, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::BadInput, "cannot create: " + ec.message(), SourceLoc{dir});
  char buf[32];
  for (std::size_t i = 0; i < table.entries.size(); i++) {
    const E820Entry& e = table.entries[i];
    const fs::path d = fs::path(dir) / std::to_string(i);
    fs::create_directories(d, ec);
    if (ec) return make_error(ErrorCode::BadInput, "cannot create: " + ec.message(), SourceLoc{d.string()});
    // memmap_attr_show: "0x%llx\n" for start and the inclusive end.
    const std::pair<const char*, std::string> files[3] = {
        {"start", (std::snprintf(buf, sizeof buf, "0x%llx\n", (unsigned long long)e.addr), buf)},
        {"end", (std::snprintf(buf, sizeof buf, "0x%llx\n", (unsigned long long)(e.addr + e.size - 1)), buf)},
        {"type", e820_sysfs_type_name(e.type) + "\n"}};
    for (const auto& [name, content] : files) {
      std::ofstream out(d / name, std::ios::binary | std::ios::trunc);
      out << content;
      if (!out) return make_error(ErrorCode::BadInput, "cannot write", SourceLoc{(d / name).string()});
    }
  }
  return Ok{};
}

namespace {

constexpr std::size_t kZeroPageSize = 4096;
constexpr std::size_t kZeroPageEntriesOff = 0x1e8;  // boot_params.e820_entries
constexpr std::size_t kZeroPageTableOff = 0x2d0;    // boot_params.e820_table

std::uint64_t le(std::span<const std::uint8_t> b, std::size_t off, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = (v << 8) | b[off + i];
  return v;
}

}  // namespace

Result<E820Table> e820_read_bootparams(std::span<const std::uint8_t> bytes, std::string_view file,
                                       std::vector<SourceLoc>* where) {
  std::size_t base = 0, count = 0;
  auto at = [&](std::size_t off) {
    SourceLoc l{std::string(file)};
    l.offset = off;
    l.has_offset = true;
    return l;
  };
  if (bytes.size() == kZeroPageSize) {
    count = bytes[kZeroPageEntriesOff];
    base = kZeroPageTableOff;
    if (count > E820_MAX_ENTRIES_ZEROPAGE)
      return make_error(ErrorCode::BadInput,
                        "e820_entries is " + std::to_string(count) + ", boot_params holds at most 128",
                        at(kZeroPageEntriesOff));
  } else {
    if (bytes.size() % E820_BOOT_ENTRY_BYTES != 0)
      return make_error(ErrorCode::Truncated,
                        "table ends inside an entry: " + std::to_string(bytes.size()) +
                            " bytes is not a multiple of 20",
                        at(bytes.size() - bytes.size() % E820_BOOT_ENTRY_BYTES));
    count = bytes.size() / E820_BOOT_ENTRY_BYTES;
    if (count > E820_MAX_ENTRIES_ZEROPAGE)
      return make_error(ErrorCode::BadInput,
                        std::to_string(count) + " entries; boot_params holds at most 128 "
                        "(more come through SETUP_E820_EXT)",
                        at(E820_MAX_ENTRIES_ZEROPAGE * E820_BOOT_ENTRY_BYTES));
  }
  E820Table t;
  std::vector<SourceLoc> locs;
  for (std::size_t i = 0; i < count; i++) {
    const std::size_t off = base + i * E820_BOOT_ENTRY_BYTES;
    t.entries.push_back(E820Entry{le(bytes, off, 8), le(bytes, off + 8, 8),
                                  static_cast<E820Type>(le(bytes, off + 16, 4))});
    locs.push_back(at(off));
  }
  if (where) *where = std::move(locs);
  return t;
}

Result<std::vector<std::uint8_t>> e820_write_bootparams(const E820Table& table) {
  if (table.entries.size() > E820_MAX_ENTRIES_ZEROPAGE)
    return make_error(ErrorCode::Unsupported,
                      std::to_string(table.entries.size()) +
                          " entries; boot_params holds at most 128");
  std::vector<std::uint8_t> out;
  out.reserve(table.entries.size() * E820_BOOT_ENTRY_BYTES);
  auto put = [&](std::uint64_t v, int n) {
    for (int i = 0; i < n; i++) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  for (const E820Entry& e : table.entries) {
    put(e.addr, 8);
    put(e.size, 8);
    put(raw(e.type), 4);
  }
  return out;
}

}  // namespace mbv
