#include "body_convention.h"


namespace bpf2arm::arm {

BodyConvention bodyConvention(const Function &fn) {
  const ArgumentHalves &live = fn.arguments;
  BodyConvention convention;
  unsigned nextReg = 0;
  for (unsigned r = 1; r <= 5; ++r)
    for (bool hi : {false, true}) {
      if (!((hi ? live.hi : live.lo) & regBit(r))) continue;
      ArgumentHalf half;
      half.bpfReg = uint8_t(r);
      half.hi = hi;
      if (nextReg < 4) {
        half.reg = uint8_t(nextReg++);
      } else {
        half.inRegister = false;
        half.stackOffset = uint16_t(convention.stackBytes);
        convention.stackBytes += 4;
      }
      convention.halves.push_back(half);
    }
  convention.stackBytes = (convention.stackBytes + 7) & ~7u;
  return convention;
}

}  // namespace bpf2arm::arm
