// Table edits, sanitizer and readers of the sanitized table (Linux 6.1
// arch/x86/kernel/e820.c), on a value instead of the kernel's globals.
#include "impl/e820/e820.h"

#include <algorithm>
#include <map>

namespace mbv {

namespace {

std::uint32_t raw(E820Type t) { return static_cast<std::uint32_t>(t); }

// e820_nomerge: PRAM and SOFT_RESERVED may mark platform boundaries.
bool e820_nomerge(std::uint32_t type) {
  return type == raw(E820Type::PRAM) || type == raw(E820Type::SOFT_RESERVED);
}

}  // namespace

// __e820__range_add (arch/x86/kernel/e820.c)
E820AddResult E820Table::range_add(std::uint64_t start, std::uint64_t size, E820Type type) {
  if (entries.size() >= capacity) return E820AddResult::DroppedFull;
  entries.push_back(E820Entry{start, size, type});
  return E820AddResult::Added;
}

// __e820__range_update (arch/x86/kernel/e820.c)
Result<std::uint64_t> E820Table::range_update(std::uint64_t start, std::uint64_t size,
                                              E820Type old_type, E820Type new_type) {
  if (old_type == new_type)
    return make_error(ErrorCode::BadInput,
                      "e820 range update from type " + std::to_string(raw(old_type)) +
                          " to itself (the kernel BUG()s here)");
  if (size > ~std::uint64_t{0} - start) size = ~std::uint64_t{0} - start;
  const std::uint64_t end = start + size;
  std::uint64_t updated = 0;
  // Appended entries are visited too, like the kernel's loop over nr_entries.
  for (std::size_t i = 0; i < entries.size(); i++) {
    E820Entry& e = entries[i];
    if (e.type != old_type) continue;
    const std::uint64_t entry_end = e.addr + e.size;
    if (e.addr >= start && entry_end <= end) {
      e.type = new_type;
      updated += e.size;
      continue;
    }
    if (e.addr < start && entry_end > end) {
      const E820Entry head{e.addr, start - e.addr, e.type};
      range_add(start, size, new_type);
      range_add(end, entry_end - end, head.type);
      entries[i].size = head.size;  // entries may have moved
      updated += size;
      continue;
    }
    const std::uint64_t fs = std::max(start, e.addr);
    const std::uint64_t fe = std::min(end, entry_end);
    if (fs >= fe) continue;
    const std::uint64_t addr = e.addr;
    range_add(fs, fe - fs, new_type);
    E820Entry& cur = entries[i];
    updated += fe - fs;
    cur.size -= fe - fs;
    if (addr < fs) continue;
    cur.addr = fe;
  }
  return updated;
}

// e820__range_remove (arch/x86/kernel/e820.c)
std::uint64_t E820Table::range_remove(std::uint64_t start, std::uint64_t size,
                                      E820Type old_type, bool check_type) {
  if (size > ~std::uint64_t{0} - start) size = ~std::uint64_t{0} - start;
  const std::uint64_t end = start + size;
  std::uint64_t removed = 0;
  for (std::size_t i = 0; i < entries.size(); i++) {
    E820Entry& e = entries[i];
    if (check_type && e.type != old_type) continue;
    const std::uint64_t entry_end = e.addr + e.size;
    if (e.addr >= start && entry_end <= end) {
      removed += e.size;
      e = E820Entry{0, 0, static_cast<E820Type>(0)};  // zeroed in place
      continue;
    }
    if (e.addr < start && entry_end > end) {
      const E820Type t = e.type;
      const std::uint64_t head = start - e.addr;
      range_add(end, entry_end - end, t);
      entries[i].size = head;
      removed += size;
      continue;
    }
    const std::uint64_t fs = std::max(start, e.addr);
    const std::uint64_t fe = std::min(end, entry_end);
    if (fs >= fe) continue;
    removed += fe - fs;
    e.size -= fe - fs;
    if (e.addr < fs) continue;
    e.addr = fe;
  }
  return removed;
}

// e820__update_table (arch/x86/kernel/e820.c)
int E820Table::sanitize() {
  if (entries.size() < 2) return -1;
  MB_CHECK(entries.size() <= capacity, "e820 table above its capacity");
  for (const E820Entry& e : entries)
    if (e.addr + e.size < e.addr) return -1;

  struct ChangePoint {
    std::uint64_t addr;
    std::size_t entry;
    bool is_end;
  };
  std::vector<ChangePoint> points;
  points.reserve(2 * entries.size());
  for (std::size_t i = 0; i < entries.size(); i++) {
    if (entries[i].size == 0) continue;
    points.push_back({entries[i].addr, i, false});
    points.push_back({entries[i].addr + entries[i].size, i, true});
  }
  // cpcompare: by address; at equal addresses starts sort before ends. The
  // kernel's sort is unstable; the result does not depend on tie order.
  std::sort(points.begin(), points.end(), [](const ChangePoint& a, const ChangePoint& b) {
    if (a.addr != b.addr) return a.addr < b.addr;
    return !a.is_end && b.is_end;
  });

  std::vector<std::size_t> overlap;
  std::vector<E820Entry> out;
  std::uint32_t last_type = 0;
  std::uint64_t last_addr = 0;
  E820Entry open{};
  for (const ChangePoint& cp : points) {
    if (!cp.is_end) {
      overlap.push_back(cp.entry);
    } else {
      auto it = std::find(overlap.begin(), overlap.end(), cp.entry);
      MB_CHECK(it != overlap.end(), "sanitize: end without start");
      *it = overlap.back();
      overlap.pop_back();
    }
    std::uint32_t current_type = 0;
    for (std::size_t idx : overlap) current_type = std::max(current_type, raw(entries[idx].type));

    if (current_type != last_type || e820_nomerge(current_type)) {
      if (last_type != 0) {
        open.size = cp.addr - last_addr;
        if (open.size != 0) {
          out.push_back(open);
          if (out.size() >= capacity) break;
        }
      }
      if (current_type != 0) {
        open.addr = cp.addr;
        open.type = static_cast<E820Type>(current_type);
        last_addr = cp.addr;
      }
      last_type = current_type;
    }
  }
  entries = std::move(out);
  return 0;
}

// _e820__mapped_any (arch/x86/kernel/e820.c)
bool E820Table::mapped_any(std::uint64_t start, std::uint64_t end,
                           std::optional<E820Type> type) const {
  for (const E820Entry& e : entries) {
    if (type && e.type != *type) continue;
    if (e.addr >= end || e.addr + e.size <= start) continue;
    return true;
  }
  return false;
}

// __e820__mapped_all (arch/x86/kernel/e820.c): relies on a sorted table.
bool E820Table::mapped_all(std::uint64_t start, std::uint64_t end,
                           std::optional<E820Type> type) const {
  for (const E820Entry& e : entries) {
    if (type && e.type != *type) continue;
    if (e.addr >= end || e.addr + e.size <= start) continue;
    if (e.addr <= start) start = e.addr + e.size;
    if (start >= end) return true;
  }
  return false;
}

// e820_end_pfn (arch/x86/kernel/e820.c)
std::uint64_t e820_end_pfn(const E820Table& table, std::uint64_t limit_pfn, E820Type type,
                           bool la57) {
  std::uint64_t last_pfn = 0;
  for (const E820Entry& e : table.entries) {
    if (e.type != type) continue;
    const std::uint64_t s = e.addr >> PAGE_SHIFT;
    const std::uint64_t en = (e.addr + e.size) >> PAGE_SHIFT;
    if (s >= limit_pfn) continue;
    if (en > limit_pfn) {
      last_pfn = limit_pfn;
      break;
    }
    last_pfn = std::max(last_pfn, en);
  }
  return std::min(last_pfn, e820_max_arch_pfn(la57));
}

// e820__end_of_ram_pfn (arch/x86/kernel/e820.c)
std::uint64_t E820Table::end_of_ram_pfn(bool la57) const {
  return e820_end_pfn(*this, e820_max_arch_pfn(la57), E820Type::RAM, la57);
}

// e820__end_of_low_ram_pfn (arch/x86/kernel/e820.c)
std::uint64_t E820Table::end_of_low_ram_pfn() const {
  return e820_end_pfn(*this, 1ull << (32 - PAGE_SHIFT), E820Type::RAM, false);
}

std::vector<E820Entry> e820_reference_sanitize(const std::vector<E820Entry>& in) {
  // Every boundary point of the input; between two consecutive points the
  // covering set is constant, so one probe per elementary interval suffices.
  std::vector<std::uint64_t> bounds;
  for (const E820Entry& e : in) {
    if (e.size == 0) continue;
    MB_CHECK(e.addr + e.size > e.addr, "reference sanitize needs non-wrapping entries");
    bounds.push_back(e.addr);
    bounds.push_back(e.addr + e.size);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  std::vector<E820Entry> out;
  for (std::size_t i = 0; i + 1 < bounds.size(); i++) {
    const std::uint64_t lo = bounds[i], hi = bounds[i + 1];
    std::uint32_t best = 0;
    for (const E820Entry& e : in)
      if (e.size != 0 && e.addr <= lo && hi <= e.addr + e.size) best = std::max(best, raw(e.type));
    if (best == 0) continue;
    if (!out.empty() && out.back().end() == lo && raw(out.back().type) == best &&
        !e820_nomerge(best)) {
      out.back().size += hi - lo;
    } else {
      out.push_back(E820Entry{lo, hi - lo, static_cast<E820Type>(best)});
    }
  }
  return out;
}

}  // namespace mbv
