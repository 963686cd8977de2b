// e820__update_table against the brute-force reference: every byte gets the
// highest type covering it; output sorted, disjoint, merged except PRAM and
// SOFT_RESERVED; fewer than 2 entries or a wrapping entry leave it untouched.
#include <cstdint>

#include "fuzz/e820_sanitize/decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mbv;
  E820Table t = fuzz::decode_e820({data, size});
  const E820Table in = t;
  bool wraps = false;
  for (const E820Entry& e : in.entries) wraps |= e.addr + e.size < e.addr;
  const int rc = t.sanitize();
  if (in.entries.size() < 2 || wraps) {
    MB_CHECK(rc == -1 && t == in, "sanitize changed a table it must refuse");
    return 0;
  }
  MB_CHECK(rc == 0, "sanitize refused a valid table");
  std::vector<E820Entry> want = e820_reference_sanitize(in.entries);
  if (want.size() > in.capacity) want.resize(in.capacity);
  MB_CHECK(t.entries == want, "sanitize differs from the brute-force reference");
  for (std::size_t i = 0; i < t.entries.size(); i++) {
    const E820Entry& e = t.entries[i];
    MB_CHECK(e.size != 0 && e.type != static_cast<E820Type>(0), "empty or typeless output entry");
    if (i == 0) continue;
    const E820Entry& p = t.entries[i - 1];
    MB_CHECK(p.end() <= e.addr, "output not sorted and disjoint");
    MB_CHECK(p.end() != e.addr || p.type != e.type || e.type == E820Type::PRAM ||
                 e.type == E820Type::SOFT_RESERVED,
             "touching entries of one mergeable type left unmerged");
  }
  return 0;
}
