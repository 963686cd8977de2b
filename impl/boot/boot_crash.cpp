// reserve_crashkernel (arch/x86/kernel/setup.c) with parse_crashkernel's
// size rules (kernel/crash_core.c).
#include "impl/boot/boot.h"

namespace mbv {

namespace {

// parse_crashkernel_mem / parse_crashkernel_simple: the size for this much RAM
// (0 = none) and the requested base (0 = anywhere).
std::uint64_t crash_size_for(const Crashkernel& ck, std::uint64_t system_ram, std::uint64_t* base) {
  *base = ck.offset;
  if (ck.form != Crashkernel::Form::Ranges) return ck.size;
  for (const CrashkernelRange& r : ck.ranges)
    if (system_ram >= r.start && system_ram < r.end) return r.size;
  return 0;
}

std::string mb_str(std::uint64_t v) { return std::to_string(v >> 20); }

}  // namespace

Status boot_crashkernel(BootState& st) {
  const std::uint64_t total_mem = st.mb.phys_mem_size();
  std::uint64_t crash_base = 0, crash_size = 0;
  bool high = false;
  if (st.cmdline.crashkernel) crash_size = crash_size_for(*st.cmdline.crashkernel, total_mem, &crash_base);
  if (!crash_size && st.cmdline.crashkernel_high) {
    crash_size = crash_size_for(*st.cmdline.crashkernel_high, total_mem, &crash_base);
    high = true;
  }
  if (!crash_size) return Ok{};

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
    // reserve_crashkernel_low: crashkernel=Y,low or the swiotlb-sized default.
    // Default: swiotlb's 64 MiB plus 8 MiB, at least 256 MiB.
    std::uint64_t low_size = std::max<std::uint64_t>((64ull << 20) + (8ull << 20), 256ull << 20);
    if (st.cmdline.crashkernel_low) low_size = st.cmdline.crashkernel_low->size;
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
