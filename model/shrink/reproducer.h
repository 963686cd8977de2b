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

// The property of a memblock operation counterexample (model/story/op_story.h
// judges it on the scenario's ops alone, step by step against model/spec).
inline constexpr std::string_view kMemblockSpecProperty = "memblock-spec";

// A memblock operation counterexample from proofs/ (setup ops that rebuild
// the state Z3 found, then the operation the theorem is about) as a scenario:
// no machine, an ops section that first empties memblock (remove and
// phys_free of everything, so the ops mean the same after a boot's
// e820__memblock_setup as from an empty memblock), then `trace`. It declares
// the finding property=memblock-spec policy=memblock owner=<the last op's
// kernel function> and `expect failure`: a spec violation by the reference
// model is a model bug. `comments` go after the version line.
Scenario scenario_from_op_counterexample(const OpTrace& trace, const std::string& name);
// The same as the file text, with `comments` ('#' lines) after the version line.
std::string op_counterexample_text(const OpTrace& trace, const std::string& name,
                                   const std::vector<std::string>& comments);

// Writes `s` as "<dir>/<NNNN>-<name>.scenario" and returns the path. `name`
// must be a slug (letters, digits, '-', '_').
Result<std::string> emit_regression(const Scenario& s, const std::string& dir, const std::string& name,
                                    const std::vector<std::string>& comments);

}  // namespace mbv
