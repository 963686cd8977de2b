// Mutations: byte-level edits of the subtable area, inserting, deleting or
// duplicating whole subtables, flag flips; then, most of the time, the
// header length and the checksum are made right again.
#include "impl/acpi/srat_mutate.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"

namespace mbv {
namespace {

using Rng = std::minstd_rand;

std::uint64_t pick(Rng& rng, std::uint64_t n) { return n ? rng() % n : 0; }

// Addresses and sizes a kernel developer would write, plus edge values.
std::uint64_t interesting_u64(Rng& rng) {
  static constexpr std::uint64_t kValues[] = {
      0, SZ_1M, SZ_2M, SZ_16M, SZ_512M, SZ_1G, 3 * SZ_1G, SZ_4G, 5 * SZ_1G, SZ_512G,
      PAGE_SIZE, PAGE_SIZE - 1, PHYS_ADDR_MAX, PHYS_ADDR_MAX - SZ_1G + 1, 1ull << 46, 1ull << 52};
  std::uint64_t v = kValues[pick(rng, std::size(kValues))];
  if (pick(rng, 4) == 0) v += pick(rng, 3) * PAGE_SIZE;
  return v;
}

// Subtable boundaries [start, end) found by walking the lengths.
std::vector<std::pair<std::size_t, std::size_t>> subtables(const std::vector<std::uint8_t>& b) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  std::size_t off = kSratHeaderBytes;
  while (off + 2 <= b.size()) {
    std::size_t len = b[off + 1];
    if (len < 2 || off + len > b.size()) break;
    out.push_back({off, off + len});
    off += len;
  }
  return out;
}

std::vector<std::uint8_t> random_subtable(Rng& rng) {
  Srat s;
  switch (pick(rng, 8)) {
    case 0: s.entries.push_back(make_cpu_affinity(pick(rng, 4), pick(rng, 256), pick(rng, 4))); break;
    case 1: s.entries.push_back(make_x2apic_affinity(pick(rng, 4), pick(rng, 1024), pick(rng, 4))); break;
    case 2: {
      SratGiccAffinity g;
      g.proximity_domain = pick(rng, 4);
      g.enabled = pick(rng, 2);
      s.entries.push_back(g);
      break;
    }
    case 3: {
      SratGenericAffinity g;
      g.type = pick(rng, 2) ? SRAT_GENERIC_AFFINITY : SRAT_GENERIC_PORT_AFFINITY;
      g.proximity_domain = pick(rng, 8);
      g.enabled = pick(rng, 4);
      s.entries.push_back(g);
      break;
    }
    case 4: {
      SratUnknown u{static_cast<std::uint8_t>(7 + pick(rng, 249)), 0, 0, {}};
      u.body.resize(pick(rng, 12));
      u.length = static_cast<std::uint8_t>(2 + u.body.size());
      s.entries.push_back(u);
      break;
    }
    default: {
      std::uint32_t pxm = pick(rng, 8) == 0 ? static_cast<std::uint32_t>(rng()) : pick(rng, 4);
      s.entries.push_back(make_memory_affinity(pxm, interesting_u64(rng), interesting_u64(rng),
                                               pick(rng, 3) == 0, pick(rng, 8) == 0,
                                               pick(rng, 8) != 0));
    }
  }
  auto bytes = write_srat(s);
  return {bytes.begin() + kSratHeaderBytes, bytes.end()};
}

}  // namespace

std::size_t srat_custom_mutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               unsigned seed, ByteMutator bytes) {
  Rng rng(seed ? seed : 1);
  if (max_size < kSratHeaderBytes) return bytes ? bytes(data, size, max_size) : size;
  std::vector<std::uint8_t> b(data, data + size);
  if (b.size() < kSratHeaderBytes) b = write_srat(make_srat({}));

  const auto subs = subtables(b);
  switch (pick(rng, 6)) {
    case 0:  // byte edits in the subtable area only (the header stays sane)
      if (bytes && b.size() > kSratHeaderBytes) {
        std::size_t body = b.size() - kSratHeaderBytes;
        std::size_t cap = max_size - kSratHeaderBytes;
        b.resize(kSratHeaderBytes + cap);
        body = bytes(b.data() + kSratHeaderBytes, body, cap);
        b.resize(kSratHeaderBytes + body);
        break;
      }
      [[fallthrough]];
    case 1: {  // insert a subtable at a boundary
      auto sub = random_subtable(rng);
      std::size_t at = subs.empty() ? b.size() : subs[pick(rng, subs.size())].first;
      if (pick(rng, 2)) at = b.size();
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), sub.begin(), sub.end());
      break;
    }
    case 2:  // delete a subtable
      if (!subs.empty()) {
        auto [s, e] = subs[pick(rng, subs.size())];
        b.erase(b.begin() + static_cast<std::ptrdiff_t>(s), b.begin() + static_cast<std::ptrdiff_t>(e));
      }
      break;
    case 3:  // duplicate a subtable
      if (!subs.empty()) {
        auto [s, e] = subs[pick(rng, subs.size())];
        std::vector<std::uint8_t> copy(b.begin() + static_cast<std::ptrdiff_t>(s),
                                       b.begin() + static_cast<std::ptrdiff_t>(e));
        b.insert(b.end(), copy.begin(), copy.end());
      }
      break;
    case 4:  // edit a field of a memory affinity (flags, base, length, pxm)
      for (auto [s, e] : subs) {
        if (b[s] != SRAT_MEMORY_AFFINITY || e - s < kSratMemoryAffinityBytes || pick(rng, 2)) continue;
        switch (pick(rng, 4)) {
          case 0: b[s + 28] ^= static_cast<std::uint8_t>(1u << pick(rng, 3)); break;
          case 1: le::put_at(b, s + 8, interesting_u64(rng), 8); break;
          case 2: le::put_at(b, s + 16, interesting_u64(rng), 8); break;
          default: le::put_at(b, s + 2, pick(rng, 2) ? pick(rng, 8) : rng(), 4); break;
        }
        break;
      }
      break;
    default:  // header fields Linux reads: revision (PXM masking), rarely the signature
      b[8] = static_cast<std::uint8_t>(pick(rng, 4));
      if (pick(rng, 32) == 0) b[pick(rng, 4)] ^= 0x20;
      break;
  }
  if (b.size() > max_size) b.resize(max_size);
  if (b.size() >= kSratHeaderBytes) {
    if (pick(rng, 16) != 0) le::put_at(b, 4, b.size(), 4);
    if (pick(rng, 8) != 0) {
      b[9] = 0;
      b[9] = static_cast<std::uint8_t>(0x100 - acpi_checksum(b));
    }
  }
  std::memcpy(data, b.data(), b.size());
  return b.size();
}

}  // namespace mbv
