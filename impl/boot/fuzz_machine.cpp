// decode_fuzz_machine (see fuzz_machine.h).
#include "impl/boot/fuzz_machine.h"

#include <algorithm>

#include "impl/boot/policy.h"
#include "impl/kaslr/kaslr.h"

namespace mbv {

namespace {

struct Reader {
  std::span<const std::uint8_t> b;
  std::size_t i = 0;
  std::optional<std::uint8_t> u8() {
    if (i >= b.size()) return std::nullopt;
    return b[i++];
  }
};

// Where a fixed image of `size` bytes can start inside one e820 entry: the
// lowest such start and how many 2M steps up from it also fit (0: none).
struct KernelFit {
  std::uint64_t lo = 0;
  std::uint64_t count = 0;
};

KernelFit kernel_fit(const E820Entry& e, std::uint64_t size) {
  if (e.type != E820Type::RAM) return {};
  const std::uint64_t lo = std::max(round_up(e.addr, KASLR_PHYSICAL_ALIGN), LOAD_PHYSICAL_ADDR);
  const std::uint64_t hi = std::min(e.end(), SZ_4G);
  if (hi < lo || hi - lo < size) return {};
  return {lo, 1 + (hi - lo - size) / KASLR_PHYSICAL_ALIGN};
}

// The fixed image's start: candidate (8 * slot) mod N of the N starts that
// kernel_fit allows, entries in table order; nullopt when N is 0.
std::optional<std::uint64_t> fixed_kernel_at(const std::vector<E820Entry>& e820, std::uint64_t size,
                                             std::uint8_t slot) {
  std::uint64_t total = 0;
  for (const E820Entry& e : e820) total += kernel_fit(e, size).count;
  if (total == 0) return std::nullopt;
  std::uint64_t k = (std::uint64_t{slot} * 8) % total;
  for (const E820Entry& e : e820) {
    const KernelFit f = kernel_fit(e, size);
    if (k < f.count) return f.lo + k * KASLR_PHYSICAL_ALIGN;
    k -= f.count;
  }
  MB_CHECK(false, "the candidate index is below the total");
  return std::nullopt;
}

}  // namespace

std::optional<Scenario> decode_fuzz_machine(std::span<const std::uint8_t> bytes) {
  // Caps keep one boot well under a millisecond with the Fast walker.
  constexpr std::uint64_t kUnit = 64ull << 20;
  constexpr std::uint64_t kMaxEnd = 16ull << 30;
  Reader r{bytes};
  const auto pol = r.u8(), sw = r.u8(), nseg = r.u8(), nnode = r.u8();
  if (!pol || !sw || !nseg || !nnode) return std::nullopt;
  Scenario s;
  s.name = "fuzz";
  s.policy = boot_policies()[*pol % boot_policies().size()].name;
  std::string cmd = "root=/dev/vda1";
  if (*sw & 1) cmd += " movable_node";
  if (*sw & 2) cmd += " debug_pagealloc=on";
  if (*sw & 4) cmd += " nogbpages";
  if (*sw & 64) cmd += " numa=off";
  s.cmdline = cmd;
  s.cpu.pse = !(*sw & 8);
  s.cpu.gbpages = !(*sw & 16);
  s.slit_localities = (*sw & 128) ? 4 : 0;

  // Low memory as every PC has it, then the fuzzed segments from 1M up.
  s.e820.push_back({0, 0x9fc00, E820Type::RAM});
  s.e820.push_back({0x9fc00, 0x400, E820Type::RESERVED});
  s.e820.push_back({0xf0000, 0x10000, E820Type::RESERVED});
  std::uint64_t cursor = SZ_1M;
  const int segs = 1 + *nseg % 6;
  for (int k = 0; k < segs; ++k) {
    const auto gap = r.u8(), size = r.u8(), type = r.u8();
    if (!gap || !size || !type) return std::nullopt;
    const std::uint64_t start = cursor + (*gap % 16) * kUnit;
    const std::uint64_t len = (1 + *size % 32) * kUnit - (k == 0 ? SZ_1M : 0);
    if (start + len > kMaxEnd) break;
    E820Type t = E820Type::RAM;
    switch (*type % 16) {
      case 1: t = E820Type::RESERVED; break;
      case 2: t = E820Type::ACPI; break;
      case 3: t = E820Type::NVS; break;
      case 4: t = E820Type::SOFT_RESERVED; break;
      case 5: t = E820Type::RESERVED_KERN; break;
      default: break;
    }
    s.e820.push_back({start, len, t});
    cursor = start + len;
  }
  const std::uint64_t span_end = std::max<std::uint64_t>(cursor, SZ_1G);

  // Nodes split [0, span_end) by weight, on 64 MiB boundaries.
  const int nodes = 1 + *nnode % 4;
  std::vector<std::uint8_t> weight, hot;
  for (int n = 0; n < nodes; ++n) {
    const auto w = r.u8(), h = r.u8();
    if (!w || !h) return std::nullopt;
    weight.push_back(static_cast<std::uint8_t>(1 + *w % 8));
    hot.push_back(*h & 1);
  }
  std::uint64_t total = 0;
  for (auto w : weight) total += w;
  std::uint64_t at = 0;
  for (int n = 0; n < nodes; ++n) {
    std::uint64_t end = n + 1 == nodes
                            ? span_end
                            : round_down(at + (span_end / total) * weight[static_cast<std::size_t>(n)], kUnit);
    end = std::min(std::max(end, at + kUnit), span_end);
    if (end <= at) break;
    s.srat.cpus.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(n), false, true});
    s.srat.mem.push_back({static_cast<std::uint32_t>(n), at, end - at,
                          hot[static_cast<std::size_t>(n)] ? 3u : 1u, std::nullopt});
    at = end;
  }

  // Kernel: a KASLR random value, or a fixed image where a loader would put
  // it. A relocatable bzImage runs at its load address rounded up to
  // kernel_alignment (CONFIG_PHYSICAL_ALIGN, 2M) but never below
  // LOAD_PHYSICAL_ADDR (arch/x86/boot/compressed/head_64.S), and loaders
  // load into firmware RAM; so the candidates are the 2M-aligned starts at or
  // above 16M whose whole image lies inside one RAM entry and below 4G,
  // counted over the entries in table order. A slot step moves the image by
  // 8 candidates (16M inside one entry), wrapping at the end; when one RAM
  // entry covers [16M, 16M + slot * 16M + size), the image is at
  // 16M + slot * 16M.
  s.kernel.size = 0x3000000;
  if (*sw & 32) {
    std::uint64_t rnd = 0;
    for (int k = 0; k < 8; ++k) {
      const auto v = r.u8();
      if (!v) return std::nullopt;
      rnd = rnd << 8 | *v;
    }
    s.kernel.kaslr_random = rnd;
  } else {
    const auto slot = r.u8();
    if (!slot) return std::nullopt;
    const auto at = fixed_kernel_at(s.e820, s.kernel.size, *slot);
    if (!at) return std::nullopt;  // no RAM entry holds the image: not a machine
    s.kernel.at = *at;
  }

  // Optional paging byte: bit 0 la57; bit 1 a memory-KASLR value, bits 2-5
  // which one (kPgdBoundaryAt). Inputs that end before it decode as before.
  if (const auto pg = r.u8()) {
    s.cpu.la57 = *pg & 1;
    if (*pg & 2) s.kernel.kaslr_random_mem = kPgdBoundaryAt[(*pg >> 2) & 15];
  }
  return s;
}

}  // namespace mbv
