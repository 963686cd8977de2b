// The two trace sources of the differential engine: the seeded generator and
// the fuzz decoder (impl/trace).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "impl/trace/trace_decode.h"
#include "impl/trace/trace_gen.h"

namespace mbv::test {
namespace {

std::vector<std::uint8_t> raw_field(std::uint64_t v) {
  std::vector<std::uint8_t> b{0xe0};
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return b;
}

void append(std::vector<std::uint8_t>& to, const std::vector<std::uint8_t>& b) {
  to.insert(to.end(), b.begin(), b.end());
}

TEST(TraceDecode, empty_input_is_not_a_trace) {
  EXPECT_FALSE(decode_trace({}).ok());
  const std::uint8_t header_only[] = {0x00};
  EXPECT_FALSE(decode_trace(header_only).ok());
}

// memblock_reserve with two raw fields decodes to exactly those values; the
// header bits put movable_node(1), allow_resize and bottom-up first.
TEST(TraceDecode, raw_fields_and_header) {
  std::vector<std::uint8_t> b{0x07, static_cast<std::uint8_t>(OpKind::Reserve)};
  append(b, raw_field(0x1234000));
  append(b, raw_field(SZ_2M));
  auto t = decode_trace(b);
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, (OpTrace{Op{OpKind::SetMovableNode, 1}, Op{OpKind::AllowResize},
                         Op{OpKind::SetBottomUp, 1}, Op{OpKind::Reserve, 0x1234000, SZ_2M}}));
}

TEST(TraceDecode, truncated_last_op_dropped) {
  std::vector<std::uint8_t> b{0x00, static_cast<std::uint8_t>(OpKind::Add)};
  append(b, raw_field(SZ_1G));
  append(b, raw_field(SZ_1M));
  b.push_back(static_cast<std::uint8_t>(OpKind::Remove));
  append(b, raw_field(SZ_1G));  // size missing
  auto t = decode_trace(b);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (OpTrace{Op{OpKind::Add, SZ_1G, SZ_1M}}));
}

// A fill burst is capped at kMaxBurst disjoint ops, the whole trace at
// kMaxDecodedOps.
TEST(TraceDecode, caps) {
  std::vector<std::uint8_t> b{0x02};
  for (int i = 0; i < 8; ++i) append(b, {0xff, 0xff, 0x01, 0x00, 0x01});
  auto t = decode_trace(b);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->size(), kMaxDecodedOps);
  EXPECT_EQ((*t)[1], (Op{OpKind::Reserve, SZ_16M, SZ_4K}));
  EXPECT_EQ((*t)[1 + kMaxBurst], (Op{OpKind::Reserve, SZ_16M, SZ_4K}));  // the second burst
}

TEST(TraceDecode, same_bytes_same_trace) {
  std::vector<std::uint8_t> b;
  for (int i = 0; i < 300; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  auto t1 = decode_trace(b), t2 = decode_trace(b);
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(*t1, *t2);
}

TEST(TraceGen, deterministic_per_seed) {
  const TraceGenOptions opt{32, true, true};
  EXPECT_EQ(random_trace(5, opt), random_trace(5, opt));
  EXPECT_NE(random_trace(5, opt), random_trace(6, opt));
  EXPECT_EQ(random_trace(5, opt).front(), (Op{OpKind::SetMovableNode, 1}));
}

// Over many seeds: every kind appears except movable_node (set up front),
// and some traces carry a fill burst (longer than ops + 1).
TEST(TraceGen, covers_kinds_and_bursts) {
  std::vector<int> seen(kOpKindCount, 0);
  int bursts = 0;
  for (std::uint64_t s = 0; s < 400; ++s) {
    const OpTrace t = random_trace(trace_seed(3, s), TraceGenOptions{16, false, true});
    bursts += t.size() > 17;
    for (const Op& op : t) seen[static_cast<int>(op.kind)]++;
  }
  for (int k = 0; k < kOpKindCount; ++k) {
    if (static_cast<OpKind>(k) == OpKind::SetMovableNode) EXPECT_EQ(seen[k], 0);
    else EXPECT_GT(seen[k], 0) << op_kind_name(static_cast<OpKind>(k));
  }
  EXPECT_GT(bursts, 0);
}

}  // namespace
}  // namespace mbv::test
