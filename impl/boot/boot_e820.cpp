// e820 as setup_arch builds it (arch/x86/kernel/setup.c, e820.c): the
// firmware table, the command line's edits, the kernel range, the BIOS trims.
#include "impl/boot/boot.h"
#include "impl/numa/kprint.h"

namespace mbv {

namespace {

void log_table(BootState& st, const E820Table& t, std::string_view who) {
  for (std::string& line : e820_print_lines(t, who)) {
    const std::size_t lead = line.find_first_not_of(' ');
    if (lead == std::string::npos) continue;
    if (lead) line.erase(0, lead);
    st.log.push_back(std::move(line));
  }
}

}  // namespace

// e820__memory_setup, parse_early_param's mem=/memmap=, e820__finish_early_params,
// e820_add_kernel_range, trim_bios_range, e820__end_of_ram_pfn (arch/x86/kernel/setup.c)
Status boot_e820(BootState& st) {
  if (st.scenario.e820.empty()) {
    return make_error(ErrorCode::BadInput, "the scenario has no e820 entries",
                      SourceLoc{st.scenario.name});
  }
  E820Setup setup = e820_memory_setup_default(st.scenario.e820);
  st.e820 = setup.table;
  st.e820_firmware = setup.table;
  st.log.push_back("BIOS-provided physical RAM map:");
  log_table(st, st.e820, setup.who);

  auto userdef = e820_apply_cmdline(st.e820, st.cmdline);
  if (!userdef) return userdef.error();
  for (const std::string& w : userdef->warnings) st.log.push_back(w);
  if (userdef->userdef) {
    st.log.push_back("user-defined physical RAM map:");
    log_table(st, st.e820, "user");
  }

  e820_add_kernel_range(st.e820, st.kernel.text, st.kernel.end);
  trim_bios_range(st.e820);

  // MAX_ARCH_PFN follows the paging mode: 64 TiB with 4-level, 4 PiB with la57.
  const bool la57 = st.scenario.cpu.la57;
  st.max_pfn = st.e820.end_of_ram_pfn(la57);
  st.max_low_pfn = st.max_pfn > (SZ_4G >> PAGE_SHIFT) ? st.e820.end_of_low_ram_pfn() : st.max_pfn;
  st.log.push_back("e820: last_pfn = " + khex(st.max_pfn, 0) +
                   " max_arch_pfn = " + khex(e820_max_arch_pfn(la57), 0));
  if (st.max_pfn == 0) {
    return make_error(ErrorCode::Unsupported, "no RAM in the e820 map after the kernel's edits",
                      SourceLoc{st.scenario.name});
  }
  return Ok{};
}

}  // namespace mbv
