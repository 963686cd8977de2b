// Error values for bad input: parsers and loaders return Result<T>, never
// throw across a library boundary, never return half a structure silently.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace mbv {

enum class ErrorCode {
  BadInput,      // malformed bytes or text
  Truncated,     // input ends early
  BadChecksum,   // checksum mismatch (may still be usable when forced)
  Overflow,      // a range wraps the 64-bit address space
  NotFound,      // a file or a required part is missing
  Unsupported,   // valid but outside what the model covers
  BuildFailed,   // an external build (kernel oracle) failed
  Internal,      // a broken invariant reached through a public API
};

// Where in the input the problem is: a file plus a line or a byte offset.
struct SourceLoc {
  std::string file;
  std::uint64_t line = 0;    // 1-based; 0 = unknown
  std::uint64_t offset = 0;  // byte offset when line == 0
  bool has_offset = false;
};

struct Error {
  ErrorCode code = ErrorCode::BadInput;
  std::string message;
  SourceLoc where;

  // One line: "file:line: message" or "file: byte 0x24: message".
  std::string to_string() const;
};

inline Error make_error(ErrorCode code, std::string message, SourceLoc where = {}) {
  return Error{code, std::move(message), std::move(where)};
}

// Holds either a T or an Error. [[nodiscard]] makes a dropped result a warning.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

inline std::string Error::to_string() const {
  std::string s;
  if (!where.file.empty()) {
    s += where.file;
    if (where.line) s += ":" + std::to_string(where.line);
    s += ": ";
    if (!where.line && where.has_offset) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "byte 0x%llx: ",
                    static_cast<unsigned long long>(where.offset));
      s += buf;
    }
  }
  return s + message;
}

}  // namespace mbv

// Always-on check for programmer errors (broken invariants), never for input.
#include <cstdio>
#include <cstdlib>
#define MB_CHECK(cond, msg)                                                      \
  do {                                                                           \
    if (!(cond)) {                                                               \
      std::fprintf(stderr, "%s:%d: MB_CHECK(%s) failed: %s\n", __FILE__, __LINE__, \
                   #cond, msg);                                                  \
      std::abort();                                                              \
    }                                                                            \
  } while (0)
