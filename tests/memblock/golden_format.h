// The golden-trace file format of tests/memblock/golden/: a trace whose
// return values and final state were recorded from the real Linux 6.1
// mm/memblock.c (the kernel oracle), so the model is checked against the
// kernel even where no oracle can be built.
//
//   # comment lines
//   memblock_add(0x0, 0x1000)  # => 0          one op per line, its result
//   ...
//   #| bottom_up 0 current_limit 0x...          the final state, as
//   #| memory max 0x80 array 0x0                golden_state_text prints it
//   #| MEMBLOCK configuration: ...
#pragma once

#include <cinttypes>
#include <cstdio>
#include <string>

#include "impl/memblock/memblock.h"

namespace mbv::test {

// Everything operator== compares that the dump does not show, then the dump.
inline std::string golden_state_text(const Memblock& mb) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "bottom_up %d current_limit 0x%" PRIx64
                " can_resize %d movable_node %d mirrored_kernelcore %d system_has_some_mirror %d\n"
                "memory max 0x%zx array 0x%" PRIx64 "\nreserved max 0x%zx array 0x%" PRIx64 "\n",
                mb.bottom_up, mb.current_limit, mb.can_resize, mb.movable_node, mb.mirrored_kernelcore,
                mb.system_has_some_mirror, mb.memory.max, mb.memory.array_phys, mb.reserved.max,
                mb.reserved.array_phys);
  return buf + mb.dump();
}

}  // namespace mbv::test
