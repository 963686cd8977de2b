// The planted divergence shared by the differential and shrink tests: a
// test-only mutant of the model (the real model is untouched) and the noise
// ops that cannot interfere with it.
#pragma once

#include "impl/memblock/memblock.h"
#include "impl/memblock/op.h"

namespace mbv::test {

// Once reserved holds two or more regions, memblock_phys_free forgets to free.
inline OpResult forgetful_free(Memblock& m, const Op& op) {
  if (op.kind == OpKind::PhysFree && m.reserved.cnt() >= 2) return OpResult{0};
  return apply_op(m, op);
}

// Noise: ops that neither reserve nor free nor allocate, so planted ops are
// the only ones that touch memblock.reserved.
inline bool is_noise(const Op& op) {
  switch (op.kind) {
    case OpKind::Reserve: case OpKind::PhysFree: case OpKind::PhysAllocRange:
    case OpKind::PhysAllocTryNid: case OpKind::AllocTryNid: case OpKind::AllocTryNidRaw:
    case OpKind::AllocExactNidRaw: case OpKind::AllocLow: case OpKind::SetNode:
    case OpKind::EnforceMemoryLimit: case OpKind::CapMemoryRange: case OpKind::MemLimitRemoveMap:
    case OpKind::TrimMemory:
      return false;
    default:
      return true;
  }
}

}  // namespace mbv::test
