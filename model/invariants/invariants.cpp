// The boot invariants (boot-memory-path.md section 11) over a BootState.
#include "model/invariants/invariants.h"

#include <algorithm>
#include <cstring>

#include "impl/common/result.h"
#include "impl/numa/kprint.h"
#include "impl/pgtable/checks.h"

namespace mbv {

std::string_view invariant_verdict_name(InvariantVerdict v) {
  switch (v) {
    case InvariantVerdict::Holds: return "holds";
    case InvariantVerdict::Finding: return "FINDING";
    case InvariantVerdict::Failure: return "FAILURE";
    case InvariantVerdict::NotApplicable: return "n/a";
  }
  return "?";
}

namespace {

std::uint64_t overlap(const PhysRange& a, const PhysRange& b) {
  if (!a.intersects(b)) return 0;
  return std::min(a.end, b.end) - std::max(a.start, b.start);
}

std::string mem(const PhysRange& r) { return kmem_range(r.start, r.end); }

bool movable_node_with_hotplug(const BootState& st) {
  if (!st.cmdline.movable_node) return false;
  return std::any_of(st.truth.begin(), st.truth.end(),
                     [](const SratTruthRange& t) { return t.hotpluggable; });
}

// SRAT ranges in address order (stable: equal starts keep SRAT order), sorted
// once per check rather than once per event.
std::vector<const SratTruthRange*> truth_by_start(const BootState& st) {
  std::vector<const SratTruthRange*> out;
  out.reserve(st.truth.size());
  for (const SratTruthRange& t : st.truth) out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const SratTruthRange* a, const SratTruthRange* b) {
    return a->range.start < b->range.start;
  });
  return out;
}

// Node kinds an event touches, in address order: "immovable", "hotplug", "none".
std::string node_kinds(const std::vector<const SratTruthRange*>& sorted, const PhysRange& r) {
  std::string out;
  const char* last = nullptr;
  bool first = true;
  for (const SratTruthRange* t : sorted) {
    if (!t->range.intersects(r)) continue;
    if (first) {
      first = false;
      if (t->range.start > r.start) last = "none", out = "none";
    }
    const char* k = t->hotpluggable ? "hotplug" : "immovable";
    if (last && std::string_view(k) == last) continue;
    if (!out.empty()) out += "->";
    out += k;
    last = k;
  }
  if (first) out = "none";
  return out;
}

// Whether `text` contains `word`: memchr to each candidate first character,
// then a plain comparison. Not string_view::find: in libFuzzer builds its
// memcmp goes through the fuzzer's interceptor and value profile, and this
// runs once per page-table event (thousands on some machines).
bool contains(std::string_view text, std::string_view word) {
  if (word.empty()) return true;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (static_cast<std::size_t>(end - p) >= word.size()) {
    p = static_cast<const char*>(std::memchr(p, word[0], static_cast<std::size_t>(end - p) - word.size() + 1));
    if (!p) return false;
    std::size_t k = 1;
    while (k < word.size() && p[k] == word[k]) ++k;
    if (k == word.size()) return true;
    ++p;
  }
  return false;
}

// Allocations the boot allocator placed (as opposed to fixed firmware or
// image ranges): a policy that claims hotplug safety answers for these.
bool allocator_placed(const AllocEvent& e) {
  switch (e.owner) {
    case Owner::DirectMapPageTable:
      return !contains(e.note(), "from brk");
    case Owner::NodeData:
    case Owner::CrashKernel:
    case Owner::MemblockArray:
    case Owner::LogBuf:
    case Owner::DistanceTable:
    case Owner::Memmap:
      return true;
    default:
      return false;
  }
}

// A run of consecutive non-empty events (st.events[idx], ... [idx + count - 1])
// of one owner and placement whose ranges follow each other without gap,
// rising or falling: with movable_node, sparse_init's per-section memmap
// fallback records one 2 MiB event per section, thousands in a row. The
// members are disjoint and cover [start, end) exactly, so a check can judge
// the run as one range wherever that provably gives each member's answer,
// and looks at the members only where it does not.
struct SortedEvent {
  phys_addr_t start, end;  // the members' union
  std::uint32_t idx;       // the first member in st.events
  std::uint32_t count;
  Owner owner;
  bool placed;  // allocator_placed
};

// What every check asks of the events, computed once per report.
struct EventFacts {
  std::vector<SortedEvent> by_start;  // the runs by start, equal starts in event order
  std::vector<phys_addr_t> max_end;   // max_end[k]: the highest end among by_start[0..k]
};

// The members of a run in event order, as (index, range).
template <typename Fn>
void for_each_member(const BootState& st, const SortedEvent& run, Fn&& fn) {
  for (std::uint32_t i = run.idx; i < run.idx + run.count; ++i) fn(i, st.events[i].range);
}

// Stable sort by start that takes the events' natural runs (boots record long
// runs of top-down or bottom-up allocations, e.g. one memmap section each)
// and merges them: about n log(runs) instead of n log n.
void sort_by_start(std::vector<SortedEvent>& v) {
  const auto less = [](const SortedEvent& a, const SortedEvent& b) { return a.start < b.start; };
  std::vector<std::size_t> bounds{0};
  std::size_t i = 0;
  while (i < v.size()) {
    std::size_t j = i + 1;
    if (j < v.size() && v[j].start < v[i].start) {
      // Strictly falling: reversed, it rises with no equal starts to reorder.
      while (j < v.size() && v[j].start < v[j - 1].start) ++j;
      std::reverse(v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(j));
    } else {
      while (j < v.size() && v[j].start >= v[j - 1].start) ++j;
    }
    bounds.push_back(j);
    i = j;
  }
  // Merge neighbouring runs pairwise; inplace_merge keeps the left run's
  // elements first among equal starts, so the whole sort is stable. (Its
  // buffer holds only the shorter run: a few small runs next to one long
  // run, the usual boot, copy little.)
  while (bounds.size() > 2) {
    std::vector<std::size_t> next{0};
    for (std::size_t k = 0; k + 2 < bounds.size(); k += 2) {
      std::inplace_merge(v.begin() + static_cast<std::ptrdiff_t>(bounds[k]),
                         v.begin() + static_cast<std::ptrdiff_t>(bounds[k + 1]),
                         v.begin() + static_cast<std::ptrdiff_t>(bounds[k + 2]), less);
      next.push_back(bounds[k + 2]);
    }
    if (bounds.size() % 2 == 0) next.push_back(bounds.back());
    bounds = std::move(next);
  }
}

EventFacts event_facts(const BootState& st) {
  MB_CHECK(st.events.size() < (std::size_t{1} << 32), "event index fits 32 bits");
  EventFacts f;
  int dir = 0;  // of the last run: 0 one member so far, +1 rising, -1 falling
  bool prev_in_run = false;  // st.events[i - 1] ends the last run
  for (std::size_t i = 0; i < st.events.size(); ++i) {
    const AllocEvent& e = st.events[i];
    if (e.range.empty()) {
      prev_in_run = false;
      continue;
    }
    const bool placed = allocator_placed(e);
    if (prev_in_run) {
      SortedEvent& run = f.by_start.back();
      if (run.owner == e.owner && run.placed == placed) {
        if (dir >= 0 && e.range.start == run.end) {
          run.end = e.range.end, ++run.count, dir = 1;
          continue;
        }
        if (dir <= 0 && e.range.end == run.start) {
          run.start = e.range.start, ++run.count, dir = -1;
          continue;
        }
      }
    }
    f.by_start.push_back({e.range.start, e.range.end, static_cast<std::uint32_t>(i), 1, e.owner, placed});
    dir = 0;
    prev_in_run = true;
  }
  sort_by_start(f.by_start);
  f.max_end.reserve(f.by_start.size());
  phys_addr_t m = 0;
  for (const SortedEvent& e : f.by_start) f.max_end.push_back(m = std::max(m, e.end));
  return f;
}

// The lowest event index among the non-empty events intersecting `s`
// (s non-empty), or `best` if lower: the runs starting below s.end, walked
// down from the highest start while some of them still ends above s.start.
// A run meeting s has a member meeting it (its members cover it); the first
// such member in event order is the run's answer.
std::size_t first_event_in(const BootState& st, const EventFacts& f, const PhysRange& s, std::size_t best) {
  auto it = std::lower_bound(f.by_start.begin(), f.by_start.end(), s.end,
                             [](const SortedEvent& e, phys_addr_t a) { return e.start < a; });
  for (std::size_t k = static_cast<std::size_t>(it - f.by_start.begin()); k-- > 0;) {
    if (f.max_end[k] <= s.start) break;
    const SortedEvent& run = f.by_start[k];
    if (run.end <= s.start || run.idx >= best) continue;
    for (std::uint32_t i = run.idx; i < run.idx + run.count && i < best; ++i)
      if (st.events[i].range.intersects(s)) {
        best = i;
        break;
      }
  }
  return best;
}

// Whether first_event_in answers "bytes_in(set, e) != 0" exactly: every member
// non-empty (so a positive overlap is an intersection) and the members' sizes
// summing without wrapping (so a sum of overlaps is zero only when each is).
bool plain_set(const std::vector<PhysRange>& set) {
  std::uint64_t total = 0;
  for (const PhysRange& s : set) {
    if (s.empty() || total + s.size() < total) return false;
    total += s.size();
  }
  return true;
}

InvariantVerdict verdict_of(const InvariantResult& r) {
  if (r.violations.empty()) return InvariantVerdict::Holds;
  for (const Violation& v : r.violations)
    if (v.guaranteed) return InvariantVerdict::Failure;
  return InvariantVerdict::Finding;
}

// Memory regions of a memblock as ranges (dummy excluded).
std::vector<PhysRange> memory_of(const Memblock& mb, int nid = NUMA_NO_NODE) {
  std::vector<PhysRange> out;
  for (const MemblockRegion& r : mb.memory.regions)
    if (r.size && (nid == NUMA_NO_NODE || r.nid == nid)) out.push_back({r.base, r.end()});
  return out;
}

std::uint64_t bytes_in(const std::vector<PhysRange>& set, const PhysRange& r) {
  std::uint64_t n = 0;
  for (const PhysRange& s : set) n += overlap(s, r);
  return n;
}

}  // namespace

namespace {

// 11.2.3: with movable_node, no boot allocation in SRAT-hotpluggable memory,
// judged against SRAT itself, so pre-SRAT events count too.
InvariantResult hotplug_safety(const BootState& st, const EventFacts& f, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "hotplug-safety";
  r.statement =
      "with movable_node, no unmovable boot allocation intersects memory SRAT declares hot-pluggable";
  r.guaranteed = st.policy.claims_hotplug_safety;
  if (!movable_node_with_hotplug(st)) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  // A policy answers for what its allocator places, and only in nodes that no
  // fixed range (kernel image, [0, 1M), firmware reservations) already pins:
  // a pinned node loses HOTPLUG through the kernel-node rule whatever the order.
  std::vector<PhysRange> fixed;  // the non-empty ranges the allocator did not place (on first use)
  std::vector<std::pair<int, bool>> pinned;  // per node, computed on first use
  auto pinned_by_fixed = [&](int nid) {
    for (const auto& [n, p] : pinned)
      if (n == nid) return p;
    if (pinned.empty())
      for (const SortedEvent& e : f.by_start)
        if (!e.placed) for_each_member(st, e, [&](std::uint32_t, const PhysRange& m) { fixed.push_back(m); });
    std::vector<PhysRange> span;
    for (const NumaBlock& b : st.numa.meminfo.blk)
      if (b.nid == nid) span.push_back({b.start, b.end});
    for (const SratTruthRange& t : st.truth)
      if (t.nid == nid) span.push_back(t.range);
    const bool p = std::any_of(fixed.begin(), fixed.end(),
                               [&](const PhysRange& x) { return bytes_in(span, x) != 0; });
    pinned.emplace_back(nid, p);
    return p;
  };
  // ... and only when the kernel accepted SRAT: when numa_init falls back to
  // the dummy node (coverage check, overlapping nodes, bad_srat), every
  // HOTPLUG mark is cleared whatever the ordering.
  const bool srat_used = st.numa.method == NumaMethod::AcpiSrat;
  const std::vector<const SratTruthRange*> sorted = truth_by_start(st);
  // The hot-pluggable SRAT ranges, in SRAT order (the first one an event
  // meets names the node).
  std::vector<const SratTruthRange*> hot;
  for (const SratTruthRange& t : st.truth)
    if (t.hotpluggable) hot.push_back(&t);
  // The events that meet a hot-pluggable range at all, by their hull first,
  // then by their run (a range meeting no run meets none of its members).
  phys_addr_t hot_lo = ~phys_addr_t{0}, hot_hi = 0;
  for (const SratTruthRange* t : hot) hot_lo = std::min(hot_lo, t->range.start), hot_hi = std::max(hot_hi, t->range.end);
  const auto meets_hot = [&](const PhysRange& x) {
    return std::any_of(hot.begin(), hot.end(), [&](const SratTruthRange* t) { return t->range.intersects(x); });
  };
  std::vector<std::uint32_t> hit;
  for (const SortedEvent& e : f.by_start) {
    if (e.end <= hot_lo || e.start >= hot_hi || !owner_is_unmovable(e.owner) || !meets_hot({e.start, e.end}))
      continue;
    for_each_member(st, e, [&](std::uint32_t i, const PhysRange& m) {
      if (meets_hot(m)) hit.push_back(i);
    });
  }
  std::sort(hit.begin(), hit.end());  // reported in event order
  for (const std::uint32_t i : hit) {
    const AllocEvent& e = st.events[i];
    for (const SratTruthRange* tp : hot) {
      const SratTruthRange& t = *tp;
      if (!t.range.intersects(e.range)) continue;
      Violation v;
      v.event = e;
      v.nodes = node_kinds(sorted, e.range);
      v.guaranteed = r.guaranteed && srat_used && allocator_placed(e) && !pinned_by_fixed(t.nid);
      if (opt.describe)
        v.what = std::string(owner_name(e.owner)) + " (" + std::string(phase_name(e.phase)) + ") " +
                 mem(e.range) + " lies in hot-pluggable node " + std::to_string(t.nid) + " " +
                 mem(t.range) + ": " + std::string(e.note());
      r.violations.push_back(std::move(v));
      break;
    }
  }
  r.verdict = verdict_of(r);
  return r;
}

// The allocator never hands out a byte twice; brk page tables sit in brk.
InvariantResult allocation_disjointness(const BootState& st, const EventFacts& f,
                                        const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "allocation-disjointness";
  r.statement = "no two boot allocations share memory; brk page tables lie inside the brk reservation";
  r.guaranteed = true;
  struct Placed {
    phys_addr_t start, end;
    std::size_t idx;
  };
  // Brk page tables are judged against brk instead (reported first, in event order).
  std::vector<std::uint32_t> outside_brk;
  const auto in_brk = [&](const PhysRange& x) { return st.kernel.brk.start <= x.start && x.end <= st.kernel.brk.end; };
  for (const SortedEvent& e : f.by_start)
    if (e.owner == Owner::DirectMapPageTable && !e.placed && !in_brk({e.start, e.end}))
      for_each_member(st, e, [&](std::uint32_t i, const PhysRange& m) {
        if (!in_brk(m)) outside_brk.push_back(i);
      });
  std::sort(outside_brk.begin(), outside_brk.end());
  for (const std::uint32_t i : outside_brk) {
    const AllocEvent& e = st.events[i];
    r.violations.push_back(
        {opt.describe ? "brk page tables " + mem(e.range) + " outside brk " + mem(st.kernel.brk) : "", true, e, ""});
  }
  const auto takes_part = [](const SortedEvent& e) {
    if (e.owner == Owner::DirectMapPageTable && !e.placed) return false;
    return e.placed || e.owner == Owner::KernelImage || e.owner == Owner::Brk;
  };
  // Ordered by start only, as the pairs reported among equal starts depend on
  // it. When the runs that take part are disjoint, so are all their members:
  // nothing to report. Otherwise sorted from event order as ever.
  std::vector<std::pair<std::size_t, std::size_t>> overlapping;  // (event, the one before it by start)
  bool disjoint = true;
  {
    const SortedEvent* prev = nullptr;
    for (const SortedEvent& e : f.by_start) {
      if (!takes_part(e)) continue;
      if (prev && e.start < prev->end) {
        disjoint = false;
        break;
      }
      prev = &e;
    }
  }
  if (!disjoint) {
    std::vector<Placed> placed;
    for (const SortedEvent& e : f.by_start)
      if (takes_part(e))
        for_each_member(st, e, [&](std::uint32_t i, const PhysRange& m) { placed.push_back({m.start, m.end, i}); });
    std::sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.idx < b.idx; });
    std::sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < placed.size(); ++i)
      if (placed[i].start < placed[i - 1].end) overlapping.emplace_back(placed[i].idx, placed[i - 1].idx);
  }
  for (const auto& [ai, bi] : overlapping) {
    const AllocEvent& a = st.events[ai];
    const AllocEvent& b = st.events[bi];
    r.violations.push_back({opt.describe ? std::string(owner_name(a.owner)) + " " + mem(a.range) + " overlaps " +
                                               std::string(owner_name(b.owner)) + " " + mem(b.range)
                                         : "",
                            true, a, ""});
  }
  r.verdict = verdict_of(r);
  return r;
}

// 11.1.12 and 11.1.13 via h7's predicates.
InvariantResult direct_map(const BootState& st, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "direct-map";
  r.statement = "all memory below max_pfn and [0, 1M) is mapped; large leaves lie in one region; "
                "page tables come from brk or the mapped window";
  r.guaranteed = true;
  if (st.panic) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  auto add = [&](const PgtViolation& v) {
    r.violations.push_back({opt.describe ? v.rule + ": " + mem(v.range) + " " + v.detail : "", true,
                            std::nullopt, ""});
  };
  // Judged against memblock as the mapping saw it: numa_register_memblks
  // later splits regions at node boundaries, which a 1G leaf may straddle.
  const Memblock& seen = st.mb_at_srat ? *st.mb_at_srat : st.mb;
  for (auto* check : {&check_direct_map_coverage, &check_large_leaves_in_one_region}) {
    for (const PgtViolation& v : (*check)(st.dm, seen)) add(v);
  }
  for (const PgtViolation& v : check_pgtable_page_sources(st.dm)) add(v);
  r.verdict = verdict_of(r);
  return r;
}

// Zones partition each node's pages; zone_movable_pfn obeys 11.1.17.
InvariantResult zone_partition(const BootState& st, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "zone-partition";
  r.statement = "each node's present pages are split exactly among its zones; ZONE_MOVABLE starts "
                "on a 1024-page boundary below the node end (at or above its lowest HOTPLUG base)";
  r.guaranteed = true;
  if (st.panic || !st.mb_before_handoff) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  auto add = [&](auto&& text) {
    r.violations.push_back({opt.describe ? text() : std::string(), true, std::nullopt, ""});
  };
  const Memblock& mb = *st.mb_before_handoff;
  for (const NodeZones& nz : st.zones.nodes) {
    std::uint64_t pages = 0;
    for (const PfnRange& p : mb.mem_pfn_ranges(nz.nid)) pages += p.end_pfn - p.start_pfn;
    std::uint64_t present = 0;
    for (const ZoneSpan& z : nz.zones) present += z.present;
    if (present != pages)
      add([&] {
        return "node " + std::to_string(nz.nid) + ": zones hold " + std::to_string(present) +
               " present pages, the node has " + std::to_string(pages);
      });
    if (!st.cmdline.kernelcore_mirror) {
      for (int a = 0; a < MAX_NR_ZONES; ++a)
        for (int b = a + 1; b < MAX_NR_ZONES; ++b) {
          const ZoneSpan& za = nz.zones[static_cast<std::size_t>(a)];
          const ZoneSpan& zb = nz.zones[static_cast<std::size_t>(b)];
          if (za.spanned && zb.spanned && za.start_pfn < zb.end_pfn && zb.start_pfn < za.end_pfn)
            add([&] {
              return "node " + std::to_string(nz.nid) + ": " + std::string(zone_name(a)) + " and " +
                     std::string(zone_name(b)) + " overlap";
            });
        }
    }
    if (nz.nid < 0 || nz.nid >= MAX_NUMNODES) continue;
    const std::uint64_t zmp = st.zones.zone_movable_pfn[static_cast<std::size_t>(nz.nid)];
    if (zmp && (zmp % MAX_ORDER_NR_PAGES || zmp >= nz.end_pfn))
      add([&] {
        return "node " + std::to_string(nz.nid) + ": movable start pfn " + khex(zmp, 0) +
               " is unaligned or not below the node end";
      });
    if (zmp && st.cmdline.movable_node) {
      for (const MemblockRegion& reg : mb.memory.regions)
        if ((reg.flags & MEMBLOCK_HOTPLUG) && reg.nid == nz.nid && zmp < pfn_down(reg.base) &&
            round_up(pfn_down(reg.base), MAX_ORDER_NR_PAGES) < zmp)
          add([&] { return "node " + std::to_string(nz.nid) + ": movable start below its HOTPLUG base"; });
    }
  }
  r.verdict = verdict_of(r);
  return r;
}

// 11.2.7: under movable_node, ZONE_MOVABLE is not exactly the hot-pluggable memory.
InvariantResult movable_is_hotplug(const BootState& st, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "movable-is-hotplug";
  r.statement = "with movable_node, ZONE_MOVABLE holds exactly the memory SRAT declares hot-pluggable";
  r.guaranteed = false;
  if (!movable_node_with_hotplug(st) || st.panic || !st.mb_before_handoff) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  const Memblock& mb = *st.mb_before_handoff;
  std::vector<PhysRange> hot;
  for (const SratTruthRange& t : st.truth)
    if (t.hotpluggable) hot.push_back(t.range);
  for (const NodeZones& nz : st.zones.nodes) {
    if (nz.nid < 0 || nz.nid >= MAX_NUMNODES) continue;
    const std::uint64_t zmp = st.zones.zone_movable_pfn[static_cast<std::size_t>(nz.nid)];
    const PhysRange movable = zmp ? PhysRange{zmp << PAGE_SHIFT, nz.end_pfn << PAGE_SHIFT} : PhysRange{};
    std::uint64_t movable_not_hot = 0, hot_not_movable = 0;
    for (const PhysRange& m : memory_of(mb, nz.nid)) {
      const std::uint64_t in_movable = overlap(m, movable);
      const std::uint64_t in_hot = bytes_in(hot, m);
      // |M \ H| and |H \ M| within this region.
      std::uint64_t both = 0;
      for (const PhysRange& h : hot) {
        const PhysRange mh{std::max(m.start, h.start), std::min(m.end, h.end)};
        if (!mh.empty()) both += overlap(mh, movable);
      }
      movable_not_hot += in_movable - both;
      hot_not_movable += in_hot - both;
    }
    if (movable_not_hot)
      r.violations.push_back({opt.describe ? "node " + std::to_string(nz.nid) + ": " +
                                                 std::to_string(movable_not_hot >> 20) +
                                                 " MiB of non-hotpluggable memory is in ZONE_MOVABLE"
                                           : "",
                              false, std::nullopt, "immovable"});
    if (hot_not_movable)
      r.violations.push_back({opt.describe ? "node " + std::to_string(nz.nid) + ": " +
                                                 std::to_string(hot_not_movable >> 20) +
                                                 " MiB of hot-pluggable memory is in kernel zones"
                                           : "",
                              false, std::nullopt, "hotplug"});
  }
  r.verdict = verdict_of(r);
  return r;
}

// Hand-off: the pages given to the buddy allocator are exactly the memory
// pages no reservation touches, and every boot allocation is still reserved.
InvariantResult handoff_conservation(const BootState& st, const EventFacts& f, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "handoff-conservation";
  r.statement = "free pages at hand-off are exactly the unreserved memory pages; every boot "
                "allocation is still reserved";
  r.guaranteed = true;
  if (st.panic || !st.mb_before_handoff) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  const Memblock& mb = st.mb;
  const std::uint64_t limit = std::max(st.max_low_pfn, st.max_pfn);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> taken;  // reserved, page-expanded
  std::vector<PhysRange> reserved;                              // reserved, in array order
  taken.reserve(mb.reserved.regions.size());
  reserved.reserve(mb.reserved.regions.size());
  bool sorted_disjoint = true;
  for (const MemblockRegion& res : mb.reserved.regions) {
    if (!res.size) continue;
    taken.emplace_back(pfn_down(res.base), pfn_up(res.end()));
    // (A region whose end wraps breaks the order the sweep below relies on.)
    if ((!reserved.empty() && res.base < reserved.back().end) || res.end() < res.base) sorted_disjoint = false;
    reserved.push_back({res.base, res.end()});
  }
  std::sort(taken.begin(), taken.end());
  std::uint64_t expect_free = 0;
  for (const MemblockRegion& m : mb.memory.regions) {
    if (!m.size || (m.flags & MEMBLOCK_NOMAP)) continue;
    std::uint64_t s = pfn_up(m.base);
    const std::uint64_t e = std::min(pfn_down(m.end()), limit);
    for (const auto& [ts, te] : taken) {
      if (s >= e) break;
      if (te <= s) continue;
      if (ts >= e) break;
      if (ts > s) expect_free += ts - s;
      s = std::max(s, te);
    }
    if (s < e) expect_free += e - s;
  }
  if (expect_free != st.handoff.free_pages)
    r.violations.push_back({opt.describe ? "hand-off frees " + std::to_string(st.handoff.free_pages) +
                                               " pages, unreserved memory has " + std::to_string(expect_free)
                                         : "",
                            true, std::nullopt, ""});
  // With a sorted disjoint array, one sweep along the events by address: the
  // first member ending above an event's start only moves up as starts rise.
  std::vector<std::uint32_t> short_of;  // events not wholly reserved, in event order
  if (sorted_disjoint) {
    std::size_t j = 0;
    const auto reserved_bytes = [&](const PhysRange& x) {
      std::uint64_t n = 0;
      for (std::size_t k = j; k < reserved.size() && reserved[k].start < x.end; ++k) n += overlap(reserved[k], x);
      return n;
    };
    for (const SortedEvent& e : f.by_start) {
      while (j < reserved.size() && reserved[j].end <= e.start) ++j;
      // The members split the run, and disjoint reservations cover each
      // member at most wholly: the run is wholly reserved iff each member is.
      if (reserved_bytes({e.start, e.end}) == e.end - e.start) continue;
      for_each_member(st, e, [&](std::uint32_t i, const PhysRange& m) {
        if (reserved_bytes(m) < m.size()) short_of.push_back(i);
      });
    }
    std::sort(short_of.begin(), short_of.end());
  } else {
    for (std::size_t i = 0; i < st.events.size(); ++i)
      if (!st.events[i].range.empty() && bytes_in(reserved, st.events[i].range) < st.events[i].range.size())
        short_of.push_back(static_cast<std::uint32_t>(i));
  }
  for (const std::uint32_t i : short_of) {
    const AllocEvent& e = st.events[i];
    r.violations.push_back(
        {opt.describe ? std::string(owner_name(e.owner)) + " " + mem(e.range) + " is no longer reserved at hand-off"
                      : "",
         true, e, ""});
  }
  r.verdict = verdict_of(r);
  return r;
}

// 11.2.4: a node SRAT calls hot-pluggable may not be removable after boot.
InvariantResult hot_remove(const BootState& st, const EventFacts& f,
                           std::vector<NodeHotplugCapacity>* nodes_out, const InvariantOptions& opt) {
  InvariantResult r;
  r.name = "hot-remove-feasible";
  r.statement = "with movable_node, the boot memory SRAT declares hot-pluggable can be hot-removed "
                "(all of it in ZONE_MOVABLE, no boot allocation in it)";
  r.guaranteed = false;
  if (!movable_node_with_hotplug(st) || st.panic || !st.mb_before_handoff) {
    r.verdict = InvariantVerdict::NotApplicable;
    return r;
  }
  const Memblock& mb = *st.mb_before_handoff;
  std::vector<int> hot_nodes;
  for (const SratTruthRange& t : st.truth)
    if (t.hotpluggable && std::find(hot_nodes.begin(), hot_nodes.end(), t.nid) == hot_nodes.end())
      hot_nodes.push_back(t.nid);
  std::sort(hot_nodes.begin(), hot_nodes.end());
  // ZONE_MOVABLE as memory ranges, over the kernel's nodes.
  std::vector<PhysRange> movable;
  for (const NodeZones& nz : st.zones.nodes) {
    if (nz.nid < 0 || nz.nid >= MAX_NUMNODES) continue;
    const std::uint64_t zmp = st.zones.zone_movable_pfn[static_cast<std::size_t>(nz.nid)];
    if (!zmp) continue;
    const PhysRange span{zmp << PAGE_SHIFT, nz.end_pfn << PAGE_SHIFT};
    for (const PhysRange& m : memory_of(mb, nz.nid))
      if (m.intersects(span)) movable.push_back({std::max(m.start, span.start), std::min(m.end, span.end)});
  }
  const std::vector<PhysRange> all_mem = memory_of(mb);
  for (int nid : hot_nodes) {
    NodeHotplugCapacity c;
    c.nid = nid;
    // The node's boot memory SRAT declares hot-pluggable (the kernel may have
    // folded the node into a dummy node; SRAT still says what it is).
    std::vector<PhysRange> node_mem;
    for (const SratTruthRange& t : st.truth) {
      if (t.nid != nid || !t.hotpluggable) continue;
      for (const PhysRange& m : all_mem)
        if (m.intersects(t.range))
          node_mem.push_back({std::max(m.start, t.range.start), std::min(m.end, t.range.end)});
    }
    std::uint64_t node_bytes = 0;
    for (const PhysRange& m : node_mem) node_bytes += m.size();
    for (const SratTruthRange& t : st.truth)
      if (t.hotpluggable && t.nid == nid) c.srat_hotplug_bytes += bytes_in(all_mem, t.range);
    for (const MemblockRegion& reg : mb.memory.regions)
      if (reg.size && (reg.flags & MEMBLOCK_HOTPLUG)) c.kept_hotplug_bytes += bytes_in(node_mem, {reg.base, reg.end()});
    for (const PhysRange& m : node_mem) c.movable_bytes += bytes_in(movable, m);
    // The node's blocks as numa_clear_kernel_node_hotplug saw them (hull across holes).
    std::vector<PhysRange> blocks;
    for (const NumaBlock& b : st.numa.meminfo.blk)
      if (b.nid == nid) blocks.push_back({b.start, b.end});
    // One pass: the first event in the node's memory or blocks, and whether
    // any lies in its memory.
    const AllocEvent* first_in = nullptr;
    bool any_event = false;
    if (plain_set(node_mem) && plain_set(blocks)) {
      // By address: only the events near the node's ranges are visited.
      const std::size_t none = st.events.size();
      std::size_t first_mem = none;
      for (const PhysRange& m : node_mem) first_mem = first_event_in(st, f, m, first_mem);
      std::size_t first = first_mem;
      for (const PhysRange& b : blocks) first = first_event_in(st, f, b, first);
      any_event = first_mem != none;
      if (first != none) first_in = &st.events[first];
    } else {
      for (const AllocEvent& e : st.events) {
        if (e.range.empty()) continue;
        const bool in_mem = bytes_in(node_mem, e.range) != 0;
        if (!first_in && (in_mem || bytes_in(blocks, e.range))) first_in = &e;
        any_event = any_event || in_mem;
        if (first_in && any_event) break;
      }
    }
    if (c.kept_hotplug_bytes < c.srat_hotplug_bytes && first_in)
      c.pinned_by = std::string(owner_name(first_in->owner)) + " " + mem(first_in->range);
    c.removable = node_bytes && c.movable_bytes == node_bytes && !any_event;
    if (!c.removable && node_bytes) {
      std::string why;
      if (opt.describe) {
        why = std::to_string((node_bytes - c.movable_bytes) >> 20) + " MiB outside ZONE_MOVABLE";
        if (c.kept_hotplug_bytes < c.srat_hotplug_bytes)
          why += ", the kernel-node rule cleared HOTPLUG on " +
                 std::to_string((c.srat_hotplug_bytes - c.kept_hotplug_bytes) >> 20) + " MiB" +
                 (c.pinned_by.empty() ? "" : " (pinned by " + c.pinned_by + ")");
        if (any_event) why += ", boot allocations inside";
        why = "node " + std::to_string(nid) + ": its hot-pluggable memory cannot be removed: " + why;
      }
      Violation v{std::move(why), false, first_in ? std::optional<AllocEvent>(*first_in) : std::nullopt,
                  "hotplug"};
      r.violations.push_back(std::move(v));
    }
    if (nodes_out) nodes_out->push_back(c);
  }
  r.verdict = verdict_of(r);
  return r;
}

}  // namespace

InvariantResult check_hotplug_safety(const BootState& st, const InvariantOptions& opt) {
  return hotplug_safety(st, event_facts(st), opt);
}
InvariantResult check_allocation_disjointness(const BootState& st, const InvariantOptions& opt) {
  return allocation_disjointness(st, event_facts(st), opt);
}
InvariantResult check_direct_map(const BootState& st, const InvariantOptions& opt) { return direct_map(st, opt); }
InvariantResult check_zone_partition(const BootState& st, const InvariantOptions& opt) {
  return zone_partition(st, opt);
}
InvariantResult check_movable_is_hotplug(const BootState& st, const InvariantOptions& opt) {
  return movable_is_hotplug(st, opt);
}
InvariantResult check_handoff_conservation(const BootState& st, const InvariantOptions& opt) {
  return handoff_conservation(st, event_facts(st), opt);
}
InvariantResult check_hot_remove(const BootState& st, std::vector<NodeHotplugCapacity>* nodes,
                                 const InvariantOptions& opt) {
  return hot_remove(st, event_facts(st), nodes, opt);
}

InvariantVerdict InvariantReport::overall() const {
  InvariantVerdict v = InvariantVerdict::Holds;
  for (const InvariantResult& r : results) {
    if (r.verdict == InvariantVerdict::Failure) return InvariantVerdict::Failure;
    if (r.verdict == InvariantVerdict::Finding) v = InvariantVerdict::Finding;
  }
  return v;
}

std::optional<ViolationSignature> InvariantReport::signature() const {
  for (InvariantVerdict want : {InvariantVerdict::Failure, InvariantVerdict::Finding}) {
    for (const InvariantResult& r : results) {
      if (r.verdict != want) continue;
      const Violation& v = r.violations.front();
      ViolationSignature s;
      s.property = r.name;
      s.policy = policy;
      if (v.event) s.owner = std::string(owner_name(v.event->owner));
      s.nodes = v.nodes;
      return s;
    }
  }
  return std::nullopt;
}

InvariantReport check_invariants(const BootState& st, const InvariantOptions& opt) {
  InvariantReport rep;
  rep.policy = st.policy.name;
  const EventFacts facts = event_facts(st);
  rep.results.reserve(7);
  rep.results.push_back(hotplug_safety(st, facts, opt));
  rep.results.push_back(allocation_disjointness(st, facts, opt));
  rep.results.push_back(direct_map(st, opt));
  rep.results.push_back(zone_partition(st, opt));
  rep.results.push_back(movable_is_hotplug(st, opt));
  rep.results.push_back(handoff_conservation(st, facts, opt));
  rep.results.push_back(hot_remove(st, facts, &rep.nodes, opt));
  return rep;
}

bool verdict_matches(ExpectedVerdict expected, InvariantVerdict overall) {
  switch (expected) {
    case ExpectedVerdict::Ok: return overall == InvariantVerdict::Holds;
    case ExpectedVerdict::Finding: return overall == InvariantVerdict::Finding;
    case ExpectedVerdict::Failure: return overall == InvariantVerdict::Failure;
  }
  return false;
}

std::string format_invariant_report(const InvariantReport& r) {
  std::string out;
  for (const InvariantResult& res : r.results) {
    out += std::string(invariant_verdict_name(res.verdict)) + "  " + res.name +
           (res.guaranteed ? " [guaranteed by " : " [not guaranteed by ") + r.policy + "]: " +
           res.statement + "\n";
    std::size_t shown = 0;
    for (const Violation& v : res.violations) {
      if (shown++ == 8) {
        out += "    ... " + std::to_string(res.violations.size() - 8) + " more\n";
        break;
      }
      out += "    - " + v.what + "\n";
    }
  }
  for (const NodeHotplugCapacity& n : r.nodes) {
    out += "node " + std::to_string(n.nid) + ": SRAT hot-pluggable " + std::to_string(n.srat_hotplug_bytes >> 20) +
           " MiB, kept HOTPLUG " + std::to_string(n.kept_hotplug_bytes >> 20) + " MiB, ZONE_MOVABLE " +
           std::to_string(n.movable_bytes >> 20) + " MiB, " + (n.removable ? "removable" : "NOT removable") +
           (n.pinned_by.empty() ? "" : " (pinned by " + n.pinned_by + ")") + "\n";
  }
  out += "verdict: " + std::string(invariant_verdict_name(r.overall())) + "\n";
  return out;
}

}  // namespace mbv
