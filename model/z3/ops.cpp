#include "model/z3/ops.h"

#include <algorithm>

namespace mbv::z3spec {

std::string_view mutant_name(Mutant m) {
  switch (m) {
    case Mutant::None: return "none";
    case Mutant::MergeIgnoresFlags: return "merge-ignores-flags";
    case Mutant::MergeIgnoresNid: return "merge-ignores-nid";
    case Mutant::IsolateDropsUpper: return "isolate-drops-upper";
    case Mutant::AddOverwrites: return "add-overwrites";
    case Mutant::AddSkipsMerge: return "add-skips-merge";
    case Mutant::RemoveKeepsLast: return "remove-keeps-last";
    case Mutant::SetclrWholeRegion: return "setclr-whole-region";
    case Mutant::TopDownNotMaximal: return "top-down-not-maximal";
    case Mutant::BottomUpNotMinimal: return "bottom-up-not-minimal";
    case Mutant::SkipIgnoresHotplug: return "skip-ignores-hotplug";
    case Mutant::SkipHotplugAlways: return "skip-hotplug-always";
    case Mutant::SratFirstNoSkip: return "srat-first-no-skip";
    case Mutant::KaslrIgnoresImmovable: return "kaslr-ignores-immovable";
  }
  return "?";
}

SymType pad(const SymType& t, unsigned n) {
  if (t.slots() >= n) return t;
  z3::context& c = t.ctx();
  SymType out = t;
  while (out.r.size() < n)
    out.r.push_back(SymRegion{num_like(t.r[0].base, 0), num_like(t.r[0].base, 0), flag_val(c, 0),
                              nid_val(c, 0)});
  if (!out.live_bits.empty())
    while (out.live_bits.size() < n) out.live_bits.push_back(c.bool_val(false));
  return out;
}

SymType ite_type(const z3::expr& cond, const SymType& a0, const SymType& b0) {
  unsigned n = std::max(a0.slots(), b0.slots());
  SymType a = pad(a0, n), b = pad(b0, n);
  SymType out = a;
  for (unsigned i = 0; i < n; ++i) {
    out.r[i].base = z3::ite(cond, a.r[i].base, b.r[i].base);
    out.r[i].end_ = z3::ite(cond, a.r[i].end_, b.r[i].end_);
    out.r[i].flags = z3::ite(cond, a.r[i].flags, b.r[i].flags);
    out.r[i].nid = z3::ite(cond, a.r[i].nid, b.r[i].nid);
  }
  out.cnt = z3::ite(cond, a.cnt, b.cnt);
  out.live_bits.clear();
  if (!a.live_bits.empty() || !b.live_bits.empty())
    for (unsigned i = 0; i < n; ++i) out.live_bits.push_back(z3::ite(cond, a.live(i), b.live(i)));
  return out;
}

// The kernel's loop keeps `this` = r[i] (grown by earlier merges) and
// compares it with `next` = r[i+1]; merging shifts the array down without
// advancing i. Restated per slot: slot j continues a run iff it touches the
// previous live slot with equal nid and flags (this->end is then the end of
// that slot), else it starts a new output region; a run's output region
// reaches the end of its last slot. The previous live slot comes from a
// prefix scan and "the run continues after j" from a suffix scan (see
// LiveScan), so the encoding is linear in the slot count.
SymType merge_regions(const SymType& t, Mutant mut) { return merge_regions_runs(t, mut).after; }

SymMergeRuns merge_regions_runs(const SymType& t, Mutant mut) {
  z3::context& c = t.ctx();
  const unsigned n = t.slots();
  const LiveScan prev = prev_live(t);
  std::vector<z3::expr> cont;  // slot j is live and continues the previous live slot's run
  cont.reserve(n);
  for (unsigned j = 0; j < n; ++j) {
    const SymRegion& p = prev.r[j];
    const SymRegion& cur = t.r[j];
    z3::expr same_nid = mut == Mutant::MergeIgnoresNid ? c.bool_val(true) : p.nid == cur.nid;
    z3::expr same_flags =
        mut == Mutant::MergeIgnoresFlags ? c.bool_val(true) : p.flags == cur.flags;
    cont.push_back(t.live(j) && prev.has[j] && p.end() == cur.base && same_nid && same_flags);
  }
  // run_end[j]: the end of the run slot j belongs to, from slot j on. The
  // next live slot after j continues j's run or not (dense: slot j+1).
  std::vector<z3::expr> run_end(n, c.bool_val(false));
  z3::expr next_cont = c.bool_val(false);     // the next live slot continues the run
  z3::expr next_run_end = c.bool_val(false);  // ... and its run_end (meaningful then)
  for (unsigned j = n; j-- > 0;) {
    run_end[j] = j + 1 < n ? z3::ite(next_cont, next_run_end, t.r[j].end()) : t.r[j].end();
    if (t.dense() || j + 1 == n) {
      next_cont = cont[j];
      next_run_end = run_end[j];
    } else {
      next_cont = z3::ite(t.live(j), cont[j], next_cont);
      next_run_end = z3::ite(t.live(j), run_end[j], next_run_end);
    }
  }
  std::vector<SymSlot> slots;
  slots.reserve(n);
  for (unsigned j = 0; j < n; ++j) {
    const SymRegion& x = t.r[j];
    slots.push_back(SymSlot{t.live(j) && !cont[j], SymRegion{x.base, run_end[j], x.flags, x.nid}});
  }
  return SymMergeRuns{gather(c, slots, t.max_regions), std::move(cont), std::move(run_end)};
}

z3::expr merge_would_bug(const SymType& t) {
  // BUG() fires on the first live neighbours that overlap: `this` (ending
  // where the previous live slot ends) reaches past `next`'s base.
  const LiveScan prev = prev_live(t);
  z3::expr f = t.ctx().bool_val(false);
  for (unsigned j = 1; j < t.slots(); ++j)
    f = f || (t.live(j) && prev.has[j] && gt(prev.r[j].end(), t.r[j].base));
  return f;
}

SymIsolateResult isolate_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                               Mutant mut) {
  z3::context& c = t.ctx();
  const unsigned n = t.slots();
  z3::expr sz = memblock_cap_size(base, size);
  z3::expr b = base, e = base + sz;
  z3::expr zero_size = sz == num_like(sz, 0);
  z3::expr enomem = !zero_size && gt(t.cnt + cnt_val(c, 2), cnt_val(c, t.max_regions));

  // Each region yields up to three pieces: below b, [b, e) part, above e.
  std::vector<SymSlot> slots;
  for (unsigned j = 0; j < n; ++j) {
    const SymRegion& x = t.r[j];
    z3::expr live = t.live(j);
    z3::expr crossb = live && lt(x.base, b) && lt(b, x.end());
    z3::expr crosse = live && lt(x.base, e) && lt(e, x.end());
    z3::expr a_end = z3::ite(crossb, b, z3::ite(crosse, e, x.end()));
    z3::expr b_end = z3::ite(crosse, e, x.end());
    slots.push_back(SymSlot{live, SymRegion{x.base, a_end, x.flags, x.nid}});
    slots.push_back(SymSlot{crossb, SymRegion{b, b_end, x.flags, x.nid}});
    z3::expr keep_upper = mut == Mutant::IsolateDropsUpper ? c.bool_val(false) : crosse;
    slots.push_back(SymSlot{keep_upper, SymRegion{e, x.end(), x.flags, x.nid}});
  }
  SymType split = gather(c, slots, t.max_regions);

  // The regions [start_rgn, end_rgn) of the kernel: every live piece inside
  // [b, e). Pieces are sorted, so the inside ones are consecutive.
  z3::expr unchanged = zero_size || enomem;
  std::vector<z3::expr> inside;
  for (unsigned k = 0; k < split.slots(); ++k)
    inside.push_back(!unchanged && split.live(k) && le(b, split.r[k].base) &&
                     le(split.r[k].end(), e));
  SymType after = ite_type(unchanged, pad(t, split.slots()), split);
  // keep the per-slot live bits of the split for both branches
  return SymIsolateResult{after, enomem, inside};
}

namespace {

// The regions setclr/set_node act on: the isolated index range, or (mutant)
// every whole region overlapping the request.
struct Target {
  SymType t;
  std::vector<z3::expr> hit;
  z3::expr enomem;
};

Target isolate_target(const SymType& t, const z3::expr& base, const z3::expr& size, Mutant mut) {
  z3::context& c = t.ctx();
  if (mut == Mutant::SetclrWholeRegion) {
    z3::expr sz = memblock_cap_size(base, size);
    std::vector<z3::expr> hit;
    for (unsigned k = 0; k < t.slots(); ++k)
      hit.push_back(t.live(k) && gt(sz, num_like(sz, 0)) &&
                    lt(t.r[k].base, base + sz) && lt(base, t.r[k].end()));
    return Target{t, hit, c.bool_val(false)};
  }
  SymIsolateResult iso = isolate_range(t, base, size);
  return Target{iso.after, iso.inside, iso.enomem};
}

}  // namespace

SymOpResult remove_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                         Mutant mut) {
  z3::context& c = t.ctx();
  SymIsolateResult iso = isolate_range(t, base, size);
  // memblock_remove_region for every isolated region, highest first.
  std::vector<SymSlot> slots;
  for (unsigned k = 0; k < iso.after.slots(); ++k) {
    z3::expr del = iso.inside[k];
    if (mut == Mutant::RemoveKeepsLast) {
      // broken on purpose: the highest isolated region survives
      z3::expr later = c.bool_val(false);
      for (unsigned kk = k + 1; kk < iso.after.slots(); ++kk) later = later || iso.inside[kk];
      del = del && later;
    }
    slots.push_back(SymSlot{iso.after.live(k) && !del, iso.after.r[k]});
  }
  SymType removed = gather(c, slots, t.max_regions);
  return SymOpResult{ite_type(iso.enomem, pad(t, removed.slots()), removed), iso.enomem};
}

SymOpResult setclr_flag(const SymType& t, const z3::expr& base, const z3::expr& size, bool set,
                        const z3::expr& flag, Mutant mut) {
  Target tg = isolate_target(t, base, size, mut);
  SymType m = tg.t;
  for (unsigned k = 0; k < m.slots(); ++k) {
    z3::expr nf = set ? (m.r[k].flags | flag) : (m.r[k].flags & ~flag);
    m.r[k].flags = z3::ite(tg.hit[k], nf, m.r[k].flags);
  }
  SymType merged = merge_regions(m);
  return SymOpResult{ite_type(tg.enomem, pad(t, merged.slots()), merged), tg.enomem};
}

SymOpResult set_node(const SymType& t, const z3::expr& base, const z3::expr& size,
                     const z3::expr& nid, Mutant mut) {
  Target tg = isolate_target(t, base, size, mut);
  SymType m = tg.t;
  for (unsigned k = 0; k < m.slots(); ++k) m.r[k].nid = z3::ite(tg.hit[k], nid, m.r[k].nid);
  SymType merged = merge_regions(m);
  return SymOpResult{ite_type(tg.enomem, pad(t, merged.slots()), merged), tg.enomem};
}

namespace {

struct Inserted {
  SymType list;
  z3::expr nr_new;
  z3::expr size_zero;
};

// The insertion pass of memblock_add_range: every gap of [base, end) between
// existing regions becomes a new region with the requested nid and flags,
// placed before the region that ends the gap (or after the last one).
Inserted insert_gaps(const SymType& t, const z3::expr& base, const z3::expr& size,
                     const z3::expr& nid, const z3::expr& flags) {
  z3::context& c = t.ctx();
  const unsigned n = t.slots();
  z3::expr sz = memblock_cap_size(base, size);
  z3::expr b = base, e = base + sz;
  std::vector<SymSlot> slots;
  z3::expr nr_new = cnt_val(c, 0);
  z3::expr cursor = b;  // max(b, end of the last live region so far)
  for (unsigned j = 0; j <= n; ++j) {
    // gap before region j (or the tail after the last region)
    z3::expr here = j < n ? t.live(j) : c.bool_val(true);
    z3::expr ghi = j < n ? umin(e, t.r[j].base) : e;
    z3::expr gvalid = here && lt(cursor, ghi);
    slots.push_back(SymSlot{gvalid, SymRegion{cursor, ghi, flags, nid}});
    nr_new = nr_new + bool_to_bv(gvalid, kCntBits);
    if (j < n) {
      slots.push_back(SymSlot{t.live(j), t.r[j]});
      cursor = z3::ite(t.live(j), umax(b, t.r[j].end()), cursor);
    }
  }
  return Inserted{gather(c, slots, t.max_regions), nr_new, sz == num_like(sz, 0)};
}

}  // namespace

SymType add_range_inserted(const SymType& t, const z3::expr& base, const z3::expr& size,
                           const z3::expr& nid, const z3::expr& flags) {
  return insert_gaps(t, base, size, nid, flags).list;
}

SymOpResult add_range(const SymType& t, const z3::expr& base, const z3::expr& size,
                      const z3::expr& nid, const z3::expr& flags, Mutant mut) {
  z3::context& c = t.ctx();
  if (mut == Mutant::AddOverwrites) {
    // Broken on purpose: clear the range first, so covered addresses are
    // re-added with the requested attributes.
    SymOpResult rm = remove_range(t, base, size);
    SymOpResult ad = add_range(rm.after, base, size, nid, flags);
    return SymOpResult{ad.after, rm.enomem || ad.enomem};
  }
  Inserted ins = insert_gaps(t, base, size, nid, flags);
  z3::expr no_new = ins.size_zero || ins.nr_new == cnt_val(c, 0);
  z3::expr enomem =
      !no_new && gt(t.cnt + ins.nr_new, cnt_val(c, t.max_regions));
  SymType merged = mut == Mutant::AddSkipsMerge ? ins.list : merge_regions(ins.list);
  return SymOpResult{ite_type(no_new || enomem, pad(t, merged.slots()), merged), enomem};
}

}  // namespace mbv::z3spec
