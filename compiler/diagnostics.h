// Errors about the input travel as values (Diagnostic) up to the driver, which prints
// exactly one message and exits 1. Broken internal invariants are asserts instead.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace bpf2arm {

struct Diagnostic {
  std::string function;      // empty when the error is not inside a function
  int insnIndex = -1;        // index of the 8-byte slot within the function, -1 if none
  std::string sourceLine;    // "file.c:LINE" from BTF line info, empty if unknown
  std::string message;

  // "FUNCTION: insn N: file.c:LINE: message" (the driver prefixes "IN.o: error: ").
  std::string format() const;
};

inline Diagnostic errorAt(std::string function, int insnIndex, std::string message) {
  return Diagnostic{std::move(function), insnIndex, "", std::move(message)};
}
inline Diagnostic error(std::string message) { return Diagnostic{"", -1, "", std::move(message)}; }

// A value or the diagnostic that explains why there is none.
template <typename T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}
  Expected(Diagnostic diag) : state_(std::move(diag)) {}

  explicit operator bool() const { return state_.index() == 0; }
  T &operator*() { return std::get<0>(state_); }
  const T &operator*() const { return std::get<0>(state_); }
  T *operator->() { return &std::get<0>(state_); }
  const T *operator->() const { return &std::get<0>(state_); }
  const Diagnostic &diag() const { return std::get<1>(state_); }

 private:
  std::variant<T, Diagnostic> state_;
};

// For passes that produce nothing but may fail.
using Status = std::optional<Diagnostic>;

}  // namespace bpf2arm
