// Op traces: to_string / parse_op round trip for every OpKind, parse
// errors, parse_trace, and apply_op results.
#include <gtest/gtest.h>

#include "impl/memblock/op.h"
#include "tests/memblock/memblock_test_util.h"

namespace mbv {
namespace {

using test::rgn;

Op mk(OpKind k, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0, std::uint64_t d = 0,
      int nid = 0, std::uint32_t flags = 0, MemblockTypeId t = MemblockTypeId::Memory) {
  return canonical_op(Op{k, a, b, c, d, nid, flags, t});
}

// One sample per kind, with every field set so that canonical_op decides
// which ones survive.
std::vector<Op> one_of_each() {
  std::vector<Op> v;
  for (int k = 0; k < kOpKindCount; k++)
    v.push_back(mk(static_cast<OpKind>(k), 0x1000 + k, 0x2000, 0x30000, PHYS_ADDR_MAX, k % 3 - 1,
                   MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP, MemblockTypeId::Reserved));
  return v;
}

TEST(MemblockOp, RoundTripEveryKind) {
  for (const Op& op : one_of_each()) {
    const std::string s = to_string(op);
    auto back = parse_op(s);
    ASSERT_TRUE(back.ok()) << s << ": " << back.error().to_string();
    EXPECT_EQ(*back, op) << s;
    EXPECT_EQ(to_string(*back), s);
    EXPECT_EQ(s.substr(0, op_kind_name(op.kind).size()), op_kind_name(op.kind));
  }
}

TEST(MemblockOp, ToStringExamples) {
  EXPECT_EQ(to_string(mk(OpKind::Reserve, 0x1000, 0x2000)), "memblock_reserve(0x1000, 0x2000)");
  EXPECT_EQ(to_string(mk(OpKind::AddNode, 0, 0x1000, 0, 0, 1, MEMBLOCK_HOTPLUG)),
            "memblock_add_node(0x0, 0x1000, 1, HOTPLUG)");
  EXPECT_EQ(to_string(mk(OpKind::SetNode, 0, 0x1000, 0, 0, 2, 0, MemblockTypeId::Reserved)),
            "memblock_set_node(0x0, 0x1000, reserved, 2)");
  EXPECT_EQ(to_string(mk(OpKind::SetMovableNode, 1)), "movable_node(1)");
  EXPECT_EQ(to_string(mk(OpKind::AllowResize)), "memblock_allow_resize()");
  EXPECT_EQ(to_string(mk(OpKind::AllocTryNid, 0x1000, 0x40, 0, PHYS_ADDR_MAX, NUMA_NO_NODE)),
            "memblock_alloc_try_nid(0x1000, 0x40, 0x0, 0xffffffffffffffff, NUMA_NO_NODE)");
  EXPECT_EQ(to_string(mk(OpKind::FindInRange, 0x2000, 0x1000, 0x100000, 0x200000)),
            "memblock_find_in_range(0x100000, 0x200000, 0x2000, 0x1000)");
  EXPECT_EQ(to_string(mk(OpKind::AddNode, 0, 1, 0, 0, MAX_NUMNODES, 0x13)),
            "memblock_add_node(0x0, 0x1, MAX_NUMNODES, HOTPLUG|MIRROR|0x10)");
  EXPECT_EQ(to_string(mk(OpKind::AddNode, 0, 1, 0, 0, 0, 0)), "memblock_add_node(0x0, 0x1, 0, NONE)");
}

TEST(MemblockOp, CanonicalDropsUnusedFields) {
  const Op op{OpKind::Add, 1, 2, 3, 4, 5, 6, MemblockTypeId::Reserved};
  EXPECT_EQ(canonical_op(op), (Op{OpKind::Add, 1, 2, 0, 0, 0, 0, MemblockTypeId::Memory}));
}

TEST(MemblockOp, ParseAcceptsVariants) {
  auto op = parse_op("  memblock_add_node( 4096 ,SZ_1G, -1, MEMBLOCK_HOTPLUG | NOMAP )  ");
  ASSERT_TRUE(op.ok()) << op.error().to_string();
  EXPECT_EQ(*op, mk(OpKind::AddNode, 4096, SZ_1G, 0, 0, -1, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP));
  auto limit = parse_op("memblock_phys_alloc_range(0x1000, 0x1000, 0x0, MEMBLOCK_ALLOC_ANYWHERE)");
  ASSERT_TRUE(limit.ok());
  EXPECT_EQ(limit->d, PHYS_ADDR_MAX);
  auto b = parse_op("memblock_set_bottom_up(true)");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->a, 1u);
  auto t = parse_op("memblock_set_node(0x0, 0x1000, &memblock.reserved, 0)");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->type, MemblockTypeId::Reserved);
}

TEST(MemblockOp, ParseErrors) {
  struct Case {
    const char* line;
    const char* want;  // a piece of the message
  };
  const Case cases[] = {
      {"memblock_frobnicate(0x1)", "unknown operation 'memblock_frobnicate'"},
      {"memblock_add 0x1000, 0x2000", "expected a call"},
      {"memblock_add(0x1000, 0x2000", "missing ')'"},
      {"memblock_add(0x1000)", "memblock_add takes 2 arguments, got 1"},
      {"memblock_add(0x1000, 0x2000, 0x3)", "takes 2 arguments, got 3"},
      {"memblock_allow_resize(1)", "takes 0 arguments, got 1"},
      {"memblock_add(0x1000, 0xzz)", "argument 2: bad number '0xzz'"},
      {"memblock_add(0x10000000000000000, 0x1)", "exceeds 64 bits"},
      {"memblock_add(, 0x1)", "argument 1: empty argument"},
      {"memblock_add_node(0x0, 0x1, 0, SPARKLY)", "bad memblock flags 'SPARKLY'"},
      {"memblock_add_node(0x0, 0x1, 0x100000000, NONE)", "out of int range"},
      {"memblock_set_node(0x0, 0x1, physmem, 0)", "bad memblock type 'physmem'"},
      {"", "expected a call"},
  };
  for (const Case& c : cases) {
    auto r = parse_op(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_NE(r.error().message.find(c.want), std::string::npos)
        << c.line << " -> " << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
}

TEST(MemblockOp, TraceRoundTrip) {
  const OpTrace trace = one_of_each();
  const std::string text = trace_to_text(trace);
  auto back = parse_trace(text, "t.trace");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, trace);
}

TEST(MemblockOp, TraceCommentsAndErrors) {
  auto ok = parse_trace("# a machine\n\nmemblock_add(0x0, 0x1000)  # first\r\n  \nmemblock_allow_resize()",
                        "m.trace");
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(*ok, (OpTrace{mk(OpKind::Add, 0, 0x1000), mk(OpKind::AllowResize)}));
  auto bad = parse_trace("memblock_add(0x0, 0x1000)\n# c\nmemblock_add(0x0)\n", "m.trace");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where.file, "m.trace");
  EXPECT_EQ(bad.error().where.line, 3u);
  EXPECT_EQ(bad.error().to_string(), "m.trace:3: memblock_add takes 2 arguments, got 1");
}

// apply_op returns what the kernel call returns.
TEST(MemblockOp, ApplyResults) {
  Memblock mb;
  const OpTrace trace = {
      mk(OpKind::Add, 0x100000, 0x100000),                         // 0
      mk(OpKind::Reserve, 0x180000, 0x80000),                      // 0
      mk(OpKind::PhysAllocRange, 0x1000, 0x1000, 0, PHYS_ADDR_MAX),  // 0x17f000
      mk(OpKind::IsRegionReserved, 0x17f000, 0x1000),              // 1
      mk(OpKind::IsRegionMemory, 0x1ff000, 0x2000),                // 0
      mk(OpKind::SearchPfnNid, 0x150),                             // MAX_NUMNODES
      mk(OpKind::SearchPfnNid, 0x50),                              // -1
      mk(OpKind::FindInRange, 0x1000, 0x1000, 0, PHYS_ADDR_MAX),    // 0x17e000
      mk(OpKind::SetMovableNode, 1),                               // 0
      mk(OpKind::SetMirroredKernelcore, 1),                        // 0
      mk(OpKind::MarkMirror, 0x100000, 0x1000),                    // 0
      mk(OpKind::SetBottomUp, 1),                                  // 0
      mk(OpKind::SetCurrentLimit, 0x1c0000),                       // 0
      mk(OpKind::AllowResize),                                     // 0
  };
  const std::vector<OpResult> want = {{0}, {0}, {0x17f000}, {1}, {0}, {MAX_NUMNODES}, {-1},
                                      {0x17e000}, {0}, {0}, {0}, {0}, {0}, {0}};
  EXPECT_EQ(apply_trace(mb, trace), want);
  EXPECT_TRUE(mb.movable_node);
  EXPECT_TRUE(mb.system_has_some_mirror);
  EXPECT_TRUE(mb.bottom_up);
  EXPECT_TRUE(mb.can_resize);
  EXPECT_EQ(mb.current_limit, 0x1c0000u);
  EXPECT_REGIONS(mb.reserved, {rgn(0x17f000, 0x81000)});
  // An errno comes back negative.
  Memblock full;
  for (std::uint64_t i = 0; i < INIT_MEMBLOCK_REGIONS; i++) EXPECT_EQ(full.add(i * 0x2000, 0x1000), 0);
  EXPECT_EQ(apply_op(full, mk(OpKind::MarkHotplug, 0, 0x1000)).value, -KERN_ENOMEM);
}

TEST(MemblockOp, FlagNames) {
  EXPECT_EQ(memblock_flags_to_string(0), "NONE");
  EXPECT_EQ(memblock_flags_to_string(MEMBLOCK_DRIVER_MANAGED | MEMBLOCK_HOTPLUG), "HOTPLUG|DRIVER_MANAGED");
  EXPECT_EQ(memblock_flags_to_string(0x20), "0x20");
}

}  // namespace
}  // namespace mbv
