#include "model/diff/differential.h"

#include <algorithm>

#include "model/diff/ddmin.h"

namespace mbv {

namespace {

std::string hex(std::int64_t v) {
  char buf[32];
  if (v < 0 && v > -4096)
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string uhex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// The first field where two states differ, e.g. "reserved[1].base: model
// 0x1000, kernel 0x2000" ("" when equal).
std::string first_difference(const Memblock& m, const Memblock& k) {
  auto field = [](const std::string& what, std::uint64_t a, std::uint64_t b) {
    return a == b ? std::string() : what + ": model " + uhex(a) + ", kernel " + uhex(b);
  };
  std::string d;
  auto take = [&](std::string s) {
    if (d.empty()) d = std::move(s);
  };
  take(field("bottom_up", m.bottom_up, k.bottom_up));
  take(field("current_limit", m.current_limit, k.current_limit));
  take(field("can_resize", m.can_resize, k.can_resize));
  take(field("movable_node", m.movable_node, k.movable_node));
  take(field("mirrored_kernelcore", m.mirrored_kernelcore, k.mirrored_kernelcore));
  take(field("system_has_some_mirror", m.system_has_some_mirror, k.system_has_some_mirror));
  for (MemblockTypeId t : {MemblockTypeId::Memory, MemblockTypeId::Reserved}) {
    const MemblockType &a = m.type(t), &b = k.type(t);
    const std::string n = type_name(t);
    take(field(n + ".cnt", a.cnt(), b.cnt()));
    take(field(n + ".max", a.max, b.max));
    take(field(n + ".total_size", a.total_size, b.total_size));
    take(field(n + ".array", a.array_phys, b.array_phys));
    for (std::size_t i = 0; i < std::min(a.cnt(), b.cnt()); ++i) {
      const std::string r = n + "[" + std::to_string(i) + "]";
      take(field(r + ".base", a.regions[i].base, b.regions[i].base));
      take(field(r + ".size", a.regions[i].size, b.regions[i].size));
      take(field(r + ".flags", a.regions[i].flags, b.regions[i].flags));
      take(field(r + ".nid", static_cast<std::uint64_t>(a.regions[i].nid),
                 static_cast<std::uint64_t>(b.regions[i].nid)));
    }
  }
  return d;
}

const char* kind_line(DivergenceKind k) {
  switch (k) {
    case DivergenceKind::ReturnValue: return "return values differ";
    case DivergenceKind::State: return "states differ after the op";
    case DivergenceKind::KernelBug: return "the kernel hit BUG() and the model recorded the same BUG";
    case DivergenceKind::BugMismatch: return "only one side hit a kernel BUG, or at another line";
    case DivergenceKind::Iterator: return "an iterator walk differs after the trace";
  }
  return "?";
}

std::string switches(const Memblock& m) {
  std::string s = "bottom_up=" + std::to_string(m.bottom_up) +
                  " current_limit=" + uhex(m.current_limit) +
                  " can_resize=" + std::to_string(m.can_resize) +
                  " movable_node=" + std::to_string(m.movable_node) +
                  " mirrored_kernelcore=" + std::to_string(m.mirrored_kernelcore) +
                  " system_has_some_mirror=" + std::to_string(m.system_has_some_mirror);
  for (MemblockTypeId t : {MemblockTypeId::Memory, MemblockTypeId::Reserved}) {
    const MemblockType& ty = m.type(t);
    s += std::string("\n  ") + type_name(t) + ": cnt=" + std::to_string(ty.cnt()) +
         " max=" + std::to_string(ty.max) + " total_size=" +
         uhex(ty.total_size) + " array=" + (ty.array_phys ? uhex(ty.array_phys) : "static");
  }
  return s;
}

}  // namespace

std::string Divergence::describe() const {
  const char* head = kind == DivergenceKind::KernelBug ? "kernel BUG at op " : "divergence at op ";
  std::string s = head + std::to_string(op_index + 1) + " of " + std::to_string(trace.size()) +
                  ": " + to_string(trace[op_index]) + "\n";
  s += std::string("  ") + kind_line(kind) + "\n";
  if (kind == DivergenceKind::State)
    s += "  first difference: " + first_difference(model_after, oracle_after) + "\n";
  if (!detail.empty()) s += "  " + detail + "\n";
  auto bug = [](int line) {
    return line ? "BUG at mm/memblock.c:" + std::to_string(line) : std::string("no BUG");
  };
  if (kind == DivergenceKind::KernelBug || kind == DivergenceKind::BugMismatch)
    s += "  kernel: " + bug(bug_line) + "; model: " + bug(model_bug_line) +
         " (a real kernel stops here)\n";
  if (kind != DivergenceKind::KernelBug)
    s += "  model returned " + hex(model_result.value) + ", kernel returned " +
         hex(oracle_result.value) + "\n";
  s += "trace:\n";
  for (std::size_t i = 0; i < trace.size(); ++i)
    s += (i == op_index ? "  > " : "    ") + to_string(trace[i]) + "\n";
  s += "state before the op (both agreed):\n" + switches(model_before) + "\n" + model_before.dump();
  if (kind == DivergenceKind::KernelBug) return s;
  s += "model after:\n" + switches(model_after) + "\n" + model_after.dump();
  s += "kernel after:\n" + switches(oracle_after) + "\n" + oracle_after.dump();
  return s;
}

Differential::Differential(KernelOracle& oracle, ModelStep step)
    : oracle_(oracle), step_(step ? std::move(step) : ModelStep(apply_op)) {}

std::optional<Divergence> Differential::run(std::span<const Op> trace, const AgreedStep& on_agreed) {
  oracle_.reset();
  model_ = Memblock();
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const Op& op = trace[i];
    const OracleOutcome out = oracle_.apply(op);
    const OpResult mr = step_(model_, op);
    ++ops_run_;
    const int model_bug = kernel_bug_line(model_.kernel_bug);
    if (out.kernel_bug || model_bug) {
      // a real kernel would have stopped here: the trace ends either way
      Divergence d = make(out.kernel_bug && model_bug == out.bug_line ? DivergenceKind::KernelBug
                                                                      : DivergenceKind::BugMismatch,
                          trace, i);
      d.model_result = mr;
      d.oracle_result = out.result;
      d.bug_line = out.bug_line;
      d.model_bug_line = model_bug;
      if (out.kernel_bug) d.oracle_after = Memblock();  // half-edited: not shown
      oracle_.reset();  // a BUG leaves the kernel state half-edited
      return d;
    }
    std::string detail;
    if (op.kind == OpKind::SearchPfnNid && mr == out.result) {
      // the pfn span is an output too
      std::uint64_t s = 0, e = 0;
      model_.search_pfn_nid(op.a, &s, &e);
      if (s != out.start_pfn || e != out.end_pfn)
        detail = "memblock_search_pfn_nid span: model [" + uhex(s) + ", " + uhex(e) + "), kernel [" +
                 uhex(out.start_pfn) + ", " + uhex(out.end_pfn) + ")";
    }
    DivergenceKind kind;
    if (!(mr == out.result) || !detail.empty()) {
      kind = DivergenceKind::ReturnValue;
    } else {
      oracle_.snapshot(oracle_state_);
      if (model_ == oracle_state_) {
        if (on_agreed && on_agreed(i, mr, model_)) return check_iterators(trace.first(i + 1));
        continue;
      }
      kind = DivergenceKind::State;
    }
    Divergence d = make(kind, trace, i);
    d.model_result = mr;
    d.oracle_result = out.result;
    d.detail = std::move(detail);
    return d;
  }
  return check_iterators(trace);
}

Divergence Differential::make(DivergenceKind kind, std::span<const Op> trace, std::size_t i) {
  Divergence d;
  d.kind = kind;
  d.op_index = i;
  d.trace.assign(trace.begin(), trace.begin() + static_cast<std::ptrdiff_t>(i + 1));
  // the state before the op, rebuilt only now to keep the loop lean
  for (std::size_t j = 0; j < i; ++j) step_(d.model_before, trace[j]);
  d.model_after = model_;
  oracle_.snapshot(d.oracle_after);
  return d;
}

namespace {

std::string ranges_text(const std::vector<MemRange>& v) {
  std::string s = "{";
  for (const MemRange& r : v)
    s += " [" + uhex(r.start) + "-" + uhex(r.end) + ") nid " + std::to_string(r.nid) + ";";
  return s + " }";
}

std::string ranges_text(const std::vector<PfnRange>& v) {
  std::string s = "{";
  for (const PfnRange& r : v)
    s += " pfn [" + uhex(r.start_pfn) + "-" + uhex(r.end_pfn) + ") nid " + std::to_string(r.nid) + ";";
  return s + " }";
}

struct Walk {
  const char* name;
  MemblockTypeId a;
  std::optional<MemblockTypeId> b;
  int nid;
  std::uint32_t flags;
  bool reverse;
};

// The walks the kernel's users make (map 3.2), plus node and flag filters.
constexpr MemblockTypeId kMem = MemblockTypeId::Memory, kRes = MemblockTypeId::Reserved;
const Walk kWalks[] = {
    {"for_each_free_mem_range(NUMA_NO_NODE, NONE)", kMem, kRes, NUMA_NO_NODE, MEMBLOCK_NONE, false},
    {"for_each_free_mem_range_reverse(NUMA_NO_NODE, NONE)", kMem, kRes, NUMA_NO_NODE, MEMBLOCK_NONE, true},
    {"for_each_free_mem_range(1, MIRROR)", kMem, kRes, 1, MEMBLOCK_MIRROR, false},
    {"for_each_free_mem_range_reverse(MAX_NUMNODES, NOMAP)", kMem, kRes, MAX_NUMNODES, MEMBLOCK_NOMAP, true},
    {"for_each_mem_range", kMem, std::nullopt, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, false},
    {"for_each_mem_range_rev", kMem, std::nullopt, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, true},
    {"for_each_reserved_mem_range", kRes, std::nullopt, NUMA_NO_NODE, MEMBLOCK_NONE, false},
    {"__for_each_mem_range(reserved - memory, 0, HOTPLUG)", kRes, kMem, 0, MEMBLOCK_HOTPLUG, false},
};

}  // namespace

std::optional<Divergence> Differential::check_iterators(std::span<const Op> trace) {
  if (trace.empty()) return std::nullopt;
  std::string detail;
  for (const Walk& w : kWalks) {
    auto m = model_.walk_mem_ranges(w.a, w.b, w.nid, w.flags, w.reverse);
    auto k = oracle_.walk_mem_ranges(w.a, w.b, w.nid, w.flags, w.reverse);
    if (m != k) {
      detail = std::string(w.name) + ": model " + ranges_text(m) + ", kernel " + ranges_text(k);
      break;
    }
  }
  if (detail.empty()) {
    for (int nid : {MAX_NUMNODES, 0, 1, NUMA_NO_NODE}) {
      auto m = model_.mem_pfn_ranges(nid);
      auto k = oracle_.mem_pfn_ranges(nid);
      if (m != k) {
        detail = "for_each_mem_pfn_range(" + std::to_string(nid) + "): model " + ranges_text(m) +
                 ", kernel " + ranges_text(k);
        break;
      }
    }
  }
  if (detail.empty()) return std::nullopt;
  Divergence d = make(DivergenceKind::Iterator, trace, trace.size() - 1);
  d.detail = std::move(detail);
  return d;
}

Divergence Differential::shrink(const Divergence& d, std::size_t* tests_run) {
  // Keep the class of finding: a model divergence must not shrink into a
  // kernel BUG or the other way round.
  const bool bug = d.kind == DivergenceKind::KernelBug;
  auto same_class = [&](const OpTrace& t) {
    auto r = run(t);
    return r.has_value() && (r->kind == DivergenceKind::KernelBug) == bug;
  };
  OpTrace small = ddmin(d.trace, same_class, tests_run);
  auto again = run(small);
  MB_CHECK(again.has_value(), "shrink: the minimal trace no longer diverges");
  return *again;
}

}  // namespace mbv
