// mbverify e820: read an e820 table (dmesg BIOS-e820 lines, a
// /sys/firmware/memmap directory, or boot_params bytes), sanitize it as
// Linux 6.1 does, apply mem=/memmap= from --cmdline, print it in the
// kernel's format; or convert it between the three formats. See docs/inputs.md.
// Exit: 0 printed, 3 bad input (one line: "FILE:LINE: what is wrong").
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "impl/cmdline/cmdline.h"
#include "impl/dmesg/dmesg.h"
#include "impl/e820/e820.h"
#include "tools/mbverify/commands.h"

namespace mbv::cli {
namespace {

struct E820CliOptions {
  std::string file;
  std::string format = "auto";
  std::string cmdline;
  bool have_cmdline = false;
  bool log_cmdline = false;
  std::string to;
  std::string out;
};

struct Loaded {
  E820Table table;
  std::vector<SourceLoc> where;
};

Result<Loaded> load(const E820CliOptions& o) {
  namespace fs = std::filesystem;
  std::string format = o.format;
  std::error_code ec;
  if (format == "auto") {
    if (fs::is_directory(o.file, ec)) {
      format = "sysfs";
    } else {
      std::ifstream in(o.file, std::ios::binary);
      std::string head(512, '\0');
      in.read(head.data(), head.size());
      head.resize(static_cast<std::size_t>(in.gcount()));
      bool binary = false;
      for (char c : head) binary |= (c == '\0');
      format = binary ? "bootparams" : "dmesg";
    }
  }
  Loaded l;
  if (format == "sysfs") {
    auto t = e820_read_sysfs(o.file, &l.where);
    if (!t) return t.error();
    l.table = std::move(*t);
    return l;
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return make_error(ErrorCode::NotFound, "cannot open", SourceLoc{o.file});
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (format == "bootparams") {
    auto t = e820_read_bootparams(
        std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), o.file, &l.where);
    if (!t) return t.error();
    l.table = std::move(*t);
    return l;
  }
  if (format != "dmesg")
    return make_error(ErrorCode::BadInput, "--format must be dmesg, sysfs or bootparams");
  auto t = e820_read_dmesg(bytes, o.file, &l.where);
  if (!t) return t.error();
  l.table = std::move(*t);
  return l;
}

int fail(const Error& e) {
  std::fprintf(stderr, "%s\n", e.to_string().c_str());
  return kExitUsage;
}

int run_sanitize(const E820CliOptions& o) {
  auto l = load(o);
  if (!l) return fail(l.error());
  E820Table& t = l->table;
  for (std::size_t i = 0; i < t.entries.size(); i++) {
    const E820Entry& e = t.entries[i];
    if (e.addr + e.size < e.addr) {
      char buf[128];
      std::snprintf(buf, sizeof buf,
                    "entry [mem 0x%016llx-0x%016llx] wraps the 64-bit address space; "
                    "e820__update_table refuses the whole table",
                    static_cast<unsigned long long>(e.addr), static_cast<unsigned long long>(e.addr + e.size - 1));
      return fail(make_error(ErrorCode::Overflow, buf, l->where[i]));
    }
  }
  if (t.entries.size() > t.capacity) t.capacity = t.entries.size();
  const bool refused = t.sanitize() < 0;
  // The command line is applied before anything is printed, so bad input
  // gives exactly one line and no half report.
  std::string line = o.cmdline;
  if (o.log_cmdline) {
    std::ifstream in(o.file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto log = read_dmesg(text, o.file);
    if (!log) return fail(log.error());
    if (!log->log.command_line)
      return fail(make_error(ErrorCode::NotFound, "--log-cmdline: no \"Command line:\" line", SourceLoc{o.file}));
    line = *log->log.command_line;
  }
  const bool with_cmdline = o.log_cmdline || o.have_cmdline;
  E820Table user = t;
  KernelCmdline c;
  std::vector<std::string> warnings;
  bool userdef = false;
  if (with_cmdline) {
    c = parse_cmdline(line);
    auto u = e820_apply_cmdline(user, c);
    if (!u) return fail(make_error(u.error().code, "--cmdline: " + u.error().message));
    warnings = u->warnings;
    userdef = u->userdef;
  }
  if (refused)
    std::fprintf(stderr, "%s: %zu entr%s: e820__update_table leaves the table as it is\n", o.file.c_str(),
                 t.entries.size(), t.entries.size() == 1 ? "y" : "ies");
  std::printf("BIOS-provided physical RAM map:\n%s", e820_print_table(t).c_str());
  if (!with_cmdline) return kExitOk;
  for (const CmdlineDiagnostic& d : c.diagnostics)
    std::fprintf(stderr, "--cmdline: byte %zu: %s\n", d.offset, d.message.c_str());
  for (const std::string& w : warnings) std::fprintf(stderr, "--cmdline: %s\n", w.c_str());
  if (userdef) std::printf("user-defined physical RAM map:\n%s", e820_print_table(user, "user").c_str());
  return kExitOk;
}

int run_convert(const E820CliOptions& o) {
  auto l = load(o);
  if (!l) return fail(l.error());
  if (o.to == "sysfs") {
    if (o.out.empty()) return fail(make_error(ErrorCode::BadInput, "--to sysfs needs -o DIR"));
    auto st = e820_write_sysfs(l->table, o.out);
    return st ? kExitOk : fail(st.error());
  }
  if (o.to == "bootparams") {
    auto b = e820_write_bootparams(l->table);
    if (!b) return fail(make_error(b.error().code, b.error().message, SourceLoc{o.file}));
    if (o.out.empty()) return fail(make_error(ErrorCode::BadInput, "--to bootparams needs -o FILE"));
    std::ofstream out(o.out, std::ios::binary);
    out.write(reinterpret_cast<const char*>(b->data()), static_cast<std::streamsize>(b->size()));
    if (!out) return fail(make_error(ErrorCode::BadInput, "cannot write", SourceLoc{o.out}));
    return kExitOk;
  }
  const std::string text = e820_print_table(l->table, "BIOS-e820", /*lossless=*/true);
  if (o.out.empty()) {
    std::printf("%s", text.c_str());
    return kExitOk;
  }
  std::ofstream out(o.out, std::ios::binary);
  out << text;
  return out ? kExitOk : fail(make_error(ErrorCode::BadInput, "cannot write", SourceLoc{o.out}));
}

}  // namespace

void register_e820(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("e820", "Read, sanitize and convert e820 tables (Linux 6.1 rules)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<E820CliOptions>();
  const std::string formats = "dmesg (BIOS-e820 lines), sysfs (/sys/firmware/memmap dir), bootparams (20-byte entries or a 4096-byte zero page); default: guess";

  auto* san = cmd->add_subcommand("sanitize", "Sanitize like e820__update_table, apply --cmdline, print like the kernel");
  san->add_option("FILE", o->file, "Input file or directory")->required();
  san->add_option("--format", o->format, formats)->check(CLI::IsMember({"auto", "dmesg", "sysfs", "bootparams"}));
  san->add_option("--cmdline", o->cmdline, "Kernel command line whose mem=/memmap= edit the table")
      ->each([o](const std::string&) { o->have_cmdline = true; });
  san->add_flag("--log-cmdline", o->log_cmdline, "Apply the log's own \"Command line:\" (dmesg input)")
      ->excludes("--cmdline");
  san->callback([o, &exit_code] { exit_code = run_sanitize(*o); });

  auto* conv = cmd->add_subcommand("convert", "Convert a table between formats (unsanitized, lossless)");
  conv->add_option("FILE", o->file, "Input file or directory")->required();
  conv->add_option("--format", o->format, formats)->check(CLI::IsMember({"auto", "dmesg", "sysfs", "bootparams"}));
  conv->add_option("--to", o->to, "dmesg, sysfs or bootparams")->required()
      ->check(CLI::IsMember({"dmesg", "sysfs", "bootparams"}));
  conv->add_option("-o,--output", o->out, "Output file (directory for sysfs); dmesg goes to stdout by default");
  conv->callback([o, &exit_code] { exit_code = run_convert(*o); });
}

}  // namespace mbv::cli
