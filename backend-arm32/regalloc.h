// Register allocation over the MIR, independent of the instruction set: what it knows
// of the target is the RegisterFile record (which registers exist for allocation, which
// a call preserves). A32 and T32 share one record; a target with other registers would
// bring its own.
#pragma once

#include <cstdint>

#include "mir.h"

namespace bpf2arm::arm {

struct RegisterFile {
  uint16_t allocatable;  // registers the allocator may assign
  uint16_t calleeSaved;  // preserved across calls by the callee; used ones cost a save
  uint16_t callClobbered;  // what a call (or division routine) may change
  // The order in which to try registers for a value that lives across no call:
  // scratch registers first, so that leaf code needs no saves.
  uint8_t order[16];
  uint8_t orderLength;
};

// AAPCS on 32-bit ARM: r0-r12 and lr for values; r4-r11 survive calls; sp and pc never.
const RegisterFile &aapcsRegisters();

// Rewrites every virtual register of `fn` into a physical one of `regs`, inserting
// spill code (frame slots, FrameObject::SpillSlot) where the values do not fit, and sets
// fn.spillSlots and fn.usedCalleeSaved (lr included when the function writes it, calls
// included). Moves whose source and destination got the same register disappear.
void allocateRegisters(mir::Function &fn, const RegisterFile &regs);

}  // namespace bpf2arm::arm
