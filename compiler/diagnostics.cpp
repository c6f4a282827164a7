#include "diagnostics.h"

#include <cstdio>

namespace bpf2arm {
namespace {

// Names in a corrupt object can hold any bytes: show them escaped, on one line.
std::string printable(const std::string &text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string Diagnostic::render(const std::string &input, bool asError) const {
  const std::string kind = severity == Severity::Error || asError ? "error" : "warning";
  if (sourceLine.empty()) {
    std::string where = function.empty() ? "" : function + ": ";
    if (insnIndex >= 0) where += "insn " + std::to_string(insnIndex) + ": ";
    return input + ": " + kind + ": " + printable(where + message);
  }
  std::string where = function.empty() ? "" : "in " + printable(function);
  if (insnIndex >= 0) where += (where.empty() ? "" : ", ") + std::string("insn ") + std::to_string(insnIndex);
  where += (where.empty() ? "" : " of ") + input;
  std::string location = printable(sourceLine) + (column ? ":" + std::to_string(column) : "");
  return location + ": " + kind + ": " + printable(message) + " (" + where + ")";
}

}  // namespace bpf2arm
