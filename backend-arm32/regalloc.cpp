// Register allocation (not yet written).
#include "regalloc.h"

#include <cassert>

namespace bpf2arm::arm {

const RegisterFile &aapcsRegisters() {
  static const RegisterFile regs = {
      0x5fff,  // r0-r12, lr
      0x0ff0,  // r4-r11
      0x500f,  // r0-r3, r12, lr
      {0, 1, 2, 3, 12, 4, 5, 6, 7, 8, 9, 10, 11, 14},
      14,
  };
  return regs;
}

void allocateRegisters(mir::Function &, const RegisterFile &) { assert(false && "not written"); }

}  // namespace bpf2arm::arm
