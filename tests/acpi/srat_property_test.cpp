// RapidCheck properties: write -> parse is the identity on well-formed
// tables; linux_view keeps its own invariants on any table; mutants of valid
// tables never crash the parser.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "impl/acpi/srat.h"
#include "impl/acpi/srat_mutate.h"
#include "tests/acpi/srat_gen.h"

namespace mbv {
namespace {

RC_GTEST_PROP(SratProperty, write_parse_round_trip, ()) {
  const Srat s = *test::gen_srat();
  const auto bytes = write_srat(s);
  RC_ASSERT(acpi_checksum(bytes) == 0);
  RC_ASSERT(bytes.size() == s.header.length);
  auto r = parse_srat(bytes, "gen.srat");
  RC_ASSERT(r.ok());
  RC_ASSERT(*r == s);
  RC_ASSERT(write_srat(*r) == bytes);
  RC_CLASSIFY(s.entries.size() > 8, "many entries");
  RC_CLASSIFY(std::any_of(s.entries.begin(), s.entries.end(),
                          [](const SratEntry& e) { return entry_offset(e) % 4 != 0; }),
              "unaligned");
}

RC_GTEST_PROP(SratProperty, linux_view_invariants, ()) {
  const Srat s = *test::gen_srat();
  const LinuxSratView v = linux_view(s);
  // Every block belongs to a node Linux assigned, within the limits.
  RC_ASSERT(v.memblks.size() <= 2048u);
  for (const auto& b : v.memblks) {
    RC_ASSERT(b.start < b.end);
    RC_ASSERT(std::any_of(v.pxm_to_node.begin(), v.pxm_to_node.end(),
                          [&](const PxmNode& p) { return p.nid == b.nid; }));
  }
  // Node ids are handed out densely, in order of first appearance.
  for (std::size_t i = 0; i < v.pxm_to_node.size(); ++i)
    RC_ASSERT(v.pxm_to_node[i].nid == static_cast<int>(i));
  // Only hot-pluggable blocks are marked.
  std::size_t hp_blocks = std::count_if(v.memblks.begin(), v.memblks.end(),
                                        [](const NumaMemblk& b) { return b.hotpluggable; });
  RC_ASSERT(v.hotplug_ranges.size() >= hp_blocks);
  // bad_srat makes the whole method fail.
  if (v.srat_bad) RC_ASSERT(!v.numa_init_ok());
  // KASLR's list never holds hot-pluggable or empty ranges.
  const KaslrImmovableView k = count_immovable_mem_regions(s);
  for (const auto& r : k.immovable) RC_ASSERT(r.start != r.end);
}

RC_GTEST_PROP(SratProperty, mutants_parse_or_fail_cleanly, (unsigned seed)) {
  const Srat s = *test::gen_srat();
  auto bytes = write_srat(s);
  const std::size_t cap = bytes.size() + 256;
  bytes.resize(cap);
  const std::size_t n = srat_custom_mutate(bytes.data(), write_srat(s).size(), cap, seed, nullptr);
  RC_ASSERT(n <= cap);
  bytes.resize(n);
  auto r = parse_srat(bytes, "mut.srat", {.accept_bad_checksum = true, .accept_zero_length = true});
  if (!r.ok()) {
    RC_ASSERT(r.error().to_string().rfind("mut.srat: byte 0x", 0) == 0);
    return;
  }
  RC_ASSERT(write_srat(*r, true) == bytes);
  (void)linux_view(*r);
}

}  // namespace
}  // namespace mbv
