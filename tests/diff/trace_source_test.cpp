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

// Header bits 3-5 and 6-7 pick the static array sizes; the trace then starts
// with init_memblock_regions, and a fill burst is sized to the array it fills
// (half the static size up to 32 past it).
TEST(TraceDecode, static_array_sizes_from_header) {
  const std::uint8_t none[] = {0x02, static_cast<std::uint8_t>(OpKind::AllowResize)};
  EXPECT_EQ(decode_trace(none)->front(), (Op{OpKind::AllowResize}));
  const std::uint8_t one[] = {0x08, static_cast<std::uint8_t>(OpKind::AllowResize)};
  EXPECT_EQ(*decode_trace(one), (OpTrace{Op{OpKind::InitRegions, 1, 1}, Op{OpKind::AllowResize}}));
  const std::uint8_t mixed[] = {0x18 | 0x80, static_cast<std::uint8_t>(OpKind::AllowResize)};  // 4, 8
  EXPECT_EQ(decode_trace(mixed)->front(), (Op{OpKind::InitRegions, 4, 8}));
  const std::uint8_t default_memory[] = {0xc0, static_cast<std::uint8_t>(OpKind::AllowResize)};
  EXPECT_EQ(decode_trace(default_memory)->front(), (Op{OpKind::AllowResize}));  // 128 and 128

  std::vector<std::uint8_t> b{0x18};     // memory and reserved: 4 entries
  append(b, {0xff, 0xff, 0x01, 0x00, 0x00});  // memory burst, count byte 255
  auto t = decode_trace(b);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->size(), 1 + 4 + 32u);  // init_memblock_regions, then 36 adds
  EXPECT_EQ((*t)[1], (Op{OpKind::Add, SZ_16M, SZ_4K}));
  EXPECT_EQ(burst_length(0, 4), 2u);
  EXPECT_EQ(burst_length(0, 1), 1u);
  EXPECT_EQ(burst_length(10, INIT_MEMBLOCK_REGIONS), 74u);
  EXPECT_EQ(burst_length(255, INIT_MEMBLOCK_REGIONS), kMaxBurst);
}

// The fuzz targets' region budget shrinks with the static arrays (a burst
// that doubles n entries walks ~n*n/2 regions), down to kMinRegionBudget.
TEST(TraceDecode, region_budget_follows_static_size) {
  const OpTrace plain{Op{OpKind::AllowResize}};
  EXPECT_EQ(region_budget(plain, 10000), 10000u);
  EXPECT_EQ(region_budget(OpTrace{Op{OpKind::InitRegions, 64, 8}}, 10000), 2500u);
  EXPECT_EQ(region_budget(OpTrace{Op{OpKind::InitRegions, 4, 4}}, 10000), kMinRegionBudget);
  EXPECT_EQ(region_budget(OpTrace{}, 100), 100u);
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
  std::vector<int> seen(kCallKindCount, 0);
  int bursts = 0;
  for (std::uint64_t s = 0; s < 400; ++s) {
    const OpTrace t = random_trace(trace_seed(3, s), TraceGenOptions{16, false, true});
    bursts += t.size() > 17;
    for (const Op& op : t) seen[static_cast<int>(op.kind)]++;
  }
  for (int k = 0; k < kCallKindCount; ++k) {
    if (static_cast<OpKind>(k) == OpKind::SetMovableNode) EXPECT_EQ(seen[k], 0);
    else EXPECT_GT(seen[k], 0) << op_kind_name(static_cast<OpKind>(k));
  }
  EXPECT_GT(bursts, 0);
}

}  // namespace
}  // namespace mbv::test
