#include "impl/kaslr/kaslr_check.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "impl/common/byte_reader.h"

namespace mbv {

namespace {

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
  return buf;
}

bool overlaps(std::uint64_t a, std::uint64_t size, const MemVector& v) {
  return !(a + size <= v.start || a >= v.start + v.size);
}

}  // namespace

// Layout (little endian):
//   [0]   bit0 EFI boot, bit1 5-level, bit2 immovable filter active,
//         bit3 EFI soft-reserve enabled, bit4 initrd present
//   [1]   entry count (low 3 bits, +1)
//   entry 3 bytes address in 4K units (< 16G), 3 bytes size in 4K units,
//         1 byte: bit0-1 == 0 -> not RAM (EFI: not conventional), bit2 MORE_RELIABLE, bit3 SP
//   image 1 byte (2M units, +1); output 2 bytes (2M units); input offset,
//         init_size 1 byte each (1M units)
//   initrd 3 bytes (4K units), 2 bytes size (64K units)
//   setup_data count (low 2 bits): 3 bytes addr (4K), 1 byte type bit, 2 bytes len,
//         3 bytes indirect addr (4K), 2 bytes indirect len (4K units)
//   immovable count (low 2 bits): 1 byte start, 1 byte size (256M units)
//   8 + 8 bytes random values; cmdline length (low 6 bits), then the bytes
Result<KaslrInput> decode_kaslr_input(std::span<const std::uint8_t> bytes) {
  LeByteReader r{bytes};
  KaslrInput in;
  const std::uint64_t f = r.get(1);
  in.efi_boot = f & 1;
  in.five_level = f & 2;
  in.immovable_filter_active = f & 4;
  in.efi_soft_reserve_enabled = f & 8;
  const std::uint64_t n = (r.get(1) & 7) + 1;
  constexpr std::uint64_t kMask = (std::uint64_t{1} << 22) - 1;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t a = (r.get(3) & kMask) << 12, s = (r.get(3) & kMask) << 12;
    const std::uint64_t t = r.get(1);
    const bool ram = (t & 3) != 0;
    in.e820.push_back({a, s, ram ? E820Type::RAM : E820Type::RESERVED});
    in.efi.push_back({ram ? EFI_CONVENTIONAL_MEMORY : 4u, a, s >> 12,
                      ((t & 4) ? EFI_MEMORY_MORE_RELIABLE : 0) | ((t & 8) ? EFI_MEMORY_SP : 0)});
  }
  in.image_size = ((r.get(1) & 31) + 1) * SZ_2M;
  in.output = (r.get(2) & 0x1fff) * SZ_2M;
  in.input = in.output + r.get(1) * SZ_1M;
  in.init_size = in.input - in.output + r.get(1) * SZ_1M;
  in.initrd_start = (r.get(3) & kMask) << 12;
  in.initrd_size = r.get(2) << 16;
  if (!(f & 16)) in.initrd_start = in.initrd_size = 0;
  const std::uint64_t nsd = r.get(1) & 3;
  for (std::uint64_t i = 0; i < nsd; ++i) {
    SetupDataNode s;
    s.addr = (r.get(3) & kMask) << 12;
    s.type = (r.get(1) & 1) ? SETUP_INDIRECT : 1;
    s.len = static_cast<std::uint32_t>(r.get(2));
    s.indirect_type = 1;
    s.indirect_addr = (r.get(3) & kMask) << 12;
    s.indirect_len = r.get(2) << 12;
    in.setup_data.push_back(s);
  }
  const std::uint64_t nim = r.get(1) & 3;
  for (std::uint64_t i = 0; i < nim; ++i) {
    const std::uint64_t s = r.get(1) * (SZ_1G / 4), z = r.get(1) * (SZ_1G / 4);
    in.immovable.push_back({s, z});
  }
  in.rand_phys = r.get(8);
  in.rand_virt = r.get(8);
  const std::uint64_t clen = r.get(1) & 63;
  for (std::uint64_t i = 0; i < clen && r.ok; ++i) in.cmdline.push_back(static_cast<char>(r.get(1)));
  if (!r.ok) return make_error(ErrorCode::Truncated, "kaslr input: bytes end early");
  in.boot_params_addr = 0x10000;
  in.cmdline_addr = 0x20000;
  return in;
}

std::string check_kaslr(const KaslrInput& in) {
  auto r = choose_random_location(in);
  if (!r) return {};  // the decompressor would dereference NULL: not our finding
  const auto fast = enumerate_all_slots(in);
  const auto ref = kaslr_reference_slots(in);
  if (r->slot_areas_full) {
    if (fast.size() > ref.size() || !std::equal(fast.begin(), fast.end(), ref.begin()))
      return "slot list is not a prefix of the brute-force list";
  } else if (fast != ref) {
    return "slot list differs from the brute-force list (" + std::to_string(fast.size()) +
           " vs " + std::to_string(ref.size()) + " slots)";
  }
  if (!r->physical_randomized()) {
    if (r->phys != in.output) return "physical KASLR off but the output moved";
    return {};
  }
  const std::uint64_t a = r->phys, img = in.image_size;
  if (fast.size() != r->slot_max || fast.at(in.rand_phys % r->slot_max) != a)
    return "the pick is not slot rand % slot_max";
  if (a % SZ_2M || a < r->minimum || a + img > r->mem_limit)
    return "address " + hex(a) + " misaligned, below minimum or above mem_limit";
  for (const MemVector& v : r->mem_avoid)
    if (v.size && overlaps(a, img, v)) return "address " + hex(a) + " overlaps an avoid region";
  for (const SetupDataNode& s : in.setup_data)
    if (overlaps(a, img, MemVector{s.addr, SETUP_DATA_HEADER + s.len}))
      return "address " + hex(a) + " overlaps a setup_data node";
  return {};
}

std::string describe(const KaslrInput& in) {
  std::string s = std::string(in.efi_boot ? "efi" : "e820") + " entries:\n";
  for (std::size_t i = 0; i < in.e820.size(); ++i)
    s += "  [" + hex(in.e820[i].addr) + ", +" + hex(in.e820[i].size) + ") " +
         (in.e820[i].type == E820Type::RAM ? "RAM" : "other") + " attr " + hex(in.efi[i].attribute) + "\n";
  s += "image " + hex(in.image_size) + " output " + hex(in.output) + " input " + hex(in.input) +
       " init_size " + hex(in.init_size) + " initrd " + hex(in.initrd_start) + "+" +
       hex(in.initrd_size) + "\ncmdline '" + in.cmdline + "'\n";
  for (const auto& d : in.setup_data)
    s += "setup_data " + hex(d.addr) + " type " + hex(d.type) + " len " + hex(d.len) + "\n";
  for (const auto& m : in.immovable)
    s += std::string("immovable ") + hex(m.start) + "+" + hex(m.size) +
         (in.immovable_filter_active ? "" : " (filter off)") + "\n";
  s += "rand " + hex(in.rand_phys) + " " + hex(in.rand_virt) + "\n";
  return s;
}

}  // namespace mbv
