// Our command-line model against the real Linux 6.1 code compiled from the
// kernel tarball at build time: memparse, next_arg + the parse_args loop,
// parse_option_str, and mem=/memmap= applied to an e820 table followed by
// e820__finish_early_params (userdef, max_mem_size, panic, the table).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstring>

#include "impl/cmdline/cmdline.h"
#include "impl/e820/e820.h"
#include "tests/e820/e820_gen.h"
#include "tests/e820/kernel_e820_oracle.h"

namespace mbv {
namespace {

rc::Gen<std::string> gen_text(const std::string& alphabet, int max_len) {
  return rc::gen::exec([alphabet, max_len] {
    const int n = *rc::gen::inRange(0, max_len);
    std::string s;
    for (int i = 0; i < n; i++) s += *rc::gen::elementOf(alphabet);
    return s;
  });
}

RC_GTEST_PROP(CmdlineKernelOracle, memparse_matches_linux_6_1, ()) {
  const std::string s = *gen_text("0123456789xXabcdefgKkMmGgTtPpEe@$%-+ ", 24);
  std::size_t consumed = 0;
  const unsigned long long k = kernel_memparse(s.c_str(), &consumed);
  const MemparseResult ours = memparse(s);
  RC_ASSERT(ours.value == k);
  RC_ASSERT(ours.consumed == consumed);
}

// The loop of parse_args (kernel/params.c) over the kernel's next_arg.
std::vector<CmdlineArg> kernel_split(const std::string& line) {
  std::vector<char> buf(line.begin(), line.end());
  buf.push_back('\0');
  char* args = kernel_skip_spaces(buf.data());
  std::vector<CmdlineArg> out;
  while (*args) {
    char *param, *val;
    args = kernel_next_arg(args, &param, &val);
    if (!val && std::strcmp(param, "--") == 0) break;
    CmdlineArg a;
    a.param = param;
    if (val) a.val = std::string(val);
    a.offset = static_cast<std::size_t>(param - buf.data());
    out.push_back(a);
  }
  return out;
}

RC_GTEST_PROP(CmdlineKernelOracle, next_arg_splitting_matches_linux_6_1, ()) {
  const std::string line = *gen_text("ab=\" \t\n\xa0-,", 30);
  const auto k = kernel_split(line);
  const auto ours = split_cmdline(line);
  RC_ASSERT(ours.size() == k.size());
  for (std::size_t i = 0; i < k.size(); i++) {
    RC_ASSERT(ours[i].param == k[i].param);
    RC_ASSERT(ours[i].val == k[i].val);
    RC_ASSERT(ours[i].offset == k[i].offset);
  }
}

rc::Gen<std::string> gen_memory_value() {
  return rc::gen::oneOf(
      rc::gen::elementOf(std::vector<std::string>{
          "exactmap", "exactmapX", "nopentium", "", "1G", "0x100000", "640K@0", "255M@1M", "1M$0x200000",
          "4K#0x3000", "1G!2G", "64K%0x10000-1+2", "1M%1M-2", "4K%0x20000+12", "1M%0", "1M%0-1+2x",
          "2G", "16Mjunk", "K@0", "1Q@0", "0", "1M,2M@4M", "8M@16M,exactmap,640K@0,1G@1M"}),
      gen_text("0123456789xKMG@$#!%-+,", 10));
}

RC_GTEST_PROP(CmdlineKernelOracle, mem_and_memmap_match_linux_6_1, ()) {
  const std::size_t cap = kernel_e820_capacity();
  E820Table table;
  table.capacity = cap;
  table.entries = *testgen::gen_e820_entries(24);
  // Build a command line from mem=/memmap= options with varied values.
  const auto n = *rc::gen::inRange(0, 5);
  std::string line;
  for (int i = 0; i < n; i++)
    line += std::string(*rc::gen::element("mem", "memmap", "mem-ory", "memmap")) + "=" + *gen_memory_value() + " ";
  const KernelCmdline c = parse_cmdline(line);
  for (const MemmapEntry& e : c.memmap)
    RC_PRE(!(e.kind == MemmapKind::Update && e.from != 0 && e.from == e.to));  // the kernel BUG()s

  // Kernel: the raw table, then each early param in order, then finish.
  std::vector<std::uint64_t> a, s;
  std::vector<std::uint32_t> ty;
  for (const E820Entry& e : table.entries) {
    a.push_back(e.addr);
    s.push_back(e.size);
    ty.push_back(static_cast<std::uint32_t>(e.type));
  }
  kernel_e820_load(a.data(), s.data(), ty.data(), static_cast<std::uint32_t>(a.size()));
  kernel_early_params_reset();
  for (const CmdlineArg& arg : split_cmdline(line)) {
    std::vector<char> v;
    if (arg.val) v.assign(arg.val->begin(), arg.val->end()), v.push_back('\0');
    char* p = arg.val ? v.data() : nullptr;
    if (arg.param == "mem") kernel_parse_memopt(p);
    if (arg.param == "memmap") kernel_parse_memmap_opt(p);
  }
  const bool kernel_userdef_set = kernel_userdef() != 0;
  const std::uint64_t kernel_max = kernel_max_mem_size();
  const bool panicked = kernel_finish_early_params() != 0;
  std::vector<std::uint64_t> ka(cap), ks(cap);
  std::vector<std::uint32_t> kt(cap);
  const std::uint32_t kn = kernel_e820_store(ka.data(), ks.data(), kt.data());
  std::vector<E820Entry> kernel_entries;
  for (std::uint32_t i = 0; i < kn; i++) kernel_entries.push_back({ka[i], ks[i], static_cast<E820Type>(kt[i])});

  // Ours.
  auto u = e820_apply_memory_options(table, c);
  RC_ASSERT(u.ok());
  RC_ASSERT(u->userdef == kernel_userdef_set);
  RC_ASSERT(u->max_mem_size.value_or(0) == kernel_max);
  const Status fin = e820_finish_early_params(table, *u);
  RC_ASSERT(fin.ok() == !panicked);
  if (!panicked) RC_ASSERT(table.entries == kernel_entries);
}

RC_GTEST_PROP(CmdlineKernelOracle, parse_option_str_matches_linux_6_1, ()) {
  const std::string s = *gen_text("mirorx,", 16);
  RC_ASSERT(parse_cmdline("kernelcore=" + s).kernelcore_mirror == (kernel_parse_option_str(s.c_str(), "mirror") != 0));
}

}  // namespace
}  // namespace mbv

namespace mbv {
namespace {

rc::Gen<std::string> gen_crash_line() {
  return rc::gen::exec([] {
    const auto n = *rc::gen::inRange(0, 4);
    std::string line;
    for (int i = 0; i < n; i++) {
      line += *rc::gen::element<std::string>("crashkernel=", "xcrashkernel=", "quiet ", "crashkernel=", " ");
      line += *rc::gen::oneOf(
          rc::gen::element<std::string>("256M", "256M@16M", "1G,high", "128M,low", "512M-2G:64M,2G-:128M",
                                        "512M-2G:64M,2G-:128M@16M", "2G-1G:64M", "1G-:8G", "abc", "1G-",
                                        "0M-1G:0", "64Mx", "1G,highx", ",low", ""),
          gen_text("0123456789MG-:,@ xhighlow", 12));
      line += *rc::gen::element<std::string>(" ", "", "\t");
    }
    return line;
  });
}

RC_GTEST_PROP(CmdlineKernelOracle, crashkernel_matches_linux_6_1, ()) {
  const std::string line = *gen_crash_line();
  const std::uint64_t ram = *rc::gen::element<std::uint64_t>(0, 1ull << 30, 2ull << 30, 3ull << 30, 8ull << 30,
                                                             (2ull << 30) - 1, 64ull << 30);
  for (int suffix = 0; suffix < 3; suffix++) {
    std::vector<char> buf(line.begin(), line.end());
    buf.push_back('\0');
    unsigned long long ksize = 0, kbase = 0;
    const int krc = kernel_parse_crashkernel(buf.data(), ram, suffix, &ksize, &kbase);
    const CrashkernelValue ours = parse_crashkernel(line, ram, static_cast<CrashSuffix>(suffix));
    RC_ASSERT(ours.ret == krc);
    if (krc == 0) {
      RC_ASSERT(ours.size == ksize);
      RC_ASSERT(ours.base == kbase);
    }
  }
}

RC_GTEST_PROP(CmdlineKernelOracle, find_option_bool_matches_linux_6_1, ()) {
  const std::string line = *gen_text("nokaslr =\t\x01\"x", 24);
  const int boot = kernel_boot_cmdline_find_option_bool(line.c_str(), "nokaslr");
  RC_ASSERT(cmdline_find_option_bool(line, "nokaslr") == boot);
  RC_ASSERT(parse_cmdline(line).nokaslr == (boot > 0));
  RC_ASSERT(lib_cmdline_find_option_bool(line, "nokaslr") ==
            kernel_cmdline_find_option_bool(line.c_str(), "nokaslr"));
}

TEST(CmdlineKernelOracle, the_two_find_option_bool_variants_differ) {
  EXPECT_EQ(kernel_boot_cmdline_find_option_bool("nokas nokaslr", "nokaslr"), 0);
  EXPECT_EQ(kernel_cmdline_find_option_bool("nokas nokaslr", "nokaslr"), 7);
}

}  // namespace
}  // namespace mbv
