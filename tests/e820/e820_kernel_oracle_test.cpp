// Our e820 model against the real Linux 6.1 code (the table-editing block of
// arch/x86/kernel/e820.c with the kernel's lib/sort.c), compiled from the
// kernel tarball at build time: sanitize, range_add/update/remove sequences,
// and append_e820_table, compared entry by entry including zeroed entries.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "impl/e820/e820.h"
#include "tests/e820/e820_gen.h"
#include "tests/e820/kernel_e820_oracle.h"

namespace mbv {
namespace {

void kernel_load(const E820Table& t) {
  std::vector<std::uint64_t> a, s;
  std::vector<std::uint32_t> ty;
  for (const E820Entry& e : t.entries) {
    a.push_back(e.addr);
    s.push_back(e.size);
    ty.push_back(static_cast<std::uint32_t>(e.type));
  }
  kernel_e820_load(a.data(), s.data(), ty.data(), static_cast<std::uint32_t>(t.entries.size()));
}

std::vector<E820Entry> kernel_store() {
  std::vector<std::uint64_t> a(kernel_e820_capacity()), s(kernel_e820_capacity());
  std::vector<std::uint32_t> ty(kernel_e820_capacity());
  const std::uint32_t n = kernel_e820_store(a.data(), s.data(), ty.data());
  std::vector<E820Entry> out;
  for (std::uint32_t i = 0; i < n; i++) out.push_back({a[i], s[i], static_cast<E820Type>(ty[i])});
  return out;
}

E820Table oracle_sized(std::vector<E820Entry> e) {
  E820Table t;
  t.capacity = kernel_e820_capacity();
  t.entries = std::move(e);
  return t;
}

void expect_same_sanitize(const E820Table& in) {
  kernel_load(in);
  const int krc = kernel_e820_update_table();
  E820Table got = in;
  RC_ASSERT(got.sanitize() == krc);
  RC_ASSERT(got.entries == kernel_store());
}

RC_GTEST_PROP(E820KernelOracle, sanitize_matches_linux_6_1, ()) {
  const std::size_t cap = kernel_e820_capacity();
  expect_same_sanitize(oracle_sized(*testgen::gen_e820_entries(cap)));
}

RC_GTEST_PROP(E820KernelOracle, truncation_matches_linux_6_1, ()) {
  // Many small entries, each splitting a covering entry of another type, so
  // the output needs more than the capacity.
  const std::size_t cap = kernel_e820_capacity();
  const auto n = *rc::gen::inRange<std::size_t>(60, cap - 1);
  std::vector<E820Entry> e{{0, (n * 2 + 2) * 0x1000, E820Type::RAM}};
  for (std::size_t i = 0; i < n; i++) e.push_back({(2 * i + 1) * 0x1000, 0x1000, *testgen::gen_e820_type()});
  expect_same_sanitize(oracle_sized(e));
}

RC_GTEST_PROP(E820KernelOracle, any_type_value_matches_linux_6_1, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(0, 20);
  std::vector<E820Entry> e;
  for (std::size_t i = 0; i < n; i++) {
    E820Entry x = *testgen::gen_e820_entry();
    x.type = static_cast<E820Type>(*rc::gen::arbitrary<std::uint32_t>());
    e.push_back(x);
  }
  expect_same_sanitize(oracle_sized(e));
}

// One edit of the command sequence below.
struct Edit {
  int op = 0;  // 0 add, 1 update, 2 remove, 3 sanitize
  std::uint64_t start = 0, size = 0;
  std::uint32_t t1 = 1, t2 = 2;
  bool check = true;
};

RC_GTEST_PROP(E820KernelOracle, edit_sequences_match_linux_6_1, ()) {
  E820Table ours = oracle_sized(*testgen::gen_e820_entries(40));
  kernel_load(ours);
  const auto edits = *rc::gen::container<std::vector<Edit>>(rc::gen::exec([] {
    Edit e;
    e.op = *rc::gen::inRange(0, 4);
    e.start = *rc::gen::inRange<std::uint64_t>(0, 72) * 0x1000 + *rc::gen::element<std::uint64_t>(0, 0, 0, 0x800);
    e.size = *rc::gen::element<std::uint64_t>(0, 0x1000, 0x3000, 0x10000, 0x40000, ~0ull, ~0ull - 0x1000);
    e.t1 = static_cast<std::uint32_t>(*testgen::gen_e820_type());
    e.t2 = static_cast<std::uint32_t>(*testgen::gen_e820_type());
    e.check = *rc::gen::arbitrary<bool>();
    return e;
  }));
  for (const Edit& e : edits) {
    switch (e.op) {
      case 0:
        kernel_e820_range_add(e.start, e.size, e.t1);
        ours.range_add(e.start, e.size, static_cast<E820Type>(e.t1));
        break;
      case 1: {
        if (e.t1 == e.t2) break;  // the kernel BUG()s; ours returns an error (tested elsewhere)
        const std::uint64_t k = kernel_e820_range_update(e.start, e.size, e.t1, e.t2);
        auto r = ours.range_update(e.start, e.size, static_cast<E820Type>(e.t1), static_cast<E820Type>(e.t2));
        RC_ASSERT(r.ok());
        RC_ASSERT(*r == k);
        break;
      }
      case 2: {
        const std::uint64_t k = kernel_e820_range_remove(e.start, e.size, e.t1, e.check);
        RC_ASSERT(ours.range_remove(e.start, e.size, static_cast<E820Type>(e.t1), e.check) == k);
        break;
      }
      default:
        RC_ASSERT(ours.sanitize() == kernel_e820_update_table());
        break;
    }
    RC_ASSERT(ours.entries == kernel_store());
  }
}

RC_GTEST_PROP(E820KernelOracle, append_and_fallback_match_linux_6_1, ()) {
  // At most 70 entries: their sanitized form (< 2n) fits the oracle capacity.
  const auto n = *rc::gen::inRange<std::size_t>(0, 70);
  std::vector<E820Entry> boot = *rc::gen::container<std::vector<E820Entry>>(n, testgen::gen_e820_entry());
  std::vector<std::uint64_t> a, s;
  std::vector<std::uint32_t> ty;
  for (const E820Entry& e : boot) {
    a.push_back(e.addr);
    s.push_back(e.size);
    ty.push_back(static_cast<std::uint32_t>(e.type));
  }
  kernel_load(E820Table{});
  const int krc = kernel_e820_append(a.data(), s.data(), ty.data(), static_cast<std::uint32_t>(n));
  const E820Setup ours = e820_memory_setup_default(boot);
  RC_ASSERT((krc == 0) == (ours.who == "BIOS-e820"));
  if (krc != 0) return;  // the fallback map is tested in e820_setup_test
  kernel_e820_update_table();
  RC_ASSERT(ours.table.entries == kernel_store());
}

TEST(E820KernelOracle, capacity_is_the_shim_value) {
  EXPECT_EQ(kernel_e820_capacity(), 128u + 3 * 4);
}

}  // namespace
}  // namespace mbv
