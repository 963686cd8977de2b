// Delta debugging (Zeller's ddmin) over operation traces: the smallest
// sub-trace that still fails, 1-minimal (removing any single op makes it
// pass). Deterministic: the same trace and predicate give the same result.
#pragma once

#include <cstddef>
#include <functional>

#include "impl/memblock/op.h"

namespace mbv {

// `fails(t)` must be true for the input trace. Returns a 1-minimal failing
// sub-trace (ops keep their relative order). `tests_run` counts predicate calls.
OpTrace ddmin(OpTrace trace, const std::function<bool(const OpTrace&)>& fails,
              std::size_t* tests_run = nullptr);

}  // namespace mbv
