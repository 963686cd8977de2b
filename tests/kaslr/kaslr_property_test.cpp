// Properties of the KASLR model against its brute-force reference, and the
// placement guarantees of section 11.1 item 14.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "impl/kaslr/kaslr.h"

namespace mbv {
namespace {

constexpr std::uint64_t MB = SZ_1M;

// Addresses on a coarse 2M grid most of the time, so region edges coincide
// with slot and image boundaries (where off-by-one rules differ).
rc::Gen<std::uint64_t> addr_below(std::uint64_t lim, bool aligned_2m_often) {
  return rc::gen::exec([=] {
    if (*rc::gen::inRange(0, 10) < 7)
      return *rc::gen::inRange<std::uint64_t>(0, lim / SZ_2M) * SZ_2M;
    std::uint64_t a = *rc::gen::inRange<std::uint64_t>(0, lim);
    if (aligned_2m_often && *rc::gen::arbitrary<bool>()) a = round_down(a, SZ_2M);
    return a;
  });
}

rc::Gen<std::uint64_t> size_upto(std::uint64_t lim) {
  return rc::gen::exec([=] {
    if (*rc::gen::inRange(0, 10) < 7)
      return *rc::gen::inRange<std::uint64_t>(0, lim / SZ_2M + 1) * SZ_2M;
    return *rc::gen::inRange<std::uint64_t>(0, lim);
  });
}

rc::Gen<KaslrInput> gen_input() {
  return rc::gen::exec([] {
    KaslrInput in;
    const std::uint64_t top = *rc::gen::element<std::uint64_t>(1 * SZ_1G, 4 * SZ_1G, 12 * SZ_1G);
    const int n = *rc::gen::inRange(1, 7);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t a = *addr_below(top, true);
      const std::uint64_t s = std::max<std::uint64_t>(1, *size_upto(top));
      const E820Type t = *rc::gen::element(E820Type::RAM, E820Type::RAM, E820Type::RAM,
                                          E820Type::RESERVED, E820Type::ACPI);
      in.e820.push_back({a, s, t});
    }
    in.image_size = *rc::gen::inRange<std::uint64_t>(1, 8) * SZ_2M;
    in.output = *rc::gen::element<std::uint64_t>(16 * MB, 16 * MB, 600 * MB, 3 * SZ_1G + 5 * MB);
    in.input = in.output + *size_upto(64 * MB);
    in.init_size = in.input - in.output + *size_upto(128 * MB);
    if (*rc::gen::arbitrary<bool>()) {
      in.initrd_start = *addr_below(top, false);
      in.initrd_size = *size_upto(256 * MB);
    }
    in.boot_params_addr = *addr_below(top, false);
    in.cmdline_addr = *addr_below(top, false);
    std::string cmd;
    const int nparams = *rc::gen::inRange(0, 5);
    for (int i = 0; i < nparams; ++i) {
      switch (*rc::gen::inRange(0, 5)) {
        case 0: {
          cmd += "memmap=";
          const int items = *rc::gen::inRange(1, 6);
          for (int k = 0; k < items; ++k) {
            if (k) cmd += ",";
            cmd += std::to_string(*rc::gen::inRange(0, 256) * 2) + "M" +
                   *rc::gen::element<std::string>("$", "#", "!", "@", "%") + "0x" +
                   [&] { char b[32]; std::snprintf(b, sizeof b, "%llx", (unsigned long long)*addr_below(top, true)); return std::string(b); }();
          }
          break;
        }
        case 1: cmd += "mem=" + std::to_string(*rc::gen::inRange(1, 16)) + "G"; break;
        case 2: cmd += "hugepagesz=1G hugepages=" + std::to_string(*rc::gen::inRange(0, 6)); break;
        case 3: cmd += "efi_fake_mem=" + std::to_string(*rc::gen::inRange(1, 512)) + "M@0x" +
                       [&] { char b[32]; std::snprintf(b, sizeof b, "%llx", (unsigned long long)*addr_below(top, true)); return std::string(b); }() +
                       ":0x40000"; break;
        default: cmd += "quiet"; break;
      }
      cmd += " ";
    }
    in.cmdline = cmd;
    const int nsd = *rc::gen::inRange(0, 3);
    for (int i = 0; i < nsd; ++i)
      in.setup_data.push_back({*addr_below(top, false), *rc::gen::element<std::uint32_t>(1u, SETUP_INDIRECT),
                               *rc::gen::inRange<std::uint32_t>(0, 1 << 20), 1u, *addr_below(top, false),
                               *size_upto(64 * MB)});
    in.immovable_filter_active = *rc::gen::arbitrary<bool>();
    const int nim = *rc::gen::inRange(0, 3);
    for (int i = 0; i < nim; ++i)
      in.immovable.push_back({round_down(*addr_below(top, false), SZ_1G),
                              *rc::gen::inRange<std::uint64_t>(1, 6) * SZ_1G});
    in.rand_phys = *rc::gen::arbitrary<std::uint64_t>();
    in.rand_virt = *rc::gen::arbitrary<std::uint64_t>();
    return in;
  });
}

bool overlaps(std::uint64_t a, std::uint64_t size, const MemVector& v) {
  return !(a + size <= v.start || a >= v.start + v.size);
}

RC_GTEST_PROP(KaslrModel, slots_equal_brute_force, ()) {
  const KaslrInput in = *gen_input();
  auto r = choose_random_location(in);
  RC_ASSERT(r.ok());
  const auto fast = enumerate_all_slots(in);
  const auto ref = kaslr_reference_slots(in);
  RC_CLASSIFY(r->slot_areas_full, "100 areas");
  RC_CLASSIFY(r->options.max_gb_huge_pages != 0, "1G hugepages");
  RC_CLASSIFY(r->outcome == KaslrOutcome::Randomized, "randomized");
  if (r->slot_areas_full) {
    RC_ASSERT(fast.size() <= ref.size());
    RC_ASSERT(std::equal(fast.begin(), fast.end(), ref.begin()));
  } else {
    RC_ASSERT(fast == ref);
  }
  RC_ASSERT(fast.size() == r->slot_max || r->outcome == KaslrOutcome::TooSmall ||
            r->outcome == KaslrOutcome::MemmapTooLarge);
}

// 11.1 item 14: a randomized address is 2M-aligned, >= minimum, inside one
// candidate region (and one immovable region when filtering), clear of every
// avoid region and setup_data node, and below mem_limit.
RC_GTEST_PROP(KaslrModel, placement_guarantees, ()) {
  const KaslrInput in = *gen_input();
  auto r = choose_random_location(in);
  RC_ASSERT(r.ok());
  if (!r->physical_randomized()) {
    RC_ASSERT(r->phys == in.output);
    return;
  }
  const std::uint64_t a = r->phys, img = in.image_size;
  RC_ASSERT(a % SZ_2M == 0);
  RC_ASSERT(a >= r->minimum);
  RC_ASSERT(a + img <= r->mem_limit);
  const auto slots = enumerate_all_slots(in);
  RC_ASSERT(slots.at(in.rand_phys % r->slot_max) == a);
  for (const MemVector& v : r->mem_avoid) RC_ASSERT(!overlaps(a, img, v) || v.size == 0);
  for (const SetupDataNode& n : in.setup_data)
    RC_ASSERT(!overlaps(a, img, MemVector{n.addr, SETUP_DATA_HEADER + n.len}));
  bool inside = false;
  for (std::size_t i = 0; i < std::min(in.e820.size(), KASLR_E820_MAX); ++i) {
    const E820Entry& e = in.e820[i];
    if (e.type != E820Type::RAM || a < e.addr || a + img > e.addr + e.size) continue;
    if (!(in.immovable_filter_active && !in.immovable.empty())) inside = true;
    for (const MemVector& im : in.immovable)
      if (in.immovable_filter_active && a >= im.start && a + img <= im.start + im.size) inside = true;
  }
  RC_ASSERT(inside);
}

}  // namespace
}  // namespace mbv
