// Property: through the whole boot pipeline, on random small machines and
// under every policy, the fast direct-map walker (interval counting, bulk
// allocation runs) and the per-page reference walker hand out the same
// page-table pages in the same order, and the pipeline ends identically
// (events with their nodes, memblock, panic).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "impl/boot/boot.h"
#include "impl/boot/fuzz_machine.h"

namespace mbv {
namespace {

// Bytes for decode_fuzz_machine with the sizes kept small (RAM below ~6 GiB)
// so the per-page walker stays quick under ASan.
rc::Gen<std::vector<std::uint8_t>> gen_machine_bytes() {
  return rc::gen::exec([] {
    std::vector<std::uint8_t> b;
    b.push_back(0);                                     // policy: set by the property
    b.push_back(*rc::gen::arbitrary<std::uint8_t>());   // switches
    const std::uint8_t nseg = *rc::gen::inRange<std::uint8_t>(0, 6);
    b.push_back(nseg);
    b.push_back(*rc::gen::inRange<std::uint8_t>(0, 4));  // nodes
    for (int k = 0; k < 1 + nseg % 6; ++k) {
      b.push_back(*rc::gen::inRange<std::uint8_t>(0, 4));   // gap x 64M
      b.push_back(*rc::gen::inRange<std::uint8_t>(0, 16));  // size x 64M
      b.push_back(*rc::gen::inRange<std::uint8_t>(0, 16));  // type
    }
    for (int n = 0; n < 4; ++n) {
      b.push_back(*rc::gen::arbitrary<std::uint8_t>());
      b.push_back(*rc::gen::arbitrary<std::uint8_t>());
    }
    for (int k = 0; k < 8; ++k) b.push_back(*rc::gen::arbitrary<std::uint8_t>());
    return b;
  });
}

std::string first_page_difference(const DirectMap& a, const DirectMap& b) {
  const std::vector<phys_addr_t> pa = a.page_sequence(), pb = b.page_sequence();
  const auto d = std::mismatch(pa.begin(), pa.end(), pb.begin(), pb.end());
  if (d.first == pa.end() && d.second == pb.end()) return "";
  std::ostringstream o;
  o << "first differing page-table page #" << (d.first - pa.begin()) << " (fast " << pa.size()
    << " pages, per-page " << pb.size() << ")" << std::hex;
  if (d.first != pa.end()) o << " fast 0x" << *d.first;
  if (d.second != pb.end()) o << " per-page 0x" << *d.second;
  return o.str();
}

RC_GTEST_PROP(BootWalkers, fast_equals_per_page_every_policy, ()) {
  const std::vector<std::uint8_t> bytes = *gen_machine_bytes();
  auto s = decode_fuzz_machine(bytes);
  RC_PRE(s.has_value());
  // Memory KASLR moves the direct map's virtual base (1G-aligned).
  const auto mem_rnd = *rc::gen::maybe(rc::gen::arbitrary<std::uint64_t>());
  for (const BootPolicy& p : boot_policies()) {
    BootOptions fast, slow;
    fast.policy = slow.policy = p.name;
    if (mem_rnd) fast.kaslr_random_memory = slow.kaslr_random_memory = *mem_rnd;
    fast.walk = WalkMode::Fast;
    slow.walk = WalkMode::PerPage;
    auto a = run_boot(*s, fast);
    auto b = run_boot(*s, slow);
    RC_ASSERT(a.ok() == b.ok());
    if (!a.ok()) {
      RC_ASSERT(a.error().message == b.error().message);
      continue;
    }
    const std::string d = first_page_difference(a->dm, b->dm);
    if (!d.empty()) RC_FAIL(p.name + ": " + d + "\n" + write_scenario(*s));
    RC_ASSERT(a->panic == b->panic);
    RC_ASSERT(a->dm.calls == b->dm.calls);
    RC_ASSERT(a->dm.allocs == b->dm.allocs);
    RC_ASSERT(a->dm.pfn_mapped == b->dm.pfn_mapped);
    RC_ASSERT(a->dm.state() == b->dm.state());
    RC_ASSERT(a->events == b->events);
    RC_ASSERT(a->mb == b->mb);
  }
}

}  // namespace
}  // namespace mbv
