#include "model/diff/ddmin.h"

#include <algorithm>

namespace mbv {

namespace {

// The n-th of `parts` near-equal chunks of t, and t without it.
OpTrace chunk(const OpTrace& t, std::size_t i, std::size_t parts) {
  const std::size_t lo = t.size() * i / parts, hi = t.size() * (i + 1) / parts;
  return OpTrace(t.begin() + static_cast<std::ptrdiff_t>(lo), t.begin() + static_cast<std::ptrdiff_t>(hi));
}
OpTrace without_chunk(const OpTrace& t, std::size_t i, std::size_t parts) {
  const std::size_t lo = t.size() * i / parts, hi = t.size() * (i + 1) / parts;
  OpTrace out(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(lo));
  out.insert(out.end(), t.begin() + static_cast<std::ptrdiff_t>(hi), t.end());
  return out;
}

}  // namespace

OpTrace ddmin(OpTrace t, const std::function<bool(const OpTrace&)>& fails, std::size_t* tests_run) {
  std::size_t runs = 0;
  auto test = [&](const OpTrace& c) {
    ++runs;
    return fails(c);
  };
  std::size_t n = 2;
  while (t.size() >= 2) {
    n = std::min(n, t.size());
    bool reduced = false;
    // reduce to a subset
    for (std::size_t i = 0; i < n && !reduced; ++i) {
      OpTrace c = chunk(t, i, n);
      if (!c.empty() && test(c)) {
        t = std::move(c);
        n = 2;
        reduced = true;
      }
    }
    // reduce to a complement
    for (std::size_t i = 0; i < n && !reduced && n > 2; ++i) {
      OpTrace c = without_chunk(t, i, n);
      if (test(c)) {
        t = std::move(c);
        n = std::max<std::size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (n >= t.size()) break;  // single-op granularity reached: 1-minimal
    n = std::min(t.size(), n * 2);
  }
  // With n == size the complement step tried every single-op removal, but a
  // last pass makes the 1-minimality guarantee explicit for tiny traces too.
  for (std::size_t i = 0; i < t.size() && t.size() > 1;) {
    OpTrace c = t;
    c.erase(c.begin() + static_cast<std::ptrdiff_t>(i));
    if (test(c)) t = std::move(c), i = 0;
    else ++i;
  }
  if (tests_run) *tests_run = runs;
  return t;
}

}  // namespace mbv
