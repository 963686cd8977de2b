#include "model/spec/law_memo.h"

#include <algorithm>
#include <bit>

namespace mbv::spec {

namespace {

// A fast 64-bit hash of the words: four independent multiply lanes (so the
// multiplies overlap), folded at the end. Only picks the slot; equality is
// always checked on the whole key.
std::uint64_t hash_words(const std::vector<std::uint64_t>& v) {
  constexpr std::uint64_t k0 = 0x9e3779b97f4a7c15ull, k1 = 0xc2b2ae3d27d4eb4full, k2 = 0x165667b19e3779f9ull,
                          k3 = 0xff51afd7ed558ccdull;
  std::uint64_t a = v.size(), b = k0, c = k1, d = k2;
  std::size_t i = 0;
  for (; i + 4 <= v.size(); i += 4) {
    a = std::rotl((a ^ v[i]) * k0, 29);
    b = std::rotl((b ^ v[i + 1]) * k1, 31);
    c = std::rotl((c ^ v[i + 2]) * k2, 27);
    d = std::rotl((d ^ v[i + 3]) * k3, 33);
  }
  for (; i < v.size(); ++i) a = std::rotl((a ^ v[i]) * k3, 23);
  std::uint64_t h = a ^ std::rotl(b, 17) ^ std::rotl(c, 34) ^ std::rotl(d, 51);
  h ^= h >> 33;
  h *= k3;
  h ^= h >> 29;
  return h;
}

}  // namespace

LawMemo::LawMemo(std::size_t max_bytes, std::size_t max_states)
    : max_words_(max_bytes / sizeof(std::uint64_t)), max_states_(std::max<std::size_t>(max_states, 1)) {
  for (Generation& g : gen_) g.table.resize(std::bit_ceil(2 * max_states_));
}

void LawMemo::encode(const Memblock& mb) {
  key_.clear();
  key_.push_back(std::uint64_t{mb.bottom_up} | std::uint64_t{mb.can_resize} << 1 |
                 std::uint64_t{mb.movable_node} << 2 | std::uint64_t{mb.mirrored_kernelcore} << 3 |
                 std::uint64_t{mb.system_has_some_mirror} << 4 |
                 std::uint64_t{static_cast<std::uint8_t>(mb.kernel_bug)} << 8);
  key_.push_back(mb.current_limit);
  key_.push_back(mb.legacy_bottom_up_kernel_end);
  key_.push_back(mb.legacy_bottom_up_fallbacks);
  for (const MemblockType* t : {&mb.memory, &mb.reserved}) {
    key_.push_back(t->cnt());  // separates the two arrays
    key_.push_back(t->max);
    key_.push_back(t->init_max);
    key_.push_back(t->total_size);
    key_.push_back(t->array_phys);
    const std::size_t at = key_.size();
    key_.resize(at + 3 * t->cnt());
    std::uint64_t* w = key_.data() + at;
    for (const MemblockRegion& r : t->regions) {
      *w++ = r.base;
      *w++ = r.size;
      *w++ = std::uint64_t{r.flags} | std::uint64_t{static_cast<std::uint32_t>(r.nid)} << 32;
    }
  }
  key_hash_ = hash_words(key_);
}

bool LawMemo::Generation::find(const std::vector<std::uint64_t>& key, std::uint64_t hash) const {
  const std::size_t mask = table.size() - 1;
  for (std::size_t i = hash & mask; table[i].at; i = (i + 1) & mask) {
    if (table[i].hash != hash) continue;
    const std::uint64_t* stored = arena.data() + (table[i].at - 1);
    if (stored[0] == key.size() && std::equal(key.begin(), key.end(), stored + 1)) return true;
  }
  return false;
}

void LawMemo::Generation::insert(const std::vector<std::uint64_t>& key, std::uint64_t hash) {
  const std::size_t mask = table.size() - 1;
  std::size_t i = hash & mask;
  while (table[i].at) i = (i + 1) & mask;
  table[i] = Slot{hash, arena.size() + 1};
  arena.push_back(key.size());
  arena.insert(arena.end(), key.begin(), key.end());
  ++used;
}

void LawMemo::Generation::clear() {
  arena.clear();
  std::fill(table.begin(), table.end(), Slot{});
  used = 0;
}

void LawMemo::insert_current() {
  if (key_.size() + 1 > max_words_) return;  // larger than a whole generation: not kept
  Generation* g = &gen_[cur_];
  if (g->used + 1 > max_states_ || g->arena.size() + key_.size() + 1 > max_words_) {
    cur_ ^= 1;  // the older generation is forgotten; a new one starts
    g = &gen_[cur_];
    g->clear();
  }
  g->insert(key_, key_hash_);
}

bool LawMemo::contains(const Memblock& mb) {
  encode(mb);
  ++lookups_;
  if (gen_[cur_].find(key_, key_hash_)) {
    ++hits_;
    return true;
  }
  if (!gen_[cur_ ^ 1].find(key_, key_hash_)) return false;
  ++hits_;
  insert_current();  // still met: keep it past the next turnover
  return true;
}

void LawMemo::record(const Memblock& mb) {
  encode(mb);
  if (gen_[cur_].find(key_, key_hash_)) return;
  insert_current();
}

}  // namespace mbv::spec
