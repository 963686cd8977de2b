// Properties of the e820 model: sanitize agrees with the brute-force
// reference; its output is sorted, disjoint, merged (except PRAM and
// SOFT_RESERVED); every writer/reader pair round-trips.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>

#include "impl/e820/e820.h"
#include "tests/e820/e820_gen.h"

namespace mbv {
namespace {

bool nomerge(E820Type t) { return t == E820Type::PRAM || t == E820Type::SOFT_RESERVED; }

RC_GTEST_PROP(E820Property, sanitize_matches_reference, ()) {
  const auto in = *testgen::gen_e820_entries();
  E820Table t;
  t.entries = in;
  const int rc = t.sanitize();
  if (in.size() < 2) {
    RC_ASSERT(rc == -1);
    RC_ASSERT(t.entries == in);
    return;
  }
  RC_ASSERT(rc == 0);
  RC_ASSERT(t.entries == e820_reference_sanitize(in));
}

RC_GTEST_PROP(E820Property, sanitize_output_sorted_disjoint_merged, ()) {
  E820Table t;
  t.entries = *testgen::gen_e820_entries();
  RC_PRE(t.entries.size() >= 2);
  RC_ASSERT(t.sanitize() == 0);
  for (std::size_t i = 0; i < t.entries.size(); i++) {
    const E820Entry& e = t.entries[i];
    RC_ASSERT(e.size > 0u);
    RC_ASSERT(static_cast<std::uint32_t>(e.type) != 0u);
    if (i == 0) continue;
    const E820Entry& p = t.entries[i - 1];
    RC_ASSERT(p.end() <= e.addr);
    if (p.end() == e.addr && p.type == e.type) RC_ASSERT(nomerge(e.type));
  }
}

RC_GTEST_PROP(E820Property, sanitize_truncates_to_a_prefix, ()) {
  const auto in = *testgen::gen_e820_entries();
  RC_PRE(in.size() >= 2);
  const std::size_t cap = *rc::gen::inRange<std::size_t>(in.size(), in.size() + 4);
  E820Table t;
  t.entries = in;
  t.capacity = cap;
  RC_ASSERT(t.sanitize() == 0);
  auto full = e820_reference_sanitize(in);
  if (full.size() > cap) full.resize(cap);
  RC_ASSERT(t.entries == full);
}

RC_GTEST_PROP(E820Property, sanitize_is_idempotent, ()) {
  E820Table t;
  t.entries = *testgen::gen_e820_entries();
  RC_PRE(t.entries.size() >= 2);
  t.sanitize();
  E820Table again = t;
  again.sanitize();
  // PRAM/SOFT_RESERVED runs were already split; nothing else can change.
  RC_ASSERT(again == t);
}

RC_GTEST_PROP(E820Property, range_update_retypes_exactly_the_range, ()) {
  E820Table t;
  t.entries = *testgen::gen_e820_entries(12);
  const std::uint64_t start = *rc::gen::inRange<std::uint64_t>(0, 64) * 0x1000;
  const std::uint64_t size = *rc::gen::inRange<std::uint64_t>(0, 32) * 0x1000;
  const E820Type from = *testgen::gen_e820_type();
  const E820Type to = *testgen::gen_e820_type();
  RC_PRE(from != to);
  const E820Table before = t;
  auto r = t.range_update(start, size, from, to);
  RC_ASSERT(r.ok());
  // Bytes of `from` entries inside the range are now `to`; the total size of
  // every type outside the range is unchanged.
  std::uint64_t expect = 0;
  for (const E820Entry& e : before.entries) {
    if (e.type != from) continue;
    const std::uint64_t lo = std::max(e.addr, start), hi = std::min(e.end(), start + size);
    if (lo < hi) expect += hi - lo;
  }
  RC_ASSERT(*r == expect);
  for (const E820Entry& e : t.entries) {
    if (e.type != from || e.size == 0) continue;
    RC_ASSERT(!(e.addr < start + size && start < e.end()));
  }
}

RC_GTEST_PROP(E820Property, print_read_round_trip, ()) {
  E820Table t;
  t.entries = *testgen::gen_e820_entries();
  RC_PRE(!t.entries.empty());
  auto r = e820_read_dmesg(e820_print_table(t, "BIOS-e820", true));
  RC_ASSERT(r.ok());
  RC_ASSERT(r->entries == t.entries);
}

RC_GTEST_PROP(E820Property, bootparams_round_trip, ()) {
  E820Table t;
  const auto n = *rc::gen::inRange<std::size_t>(0, 129);
  t.entries = *rc::gen::container<std::vector<E820Entry>>(n, testgen::gen_e820_entry());
  auto b = e820_write_bootparams(t);
  RC_ASSERT(b.ok());
  auto r = e820_read_bootparams(*b);
  RC_ASSERT(r.ok());
  RC_ASSERT(r->entries == t.entries);
}

RC_GTEST_PROP(E820Property, sysfs_round_trip, ()) {
  // Only the types whose sysfs name is unique survive the trip.
  const auto n = *rc::gen::inRange<std::size_t>(1, 16);
  const auto types = *rc::gen::container<std::vector<E820Type>>(
      n, rc::gen::elementOf(std::vector<E820Type>{E820Type::RAM, E820Type::RESERVED, E820Type::ACPI,
                                                  E820Type::NVS, E820Type::UNUSABLE, E820Type::PMEM,
                                                  E820Type::PRAM, E820Type::SOFT_RESERVED}));
  E820Table t;
  for (E820Type ty : types) {
    E820Entry e = *testgen::gen_e820_entry();
    e.type = ty;
    t.entries.push_back(e);
  }
  const auto dir = std::filesystem::temp_directory_path() / "mbv_e820_sysfs_prop";
  std::filesystem::remove_all(dir);
  RC_ASSERT(e820_write_sysfs(t, dir.string()).ok());
  auto r = e820_read_sysfs(dir.string());
  std::filesystem::remove_all(dir);
  RC_ASSERT(r.ok());
  RC_ASSERT(r->entries == t.entries);
}

}  // namespace
}  // namespace mbv
