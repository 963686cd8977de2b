// How setup_arch feeds and edits the e820 table (Linux 6.1
// arch/x86/kernel/e820.c and setup.c): the firmware hand-over, the memory
// options of the command line, and the hand-over to memblock.
#include <cstdio>
#include <string>

#include "impl/cmdline/cmdline.h"
#include "impl/e820/e820.h"
#include "impl/memblock/memblock.h"

namespace mbv {

namespace {

constexpr std::uint64_t kLowMemSize = 0x9f000;  // LOWMEMSIZE()
constexpr std::uint64_t kHighMemory = SZ_1M;    // HIGH_MEMORY
constexpr std::uint64_t kBiosBegin = 0xa0000;   // BIOS_BEGIN
constexpr std::uint64_t kBiosEnd = 0x100000;    // BIOS_END


}  // namespace

// e820__memory_setup_default + append_e820_table (arch/x86/kernel/e820.c)
E820Setup e820_memory_setup_default(const std::vector<E820Entry>& boot_entries,
                                    std::uint32_t alt_mem_k, std::uint32_t ext_mem_k) {
  E820Setup s;
  s.who = "BIOS-e820";
  bool ok = boot_entries.size() >= 2;
  if (ok) {
    for (const E820Entry& e : boot_entries) {
      // __append_e820_table: a wrapping entry aborts after the earlier ones.
      if (e.addr > e.addr + e.size - 1 && e.size) {
        ok = false;
        break;
      }
      s.table.range_add(e.addr, e.size, e.type);
    }
  }
  if (!ok) {
    std::uint64_t mem_k;
    if (alt_mem_k < ext_mem_k) {
      mem_k = ext_mem_k;
      s.who = "BIOS-88";
    } else {
      mem_k = alt_mem_k;
      s.who = "BIOS-e801";
    }
    s.table.entries.clear();
    s.table.range_add(0, kLowMemSize, E820Type::RAM);
    s.table.range_add(kHighMemory, mem_k << 10, E820Type::RAM);
  }
  (void)s.table.sanitize();
  return s;
}

// e820__memblock_setup (arch/x86/kernel/e820.c)
void e820_memblock_setup(const E820Table& table, Memblock& mb) {
  mb.allow_resize();
  for (const E820Entry& e : table.entries) {
    // The resource_size_t overflow check cannot fire on x86-64.
    if (e.type == E820Type::SOFT_RESERVED) mb.reserve(e.addr, e.size);
    if (e.type != E820Type::RAM && e.type != E820Type::RESERVED_KERN) continue;
    mb.add(e.addr, e.size);
  }
  mb.trim_memory(PAGE_SIZE);
}

// trim_bios_range (arch/x86/kernel/setup.c)
void trim_bios_range(E820Table& table) {
  (void)table.range_update(0, PAGE_SIZE, E820Type::RAM, E820Type::RESERVED);
  table.range_remove(kBiosBegin, kBiosEnd - kBiosBegin, E820Type::RAM, true);
  (void)table.sanitize();
}

// e820_add_kernel_range (arch/x86/kernel/setup.c): no sanitize afterwards.
void e820_add_kernel_range(E820Table& table, std::uint64_t text_start, std::uint64_t end) {
  const std::uint64_t size = end - text_start;
  if (table.mapped_all(text_start, text_start + size, E820Type::RAM)) return;
  table.range_remove(text_start, size, E820Type::RAM, false);
  table.range_add(text_start, size, E820Type::RAM);
}

// e820__reserve_setup_data (arch/x86/kernel/e820.c), effect on e820_table.
void e820_reserve_setup_data(E820Table& table, const std::vector<PhysRange>& setup_data) {
  if (setup_data.empty()) return;  // no setup_data: the kernel returns early
  for (const PhysRange& r : setup_data)
    (void)table.range_update(r.start, r.end - r.start, E820Type::RAM, E820Type::RESERVED_KERN);
  (void)table.sanitize();
}

// parse_memopt and parse_memmap_one (arch/x86/kernel/e820.c), in cmdline order.
Result<E820UserDef> e820_apply_memory_options(E820Table& table, const KernelCmdline& cmdline) {
  E820UserDef u;
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  for (const MemoryOption& opt : cmdline.memory_options) {
    if (opt.kind == MemoryOption::Kind::Mem) {
      const MemOption& m = opt.mem;
      if (m.nopentium) {
        u.warnings.push_back("mem=nopentium ignored! (only supported on x86_32)");
        continue;
      }
      u.userdef = true;
      if (m.size == 0) {
        u.warnings.push_back("mem=" + m.text + ": zero size, ignored");
        continue;
      }
      table.range_remove(m.size, kMax - m.size, E820Type::RAM, true);
      u.max_mem_size = m.size;
      continue;
    }
    const MemmapEntry& e = opt.memmap;
    if (e.sets_userdef || e.kind != MemmapKind::Invalid) u.userdef = true;
    switch (e.kind) {
      case MemmapKind::ExactMap:
        table.entries.clear();
        break;
      case MemmapKind::Ram:
        table.range_add(e.start, e.size, E820Type::RAM);
        break;
      case MemmapKind::Acpi:
        table.range_add(e.start, e.size, E820Type::ACPI);
        break;
      case MemmapKind::Reserved:
        table.range_add(e.start, e.size, E820Type::RESERVED);
        break;
      case MemmapKind::Pram:
        table.range_add(e.start, e.size, E820Type::PRAM);
        break;
      case MemmapKind::Update: {
        const auto from = static_cast<E820Type>(e.from);
        const auto to = static_cast<E820Type>(e.to);
        if (e.from && e.to) {
          auto r = table.range_update(e.start, e.size, from, to);
          if (!r) return make_error(ErrorCode::BadInput, "memmap=" + e.text + ": " + r.error().message);
        } else if (e.to) {
          table.range_add(e.start, e.size, to);
        } else if (e.from) {
          table.range_remove(e.start, e.size, from, true);
        } else {
          table.range_remove(e.start, e.size, static_cast<E820Type>(0), false);
        }
        break;
      }
      case MemmapKind::Limit:
        table.range_remove(e.size, kMax - e.size, E820Type::RAM, true);
        break;
      case MemmapKind::Invalid:
        break;
    }
    if (e.kind == MemmapKind::Invalid || e.trailing_garbage)
      u.warnings.push_back("memmap=" + e.text + ": malformed, " +
                           (e.kind == MemmapKind::Invalid ? "ignored" : "applied up to the bad character"));
  }
  return u;
}

// e820__finish_early_params (arch/x86/kernel/e820.c)
Status e820_finish_early_params(E820Table& table, const E820UserDef& userdef) {
  if (!userdef.userdef) return Ok{};
  if (table.sanitize() < 0) {
    std::string why = table.entries.size() < 2
                          ? std::to_string(table.entries.size()) + " entries (sanitize needs 2)"
                          : "an entry wraps the 64-bit address space";
    return make_error(ErrorCode::BadInput,
                      "Invalid user supplied memory map (the kernel panics): " + why);
  }
  return Ok{};
}

Result<E820UserDef> e820_apply_cmdline(E820Table& table, const KernelCmdline& cmdline) {
  auto u = e820_apply_memory_options(table, cmdline);
  if (!u) return u;
  auto st = e820_finish_early_params(table, *u);
  if (!st) return st.error();
  return u;
}

}  // namespace mbv
