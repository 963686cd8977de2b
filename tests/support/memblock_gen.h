// RapidCheck generators for memblock vocabulary, shared by every test.
//
// Values are weighted toward what kernels actually pass: page-aligned bases,
// SZ_* sizes, ranges near PHYS_ADDR_MAX, and ranges adjacent to or
// overlapping earlier ones (anchors), so that merges, splits and the top-of-
// address-space cap are exercised constantly. All functions are inline: this
// header is included by several test files.
#pragma once

#include <rapidcheck.h>

#include <ostream>
#include <vector>

#include "impl/common/types.h"
#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"

namespace mbv {
// Shown as the kernel call, so a shrunk counterexample pastes into a trace.
inline void showValue(const Op& op, std::ostream& os) { os << to_string(op); }
inline void showValue(const PhysRange& r, std::ostream& os) {
  os << "[" << std::hex << "0x" << r.start << ", 0x" << r.end << std::dec << ")";
}
}  // namespace mbv

namespace mbv::testgen {

// A unit the generated addresses are multiples of.
inline rc::Gen<std::uint64_t> gen_unit() {
  return rc::gen::weightedElement<std::uint64_t>(
      {{2, SZ_4K}, {4, SZ_64K}, {4, SZ_1M}, {2, SZ_2M}, {1, SZ_1G}});
}

// A physical address: mostly small multiples of a unit (so ranges collide),
// sometimes unaligned, near PHYS_ADDR_MAX, or anything.
inline rc::Gen<phys_addr_t> gen_addr() {
  using namespace rc;
  return gen::weightedOneOf<phys_addr_t>({
      {12, gen::apply([](std::uint64_t k, std::uint64_t u) { return k * u; },
                      gen::inRange<std::uint64_t>(0, 16), gen_unit())},
      {2, gen::apply([](std::uint64_t k, std::uint64_t off) { return k * SZ_4K + off; },
                     gen::inRange<std::uint64_t>(1, 64), gen::inRange<std::uint64_t>(1, SZ_4K))},
      {2, gen::apply([](std::uint64_t k, std::uint64_t off) { return PHYS_ADDR_MAX - k * SZ_4K - off; },
                     gen::inRange<std::uint64_t>(0, 4),
                     gen::elementOf(std::vector<std::uint64_t>{0, 1, 0xfff, 0x1000}))},
      {1, gen::arbitrary<std::uint64_t>()},
  });
}

// A size: SZ_* constants and unit multiples, sometimes 0, odd, or PHYS_ADDR_MAX.
inline rc::Gen<phys_addr_t> gen_size() {
  using namespace rc;
  return gen::weightedOneOf<phys_addr_t>({
      {10, gen::apply([](std::uint64_t k, std::uint64_t u) { return k * u; },
                      gen::inRange<std::uint64_t>(1, 9), gen_unit())},
      {3, gen::elementOf(std::vector<phys_addr_t>{SZ_4K, SZ_64K, SZ_1M, SZ_2M, SZ_16M, SZ_1G})},
      {1, gen::just(phys_addr_t{0})},
      {1, gen::inRange<phys_addr_t>(1, 2 * SZ_4K)},
      {1, gen::just(phys_addr_t{PHYS_ADDR_MAX})},
  });
}

// An alignment as allocation callers pass it (0 means SMP_CACHE_BYTES).
inline rc::Gen<phys_addr_t> gen_align() {
  return rc::gen::weightedElement<phys_addr_t>(
      {{1, 0}, {2, SMP_CACHE_BYTES}, {6, SZ_4K}, {2, SZ_64K}, {3, SZ_2M}, {1, SZ_1G}});
}

inline rc::Gen<int> gen_nid() {
  return rc::gen::weightedElement<int>({{6, 0}, {4, 1}, {2, 2}, {2, NUMA_NO_NODE}, {1, MAX_NUMNODES}});
}

inline rc::Gen<std::uint32_t> gen_flags() {
  return rc::gen::weightedElement<std::uint32_t>({{8, MEMBLOCK_NONE},
                                                  {4, MEMBLOCK_HOTPLUG},
                                                  {2, MEMBLOCK_MIRROR},
                                                  {2, MEMBLOCK_NOMAP},
                                                  {1, MEMBLOCK_HOTPLUG | MEMBLOCK_MIRROR},
                                                  {1, MEMBLOCK_DRIVER_MANAGED}});
}

// An address related to one of `anchors` (a region boundary seen so far):
// the anchor itself, just below or above it, or a fresh address.
inline rc::Gen<phys_addr_t> gen_addr_near(std::vector<phys_addr_t> anchors) {
  using namespace rc;
  if (anchors.empty()) return gen_addr();
  auto near = gen::apply(
      [](phys_addr_t a, std::int64_t d) { return a + static_cast<phys_addr_t>(d); }, gen::elementOf(anchors),
      gen::elementOf(std::vector<std::int64_t>{0, 0, 0, -4096, 4096, -65536, 65536, 1, -1}));
  return gen::weightedOneOf<phys_addr_t>({{3, near}, {2, gen_addr()}});
}

// A range that is adjacent to, overlaps, lies within or covers earlier ones.
inline rc::Gen<PhysRange> gen_range_near(std::vector<phys_addr_t> anchors) {
  using namespace rc;
  return gen::exec([anchors] {
    const phys_addr_t base = *gen_addr_near(anchors);
    const bool to_anchor = !anchors.empty() && *gen::weightedElement<int>({{1, 1}, {2, 0}});
    phys_addr_t size = *gen_size();
    if (to_anchor) {
      const phys_addr_t end = *gen_addr_near(anchors);
      if (end > base) size = end - base;
    }
    return PhysRange{base, base + std::min(size, PHYS_ADDR_MAX - base)};
  });
}

// One op of a trace before its addresses are tied to earlier ops: `base_pick`
// and `end_pick` choose (0: keep the generated value) a boundary of an earlier
// range op, so traces are full of adjacent, overlapping and nested pairs.
// Ties are resolved after generation, so shrinking can drop any op and the
// rest still resolve.
struct OpSeed {
  Op op;
  std::uint8_t base_pick = 0;
  std::uint8_t end_pick = 0;
  std::int8_t nudge = 0;  // -1, 0, +1 pages off the picked boundary
};

inline bool takes_range(OpKind k) {
  switch (k) {
    case OpKind::Add:
    case OpKind::AddNode:
    case OpKind::Remove:
    case OpKind::Reserve:
    case OpKind::PhysFree:
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkMirror:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap:
    case OpKind::SetNode:
    case OpKind::CapMemoryRange:
    case OpKind::IsRegionReserved:
    case OpKind::IsRegionMemory:
      return true;
    default:
      return false;
  }
}

// Resolves the ties of a seed list into a trace (see OpSeed).
inline OpTrace resolve_trace(const std::vector<OpSeed>& seeds) {
  OpTrace out;
  std::vector<phys_addr_t> bounds;
  for (OpSeed s : seeds) {
    Op& op = s.op;
    if (takes_range(op.kind)) {
      const phys_addr_t nudge = static_cast<phys_addr_t>(static_cast<std::int64_t>(s.nudge) * SZ_4K);
      if (s.base_pick && !bounds.empty()) op.a = bounds[s.base_pick % bounds.size()] + nudge;
      if (s.end_pick && !bounds.empty()) {
        const phys_addr_t end = bounds[(s.end_pick * 7u) % bounds.size()];
        if (end > op.a) op.b = end - op.a;
      }
      bounds.push_back(op.a);
      bounds.push_back(op.a + std::min(op.b, PHYS_ADDR_MAX - op.a));
    }
    out.push_back(op);
  }
  return out;
}

}  // namespace mbv::testgen

namespace rc {

template <>
struct Arbitrary<mbv::PhysRange> {
  static Gen<mbv::PhysRange> arbitrary() {
    return gen::apply(
        [](mbv::phys_addr_t b, mbv::phys_addr_t s) {
          return mbv::PhysRange{b, b + std::min(s, mbv::PHYS_ADDR_MAX - b)};
        },
        mbv::testgen::gen_addr(), mbv::testgen::gen_size());
  }
};

// One Op of any kind, fields filled the way that kind uses them.
template <>
struct Arbitrary<mbv::Op> {
  static Gen<mbv::Op> arbitrary() {
    using namespace mbv;
    using namespace mbv::testgen;
    return gen::exec([] {
      Op op;
      op.kind = *gen::weightedElement<OpKind>({
          {1, OpKind::AllowResize},
          {1, OpKind::SetBottomUp},
          {1, OpKind::SetCurrentLimit},
          {1, OpKind::SetMovableNode},
          {1, OpKind::SetMirroredKernelcore},
          {6, OpKind::Add},
          {6, OpKind::AddNode},
          {3, OpKind::Remove},
          {6, OpKind::Reserve},
          {3, OpKind::PhysFree},
          {2, OpKind::MarkHotplug},
          {1, OpKind::ClearHotplug},
          {2, OpKind::MarkMirror},
          {1, OpKind::MarkNomap},
          {1, OpKind::ClearNomap},
          {2, OpKind::SetNode},
          {1, OpKind::TrimMemory},
          {1, OpKind::CapMemoryRange},
          {1, OpKind::MemLimitRemoveMap},
          {1, OpKind::EnforceMemoryLimit},
          {3, OpKind::PhysAllocRange},
          {2, OpKind::PhysAllocTryNid},
          {2, OpKind::AllocTryNid},
          {1, OpKind::AllocTryNidRaw},
          {1, OpKind::AllocExactNidRaw},
          {1, OpKind::AllocLow},
          {1, OpKind::IsRegionReserved},
          {1, OpKind::IsRegionMemory},
          {1, OpKind::SearchPfnNid},
          {1, OpKind::FindInRange},
      });
      switch (op.kind) {
        case OpKind::AllowResize:
          break;
        case OpKind::SetBottomUp:
        case OpKind::SetMovableNode:
        case OpKind::SetMirroredKernelcore:
          op.a = *gen::inRange<std::uint64_t>(0, 2);
          break;
        case OpKind::SetCurrentLimit:
        case OpKind::MemLimitRemoveMap:
        case OpKind::EnforceMemoryLimit:
          op.a = *gen_addr();
          break;
        case OpKind::TrimMemory:
          op.a = *gen::elementOf(std::vector<std::uint64_t>{PAGE_SIZE, PAGE_SIZE, SZ_2M, SZ_1M});
          break;
        case OpKind::SearchPfnNid:
          op.a = *gen_addr() >> PAGE_SHIFT;
          break;
        case OpKind::PhysAllocRange:
        case OpKind::AllocTryNid:
        case OpKind::AllocTryNidRaw:
        case OpKind::AllocExactNidRaw:
        case OpKind::FindInRange:
          op.c = *gen::weightedOneOf<std::uint64_t>({{2, gen::just(std::uint64_t{0})}, {3, gen_addr()}});
          op.d = *gen::weightedOneOf<std::uint64_t>(
              {{2, gen::elementOf(std::vector<std::uint64_t>{
                       MEMBLOCK_ALLOC_ACCESSIBLE, MEMBLOCK_ALLOC_ANYWHERE, MEMBLOCK_ALLOC_NOLEAKTRACE})},
               {3, gen_addr()}});
          [[fallthrough]];
        case OpKind::PhysAllocTryNid:
        case OpKind::AllocLow:
          op.a = *gen::weightedOneOf<std::uint64_t>(
              {{8, gen::elementOf(std::vector<std::uint64_t>{SZ_4K, 2 * SZ_4K, SZ_64K, SZ_1M, SZ_2M})},
               {1, gen::just(std::uint64_t{0})},
               {1, gen::inRange<std::uint64_t>(1, SZ_4K)}});
          op.b = *gen_align();
          op.nid = *gen_nid();
          break;
        default:
          op.a = *gen_addr();
          op.b = *gen_size();
          op.nid = *gen_nid();
          op.flags = *gen_flags();
          op.type = *gen::element(MemblockTypeId::Memory, MemblockTypeId::Reserved);
          break;
      }
      return canonical_op(op);
    });
  }
};

template <>
struct Arbitrary<mbv::testgen::OpSeed> {
  static Gen<mbv::testgen::OpSeed> arbitrary() {
    return gen::build<mbv::testgen::OpSeed>(
        gen::set(&mbv::testgen::OpSeed::op),
        gen::set(&mbv::testgen::OpSeed::base_pick,
                 gen::weightedOneOf<std::uint8_t>(
                     {{2, gen::just(std::uint8_t{0})}, {3, gen::inRange<std::uint8_t>(1, 255)}})),
        gen::set(&mbv::testgen::OpSeed::end_pick,
                 gen::weightedOneOf<std::uint8_t>(
                     {{3, gen::just(std::uint8_t{0})}, {2, gen::inRange<std::uint8_t>(1, 255)}})),
        gen::set(&mbv::testgen::OpSeed::nudge, gen::element<std::int8_t>(0, 0, 0, -1, 1)));
  }
};

// An operation trace: ops whose ranges are tied to earlier ones (OpSeed).
// Shrinks by dropping ops and by shrinking each op.
template <>
struct Arbitrary<mbv::OpTrace> {
  static Gen<mbv::OpTrace> arbitrary() {
    return gen::map(gen::arbitrary<std::vector<mbv::testgen::OpSeed>>(), &mbv::testgen::resolve_trace);
  }
};

}  // namespace rc
