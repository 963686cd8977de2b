// Where the decompressor left the kernel: a fixed address, KASLR's choice
// from the raw firmware e820 and SRAT with the scenario's random value, or
// LOAD_PHYSICAL_ADDR (arch/x86/boot/compressed/kaslr.c choose_random_location).
#include "impl/boot/boot.h"
#include "impl/numa/kprint.h"

namespace mbv {

namespace {

// choose_random_location's inputs from a scenario (h7's impl/kaslr model):
// the raw firmware e820 (the decompressor does not sanitize), the command
// line, mem_avoid_init's regions (the initrd, the command line and
// boot_params where the scenario says the loader put them), SRAT's immovable
// list (h5's count_immovable_mem_regions). The decompressor runs in place at
// 16M, so the ZO avoid region is [16M, 16M + image).
Result<KaslrResult> kaslr_place_kernel(BootState& st, std::uint64_t size, std::uint64_t rand_phys,
                                       std::uint64_t rand_virt) {
  KaslrInput in;
  in.cmdline = st.scenario.cmdline;
  in.cmdline_addr = st.scenario.kernel.cmdline_addr.value_or(0);
  in.boot_params_addr = st.scenario.kernel.boot_params_addr.value_or(0);
  in.e820 = st.scenario.e820;
  in.input = LOAD_PHYSICAL_ADDR;
  in.output = LOAD_PHYSICAL_ADDR;
  in.init_size = size;
  for (const ScenarioReserve& r : st.scenario.reserves) {
    if (r.owner == Owner::Initrd) {
      in.initrd_start = r.range.start;
      in.initrd_size = r.range.size();
    }
  }
  in.image_size = kaslr_needed_size(size, size);
  in.five_level = st.scenario.cpu.la57;
  if (st.srat) {
    const KaslrImmovableView v = count_immovable_mem_regions(*st.srat, st.cmdline.acpi_off);
    in.immovable_filter_active = !v.aborted && v.count() > 0;
    for (const PhysRange& r : v.immovable) in.immovable.push_back(MemVector{r.start, r.size()});
  }
  in.rand_phys = rand_phys;
  in.rand_virt = rand_virt;
  return choose_random_location(in);
}

}  // namespace

Status boot_place_kernel(BootState& st) {
  const ScenarioKernel& k = st.scenario.kernel;
  const std::uint64_t size = round_up(k.size, PAGE_SIZE);
  if (size < 2 * BRK_AREA_BYTES) {
    return make_error(ErrorCode::BadInput,
                      "kernel size " + khex(k.size, 0) + " is smaller than two .brk areas",
                      SourceLoc{st.scenario.name});
  }
  std::optional<std::uint64_t> at = st.options.kernel_at ? st.options.kernel_at : k.at;
  const std::optional<std::uint64_t> rnd =
      st.options.kernel_at ? std::nullopt : (st.options.kaslr_random ? st.options.kaslr_random : k.kaslr_random);
  if (st.options.kaslr_random) at.reset();
  if (at) {
    st.kernel.text = *at;
    st.kernel.how = "fixed";
  } else if (rnd && !st.cmdline.nokaslr) {
    auto placed = kaslr_place_kernel(st, size, *rnd, k.kaslr_random_virt.value_or(0));
    if (!placed) return placed.error();
    st.kernel.text = placed->phys;
    st.kernel.randomized = placed->physical_randomized();
    st.kernel.how = std::string("kaslr: ") + kaslr_outcome_name(placed->outcome);
    for (const std::string& m : placed->messages) st.log.push_back(m);
    st.kernel.kaslr = std::move(*placed);
  } else {
    st.kernel.text = LOAD_PHYSICAL_ADDR;
    st.kernel.how = st.cmdline.nokaslr ? "nokaslr (16M)" : "default (16M)";
  }
  if (st.kernel.text + size < st.kernel.text) {
    return make_error(ErrorCode::Overflow, "the kernel image wraps the address space",
                      SourceLoc{st.scenario.name});
  }
  st.kernel.end = st.kernel.text + size;
  st.kernel.reserve_end = st.kernel.end - BRK_AREA_BYTES;
  // early_alloc_pgt_buf extends brk by the whole page-table buffer; reserve_brk
  // reserves what brk used, so the whole buffer.
  st.kernel.brk = PhysRange{st.kernel.reserve_end,
                            st.kernel.reserve_end + INIT_PGT_BUF_PAGES * PAGE_SIZE};
  st.log.push_back("Kernel image at " + kmem_range(st.kernel.text, st.kernel.end, 18) + " (" +
                   st.kernel.how + ")");
  return Ok{};
}

}  // namespace mbv
