// Kernel-typical field values, shared by the seeded generator (trace_gen) and
// the fuzz decoder (trace_decode): both pick a class and an extra number, from
// a PRNG or from input bytes, and get the same kind of value.
#pragma once

#include <cstdint>
#include <vector>

#include "impl/memblock/op.h"

namespace mbv {

// What a field of an Op means, per kind (see op_field_roles).
// Count: a static region-array size (init_memblock_regions), 1..128.
enum class FieldRole : std::uint8_t { Addr, Size, Align, Bound, Nid, Flags, Type, Bool, Pfn, Count };

struct FieldSlot {
  FieldRole role;
  char field;  // 'a', 'b', 'c', 'd', 'n' (nid), 'f' (flags), 't' (type)
};

struct OpShape {
  FieldSlot slots[5];
  int count;
};

// The fields each kind uses, with their roles.
const OpShape& op_shape(OpKind kind);

// Stores a picked value into the Op field the slot names.
void set_field(Op& op, const FieldSlot& slot, std::uint64_t value);

// Remembers range ends of earlier ops so later picks land adjacent to, inside
// or across them (overlap_top, overlap_bottom, within, adjacent, ...).
class TypicalValues {
 public:
  static constexpr unsigned kClasses = 16;
  // cls < kClasses picks the family of value, extra picks inside it.
  std::uint64_t pick(FieldRole role, unsigned cls, std::uint64_t extra, const Op& so_far) const;
  void note(const Op& op);  // record the boundaries an op mentions

 private:
  phys_addr_t addr(unsigned cls, std::uint64_t extra) const;
  phys_addr_t size(unsigned cls, std::uint64_t extra, phys_addr_t base) const;
  std::vector<phys_addr_t> seen_;
};

}  // namespace mbv
