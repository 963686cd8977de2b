// The dmesg reader never crashes, and what it reports found agrees with what
// it filled in: section line counts match the items, found == (lines > 0).
#include <cstdint>
#include <string_view>

#include "impl/dmesg/dmesg.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mbv;
  auto r = read_dmesg(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (!r.ok()) {
    MB_CHECK(r.error().where.line >= 1, "an error without a line number");
    return 0;
  }
  const DmesgLog& l = r->log;
  auto sec = [&](std::string_view n) -> const DmesgSection& {
    for (const DmesgSection& s : r->sections) if (s.name == n) return s;
    MB_CHECK(false, "missing section");
    std::abort();
  };
  std::size_t e820 = 0;
  for (const DmesgE820Table& t : l.e820) {
    MB_CHECK(!t.table.entries.empty(), "an empty e820 table");
    e820 += t.table.entries.size();
  }
  for (const DmesgSection& s : r->sections)
    MB_CHECK(s.found == (s.lines > 0) && s.first_line <= r->lines, "section bookkeeping");
  MB_CHECK(sec("e820").lines == e820, "e820 lines != entries");
  MB_CHECK(sec("NUMA merge").lines == l.numa_merges.size(), "merge lines != merges");
  MB_CHECK(sec("crashkernel").lines == l.crashkernel.size(), "crashkernel lines");
  MB_CHECK(sec("Memory").found == l.memory.has_value(), "Memory found");
  MB_CHECK(sec("Zone ranges").found == l.zones.has_value() &&
               (!l.zones || sec("Zone ranges").lines >= l.zones->size() + 1), "zones");
  MB_CHECK(sec("Early memory node ranges").found == l.early_node_ranges.has_value(), "node ranges");
  MB_CHECK(sec("Movable zone start").found == l.movable_zone_start.has_value(), "movable");
  return 0;
}
