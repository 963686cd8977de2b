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

// Static array sizes a header can pick (bits 3-5 memory, bits 6-7 reserved:
// 0 = as memory); index 0 is the x86-64 default, so headers below 8 decode as
// they always did.
constexpr std::size_t kInitSizes[8] = {INIT_MEMBLOCK_REGIONS, 1, 2, 4, 8, 16, 32, 64};
constexpr std::size_t kReservedSizes[4] = {0, 1, 8, INIT_MEMBLOCK_REGIONS};

}  // namespace

std::size_t burst_length(std::uint8_t count_byte, std::size_t init_max) {
  return std::min<std::size_t>(count_byte + std::max<std::size_t>(init_max / 2, 1), init_max + 32);
}

std::size_t region_budget(std::span<const Op> trace, std::size_t at_default) {
  std::size_t n = INIT_MEMBLOCK_REGIONS;
  if (!trace.empty() && trace.front().kind == OpKind::InitRegions)
    n = static_cast<std::size_t>(std::clamp<std::uint64_t>(std::max(trace.front().a, trace.front().b), 1,
                                                           INIT_MEMBLOCK_REGIONS));
  const std::size_t scaled = at_default * n * n / (INIT_MEMBLOCK_REGIONS * INIT_MEMBLOCK_REGIONS);
  return std::max(scaled, std::min(kMinRegionBudget, at_default));
}

Result<OpTrace> decode_trace(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  if (!r.has(1)) return make_error(ErrorCode::Truncated, "empty input: no header byte");
  OpTrace out;
  const std::uint8_t header = r.u8();
  const std::size_t memory_max = kInitSizes[(header >> 3) & 7];
  const std::size_t reserved_max = kReservedSizes[header >> 6] ? kReservedSizes[header >> 6] : memory_max;
  append_init_regions(out, memory_max, reserved_max);
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
      const std::uint8_t count = r.u8();
      const phys_addr_t base = std::uint64_t{r.u8()} * SZ_16M;
      const phys_addr_t step = SZ_4K << (r.u8() % 12);
      const bool memory = r.u8() % 2 == 0;
      const std::size_t n = burst_length(count, memory ? memory_max : reserved_max);
      for (std::size_t i = 0; i < n && out.size() < kMaxDecodedOps; ++i)
        out.push_back(Op{memory ? OpKind::Add : OpKind::Reserve, base + i * 2 * step, step});
      continue;
    }
    Op op;
    op.kind = static_cast<OpKind>(k % kCallKindCount);
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
