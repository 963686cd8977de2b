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
  m.segs_.reserve(regions.size());
  for (const auto& r : regions) {
    if (r.size == 0) continue;  // the dummy (I5) covers nothing
    push_normal(m.segs_, Seg{r.base, r.base + r.size, Attr{r.nid, r.flags}});
  }
  return m;
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

bool IntervalMap::intersects(phys_addr_t start, phys_addr_t end) const {
  for (const auto& s : segs_)
    if (s.start < end && start < s.end) return true;
  return false;
}

std::vector<PhysRange> IntervalMap::gaps_in(phys_addr_t start, phys_addr_t end) const {
  std::vector<PhysRange> gaps;
  phys_addr_t cur = start;
  for (const auto& s : segs_) {
    if (cur >= end) break;
    if (s.end <= cur) continue;
    if (s.start >= end) break;
    if (s.start > cur) gaps.push_back({cur, s.start});
    cur = std::max(cur, s.end);
  }
  if (cur < end) gaps.push_back({cur, end});
  return gaps;
}

void IntervalMap::update(phys_addr_t start, phys_addr_t end,
                         const std::function<std::optional<Attr>(std::optional<Attr>)>& f) {
  if (start >= end) return;
  std::vector<Seg> out;
  out.reserve(segs_.size() + 4);
  auto emit = [&](phys_addr_t a, phys_addr_t b, std::optional<Attr> v) {
    if (v) push_normal(out, Seg{a, b, *v});
  };
  phys_addr_t cur = start;  // next address of [start, end) not yet rewritten
  for (const auto& s : segs_) {
    if (s.end <= start || s.start >= end) {
      if (s.start >= end && cur < end) {  // trailing gap inside the window
        emit(cur, end, f(std::nullopt));
        cur = end;
      }
      push_normal(out, s);
      continue;
    }
    if (s.start < start) push_normal(out, Seg{s.start, start, s.attr});
    const phys_addr_t a = std::max(s.start, start);
    const phys_addr_t b = std::min(s.end, end);
    if (a > cur) emit(cur, a, f(std::nullopt));
    emit(a, b, f(s.attr));
    cur = b;
    if (s.end > end) push_normal(out, Seg{end, s.end, s.attr});
  }
  if (cur < end) emit(cur, end, f(std::nullopt));
  std::sort(out.begin(), out.end(), [](const Seg& x, const Seg& y) { return x.start < y.start; });
  segs_.clear();
  for (const auto& s : out) push_normal(segs_, s);
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
