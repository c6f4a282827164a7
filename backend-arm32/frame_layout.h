// Where BPF state lives on ARM. This file owns the register map and the stack frame.
//
// Register map (one 64-bit BPF register = a lo/hi pair of 32-bit words):
//
//   BPF      ARM            why
//   R0       r0:r1          results of helper calls and of the 64-bit routines land here
//   R1-R5    frame slots    arguments; a call reads them from the caller's frame
//   R6       r4:r5          callee-saved in AAPCS too, so calls preserve R6-R9 for free
//   R7       r6:r7
//   R8       r8:r9
//   R9       r10:r11
//   R10      sp + const     read-only frame pointer; hi word is always 0
//   temps    r2, r3, r12, lr  (live only within the lowering of one instruction)
//
// Frame of a BPF function body, from sp after the prologue upwards:
//
//   | caller's R1..R5 homes    |  the caller's frame: our prologue copies our
//   | caller's outgoing args   |  arguments from there (local calls)
//   +==========================+ <- sp at entry (8-byte aligned)
//   | saved r4..r11 used, lr   |  pushed by the prologue (+ r3 as padding if odd count)
//   +--------------------------+
//   | BPF stack, stackSize     |  R10 points at its top (R10 - 512 ... R10)
//   +--------------------------+
//   | scratch, 16 bytes        |  registers parked by atomics and by 64-bit division
//   +--------------------------+
//   | R1..R5 homes, 40 bytes   |  R1 at the lowest address; lo word first
//   +--------------------------+
//   | outgoing stack args, 24  |  AAPCS stack arguments of helper and extern calls
//   +--------------------------+ <- sp in the body (8-byte aligned)
#pragma once

#include <array>
#include <cstdint>

#include "arm_assembler.h"

namespace bpf2arm::arm {

constexpr int kOutgoingArgsOffset = 0;
constexpr int kOutgoingArgsBytes = 24;  // 5 args of 8 bytes, 2 of them in r0-r3
constexpr int kArgHomesOffset = kOutgoingArgsOffset + kOutgoingArgsBytes;
constexpr int kArgHomesBytes = 40;
constexpr int kScratchOffset = kArgHomesOffset + kArgHomesBytes;
constexpr int kScratchBytes = 16;
constexpr int kBpfStackOffset = kScratchOffset + kScratchBytes;

// Temporaries available to the lowering of any one instruction.
constexpr Reg kTemp0 = R2, kTemp1 = R3, kTemp2 = R12, kTemp3 = LR;

struct RegisterHome {
  enum Kind { InRegisters, InFrame, FramePointer } kind;
  Reg lo = R0, hi = R0;   // InRegisters
  int frameOffset = 0;    // InFrame: sp-relative offset of the lo word
};

inline RegisterHome homeOf(unsigned bpfReg) {
  switch (bpfReg) {
    case 0: return {RegisterHome::InRegisters, R0, R1, 0};
    case 6: return {RegisterHome::InRegisters, R4, R5, 0};
    case 7: return {RegisterHome::InRegisters, R6, R7, 0};
    case 8: return {RegisterHome::InRegisters, R8, R9, 0};
    case 9: return {RegisterHome::InRegisters, R10, R11, 0};
    case 10: return {RegisterHome::FramePointer, R0, R0, 0};
    default: return {RegisterHome::InFrame, R0, R0, kArgHomesOffset + 8 * int(bpfReg - 1)};
  }
}

struct FrameLayout {
  uint16_t savedRegs = 0;  // push/pop mask, includes lr
  int bodyBytes = 0;       // sp adjustment after the push
  int bpfStackBytes = 0;

  int savedBytes() const { return 4 * __builtin_popcount(savedRegs); }
  int r10Offset() const { return kBpfStackOffset + bpfStackBytes; }
  // Offset from the body's sp to the caller's R1..R5 homes.
  int callerArgHomes() const { return bodyBytes + savedBytes() + kArgHomesOffset; }
};

// `usesReg` says which BPF registers the function touches; only the ARM registers of
// R6-R9 it uses are saved.
FrameLayout layoutFrame(const std::array<bool, 11> &usesReg, unsigned bpfStackBytes);

}  // namespace bpf2arm::arm
