// The memory map of a boot (see memory_map.h).
#include "model/story/memory_map.h"

#include <algorithm>
#include <map>
#include <set>

#include "impl/numa/kprint.h"

namespace mbv {

std::vector<AllocRun> allocation_runs(const std::vector<AllocEvent>& events) {
  std::map<Owner, std::vector<PhysRange>> by_owner;
  for (const AllocEvent& e : events)
    if (!e.range.empty()) by_owner[e.owner].push_back(e.range);
  std::vector<AllocRun> out;
  for (auto& [owner, ranges] : by_owner) {
    std::sort(ranges.begin(), ranges.end(),
              [](const PhysRange& a, const PhysRange& b) { return a.start < b.start; });
    for (const PhysRange& r : ranges) {
      if (!out.empty() && out.back().owner == owner && r.start <= out.back().range.end) {
        out.back().range.end = std::max(out.back().range.end, r.end);
        ++out.back().events;
      } else {
        out.push_back({owner, r, 1});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const AllocRun& a, const AllocRun& b) {
    return a.range.start != b.range.start ? a.range.start < b.range.start : a.owner < b.owner;
  });
  return out;
}

std::vector<PhysRange> violating_ranges(const InvariantReport& rep, std::string_view property) {
  if (property.empty()) {
    if (auto sig = rep.signature()) property = sig->property;
  }
  std::vector<AllocEvent> evs;
  for (const InvariantResult& r : rep.results) {
    if (r.name != property) continue;
    for (const Violation& v : r.violations)
      if (v.event) evs.push_back(*v.event);
  }
  std::vector<PhysRange> out;
  for (const AllocRun& run : allocation_runs(evs)) out.push_back(run.range);
  return out;
}

namespace {

std::string e820_word(const E820Table& t, const PhysRange& r) {
  for (const E820Entry& e : t.entries)
    if (e.size && e.addr <= r.start && r.end <= e.end()) return std::string(e820_type_name(e.type));
  return "hole";
}

bool same_labels(const MapSegment& a, const MapSegment& b) {
  return a.nid == b.nid && a.hotplug == b.hotplug && a.e820 == b.e820 && a.owners == b.owners &&
         a.violating == b.violating;
}

}  // namespace

std::vector<MapSegment> memory_map(const BootState& st, const std::vector<PhysRange>& violating) {
  const std::vector<AllocRun> runs = allocation_runs(st.events);
  std::set<phys_addr_t> cuts;
  auto add = [&](const PhysRange& r) {
    if (r.empty()) return;
    cuts.insert(r.start);
    cuts.insert(r.end);
  };
  for (const SratTruthRange& t : st.truth) add(t.range);
  for (const E820Entry& e : st.e820_firmware.entries) add({e.addr, e.addr + e.size});
  for (const AllocRun& r : runs) add(r.range);
  for (const PhysRange& v : violating) add(v);
  std::vector<MapSegment> out;
  for (auto it = cuts.begin(); it != cuts.end() && std::next(it) != cuts.end(); ++it) {
    MapSegment s;
    s.range = {*it, *std::next(it)};
    for (const SratTruthRange& t : st.truth)
      if (t.range.start <= s.range.start && s.range.end <= t.range.end) s.nid = t.nid, s.hotplug = t.hotpluggable;
    s.e820 = e820_word(st.e820_firmware, s.range);
    for (const AllocRun& r : runs)
      if (r.range.intersects(s.range)) {
        const std::string o(owner_name(r.owner));
        if (std::find(s.owners.begin(), s.owners.end(), o) == s.owners.end()) s.owners.push_back(o);
      }
    for (const PhysRange& v : violating)
      if (v.intersects(s.range)) s.violating = true;
    if (s.e820 == "hole" && s.nid == NUMA_NO_NODE && s.owners.empty()) continue;
    if (!out.empty() && out.back().range.end == s.range.start && same_labels(out.back(), s))
      out.back().range.end = s.range.end;
    else
      out.push_back(std::move(s));
  }
  return out;
}

namespace {

std::string human_size(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  double v = static_cast<double>(n);
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, v == static_cast<double>(static_cast<std::uint64_t>(v)) ? "%.0f %s" : "%.1f %s",
                v, units[u]);
  return buf;
}

std::string label(const MapSegment& s) {
  std::string l = s.nid == NUMA_NO_NODE ? "no node" : "node " + std::to_string(s.nid);
  l += s.hotplug ? " HOTPLUG" : "        ";
  l += "  " + s.e820;
  for (const std::string& o : s.owners) l += "  " + o;
  return l;
}

}  // namespace

std::string ascii_map(const std::vector<MapSegment>& map) {
  std::string out;
  const std::string rule = "+------------------------------------------------------------\n";
  for (std::size_t i = map.size(); i-- > 0;) {
    const MapSegment& s = map[i];
    if (i + 1 == map.size() || map[i + 1].range.start != s.range.end)
      out += khex(s.range.end, 16) + " " + rule;
    out += std::string(18, ' ') + " | " + label(s) + " (" + human_size(s.range.size()) + ")" +
           (s.violating ? "   <== VIOLATION" : "") + "\n";
    out += khex(s.range.start, 16) + " " + rule;
    if (i > 0 && map[i - 1].range.end != s.range.start) out += std::string(18, ' ') + " ~ (hole)\n";
  }
  return out;
}

}  // namespace mbv
