// reserve_crashkernel (arch/x86/kernel/setup.c) with parse_crashkernel's
// size rules (kernel/crash_core.c).
#include "impl/boot/boot.h"

namespace mbv {

namespace {

std::string mb_str(std::uint64_t v) { return std::to_string(v >> 20); }

}  // namespace

Status boot_crashkernel(BootState& st) {
  const std::uint64_t total_mem = st.mb.phys_mem_size();
  // parse_crashkernel, then parse_crashkernel_high, on the raw line: the
  // parser the kernel-oracle property checks (CmdlineKernelOracle), so every
  // -EINVAL the kernel answers (a size not below the RAM, nothing after '@')
  // reserves nothing here too.
  CrashkernelValue ck = parse_crashkernel(st.cmdline.raw, total_mem, CrashSuffix::None);
  bool high = false;
  if (ck.ret != 0 || ck.size == 0) {
    ck = parse_crashkernel(st.cmdline.raw, total_mem, CrashSuffix::High);
    if (ck.ret != 0 || ck.size == 0) return Ok{};
    high = true;
  }
  const std::uint64_t crash_size = ck.size;
  std::uint64_t crash_base = ck.base;

  if (!crash_base) {
    if (!high) crash_base = st.mb.phys_alloc_range(crash_size, CRASH_ALIGN, CRASH_ALIGN, CRASH_ADDR_LOW_MAX);
    if (!crash_base) crash_base = st.mb.phys_alloc_range(crash_size, CRASH_ALIGN, CRASH_ALIGN, CRASH_ADDR_HIGH_MAX);
    if (!crash_base) {
      st.log.push_back("crashkernel reservation failed - No suitable area found.");
      return Ok{};
    }
  } else {
    const phys_addr_t start = st.mb.phys_alloc_range(crash_size, SZ_1M, crash_base, crash_base + crash_size);
    if (start != crash_base) {
      if (start) (void)st.mb.phys_free(start, crash_size);  // the kernel leaks it; keep the model clean
      st.log.push_back("crashkernel reservation failed - memory is in use.");
      if (start) st.notes.push_back("crashkernel: a misplaced block was freed (the kernel leaks it)");
      return Ok{};
    }
  }
  if (crash_base >= SZ_4G) {
    // reserve_crashkernel_low: crashkernel=Y,low, or when that does not parse
    // the swiotlb-sized default (swiotlb's 64 MiB plus 8 MiB, at least 256 MiB).
    const CrashkernelValue lowv =
        parse_crashkernel(st.cmdline.raw, std::min(total_mem, CRASH_ADDR_LOW_MAX), CrashSuffix::Low);
    const std::uint64_t low_size =
        lowv.ret != 0 ? std::max<std::uint64_t>((64ull << 20) + (8ull << 20), 256ull << 20) : lowv.size;
    if (low_size) {
      const phys_addr_t low = st.mb.phys_alloc_range(low_size, CRASH_ALIGN, 0, CRASH_ADDR_LOW_MAX);
      if (!low) {
        st.log.push_back("Cannot reserve " + mb_str(low_size) +
                         "MB crashkernel low memory, please try smaller size.");
        (void)st.mb.phys_free(crash_base, crash_size);
        return Ok{};
      }
      boot_record(st, Owner::CrashKernel, {low, low + low_size}, "crashkernel low");
      st.log.push_back("Reserving " + mb_str(low_size) + "MB of low memory at " + mb_str(low) +
                       "MB for crashkernel (low RAM limit: " +
                       mb_str(std::min(total_mem, CRASH_ADDR_LOW_MAX)) + "MB)");
    }
  }
  boot_record(st, Owner::CrashKernel, {crash_base, crash_base + crash_size}, "crashkernel");
  st.log.push_back("Reserving " + mb_str(crash_size) + "MB of memory at " + mb_str(crash_base) +
                   "MB for crashkernel (System RAM: " + mb_str(total_mem) + "MB)");
  return Ok{};
}

}  // namespace mbv
