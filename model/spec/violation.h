// A broken property, in one line: which property and where.
#pragma once

#include <optional>
#include <string>

namespace mbv::spec {

struct Violation {
  std::string property;  // e.g. "I2 disjoint", "alloc: extremality (top-down)"
  std::string message;   // the addresses and regions involved
  std::string to_string() const { return property + ": " + message; }
};

using Check = std::optional<Violation>;

inline Violation violation(std::string property, std::string message) {
  return Violation{std::move(property), std::move(message)};
}

}  // namespace mbv::spec
