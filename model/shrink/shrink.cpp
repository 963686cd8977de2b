// The scenario shrinker (see shrink.h).
#include "model/shrink/shrink.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <map>

namespace mbv {

namespace {

std::uint64_t width(std::uint64_t v) { return v ? 64 - static_cast<std::uint64_t>(std::countl_zero(v)) : 0; }

// Every address or size of a scenario, by position, so a pass can change the
// k-th number of a copy. `is_addr`: addresses may go to 0; sizes may not.
struct NumRef {
  std::uint64_t* value;
  bool is_addr;
};

std::vector<NumRef> numbers(Scenario& s) {
  std::vector<NumRef> out;
  for (E820Entry& e : s.e820) {
    out.push_back({&e.addr, true});
    out.push_back({&e.size, false});
  }
  for (ScenarioSratMem& m : s.srat.mem) {
    out.push_back({&m.base, true});
    out.push_back({&m.length, false});
  }
  out.push_back({&s.kernel.size, false});
  if (s.kernel.at) out.push_back({&*s.kernel.at, true});
  for (Op& op : s.ops) {
    out.push_back({&op.a, true});
    out.push_back({&op.b, false});
  }
  return out;
}

// The highest address e820, SRAT or the kernel mention.
std::uint64_t span_end(const Scenario& s) {
  std::uint64_t end = 0;
  for (const E820Entry& e : s.e820) end = std::max(end, e.addr + e.size);
  for (const ScenarioSratMem& m : s.srat.mem) end = std::max(end, m.base + m.length);
  if (s.kernel.at) end = std::max(end, *s.kernel.at + s.kernel.size);
  return end;
}

std::string join_options(const std::vector<std::string>& opts) {
  std::string out;
  for (const std::string& o : opts) out += (out.empty() ? "" : " ") + o;
  return out;
}

// What the shrinker compares against: the signature and its verdict class.
struct Target {
  ViolationSignature signature;
  InvariantVerdict verdict;
  bool may_panic;
  bool srat_used;
  bool kernel_in_ram;
};

class Shrinker {
 public:
  Shrinker(const ShrinkOptions& opt, Target target, Scenario start)
      : opt_(opt), target_(std::move(target)), best_(std::move(start)), size_(scenario_size(best_)),
        span_limit_(span_end(best_)), t0_(std::chrono::steady_clock::now()) {}

  void run() {
    bool changed = true;
    int round = 0;
    while (changed && !out_of_time()) {
      changed = false;
      ++round;
      changed |= pass("drop ops", [&] { return drop_elems([](Scenario& s) -> auto& { return s.ops; }); });
      changed |= pass("drop reservations",
                      [&] { return drop_elems([](Scenario& s) -> auto& { return s.reserves; }); });
      changed |= pass("drop e820 entries",
                      [&] { return drop_elems([](Scenario& s) -> auto& { return s.e820; }); });
      changed |= pass("drop SRAT memory entries",
                      [&] { return drop_elems([](Scenario& s) -> auto& { return s.srat.mem; }); });
      changed |= pass("drop SRAT CPU entries",
                      [&] { return drop_elems([](Scenario& s) -> auto& { return s.srat.cpus; }); });
      changed |= pass("drop command-line options", [&] { return drop_cmdline(); });
      changed |= pass("drop SLIT", [&] {
        if (!best_.slit_localities) return false;
        Scenario c = best_;
        c.slit_localities = 0;
        return attempt(c);
      });
      changed |= pass("merge SRAT entries", [&] { return merge_srat_entries(); });
      changed |= pass("merge nodes", [&] { return merge_nodes(); });
      changed |= pass("merge e820 entries", [&] { return merge_e820(); });
      changed |= pass("move the kernel", [&] { return kernel(); });
      changed |= pass("simplify CPU features", [&] { return cpu(); });
      changed |= pass("halve and round numbers", [&] { return round_numbers(); });
      changed |= pass("renumber PXMs", [&] { return renumber_pxms(); });
      say("round " + std::to_string(round) + " done: " + size_.to_string());
    }
  }

  const Scenario& best() const { return best_; }
  const ScenarioSize& size() const { return size_; }
  std::size_t tests() const { return tests_; }
  std::size_t accepted() const { return accepted_; }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  }
  bool timed_out() const { return timed_out_; }

 private:
  bool out_of_time() {
    if (seconds() >= opt_.time_budget_s) timed_out_ = true;
    return timed_out_;
  }

  void say(const std::string& line) {
    if (opt_.progress) {
      char buf[64];
      std::snprintf(buf, sizeof buf, " (%zu boots, %.2f s)", tests_, seconds());
      opt_.progress("shrink: " + line + buf);
    }
  }

  template <typename F>
  bool pass(const char* name, F&& f) {
    if (out_of_time()) return false;
    const ScenarioSize before = size_;
    bool any = false;
    while (!out_of_time() && f()) any = true;
    if (any) say(std::string(name) + ": " + before.to_string() + " -> " + size_.to_string());
    return any;
  }

  // Keeps `c` when it is smaller and still fails the same way.
  bool attempt(const Scenario& c) {
    const ScenarioSize sz = scenario_size(c);
    if (!(sz < size_) || out_of_time()) return false;
    // Never a bigger machine than the original: one boot of a huge span
    // (sparse memmap per 128 MiB section) could outlast any budget.
    if (span_end(c) > span_limit_) return false;
    ++tests_;
    auto j = judge_scenario(c, target_.signature.property, opt_.boot);
    if (!j || !j->signature || *j->signature != target_.signature) return false;
    if (j->property_verdict != target_.verdict) return false;
    if (j->panicked && !target_.may_panic) return false;
    // A machine whose SRAT the kernel accepted stays one: a minimal machine
    // should not lean on numa_init falling back to a dummy node.
    if (target_.srat_used && !j->srat_used) return false;
    // Nor does the kernel image move out of firmware RAM: the pipeline would
    // still boot it (e820_add_kernel_range), but no real machine looks so.
    if (target_.kernel_in_ram && !j->kernel_in_ram) return false;
    best_ = c;
    size_ = sz;
    ++accepted_;
    return true;
  }

  // One sweep of chunk removal (halves, quarters, ... single elements);
  // true when anything was removed.
  template <typename Get>
  bool drop_elems(Get get) {
    bool any = false;
    for (std::size_t chunk = std::max<std::size_t>(get(best_).size() / 2, 1); chunk >= 1; chunk /= 2) {
      for (std::size_t i = 0; i < get(best_).size() && !out_of_time();) {
        Scenario c = best_;
        auto& v = get(c);
        const std::size_t n = std::min(chunk, v.size() - i);
        v.erase(v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i + n));
        if (attempt(c)) {
          any = true;
        } else {
          i += n;
        }
      }
      if (chunk == 1) break;
    }
    return any;
  }

  bool drop_cmdline() {
    bool any = false;
    std::vector<std::string> opts = cmdline_options(best_.cmdline);
    for (std::size_t i = 0; i < opts.size() && !out_of_time();) {
      std::vector<std::string> fewer = opts;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
      Scenario c = best_;
      c.cmdline = join_options(fewer);
      if (attempt(c)) {
        opts = std::move(fewer);
        any = true;
      } else {
        ++i;
      }
    }
    return any;
  }

  // Two SRAT memory entries of one PXM and flags, with no other entry
  // between them, become their hull.
  bool merge_srat_entries() {
    auto& mem = best_.srat.mem;
    for (std::size_t i = 0; i < mem.size(); ++i) {
      for (std::size_t j = 0; j < mem.size(); ++j) {
        if (i == j || mem[i].pxm != mem[j].pxm || mem[i].flags != mem[j].flags) continue;
        if (mem[j].base < mem[i].base) continue;
        const std::uint64_t lo = mem[i].base;
        const std::uint64_t hi = std::max(mem[i].base + mem[i].length, mem[j].base + mem[j].length);
        bool between = false;
        for (std::size_t k = 0; k < mem.size(); ++k)
          if (k != i && k != j && mem[k].base < hi && lo < mem[k].base + mem[k].length) between = true;
        if (between) continue;
        Scenario c = best_;
        c.srat.mem[i].length = hi - lo;
        c.srat.mem.erase(c.srat.mem.begin() + static_cast<std::ptrdiff_t>(j));
        if (attempt(c)) return true;
      }
    }
    return false;
  }

  // Node b folds into node a (same hotplug kind): b's entries take a's PXM,
  // b's CPU entries go.
  bool merge_nodes() {
    std::map<std::uint32_t, std::uint32_t> flags_of;
    for (const ScenarioSratMem& m : best_.srat.mem) flags_of.emplace(m.pxm, m.flags);
    for (const auto& [a, fa] : flags_of) {
      for (const auto& [pb, fb] : flags_of) {
        const std::uint32_t b = pb;
        if (b <= a || fa != fb) continue;
        Scenario c = best_;
        for (ScenarioSratMem& m : c.srat.mem)
          if (m.pxm == b) m.pxm = a, m.node.reset();
        std::erase_if(c.srat.cpus, [&](const ScenarioSratCpu& cpu) { return cpu.pxm == b; });
        if (attempt(c)) return true;
      }
    }
    return false;
  }

  bool merge_e820() {
    std::vector<std::size_t> order(best_.e820.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return best_.e820[x].addr < best_.e820[y].addr; });
    for (std::size_t k = 0; k + 1 < order.size(); ++k) {
      const E820Entry& a = best_.e820[order[k]];
      const E820Entry& b = best_.e820[order[k + 1]];
      if (a.type != b.type) continue;
      Scenario c = best_;
      c.e820[order[k]].size = std::max(a.end(), b.end()) - a.addr;
      c.e820.erase(c.e820.begin() + static_cast<std::ptrdiff_t>(order[k + 1]));
      if (attempt(c)) return true;
    }
    return false;
  }

  bool kernel() {
    if (best_.kernel.kaslr_random_virt) {
      Scenario c = best_;
      c.kernel.kaslr_random_virt.reset();
      if (attempt(c)) return true;
    }
    if (best_.kernel.kaslr_random) {
      Scenario c = best_;
      c.kernel.kaslr_random.reset();
      if (attempt(c)) return true;
    }
    if (best_.kernel.at) {
      Scenario c = best_;
      c.kernel.at.reset();
      if (attempt(c)) return true;
    }
    return false;
  }

  bool cpu() {
    const ScenarioCpu def;
    for (int f = 0; f < 3; ++f) {
      Scenario c = best_;
      bool& field = f == 0 ? c.cpu.pse : f == 1 ? c.cpu.gbpages : c.cpu.la57;
      const bool want = f == 0 ? def.pse : f == 1 ? def.gbpages : def.la57;
      if (field == want) continue;
      field = want;
      if (attempt(c)) return true;
    }
    return false;
  }

  // For each number: 0 (addresses), half (sizes), then rounded down to the
  // largest power-of-two multiple, then rounded up; the first that keeps the
  // failure wins. Page granularity is the floor.
  bool round_numbers() {
    bool any = false;
    const std::size_t n = numbers(best_).size();
    for (std::size_t k = 0; k < n && !out_of_time(); ++k) {
      const NumRef ref = numbers(best_)[k];
      const std::uint64_t v = *ref.value;
      std::vector<std::uint64_t> cands;
      if (ref.is_addr && v) cands.push_back(0);
      if (!ref.is_addr && v / 2 >= SZ_4K && (v / 2) % SZ_4K == 0) cands.push_back(v / 2);
      for (int bit = 62; bit >= 12; --bit) {
        const std::uint64_t unit = 1ull << bit;
        const std::uint64_t down = v & ~(unit - 1);
        if (down != v && down != 0) cands.push_back(down);
      }
      // Rounding up stops at the next power of two above v.
      for (int bit = static_cast<int>(std::min<std::uint64_t>(width(v), 62)); bit >= 12; --bit) {
        const std::uint64_t unit = 1ull << bit;
        const std::uint64_t down = v & ~(unit - 1);
        if (down == v || down > ~0ull - unit) continue;
        const std::uint64_t up = down + unit;
        if (std::popcount(up) < std::popcount(v)) cands.push_back(up);
      }
      for (std::uint64_t cand : cands) {
        Scenario c = best_;
        *numbers(c)[k].value = cand;
        if (attempt(c)) {
          any = true;
          break;
        }
      }
    }
    return any;
  }

  // PXMs 0, 1, 2 ... in order of first appearance (fewer bits, same machine).
  bool renumber_pxms() {
    std::map<std::uint32_t, std::uint32_t> to;
    for (const ScenarioSratCpu& c : best_.srat.cpus) to.emplace(c.pxm, 0);
    for (const ScenarioSratMem& m : best_.srat.mem) to.emplace(m.pxm, 0);
    std::uint32_t next = 0;
    bool identity = true;
    std::vector<std::uint32_t> seen;
    auto visit = [&](std::uint32_t p) {
      if (std::find(seen.begin(), seen.end(), p) != seen.end()) return;
      seen.push_back(p);
      to[p] = next++;
      if (to[p] != p) identity = false;
    };
    for (const ScenarioSratCpu& c : best_.srat.cpus) visit(c.pxm);
    for (const ScenarioSratMem& m : best_.srat.mem) visit(m.pxm);
    if (identity) return false;
    Scenario c = best_;
    for (ScenarioSratCpu& x : c.srat.cpus) x.pxm = to[x.pxm];
    for (ScenarioSratMem& x : c.srat.mem) x.pxm = to[x.pxm];
    return attempt(c);
  }

  const ShrinkOptions& opt_;
  Target target_;
  Scenario best_;
  ScenarioSize size_;
  std::uint64_t span_limit_;
  std::chrono::steady_clock::time_point t0_;
  std::size_t tests_ = 0, accepted_ = 0;
  bool timed_out_ = false;
};

}  // namespace

std::string ScenarioSize::to_string() const {
  return std::to_string(items) + " items, " + std::to_string(bits) + " bits set, magnitude " +
         std::to_string(magnitude);
}

std::vector<std::string> cmdline_options(std::string_view cmdline) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char ch : cmdline) {
    if (ch == '"') quoted = !quoted;
    if (!quoted && (ch == ' ' || ch == '\t' || ch == '\n')) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += ch;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

ScenarioSize scenario_size(const Scenario& s) {
  ScenarioSize z;
  const ScenarioCpu def;
  z.items = s.e820.size() + s.srat.mem.size() + s.srat.cpus.size() + s.srat.binary.size() +
            s.reserves.size() + s.ops.size() + cmdline_options(s.cmdline).size() +
            (s.cpu.pse != def.pse) + (s.cpu.gbpages != def.gbpages) + (s.cpu.la57 != def.la57) +
            s.kernel.at.has_value() + s.kernel.kaslr_random.has_value() +
            s.kernel.kaslr_random_virt.has_value() + (s.slit_localities != 0);
  Scenario copy = s;
  for (const NumRef& n : numbers(copy)) {
    z.bits += static_cast<std::uint64_t>(std::popcount(*n.value));
    z.magnitude += width(*n.value);
  }
  for (const ScenarioReserve& r : s.reserves) {
    z.bits += static_cast<std::uint64_t>(std::popcount(r.range.start) + std::popcount(r.range.size()));
    z.magnitude += width(r.range.start) + width(r.range.size());
  }
  for (const ScenarioSratMem& m : s.srat.mem) z.bits += static_cast<std::uint64_t>(std::popcount(m.pxm));
  return z;
}

Result<ShrinkResult> shrink_scenario(const Scenario& s, const ShrinkOptions& opt) {
  auto j = judge_scenario(s, opt.property, opt.boot);
  if (!j) return j.error();
  if (!j->signature) {
    return make_error(ErrorCode::BadInput,
                      opt.property.empty() ? "the scenario boots without violating any invariant: nothing to shrink"
                                           : "the scenario boots without violating " + opt.property +
                                                 ": nothing to shrink",
                      SourceLoc{s.name});
  }
  Scenario start = s;
  start.finding.reset();
  start.expect.reset();
  start.expect_dmesg.clear();
  Shrinker sh(opt, Target{*j->signature, j->property_verdict, j->panicked, j->srat_used, j->kernel_in_ram}, start);
  if (opt.progress)
    opt.progress("shrink: target " + signature_string(*j->signature) + " (" +
                 std::string(invariant_verdict_name(j->property_verdict)) + "), start " +
                 scenario_size(start).to_string());
  sh.run();
  ShrinkResult r;
  r.minimal = sh.best();
  r.minimal.finding = *j->signature;
  r.minimal.expect = j->property_verdict == InvariantVerdict::Failure ? ExpectedVerdict::Failure
                                                                      : ExpectedVerdict::Finding;
  r.signature = *j->signature;
  r.verdict = j->property_verdict;
  r.size_before = scenario_size(start);
  r.size_after = sh.size();
  r.tests = sh.tests();
  r.accepted = sh.accepted();
  r.seconds = sh.seconds();
  r.timed_out = sh.timed_out();
  // The declared verdict is the boot's overall one (a minimal machine may
  // still violate other, unrelated properties; `expect` states what replay sees).
  if (auto jm = judge_scenario(r.minimal, {}, opt.boot); jm) r.minimal.expect = expected_verdict_of(*jm);
  return r;
}

}  // namespace mbv
