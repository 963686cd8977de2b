// Op traces: applying an Op to the model, and its one-line text form (the
// kernel call it stands for), which scenario files embed.
#include "impl/memblock/op.h"

#include <array>
#include <cinttypes>
#include <cstdio>

namespace mbv {

namespace {

// One printed argument of a kind, in call order.
// CountA/CountB: a and b printed in decimal (array sizes, not addresses).
enum class Slot : std::uint8_t { A, B, C, D, Nid, Flags, Type, BoolA, CountA, CountB };

struct KindInfo {
  OpKind kind;
  std::string_view name;
  std::array<Slot, 5> slots;
  std::uint8_t nslots;
};

using S = Slot;
constexpr std::array<KindInfo, kOpKindCount> kKinds = {{
    {OpKind::AllowResize, "memblock_allow_resize", {}, 0},
    {OpKind::SetBottomUp, "memblock_set_bottom_up", {S::BoolA}, 1},
    {OpKind::SetCurrentLimit, "memblock_set_current_limit", {S::A}, 1},
    {OpKind::SetMovableNode, "movable_node", {S::BoolA}, 1},
    {OpKind::SetMirroredKernelcore, "kernelcore_mirror", {S::BoolA}, 1},
    {OpKind::Add, "memblock_add", {S::A, S::B}, 2},
    {OpKind::AddNode, "memblock_add_node", {S::A, S::B, S::Nid, S::Flags}, 4},
    {OpKind::Remove, "memblock_remove", {S::A, S::B}, 2},
    {OpKind::Reserve, "memblock_reserve", {S::A, S::B}, 2},
    {OpKind::PhysFree, "memblock_phys_free", {S::A, S::B}, 2},
    {OpKind::MarkHotplug, "memblock_mark_hotplug", {S::A, S::B}, 2},
    {OpKind::ClearHotplug, "memblock_clear_hotplug", {S::A, S::B}, 2},
    {OpKind::MarkMirror, "memblock_mark_mirror", {S::A, S::B}, 2},
    {OpKind::MarkNomap, "memblock_mark_nomap", {S::A, S::B}, 2},
    {OpKind::ClearNomap, "memblock_clear_nomap", {S::A, S::B}, 2},
    {OpKind::SetNode, "memblock_set_node", {S::A, S::B, S::Type, S::Nid}, 4},
    {OpKind::TrimMemory, "memblock_trim_memory", {S::A}, 1},
    {OpKind::CapMemoryRange, "memblock_cap_memory_range", {S::A, S::B}, 2},
    {OpKind::MemLimitRemoveMap, "memblock_mem_limit_remove_map", {S::A}, 1},
    {OpKind::EnforceMemoryLimit, "memblock_enforce_memory_limit", {S::A}, 1},
    {OpKind::PhysAllocRange, "memblock_phys_alloc_range", {S::A, S::B, S::C, S::D}, 4},
    {OpKind::PhysAllocTryNid, "memblock_phys_alloc_try_nid", {S::A, S::B, S::Nid}, 3},
    {OpKind::AllocTryNid, "memblock_alloc_try_nid", {S::A, S::B, S::C, S::D, S::Nid}, 5},
    {OpKind::AllocTryNidRaw, "memblock_alloc_try_nid_raw", {S::A, S::B, S::C, S::D, S::Nid}, 5},
    {OpKind::AllocExactNidRaw, "memblock_alloc_exact_nid_raw", {S::A, S::B, S::C, S::D, S::Nid}, 5},
    {OpKind::AllocLow, "memblock_alloc_low", {S::A, S::B}, 2},
    {OpKind::IsRegionReserved, "memblock_is_region_reserved", {S::A, S::B}, 2},
    {OpKind::IsRegionMemory, "memblock_is_region_memory", {S::A, S::B}, 2},
    {OpKind::SearchPfnNid, "memblock_search_pfn_nid", {S::A}, 1},
    {OpKind::FindInRange, "memblock_find_in_range", {S::C, S::D, S::A, S::B}, 4},
    {OpKind::InitRegions, "init_memblock_regions", {S::CountA, S::CountB}, 2},
}};

constexpr bool kinds_in_order() {
  for (int i = 0; i < kOpKindCount; i++)
    if (static_cast<int>(kKinds[i].kind) != i) return false;
  return true;
}
static_assert(kinds_in_order(), "kKinds must list every OpKind in enum order");

const KindInfo& info(OpKind k) { return kKinds[static_cast<std::size_t>(k)]; }

struct FlagName {
  std::uint32_t bit;
  std::string_view name;
};
constexpr std::array<FlagName, 4> kFlagNames = {{
    {MEMBLOCK_HOTPLUG, "HOTPLUG"},
    {MEMBLOCK_MIRROR, "MIRROR"},
    {MEMBLOCK_NOMAP, "NOMAP"},
    {MEMBLOCK_DRIVER_MANAGED, "DRIVER_MANAGED"},
}};

struct NamedValue {
  std::string_view name;
  std::uint64_t value;
};
// Constants a hand-written trace may use for address arguments.
constexpr std::array<NamedValue, 17> kNamedValues = {{
    {"PHYS_ADDR_MAX", PHYS_ADDR_MAX},
    {"MEMBLOCK_ALLOC_ANYWHERE", MEMBLOCK_ALLOC_ANYWHERE},
    {"MEMBLOCK_ALLOC_ACCESSIBLE", MEMBLOCK_ALLOC_ACCESSIBLE},
    {"MEMBLOCK_ALLOC_NOLEAKTRACE", MEMBLOCK_ALLOC_NOLEAKTRACE},
    {"MEMBLOCK_LOW_LIMIT", MEMBLOCK_LOW_LIMIT},
    {"ARCH_LOW_ADDRESS_LIMIT", ARCH_LOW_ADDRESS_LIMIT},
    {"PAGE_SIZE", PAGE_SIZE},
    {"SMP_CACHE_BYTES", SMP_CACHE_BYTES},
    {"SZ_1K", SZ_1K},
    {"SZ_4K", SZ_4K},
    {"SZ_64K", SZ_64K},
    {"SZ_1M", SZ_1M},
    {"SZ_2M", SZ_2M},
    {"SZ_16M", SZ_16M},
    {"SZ_512M", SZ_512M},
    {"SZ_1G", SZ_1G},
    {"SZ_4G", SZ_4G},
}};

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

std::string nid_to_string(int nid) {
  if (nid == NUMA_NO_NODE) return "NUMA_NO_NODE";
  if (nid == MAX_NUMNODES) return "MAX_NUMNODES";
  return std::to_string(nid);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Error bad(std::string msg) { return make_error(ErrorCode::BadInput, std::move(msg)); }

// An unsigned 64-bit number: 0x-hex, decimal, or a named constant.
Result<std::uint64_t> parse_u64(std::string_view tok) {
  if (tok.empty()) return bad("empty argument");
  for (const NamedValue& nv : kNamedValues)
    if (tok == nv.name) return nv.value;
  std::uint64_t base = 10;
  std::string_view digits = tok;
  if (tok.size() > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  }
  std::uint64_t v = 0;
  for (char ch : digits) {
    std::uint64_t d;
    if (ch >= '0' && ch <= '9')
      d = static_cast<std::uint64_t>(ch - '0');
    else if (base == 16 && ch >= 'a' && ch <= 'f')
      d = static_cast<std::uint64_t>(ch - 'a' + 10);
    else if (base == 16 && ch >= 'A' && ch <= 'F')
      d = static_cast<std::uint64_t>(ch - 'A' + 10);
    else
      return bad("bad number '" + std::string(tok) + "'");
    if (v > (PHYS_ADDR_MAX - d) / base) return bad("number '" + std::string(tok) + "' exceeds 64 bits");
    v = v * base + d;
  }
  return v;
}

Result<int> parse_nid(std::string_view tok) {
  if (tok == "NUMA_NO_NODE") return NUMA_NO_NODE;
  if (tok == "MAX_NUMNODES") return MAX_NUMNODES;
  const bool neg = !tok.empty() && tok[0] == '-';
  auto v = parse_u64(neg ? tok.substr(1) : tok);
  if (!v) return bad("bad node id '" + std::string(tok) + "'");
  if (*v > (neg ? 0x80000000ull : 0x7fffffffull))
    return bad("node id '" + std::string(tok) + "' out of int range");
  return neg ? static_cast<int>(-static_cast<std::int64_t>(*v)) : static_cast<int>(*v);
}

Result<std::uint32_t> parse_flags(std::string_view tok) {
  if (tok == "NONE" || tok == "MEMBLOCK_NONE") return 0u;
  std::uint32_t flags = 0;
  while (true) {
    const std::size_t bar = tok.find('|');
    const std::string_view part = trim(tok.substr(0, bar));
    std::string_view name = part;
    if (name.starts_with("MEMBLOCK_")) name.remove_prefix(9);
    bool known = false;
    for (const FlagName& f : kFlagNames)
      if (name == f.name) {
        flags |= f.bit;
        known = true;
      }
    if (!known) {
      auto v = parse_u64(part);
      if (!v || *v > 0xffffffffull) return bad("bad memblock flags '" + std::string(part) + "'");
      flags |= static_cast<std::uint32_t>(*v);
    }
    if (bar == std::string_view::npos) break;
    tok.remove_prefix(bar + 1);
  }
  return flags;
}

Result<MemblockTypeId> parse_type(std::string_view tok) {
  if (tok == "memory" || tok == "&memblock.memory") return MemblockTypeId::Memory;
  if (tok == "reserved" || tok == "&memblock.reserved") return MemblockTypeId::Reserved;
  return bad("bad memblock type '" + std::string(tok) + "' (want memory or reserved)");
}

}  // namespace

std::string_view op_kind_name(OpKind kind) { return info(kind).name; }

Op canonical_op(const Op& op) {
  Op c;
  c.kind = op.kind;
  const KindInfo& ki = info(op.kind);
  for (int i = 0; i < ki.nslots; i++) {
    switch (ki.slots[i]) {
      case Slot::A:
      case Slot::BoolA:
      case Slot::CountA: c.a = op.a; break;
      case Slot::B:
      case Slot::CountB: c.b = op.b; break;
      case Slot::C: c.c = op.c; break;
      case Slot::D: c.d = op.d; break;
      case Slot::Nid: c.nid = op.nid; break;
      case Slot::Flags: c.flags = op.flags; break;
      case Slot::Type: c.type = op.type; break;
    }
  }
  return c;
}

OpResult apply_op(Memblock& mb, const Op& op) {
  auto addr = [](phys_addr_t a) { return OpResult{static_cast<std::int64_t>(a)}; };
  auto ret = [](int r) { return OpResult{r}; };
  switch (op.kind) {
    case OpKind::AllowResize: mb.allow_resize(); return ret(0);
    case OpKind::SetBottomUp: mb.set_bottom_up(op.a != 0); return ret(0);
    case OpKind::SetCurrentLimit: mb.set_current_limit(op.a); return ret(0);
    case OpKind::SetMovableNode: mb.movable_node = op.a != 0; return ret(0);
    case OpKind::SetMirroredKernelcore: mb.mirrored_kernelcore = op.a != 0; return ret(0);
    case OpKind::Add: return ret(mb.add(op.a, op.b));
    case OpKind::AddNode: return ret(mb.add_node(op.a, op.b, op.nid, op.flags));
    case OpKind::Remove: return ret(mb.remove(op.a, op.b));
    case OpKind::Reserve: return ret(mb.reserve(op.a, op.b));
    case OpKind::PhysFree: return ret(mb.phys_free(op.a, op.b));
    case OpKind::MarkHotplug: return ret(mb.mark_hotplug(op.a, op.b));
    case OpKind::ClearHotplug: return ret(mb.clear_hotplug(op.a, op.b));
    case OpKind::MarkMirror: return ret(mb.mark_mirror(op.a, op.b));
    case OpKind::MarkNomap: return ret(mb.mark_nomap(op.a, op.b));
    case OpKind::ClearNomap: return ret(mb.clear_nomap(op.a, op.b));
    case OpKind::SetNode: return ret(mb.set_node(op.a, op.b, op.type, op.nid));
    case OpKind::TrimMemory: mb.trim_memory(op.a); return ret(0);
    case OpKind::CapMemoryRange: mb.cap_memory_range(op.a, op.b); return ret(0);
    case OpKind::MemLimitRemoveMap: mb.mem_limit_remove_map(op.a); return ret(0);
    case OpKind::EnforceMemoryLimit: mb.enforce_memory_limit(op.a); return ret(0);
    case OpKind::PhysAllocRange: return addr(mb.phys_alloc_range(op.a, op.b, op.c, op.d));
    case OpKind::PhysAllocTryNid: return addr(mb.phys_alloc_try_nid(op.a, op.b, op.nid));
    case OpKind::AllocTryNid: return addr(mb.alloc_try_nid(op.a, op.b, op.c, op.d, op.nid));
    case OpKind::AllocTryNidRaw: return addr(mb.alloc_try_nid_raw(op.a, op.b, op.c, op.d, op.nid));
    case OpKind::AllocExactNidRaw:
      return addr(mb.alloc_exact_nid_raw(op.a, op.b, op.c, op.d, op.nid));
    case OpKind::AllocLow: return addr(mb.alloc_low(op.a, op.b));
    case OpKind::IsRegionReserved: return ret(mb.is_region_reserved(op.a, op.b) ? 1 : 0);
    case OpKind::IsRegionMemory: return ret(mb.is_region_memory(op.a, op.b) ? 1 : 0);
    case OpKind::SearchPfnNid: {
      std::uint64_t s = 0, e = 0;
      return ret(mb.search_pfn_nid(op.a, &s, &e));
    }
    case OpKind::FindInRange: return addr(mb.find_in_range(op.c, op.d, op.a, op.b));
    case OpKind::InitRegions: return ret(mb.init_regions(op.a, op.b));
  }
  MB_CHECK(false, "apply_op: OpKind out of range");
  return {};
}

void append_init_regions(OpTrace& trace, std::uint64_t memory, std::uint64_t reserved) {
  if (memory != INIT_MEMBLOCK_REGIONS || reserved != INIT_MEMBLOCK_REGIONS)
    trace.push_back(Op{OpKind::InitRegions, memory, reserved});
}

std::vector<OpResult> apply_trace(Memblock& mb, std::span<const Op> trace) {
  std::vector<OpResult> out;
  out.reserve(trace.size());
  for (const Op& op : trace) out.push_back(apply_op(mb, op));
  return out;
}

std::string memblock_flags_to_string(std::uint32_t flags) {
  if (!flags) return "NONE";
  std::string s;
  for (const FlagName& f : kFlagNames) {
    if (!(flags & f.bit)) continue;
    if (!s.empty()) s += '|';
    s += f.name;
    flags &= ~f.bit;
  }
  if (flags) {
    if (!s.empty()) s += '|';
    s += hex(flags);
  }
  return s;
}

std::string to_string(const Op& op) {
  const KindInfo& ki = info(op.kind);
  std::string s(ki.name);
  s += '(';
  for (int i = 0; i < ki.nslots; i++) {
    if (i) s += ", ";
    switch (ki.slots[i]) {
      case Slot::A: s += hex(op.a); break;
      case Slot::B: s += hex(op.b); break;
      case Slot::C: s += hex(op.c); break;
      case Slot::D: s += hex(op.d); break;
      case Slot::BoolA:
      case Slot::CountA: s += std::to_string(op.a); break;
      case Slot::CountB: s += std::to_string(op.b); break;
      case Slot::Nid: s += nid_to_string(op.nid); break;
      case Slot::Flags: s += memblock_flags_to_string(op.flags); break;
      case Slot::Type: s += type_name(op.type); break;
    }
  }
  s += ')';
  return s;
}

Result<Op> parse_op(std::string_view line) {
  line = trim(line);
  const std::size_t open = line.find('(');
  if (open == std::string_view::npos)
    return bad("expected a call like memblock_add(0x1000, 0x2000), got '" + std::string(line) + "'");
  const std::string_view name = trim(line.substr(0, open));
  const KindInfo* ki = nullptr;
  for (const KindInfo& k : kKinds)
    if (k.name == name) ki = &k;
  if (!ki) return bad("unknown operation '" + std::string(name) + "'");
  if (line.back() != ')') return bad(std::string(name) + ": missing ')' at end of line");
  std::string_view args = trim(line.substr(open + 1, line.size() - open - 2));

  std::array<std::string_view, 8> toks{};
  std::size_t ntok = 0;
  if (!args.empty()) {
    while (true) {
      const std::size_t comma = args.find(',');
      if (ntok == toks.size()) return bad(std::string(name) + ": too many arguments");
      toks[ntok++] = trim(args.substr(0, comma));
      if (comma == std::string_view::npos) break;
      args.remove_prefix(comma + 1);
    }
  }
  if (ntok != ki->nslots)
    return bad(std::string(name) + " takes " + std::to_string(ki->nslots) + " argument" +
               (ki->nslots == 1 ? "" : "s") + ", got " + std::to_string(ntok));

  Op op;
  op.kind = ki->kind;
  for (std::size_t i = 0; i < ntok; i++) {
    const std::string where = std::string(name) + " argument " + std::to_string(i + 1) + ": ";
    const std::string_view tok = toks[i];
    switch (ki->slots[i]) {
      case Slot::A:
      case Slot::B:
      case Slot::C:
      case Slot::D:
      case Slot::BoolA:
      case Slot::CountA:
      case Slot::CountB: {
        std::uint64_t v;
        if (ki->slots[i] == Slot::BoolA && (tok == "true" || tok == "false")) {
          v = tok == "true";
        } else {
          auto r = parse_u64(tok);
          if (!r) return bad(where + r.error().message);
          v = *r;
        }
        switch (ki->slots[i]) {
          case Slot::B:
          case Slot::CountB: op.b = v; break;
          case Slot::C: op.c = v; break;
          case Slot::D: op.d = v; break;
          default: op.a = v; break;
        }
        break;
      }
      case Slot::Nid: {
        auto r = parse_nid(tok);
        if (!r) return bad(where + r.error().message);
        op.nid = *r;
        break;
      }
      case Slot::Flags: {
        auto r = parse_flags(tok);
        if (!r) return bad(where + r.error().message);
        op.flags = *r;
        break;
      }
      case Slot::Type: {
        auto r = parse_type(tok);
        if (!r) return bad(where + r.error().message);
        op.type = *r;
        break;
      }
    }
  }
  return op;
}

std::string trace_to_text(std::span<const Op> trace) {
  std::string s;
  for (const Op& op : trace) {
    s += to_string(op);
    s += '\n';
  }
  return s;
}

Result<OpTrace> parse_trace(std::string_view text, std::string_view filename) {
  OpTrace trace;
  std::uint64_t lineno = 0;
  while (!text.empty()) {
    ++lineno;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const std::size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto op = parse_op(line);
    if (!op) {
      Error e = op.error();
      e.where = SourceLoc{std::string(filename), lineno, 0, false};
      return e;
    }
    trace.push_back(*op);
  }
  return trace;
}

}  // namespace mbv
