// The machine IR between the program model and MCInst: per function, blocks of ARM
// operations on 32-bit registers, virtual ones until the allocator runs and physical
// ones after. A32 and (later) T32 share it: the operations are those both instruction
// sets have, and only the assembler that turns them into MCInsts differs.
//
// Pipeline per function (emitWithMir in backend-arm32/emit_object.cpp):
//
//   select (select_*.cpp)  ->  optimize (mir_passes.cpp)  ->  allocate (regalloc.cpp)
//   BPF -> MIR on vregs        dead code, folding              vregs -> r0-r12, lr
//                                                               + spill code
//   ->  emit (emit_mir.cpp): frame layout, prologue/epilogue, branches, MCInsts
//
// The IR is not SSA: a virtual register may be written more than once (a BPF register
// half written on several paths). Liveness and allocation work on it as it is; the
// allocator first splits each register into its webs (connected def-use chains).
//
// Registers: numbers 0-15 are the physical r0..pc (the `Reg` enum), numbers from
// kFirstVirtual up are virtual. A physical register in an operand is a fixed
// constraint (arguments and results of calls, the division routines' registers,
// the even/odd pair of ldrexd): the allocator keeps every virtual register that is
// live across it out of that register.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <vector>

#include "arm_assembler.h"

namespace llvm {
class MCSymbol;
}

namespace bpf2arm::arm::mir {

using VReg = uint32_t;
constexpr VReg kNoReg = ~0u;
constexpr VReg kFirstVirtual = 16;
inline bool isVirtual(VReg r) { return r != kNoReg && r >= kFirstVirtual; }
inline bool isPhysical(VReg r) { return r < kFirstVirtual; }
inline VReg phys(Reg r) { return VReg(r); }

enum class Opcode : uint8_t {
  // Data processing: dst = a OP op2, where op2 is `b` (optionally shifted by
  // `shiftAmount`, or by the register `c` when shiftByRegister), or `imm` when b is
  // kNoReg. With setFlags, the S form. Adc, Sbc and Rsc read the carry flag.
  Add, Adc, Sub, Sbc, Rsb, Rsc, And, Orr, Eor, Bic,
  Mov, Mvn,            // dst = op2 (a unused). With cond != AL, dst is also read.
  Cmp, Cmn, Tst, Teq,  // flags = a ? op2 (no dst)
  MovConst,            // dst = imm, any 32-bit value (movw/movt, mvn, or a literal)
  Mul,                 // dst = a * b
  Mla,                 // dst = a * b + c
  Mls,                 // dst = c - a * b
  Umull, Smull,        // dst (lo), dst2 (hi) = a * b, 64-bit product
  Umlal, Smlal,        // dst:dst2 += a * b, unsigned/signed (reads dst and dst2)
  Udiv, Sdiv,          // dst = a / b (hardware divide; only where the CPU has it)
  Clz, Rev, Rev16, Sxtb, Sxth, Uxtb, Uxth,  // dst = f(b)
  Rbit,                // dst = b's bits reversed (ARMv6T2 and later)
  Ubfx, Sbfx,          // dst = a's bits [imm, imm + width), zero/sign extended
  Bfi,                 // dst's bits [imm, imm + width) = a's low bits (reads dst)
  // Memory. Address: `a` + imm, or `a` + (b << shiftAmount) when b is set; or, when
  // `frame` is not None, the frame object's address + imm (a unused, base sp).
  // With `writeback` (register base and immediate offset only), the base register `a`
  // is also written: Pre accesses [a + imm] and sets a = a + imm; Post accesses [a]
  // and then sets a = a + imm. Only foldWriteback (mir_fuse.h) makes these, after
  // allocation: the passes before it never see them.
  Load,                // dst = [address], `bytes` 1/2/4, signExtend for ldrsb/ldrsh
  Store,               // [address] = c, `bytes` 1/2/4
  Ldrex,               // dst = [a], exclusive
  Strex,               // dst = status of [a] = c, exclusive
  Ldrexd,              // dst (even), dst2 (dst + 1) = [a], exclusive
  Strexd,              // dst = status of [a] = c (even), b (c + 1), exclusive
  Clrex, Dmb,          // clear the exclusive monitor; full barrier (dmb ish)
  AddressOf,           // dst = address of symbols[symbol] + imm (relocated; viaGot: from its GOT entry)
  FrameAddress,        // dst = address of frame object `frame` + imm
  Branch,              // if cond: goto block `target` (cond AL: always)
  Call,                // bl symbols[symbol], or blx a when symbol is kNoSymbol;
                       // reads implicitUses, writes implicitDefs (clobbers included);
                       // may be conditional (A32 bl<c>/blx<c>; T32 will need an IT)
  Return,              // to the caller; reads implicitUses (the result registers).
                       // A conditional Return (a tail call's success) may stand in
                       // the middle of a block: the emitter makes its epilogue
                       // conditional, and when the condition fails the block goes on
  // Pseudo-instructions, expanded by the emitter after allocation where one BPF
  // instruction needs control flow of its own (blocks stay those of the BPF program).
  // The selector fixes their registers (physical operands, implicitUses/implicitDefs).
  AtomicRmw,           // an ldrex/strex retry loop: imm = the BPF atomic operation
                       // (bpf::ATOMIC_* | FETCH, XCHG, CMPXCHG), bytes 4 or 8
};

const char *opcodeName(Opcode op);

// Where a frame access points. Offsets are fixed by emit_mir.cpp after allocation,
// when the spill slots and saved registers are known.
enum class FrameObject : uint8_t {
  None,
  BpfStack,      // imm is relative to R10 (the top of the BPF stack): -512 ... -1
  SpillSlot,     // imm = 4 * slot number (the allocator numbers them)
  OutgoingArgs,  // imm = offset from sp at a call (AAPCS stack arguments)
  IncomingArgs,  // imm = offset from sp at entry (our own stack arguments)
};

enum class Writeback : uint8_t { None, Pre, Post };

constexpr uint32_t kNoSymbol = ~0u;

struct Inst {
  Opcode op;
  Cond cond = Cond::AL;
  bool setFlags = false;
  bool shiftByRegister = false;  // op2 = b SHIFT c
  Shift shift = Shift::LSL;      // with shiftAmount 0 and !shiftByRegister: no shift
  uint8_t shiftAmount = 0;
  uint8_t bytes = 0;             // Load, Store
  bool signExtend = false;       // Load
  Writeback writeback = Writeback::None;  // Load, Store
  uint8_t width = 0;             // Ubfx, Sbfx, Bfi
  bool viaGot = false;           // AddressOf: the symbol may be preempted (-fPIC) or lies outside
                                 // the object: its address comes from the GOT
  FrameObject frame = FrameObject::None;
  VReg dst = kNoReg, dst2 = kNoReg;
  VReg a = kNoReg, b = kNoReg, c = kNoReg;
  int32_t imm = 0;
  uint32_t target = 0;           // Branch: the block
  uint32_t symbol = kNoSymbol;   // Call, AddressOf: index into Function::symbols
  uint16_t implicitUses = 0, implicitDefs = 0;  // physical register masks (Call, Return)
  uint32_t bpfInsn = ~0u;        // the BPF instruction it comes from (dumps, debug info)

  bool hasShift() const { return shiftByRegister || shiftAmount != 0; }
  bool isPlainMove() const {
    return op == Opcode::Mov && b != kNoReg && !hasShift() && cond == Cond::AL && !setFlags;
  }
};

// The one def/use table of the MIR: which registers an instruction reads and writes,
// used by liveness, the allocator, dead-code elimination and the printer.
struct Operands {
  VReg defs[2];
  VReg uses[5];
  uint8_t numDefs = 0, numUses = 0;
  uint16_t implicitDefs = 0, implicitUses = 0;  // physical registers
  bool readsFlags = false, writesFlags = false;
  // The defs are written while the uses are still read (strex's status, the emitter's
  // retry loops): no def may share a register with a use.
  bool earlyClobber = false;
  // Effects beyond its defs: memory writes, calls, barriers, control flow. Such an
  // instruction stays even when nothing reads its defs.
  bool hasSideEffects = false;
};
[[gnu::always_inline]] inline Operands operandsOf(const Inst &inst);  // below: every pass calls it per instruction

// Calls `visit(reg, isDef)` with a reference to every register field of `inst` that
// holds a register, so that the allocator can rewrite them in place. A register that
// is both read and written (a conditional Mov's dst) is visited once, as a def, and
// `readsDef(inst)` says that it is also read.
template <typename Visit>
void forEachRegister(Inst &inst, Visit visit);
// The defs (dst, and dst2 when set) are also inputs: cond != AL, Bfi, Umlal.
inline bool readsDef(const Inst &inst);

struct Block {
  std::vector<Inst> insts;
  std::vector<uint32_t> succs;  // filled by computeSuccessors
  uint32_t loopDepth = 0;       // for spill costs and the layout
};

struct Function {
  std::string name;
  std::vector<Block> blocks;  // blocks[0] is the entry; this order is the layout
  uint32_t numRegs = kFirstVirtual;  // virtual registers are kFirstVirtual ... numRegs-1
  std::vector<llvm::MCSymbol *> symbols;
  // Frame facts: the BPF stack bytes that stay in memory, the outgoing argument area
  // (the most any call passes on the stack) and, after allocation, the spill slots and
  // the callee-saved registers (lr included) the function writes.
  unsigned bpfStackBytes = 0;
  unsigned outgoingArgBytes = 0;
  unsigned spillSlots = 0;
  uint16_t usedCalleeSaved = 0;
  bool makesCalls = false;

  VReg newReg() { return numRegs++; }
  uint32_t symbolIndex(llvm::MCSymbol *symbol);
  void computeSuccessors();  // from the branches and fall-through into the next block
};

// Text form for --dump=mir and --dump=regalloc: one instruction per line, virtual
// registers as %N, physical ones by name.
std::string print(const Function &fn);
std::string print(const Inst &inst, const Function &fn);

// ---- implementations ------------------------------------------------------------------

inline bool readsDef(const Inst &inst) {
  return inst.dst != kNoReg &&
         (inst.cond != Cond::AL || inst.op == Opcode::Bfi || inst.op == Opcode::Umlal || inst.op == Opcode::Smlal);
}

namespace detail {
// What an opcode does beyond its register fields, one bit set per opcode (operandsOf).
enum : uint8_t { kReadsFlags = 1, kWritesFlags = 2, kSideEffects = 4, kEarlyClobber = 8 };
constexpr uint8_t opcodeEffects(Opcode op) {
  switch (op) {
    case Opcode::Adc: case Opcode::Sbc: case Opcode::Rsc: return kReadsFlags;
    case Opcode::Cmp: case Opcode::Cmn: case Opcode::Tst: case Opcode::Teq: return kWritesFlags;
    case Opcode::Strex: case Opcode::Strexd: return kSideEffects | kEarlyClobber;
    case Opcode::Store: case Opcode::Ldrex: case Opcode::Ldrexd: case Opcode::Clrex: case Opcode::Dmb:
    case Opcode::Return: case Opcode::Branch:
      return kSideEffects;
    case Opcode::AtomicRmw: return kSideEffects | kWritesFlags | kEarlyClobber;
    case Opcode::Call: return kSideEffects | kWritesFlags;
    default: return 0;
  }
}
}  // namespace detail

// Written without lambdas or a switch per call, and forced inline: every pass calls it
// per instruction, and out of line (where GCC's heuristics left it in the callers with
// many calls) it was a seventh of the compile time; inlined, each caller keeps only the
// fields it reads. Each register field is stored unconditionally and counted only when
// it holds a register (the next one overwrites a kNoReg), which needs no branch.
[[gnu::always_inline]] inline Operands operandsOf(const Inst &inst) {
  Operands o;
  unsigned uses = 0, defs = 0;
  o.uses[uses] = inst.a, uses += inst.a != kNoReg;
  o.uses[uses] = inst.b, uses += inst.b != kNoReg;
  o.uses[uses] = inst.c, uses += inst.c != kNoReg;
  if (readsDef(inst)) {
    // a conditional umull keeps the old hi word too
    o.uses[uses] = inst.dst, uses += inst.dst != kNoReg;
    o.uses[uses] = inst.dst2, uses += inst.dst2 != kNoReg;
  }
  o.defs[defs] = inst.dst, defs += inst.dst != kNoReg;
  if (inst.dst2 != kNoReg) o.defs[defs++] = inst.dst2;
  if (inst.writeback != Writeback::None) {  // the base: read, then advanced
    assert(defs < 2);
    o.defs[defs++] = inst.a;
  }
  o.numUses = uint8_t(uses);
  o.numDefs = uint8_t(defs);
  o.implicitUses = inst.implicitUses;
  o.implicitDefs = inst.implicitDefs;
  const uint8_t effects = detail::opcodeEffects(inst.op);
  o.readsFlags = (effects & detail::kReadsFlags) || inst.cond != Cond::AL;
  o.writesFlags = (effects & detail::kWritesFlags) || inst.setFlags;
  o.hasSideEffects = effects & detail::kSideEffects;
  o.earlyClobber = effects & detail::kEarlyClobber;
  return o;
}


// Spelled out field by field (not a loop over an initializer list of pointers), which
// the compiler turns into five tests: several passes run it over every instruction.
template <typename Visit>
void forEachRegister(Inst &inst, Visit visit) {
  if (inst.a != kNoReg) visit(inst.a, false);
  if (inst.b != kNoReg) visit(inst.b, false);
  if (inst.c != kNoReg) visit(inst.c, false);
  if (inst.dst != kNoReg) visit(inst.dst, true);
  if (inst.dst2 != kNoReg) visit(inst.dst2, true);
}

}  // namespace bpf2arm::arm::mir
