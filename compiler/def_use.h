// What each BPF instruction reads and writes, per 32-bit half of each register: the one
// answer that every pass uses (the frame analysis's R10 checks, hi-word liveness in
// track_upper_live, known-zero hi words in track_upper_zero, the arguments a local call
// passes in live_arguments, stack promotion, the selector).
//
// Why halves: on ARM32 a BPF register is two 32-bit words, and much BPF code needs only
// the lo one (addresses, 32-bit compares, narrow stores, narrow and pointer arguments).
// A 32-bit result writes the hi half too: it zeroes it.
//
// Why four register masks (bit r = Rr) rather than one set over 22 halves: the passes
// work on one kind of half at a time against the per-register masks they keep (the
// hi-word facts are RegMasks per instruction), so each question is one AND; an allocator
// numbering halves 2r (lo) and 2r+1 (hi) interleaves two masks. The table is computed on
// the fly from the instruction and its callee (a few switches), so nothing is stored per
// instruction.
#pragma once

#include <cstdint>

#include "program.h"

namespace bpf2arm {

struct DefUse {
  RegMask useLo = 0, useHi = 0;  // halves read
  RegMask defLo = 0, defHi = 0;  // halves written, a call's clobbers included
  // Registers a call leaves undefined (R1-R5): in defLo/defHi, since what they held is
  // dead, but nothing computes them (no code writes them, so they cost nothing).
  RegMask clobber = 0;
  // The register whose lo half is a memory address (also in useLo), or -1.
  int8_t memBase = -1;
  // R10 is read as a value, not only as a memory base: then any register may point
  // into the stack.
  bool r10Escapes = false;
  // The instruction writes one register, dst, and the lo half of that result depends on
  // no hi half (64-bit add, sub, logic, multiply, negation, moves, left shifts): where
  // dst's hi half is dead afterwards, the backend computes the lo half alone and useHi is
  // not read.
  bool loResultFromLoHalves = false;

  RegMask uses() const { return RegMask(useLo | useHi); }
  RegMask defs() const { return RegMask(defLo | defHi); }
  // Registers given a computed value.
  RegMask computed() const { return RegMask(defs() & ~clobber); }
  // The hi halves read, knowing which hi halves are live after the instruction.
  RegMask hiUses(RegMask hiLiveAfter) const {
    return loResultFromLoHalves && !(hiLiveAfter & defHi) ? RegMask(0) : useHi;
  }
};

// What `insn` reads and writes. For a call, `callee` is what the model knows of its
// target: a local (bpf-to-bpf) callee reads the halves of R1-R5 its body reads
// (CallTarget::reads, from live_arguments; all of them before that pass runs), an
// unknown one (nullptr) all of R1-R5; a helper or extern reads R1..Rn for its n parameters, a parameter of at
// most 4 bytes on ARM (narrow integers, pointers) only its lo half. Every call writes
// R0 and clobbers R1-R5; exit reads R0.
DefUse defUse(const bpf::Insn &insn, const CallTarget *callee);

// The same for an instruction of `fn`, its callee looked up.
inline DefUse defUse(const Function &fn, const Instruction &ins) {
  return defUse(ins.insn, ins.insn.isCall() ? &fn.callOf(ins) : nullptr);
}

}  // namespace bpf2arm
