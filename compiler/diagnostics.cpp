#include "diagnostics.h"

namespace bpf2arm {

std::string Diagnostic::format() const {
  std::string out;
  if (!function.empty()) out += function + ": ";
  if (insnIndex >= 0) out += "insn " + std::to_string(insnIndex) + ": ";
  if (!sourceLine.empty()) out += sourceLine + ": ";
  out += message;
  return out;
}

}  // namespace bpf2arm
