// Findings from every engine become one kind of file: a scenario carrying
// its violation signature (`finding ...`) and its expected verdict
// (`expect ...`). This file reads whatever a user hands to `mbverify shrink`
// or `replay` (a scenario, a pasted dmesg log) and writes regression files
// into corpus/regressions/ with the next free number.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "impl/common/result.h"
#include "impl/scenario/scenario.h"

namespace mbv {

enum class ReproducerKind { Scenario, DmesgLog, Trace, FuzzInput };

// What a file holds, from its first bytes: "mbverify-scenario" -> Scenario;
// a log with "BIOS-e820:" lines -> DmesgLog; "memblock_" calls or a "#"
// header followed by them -> Trace (model/diff replays those); bytes that
// are not text (or a .bin name) -> FuzzInput, a fuzz/boot_pipeline input or
// crash file, decoded by the harness's own decoder (decode_fuzz_machine).
ReproducerKind reproducer_kind(std::string_view text, std::string_view filename);

// A scenario from a scenario file, a dmesg log or a boot_pipeline fuzz input.
// Errors name file:line (or the file, for undecodable fuzz bytes).
Result<Scenario> load_reproducer(const std::string& path);

// The canonical scenario text with '#' comment lines after the version line.
std::string scenario_text_with_comments(const Scenario& s, const std::vector<std::string>& comments);

// The next NNNN for "<dir>/<NNNN>-<name>.scenario": one more than the largest
// four-digit prefix already there (0001 in an empty folder).
int next_regression_number(const std::string& dir);

// Writes `s` as "<dir>/<NNNN>-<name>.scenario" and returns the path. `name`
// must be a slug (letters, digits, '-', '_').
Result<std::string> emit_regression(const Scenario& s, const std::string& dir, const std::string& name,
                                    const std::vector<std::string>& comments);

}  // namespace mbv
