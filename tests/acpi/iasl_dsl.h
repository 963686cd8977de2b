// Cross-checking with ACPICA: run iasl, read the field lines of its
// disassembly (.dsl) or of our data-table templates (.asl), and render a
// decoded Srat as the field lines iasl would print for it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "impl/acpi/srat.h"

namespace mbv::test {

// One "[off len] Name : Value [note]" line, or a decoded flag bit line
// ("Enabled : 1"), which takes the offset of the Flags field above it.
struct DslField {
  long offset = -1;  // -1 in .asl templates (no offsets there)
  std::string name;
  std::string value;  // upper-case; quotes removed from strings
  std::string note;   // the bracketed annotation, e.g. "Memory Affinity"
  bool bit = false;
  friend bool operator==(const DslField&, const DslField&) = default;
};

std::vector<DslField> parse_dsl_fields(std::string_view text);

// The fields iasl prints for `s`, in order. A generic port (type 6) is shown
// only by type and length when `iasl_knows_generic_port` is false (ACPICA
// before 2021 calls it "Unknown Subtable Type").
std::vector<DslField> expected_dsl_fields(const Srat& s, bool iasl_knows_generic_port);

std::string to_string(const DslField& f);

// The iasl binary, or nullopt when it is not installed.
std::optional<std::string> find_iasl();
// Runs iasl with `args` in `dir`; returns its exit status (output discarded).
int run_iasl(const std::string& iasl, const std::string& args, const std::filesystem::path& dir);

std::string read_text(const std::filesystem::path& p);
std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p);
void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b);

// A fresh directory under the system temp dir, removed by the destructor.
struct TempDir {
  std::filesystem::path path;
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace mbv::test
