// parse -> write -> parse gives the same options, for command lines built
// from the tokens the kernel cares about plus noise, quotes and odd blanks.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "impl/cmdline/cmdline.h"

namespace mbv {
namespace {

rc::Gen<std::string> gen_token() {
  return rc::gen::oneOf(
      rc::gen::elementOf(std::vector<std::string>{
          "mem=", "memmap=", "memmap=exactmap", "movable_node", "kernelcore=", "kernelcore=mirror",
          "movablecore=", "nokaslr", "numa=off", "numa=noacpi", "acpi=off", "acpi=force", "acpi=rsdt",
          "memblock=debug", "gbpages", "nogbpages", "debug_pagealloc=", "acpi_rsdp=", "hugepagesz=",
          "hugepages=", "default_hugepagesz=", "memory_hotplug.memmap_on_memory=", "crashkernel=",
          "--", "quiet", "\"", "="}),
      rc::gen::elementOf(std::vector<std::string>{"1G", "0x1000", "16M@0x100000", "1M$2G", "4K#0", "1G!4G",
                                                   "1G%2G-1+2", "1G%2G+12", "1G%2G-3", "1G%0", "10%",
                                                   "on", "off", "y", "0", "2G-4G:64M,4G-:128M", "1G,high",
                                                   "128M,low", "x", ",", "@", "%", "\t", " "}));
}

RC_GTEST_PROP(CmdlineProperty, parse_write_parse_identity, ()) {
  const auto toks = *rc::gen::container<std::vector<std::string>>(gen_token());
  std::string line;
  for (const std::string& t : toks) line += t + (*rc::gen::arbitrary<bool>() ? " " : "");
  const KernelCmdline c = parse_cmdline(line);
  auto w = write_cmdline(c);
  if (!w.ok()) {
    // Only a crashkernel value holding a quote or a non-space blank is refused.
    RC_ASSERT(w.error().message.find("crashkernel=") == 0u);
    return;
  }
  const KernelCmdline again = parse_cmdline(*w);
  RC_ASSERT(same_options(again, c));
}

RC_GTEST_PROP(CmdlineProperty, memparse_value_matches_suffix_shift, ()) {
  const auto n = *rc::gen::inRange<std::uint64_t>(0, 1u << 20);
  const auto sfx = *rc::gen::elementOf(std::string("kKmMgGtTpPeE"));
  const int shift = std::string("kKmMgGtTpPeE").find(sfx) / 2 * 10 + 10;
  const auto r = memparse(std::to_string(n) + sfx);
  RC_ASSERT(r.value == (n << shift));
  RC_ASSERT(r.consumed == std::to_string(n).size() + 1);
}

}  // namespace
}  // namespace mbv
