// Diagnostics about the input travel as values (Diagnostic) up to the driver. An error
// stops the pass that finds it: the driver prints exactly that one message and exits 1.
// A warning is appended to the list the passes share (Program::warnings) and compilation
// goes on; the driver prints the list once the output is complete, or, with -Werror,
// prints each as an error and writes nothing. Broken internal invariants are asserts.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bpf2arm {

enum class Severity { Error, Warning };

// Where an instruction comes from in the C source: "file.c:LINE", and the column (0 if
// BTF gives none).
struct SourcePosition {
  std::string fileLine;
  unsigned column = 0;
};

struct Diagnostic {
  std::string function;      // empty when the error is not inside a function
  int insnIndex = -1;        // index of the 8-byte slot within the function, -1 if none
  std::string sourceLine;    // "file.c:LINE" from BTF line info, empty if unknown
  std::string message;
  Severity severity = Severity::Error;
  unsigned column = 0;       // column of sourceLine from BTF line info, 0 if unknown
  std::string option{};      // a warning's -W name ("missing-prototypes": -Wno-missing-prototypes silences it)

  // The whole line for stderr, the one place diagnostics take their form (SPEC section 2),
  // the form editors and build tools parse. Where BTF line info places it in the C source:
  //   file.c:LINE:COL: error: message (in FUNCTION, insn N of IN.o)
  // (":COL" only when BTF gives a column; the parenthesis drops what is unknown), and
  // where not, the object names it:
  //   IN.o: error: FUNCTION: insn N: message
  // Warnings the same with "warning:". `asError` prints a warning as an error (-Werror).
  std::string render(const std::string &input, bool asError = false) const;
};

inline Diagnostic errorAt(std::string function, int insnIndex, std::string message) {
  return Diagnostic{std::move(function), insnIndex, "", std::move(message)};
}
inline Diagnostic error(std::string message) { return Diagnostic{"", -1, "", std::move(message)}; }
inline Diagnostic warningAt(std::string function, int insnIndex, std::string sourceLine, unsigned column,
                            std::string message) {
  return Diagnostic{std::move(function), insnIndex, std::move(sourceLine), std::move(message), Severity::Warning,
                    column};
}

// Warnings in the order the passes found them.
using Warnings = std::vector<Diagnostic>;

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
