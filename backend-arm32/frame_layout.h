// Where BPF state lives on ARM. This file owns the register map and the stack frame.
//
// Register map (one 64-bit BPF register = a lo/hi pair of 32-bit words), per function:
//
//   BPF      ARM              why
//   R0       r0:r1            results of calls and of the 64-bit routines land here
//   R1-R9    r4:r5, r6:r7,    the four most used of R1-R9 in this function: callee-saved
//            r8:r9, r10:r11   in AAPCS, so they survive every call we make
//   others   frame homes      R1-R5 at the argument homes, R6-R9 in their own slots
//   R10      sp + const       read-only frame pointer; hi word is always 0
//   temps    r2, r3, r12, lr  (live only within the lowering of one instruction)
//
// Calls pass R1..Rn through the argument homes: before a call, arguments that live in
// registers are stored there; a callee's prologue reads its own from the caller's homes.
//
// Frame of a BPF function body, from sp after the prologue upwards:
//
//   | caller's R1..R5 homes    |  the caller's frame: our prologue takes our
//   | caller's outgoing args   |  arguments from there (local calls)
//   +==========================+ <- sp at entry (8-byte aligned)
//   | saved r4..r11 used, lr   |  pushed by the prologue
//   +--------------------------+
//   | BPF stack, stackSize     |  R10 points at its top (R10 - 512 ... R10)
//   +--------------------------+
//   | R6..R9 homes, 32 bytes   |  for those that got no register
//   +--------------------------+
//   | scratch, 16 bytes        |  registers parked by atomics and by 64-bit division
//   +--------------------------+
//   | R1..R5 homes, 40 bytes   |  R1 at the lowest address; lo word first
//   +--------------------------+
//   | outgoing stack args, 24  |  AAPCS stack arguments of helper and extern calls
//   +--------------------------+ <- sp in the body (plus padding to 8-byte alignment)
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
constexpr int kSavedHomesOffset = kScratchOffset + kScratchBytes;  // R6..R9
constexpr int kSavedHomesBytes = 32;
constexpr int kBpfStackOffset = kSavedHomesOffset + kSavedHomesBytes;

// Temporaries available to the lowering of any one instruction.
constexpr Reg kTemp0 = R2, kTemp1 = R3, kTemp2 = R12, kTemp3 = LR;

struct RegisterHome {
  enum Kind { InRegisters, InFrame, FramePointer } kind;
  Reg lo = R0, hi = R0;   // InRegisters
  int frameOffset = 0;    // InFrame: sp-relative offset of the lo word
};

struct FrameLayout {
  std::array<RegisterHome, 11> homes{};
  uint16_t savedRegs = 0;  // push/pop mask, includes lr
  int bodyBytes = 0;       // sp adjustment after the push
  int bpfStackBytes = 0;

  const RegisterHome &home(unsigned bpfReg) const { return homes[bpfReg]; }
  bool inRegisters(unsigned bpfReg) const { return homes[bpfReg].kind == RegisterHome::InRegisters; }
  int savedBytes() const { return 4 * __builtin_popcount(savedRegs); }
  int r10Offset() const { return kBpfStackOffset + bpfStackBytes; }
  // Offset from the body's sp to the caller's R1..R5 homes.
  int callerArgHomes() const { return bodyBytes + savedBytes() + kArgHomesOffset; }
};

// `uses[r]` counts (loop-weighted) the instructions that read or compute BPF register r
// (compiler/def_use.h); the most used of R1-R9 get the four callee-saved pairs.
FrameLayout layoutFrame(const std::array<unsigned, 11> &uses, unsigned bpfStackBytes);

}  // namespace bpf2arm::arm
