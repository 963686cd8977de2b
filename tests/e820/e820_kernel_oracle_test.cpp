// Our sanitize against the real Linux 6.1 e820__update_table (and its heap
// sort), compiled from the kernel tarball at build time: same result code,
// same entries, same truncation, on generated tables.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "impl/e820/e820.h"
#include "tests/e820/e820_gen.h"
#include "tests/e820/kernel_e820_oracle.h"

namespace mbv {
namespace {

E820Table run_kernel(const E820Table& in, int* rc) {
  std::vector<std::uint64_t> a, s;
  std::vector<std::uint32_t> t;
  for (const E820Entry& e : in.entries) {
    a.push_back(e.addr);
    s.push_back(e.size);
    t.push_back(static_cast<std::uint32_t>(e.type));
  }
  std::uint32_t n = static_cast<std::uint32_t>(in.entries.size());
  a.resize(kernel_e820_capacity());
  s.resize(kernel_e820_capacity());
  t.resize(kernel_e820_capacity());
  *rc = kernel_e820_update_table(a.data(), s.data(), t.data(), &n);
  E820Table out;
  out.capacity = in.capacity;
  for (std::uint32_t i = 0; i < n; i++) out.entries.push_back({a[i], s[i], static_cast<E820Type>(t[i])});
  return out;
}

void expect_same(const E820Table& in) {
  int krc = 0;
  const E820Table want = run_kernel(in, &krc);
  E820Table got = in;
  const int rc = got.sanitize();
  RC_ASSERT(rc == krc);
  RC_ASSERT(got.entries == want.entries);
}

RC_GTEST_PROP(E820KernelOracle, sanitize_matches_linux_6_1, ()) {
  E820Table t;
  t.capacity = kernel_e820_capacity();
  t.entries = *testgen::gen_e820_entries(t.capacity);
  expect_same(t);
}

RC_GTEST_PROP(E820KernelOracle, truncation_matches_linux_6_1, ()) {
  // Many small entries, each split by a covering entry of another type, so
  // the output needs more than the capacity.
  E820Table t;
  t.capacity = kernel_e820_capacity();
  const auto n = *rc::gen::inRange<std::size_t>(60, t.capacity - 1);
  t.entries.push_back({0, (n * 2 + 2) * 0x1000, E820Type::RAM});
  for (std::size_t i = 0; i < n; i++) {
    const auto ty = *testgen::gen_e820_type();
    t.entries.push_back({(2 * i + 1) * 0x1000, 0x1000, ty});
  }
  expect_same(t);
}

RC_GTEST_PROP(E820KernelOracle, any_type_value_matches_linux_6_1, ()) {
  E820Table t;
  t.capacity = kernel_e820_capacity();
  const auto n = *rc::gen::inRange<std::size_t>(0, 20);
  for (std::size_t i = 0; i < n; i++) {
    E820Entry e = *testgen::gen_e820_entry();
    e.type = static_cast<E820Type>(*rc::gen::arbitrary<std::uint32_t>());
    t.entries.push_back(e);
  }
  expect_same(t);
}

TEST(E820KernelOracle, capacity_is_the_shim_value) {
  EXPECT_EQ(kernel_e820_capacity(), 128u + 3 * 4);
}

}  // namespace
}  // namespace mbv
