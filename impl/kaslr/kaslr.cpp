#include "impl/kaslr/kaslr.h"

#include <algorithm>

namespace mbv {

namespace {

// mem_overlaps (kaslr.c)
bool mem_overlaps(const MemVector& one, const MemVector& two) {
  if (one.start + one.size <= two.start) return false;
  if (one.start >= two.start + two.size) return false;
  return true;
}

// The state choose_random_location builds in the decompressor's statics.
struct Scan {
  const KaslrInput& in;
  KaslrResult& r;
  std::uint64_t gb_left;  // max_gb_huge_pages, consumed as regions are processed

  // mem_avoid_overlap (kaslr.c): the overlapping avoid region with the lowest start.
  bool avoid_overlap(const MemVector& img, MemVector* overlap) const {
    std::uint64_t earliest = img.start + img.size;
    bool hit = false;
    auto consider = [&](const MemVector& a) {
      if (mem_overlaps(img, a) && a.start < earliest) {
        *overlap = a;
        earliest = a.start;
        hit = true;
      }
    };
    for (const MemVector& a : r.mem_avoid) consider(a);
    for (const SetupDataNode& n : in.setup_data) {
      consider(MemVector{n.addr, SETUP_DATA_HEADER + n.len});
      if (n.type == SETUP_INDIRECT && n.indirect_type != SETUP_INDIRECT)
        consider(MemVector{n.indirect_addr, n.indirect_len});
    }
    return hit;
  }

  // store_slot_info (kaslr.c)
  void store(const MemVector& region) {
    if (r.slot_areas.size() == MAX_SLOT_AREA) return;
    const SlotArea a{region.start, 1 + (region.size - in.image_size) / KASLR_PHYSICAL_ALIGN};
    r.slot_areas.push_back(a);
    r.slot_max += a.num;
  }

  // process_gb_huge_pages (kaslr.c)
  void gb_huge_pages(const MemVector& region) {
    if (!gb_left) {
      store(region);
      return;
    }
    const std::uint64_t pud_start = round_up(region.start, SZ_1G);
    std::uint64_t pud_end = round_down(region.start + region.size, SZ_1G);
    if (pud_start >= pud_end) {
      store(region);
      return;
    }
    if (pud_start >= region.start + in.image_size)
      store(MemVector{region.start, pud_start - region.start});
    const std::uint64_t count = (pud_end - pud_start) >> 30;
    if (count > gb_left) {
      pud_end = pud_start + (gb_left << 30);
      gb_left = 0;
    } else {
      gb_left -= count;
    }
    if (region.start + region.size >= pud_end + in.image_size)
      store(MemVector{pud_end, region.start + region.size - pud_end});
  }

  // __process_mem_region (kaslr.c)
  void process_region(const MemVector& entry) {
    MemVector region{std::max(entry.start, r.minimum), 0};
    const std::uint64_t region_end = std::min(entry.start + entry.size, r.mem_limit);
    while (r.slot_areas.size() < MAX_SLOT_AREA) {
      region.start = round_up(region.start, KASLR_PHYSICAL_ALIGN);
      if (region.start > region_end) return;
      region.size = region_end - region.start;
      if (region.size < in.image_size) return;
      MemVector overlap;
      if (!avoid_overlap(region, &overlap)) {
        gb_huge_pages(region);
        return;
      }
      if (overlap.start >= region.start + in.image_size) {
        region.size = overlap.start - region.start;
        gb_huge_pages(region);
      }
      region.start = overlap.start + overlap.size;
    }
  }

  // process_mem_region (kaslr.c): true when the slot areas are full.
  bool process_mem_region(const MemVector& region) {
    const bool filter = in.immovable_filter_active && !in.immovable.empty();
    if (!filter) {
      process_region(region);
    } else {
      for (const MemVector& im : in.immovable) {
        if (!mem_overlaps(region, im)) continue;
        const std::uint64_t start = im.start, end = im.start + im.size;
        const std::uint64_t region_end = region.start + region.size;
        const std::uint64_t s = std::clamp(region.start, start, end);
        const std::uint64_t e = std::clamp(region_end, start, end);
        process_region(MemVector{s, e - s});
        if (r.slot_areas.size() == MAX_SLOT_AREA) break;
      }
    }
    if (r.slot_areas.size() == MAX_SLOT_AREA) {
      r.slot_areas_full = true;
      r.messages.push_back("Aborted e820/efi memmap scan (slot_areas full)!");
      return true;
    }
    return false;
  }

  // process_efi_entries / process_e820_entries (kaslr.c)
  void walk_candidates() {
    if (in.efi_boot) {
      bool mirror = false;
      for (const EfiMemDesc& d : in.efi)
        if (d.attribute & EFI_MEMORY_MORE_RELIABLE) mirror = true;
      for (const EfiMemDesc& d : in.efi) {
        if (d.type != EFI_CONVENTIONAL_MEMORY) continue;
        if (in.efi_soft_reserve_enabled && (d.attribute & EFI_MEMORY_SP)) continue;
        if (mirror && !(d.attribute & EFI_MEMORY_MORE_RELIABLE)) continue;
        if (process_mem_region(MemVector{d.phys_addr, d.num_pages << 12})) break;
      }
      return;
    }
    const std::size_t n = std::min(in.e820.size(), KASLR_E820_MAX);
    for (std::size_t i = 0; i < n; ++i) {
      const E820Entry& e = in.e820[i];
      if (e.type != E820Type::RAM) continue;
      if (process_mem_region(MemVector{e.addr, e.size})) break;
    }
  }
};

// mem_avoid_init (kaslr.c), without the memmap regions (added after parsing).
std::vector<MemVector> fixed_avoid(const KaslrInput& in) {
  std::vector<MemVector> v(4 + MAX_MEMMAP_REGIONS);
  v[0] = MemVector{in.input, in.output + in.init_size - in.input};  // ZO range
  v[1] = MemVector{in.initrd_start, in.initrd_size};
  if (in.has_cmdline && in.cmdline_addr) {
    std::size_t len = std::min(in.cmdline.size(), COMMAND_LINE_SIZE - 1);
    if (auto z = in.cmdline.find('\0'); z != std::string::npos) len = std::min(len, z);
    v[2] = MemVector{in.cmdline_addr, len + 1};
  }
  v[3] = MemVector{in.boot_params_addr, BOOT_PARAMS_SIZE};
  return v;
}

Result<KaslrResult> prepare(const KaslrInput& in) {
  KaslrResult r;
  r.phys = in.output;
  auto opts = handle_mem_options(in);
  if (!opts) return opts.error();
  r.options = *opts;
  r.mem_limit = opts->mem_limit;
  r.mem_avoid = fixed_avoid(in);
  for (std::size_t i = 0; i < opts->memmap.size(); ++i) r.mem_avoid[4 + i] = opts->memmap[i];
  r.minimum = round_up(std::min<std::uint64_t>(in.output, SZ_512M), KASLR_PHYSICAL_ALIGN);
  return r;
}

// Runs the slot scan of find_random_phys_addr; false if it bails out early.
bool scan(const KaslrInput& in, KaslrResult& r) {
  if (r.minimum + in.image_size > r.mem_limit) {
    r.outcome = KaslrOutcome::TooSmall;
    return false;
  }
  if (r.options.memmap_too_large) {
    r.outcome = KaslrOutcome::MemmapTooLarge;
    r.messages.push_back("Aborted memory entries scan (more than 4 memmap= args)!");
    return false;
  }
  Scan s{in, r, r.options.max_gb_huge_pages};
  s.walk_candidates();
  return true;
}

}  // namespace

const char* kaslr_outcome_name(KaslrOutcome o) {
  switch (o) {
    case KaslrOutcome::Randomized: return "randomized";
    case KaslrOutcome::Nokaslr: return "nokaslr";
    case KaslrOutcome::TooSmall: return "minimum+image above mem_limit";
    case KaslrOutcome::MemmapTooLarge: return "memmap_too_large";
    case KaslrOutcome::NoSlots: return "no suitable memory region";
    case KaslrOutcome::InvalidAddress: return "invalid physical address chosen";
    case KaslrOutcome::PickedZero: return "picked address 0 (read as failure)";
  }
  return "?";
}

Result<KaslrResult> choose_random_location(const KaslrInput& in) {
  if (cmdline_has_nokaslr(in)) {
    KaslrResult r;
    r.outcome = KaslrOutcome::Nokaslr;
    r.phys = in.output;
    r.messages.push_back("KASLR disabled: 'nokaslr' on cmdline.");
    if (!in.has_cmdline) r.messages.push_back("(there is no command line: cmdline_find_option_bool returned -1)");
    return r;
  }
  auto pr = prepare(in);
  if (!pr) return pr.error();
  KaslrResult r = std::move(*pr);
  // find_random_phys_addr
  std::uint64_t addr = 0;
  if (scan(in, r)) {
    // slots_fetch_random
    if (r.slot_max) {
      std::uint64_t slot = in.rand_phys % r.slot_max;
      for (const SlotArea& a : r.slot_areas) {
        if (slot >= a.num) {
          slot -= a.num;
          continue;
        }
        addr = a.addr + slot * KASLR_PHYSICAL_ALIGN;
        break;
      }
    }
    bool invalid = false;
    if (addr < r.minimum || addr + in.image_size > r.mem_limit) {
      r.messages.push_back("Invalid physical address chosen!");
      addr = 0;
      invalid = true;
    }
    // 0 means failure to the caller, even when slot 0 really was address 0.
    r.outcome = addr ? KaslrOutcome::Randomized
                     : !r.slot_max ? KaslrOutcome::NoSlots
                                   : invalid ? KaslrOutcome::InvalidAddress : KaslrOutcome::PickedZero;
  }
  if (!addr)
    r.messages.push_back("Physical KASLR disabled: no suitable memory region!");
  else
    r.phys = addr;
  // find_random_virt_addr, from LOAD_PHYSICAL_ADDR, whatever happened above.
  const std::uint64_t slots =
      1 + (KERNEL_IMAGE_SIZE_64 - LOAD_PHYSICAL_ADDR - in.image_size) / KASLR_PHYSICAL_ALIGN;
  r.virt = (in.rand_virt % slots) * KASLR_PHYSICAL_ALIGN + LOAD_PHYSICAL_ADDR;
  return r;
}

std::vector<std::uint64_t> enumerate_all_slots(const KaslrInput& in) {
  std::vector<std::uint64_t> out;
  if (cmdline_has_nokaslr(in)) return out;
  auto pr = prepare(in);
  if (!pr) return out;
  KaslrResult r = std::move(*pr);
  if (!scan(in, r)) return out;
  for (const SlotArea& a : r.slot_areas)
    for (std::uint64_t k = 0; k < a.num; ++k) out.push_back(a.addr + k * KASLR_PHYSICAL_ALIGN);
  return out;
}

std::vector<std::uint64_t> kaslr_reference_slots(const KaslrInput& in) {
  std::vector<std::uint64_t> out;
  if (cmdline_has_nokaslr(in)) return out;
  auto pr = prepare(in);
  if (!pr) return out;
  KaslrResult r = std::move(*pr);
  if (r.minimum + in.image_size > r.mem_limit || r.options.memmap_too_large) return out;
  const std::uint64_t image = in.image_size;
  // Everything the image must not touch, as plain ranges.
  std::vector<MemVector> avoid = r.mem_avoid;
  for (const SetupDataNode& n : in.setup_data) {
    avoid.push_back(MemVector{n.addr, SETUP_DATA_HEADER + n.len});
    if (n.type == SETUP_INDIRECT && n.indirect_type != SETUP_INDIRECT)
      avoid.push_back(MemVector{n.indirect_addr, n.indirect_len});
  }
  auto clear = [&](std::uint64_t a) {
    const MemVector img{a, image};
    for (const MemVector& v : avoid)
      if (mem_overlaps(img, v)) return false;
    return true;
  };
  std::uint64_t gb_left = r.options.max_gb_huge_pages;
  // A zero-size avoid region at p splits the kernel's stored regions at p
  // even though no slot overlaps it (an image ending at p, one starting at p).
  auto zero_point_in = [&](std::uint64_t x, std::uint64_t y) {  // some p in (x, y]
    for (const MemVector& v : avoid)
      if (v.size == 0 && x < v.start && v.start <= y) return true;
    return false;
  };
  // One candidate piece [lo, hi): every 2M address whose image fits and is
  // clear. Consecutive clear slots form the kernel's stored regions ("gaps");
  // the 1G-hugepage rule then removes whole gigabytes from each gap in order.
  auto piece = [&](std::uint64_t lo, std::uint64_t hi) {
    lo = std::max(lo, r.minimum);
    hi = std::min(hi, r.mem_limit);
    if (lo >= hi) return;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> gaps;  // [first slot, last slot + image)
    bool prev_clear = false;
    for (std::uint64_t a = round_up(lo, KASLR_PHYSICAL_ALIGN);
         a >= lo && a < hi && hi - a >= image; a += KASLR_PHYSICAL_ALIGN) {
      if (!clear(a)) {
        prev_clear = false;
        continue;
      }
      if (prev_clear && !zero_point_in(a - KASLR_PHYSICAL_ALIGN, a))
        gaps.back().second = a + image;
      else
        gaps.push_back({a, a + image});
      prev_clear = true;
    }
    for (auto [g0, g1] : gaps) {
      std::uint64_t skip0 = g1, skip1 = g1;  // [skip0, skip1): gigabytes kept for hugepages
      if (gb_left) {
        const std::uint64_t p0 = round_up(g0, SZ_1G), p1 = round_down(g1, SZ_1G);
        if (p0 < p1) {
          const std::uint64_t k = std::min((p1 - p0) >> 30, gb_left);
          gb_left -= k;
          skip0 = p0;
          skip1 = p0 + (k << 30);
        }
      }
      for (std::uint64_t a = g0; a + image <= g1; a += KASLR_PHYSICAL_ALIGN)
        if (a + image <= skip0 || a >= skip1) out.push_back(a);
    }
  };
  auto candidate = [&](std::uint64_t s, std::uint64_t size) {
    const MemVector region{s, size};
    const bool filter = in.immovable_filter_active && !in.immovable.empty();
    if (!filter) {
      piece(s, s + size);
      return;
    }
    for (const MemVector& im : in.immovable) {
      if (!mem_overlaps(region, im)) continue;
      const std::uint64_t e = s + size;
      piece(std::clamp(s, im.start, im.start + im.size), std::clamp(e, im.start, im.start + im.size));
    }
  };
  if (in.efi_boot) {
    bool mirror = false;
    for (const EfiMemDesc& d : in.efi)
      if (d.attribute & EFI_MEMORY_MORE_RELIABLE) mirror = true;
    for (const EfiMemDesc& d : in.efi) {
      if (d.type != EFI_CONVENTIONAL_MEMORY) continue;
      if (in.efi_soft_reserve_enabled && (d.attribute & EFI_MEMORY_SP)) continue;
      if (mirror && !(d.attribute & EFI_MEMORY_MORE_RELIABLE)) continue;
      candidate(d.phys_addr, d.num_pages << 12);
    }
  } else {
    const std::size_t n = std::min(in.e820.size(), KASLR_E820_MAX);
    for (std::size_t i = 0; i < n; ++i)
      if (in.e820[i].type == E820Type::RAM) candidate(in.e820[i].addr, in.e820[i].size);
  }
  return out;
}

}  // namespace mbv
