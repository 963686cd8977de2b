#include "impl/pgtable/small_machine.h"

#include <cinttypes>
#include <cstdio>

#include "impl/common/byte_reader.h"
#include "impl/memblock/memblock.h"

namespace mbv {

namespace {

constexpr std::uint64_t kPfnMask = (std::uint64_t{1} << 19) - 1;  // < 2 GiB

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
  return buf;
}

}  // namespace

// Layout (little endian):
//   [0]      bit0 bottom_up, bit1 movable_node, bit2 five_level, bit3 memory_kaslr,
//            bit4 debug_pagealloc, bit5 no GBPAGES cpu, bit6 nogbpages, bit7 mirror
//   [1]      region count (1..6) in the low 3 bits
//   regions  3 bytes start pfn, 3 bytes size in pfns, 1 byte nid (low 2 bits) + flags (bits 4-6)
//   [.]      reservation count (0..8) in the low 4 bits
//   reserv.  3 bytes start in KiB, 2 bytes size in KiB
//   kernel   3 bytes _end pfn, 1 byte image size in 2M units
//   kaslr    2 bytes page_offset_base offset in GiB (bits 0-13); with bit 14
//            the offset instead puts the first PGD boundary at physical
//            (bits 0-5 + 1) GiB, so the map crosses it (a 5-level wrap)
Result<SmallMachine> decode_small_machine(std::span<const std::uint8_t> bytes) {
  LeByteReader r{bytes};
  SmallMachine m;
  const std::uint64_t f = r.get(1);
  m.bottom_up = f & 1;
  m.movable_node = f & 2;
  const bool five = f & 4;
  m.cfg.memory_kaslr = f & 8;
  m.cfg.debug_pagealloc = f & 16;
  m.cfg.cpu.gbpages = !(f & 32);
  m.cfg.gbpages = !(f & 64);
  m.has_mirror = f & 128;
  m.cfg.cpu.la57 = five;
  m.cfg.paging = default_paging(five);
  const std::uint64_t nreg = std::max<std::uint64_t>(1, std::min<std::uint64_t>(6, r.get(1) & 7));
  for (std::uint64_t i = 0; i < nreg; ++i) {
    const std::uint64_t s = r.get(3) & kPfnMask, n = r.get(3) & kPfnMask;
    const std::uint64_t a = r.get(1);
    const std::uint64_t e = std::min(s + n, kPfnMask + 1);
    if (s < e)
      m.memory.push_back(SmallRegion{s << PAGE_SHIFT, (e - s) << PAGE_SHIFT,
                                     static_cast<int>(a & 3),
                                     static_cast<std::uint32_t>((a >> 4) & 7)});
  }
  const std::uint64_t nres = std::min<std::uint64_t>(8, r.get(1) & 15);
  for (std::uint64_t i = 0; i < nres; ++i) {
    const std::uint64_t s = (r.get(3) & ((1u << 22) - 1)) << 10, n = r.get(2) << 10;
    if (n) m.reserved.push_back(PhysRange{s, s + n});
  }
  std::uint64_t kend_pfn = r.get(3) & kPfnMask;
  const std::uint64_t img = (r.get(1) & 15) + 1;
  const std::uint64_t off_g = r.get(2);
  if (!r.ok) return make_error(ErrorCode::Truncated, "small machine: input ends early");
  if (m.memory.empty()) return make_error(ErrorCode::BadInput, "small machine: no memory");
  // The kernel image ends at _end and holds the brk page-table buffer.
  const std::uint64_t min_end = (SZ_1M >> PAGE_SHIFT) + INIT_PGT_BUF_PAGES + 1;
  kend_pfn = std::max(kend_pfn, min_end);
  const phys_addr_t kend = kend_pfn << PAGE_SHIFT;
  const phys_addr_t ktext = std::max<phys_addr_t>(SZ_1M, kend > img * SZ_2M ? kend - img * SZ_2M : 0);
  m.reserved.insert(m.reserved.begin(), PhysRange{0, SZ_1M});      // reserve_real_mode
  m.reserved.insert(m.reserved.begin(), PhysRange{ktext, kend});   // kernel image + brk
  m.cfg.kernel_end = kend;
  m.cfg.pgt_buf_start_pfn = kend_pfn - INIT_PGT_BUF_PAGES;
  if (m.cfg.memory_kaslr) {
    if (off_g & 0x4000)
      m.cfg.paging.page_offset_base +=
          (std::uint64_t{1} << m.cfg.paging.pgdir_shift()) - ((off_g & 0x3f) + 1) * SZ_1G;
    else
      m.cfg.paging.page_offset_base += (off_g & 0x3fff) * SZ_1G;
  }
  return m;
}

Memblock build_memblock(const SmallMachine& m) {
  Memblock mb;
  mb.allow_resize();
  mb.movable_node = m.movable_node;
  mb.system_has_some_mirror = m.has_mirror;
  for (const SmallRegion& r : m.memory) mb.add_node(r.base, r.size, r.nid, r.flags);
  mb.trim_memory(PAGE_SIZE);
  for (const PhysRange& r : m.reserved) mb.reserve(r.start, r.size());
  if (m.reserved_max && m.reserved_max >= mb.reserved.cnt()) mb.reserved.max = m.reserved_max;
  mb.set_bottom_up(m.bottom_up);
  return mb;
}

std::string describe(const SmallMachine& m) {
  std::string s;
  for (const SmallRegion& r : m.memory)
    s += "memory [" + hex(r.base) + ", " + hex(r.base + r.size) + ") nid " +
         std::to_string(r.nid) + " flags " + hex(r.flags) + "\n";
  for (const PhysRange& r : m.reserved)
    s += "reserved [" + hex(r.start) + ", " + hex(r.end) + ")\n";
  s += std::string("bottom_up ") + (m.bottom_up ? "1" : "0") + " movable_node " +
       (m.movable_node ? "1" : "0") + " mirror " + (m.has_mirror ? "1" : "0") + " five_level " +
       (m.cfg.paging.five_level ? "1" : "0") + " page_offset_base " +
       hex(m.cfg.paging.page_offset_base) + " kernel_end " + hex(m.cfg.kernel_end) + "\n";
  return s;
}

std::string crosscheck_walkers(const SmallMachine& m) {
  SmallMachine fast_m = m, slow_m = m;
  fast_m.cfg.walk = WalkMode::Fast;
  slow_m.cfg.walk = WalkMode::PerPage;
  Memblock mb_fast = build_memblock(fast_m), mb_slow = build_memblock(slow_m);
  fast_m.cfg.max_pfn = slow_m.cfg.max_pfn = pfn_down(mb_fast.end_of_DRAM());
  auto a = init_mem_mapping(mb_fast, fast_m.cfg);
  auto b = init_mem_mapping(mb_slow, slow_m.cfg);
  if (a.ok() != b.ok())
    return std::string("one walker failed: fast ") + (a ? "ok" : a.error().message) +
           ", per-page " + (b ? "ok" : b.error().message);
  if (!a) {
    if (a.error().message != b.error().message)
      return "different errors: " + a.error().message + " / " + b.error().message;
    return {};
  }
  const DirectMap& x = *a;
  const DirectMap& y = *b;
  if (x.calls.size() != y.calls.size())
    return "mapping call count " + std::to_string(x.calls.size()) + " vs " +
           std::to_string(y.calls.size());
  for (std::size_t i = 0; i < x.calls.size(); ++i)
    if (!(x.calls[i] == y.calls[i]))
      return "mapping call " + std::to_string(i) + " differs: fast\n" +
             format_mem_range(x.calls[i].start, x.calls[i].end - 1) + " ret " +
             hex(x.calls[i].ret_pfn) + " pages " +
             std::to_string(x.calls[i].ranges.empty() ? 0 : x.calls[i].ranges[0].pages.total()) +
             "\nper-page ret " + hex(y.calls[i].ret_pfn) + " pages " +
             std::to_string(y.calls[i].ranges.empty() ? 0 : y.calls[i].ranges[0].pages.total());
  if (x.page_sequence() != y.page_sequence()) return "page-table page sequence differs";
  if (!(x.allocs == y.allocs)) return "allocation runs differ";
  if (!(x.pfn_mapped == y.pfn_mapped) || x.max_pfn_mapped != y.max_pfn_mapped ||
      x.max_low_pfn_mapped != y.max_low_pfn_mapped || x.min_pfn_mapped != y.min_pfn_mapped)
    return "pfn_mapped bookkeeping differs";
  if (x.pgt_buf_end != y.pgt_buf_end) return "brk use differs";
  if (!(x.state() == y.state()))
    return "page-table state differs:\nfast\n" + dump(x.state()) + "per-page\n" + dump(y.state());
  if (!(mb_fast == mb_slow)) return "memblock differs:\nfast\n" + mb_fast.dump() + "per-page\n" + mb_slow.dump();
  return {};
}

}  // namespace mbv
