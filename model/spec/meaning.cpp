#include "model/spec/meaning.h"

#include <algorithm>
#include <cstdio>

namespace mbv::spec {

namespace {
// Appends seg, merging it into the previous one when they touch with equal Attr.
void push_normal(std::vector<Seg>& out, const Seg& s) {
  if (s.start >= s.end) return;
  if (!out.empty() && out.back().end == s.start && out.back().attr == s.attr) {
    out.back().end = s.end;
    return;
  }
  out.push_back(s);
}
}  // namespace

IntervalMap IntervalMap::of_regions(const std::vector<MemblockRegion>& regions) {
  IntervalMap m;
  m.assign_regions(regions);
  return m;
}

void IntervalMap::assign_regions(const std::vector<MemblockRegion>& regions) {
  segs_.clear();
  segs_.reserve(regions.size());
  for (const auto& r : regions) {
    // The dummy (I5) covers nothing; a region wrapping past 2^64 (I8
    // broken) is left out, as push_normal leaves out empty runs.
    if (r.base + r.size <= r.base) continue;
    const Seg s{r.base, r.base + r.size, Attr{r.nid, r.flags}};
    // push_normal, inline: merge into the previous run when touching with equal Attr.
    if (!segs_.empty() && segs_.back().end == s.start && segs_.back().attr == s.attr)
      segs_.back().end = s.end;
    else
      segs_.push_back(s);
  }
}

std::optional<Attr> IntervalMap::at(phys_addr_t addr) const {
  auto s = run_at(addr);
  if (!s) return std::nullopt;
  return s->attr;
}

std::optional<Seg> IntervalMap::run_at(phys_addr_t addr) const {
  // First segment whose end is above addr.
  auto it = std::upper_bound(segs_.begin(), segs_.end(), addr,
                             [](phys_addr_t a, const Seg& s) { return a < s.end; });
  if (it == segs_.end() || it->start > addr) return std::nullopt;
  return *it;
}

std::uint64_t IntervalMap::covered_bytes() const {
  std::uint64_t n = 0;
  for (const auto& s : segs_) n += s.end - s.start;
  return n;
}

bool IntervalMap::covers(phys_addr_t start, phys_addr_t end) const {
  return start >= end || gaps_in(start, end).empty();
}

namespace {
// Index of the first segment ending above addr (segments are sorted and disjoint).
std::size_t first_ending_above(const std::vector<Seg>& segs, phys_addr_t addr) {
  return static_cast<std::size_t>(
      std::upper_bound(segs.begin(), segs.end(), addr, [](phys_addr_t a, const Seg& s) { return a < s.end; }) -
      segs.begin());
}
}  // namespace

bool IntervalMap::intersects(phys_addr_t start, phys_addr_t end) const {
  // Some segment s has s.start < end and start < s.end: of the segments
  // ending above start, the first has the lowest start (also for start >= end).
  const std::size_t i = first_ending_above(segs_, start);
  return i < segs_.size() && segs_[i].start < end;
}

std::vector<PhysRange> IntervalMap::gaps_in(phys_addr_t start, phys_addr_t end) const {
  std::vector<PhysRange> gaps;
  phys_addr_t cur = start;
  // Segments ending at or below start cannot matter: start the scan past them.
  for (std::size_t i = first_ending_above(segs_, start); i < segs_.size(); ++i) {
    const Seg& s = segs_[i];
    if (cur >= end || s.start >= end) break;
    if (s.start > cur) gaps.push_back({cur, s.start});
    cur = std::max(cur, s.end);
  }
  if (cur < end) gaps.push_back({cur, end});
  return gaps;
}

// Only the segments meeting [start, end) change, plus a merge with the
// segment on either side; the rest of the (normal) map is kept as it is and
// the new middle is spliced in. Equivalent to rewriting the whole map and
// re-normalising (tests/spec: IntervalMap.update_splice_equals_rebuild).
void IntervalMap::update(phys_addr_t start, phys_addr_t end,
                         const std::function<std::optional<Attr>(std::optional<Attr>)>& f) {
  if (start >= end) return;
  const std::size_t lo = first_ending_above(segs_, start);  // first segment meeting the window
  std::size_t hi = lo;                                      // first segment at or past end
  while (hi < segs_.size() && segs_[hi].start < end) ++hi;
  // The untouched neighbours join the rebuilt middle so touching runs with
  // equal Attr merge across the window's edges.
  const std::size_t a = lo > 0 ? lo - 1 : lo;
  const std::size_t b = hi < segs_.size() ? hi + 1 : hi;
  std::vector<Seg> mid;
  mid.reserve(hi - lo + 4);
  if (a < lo) mid.push_back(segs_[a]);
  auto emit = [&](phys_addr_t x, phys_addr_t y, std::optional<Attr> v) {
    if (v) push_normal(mid, Seg{x, y, *v});
  };
  phys_addr_t cur = start;  // next address of [start, end) not yet rewritten
  for (std::size_t i = lo; i < hi; ++i) {
    const Seg& s = segs_[i];
    if (s.start < start) push_normal(mid, Seg{s.start, start, s.attr});
    const phys_addr_t x = std::max(s.start, start);
    const phys_addr_t y = std::min(s.end, end);
    if (x > cur) emit(cur, x, f(std::nullopt));
    emit(x, y, f(s.attr));
    cur = y;
    if (s.end > end) push_normal(mid, Seg{end, s.end, s.attr});
  }
  if (cur < end) emit(cur, end, f(std::nullopt));
  if (hi < b) push_normal(mid, segs_[hi]);
  // Replace segs_[a, b) by mid.
  const auto first = segs_.begin() + static_cast<std::ptrdiff_t>(a);
  const std::size_t old_n = b - a;
  if (mid.size() <= old_n) {
    std::copy(mid.begin(), mid.end(), first);
    segs_.erase(first + static_cast<std::ptrdiff_t>(mid.size()), first + static_cast<std::ptrdiff_t>(old_n));
  } else {
    std::copy(mid.begin(), mid.begin() + static_cast<std::ptrdiff_t>(old_n), first);
    segs_.insert(segs_.begin() + static_cast<std::ptrdiff_t>(b), mid.begin() + static_cast<std::ptrdiff_t>(old_n),
                 mid.end());
  }
}

void IntervalMap::fill(phys_addr_t start, phys_addr_t end, Attr attr) {
  update(start, end, [&](std::optional<Attr> cur) { return cur ? cur : std::optional(attr); });
}

void IntervalMap::erase(phys_addr_t start, phys_addr_t end) {
  update(start, end, [](std::optional<Attr>) { return std::optional<Attr>(); });
}

Meaning Meaning::of(const Memblock& mb) {
  return Meaning{IntervalMap::of_regions(mb.memory.regions), IntervalMap::of_regions(mb.reserved.regions)};
}

std::string fmt_hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string fmt_range(phys_addr_t start, phys_addr_t end) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[mem 0x%016llx-0x%016llx]", static_cast<unsigned long long>(start),
                static_cast<unsigned long long>(end - 1));
  return buf;
}

std::string fmt_attr(const Attr& a) { return "nid " + std::to_string(a.nid) + " flags " + fmt_hex(a.flags); }

std::optional<std::string> first_difference(const IntervalMap& expected, const IntervalMap& actual) {
  if (expected == actual) return std::nullopt;
  // Walk all boundary points of both maps; the first elementary interval whose
  // value differs is the answer.
  std::vector<phys_addr_t> pts;
  for (const auto* m : {&expected, &actual})
    for (const auto& s : m->segs()) {
      pts.push_back(s.start);
      pts.push_back(s.end);
    }
  std::sort(pts.begin(), pts.end());
  pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
  auto show = [](const std::optional<Attr>& a) {
    return a ? "covered (" + fmt_attr(*a) + ")" : std::string("uncovered");
  };
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    auto e = expected.at(pts[i]);
    auto a = actual.at(pts[i]);
    if (e != a) return fmt_range(pts[i], pts[i + 1]) + " should be " + show(e) + " but is " + show(a);
  }
  return "maps differ in segmentation only (not in normal form)";
}

}  // namespace mbv::spec
