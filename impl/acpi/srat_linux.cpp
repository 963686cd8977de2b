// linux_view: what Linux 6.1 makes of a Srat (acpi_numa_init and the x86
// callbacks), and count_immovable_mem_regions, KASLR's own earlier reading.
// The kernel keeps this state in globals; here it is one local struct.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "impl/acpi/le_bytes.h"
#include "impl/acpi/srat.h"
#include "impl/common/numfmt.h"

namespace mbv {
namespace {

// "%#010Lx" as the kernel's vsprintf prints it: "0x" even for zero.
std::string kx(std::uint64_t v) {
  std::string s = "0x";
  append_hex(s, v, 8);
  return s;
}

std::string hex(std::uint64_t v) {
  std::string s = "0x";
  append_hex(s, v);
  return s;
}

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// One subtable as the kernel's walker hands it to a handler: an entry, or the
// zero-length subtable that ends the walk.
struct Visit {
  const SratEntry* entry = nullptr;  // null for the zero-length subtable
  std::uint8_t type = 0;
  std::uint32_t length = 0;
  std::uint32_t offset = 0;
};

// The table length as write_srat would produce it.
std::uint32_t table_length(const Srat& s) {
  std::uint32_t n = kSratHeaderBytes;
  for (const auto& e : s.entries) n += entry_length(e);
  return n + static_cast<std::uint32_t>(s.trailing.size());
}

// acpi_parse_entries_array's walk: a subtable is visited only while its
// 2-byte header ends strictly before the table end; a zero-length one is
// handed to the handler and then ends the walk with -EINVAL.
std::vector<Visit> walk(const Srat& s) {
  const std::uint32_t end = table_length(s);
  std::vector<Visit> v;
  v.reserve(s.entries.size() + 1);
  // Offsets are recomputed from the lengths (as write_srat lays the table
  // out), so hand-built values with stale offsets are read correctly too.
  std::uint32_t off = kSratHeaderBytes;
  for (const auto& e : s.entries) {
    if (off + kSubtableHeaderBytes >= end) return v;
    v.push_back({&e, entry_type(e), entry_length(e), off});
    off += entry_length(e);
  }
  if (s.zero_length_at && off + kSubtableHeaderBytes < end)
    v.push_back({nullptr, s.zero_length_type, 0, off});
  return v;
}

// Raw table bytes, built only when a handler reads past a short subtable
// (the kernel reads whatever follows it).
struct LazyBytes {
  const Srat& srat;
  std::optional<std::vector<std::uint8_t>> bytes;
  // The u32 at `off`, or nullopt when it lies past the table end.
  std::optional<std::uint32_t> u32(std::uint32_t off) {
    if (!bytes) bytes = write_srat(srat, true);
    if (off + 4ull > bytes->size()) return std::nullopt;
    return le::u32(*bytes, off);
  }
  std::optional<std::uint64_t> u64(std::uint32_t off) {
    if (!bytes) bytes = write_srat(srat, true);
    if (off + 8ull > bytes->size()) return std::nullopt;
    return le::u64(*bytes, off);
  }
};

struct Kernel {
  const LinuxSratOptions& opt;
  LinuxSratView& v;
  std::uint8_t acpi_srat_revision;
  std::vector<int> pxm_to_node_map;
  std::vector<char> nodes_found;
  int nodes_found_count = 0;
  // Nodes are only ever added to nodes_found here, so the first unset node
  // (first_unset_node) only moves up: keep it instead of rescanning.
  int first_unfound = 0;
  std::vector<char> nodes_parsed;
  std::vector<int> parsed_list;  // the nodes set in nodes_parsed, unsorted
  bool disabled = false;  // acpi_numa < 0

  Kernel(const LinuxSratOptions& o, LinuxSratView& view, std::uint8_t rev)
      : opt(o), v(view), acpi_srat_revision(rev) {
    const int max_pxm = o.max_numnodes > 256 ? o.max_numnodes : 256;  // MAX_PXM_DOMAINS
    pxm_to_node_map.assign(static_cast<std::size_t>(max_pxm), NUMA_NO_NODE);
    nodes_found.assign(static_cast<std::size_t>(o.max_numnodes), 0);
    nodes_parsed.assign(static_cast<std::size_t>(o.max_numnodes), 0);
  }

  // bad_srat (drivers/acpi/numa/srat.c)
  void bad_srat(std::uint32_t offset, const std::string& why) {
    v.log.push_back("ACPI: SRAT: SRAT not used.");
    if (!v.srat_bad) {
      v.srat_bad = true;
      v.bad_reason = "byte " + hex(offset) + ": " + why;
    }
    disabled = true;
  }

  // acpi_map_pxm_to_node (drivers/acpi/numa/srat.c)
  int acpi_map_pxm_to_node(std::int64_t pxm) {
    if (pxm < 0 || pxm >= static_cast<std::int64_t>(pxm_to_node_map.size()) || opt.numa_off)
      return NUMA_NO_NODE;
    int& node = pxm_to_node_map[static_cast<std::size_t>(pxm)];
    if (node == NUMA_NO_NODE) {
      if (nodes_found_count >= opt.max_numnodes) return NUMA_NO_NODE;
      while (nodes_found[static_cast<std::size_t>(first_unfound)]) ++first_unfound;  // first_unset_node
      node = first_unfound;
      nodes_found[static_cast<std::size_t>(node)] = 1;
      ++nodes_found_count;
      v.pxm_to_node.push_back({static_cast<std::uint32_t>(pxm), node});
    }
    return node;
  }

  void node_set_parsed(int node) {
    char& parsed = nodes_parsed[static_cast<std::size_t>(node)];
    if (!parsed) parsed_list.push_back(node);
    parsed = 1;
  }

  // acpi_numa_processor_affinity_init (arch/x86/mm/srat.c)
  void processor_affinity_init(const Visit& x) {
    if (disabled) return;
    const auto* e = x.entry ? std::get_if<SratCpuAffinity>(x.entry) : nullptr;
    if (x.length != kSratCpuAffinityBytes || !e) {
      bad_srat(x.offset, "processor affinity length " + std::to_string(x.length) + " != 16");
      return;
    }
    if (!(e->flags & SRAT_CPU_ENABLED)) return;
    std::uint32_t upxm = e->proximity_domain_lo;
    if (acpi_srat_revision >= 2) upxm = e->proximity_domain();
    const auto pxm = static_cast<std::int32_t>(upxm);  // the kernel's int
    const int node = acpi_map_pxm_to_node(pxm);
    if (node < 0) {
      v.log.push_back(fmt("SRAT: Too many proximity domains %x", upxm));
      bad_srat(x.offset, fmt("no node for PXM %u (processor affinity)", upxm));
      return;
    }
    const std::uint32_t apic_id = e->apic_id;  // non-UV systems
    if (apic_id >= opt.max_local_apic) {
      v.log.push_back(fmt("SRAT: PXM %u -> APIC 0x%02x -> Node %u skipped apicid that is too big",
                          upxm, apic_id, node));
      return;
    }
    v.apic_to_node.push_back({apic_id, node});
    node_set_parsed(node);
    // "SRAT: PXM %u -> APIC 0x%02x -> Node %u", without snprintf (every boot prints it per CPU)
    std::string line;
    line.reserve(48);
    line += "SRAT: PXM ";
    append_dec(line, upxm);
    line += " -> APIC 0x";
    append_hex(line, apic_id, 2);
    line += " -> Node ";
    append_dec(line, static_cast<std::uint32_t>(node));
    v.log.push_back(std::move(line));
  }

  // acpi_numa_x2apic_affinity_init (arch/x86/mm/srat.c)
  void x2apic_affinity_init(const Visit& x) {
    if (disabled) return;
    const auto* e = x.entry ? std::get_if<SratX2apicAffinity>(x.entry) : nullptr;
    if (x.length < kSratX2apicAffinityBytes || !e) {
      bad_srat(x.offset, "x2APIC affinity length " + std::to_string(x.length) + " < 24");
      return;
    }
    if (!(e->flags & SRAT_CPU_ENABLED)) return;
    const std::uint32_t upxm = e->proximity_domain;
    if (e->apic_id > opt.x2apic_max_id) {
      v.log.push_back(fmt("SRAT: PXM %u -> X2APIC 0x%04x ignored", upxm, e->apic_id));
      return;
    }
    const int node = acpi_map_pxm_to_node(static_cast<std::int32_t>(upxm));
    if (node < 0) {
      v.log.push_back(fmt("SRAT: Too many proximity domains %x", upxm));
      bad_srat(x.offset, fmt("no node for PXM %u (x2APIC affinity)", upxm));
      return;
    }
    if (e->apic_id >= opt.max_local_apic) {
      v.log.push_back(fmt("SRAT: PXM %u -> APIC 0x%04x -> Node %u skipped apicid that is too big",
                          upxm, e->apic_id, node));
      return;
    }
    v.apic_to_node.push_back({e->apic_id, node});
    node_set_parsed(node);
    v.log.push_back(fmt("SRAT: PXM %u -> APIC 0x%04x -> Node %u", upxm, e->apic_id, node));
  }

  // acpi_parse_gi_affinity (drivers/acpi/numa/srat.c); nonzero stops the
  // remaining handlers of the CPU pass.
  int parse_gi_affinity(const Visit& x, LazyBytes& raw) {
    std::uint32_t flags = 0, upxm = 0;
    if (const auto* e = x.entry ? std::get_if<SratGenericAffinity>(x.entry) : nullptr) {
      flags = e->flags;
      upxm = e->proximity_domain;
    } else {
      // A short entry: the kernel reads the fields from whatever follows.
      auto f = raw.u32(x.offset + 24);
      auto p = raw.u32(x.offset + 4);
      if (!f || !p) {
        v.notes.push_back("byte " + hex(x.offset) +
                          ": short generic initiator entry; the kernel reads its flags past "
                          "the table end, modeled as disabled");
        return -KERN_EINVAL;
      }
      flags = *f;
      upxm = *p;
      v.notes.push_back("byte " + hex(x.offset) +
                        ": short generic initiator entry; fields read from the bytes after it");
    }
    if (!(flags & SRAT_GENERIC_ENABLED)) return -KERN_EINVAL;
    const int node = acpi_map_pxm_to_node(static_cast<std::int32_t>(upxm));
    if (node == NUMA_NO_NODE) {
      v.log.push_back("ACPI: SRAT: Too many proximity domains.");
      return -KERN_EINVAL;
    }
    node_set_parsed(node);
    return 0;
  }

  // numa_add_memblk -> numa_add_memblk_to (arch/x86/mm/numa.c)
  int numa_add_memblk(int nid, std::uint64_t start, std::uint64_t end, bool hotpluggable) {
    if (start == end) return 0;
    if (start > end || nid < 0 || nid >= opt.max_numnodes) {
      v.log.push_back(fmt("Warning: invalid memblk node %d [mem %s-%s]", nid, kx(start).c_str(),
                          kx(end - 1).c_str()));
      return 0;
    }
    if (static_cast<int>(v.memblks.size()) >= opt.nr_node_memblks) {
      v.log.push_back("too many memblk ranges");
      return -KERN_EINVAL;
    }
    v.memblks.push_back({nid, start, end, hotpluggable});
    return 0;
  }

  // acpi_numa_memory_affinity_init (drivers/acpi/numa/srat.c)
  int memory_affinity_init(const Visit& x) {
    if (disabled) return -KERN_EINVAL;
    const auto* ma = x.entry ? std::get_if<SratMemoryAffinity>(x.entry) : nullptr;
    if (x.length < kSratMemoryAffinityBytes || !ma) {
      v.log.push_back(fmt("ACPI: SRAT: Unexpected header length: %d", int(x.length)));
      bad_srat(x.offset, "memory affinity length " + std::to_string(x.length) + " < 40");
      return -KERN_EINVAL;
    }
    if (!(ma->flags & SRAT_MEM_ENABLED)) return -KERN_EINVAL;
    const bool hotpluggable = opt.memory_hotplug && (ma->flags & SRAT_MEM_HOT_PLUGGABLE);
    const std::uint64_t start = ma->base;
    const std::uint64_t end = start + ma->length;  // wraps like the kernel's u64
    std::uint32_t upxm = ma->proximity_domain;
    if (acpi_srat_revision <= 1) upxm &= 0xff;
    const int node = acpi_map_pxm_to_node(static_cast<std::int32_t>(upxm));
    if (node == NUMA_NO_NODE) {
      v.log.push_back("ACPI: SRAT: Too many proximity domains.");
      bad_srat(x.offset, fmt("no node for PXM %u (memory affinity)", upxm));
      return -KERN_EINVAL;
    }
    if (numa_add_memblk(node, start, end, hotpluggable) < 0) {
      v.log.push_back(fmt("ACPI: SRAT: Failed to add memblk to node %u [mem %s-%s]", node,
                          kx(start).c_str(), kx(end - 1).c_str()));
      bad_srat(x.offset, "more than NR_NODE_MEMBLKS (" + std::to_string(opt.nr_node_memblks) +
                             ") memory blocks");
      return -KERN_EINVAL;
    }
    node_set_parsed(node);
    // "ACPI: SRAT: Node %u PXM %u [mem %#010Lx-%#010Lx]%s%s", without snprintf
    std::string line;
    line.reserve(80);
    line += "ACPI: SRAT: Node ";
    append_dec(line, static_cast<std::uint32_t>(node));
    line += " PXM ";
    append_dec(line, upxm);
    line += " [mem 0x";
    append_hex(line, start, 8);
    line += "-0x";
    append_hex(line, end - 1, 8);
    line += ']';
    if (hotpluggable) line += " hotplug";
    if (ma->flags & SRAT_MEM_NON_VOLATILE) line += " non-volatile";
    v.log.push_back(std::move(line));
    if (hotpluggable) {
      // memblock_mark_hotplug(start, ma->length); memblock caps the size at the top.
      const std::uint64_t size = std::min(ma->length, PHYS_ADDR_MAX - start);
      v.hotplug_ranges.push_back({start, start + size});
    }
    v.max_possible_pfn = std::max(v.max_possible_pfn, pfn_up(end - 1));
    return 0;
  }
};

}  // namespace

LinuxSratView linux_view(const Srat& srat, const LinuxSratOptions& options) {
  MB_CHECK(options.max_numnodes > 0, "max_numnodes must be positive");
  LinuxSratView v;
  // acpi_numa_init (drivers/acpi/numa/srat.c)
  if (options.acpi_disabled) {
    v.acpi_numa_init_ret = -KERN_EINVAL;
    v.x86_acpi_numa_init_ret = -KERN_EINVAL;
    v.notes.push_back("acpi=off: the SRAT is not read");
    return v;
  }
  Kernel k(options, v, srat.header.revision);  // acpi_parse_srat keeps header.revision
  // numa=noacpi: every handler but the Generic Initiator one returns at once.
  k.disabled = options.numa_noacpi;
  LazyBytes raw{srat, std::nullopt};
  const std::vector<Visit> visits = walk(srat);

  // Pass 1: CPU, x2APIC, GICC and Generic Initiator entries, one walk; once a
  // handler fails, later handlers of this walk are no longer called.
  int errs = 0;
  for (const Visit& x : visits) {
    const bool handled = x.type == SRAT_CPU_AFFINITY || x.type == SRAT_X2APIC_CPU_AFFINITY ||
                         x.type == SRAT_GICC_AFFINITY || x.type == SRAT_GENERIC_AFFINITY;
    if (handled) {
      if (errs) {
        ++errs;
      } else {
        int rc = 0;
        switch (x.type) {
          case SRAT_CPU_AFFINITY: k.processor_affinity_init(x); break;
          case SRAT_X2APIC_CPU_AFFINITY: k.x2apic_affinity_init(x); break;
          case SRAT_GICC_AFFINITY: break;  // acpi_numa_gicc_affinity_init is empty on x86
          default: rc = k.parse_gi_affinity(x, raw); break;
        }
        if (rc) ++errs;
      }
    }
    if (!x.entry) {  // zero length: the walk returns -EINVAL (ignored for this pass)
      v.log.push_back(fmt("[SRAT:0x%02x] Invalid zero length", SRAT_CPU_AFFINITY));
      break;
    }
  }

  // Pass 2: memory affinity.
  int cnt = 0;
  for (const Visit& x : visits) {
    if (x.type == SRAT_MEMORY_AFFINITY) {
      if (k.memory_affinity_init(x) == 0) ++v.parsed_numa_memblks;
      ++cnt;
    }
    if (!x.entry) {
      v.log.push_back(fmt("[SRAT:0x%02x] Invalid zero length", SRAT_MEMORY_AFFINITY));
      cnt = -KERN_EINVAL;
      break;
    }
  }
  v.notes.push_back("SLIT and CEDT (CXL windows) are not modeled");

  v.nodes_parsed = std::move(k.parsed_list);  // ascending, as a walk over the mask gives them
  std::sort(v.nodes_parsed.begin(), v.nodes_parsed.end());

  if (cnt < 0)
    v.acpi_numa_init_ret = cnt;
  else if (v.parsed_numa_memblks == 0)
    v.acpi_numa_init_ret = -KERN_ENOENT;
  else
    v.acpi_numa_init_ret = 0;
  // x86_acpi_numa_init (arch/x86/mm/srat.c)
  if (v.acpi_numa_init_ret < 0)
    v.x86_acpi_numa_init_ret = v.acpi_numa_init_ret;
  else
    v.x86_acpi_numa_init_ret = k.disabled ? -KERN_EINVAL : 0;
  return v;
}

KaslrImmovableView count_immovable_mem_regions(const Srat& srat, bool acpi_off,
                                               int max_numnodes) {
  KaslrImmovableView out;
  if (acpi_off) {
    out.reason = "acpi=off: SRAT not read";
    return out;
  }
  LazyBytes raw{srat, std::nullopt};
  const int limit = 2 * max_numnodes;
  for (const Visit& x : walk(srat)) {
    if (!x.entry) {
      out.immovable.clear();
      out.aborted = true;
      out.reason = "byte " + hex(x.offset) + ": Invalid zero length SRAT subtable.";
      return out;
    }
    if (x.type != SRAT_MEMORY_AFFINITY) continue;
    std::uint64_t base = 0, length = 0;
    std::uint32_t flags = 0;
    if (const auto* ma = std::get_if<SratMemoryAffinity>(x.entry)) {
      base = ma->base;
      length = ma->length;
      flags = ma->flags;
    } else {
      // No length check here: the fields are read from whatever follows.
      auto b = raw.u64(x.offset + 8);
      auto l = raw.u64(x.offset + 16);
      auto f = raw.u32(x.offset + 28);
      if (!b || !l || !f) {
        out.notes.push_back("byte " + hex(x.offset) +
                            ": short memory affinity; fields lie past the table end, skipped");
        continue;
      }
      base = *b;
      length = *l;
      flags = *f;
      out.notes.push_back("byte " + hex(x.offset) +
                          ": short memory affinity; fields read from the bytes after it");
    }
    if (!(flags & SRAT_MEM_HOT_PLUGGABLE) && length) out.immovable.push_back({base, base + length});
    if (out.count() >= limit) {
      out.immovable.clear();
      out.aborted = true;
      out.reason = "Too many immovable memory regions, aborting.";
      return out;
    }
  }
  return out;
}

}  // namespace mbv
