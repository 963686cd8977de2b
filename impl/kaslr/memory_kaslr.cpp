#include "impl/kaslr/memory_kaslr.h"

namespace mbv {

namespace {

constexpr unsigned TB_SHIFT = 40;
constexpr std::uint64_t PUD_BYTES = std::uint64_t{1} << 30;
constexpr std::uint64_t PAGE_OFFSET_L4 = 0xffff888000000000ull;  // __PAGE_OFFSET_BASE_L4
constexpr std::uint64_t PAGE_OFFSET_L5 = 0xff11000000000000ull;  // __PAGE_OFFSET_BASE_L5

// __seed (include/linux/prandom.h): keeps each word above its minimum.
constexpr std::uint32_t seed_word(std::uint32_t x, std::uint32_t m) { return x < m ? x + m : x; }

// One Tausworthe step.
constexpr std::uint32_t taus(std::uint32_t s, unsigned a, unsigned b, std::uint32_t c, unsigned d) {
  return ((s & c) << d) ^ (((s << a) ^ s) >> b);
}

}  // namespace

RndState prandom_seed_state(std::uint64_t seed) {
  const std::uint32_t i = static_cast<std::uint32_t>((seed >> 32) ^ (seed << 10) ^ seed);
  return RndState{seed_word(i, 2), seed_word(i, 8), seed_word(i, 16), seed_word(i, 128)};
}

std::uint32_t prandom_u32_state(RndState& st) {
  st.s1 = taus(st.s1, 6, 13, 4294967294u, 18);
  st.s2 = taus(st.s2, 2, 27, 4294967288u, 2);
  st.s3 = taus(st.s3, 13, 21, 4294967280u, 7);
  st.s4 = taus(st.s4, 3, 12, 4294967168u, 13);
  return st.s1 ^ st.s2 ^ st.s3 ^ st.s4;
}

std::uint64_t prandom_u64_state(RndState& st) {
  const std::uint64_t lo = prandom_u32_state(st);
  const std::uint64_t hi = prandom_u32_state(st);
  return lo | hi << 32;
}

MemoryKaslrLayout kernel_randomize_memory(const MemoryKaslrInput& in) {
  MemoryKaslrLayout l;
  const unsigned physmem_bits = in.five_level ? 52 : 46;  // MAX_PHYSMEM_BITS
  const std::uint64_t vaddr_start = in.five_level ? PAGE_OFFSET_L5 : PAGE_OFFSET_L4;
  l.page_offset_base = vaddr_start;
  l.vmalloc_base = in.five_level ? VMALLOC_BASE_L5 : VMALLOC_BASE_L4;
  l.vmemmap_base = in.five_level ? VMEMMAP_BASE_L5 : VMEMMAP_BASE_L4;
  l.physmem_end = (std::uint64_t{1} << physmem_bits) - 1;
  if (!in.enabled) return l;
  l.randomized = true;

  l.size_tb[kDirectMapRegion] = std::uint64_t{1} << (physmem_bits - TB_SHIFT);
  l.size_tb[kVmallocRegion] = in.five_level ? VMALLOC_SIZE_TB_L5 : VMALLOC_SIZE_TB_L4;
  // The direct map shrinks to the installed memory plus padding, unless
  // ZONE_DEVICE wants every physical address mappable.
  const std::uint64_t tb = std::uint64_t{1} << TB_SHIFT;
  const std::uint64_t memory_tb = ((in.max_pfn << 12) + tb - 1) / tb + in.physical_padding_tb;
  if (!in.zone_device && memory_tb < l.size_tb[kDirectMapRegion])
    l.size_tb[kDirectMapRegion] = memory_tb;
  const std::uint64_t vmemmap_bytes =
      (l.size_tb[kDirectMapRegion] << (TB_SHIFT - 12)) * STRUCT_PAGE_BYTES;
  l.size_tb[kVmemmapRegion] = (vmemmap_bytes + tb - 1) / tb;

  std::uint64_t remain = CPU_ENTRY_AREA_BASE - vaddr_start;
  for (std::uint64_t s : l.size_tb) remain -= s << TB_SHIFT;

  RndState rs = prandom_seed_state(in.random);
  std::uint64_t vaddr = vaddr_start;
  std::uint64_t* const bases[3] = {&l.page_offset_base, &l.vmalloc_base, &l.vmemmap_base};
  for (std::size_t i = 0; i < 3; ++i) {
    std::uint64_t entropy = remain / (3 - i);
    const std::uint64_t rand = prandom_u64_state(rs);
    entropy = (rand % (entropy + 1)) & ~(PUD_BYTES - 1);
    vaddr += entropy;
    *bases[i] = vaddr;
    l.entropy[i] = entropy;
    vaddr += l.size_tb[i] << TB_SHIFT;
    // physmem_end = __pa(vaddr - 1): the region's own size, less one.
    if (i == kDirectMapRegion) l.physmem_end = vaddr - 1 - l.page_offset_base;
    vaddr = ((vaddr + 1) + PUD_BYTES - 1) & ~(PUD_BYTES - 1);
    remain -= entropy;
  }
  return l;
}

}  // namespace mbv
