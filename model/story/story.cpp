// The replay narrative (see story.h).
#include "model/story/story.h"

#include <cstdio>
#include <cstdlib>

#include "impl/numa/kprint.h"
#include "model/shrink/signature.h"
#include "model/story/op_story.h"

namespace mbv {

namespace {

// The "[mem 0x...-0x...]" range a log line prints, if any.
std::optional<PhysRange> printed_range(const std::string& line) {
  const std::size_t p = line.find("[mem 0x");
  if (p == std::string::npos) return std::nullopt;
  char* end = nullptr;
  const std::uint64_t a = std::strtoull(line.c_str() + p + 5, &end, 16);
  if (!end || *end != '-' || end[1] != '0' || end[2] != 'x') return std::nullopt;
  const std::uint64_t b = std::strtoull(end + 1, &end, 16);
  if (!end || *end != ']' || b < a || b == ~0ull) return std::nullopt;
  return PhysRange{a, b + 1};
}

bool hits(const std::vector<PhysRange>& set, const PhysRange& r) {
  for (const PhysRange& s : set)
    if (s.intersects(r)) return true;
  return false;
}

std::string hotplug_word(const BootState& st, const PhysRange& r) {
  std::uint64_t covered = 0;
  for (const SratTruthRange& t : st.truth)
    if (t.hotpluggable && t.range.intersects(r))
      covered += std::min(t.range.end, r.end) - std::max(t.range.start, r.start);
  return covered == 0 ? "no" : covered >= r.size() ? "YES" : "partly";
}

}  // namespace

std::string why_it_breaks(std::string_view property, const BootPolicy& policy, std::string_view owner) {
  if (property == "hotplug-safety") {
    std::string w =
        "Memory that SRAT declares hot-pluggable must hold no unmovable boot allocation, or the "
        "node can never be offlined (boot-memory-path.md 11.2.3).";
    if (owner == "direct-map-pgtable" && !policy.srat_before_direct_map) {
      w += policy.bottom_up_from_kernel_end
               ? " Under " + policy.name +
                     " SRAT is parsed only in initmem_init, after init_mem_mapping, and with "
                     "movable_node the page tables are allocated bottom-up starting at the "
                     "kernel's end: when the immovable memory above the kernel is too small for "
                     "them, they run on into the next node, which no HOTPLUG flag protects yet."
               : " Under " + policy.name +
                     " SRAT is parsed only in initmem_init, after init_mem_mapping: while the "
                     "direct map is built no HOTPLUG flag exists, and movable_node makes memblock "
                     "allocate bottom-up from the kernel's end, so the page tables fill the free "
                     "memory above the kernel and spill past the end of its node into memory "
                     "SRAT will later call hot-pluggable.";
    } else if (policy.srat_before_direct_map) {
      w += " " + policy.name + " marks HOTPLUG before the direct map, so an allocation there means "
           "the allocator did not skip hot-pluggable memory (or nothing else was left).";
    }
    return w;
  }
  if (property == "hot-remove-feasible")
    return "A node SRAT calls hot-pluggable is only removable when all of its memory is in "
           "ZONE_MOVABLE and no boot allocation sits in it; the kernel-node rule "
           "(numa_clear_kernel_node_hotplug) clears HOTPLUG on a whole node as soon as one "
           "reservation lands in it.";
  if (property == "movable-is-hotplug")
    return "With movable_node, ZONE_MOVABLE starts at the lowest HOTPLUG region of a node rounded "
           "to MAX_ORDER pages, so it need not be exactly the SRAT hot-pluggable memory.";
  if (property == "allocation-disjointness")
    return "memblock must never hand out a byte twice; an overlap is a bug in the model or in "
           "the allocator's bookkeeping.";
  if (property == "direct-map")
    return "init_mem_mapping must map all memory below max_pfn with leaves that stay inside one "
           "memory region, and take page tables from brk or already-mapped memory.";
  if (property == "zone-partition")
    return "free_area_init must split each node's present pages exactly among its zones.";
  if (property == "handoff-conservation")
    return "memblock_free_all must release exactly the memory pages no reservation covers.";
  return "";
}

// A memblock-spec scenario: its ops, judged step by step (op_story.h). A
// declared finding with empty nodes accepts any broken rule of that op.
Story tell_op_story(const Scenario& s) {
  const OpJudgement j = judge_op_scenario(s);
  Story story;
  story.signature = j.signature;
  story.overall = j.signature ? InvariantVerdict::Failure : InvariantVerdict::Holds;
  if (s.finding) {
    const ViolationSignature& d = *s.finding;
    story.signature_as_declared = j.signature && j.signature->property == d.property &&
                                  j.signature->policy == d.policy && j.signature->owner == d.owner &&
                                  (d.nodes.empty() || j.signature->nodes == d.nodes);
  }
  if (s.expect) story.verdict_as_declared = verdict_matches(*s.expect, story.overall);
  std::string& out = story.text;
  out += "== " + (s.name.empty() ? std::string("scenario") : s.name) + " (memblock operations) ==\n";
  if (s.finding) out += "declared: " + signature_string(*s.finding) + "\n";
  out += "observed: " + (j.signature ? signature_string(*j.signature) : std::string("no violation")) +
         (s.finding ? (story.signature_as_declared ? "  (same bug)" : "  (DIFFERENT from declared)") : "") + "\n\n";
  out += j.text;
  out += std::string("overall: ") + (j.signature ? "FAILURE" : "OK") +
         (s.expect ? std::string(", declared ") + std::string(verdict_name(*s.expect)) +
                         (story.verdict_as_declared ? " (as declared)" : " (NOT as declared)")
                   : std::string()) +
         "\n";
  return story;
}

Result<Story> tell_story(const Scenario& s, const StoryOptions& opt) {
  if (is_op_scenario(s)) return tell_op_story(s);
  auto st_r = run_boot(s, opt.boot);
  if (!st_r) return st_r.error();
  const BootState& st = *st_r;
  const InvariantReport rep = check_invariants(st);
  std::string property = opt.property;
  if (property.empty() && s.finding) property = s.finding->property;

  Story story;
  story.overall = rep.overall();
  story.signature = signature_of(rep, property);
  if (s.finding) story.signature_as_declared = story.signature && *story.signature == *s.finding;
  if (s.expect) story.verdict_as_declared = verdict_matches(*s.expect, rep.overall());
  const std::vector<PhysRange> bad = violating_ranges(rep, story.signature ? story.signature->property : property);
  story.map = memory_map(st, bad);

  std::string& out = story.text;
  out += "== " + (s.name.empty() ? std::string("scenario") : s.name) + " (policy " + st.policy.name + ") ==\n";
  if (s.finding) out += "declared: " + signature_string(*s.finding) + "\n";
  out += "observed: " + (story.signature ? signature_string(*story.signature) : std::string("no violation")) +
         (s.finding ? (story.signature_as_declared ? "  (same bug)" : "  (DIFFERENT from declared)") : "") +
         "\n";
  if (!s.cmdline.empty()) out += "command line: " + s.cmdline + "\n";

  out += "\n-- boot account --\n";
  for (const std::string& l : st.log) {
    const auto r = printed_range(l);
    out += (r && hits(bad, *r) ? ">> " : "   ") + std::string("[    0.000000] ") + l + "\n";
  }
  if (st.panic) out += ">> panic: " + *st.panic + "\n";

  out += "\n-- boot allocations (runs) --\n";
  char buf[320];
  std::snprintf(buf, sizeof buf, "   %-20s %-40s %6s %5s %s\n", "owner", "range", "pieces", "node", "hotplug");
  out += buf;
  for (const AllocRun& run : allocation_runs(st.events)) {
    const std::string range = kmem_range(run.range.start, run.range.end, 16);
    const int nid = truth_node_of(st.truth, run.range.start);
    std::snprintf(buf, sizeof buf, "%s %-20s %-40s %6zu %5s %s\n", hits(bad, run.range) ? ">>" : "  ",
                  std::string(owner_name(run.owner)).c_str(), range.c_str(), run.events,
                  nid == NUMA_NO_NODE ? "-" : std::to_string(nid).c_str(), hotplug_word(st, run.range).c_str());
    out += buf;
  }

  out += "\n-- memory map (top address first) --\n";
  out += ascii_map(story.map);

  out += "\n-- verdict --\n";
  const InvariantResult* broken = nullptr;
  for (const InvariantResult& r : rep.results)
    if (story.signature && r.name == story.signature->property) broken = &r;
  if (broken) {
    out += std::string(invariant_verdict_name(broken->verdict)) + ": " + broken->name + " is " +
           (broken->guaranteed ? "GUARANTEED" : "not guaranteed") + " by " + st.policy.name + "\n";
    out += "  invariant: " + broken->statement + "\n";
    std::size_t shown = 0;
    for (const Violation& v : broken->violations) {
      if (shown++ == 4) {
        out += "  ... " + std::to_string(broken->violations.size() - 4) + " more violations\n";
        break;
      }
      out += "  - " + v.what + "\n";
    }
    out += "  why: " + why_it_breaks(broken->name, st.policy, story.signature->owner) + "\n";
    out += "  policy " + st.policy.name + ": " + st.policy.summary + "\n";
  } else {
    out += "no invariant" + (property.empty() ? std::string() : " (" + property + ")") + " is violated\n";
  }
  out += "overall: " + std::string(invariant_verdict_name(rep.overall()));
  if (s.expect)
    out += ", declared " + std::string(verdict_name(*s.expect)) +
           (story.verdict_as_declared ? " (as declared)" : " (NOT as declared)");
  out += "\n";
  return story;
}

}  // namespace mbv
