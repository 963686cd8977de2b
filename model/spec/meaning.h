// The meaning of a Memblock state, independent of how the region arrays
// happen to be cut: for each type, an interval map address -> (nid, flags)
// over the covered addresses. Two states with equal Meaning describe the same
// memory; the spec compares meanings, never region arrays.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "impl/common/types.h"
#include "impl/memblock/memblock.h"

namespace mbv::spec {

// What one covered address carries in one memblock type.
struct Attr {
  int nid = 0;
  std::uint32_t flags = 0;
  friend bool operator==(const Attr&, const Attr&) = default;
};

// One maximal run of addresses with the same Attr.
struct Seg {
  phys_addr_t start = 0;
  phys_addr_t end = 0;  // exclusive; never above PHYS_ADDR_MAX (I8)
  Attr attr;
  friend bool operator==(const Seg&, const Seg&) = default;
};

// A partial function address -> Attr, stored as sorted boundary points: the
// segments are sorted, disjoint, non-empty, and two touching segments always
// differ in Attr (normal form), so equality of maps is equality of meaning.
class IntervalMap {
 public:
  IntervalMap() = default;
  // Builds the map of a sorted, disjoint list of regions (check_state first).
  static IntervalMap of_regions(const std::vector<MemblockRegion>& regions);
  // *this = of_regions(regions), reusing this map's storage.
  void assign_regions(const std::vector<MemblockRegion>& regions);

  const std::vector<Seg>& segs() const { return segs_; }
  bool empty() const { return segs_.empty(); }
  std::optional<Attr> at(phys_addr_t addr) const;
  // The maximal run holding addr, if covered.
  std::optional<Seg> run_at(phys_addr_t addr) const;
  // Number of covered bytes.
  std::uint64_t covered_bytes() const;
  bool covers(phys_addr_t start, phys_addr_t end) const;      // every byte
  bool intersects(phys_addr_t start, phys_addr_t end) const;  // some byte
  // Maximal uncovered sub-ranges of [start, end).
  std::vector<PhysRange> gaps_in(phys_addr_t start, phys_addr_t end) const;

  // Rewrites every address of [start, end): f gets the current Attr (or
  // nullopt) and returns the new one (or nullopt to uncover). Re-normalises.
  void update(phys_addr_t start, phys_addr_t end,
              const std::function<std::optional<Attr>(std::optional<Attr>)>& f);
  // Covers the uncovered addresses of [start, end) with attr; keeps the rest.
  void fill(phys_addr_t start, phys_addr_t end, Attr attr);
  // Uncovers [start, end).
  void erase(phys_addr_t start, phys_addr_t end);

  friend bool operator==(const IntervalMap&, const IntervalMap&) = default;

 private:
  std::vector<Seg> segs_;
};

// The meaning of both types.
struct Meaning {
  IntervalMap memory;
  IntervalMap reserved;
  static Meaning of(const Memblock& mb);
  IntervalMap& type(MemblockTypeId t) { return t == MemblockTypeId::Memory ? memory : reserved; }
  const IntervalMap& type(MemblockTypeId t) const { return t == MemblockTypeId::Memory ? memory : reserved; }
  friend bool operator==(const Meaning&, const Meaning&) = default;
};

// "[mem 0x...-0x...]" with an inclusive end, as dmesg prints ranges.
std::string fmt_range(phys_addr_t start, phys_addr_t end);
std::string fmt_hex(std::uint64_t v);
std::string fmt_attr(const Attr& a);
// First address where two maps differ, described in one line, or nullopt.
std::optional<std::string> first_difference(const IntervalMap& expected, const IntervalMap& actual);

}  // namespace mbv::spec
