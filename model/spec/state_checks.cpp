#include "model/spec/state_checks.h"

#include <algorithm>

#include "model/spec/meaning.h"
#include "model/spec/spec_state.h"

namespace mbv::spec {

namespace {

std::string rgn(const MemblockType& t, std::size_t i) {
  const auto& r = t.regions[i];
  return t.name + "[" + std::to_string(i) + "] " + fmt_hex(r.base) + "+" + fmt_hex(r.size) + " nid " +
         std::to_string(r.nid) + " flags " + fmt_hex(r.flags);
}

std::string show_ranges(const std::vector<MemRange>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size() && i < 6; ++i)
    s += (i ? ", " : "") + fmt_hex(v[i].start) + "-" + fmt_hex(v[i].end) + "/n" + std::to_string(v[i].nid);
  if (v.size() > 6) s += ", ... (" + std::to_string(v.size()) + " ranges)";
  return s + "}";
}

std::string show_pfns(const std::vector<PfnRange>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size() && i < 6; ++i)
    s += (i ? ", " : "") + fmt_hex(v[i].start_pfn) + "-" + fmt_hex(v[i].end_pfn) + "/n" +
         std::to_string(v[i].nid);
  if (v.size() > 6) s += ", ... (" + std::to_string(v.size()) + " ranges)";
  return s + "}";
}

bool is_real(const MemblockType& t) { return !(t.regions.size() == 1 && t.regions[0].size == 0); }

}  // namespace

Check check_sorted(const MemblockType& t) {
  for (std::size_t i = 0; i + 1 < t.regions.size(); ++i)
    if (!(t.regions[i].base < t.regions[i + 1].base))
      return violation("I1 sorted", rgn(t, i) + " is not below " + rgn(t, i + 1));
  return std::nullopt;
}

Check check_disjoint(const MemblockType& t) {
  for (std::size_t i = 0; i + 1 < t.regions.size(); ++i)
    if (t.regions[i].end() > t.regions[i + 1].base)
      return violation("I2 disjoint", rgn(t, i) + " overlaps " + rgn(t, i + 1));
  return std::nullopt;
}

Check check_maximal(const MemblockType& t) {
  for (std::size_t i = 0; i + 1 < t.regions.size(); ++i) {
    const auto& a = t.regions[i];
    const auto& b = t.regions[i + 1];
    if (a.size && b.size && a.end() == b.base && a.nid == b.nid && a.flags == b.flags)
      return violation("I3 maximal", rgn(t, i) + " touches " + rgn(t, i + 1) +
                                         " with the same nid and flags but was not merged");
  }
  return std::nullopt;
}

Check check_positive_sizes(const MemblockType& t) {
  if (!is_real(t)) return std::nullopt;
  for (std::size_t i = 0; i < t.regions.size(); ++i)
    if (t.regions[i].size == 0) return violation("I4 positive sizes", rgn(t, i) + " has size 0");
  return std::nullopt;
}

Check check_dummy(const MemblockType& t) {
  if (t.regions.empty()) return violation("I5 dummy when empty", t.name + " has cnt 0");
  if (is_real(t)) return std::nullopt;
  const auto& d = t.regions[0];
  if (d.base != 0 || d.flags != 0 || (d.nid != 0 && d.nid != MAX_NUMNODES))
    return violation("I5 dummy when empty", "empty " + t.name + " holds " + rgn(t, 0) +
                                                " instead of {0, 0, flags 0, nid 0|MAX_NUMNODES}");
  return std::nullopt;
}

Check check_total_size(const MemblockType& t) {
  phys_addr_t sum = 0;
  for (const auto& r : t.regions) sum += r.size;
  if (sum != t.total_size)
    return violation("I6 total_size", t.name + ".total_size " + fmt_hex(t.total_size) +
                                          " but the regions sum to " + fmt_hex(sum));
  return std::nullopt;
}

Check check_capacity(const MemblockType& t) {
  if (t.regions.empty() || t.regions.size() > t.max)
    return violation("I7 capacity", t.name + " cnt " + std::to_string(t.regions.size()) +
                                        " outside [1, max " + std::to_string(t.max) + "]");
  // max only ever doubles from the static array; array_phys is 0 exactly while
  // the static array is in use (map 1.3).
  if (t.init_max < 1 || t.init_max > MAX_INIT_MEMBLOCK_REGIONS)
    return violation("I7 capacity", t.name + " static array size " + std::to_string(t.init_max) +
                                        " outside [1, " + std::to_string(MAX_INIT_MEMBLOCK_REGIONS) + "]");
  std::size_t m = t.init_max;
  while (m < t.max) m <<= 1;
  if (m != t.max)
    return violation("I7 capacity", t.name + ".max " + std::to_string(t.max) + " is not the static size " +
                                        std::to_string(t.init_max) + " times a power of two");
  if ((t.max == t.init_max) != (t.array_phys == 0))
    return violation("I7 capacity", t.name + ".max " + std::to_string(t.max) + " with array_phys " +
                                        fmt_hex(t.array_phys) + ": a doubled array must have an address");
  return std::nullopt;
}

Check check_top_address(const MemblockType& t) {
  for (std::size_t i = 0; i < t.regions.size(); ++i)
    if (t.regions[i].size > PHYS_ADDR_MAX - t.regions[i].base)
      return violation("I8 top address", rgn(t, i) + " reaches past PHYS_ADDR_MAX - 1");
  return std::nullopt;
}

Check check_type_shape(const MemblockType& t, bool is_memory, const StateExceptions& ex) {
  if (auto v = check_capacity(t)) return v;
  if (auto v = check_dummy(t)) return v;
  if (auto v = check_top_address(t)) return v;
  if (auto v = check_positive_sizes(t)) return v;
  if (auto v = check_sorted(t)) return v;
  if (auto v = check_disjoint(t)) return v;
  if (!(is_memory && ex.memory_may_be_unmerged))
    if (auto v = check_maximal(t)) return v;
  if (!(is_memory && ex.memory_total_may_be_stale))
    if (auto v = check_total_size(t)) return v;
  return std::nullopt;
}

namespace {

// One free walk judged law by law, naming the first law it breaks (the slow
// path: it runs only once the fast comparison below has seen a mismatch).
Check explain_free_walk(const Memblock& mb, const SpecState& s, int nid, std::uint32_t flags,
                        std::size_t bound) {
  const std::string call = "(nid " + std::to_string(nid) + ", flags " + fmt_hex(flags) + ")";
  const auto fwd = mb.free_mem_ranges(nid, flags);
  auto rev = mb.free_mem_ranges_reverse(nid, flags);
  if (fwd.size() > bound)
    return violation("iterators: terminate", "for_each_free_mem_range" + call + " gave " +
                                                 std::to_string(fwd.size()) +
                                                 " ranges, more than cnt bound " + std::to_string(bound));
  for (std::size_t i = 0; i < fwd.size(); ++i) {
    if (fwd[i].start > fwd[i].end)
      return violation("iterators: well-formed",
                       "for_each_free_mem_range" + call + " gave " + show_ranges(fwd));
    if (i && fwd[i - 1].end > fwd[i].start)
      return violation("iterators: disjoint and monotone",
                       "for_each_free_mem_range" + call + " gave " + show_ranges(fwd));
  }
  std::reverse(rev.begin(), rev.end());
  if (rev != fwd)
    return violation("iterators: reverse = reversed forward",
                     "for_each_free_mem_range" + call + " gave " + show_ranges(fwd) +
                         " but the reverse walk, reversed, gave " + show_ranges(rev));
  std::vector<MemRange> want;
  const int want_nid = nid == MAX_NUMNODES ? NUMA_NO_NODE : nid;
  for (const auto& fr : free_ranges(s, want_nid, flags))
    want.push_back({fr.start, fr.end, s.meaning.memory.at(fr.start)->nid});
  if (fwd != want)
    return violation("iterators: free = memory - reserved",
                     "for_each_free_mem_range" + call + " gave " + show_ranges(fwd) +
                         " but memory minus reserved (skip rules applied) is " + show_ranges(want));
  return std::nullopt;
}

// The fast path of one free walk: forward equals the meaning's free pieces
// that pass the skip rules (which implies bounded, well-formed, disjoint and
// ascending, each also checked on the fly), reverse equals forward backwards.
// One list of pieces serves every walk; fwd and rev are scratch buffers whose
// storage is reused from walk to walk. False on the first mismatch.
bool free_walk_matches(const Memblock& mb, const SpecState& s, const std::vector<FreePiece>& pieces, int nid,
                       std::uint32_t flags, std::size_t bound, std::vector<MemRange>& fwd,
                       std::vector<MemRange>& rev) {
  const int want_nid = nid == MAX_NUMNODES ? NUMA_NO_NODE : nid;
  mb.walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, nid, flags, false, fwd);
  if (fwd.size() > bound) return false;
  std::size_t k = 0;
  for (const FreePiece& p : pieces) {
    if (skip_memory(p.region, want_nid, flags, s.config.movable_node)) continue;
    if (k == fwd.size()) return false;
    const MemRange& f = fwd[k];
    if (f.start > f.end || (k && fwd[k - 1].end > f.start)) return false;
    if (!(f == MemRange{p.start, p.end, p.region.nid})) return false;
    ++k;
  }
  if (k != fwd.size()) return false;
  mb.walk_mem_ranges(MemblockTypeId::Memory, MemblockTypeId::Reserved, nid, flags, true, rev);
  if (rev.size() != fwd.size()) return false;
  for (std::size_t i = 0; i < rev.size(); ++i)
    if (!(rev[i] == fwd[fwd.size() - 1 - i])) return false;
  return true;
}

}  // namespace

Check check_iterators(const Memblock& mb) { return check_iterators(mb, SpecState::of(mb)); }

Check check_iterators(const Memblock& mb, const SpecState& s) {
  const auto regions = s.memory_regions();
  const std::size_t bound = mb.memory.cnt() + mb.reserved.cnt() + 1;

  // (nid, flags) pairs to walk: every flag filter for "any node", and the
  // node filter for the first real node and for MAX_NUMNODES (treated as any).
  // Kept to a handful so a check stays linear in the number of regions.
  std::pair<int, std::uint32_t> walks[6];
  std::size_t n_walks = 0;
  for (std::uint32_t f : {MEMBLOCK_NONE, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, MEMBLOCK_HOTPLUG})
    walks[n_walks++] = {NUMA_NO_NODE, f};
  walks[n_walks++] = {MAX_NUMNODES, MEMBLOCK_NONE};
  // The pfn walks: MAX_NUMNODES (all nodes) and the first real node, in
  // ascending order of nid.
  int pfn_nids[2] = {MAX_NUMNODES, MAX_NUMNODES};
  std::size_t n_pfn = 1;
  for (const auto& r : regions)
    if (r.nid != MAX_NUMNODES && r.nid != NUMA_NO_NODE) {
      walks[n_walks++] = {r.nid, MEMBLOCK_NONE};
      pfn_nids[0] = std::min(r.nid, MAX_NUMNODES);
      pfn_nids[1] = std::max(r.nid, MAX_NUMNODES);
      n_pfn = 2;
      break;
    }

  // Scratch buffers shared by all free walks of this check (the free walks
  // of for_each_free_mem_range(_reverse), which wrap walk_mem_ranges).
  std::vector<MemRange> fwd, rev;
  const std::vector<FreePiece> pieces = free_pieces(s, regions);
  for (std::size_t w = 0; w < n_walks; ++w) {
    const auto [nid, flags] = walks[w];
    if (free_walk_matches(mb, s, pieces, nid, flags, bound, fwd, rev)) continue;
    if (auto v = explain_free_walk(mb, s, nid, flags, bound)) return v;
    return violation("iterators: free = memory - reserved",
                     "for_each_free_mem_range(nid " + std::to_string(nid) + ", flags " + fmt_hex(flags) +
                         ") differs from memory minus reserved");
  }

  // for_each_mem_range: memory with HOTPLUG|DRIVER_MANAGED, so NOMAP is left out;
  // an empty type reports its dummy [0, 0) (map 3.2).
  std::vector<MemRange>& want = rev;  // reused: the free walks are done
  want.clear();
  for (const auto& r : regions)
    if (!(r.flags & MEMBLOCK_NOMAP)) want.push_back({r.base, r.end(), r.nid});
  if (regions.empty()) want.push_back({0, 0, mb.memory.regions[0].nid});
  if (auto got = mb.mem_ranges(); got != want)
    return violation("iterators: for_each_mem_range = non-NOMAP memory",
                     "got " + show_ranges(got) + ", meaning says " + show_ranges(want));

  want.clear();
  for (const auto& sg : s.meaning.reserved.segs()) want.push_back({sg.start, sg.end, sg.attr.nid});
  if (want.empty()) want.push_back({0, 0, mb.reserved.regions[0].nid});
  if (auto got = mb.reserved_mem_ranges(); got != want)
    return violation("iterators: for_each_reserved_mem_range = reserved",
                     "got " + show_ranges(got) + ", meaning says " + show_ranges(want));

  std::vector<PfnRange> got_pfn, want_pfn;
  for (std::size_t k = 0; k < n_pfn; ++k) {
    const int nid = pfn_nids[k];
    want_pfn.clear();
    for (const auto& r : regions) {
      const auto sp = pfn_up(r.base), ep = pfn_down(r.end());
      if (sp >= ep) continue;
      if (nid == MAX_NUMNODES || r.nid == nid) want_pfn.push_back({sp, ep, r.nid});
    }
    mb.mem_pfn_ranges(nid, got_pfn);
    if (got_pfn != want_pfn)
      return violation("iterators: for_each_mem_pfn_range = whole pages of memory",
                       "nid " + std::to_string(nid) + " got " + show_pfns(got_pfn) + ", meaning says " +
                           show_pfns(want_pfn));
  }
  return std::nullopt;
}

std::optional<std::string> trim_wrap_gap(const Memblock& mb) {
  const auto& rs = mb.memory.regions;
  for (std::size_t i = 1; i < rs.size(); ++i)
    if (rs[i].base == 0 && rs[i].size)
      return "memory[" + std::to_string(i) + "] is " + fmt_range(0, rs[i].end()) +
             " out of order: memblock_trim_memory rounded a base near PHYS_ADDR_MAX up past it to 0 "
             "(kernel gap 1, docs/spec.md); the state is outside the spec";
  return std::nullopt;
}

Check check_state(const Memblock& mb, const StateExceptions& ex, std::string* gap_note) {
  auto v = check_type_shape(mb.memory, true, ex);
  if (!v) v = check_type_shape(mb.reserved, false, ex);
  if (v) {
    if (auto gap = trim_wrap_gap(mb)) {
      if (gap_note) {
        *gap_note = *gap;
        return std::nullopt;
      }
      return violation("kernel gap 1: memblock_trim_memory wrapped", *gap + " (" + v->to_string() + ")");
    }
    return v;
  }
  return check_iterators(mb);
}

}  // namespace mbv::spec
