// Memblock::dump: the memblock=debug output of __memblock_dump_all.
#include <gtest/gtest.h>

#include "impl/memblock/memblock.h"

namespace mbv {
namespace {

// A fresh Memblock: both dummies print with node 0 and an end of
// base + size - 1 = 0xffffffffffffffff, as the kernel computes it.
TEST(MemblockDump, Initial) {
  const Memblock mb;
  EXPECT_EQ(mb.dump(),
            "MEMBLOCK configuration:\n"
            " memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
            " memory.cnt  = 0x1\n"
            " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes on node 0 flags: 0x0\n"
            " reserved.cnt  = 0x1\n"
            " reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes on node 0 flags: 0x0\n");
}

// Regions with nid MAX_NUMNODES print no " on node" part; flags and the
// index print as %#x (0x-prefixed, also for 0 in the kernel's printf).
TEST(MemblockDump, Regions) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x9e000), 0);
  EXPECT_EQ(mb.add_node(0x100000, 0x7ff00000, 1, MEMBLOCK_HOTPLUG), 0);
  EXPECT_EQ(mb.reserve(0x1000000, 0x2a00000), 0);
  EXPECT_EQ(mb.dump(),
            "MEMBLOCK configuration:\n"
            " memory size = 0x000000007ff9e000 reserved size = 0x0000000002a00000\n"
            " memory.cnt  = 0x2\n"
            " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0\n"
            " memory[0x1]\t[0x0000000000100000-0x000000007fffffff], 0x000000007ff00000 bytes on node 1 flags: 0x1\n"
            " reserved.cnt  = 0x1\n"
            " reserved[0x0]\t[0x0000000001000000-0x00000000039fffff], 0x0000000002a00000 bytes flags: 0x0\n");
}

// Index and count are hex: the 17th region prints as [0x10], cnt 0x11.
TEST(MemblockDump, HexIndex) {
  Memblock mb;
  for (std::uint64_t i = 0; i < 17; i++) EXPECT_EQ(mb.reserve(0x10000 + i * 0x2000, 0x1000), 0);
  const std::string d = mb.dump_type(MemblockTypeId::Reserved);
  EXPECT_EQ(d.substr(0, d.find('\n') + 1), " reserved.cnt  = 0x11\n");
  EXPECT_NE(d.find(" reserved[0x10]\t[0x0000000000030000-0x0000000000030fff], 0x0000000000001000 bytes flags: 0x0\n"),
            std::string::npos);
}

// After a removal empties memory the dummy has nid MAX_NUMNODES: no node shown.
TEST(MemblockDump, RemovedDummy) {
  Memblock mb;
  EXPECT_EQ(mb.add(0x1000, 0x1000), 0);
  EXPECT_EQ(mb.remove(0x1000, 0x1000), 0);
  EXPECT_EQ(mb.dump_type(MemblockTypeId::Memory),
            " memory.cnt  = 0x1\n"
            " memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n");
}

}  // namespace
}  // namespace mbv
