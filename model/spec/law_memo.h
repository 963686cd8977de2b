// States whose iterator laws (check_iterators) are known to hold, so a
// caller that meets the same state again need not walk it again.
//
// The iterator laws are a function of the state alone (the model's walks are
// const and read only the state; the meaning is built from it), so a state
// equal in every field to one that passed them passes them. A fuzzer meets
// the same states over and over: libFuzzer mutates an input at one place and
// the ops before it rebuild the same states (in a 30 s memblock_ops run, 88%
// of the states after a step had been seen before, 82% weighted by region
// count). Entries are compared exactly (every field operator== compares
// except the constant type names), never by hash alone; the memo is bounded
// and starts over when full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "impl/memblock/memblock.h"

namespace mbv::spec {

class LawMemo {
 public:
  // Two generations of up to max_states states and max_bytes of their words
  // each: when the current one is full, the older is forgotten and a new one
  // starts; a state found in the older one moves to the current one, so the
  // states a fuzzer keeps meeting stay.
  explicit LawMemo(std::size_t max_bytes = std::size_t{48} << 20, std::size_t max_states = std::size_t{1} << 16);

  // Whether mb equals, field for field, a state record()ed before (and not
  // forgotten since).
  bool contains(const Memblock& mb);
  // Records that mb's iterator laws hold (call only after check_iterators
  // accepted mb).
  void record(const Memblock& mb);

  std::size_t size() const { return gen_[0].used + gen_[1].used; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t lookups() const { return lookups_; }

 private:
  // One table slot: the key's hash and where its words start in the arena
  // (offset + 1; 0 marks an empty slot). Open addressing, linear probing.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t at = 0;
  };
  struct Generation {
    std::vector<std::uint64_t> arena;  // stored keys: [length, words...] each
    std::vector<Slot> table;           // size: a power of two, >= 2 * max_states
    std::size_t used = 0;
    bool find(const std::vector<std::uint64_t>& key, std::uint64_t hash) const;
    void insert(const std::vector<std::uint64_t>& key, std::uint64_t hash);
    void clear();
  };
  void encode(const Memblock& mb);  // mb's fields into key_ and key_hash_
  void insert_current();            // key_ into the current generation
  Generation gen_[2];
  int cur_ = 0;
  std::vector<std::uint64_t> key_;  // scratch, reused
  std::uint64_t key_hash_ = 0;
  std::size_t max_words_, max_states_;
  std::uint64_t hits_ = 0, lookups_ = 0;
};

}  // namespace mbv::spec
