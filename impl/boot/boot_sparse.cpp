// sparse_init's memmap (mm/sparse.c, mm/sparse-vmemmap.c): per node, one
// buffer for all present sections from the node itself (exact nid, above
// 16M), else one 2 MiB block per section from any node.
#include <algorithm>
#include <string_view>

#include "impl/boot/boot.h"

namespace mbv {

namespace {

// How many SECTION_MAP_BYTES blocks directly below `b` (just allocated
// top-down) are free, in b's memory region and not below `lo`: the blocks
// the next top-down calls with the same request would return, in order.
std::uint64_t blocks_free_below(const Memblock& mb, phys_addr_t b, phys_addr_t lo) {
  const auto& mem = mb.memory.regions;
  auto m = std::upper_bound(mem.begin(), mem.end(), b,
                            [](phys_addr_t x, const MemblockRegion& r) { return x < r.base; });
  MB_CHECK(m != mem.begin(), "memmap block outside memory");
  --m;
  MB_CHECK(b < m->end(), "memmap block outside memory");
  const auto& res = mb.reserved.regions;
  auto r = std::upper_bound(res.begin(), res.end(), b,
                            [](phys_addr_t x, const MemblockRegion& q) { return x < q.base; });
  MB_CHECK(r != res.begin(), "memmap block not reserved");
  --r;
  if (r->base < b) return 0;  // a reservation right below: the next call looks elsewhere
  phys_addr_t floor = std::max({m->base, lo, PAGE_SIZE});
  if (r != res.begin()) floor = std::max(floor, std::prev(r)->end());
  floor = round_up(floor, SECTION_MAP_BYTES);
  return b > floor ? (b - floor) / SECTION_MAP_BYTES : 0;
}

// "memmap node N (per section)" for every N in [0, MAX_NUMNODES], built at
// compile time: on machines whose hot-pluggable nodes cannot hold their own
// memmap every section is an event with this note (2,048 for 4 x 64 GiB), and
// a constant note is copied without touching a reference count. Its prefix
// up to the node number is the whole-node note "memmap node N".
struct MemmapNotes {
  static constexpr std::size_t kWidth = 32;
  char text[MAX_NUMNODES + 1][kWidth] = {};
  std::uint8_t node_len[MAX_NUMNODES + 1] = {};  // length of "memmap node N"
  std::uint8_t len[MAX_NUMNODES + 1] = {};       // with " (per section)"
};

constexpr MemmapNotes make_memmap_notes() {
  MemmapNotes t;
  constexpr std::string_view head = "memmap node ";
  constexpr std::string_view tail = " (per section)";
  for (int nid = 0; nid <= MAX_NUMNODES; ++nid) {
    char* out = t.text[nid];
    std::size_t n = 0;
    for (char c : head) out[n++] = c;
    char digits[8] = {};
    int d = 0;
    for (int v = nid; d == 0 || v; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
    while (d) out[n++] = digits[--d];
    t.node_len[nid] = static_cast<std::uint8_t>(n);
    for (char c : tail) out[n++] = c;
    t.len[nid] = static_cast<std::uint8_t>(n);
  }
  return t;
}

constexpr MemmapNotes kMemmapNotes = make_memmap_notes();

bool in_note_table(int nid) { return nid >= 0 && nid <= MAX_NUMNODES; }

EventNote memmap_node_note(int nid) {
  if (!in_note_table(nid)) return EventNote("memmap node " + std::to_string(nid));
  return EventNote::from_static(std::string_view(kMemmapNotes.text[nid], kMemmapNotes.node_len[nid]));
}

EventNote memmap_per_section_note(int nid) {
  if (!in_note_table(nid)) return EventNote("memmap node " + std::to_string(nid) + " (per section)");
  return EventNote::from_static(std::string_view(kMemmapNotes.text[nid], kMemmapNotes.len[nid]));
}

}  // namespace

Status boot_sparse(BootState& st) {
  // memblocks_present: a section is present on the node of the first memory
  // in it. sparse_init walks present sections in order and calls
  // sparse_init_nid for each run of one node. Memory ranges are sorted and
  // disjoint, so sections come in ascending order; a section already counted
  // (shared with the previous range) keeps its node.
  std::vector<std::pair<int, std::uint64_t>> runs;  // nid, map_count
  bool any = false;
  std::uint64_t next_sec = 0;  // first section not yet counted
  for (const PfnRange& r : st.mb.mem_pfn_ranges(MAX_NUMNODES)) {
    std::uint64_t first = (r.start_pfn << PAGE_SHIFT) / SECTION_BYTES;
    const std::uint64_t last = ((r.end_pfn << PAGE_SHIFT) - 1) / SECTION_BYTES;
    if (any) first = std::max(first, next_sec);
    if (first > last) continue;
    if (runs.empty() || runs.back().first != r.nid) runs.emplace_back(r.nid, 0);
    runs.back().second += last - first + 1;
    next_sec = last + 1;
    any = true;
  }
  const phys_addr_t min_addr = SZ_16M;  // __pa(MAX_DMA_ADDRESS)
  st.events.reserve(st.events.size() + runs.size());
  std::uint64_t sections_after = 0;  // present sections of the runs after this one
  for (const auto& run : runs) sections_after += run.second;
  for (const auto& [nid, count] : runs) {
    sections_after -= count;
    const std::uint64_t size = count * SECTION_MAP_BYTES;
    const phys_addr_t buf =
        st.mb.alloc_exact_nid_raw(size, SECTION_MAP_BYTES, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
    if (buf) {
      boot_record(st, Owner::Memmap, {buf, buf + size}, memmap_node_note(nid));
      continue;
    }
    // vmemmap_alloc_block: one section at a time, any node, goal 16M.
    const EventNote note = memmap_per_section_note(nid);
    // Up to one event per section. The nodes after this one usually fall
    // back too (hot-pluggable nodes sit at the top): make room for them now
    // rather than move every event once per node, but for at most 64 Ki more
    // events (reserving for every present section of a 1 PiB machine up
    // front would be ~0.5 GB).
    const std::size_t need = st.events.size() + count;
    if (st.events.capacity() < need) {
      const std::size_t ahead = static_cast<std::size_t>(std::min<std::uint64_t>(sections_after, 1u << 16));
      st.events.reserve(std::max(need + ahead, 2 * st.events.capacity()));
    }
    for (std::uint64_t i = 0; i < count;) {
      const phys_addr_t b = st.mb.alloc_try_nid_raw(SECTION_MAP_BYTES, SECTION_MAP_BYTES, min_addr,
                                                    MEMBLOCK_ALLOC_ACCESSIBLE, nid);
      if (!b) {
        st.log.push_back("sparse_init: node " + std::to_string(nid) + " memmap allocation failed");
        break;
      }
      boot_record(st, Owner::Memmap, {b, b + SECTION_MAP_BYTES}, note);
      ++i;
      // Fast: the next calls would take the free blocks right below b one by
      // one (same region, so the same pass of the nid/mirror fallbacks finds
      // them first); reserve them at once. PerPage keeps the literal calls.
      if (st.options.walk != WalkMode::Fast || i == count || st.mb.bottom_up ||
          st.mb.reserved.cnt() >= st.mb.reserved.max)
        continue;
      const std::uint64_t k = std::min(count - i, blocks_free_below(st.mb, b, min_addr));
      if (!k) continue;
      const PhysRange bulk{b - k * SECTION_MAP_BYTES, b};
      MB_CHECK(st.mb.reserve(bulk.start, bulk.size()) == 0, "bulk memmap reservation failed");
      // The node of each block: only the SRAT ranges meeting the bulk can hold
      // it, and the first of them (in table order) that does is its node.
      std::vector<SratTruthRange> meeting;
      for (const SratTruthRange& t : st.truth)
        if (t.range.intersects(bulk)) meeting.push_back(t);
      // One SRAT range holding the whole bulk (the usual case): every block
      // has its node, no lookup per block.
      const bool one_node = meeting.size() == 1 && meeting[0].range.start <= bulk.start &&
                            bulk.end <= meeting[0].range.end;
      const int bulk_nid = meeting.empty() ? NUMA_NO_NODE : meeting[0].nid;
      // k copies of one event, then each block's range (and node) filled in.
      const std::size_t first = st.events.size();
      st.events.insert(st.events.end(), k,
                       AllocEvent(Owner::Memmap, st.phase, PhysRange{}, bulk_nid, note));
      AllocEvent* e = st.events.data() + first;
      for (std::uint64_t j = 1; j <= k; ++j, ++e) {
        const phys_addr_t c = b - j * SECTION_MAP_BYTES;
        e->range = PhysRange{c, c + SECTION_MAP_BYTES};
        if (!one_node) e->nid = truth_node_of(meeting, c);
      }
      i += k;
    }
  }
  st.notes.push_back("sparse_init: vmemmap page-table pages are not modelled");
  return Ok{};
}

}  // namespace mbv
