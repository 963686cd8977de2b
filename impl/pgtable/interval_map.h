// A map from half-open integer intervals to values, used to hold page-table
// slot states per range instead of per slot (a 1 PiB direct map has 2^29
// PMD slots but only a few thousand runs of equal state).
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace mbv {

template <typename V>
class IntervalMap {
 public:
  struct Segment {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    V value{};
    friend bool operator==(const Segment&, const Segment&) = default;
  };

  // Sets every key in [lo, hi) to v; neighbours with an equal value merge.
  void assign(std::uint64_t lo, std::uint64_t hi, const V& v) {
    if (lo >= hi) return;
    erase(lo, hi);
    auto it = m_.emplace(lo, Entry{hi, v}).first;
    // merge with the right neighbour
    auto nx = std::next(it);
    if (nx != m_.end() && nx->first == hi && nx->second.value == v) {
      it->second.hi = nx->second.hi;
      m_.erase(nx);
    }
    // merge with the left neighbour
    if (it != m_.begin()) {
      auto pv = std::prev(it);
      if (pv->second.hi == lo && pv->second.value == v) {
        pv->second.hi = it->second.hi;
        m_.erase(it);
      }
    }
  }

  // Removes every key in [lo, hi).
  void erase(std::uint64_t lo, std::uint64_t hi) {
    if (lo >= hi) return;
    split_at(lo);
    split_at(hi);
    auto first = m_.lower_bound(lo);
    auto last = m_.lower_bound(hi);
    m_.erase(first, last);
  }

  // Value at key k, if any.
  std::optional<V> at(std::uint64_t k) const {
    auto it = m_.upper_bound(k);
    if (it == m_.begin()) return std::nullopt;
    --it;
    if (k < it->second.hi) return it->second.value;
    return std::nullopt;
  }

  // Calls f(a, b, const V*) for consecutive pieces tiling [lo, hi); gaps get nullptr.
  template <typename F>
  void for_each(std::uint64_t lo, std::uint64_t hi, F&& f) const {
    if (lo >= hi) return;
    auto it = m_.upper_bound(lo);
    if (it != m_.begin()) {
      auto pv = std::prev(it);
      if (pv->second.hi > lo) it = pv;
    }
    std::uint64_t cur = lo;
    for (; it != m_.end() && it->first < hi; ++it) {
      std::uint64_t a = std::max(it->first, lo);
      std::uint64_t b = std::min(it->second.hi, hi);
      if (cur < a) f(cur, a, static_cast<const V*>(nullptr));
      f(a, b, &it->second.value);
      cur = b;
    }
    if (cur < hi) f(cur, hi, static_cast<const V*>(nullptr));
  }

  // Number of keys in [lo, hi) that hold a value.
  std::uint64_t covered(std::uint64_t lo, std::uint64_t hi) const {
    std::uint64_t n = 0;
    for_each(lo, hi, [&](std::uint64_t a, std::uint64_t b, const V* v) {
      if (v) n += b - a;
    });
    return n;
  }

  std::vector<Segment> segments() const {
    std::vector<Segment> out;
    out.reserve(m_.size());
    for (const auto& [lo, e] : m_) out.push_back(Segment{lo, e.hi, e.value});
    return out;
  }
  std::size_t size() const { return m_.size(); }
  bool empty() const { return m_.empty(); }

  friend bool operator==(const IntervalMap& a, const IntervalMap& b) {
    return a.segments() == b.segments();
  }

 private:
  struct Entry {
    std::uint64_t hi;
    V value;
  };
  // Makes k a segment boundary (no segment strictly contains k).
  void split_at(std::uint64_t k) {
    auto it = m_.upper_bound(k);
    if (it == m_.begin()) return;
    --it;
    if (it->first < k && k < it->second.hi) {
      Entry right{it->second.hi, it->second.value};
      it->second.hi = k;
      m_.emplace(k, right);
    }
  }
  std::map<std::uint64_t, Entry> m_;
};

// A set of integers held as intervals.
struct Present {
  friend bool operator==(const Present&, const Present&) = default;
};
using IntervalSet = IntervalMap<Present>;

}  // namespace mbv
