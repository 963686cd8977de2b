#include "impl/trace/typical_values.h"

#include <algorithm>
#include <array>

namespace mbv {

namespace {

using R = FieldRole;

constexpr std::array<std::uint64_t, 12> kSizes = {
    SZ_4K, 2 * SZ_4K, 4 * SZ_4K, SZ_64K, SZ_1M, SZ_2M, SZ_16M, 8 * SZ_16M,
    SZ_512M, SZ_1G, SZ_4G, SZ_512G};
constexpr std::array<std::uint64_t, 10> kAddrs = {
    0, SZ_4K, SZ_1M, SZ_16M, SZ_1G, 0xffffffffull, SZ_4G, SZ_512G, PHYS_ADDR_MAX - SZ_4K,
    PHYS_ADDR_MAX};
constexpr std::array<std::uint64_t, 10> kAligns = {
    SZ_4K, SMP_CACHE_BYTES, SZ_2M, SZ_4K, 0, 8, SZ_1M, SZ_1G, SZ_64K, 3 * SZ_4K /* not 2^n */};
constexpr std::array<std::uint32_t, 8> kFlags = {
    MEMBLOCK_NONE, MEMBLOCK_HOTPLUG, MEMBLOCK_NONE, MEMBLOCK_MIRROR, MEMBLOCK_NOMAP,
    MEMBLOCK_HOTPLUG | MEMBLOCK_MIRROR, MEMBLOCK_DRIVER_MANAGED, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP};

const OpShape kNoFields{{}, 0};
const OpShape kRange{{{R::Addr, 'a'}, {R::Size, 'b'}}, 2};

}  // namespace

const OpShape& op_shape(OpKind kind) {
  static const OpShape kBool{{{R::Bool, 'a'}}, 1};
  static const OpShape kLimit{{{R::Bound, 'a'}}, 1};
  static const OpShape kAddNode{{{R::Addr, 'a'}, {R::Size, 'b'}, {R::Nid, 'n'}, {R::Flags, 'f'}}, 4};
  static const OpShape kSetNode{{{R::Addr, 'a'}, {R::Size, 'b'}, {R::Type, 't'}, {R::Nid, 'n'}}, 4};
  static const OpShape kAlignOnly{{{R::Align, 'a'}}, 1};
  static const OpShape kSizeOnly{{{R::Size, 'a'}}, 1};
  static const OpShape kAllocRange{{{R::Size, 'a'}, {R::Align, 'b'}, {R::Bound, 'c'}, {R::Bound, 'd'}}, 4};
  static const OpShape kAllocNid{{{R::Size, 'a'}, {R::Align, 'b'}, {R::Nid, 'n'}}, 3};
  static const OpShape kAllocFull{
      {{R::Size, 'a'}, {R::Align, 'b'}, {R::Bound, 'c'}, {R::Bound, 'd'}, {R::Nid, 'n'}}, 5};
  static const OpShape kAllocLow{{{R::Size, 'a'}, {R::Align, 'b'}}, 2};
  static const OpShape kPfn{{{R::Pfn, 'a'}}, 1};
  static const OpShape kInitSizes{{{R::Count, 'a'}, {R::Count, 'b'}}, 2};
  switch (kind) {
    case OpKind::AllowResize: return kNoFields;
    case OpKind::SetBottomUp:
    case OpKind::SetMovableNode:
    case OpKind::SetMirroredKernelcore: return kBool;
    case OpKind::SetCurrentLimit: return kLimit;
    case OpKind::Add:
    case OpKind::Remove:
    case OpKind::Reserve:
    case OpKind::PhysFree:
    case OpKind::MarkHotplug:
    case OpKind::ClearHotplug:
    case OpKind::MarkMirror:
    case OpKind::MarkNomap:
    case OpKind::ClearNomap:
    case OpKind::CapMemoryRange:
    case OpKind::IsRegionReserved:
    case OpKind::IsRegionMemory: return kRange;
    case OpKind::AddNode: return kAddNode;
    case OpKind::SetNode: return kSetNode;
    case OpKind::TrimMemory: return kAlignOnly;
    case OpKind::MemLimitRemoveMap:
    case OpKind::EnforceMemoryLimit: return kSizeOnly;
    case OpKind::PhysAllocRange:
    case OpKind::FindInRange: return kAllocRange;
    case OpKind::PhysAllocTryNid: return kAllocNid;
    case OpKind::AllocTryNid:
    case OpKind::AllocTryNidRaw:
    case OpKind::AllocExactNidRaw: return kAllocFull;
    case OpKind::AllocLow: return kAllocLow;
    case OpKind::SearchPfnNid: return kPfn;
    case OpKind::InitRegions: return kInitSizes;
  }
  MB_CHECK(false, "op_shape: OpKind out of range");
  return kNoFields;
}

void set_field(Op& op, const FieldSlot& slot, std::uint64_t v) {
  switch (slot.field) {
    case 'a': op.a = v; break;
    case 'b': op.b = v; break;
    case 'c': op.c = v; break;
    case 'd': op.d = v; break;
    case 'n': op.nid = static_cast<int>(v); break;
    case 'f': op.flags = static_cast<std::uint32_t>(v); break;
    case 't': op.type = v ? MemblockTypeId::Reserved : MemblockTypeId::Memory; break;
    default: MB_CHECK(false, "set_field: bad field letter");
  }
}

phys_addr_t TypicalValues::addr(unsigned cls, std::uint64_t x) const {
  switch (cls) {
    case 0: case 1: case 2: case 3:
      if (!seen_.empty()) {
        // an earlier boundary, exactly or a page/half-range off it
        phys_addr_t s = seen_[x % seen_.size()];
        switch ((x >> 16) % 4) {
          case 0: return s;
          case 1: return s - SZ_4K;
          case 2: return s + SZ_4K;
          default: return s + ((x >> 20) % 16) * SZ_64K;
        }
      }
      return (x % 4096) * SZ_1M;
    case 4: case 5: case 6: case 7:
      return (x % (1ull << 22)) << PAGE_SHIFT;  // page aligned below 16 GiB
    case 8: return (x % 64) * SZ_1G;
    case 9: return PHYS_ADDR_MAX - ((x % 64) + 1) * SZ_4K + ((x >> 8) % 2 ? 1 : 0);
    case 10: return kAddrs[x % kAddrs.size()];
    case 11: return x;  // anything at all
    default: return (x % 65536) << PAGE_SHIFT;  // page aligned below 256 MiB
  }
}

phys_addr_t TypicalValues::size(unsigned cls, std::uint64_t x, phys_addr_t base) const {
  switch (cls) {
    case 0: case 1: case 2: case 3: case 4: case 5: return kSizes[x % kSizes.size()];
    case 6: case 7: case 8: case 9: return ((x % 256) + 1) * SZ_4K;
    case 10: return 0;
    case 11: return (x % 2) ? PHYS_ADDR_MAX : PHYS_ADDR_MAX - base;
    case 12: return (x % 0x3000) + 1;  // unaligned, small
    case 13: {
      // end exactly on an earlier boundary above base (adjacent pairs)
      for (std::size_t i = 0; i < seen_.size(); ++i) {
        phys_addr_t s = seen_[(x + i) % seen_.size()];
        if (s > base) return s - base;
      }
      return SZ_4K;
    }
    default: return ((x % 65536) + 1) * SZ_4K;
  }
}

std::uint64_t TypicalValues::pick(FieldRole role, unsigned cls, std::uint64_t x,
                                  const Op& so_far) const {
  cls %= kClasses;
  switch (role) {
    case R::Addr: return addr(cls, x);
    case R::Size: return size(cls, x, so_far.a);
    case R::Align: return kAligns[(cls * 7 + x) % kAligns.size()];
    case R::Bound:
      // allocation windows: ACCESSIBLE, ANYWHERE, NOLEAKTRACE, 4 GiB, typical addresses
      switch (cls) {
        case 0: case 1: case 2: return MEMBLOCK_ALLOC_ACCESSIBLE;
        case 3: case 4: return MEMBLOCK_ALLOC_ANYWHERE;
        case 5: return MEMBLOCK_ALLOC_NOLEAKTRACE;
        case 6: return ARCH_LOW_ADDRESS_LIMIT;
        default: return addr(cls - 7, x);
      }
    case R::Nid:
      switch (cls) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7: return 0 + (x % 2);
        case 8: case 9: case 10: return 2 + (x % 2);
        case 11: case 12: return static_cast<std::uint64_t>(static_cast<std::int64_t>(NUMA_NO_NODE));
        case 13: return MAX_NUMNODES;
        case 14: return MAX_NUMNODES - 1;
        default: return x % 8;
      }
    case R::Flags: return kFlags[(cls + x) % kFlags.size()];
    case R::Type: return cls % 2;
    case R::Bool: return cls % 4 != 0;
    case R::Pfn: return addr(cls, x) >> PAGE_SHIFT;
    case R::Count: return std::uint64_t{1} << ((cls + x) % 8);
  }
  MB_CHECK(false, "pick: bad role");
  return 0;
}

void TypicalValues::note(const Op& op) {
  // Keep the list short: recent boundaries matter most for overlap shapes.
  auto push = [&](phys_addr_t v) {
    if (std::find(seen_.begin(), seen_.end(), v) != seen_.end()) return;
    if (seen_.size() >= 64) seen_.erase(seen_.begin());
    seen_.push_back(v);
  };
  const OpShape& sh = op_shape(op.kind);
  if (sh.count >= 2 && sh.slots[0].role == R::Addr) {
    push(op.a);
    push(op.a + Memblock::cap_size(op.a, op.b));
  }
}

}  // namespace mbv
