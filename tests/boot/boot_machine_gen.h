// RapidCheck generators of random but valid machines for the boot pipeline
// properties (tests/boot/boot_property_test.cpp).
//
// "Valid" means a machine a firmware could describe and 6.1 accepts: node 0
// starts at 0 and is immovable (the kernel, the initrd and [0, 1M) live in
// it), SRAT covers every e820 RAM byte, every node has RAM, the kernel's
// fixed placement lies in node 0 RAM. Everything else varies: 1-8 nodes,
// which of nodes 1..7 are hot-pluggable, holes and reserved e820 ranges,
// unaligned RAM ends, kernel size and placement (16M, at=, KASLR random
// values, loader addresses of the command line and boot_params), memory
// KASLR's random value, the
// command line (movable_node, kernelcore=, movablecore=, mem=,
// debug_pagealloc, nogbpages), CPU features and the policy.
#pragma once

#include <rapidcheck.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "impl/common/types.h"
#include "impl/scenario/scenario.h"

namespace mbv::testgen {

struct GenNode {
  PhysRange span;           // the node's SRAT memory affinity range
  bool hotpluggable = false;
};

// A generated machine and the facts the generator knows independently of the
// pipeline (the properties judge against these, not against BootState).
struct GenMachine {
  Scenario scenario;
  std::vector<GenNode> nodes;  // index = PXM = node id (CPU entries in node order)
  bool movable_node = false;
};

// RapidCheck prints a counterexample as its scenario file text.
void showValue(const GenMachine& m, std::ostream& os);

// One machine; `policy` empty = any of the three named policies.
// `spill_prone` biases towards the layout of 11.2.3 (the kernel in one of the
// top slots of node 0's first RAM chunk, 4K mappings), where bottom-up page
// tables outgrow the room above the kernel.
rc::Gen<GenMachine> gen_machine(std::string policy = {}, bool spill_prone = false);

// Runs `property` for exactly `cases` successful cases under the RapidCheck
// configuration otherwise (so RC_PARAMS="seed=..." or "reproduce=..." replays
// a run). Prints RapidCheck's message (on success the tag distribution); on
// failure returns it (RapidCheck prints the reproduce string at exit), else "".
std::string check_cases(const std::string& id, int cases, const std::function<void()>& property);

}  // namespace mbv::testgen
