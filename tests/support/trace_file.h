// A .trace file of the repository (the op.h text format) as an OpTrace,
// failing the calling test (not aborting it) when it does not parse.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "impl/memblock/op.h"

namespace mbv::test {

// `rel` is relative to the repository root (MBV_SOURCE_DIR).
inline OpTrace load_trace(const std::string& rel) {
  const std::string path = std::string(MBV_SOURCE_DIR) + "/" + rel;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto trace = parse_trace(text.str(), path);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().to_string());
  return trace.ok() ? *trace : OpTrace{};
}

}  // namespace mbv::test
