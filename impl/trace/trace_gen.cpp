#include "impl/trace/trace_gen.h"

#include <array>

#include "impl/trace/typical_values.h"

namespace mbv {

namespace {

struct Weighted {
  OpKind kind;
  unsigned weight;
};

// Edits and allocations dominate, as in a boot; configuration and queries
// are sprinkled in. movable_node is set by TraceGenOptions, not mid-trace.
constexpr std::array<Weighted, 29> kWeights = {{
    {OpKind::AllowResize, 2},      {OpKind::SetBottomUp, 2},
    {OpKind::SetCurrentLimit, 2},  {OpKind::SetMirroredKernelcore, 2},
    {OpKind::Add, 12},             {OpKind::AddNode, 12},
    {OpKind::Remove, 5},           {OpKind::Reserve, 14},
    {OpKind::PhysFree, 6},         {OpKind::MarkHotplug, 4},
    {OpKind::ClearHotplug, 3},     {OpKind::MarkMirror, 3},
    {OpKind::MarkNomap, 3},        {OpKind::ClearNomap, 2},
    {OpKind::SetNode, 4},          {OpKind::TrimMemory, 1},
    {OpKind::CapMemoryRange, 1},   {OpKind::MemLimitRemoveMap, 1},
    {OpKind::EnforceMemoryLimit, 1}, {OpKind::PhysAllocRange, 5},
    {OpKind::PhysAllocTryNid, 4},  {OpKind::AllocTryNid, 4},
    {OpKind::AllocTryNidRaw, 2},   {OpKind::AllocExactNidRaw, 3},
    {OpKind::AllocLow, 2},         {OpKind::IsRegionReserved, 2},
    {OpKind::IsRegionMemory, 2},   {OpKind::SearchPfnNid, 2},
    {OpKind::FindInRange, 3},
}};

OpKind pick_kind(SplitMix64& g) {
  unsigned total = 0;
  for (const auto& w : kWeights) total += w.weight;
  unsigned r = static_cast<unsigned>(g.below(total));
  for (const auto& w : kWeights) {
    if (r < w.weight) return w.kind;
    r -= w.weight;
  }
  return OpKind::Add;
}

// 120..200 disjoint ranges in one type (for a static size m other than 128:
// m + 1 up to 2m + 8), so cnt passes the static size and the array
// doubles when resizing is allowed, or fails with -ENOMEM when it is not.
void fill_burst(SplitMix64& g, OpTrace& out, const TraceGenOptions& opt) {
  if (!g.one_in(4)) out.push_back(Op{OpKind::AllowResize});
  const bool memory = g.one_in(2);
  const std::uint64_t m = memory ? opt.init_memory : opt.init_reserved;
  const std::uint64_t n = m == INIT_MEMBLOCK_REGIONS ? 120 + g.below(81) : m + 1 + g.below(m + 8);
  const phys_addr_t step = SZ_4K << g.below(9);
  phys_addr_t base = (g.below(4096)) * SZ_1M;
  if (!memory) {
    // reserved arrays are placed in free memory: give them some
    out.push_back(Op{OpKind::Add, base, n * 2 * step + SZ_16M});
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    Op op{memory ? OpKind::Add : OpKind::Reserve, base + i * 2 * step, step};
    if (memory && g.one_in(8)) {
      op.kind = OpKind::AddNode;
      op.nid = static_cast<int>(g.below(4));
    }
    out.push_back(op);
  }
}

}  // namespace

OpTrace random_trace(std::uint64_t seed, const TraceGenOptions& opt) {
  SplitMix64 g(seed);
  TypicalValues tv;
  OpTrace out;
  out.reserve(opt.ops + 8);
  append_init_regions(out, opt.init_memory, opt.init_reserved);
  if (opt.movable_node) out.push_back(Op{OpKind::SetMovableNode, 1});
  const bool burst = opt.allow_fill_burst && g.one_in(16);
  const std::size_t burst_at = burst ? g.below(opt.ops + 1) : opt.ops + 1;
  for (std::size_t i = 0; i < opt.ops; ++i) {
    if (i == burst_at) fill_burst(g, out, opt);
    Op op;
    op.kind = pick_kind(g);
    const OpShape& sh = op_shape(op.kind);
    for (int s = 0; s < sh.count; ++s) {
      const unsigned cls = static_cast<unsigned>(g.below(TypicalValues::kClasses));
      set_field(op, sh.slots[s], tv.pick(sh.slots[s].role, cls, g.next(), op));
    }
    tv.note(op);
    out.push_back(op);
  }
  if (burst_at == opt.ops) fill_burst(g, out, opt);
  return out;
}

}  // namespace mbv
