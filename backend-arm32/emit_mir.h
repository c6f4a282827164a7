// The last step of the new backend: an allocated mir::Function becomes MCInsts. The
// frame is laid out here, once the spill slots and saved registers are known:
//
//   | incoming stack arguments |  (body convention / AAPCS), IncomingArgs
//   +==========================+ <- sp at entry (8-byte aligned)
//   | saved r4-r11, lr (used)  |  pushed by the prologue
//   +--------------------------+
//   | spill slots              |  SpillSlot: 4 bytes each
//   +--------------------------+
//   | BPF stack, bpfStackBytes |  R10 points at its top; BpfStack offsets are below it
//   +--------------------------+
//   | outgoing stack arguments |  OutgoingArgs, for calls that pass arguments on the stack
//   +--------------------------+ <- sp in the body (8-byte aligned)
//
// The BPF stack sits right above the outgoing area, so the selector knows the
// sp-relative offset of a BPF stack access (outgoingArgBytes + bpfStackBytes + imm)
// and can pick an addressing form that reaches it; spill slots are words, reached by
// ldr/str up to 4095 bytes. A function without calls, frame or callee-saved registers
// gets no prologue: its return is `bx lr`. The pushed registers and the frame together
// are a multiple of 8 bytes: an odd count of words is evened out by 4 bytes of padding
// above the spill slots when there is a frame, else by pushing r12 as well (free to
// clobber at the return, and no instruction more than the push and pop).
#pragma once

#include <llvm/MC/MCContext.h>

#include "assembler.h"
#include "debug_info.h"
#include "compiler/program.h"
#include "mir.h"

namespace bpf2arm::arm {

// sp-relative offset of a BPF stack access at R10 + offset, in the body.
inline int bpfStackOffsetFromSp(const mir::Function &fn, int offset) {
  return int(fn.outgoingArgBytes + fn.bpfStackBytes) + offset;
}

// The BPF function a body was selected from, for the comments of `-S`.
struct BpfSource {
  const Program &program;
  const Function &fn;
};

// Emits the function's code (not its symbol: the caller places the labels). With a
// source, each BPF instruction's text and C source line come as comments before the ARM
// instructions selected for it (Inst::bpfInsn): in order, one for each BPF instruction
// of a block, those that produced no code of their own included. The MIR passes move
// instructions: if-conversion merges the blocks after a block into it and leaves them
// empty (so a block's comments run on over the empty unlabelled blocks after it), and an
// instruction that stands away from its BPF instruction's place (a constant hoisted out
// of a loop) gets a comment `moved from insn N` with no source line: that line is the
// loop's, where the code no longer is; the code after it that is still its BPF
// instruction's gets `insn N (continued)`.
// With `debug` (-g), each instruction's source position goes to the line table and the
// prologue's and epilogues' frame changes to the call frame information.
void emitFunction(const mir::Function &fn, Assembler &as, llvm::MCContext &ctx,
                  const BpfSource *source = nullptr, DebugInfo *debug = nullptr);

// Expands an AtomicRmw pseudo-instruction (mir.h) into its exclusive-access retry loop,
// with labels of its own (emit_atomic.cpp).
void expandAtomic(const mir::Inst &inst, Assembler &as, llvm::MCContext &ctx);

}  // namespace bpf2arm::arm
