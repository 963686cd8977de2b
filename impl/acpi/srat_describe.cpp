// Text views: describe_srat ("what the bytes say") and the Linux/KASLR views
// ("what Linux makes of them"). Plain text, one fact per line, for the CLI.
#include <cstdio>
#include <string>
#include <type_traits>

#include "impl/acpi/srat.h"

namespace mbv {
namespace {

std::string fmt(const char* f, auto... args) {
  char buf[320];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

template <std::size_t N>
std::string text(const std::array<char, N>& a) {
  std::string s;
  for (char c : a) s += (c >= 0x20 && c < 0x7f) ? c : '.';
  return s;
}

std::string extra_note(const std::vector<std::uint8_t>& extra) {
  return extra.empty() ? "" : fmt(" (+%zu extra bytes)", extra.size());
}

std::string entry_line(const SratEntry& entry) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        std::string at = fmt("  [0x%03x] ", e.offset);
        if constexpr (std::is_same_v<T, SratCpuAffinity>) {
          return at + fmt("processor  apic 0x%02x  pxm %u (lo %u)  sapic_eid %u  clock %u  %s",
                          e.apic_id, e.proximity_domain(), e.proximity_domain_lo,
                          e.local_sapic_eid, e.clock_domain,
                          e.enabled ? "enabled" : "disabled") +
                 extra_note(e.extra);
        } else if constexpr (std::is_same_v<T, SratMemoryAffinity>) {
          const std::string range =
              e.length ? fmt("[mem 0x%016llx-0x%016llx]", static_cast<unsigned long long>(e.base),
                             static_cast<unsigned long long>(e.base + e.length - 1))
                       : fmt("[mem 0x%016llx, empty]", static_cast<unsigned long long>(e.base));
          return at +
                 fmt("memory     pxm %u  %s length 0x%llx  %s%s%s", e.proximity_domain,
                     range.c_str(), static_cast<unsigned long long>(e.length),
                     e.enabled ? "enabled" : "disabled", e.hot_pluggable ? " hot-pluggable" : "",
                     e.non_volatile ? " non-volatile" : "") +
                 extra_note(e.extra);
        } else if constexpr (std::is_same_v<T, SratX2apicAffinity>) {
          return at + fmt("x2apic     apic 0x%08x  pxm %u  clock %u  %s", e.apic_id,
                          e.proximity_domain, e.clock_domain,
                          e.enabled ? "enabled" : "disabled") +
                 extra_note(e.extra);
        } else if constexpr (std::is_same_v<T, SratGiccAffinity>) {
          return at + fmt("gicc       uid %u  pxm %u  clock %u  %s", e.acpi_processor_uid,
                          e.proximity_domain, e.clock_domain,
                          e.enabled ? "enabled" : "disabled") +
                 extra_note(e.extra);
        } else if constexpr (std::is_same_v<T, SratGicItsAffinity>) {
          return at + fmt("gic-its    its %u  pxm %u", e.its_id, e.proximity_domain) +
                 extra_note(e.extra);
        } else if constexpr (std::is_same_v<T, SratGenericAffinity>) {
          std::string handle;
          for (auto b : e.device_handle) handle += fmt("%02x", b);
          return at + fmt("%s handle-type %u handle %s  pxm %u  %s%s",
                          e.is_port() ? "gen-port  " : "gen-init  ", e.device_handle_type,
                          handle.c_str(), e.proximity_domain,
                          e.enabled ? "enabled" : "disabled",
                          e.architectural_transactions ? " arch-transactions" : "") +
                 extra_note(e.extra);
        } else {
          return at + fmt("%s type %u length %u (%zu body bytes, not decoded)",
                          e.short_known_type() ? "short     " : "unknown   ", e.type, e.length,
                          e.body.size());
        }
      },
      entry);
}

}  // namespace

std::string describe_srat(const Srat& s) {
  const SratHeader& h = s.header;
  std::string out;
  out += fmt("SRAT length 0x%x revision %u checksum 0x%02x (%s) oem \"%s\" \"%s\" rev %u "
             "creator \"%s\" rev 0x%x table_revision %u\n",
             h.length, h.revision, h.checksum, s.checksum_ok ? "ok" : "BAD",
             text(h.oem_id).c_str(), text(h.oem_table_id).c_str(), h.oem_revision,
             text(h.creator_id).c_str(), h.creator_revision, h.table_revision);
  for (const auto& e : s.entries) out += entry_line(e) + "\n";
  if (s.zero_length_at)
    out += fmt("  [0x%03x] zero-length subtable (type %u): the walk ends here\n",
               *s.zero_length_at, s.zero_length_type);
  if (!s.trailing.empty()) out += fmt("  %zu trailing byte(s)\n", s.trailing.size());
  for (const auto& d : s.diagnostics) out += "  note: " + d + "\n";
  return out;
}

std::string describe_linux_view(const LinuxSratView& v) {
  std::string out = "Linux 6.1 (acpi_numa_init):\n";
  for (const auto& l : v.log) out += "  " + l + "\n";
  out += fmt("  acpi_numa_init = %d, x86_acpi_numa_init = %d: %s\n", v.acpi_numa_init_ret,
             v.x86_acpi_numa_init_ret,
             v.numa_init_ok() ? "SRAT used"
                              : "SRAT NUMA init fails; numa_init tries the next method "
                                "(amd_numa_init, then dummy_numa_init)");
  if (v.srat_bad) out += "  bad_srat: " + v.bad_reason + "\n";
  out += "  PXM -> node:";
  for (const auto& p : v.pxm_to_node) out += fmt(" %u->%d", p.pxm, p.nid);
  out += "\n  nodes parsed:";
  for (int n : v.nodes_parsed) out += fmt(" %d", n);
  out += "\n";
  for (const auto& b : v.memblks)
    out += fmt("  numa_add_memblk(%d, 0x%llx, 0x%llx)%s\n", b.nid,
               static_cast<unsigned long long>(b.start), static_cast<unsigned long long>(b.end),
               b.hotpluggable ? " hotplug" : "");
  for (const auto& r : v.hotplug_ranges)
    out += fmt("  memblock_mark_hotplug(0x%llx, 0x%llx)\n",
               static_cast<unsigned long long>(r.start),
               static_cast<unsigned long long>(r.end - r.start));
  out += fmt("  max_possible_pfn = 0x%llx\n", static_cast<unsigned long long>(v.max_possible_pfn));
  for (const auto& n : v.notes) out += "  note: " + n + "\n";
  return out;
}

std::string describe_kaslr_view(const KaslrImmovableView& v) {
  std::string out = fmt("KASLR (count_immovable_mem_regions) = %d", v.count());
  if (v.aborted || !v.reason.empty()) out += ": " + v.reason;
  out += "\n";
  for (const auto& r : v.immovable)
    out += fmt("  immovable [mem 0x%016llx-0x%016llx]\n", static_cast<unsigned long long>(r.start),
               static_cast<unsigned long long>(r.end - 1));
  for (const auto& n : v.notes) out += "  note: " + n + "\n";
  return out;
}

}  // namespace mbv
