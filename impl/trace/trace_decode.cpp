#include "impl/trace/trace_decode.h"

#include <algorithm>

#include "impl/trace/typical_values.h"

namespace mbv {

namespace {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> b) : b_(b) {}
  bool has(std::size_t n) const { return pos_ + n <= b_.size(); }
  std::uint8_t u8() { return b_[pos_++]; }
  std::uint64_t le(std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{b_[pos_++]} << (8 * i);
    return v;
  }

 private:
  std::span<const std::uint8_t> b_;
  std::size_t pos_ = 0;
};

// One field: a class byte plus two extra bytes, or 0xe0.. plus 8 raw bytes.
bool read_field(ByteReader& r, const TypicalValues& tv, const FieldSlot& slot, Op& op) {
  if (!r.has(1)) return false;
  const std::uint8_t t = r.u8();
  if (t >= 0xe0 && slot.role != FieldRole::Type && slot.role != FieldRole::Bool) {
    if (!r.has(8)) return false;
    set_field(op, slot, r.le(8));
    return true;
  }
  if (!r.has(2)) return false;
  const std::uint64_t extra = r.le(2);
  set_field(op, slot, tv.pick(slot.role, t % TypicalValues::kClasses, extra * 0x9e3779b9ull + t, op));
  return true;
}

}  // namespace

Result<OpTrace> decode_trace(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  if (!r.has(1)) return make_error(ErrorCode::Truncated, "empty input: no header byte");
  OpTrace out;
  const std::uint8_t header = r.u8();
  if (header & 1) out.push_back(Op{OpKind::SetMovableNode, 1});
  if (header & 2) out.push_back(Op{OpKind::AllowResize});
  if (header & 4) out.push_back(Op{OpKind::SetBottomUp, 1});
  const std::size_t prologue = out.size();
  TypicalValues tv;
  while (r.has(1) && out.size() < kMaxDecodedOps) {
    const std::uint8_t k = r.u8();
    if (k == 0xff) {
      // fill burst: count, start class, step shift, target type
      if (!r.has(4)) break;
      const std::size_t n = std::min<std::size_t>(r.u8() + 64, kMaxBurst);
      const phys_addr_t base = std::uint64_t{r.u8()} * SZ_16M;
      const phys_addr_t step = SZ_4K << (r.u8() % 12);
      const bool memory = r.u8() % 2 == 0;
      for (std::size_t i = 0; i < n && out.size() < kMaxDecodedOps; ++i)
        out.push_back(Op{memory ? OpKind::Add : OpKind::Reserve, base + i * 2 * step, step});
      continue;
    }
    Op op;
    op.kind = static_cast<OpKind>(k % kOpKindCount);
    const OpShape& sh = op_shape(op.kind);
    bool whole = true;
    for (int s = 0; s < sh.count && whole; ++s) whole = read_field(r, tv, sh.slots[s], op);
    if (!whole) break;  // truncated last op: dropped
    tv.note(op);
    out.push_back(op);
  }
  if (out.size() == prologue)
    return make_error(ErrorCode::Truncated, "input holds no complete operation");
  return out;
}

}  // namespace mbv
