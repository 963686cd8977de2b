// memblock_merge_regions keeps every address's meaning and returns canonical form.
#include "model/z3/ops.h"
#include "model/z3/relations.h"
#include "proofs/memblock_common.h"

namespace mbv::proofs {

using namespace mbv::z3spec;

namespace {

// Induction hints over the slots (see Obligation::hint): each step speaks
// about one slot and its neighbour, so Z3 never follows a run of merged slots
// (or the meaning function's chain of slots) through the whole array inside
// one query. With them the final obligations are local; without them (a
// dropped hint) they are the same statements, only slower.
//   down (slot j from the top): j's run ends at or below the next output
//     region's base and does not join it (nothing follows a dead slot); it
//     ends at or above end_j, within the address space; an address in
//     [base_j, run_end_j) is covered before.
//   up (slot i from 0): an address in [base_i, run_end_i) is hit by an
//     output region at or before slot i, and the after state gives it slot
//     i's nid and flags; an output (before) region at or before slot i that
//     holds the address makes it lie below run_end_i (end_i); no hit below
//     slot i means the meaning function reads slot i's chain.
// The prefix "hit" disjunctions and the meaning chains are built exactly as
// covered_at / nid_at / flags_at build them, so they are shared subterms.
// `f` with each of `terms` (values and repeats skipped) replaced by a fresh
// constant, and the (constant, term) pairs that give its instance back.
std::pair<z3::expr, std::vector<std::pair<z3::expr, z3::expr>>> abstract_terms(
    const z3::expr& f, const std::vector<z3::expr>& terms, const std::string& tag) {
  z3::context& c = f.ctx();
  z3::expr_vector from(c), to(c);
  std::vector<std::pair<z3::expr, z3::expr>> inst;
  for (const z3::expr& t : terms) {
    if (t.is_numeral() || t.is_true() || t.is_false()) continue;
    bool seen = false;
    for (unsigned k = 0; k < from.size(); ++k) seen = seen || z3::eq(from[k], t);
    if (seen) continue;
    z3::expr k = c.constant((tag + "#" + std::to_string(from.size())).c_str(), t.get_sort());
    from.push_back(t);
    to.push_back(k);
    inst.emplace_back(k, t);
  }
  z3::expr g = f;
  return {from.empty() ? g : g.substitute(from, to), std::move(inst)};
}

std::vector<Obligation> merge_hints(const SymType& before, const SymMergeRuns& runs,
                                    const z3::expr& a) {
  z3::context& c = before.ctx();
  const SymType& after = runs.after;
  const unsigned n = before.slots();
  const LiveScan next = next_live(after);
  // prefix disjunctions: hit_*[k] = some slot below k holds a
  std::vector<z3::expr> hit_a{c.bool_val(false)}, hit_b{c.bool_val(false)};
  for (unsigned i = 0; i < n; ++i) {
    hit_a.push_back(hit_a[i] || (after.live(i) && in_range(a, after.r[i].base, after.r[i].end())));
    hit_b.push_back(hit_b[i] ||
                    (before.live(i) && in_range(a, before.r[i].base, before.r[i].end())));
  }
  // meaning chains: *_at(t, a) read from slot k on (index 0 = the whole chain)
  auto chain = [&](const SymType& t, bool nid) {
    std::vector<z3::expr> v(n + 1, nid ? nid_val(c, 0) : flag_val(c, 0));
    for (unsigned k = n; k-- > 0;)
      v[k] = z3::ite(t.live(k) && in_range(a, t.r[k].base, t.r[k].end()),
                     nid ? t.r[k].nid : t.r[k].flags, v[k + 1]);
    return v;
  };
  const auto nid_a = chain(after, true), flags_a = chain(after, false);
  const auto nid_b = chain(before, true), flags_b = chain(before, false);
  // the conjuncts of well_formed(before) about slot i and about slots i, i+1
  auto wf_slot = [&](unsigned i) {
    const SymRegion& x = before.r[i];
    return z3::implies(before.live(i), lt(x.base, x.end()) && addr_in_range(x.base) &&
                                           addr_in_range(x.end()));
  };
  auto wf_pair = [&](unsigned i) {
    return wf_slot(i) && wf_slot(i + 1) &&
           z3::implies(before.live(i + 1), le(before.r[i].end(), before.r[i + 1].base));
  };
  auto down = [&](unsigned j) {
    const SymRegion& x = before.r[j];
    const z3::expr& re = runs.run_end[j];
    const z3::expr live = before.live(j);
    const SymRegion& y = next.r[j];
    z3::expr w = z3::implies(live && next.has[j],
                             le(re, y.base) &&
                                 !(re == y.base && x.nid == y.nid && x.flags == y.flags)) &&
                 z3::implies(!live, !next.has[j]);
    z3::expr e = z3::implies(live, le(x.end(), re) && addr_in_range(re));
    z3::expr d = z3::implies(live && in_range(a, x.base, re), hit_b[n]);
    return w && e && d;
  };
  auto up = [&](unsigned i) {
    const SymRegion& x = before.r[i];
    const z3::expr& re = runs.run_end[i];
    const z3::expr live = before.live(i);
    z3::expr in_run = live && in_range(a, x.base, re);
    return z3::implies(in_run, hit_a[i + 1] && nid_a[0] == x.nid && flags_a[0] == x.flags) &&
           z3::implies(live && hit_a[i + 1], lt(a, re)) &&
           z3::implies(live && hit_b[i + 1], lt(a, x.end())) &&
           z3::implies(!hit_a[i], nid_a[0] == nid_a[i] && flags_a[0] == flags_a[i]) &&
           z3::implies(!hit_b[i], nid_b[0] == nid_b[i] && flags_b[0] == flags_b[i]);
  };
  auto next_terms = [&](unsigned k, std::vector<z3::expr>& ts) {
    ts.push_back(runs.run_end[k]);
    ts.push_back(next.has[k]);
    for (const z3::expr& e : {next.r[k].base, next.r[k].end_, next.r[k].nid, next.r[k].flags})
      ts.push_back(e);
  };
  // Each step is a lemma over fresh constants for the neighbour's chained
  // terms (its run end, the next output region, the meaning chains): the
  // query sees one slot and its neighbour only. Its instance (the real
  // terms) becomes the hypothesis.
  std::vector<Obligation> hints;
  // every region of before that holds a covers it (one small lemma; as a
  // fact it lets the down steps' instances fire by propagation alone)
  z3::expr holds = c.bool_val(true);
  for (unsigned j = 0; j < n; ++j)
    holds = holds && z3::implies(before.live(j) && in_range(a, before.r[j].base, before.r[j].end()),
                                 hit_b[n]);
  hints.push_back({"hint: a region of before that holds a covers it", holds, true, true, ""});
  for (unsigned j = n; j-- > 0;) {
    const SymRegion& x = before.r[j];
    z3::expr hyp = z3::implies(before.live(j) && in_range(a, x.base, x.end()), hit_b[n]);
    std::vector<z3::expr> ts;
    if (j + 1 < n) {
      hyp = hyp && wf_pair(j) && down(j + 1);
      next_terms(j + 1, ts);
    } else {
      hyp = hyp && wf_slot(j);
    }
    ts.push_back(hit_b[n]);
    auto [step, inst] = abstract_terms(z3::implies(hyp, down(j)), ts, "down" + std::to_string(j));
    Obligation ob{"hint: run of slot " + std::to_string(j) + " (down)", step, true, true, "down"};
    ob.instance = std::move(inst);
    hints.push_back(std::move(ob));
  }
  for (unsigned i = 0; i < n; ++i) {
    z3::expr hyp = down(i);
    std::vector<z3::expr> ts;
    next_terms(i, ts);
    if (i + 1 < n) ts.push_back(hit_b[n]);
    if (i > 0) {
      hyp = hyp && wf_pair(i - 1) && up(i - 1);
      ts.push_back(hit_a[i - 1]);
      ts.push_back(hit_b[i - 1]);
    } else {
      hyp = hyp && wf_slot(i);
    }
    for (const auto* v : {&nid_a, &flags_a, &nid_b, &flags_b}) {
      ts.push_back((*v)[i + 1]);
      if (i >= 2) ts.push_back((*v)[0]);
    }
    auto [step, inst] = abstract_terms(z3::implies(hyp, up(i)), ts, "up" + std::to_string(i));
    Obligation ob{"hint: run of slot " + std::to_string(i) + " (up)", step, true, true, "up"};
    ob.instance = std::move(inst);
    hints.push_back(std::move(ob));
  }
  return hints;
}

}  // namespace

TheoremDef theorem_merge_keeps_attributes() {
  TheoremDef d;
  d.name = "merge_keeps_attributes";
  d.statement =
      "memblock_merge_regions on a sorted, disjoint array never BUG()s, keeps coverage, nid "
      "and flags of every address, and returns canonical form";
  d.policy = "memblock";
  d.why = "only touching regions with equal nid and flags are joined (11.1.3)";
  d.bound_unit = "regions";
  d.default_bound = 64;
  d.ci_bound = 4;
  d.expected = Verdict::Proved;
  d.mutants = {Mutant::MergeIgnoresFlags, Mutant::MergeIgnoresNid};
  d.build = [](z3::context& c, unsigned n, Mutant mut) {
    SymType before = fresh_type(c, "memory", n, 128, AddrSort::Int);
    SymMergeRuns runs = merge_regions_runs(before, mut);
    const SymType& after = runs.after;
    z3::expr a = addr_const(c, "a", AddrSort::Int);
    Relation rel = same_meaning(before, after, a);
    ProofBody body{well_formed(before) && regions_ok(before, false) && addr_in_range(a), {}, {},
                   {}, {}};
    body.obligations = {{"merge never hits its BUG() (no overlap)", !merge_would_bug(before)}};
    for (Obligation& h : merge_hints(before, runs, a)) body.obligations.push_back(std::move(h));
    for (Obligation ob : std::vector<Obligation>{
             {"After is well-formed (sorted, disjoint, positive sizes)", well_formed(after)},
             {"After is maximal (touching regions differ in nid or flags)", maximal(after)},
             {"Coverage is unchanged", rel.coverage},
             {"Attributes are unchanged", rel.attributes},
         })
      body.obligations.push_back(std::move(ob));
    add_objectives(body, before, {});
    z3::expr z = addr_val(c, 0);
    body.witness = memblock_witness({MbOp::Merge, before, after, z, z, nid_val(c, 0), flag_val(c, 0)});
    return body;
  };
  return d;
}

}  // namespace mbv::proofs
