// Emission of allocated MIR: the frame (emit_mir.h), the prologue and one epilogue per
// return, block labels and branches laid out with fall-through, and one assembler
// operation per MIR instruction (MovConst, FrameAddress and AddressOf may take a few).
// Only the assembler's operation-level methods are used here (assembler.h), so that the
// A32 and the T32 assembler serve alike. Whether an immediate or an offset fits is the
// assembler's to check: each instruction set expands or asserts on its own forms.
#include "emit_mir.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <optional>

namespace bpf2arm::arm {

using mir::FrameObject;
using mir::Inst;
using mir::kNoReg;
using mir::Opcode;

namespace {

// Where things are, from sp in the body up (the picture in emit_mir.h).
struct MirFrame {
  uint16_t pushed = 0;       // the registers the prologue pushes
  unsigned pushedBytes = 0;
  unsigned frameBytes = 0;   // outgoing arguments, BPF stack, spill slots, padding
  unsigned spillBase = 0;    // sp offset of spill slot 0
};

MirFrame layOut(const mir::Function &fn) {
  assert((!fn.makesCalls || (fn.usedCalleeSaved & (1u << LR))) && "a call writes lr: the allocator saves it");
  MirFrame frame;
  frame.pushed = fn.usedCalleeSaved;
  frame.pushedBytes = 4 * unsigned(__builtin_popcount(frame.pushed));
  frame.spillBase = fn.outgoingArgBytes + fn.bpfStackBytes;
  frame.frameBytes = frame.spillBase + 4 * fn.spillSlots;
  if ((frame.pushedBytes + frame.frameBytes) % 8) {
    // An odd number of words: pad the frame when it is adjusted anyway, else push one
    // more register (r12 holds nothing the caller wants back at the return).
    if (frame.frameBytes) {
      frame.frameBytes += 4;
    } else {
      assert(!(frame.pushed & (1u << R12)));
      frame.pushed |= 1u << R12;
      frame.pushedBytes += 4;
    }
  }
  assert((frame.pushedBytes + frame.frameBytes) % 8 == 0);
  return frame;
}

DataOp dataOp(Opcode op) {
  switch (op) {
    case Opcode::Add: return DataOp::ADD;
    case Opcode::Adc: return DataOp::ADC;
    case Opcode::Sub: return DataOp::SUB;
    case Opcode::Sbc: return DataOp::SBC;
    case Opcode::Rsb: return DataOp::RSB;
    case Opcode::Rsc: return DataOp::RSC;
    case Opcode::And: return DataOp::AND;
    case Opcode::Orr: return DataOp::ORR;
    case Opcode::Eor: return DataOp::EOR;
    case Opcode::Bic: return DataOp::BIC;
    default: break;
  }
  assert(false && "not a data-processing opcode");
  std::abort();
}

CompareOp compareOp(Opcode op) {
  switch (op) {
    case Opcode::Cmp: return CompareOp::CMP;
    case Opcode::Cmn: return CompareOp::CMN;
    case Opcode::Tst: return CompareOp::TST;
    case Opcode::Teq: return CompareOp::TEQ;
    default: break;
  }
  assert(false && "not a compare opcode");
  std::abort();
}

// The BPF comments of `-S` (the rules are in emit_mir.h). MIR block b > 0 is BPF block
// b - 1; its comments cover that block's instructions and those of the empty blocks
// without a label after it (merged into it by if-conversion).
class BpfComments {
 public:
  BpfComments(const mir::Function &mfn, const BpfSource &source, Assembler &as,
              const std::vector<llvm::MCSymbol *> &labels)
      : mfn_(mfn), source_(source), as_(as), labels_(labels) {}

  void enterBlock(size_t b) {
    first_ = end_ = 0;
    const std::vector<BasicBlock> &bpfBlocks = source_.fn.blocks;
    if (b == 0 || b - 1 >= bpfBlocks.size()) return;  // the entry has no BPF block
    first_ = bpfBlocks[b - 1].first;
    end_ = bpfBlocks[b - 1].end;
    for (size_t merged = b + 1; merged < mfn_.blocks.size() && merged - 1 < bpfBlocks.size(); ++merged) {
      if (!mfn_.blocks[merged].insts.empty() || labels_[merged]) break;
      end_ = bpfBlocks[merged - 1].end;
    }
    next_ = std::max(next_, first_);
  }

  void before(const Inst &inst) {
    uint32_t k = inst.bpfInsn;
    if (k == ~0u || k == lastShown_) return;
    bool inPlace = k >= first_ && k < end_;
    if (inPlace && k >= next_) {
      while (next_ <= k) show(next_++, false);
    } else if (inPlace && k == lastInPlace_) {
      // Back to it after moved code (constants hoisted before the block's branch).
      as_.comment(" insn " + std::to_string(source_.fn.insns[k].slot) + " (continued)");
      lastShown_ = k;
    } else {
      show(k, true);
    }
  }

  // The block's BPF instructions after its last ARM instruction produced no code.
  void leaveBlock() {
    while (next_ < end_) show(next_++, false);
  }

 private:
  void show(uint32_t k, bool moved) {
    std::string text = describeInstruction(source_.program, source_.fn, k);
    if (moved) {
      as_.comment(" moved from insn " + text);
    } else {
      const Instruction &ins = source_.fn.insns[k];
      as_.comment(" insn " + text + (ins.line ? "    (" + source_.program.lineOf(ins) + ")" : ""));
      lastInPlace_ = k;
    }
    lastShown_ = k;
  }

  const mir::Function &mfn_;
  const BpfSource &source_;
  Assembler &as_;
  const std::vector<llvm::MCSymbol *> &labels_;
  uint32_t first_ = 0, end_ = 0;  // the BPF instructions of the current block
  uint32_t next_ = 0;             // the first not shown yet
  uint32_t lastShown_ = ~0u, lastInPlace_ = ~0u;
};

class MirEmitter {
 public:
  MirEmitter(const mir::Function &fn, Assembler &as, llvm::MCContext &ctx)
      : fn_(fn), as_(as), ctx_(ctx), frame_(layOut(fn)) {}

  void run(const BpfSource *source) {
    // Labels only for the blocks that a branch reaches (the -S output stays readable).
    labels_.assign(fn_.blocks.size(), nullptr);
    forEachBranch([&](size_t, const BranchOut &out) {
      if (!labels_[out.target]) labels_[out.target] = as_.newLabel();
    });
    std::optional<BpfComments> comments;
    if (source) comments.emplace(fn_, *source, as_, labels_);
    prologue();
    for (size_t b = 0; b < fn_.blocks.size(); ++b) {
      if (labels_[b]) as_.bind(labels_[b]);
      if (comments) comments->enterBlock(b);
      const std::vector<Inst> &insts = fn_.blocks[b].insts;
      for (size_t k = 0; k < insts.size(); ++k) {
        if (comments) comments->before(insts[k]);
        if (insts[k].op == Opcode::Branch) {
          if (comments && k + 1 < insts.size() && insts[k + 1].op == Opcode::Branch) comments->before(insts[k + 1]);
          for (const BranchOut &out : layOutBranches(b, insts, k)) as_.b(labels_[out.target], out.cond);
          while (k + 1 < insts.size() && insts[k + 1].op == Opcode::Branch) ++k;
        } else {
          instruction(insts[k]);
        }
      }
      if (comments) comments->leaveBlock();
    }
  }

 private:
  static Reg reg(mir::VReg r) {
    assert(mir::isPhysical(r) && "emission needs allocated registers");
    return Reg(r);
  }
  static Flags flags(const Inst &inst) { return inst.setFlags ? Flags::Set : Flags::Keep; }

  int frameOffset(FrameObject object, int32_t imm) const {
    switch (object) {
      case FrameObject::BpfStack: return bpfStackOffsetFromSp(fn_, imm);
      case FrameObject::SpillSlot: return int(frame_.spillBase) + imm;
      case FrameObject::OutgoingArgs: return imm;
      case FrameObject::IncomingArgs: return int(frame_.frameBytes + frame_.pushedBytes) + imm;
      case FrameObject::None: break;
    }
    assert(false && "not a frame object");
    return 0;
  }

  void prologue() {
    if (frame_.pushed) as_.push(frame_.pushed);
    if (frame_.frameBytes) as_.addInSteps(SP, SP, -int32_t(frame_.frameBytes));
  }

  // Under a condition (a Return that is conditional, mir.h) every instruction of it is:
  // none of them sets the flags.
  void epilogue(Cond c) {
    if (frame_.frameBytes) as_.addInSteps(SP, SP, int32_t(frame_.frameBytes), c);
    if (frame_.pushed & (1u << LR)) return as_.pop(uint16_t((frame_.pushed & ~(1u << LR)) | (1u << PC)), c);
    if (frame_.pushed) as_.pop(frame_.pushed, c);
    as_.bxLr(c);
  }

  struct BranchOut {
    uint32_t target;
    Cond cond;
  };

  // The branches that end a block (insts[k] is the first; at most a conditional one,
  // then an unconditional one or a return, mir.h), as emitted: a jump to the next block
  // is left out, and `bcc next; b other` becomes `b!cc other`.
  static std::vector<BranchOut> layOutBranches(size_t block, const std::vector<Inst> &insts, size_t k) {
    const Inst &first = insts[k];
    const uint32_t next = uint32_t(block + 1);
    bool jumpFollows = k + 1 < insts.size() && insts[k + 1].op == Opcode::Branch;
    assert((k + 1 == insts.size() ||
            (first.cond != Cond::AL && k + 2 == insts.size() &&
             ((jumpFollows && insts[k + 1].cond == Cond::AL) || insts[k + 1].op == Opcode::Return))) &&
           "branches end a block: a conditional one, then an unconditional one or a return");
    if (!jumpFollows) {
      if (first.target == next && k + 1 == insts.size()) return {};  // (a return after it is no fall-through)
      return {{first.target, first.cond}};
    }
    const Inst &jump = insts[k + 1];
    if (first.target == jump.target) {
      if (jump.target == next) return {};
      return {{jump.target, Cond::AL}};
    }
    if (first.target == next) return {{jump.target, invert(first.cond)}};
    if (jump.target == next) return {{first.target, first.cond}};
    return {{first.target, first.cond}, {jump.target, Cond::AL}};
  }

  template <typename Visit>
  void forEachBranch(Visit visit) const {
    for (size_t b = 0; b < fn_.blocks.size(); ++b) {
      const std::vector<Inst> &insts = fn_.blocks[b].insts;
      for (size_t k = 0; k < insts.size(); ++k)
        if (insts[k].op == Opcode::Branch) {
          for (const BranchOut &out : layOutBranches(b, insts, k)) visit(b, out);
          break;
        }
    }
  }

  void dataProcessing(const Inst &inst) {
    DataOp op = dataOp(inst.op);
    Reg d = reg(inst.dst), n = reg(inst.a);
    if (inst.b == kNoReg) {
      as_.opImm(op, d, n, uint32_t(inst.imm), flags(inst), inst.cond);
    } else if (inst.shiftByRegister) {
      as_.opShiftReg(op, d, n, reg(inst.b), inst.shift, reg(inst.c), flags(inst), inst.cond);
    } else {
      as_.opShiftImm(op, d, n, reg(inst.b), inst.shift, inst.shiftAmount, flags(inst), inst.cond);
    }
  }

  void move(const Inst &inst) {
    bool complement = inst.op == Opcode::Mvn;
    Reg d = reg(inst.dst);
    if (inst.b == kNoReg) {
      if (complement) as_.mvnImm(d, uint32_t(inst.imm), inst.cond, flags(inst));
      else as_.movImm(d, uint32_t(inst.imm), inst.cond, flags(inst));
    } else if (inst.shiftByRegister) {
      if (complement) as_.mvnShiftReg(d, reg(inst.b), inst.shift, reg(inst.c), inst.cond, flags(inst));
      else as_.movShiftReg(d, reg(inst.b), inst.shift, reg(inst.c), inst.cond, flags(inst));
    } else if (complement) {
      as_.mvnShiftImm(d, reg(inst.b), inst.shift, inst.shiftAmount, inst.cond, flags(inst));
    } else if (!(inst.isPlainMove() && inst.dst == inst.b)) {
      as_.movShiftImm(d, reg(inst.b), inst.shift, inst.shiftAmount, inst.cond, flags(inst));
    }
  }

  void compare(const Inst &inst) {
    CompareOp op = compareOp(inst.op);
    Reg n = reg(inst.a);
    if (inst.b == kNoReg) {
      as_.compareImm(op, n, uint32_t(inst.imm), inst.cond);
    } else if (inst.shiftByRegister) {
      as_.compareShiftReg(op, n, reg(inst.b), inst.shift, reg(inst.c), inst.cond);
    } else {
      as_.compareShiftImm(op, n, reg(inst.b), inst.shift, inst.shiftAmount, inst.cond);
    }
  }

  void memory(const Inst &inst) {
    bool isLoad = inst.op == Opcode::Load;
    bool signExtend = isLoad && inst.signExtend;
    Reg t = reg(isLoad ? inst.dst : inst.c);
    if (inst.writeback != mir::Writeback::None) {
      assert(inst.frame == FrameObject::None && inst.b == kNoReg);
      bool post = inst.writeback == mir::Writeback::Post;
      if (isLoad) as_.loadWriteback(post, inst.bytes, signExtend, t, reg(inst.a), inst.imm, inst.cond);
      else as_.storeWriteback(post, inst.bytes, t, reg(inst.a), inst.imm, inst.cond);
      return;
    }
    if (inst.frame == FrameObject::None && inst.b != kNoReg) {
      assert(inst.imm == 0 && "a register offset has no immediate besides");
      if (isLoad) as_.loadIndexed(inst.bytes, signExtend, t, reg(inst.a), reg(inst.b), inst.shiftAmount, inst.cond);
      else as_.storeIndexed(inst.bytes, t, reg(inst.a), reg(inst.b), inst.shiftAmount, inst.cond);
      return;
    }
    Reg base = inst.frame == FrameObject::None ? reg(inst.a) : SP;
    int32_t offset = inst.frame == FrameObject::None ? inst.imm : frameOffset(inst.frame, inst.imm);
    assert(as_.offsetFits(inst.bytes, signExtend, offset) && "the selector makes accesses reach");
    if (isLoad) as_.load(inst.bytes, signExtend, t, base, offset, inst.cond);
    else as_.store(inst.bytes, t, base, offset, inst.cond);
  }

  void instruction(const Inst &inst) {
    switch (inst.op) {
      case Opcode::Add: case Opcode::Adc: case Opcode::Sub: case Opcode::Sbc: case Opcode::Rsb: case Opcode::Rsc:
      case Opcode::And: case Opcode::Orr: case Opcode::Eor: case Opcode::Bic:
        return dataProcessing(inst);
      case Opcode::Mov: case Opcode::Mvn: return move(inst);
      case Opcode::Cmp: case Opcode::Cmn: case Opcode::Tst: case Opcode::Teq: return compare(inst);
      case Opcode::Load: case Opcode::Store: return memory(inst);
      default: break;
    }
    // The rest set no flags (spill code and expansions must not, mir.h).
    assert(!inst.setFlags && "only data processing, moves and compares have S forms here");
    Cond c = inst.cond;
    switch (inst.op) {
      case Opcode::MovConst: return as_.loadConstant(reg(inst.dst), uint32_t(inst.imm), c);
      case Opcode::Mul: return as_.mul(reg(inst.dst), reg(inst.a), reg(inst.b), c);
      case Opcode::Mla: return as_.mla(reg(inst.dst), reg(inst.a), reg(inst.b), reg(inst.c), c);
      case Opcode::Mls: return as_.mls(reg(inst.dst), reg(inst.a), reg(inst.b), reg(inst.c), c);
      case Opcode::Umull: return as_.umull(reg(inst.dst), reg(inst.dst2), reg(inst.a), reg(inst.b), c);
      case Opcode::Smull: return as_.smull(reg(inst.dst), reg(inst.dst2), reg(inst.a), reg(inst.b), c);
      case Opcode::Umlal: return as_.umlal(reg(inst.dst), reg(inst.dst2), reg(inst.a), reg(inst.b), c);
      case Opcode::Smlal: return as_.smlal(reg(inst.dst), reg(inst.dst2), reg(inst.a), reg(inst.b), c);
      case Opcode::Udiv: return as_.udiv(reg(inst.dst), reg(inst.a), reg(inst.b), c);
      case Opcode::Sdiv: return as_.sdiv(reg(inst.dst), reg(inst.a), reg(inst.b), c);
      case Opcode::Clz: return as_.clz(reg(inst.dst), reg(inst.b), c);
      case Opcode::Rev: return as_.rev(reg(inst.dst), reg(inst.b), c);
      case Opcode::Rev16: return as_.rev16(reg(inst.dst), reg(inst.b), c);
      case Opcode::Rbit: return as_.rbit(reg(inst.dst), reg(inst.b), c);
      case Opcode::Sxtb: return as_.sxtb(reg(inst.dst), reg(inst.b), c);
      case Opcode::Sxth: return as_.sxth(reg(inst.dst), reg(inst.b), c);
      case Opcode::Uxtb: return as_.uxtb(reg(inst.dst), reg(inst.b), c);
      case Opcode::Uxth: return as_.uxth(reg(inst.dst), reg(inst.b), c);
      case Opcode::Ubfx: return as_.ubfx(reg(inst.dst), reg(inst.a), unsigned(inst.imm), inst.width, c);
      case Opcode::Sbfx: return as_.sbfx(reg(inst.dst), reg(inst.a), unsigned(inst.imm), inst.width, c);
      case Opcode::Bfi: return as_.bfi(reg(inst.dst), reg(inst.a), unsigned(inst.imm), inst.width, c);
      case Opcode::Call:
        if (inst.symbol != mir::kNoSymbol) return as_.bl(fn_.symbols.at(inst.symbol), c);
        return as_.blx(reg(inst.a), c);
      case Opcode::Return: return epilogue(c);
      default: break;
    }
    // Exclusive accesses, barriers and addresses are unconditional.
    assert(c == Cond::AL && "no conditional form");
    switch (inst.op) {
      case Opcode::Ldrex: return as_.ldrex(reg(inst.dst), reg(inst.a));
      case Opcode::Strex: return as_.strex(reg(inst.dst), reg(inst.c), reg(inst.a));
      case Opcode::Ldrexd:
        assert(inst.dst2 == inst.dst + 1 && "ldrexd writes an even/odd pair");
        return as_.ldrexd(reg(inst.dst), reg(inst.a));
      case Opcode::Strexd:
        assert(inst.b == inst.c + 1 && "strexd stores an even/odd pair");
        return as_.strexd(reg(inst.dst), reg(inst.c), reg(inst.a));
      case Opcode::Clrex: return as_.clrex();
      case Opcode::Dmb: return as_.dmbIsh();
      case Opcode::AddressOf:
        assert(inst.symbol < fn_.symbols.size());
        return as_.loadAddress(reg(inst.dst), fn_.symbols[inst.symbol], inst.imm, inst.viaGot);
      case Opcode::FrameAddress: return as_.addInSteps(reg(inst.dst), SP, frameOffset(inst.frame, inst.imm));
      case Opcode::AtomicRmw: return expandAtomic(inst, as_, ctx_);
      default: break;
    }
    assert(false && "opcode without emission");
  }

  const mir::Function &fn_;
  Assembler &as_;
  llvm::MCContext &ctx_;
  const MirFrame frame_;
  std::vector<llvm::MCSymbol *> labels_;
};

}  // namespace

void emitFunction(const mir::Function &fn, Assembler &as, llvm::MCContext &ctx, const BpfSource *source) {
  MirEmitter(fn, as, ctx).run(source);
}

}  // namespace bpf2arm::arm
