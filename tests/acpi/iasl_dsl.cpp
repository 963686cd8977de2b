// See iasl_dsl.h. The field names are the ones ACPICA's disassembler prints
// for SRAT (dmtbinfo for SRAT), checked against its output by the tests.
#include "tests/acpi/iasl_dsl.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <sstream>
#include <type_traits>

namespace mbv::test {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// Splits "VALUE [note]" or "\"str\" [note]".
void split_value(const std::string& raw, DslField& f) {
  std::string v = trim(raw);
  if (!v.empty() && v[0] == '"') {
    auto close = v.find('"', 1);
    f.value = v.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    v = close == std::string::npos ? "" : v.substr(close + 1);
  } else {
    auto br = v.find('[');
    f.value = upper(trim(v.substr(0, br)));
    v = br == std::string::npos ? "" : v.substr(br);
  }
  v = trim(v);
  if (v.size() >= 2 && v.front() == '[' && v.back() == ']') f.note = v.substr(1, v.size() - 2);
}

std::string hexw(std::uint64_t v, int digits) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%0*llX", digits, static_cast<unsigned long long>(v));
  return buf;
}

template <std::size_t N>
std::string str(const std::array<char, N>& a) {
  return std::string(a.begin(), a.end());
}

struct Out {
  std::vector<DslField>& v;
  long base;
  void field(long off, const char* name, std::string value, std::string note = "") {
    v.push_back({base + off, name, std::move(value), std::move(note), false});
  }
  void num(long off, const char* name, std::uint64_t value, int bytes) {
    field(off, name, hexw(value, 2 * bytes));
  }
  void bit(const char* name, bool on) {
    long off = v.back().offset;
    v.push_back({off, name, on ? "1" : "0", "", true});
  }
};

const char* type_name(std::uint8_t t, bool knows_port) {
  switch (t) {
    case 0: return "Processor Local APIC/SAPIC Affinity";
    case 1: return "Memory Affinity";
    case 2: return "Processor Local x2APIC Affinity";
    case 3: return "GICC Affinity";
    case 4: return "GIC ITS Affinity";
    case 5: return "Generic Initiator Affinity";
    case 6: return knows_port ? "Generic Port Affinity" : "Unknown Subtable Type";
    default: return "Unknown Subtable Type";
  }
}

}  // namespace

std::vector<DslField> parse_dsl_fields(std::string_view text) {
  static const std::regex dsl(R"(^\[([0-9A-Fa-f]+)h\s+\d+\s+\d+\]\s*(.*?)\s*:\s(.*)$)");
  static const std::regex asl(R"(^\[\d+\]\s*(.*?)\s*:\s(.*)$)");
  static const std::regex bit(R"(^\s+([A-Za-z][A-Za-z -]*?)\s*:\s*([01])\s*$)");
  std::vector<DslField> out;
  std::istringstream in{std::string(text)};
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("Raw Table Data", 0) == 0) break;
    DslField f;
    if (std::regex_match(line, m, dsl)) {
      f.offset = std::stol(m[1].str(), nullptr, 16);
      f.name = m[2].str();
      split_value(m[3].str(), f);
    } else if (std::regex_match(line, m, asl)) {
      f.name = m[1].str();
      split_value(m[2].str(), f);
    } else if (std::regex_match(line, m, bit) && !out.empty()) {
      f.offset = out.back().offset;
      f.name = m[1].str();
      f.value = m[2].str();
      f.bit = true;
    } else {
      continue;
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<DslField> expected_dsl_fields(const Srat& s, bool knows_port) {
  std::vector<DslField> v;
  const SratHeader& h = s.header;
  Out o{v, 0};
  o.field(0, "Signature", str(h.signature), "System Resource Affinity Table");
  o.num(4, "Table Length", h.length, 4);
  o.num(8, "Revision", h.revision, 1);
  o.num(9, "Checksum", h.checksum, 1);
  o.field(10, "Oem ID", str(h.oem_id));
  o.field(16, "Oem Table ID", str(h.oem_table_id));
  o.num(24, "Oem Revision", h.oem_revision, 4);
  o.field(28, "Asl Compiler ID", str(h.creator_id));
  o.num(32, "Asl Compiler Revision", h.creator_revision, 4);
  o.num(36, "Table Revision", h.table_revision, 4);
  o.num(40, "Reserved", h.reserved, 8);
  for (const auto& entry : s.entries) {
    const std::uint8_t type = entry_type(entry);
    Out e{v, static_cast<long>(entry_offset(entry))};
    e.field(0, "Subtable Type", hexw(type, 2), type_name(type, knows_port));
    e.num(1, "Length", entry_length(entry), 1);
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, SratCpuAffinity>) {
            e.num(2, "Proximity Domain Low(8)", x.proximity_domain_lo, 1);
            e.num(3, "Apic ID", x.apic_id, 1);
            e.num(4, "Flags (decoded below)", x.flags, 4);
            e.bit("Enabled", x.enabled);
            e.num(8, "Local Sapic EID", x.local_sapic_eid, 1);
            e.num(9, "Proximity Domain High(24)",
                  x.proximity_domain_hi[0] | x.proximity_domain_hi[1] << 8 |
                      x.proximity_domain_hi[2] << 16,
                  3);
            e.num(12, "Clock Domain", x.clock_domain, 4);
          } else if constexpr (std::is_same_v<T, SratMemoryAffinity>) {
            e.num(2, "Proximity Domain", x.proximity_domain, 4);
            e.num(6, "Reserved1", x.reserved1, 2);
            e.num(8, "Base Address", x.base, 8);
            e.num(16, "Address Length", x.length, 8);
            e.num(24, "Reserved2", x.reserved2, 4);
            e.num(28, "Flags (decoded below)", x.flags, 4);
            e.bit("Enabled", x.enabled);
            e.bit("Hot Pluggable", x.hot_pluggable);
            e.bit("Non-Volatile", x.non_volatile);
            e.num(32, "Reserved3", x.reserved3, 8);
          } else if constexpr (std::is_same_v<T, SratX2apicAffinity>) {
            e.num(2, "Reserved1", x.reserved1, 2);
            e.num(4, "Proximity Domain", x.proximity_domain, 4);
            e.num(8, "Apic ID", x.apic_id, 4);
            e.num(12, "Flags (decoded below)", x.flags, 4);
            e.bit("Enabled", x.enabled);
            e.num(16, "Clock Domain", x.clock_domain, 4);
            e.num(20, "Reserved2", x.reserved2, 4);
          } else if constexpr (std::is_same_v<T, SratGiccAffinity>) {
            e.num(2, "Proximity Domain", x.proximity_domain, 4);
            e.num(6, "Acpi Processor UID", x.acpi_processor_uid, 4);
            e.num(10, "Flags (decoded below)", x.flags, 4);
            e.bit("Enabled", x.enabled);
            e.num(14, "Clock Domain", x.clock_domain, 4);
          } else if constexpr (std::is_same_v<T, SratGicItsAffinity>) {
            e.num(2, "Proximity Domain", x.proximity_domain, 4);
            e.num(6, "Reserved", x.reserved, 2);
            e.num(8, "ITS ID", x.its_id, 4);
          } else if constexpr (std::is_same_v<T, SratGenericAffinity>) {
            if (x.is_port() && !knows_port) return;
            e.num(2, "Reserved1", x.reserved, 1);
            e.num(3, "Device Handle Type", x.device_handle_type, 1);
            e.num(4, "Proximity Domain", x.proximity_domain, 4);
            std::string handle;
            for (auto b : x.device_handle) handle += (handle.empty() ? "" : " ") + hexw(b, 2);
            e.field(8, "Device Handle", handle);
            e.num(24, "Flags (decoded below)", x.flags, 4);
            e.bit("Enabled", x.enabled);
            e.num(28, "Reserved2", x.reserved1, 4);
          }
        },
        entry);
  }
  return v;
}

std::string to_string(const DslField& f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "[%03lXh]%s ", f.offset, f.bit ? "bit" : "");
  return buf + f.name + " : " + f.value + (f.note.empty() ? "" : " [" + f.note + "]");
}

std::optional<std::string> find_iasl() {
  for (const char* p : {"/usr/bin/iasl", "/usr/local/bin/iasl"})
    if (std::filesystem::exists(p)) return std::string(p);
  return std::nullopt;
}

int run_iasl(const std::string& iasl, const std::string& args, const std::filesystem::path& dir) {
  std::string cmd = "cd '" + dir.string() + "' && '" + iasl + "' " + args + " >iasl.log 2>&1";
  return std::system(cmd.c_str());
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

TempDir::TempDir() {
  std::random_device rd;
  for (;;) {
    path = std::filesystem::temp_directory_path() /
           ("mbv-acpi-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(path)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace mbv::test
