// memblock before the direct map (arch/x86/kernel/setup.c): the early
// reservations, brk, the 1M limit, e820__memblock_setup, reserve_real_mode.
#include "impl/boot/boot.h"
#include "impl/numa/kprint.h"

namespace mbv {

void boot_record(BootState& st, Owner owner, PhysRange range, const EventNote& note) {
  st.events.emplace_back(owner, st.phase, range, truth_node_of(st.truth, range.start), note);
}

// early_reserve_memory (arch/x86/kernel/setup.c)
Status boot_early_reserve(BootState& st) {
  const PhysRange image{st.kernel.text, st.kernel.reserve_end};
  (void)st.mb.reserve(image.start, image.size());
  boot_record(st, Owner::KernelImage, image, "[_text, __end_of_kernel_reserve)");
  // Memory below 64K is never handed out (BIOS data, a common corruption target).
  (void)st.mb.reserve(0, SZ_64K);
  boot_record(st, Owner::BiosReserved, {0, SZ_64K}, "[0, 64K)");
  // Initrd, setup_data, EFI memmap, ACPI tables...: the scenario lists them.
  for (const ScenarioReserve& r : st.scenario.reserves) {
    (void)st.mb.reserve(r.range.start, r.range.size());
    boot_record(st, r.owner, r.range, "scenario reservation");
  }
  return Ok{};
}

namespace {

// The range an applied op reserved, if it reserved one.
std::optional<PhysRange> reserved_by(const Op& op, const OpResult& res) {
  switch (op.kind) {
    case OpKind::Reserve:
      return PhysRange{op.a, op.a + op.b};
    case OpKind::PhysAllocRange:
    case OpKind::PhysAllocTryNid:
    case OpKind::AllocTryNid:
    case OpKind::AllocTryNidRaw:
    case OpKind::AllocExactNidRaw:
    case OpKind::AllocLow:
      if (res.value && op.a) {
        const auto base = static_cast<std::uint64_t>(res.value);
        return PhysRange{base, base + op.a};
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace

// early_alloc_pgt_buf + reserve_brk, memblock_set_current_limit(ISA_END_ADDRESS),
// e820__memblock_setup, the scenario's op trace, reserve_real_mode.
Status boot_memblock_setup(BootState& st) {
  (void)st.mb.reserve(st.kernel.brk.start, st.kernel.brk.size());
  boot_record(st, Owner::Brk, st.kernel.brk, "reserve_brk (early page-table buffer)");

  st.mb.set_current_limit(SZ_1M);
  e820_memblock_setup(st.e820, st.mb);
  for (const E820Entry& e : st.e820.entries) {
    if (e.type == E820Type::SOFT_RESERVED)
      boot_record(st, Owner::SoftReserved, {e.addr, e.addr + e.size}, "e820 soft reserved");
  }

  for (const Op& op : st.scenario.ops) {
    const OpResult res = apply_op(st.mb, op);
    if (auto r = reserved_by(op, res)) boot_record(st, Owner::Other, *r, "op " + to_string(op));
  }

  // reserve_real_mode (arch/x86/realmode/init.c): the trampoline below 1M,
  // then all of [0, 1M) unconditionally.
  const phys_addr_t rm = st.mb.phys_alloc_range(REAL_MODE_BYTES, PAGE_SIZE, 0, SZ_1M);
  if (!rm) {
    st.log.push_back("No sub-1M memory is available for the trampoline");
  } else {
    boot_record(st, Owner::RealMode, {rm, rm + REAL_MODE_BYTES}, "real-mode trampoline");
  }
  (void)st.mb.reserve(0, SZ_1M);
  boot_record(st, Owner::RealMode, {0, SZ_1M}, "reserve_real_mode: [0, 1M)");
  return Ok{};
}

}  // namespace mbv
