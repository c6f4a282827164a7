#include <cassert>

#include "abi/aapcs.h"
#include "lowering.h"

namespace bpf2arm::arm {

const char *routineName(Routine r) {
  switch (r) {
    case Routine::UDiv64: return "__bpf2arm_udiv64";
    case Routine::UMod64: return "__bpf2arm_umod64";
    case Routine::SDiv64: return "__bpf2arm_sdiv64";
    case Routine::SMod64: return "__bpf2arm_smod64";
    case Routine::UDiv32: return "__bpf2arm_udiv32";
    case Routine::UMod32: return "__bpf2arm_umod32";
    case Routine::SDiv32: return "__bpf2arm_sdiv32";
    case Routine::SMod32: return "__bpf2arm_smod32";
  }
  return "";
}

FrameLayout layoutFrame(const std::array<unsigned, 11> &uses, unsigned bpfStackBytes) {
  FrameLayout frame;
  frame.homes[0] = {RegisterHome::InRegisters, R0, R1, 0};
  frame.homes[10] = {RegisterHome::FramePointer, R0, R0, 0};
  for (unsigned r = 1; r <= 5; ++r) frame.homes[r] = {RegisterHome::InFrame, R0, R0, kArgHomesOffset + 8 * int(r - 1)};
  for (unsigned r = 6; r <= 9; ++r) frame.homes[r] = {RegisterHome::InFrame, R0, R0, kSavedHomesOffset + 8 * int(r - 6)};

  std::vector<unsigned> busiest;
  for (unsigned r = 1; r <= 9; ++r)
    if (uses[r]) busiest.push_back(r);
  std::stable_sort(busiest.begin(), busiest.end(), [&](unsigned a, unsigned b) { return uses[a] > uses[b]; });
  static const Reg pairs[4][2] = {{R4, R5}, {R6, R7}, {R8, R9}, {R10, R11}};
  frame.savedRegs = 1u << LR;
  for (size_t i = 0; i < busiest.size() && i < 4; ++i) {
    frame.homes[busiest[i]] = {RegisterHome::InRegisters, pairs[i][0], pairs[i][1], 0};
    frame.savedRegs |= (1u << pairs[i][0]) | (1u << pairs[i][1]);
  }
  frame.bpfStackBytes = int(bpfStackBytes);
  int needed = kBpfStackOffset + frame.bpfStackBytes;
  frame.bodyBytes = ((needed + frame.savedBytes() + 7) & ~7) - frame.savedBytes();
  return frame;
}

FunctionLowering::FunctionLowering(const Program &program, const Function &fn, ArmAssembler &as,
                                   llvm::MCContext &ctx, ObjectSymbols &symbols)
    : program_(program), fn_(fn), as_(as), ctx_(ctx), symbols_(symbols) {
  frame_ = layoutFrame(fn.regUses, fn.stackSize);
  for (size_t i = 0; i < fn.blocks.size(); ++i) blockLabels_.push_back(ctx.createTempSymbol());
}

Status FunctionLowering::fail(const Instruction &ins, std::string message) const {
  return program_.errorAtInstruction(fn_, ins, std::move(message));
}

llvm::MCSymbol *FunctionLowering::routine(Routine r) {
  symbols_.routinesUsed.insert(r);
  return ctx_.getOrCreateSymbol(routineName(r));
}

// ---- operand access -------------------------------------------------------------

Reg FunctionLowering::readLo(unsigned bpfReg, Reg temp) {
  const RegisterHome &home = frame_.home(bpfReg);
  switch (home.kind) {
    case RegisterHome::InRegisters: return home.lo;
    case RegisterHome::InFrame: as_.load(4, false, temp, SP, home.frameOffset); return temp;
    case RegisterHome::FramePointer: as_.addConstant(temp, SP, frame_.r10Offset(), temp); return temp;
  }
  return temp;
}

Reg FunctionLowering::readHi(unsigned bpfReg, Reg temp) {
  const RegisterHome &home = frame_.home(bpfReg);
  switch (home.kind) {
    case RegisterHome::InRegisters: return home.hi;
    case RegisterHome::InFrame: as_.load(4, false, temp, SP, home.frameOffset + 4); return temp;
    case RegisterHome::FramePointer: as_.movImm(temp, 0); return temp;
  }
  return temp;
}

Reg FunctionLowering::destLo(unsigned bpfReg, Reg temp) const {
  const RegisterHome &home = frame_.home(bpfReg);
  assert(home.kind != RegisterHome::FramePointer && "R10 writes are rejected by the frame analysis");
  return home.kind == RegisterHome::InRegisters ? home.lo : temp;
}

Reg FunctionLowering::destHi(unsigned bpfReg, Reg temp) const {
  const RegisterHome &home = frame_.home(bpfReg);
  assert(home.kind != RegisterHome::FramePointer);
  return home.kind == RegisterHome::InRegisters ? home.hi : temp;
}

void FunctionLowering::writeLo(unsigned bpfReg, Reg value) {
  const RegisterHome &home = frame_.home(bpfReg);
  if (home.kind == RegisterHome::InRegisters) {
    if (value != home.lo) as_.mov(home.lo, value);
  } else {
    as_.store(4, value, SP, home.frameOffset);
  }
}

bool FunctionLowering::hiDeadAfter(unsigned bpfReg) const {
  return current_ != kNoInsn && !fn_.hiLiveAfter(current_, bpfReg);
}

bool FunctionLowering::hiKnownZero(unsigned bpfReg) const {
  return current_ != kNoInsn && fn_.hiKnownZero(current_, bpfReg);
}

void FunctionLowering::writeHi(unsigned bpfReg, Reg value) {
  if (hiDeadAfter(bpfReg)) return;  // track_upper_live: nothing reads it
  const RegisterHome &home = frame_.home(bpfReg);
  if (home.kind == RegisterHome::InRegisters) {
    if (value != home.hi) as_.mov(home.hi, value);
  } else {
    as_.store(4, value, SP, home.frameOffset + 4);
  }
}

bool FunctionLowering::isZeroExtensionPair(const bpf::Insn &first, const bpf::Insn &second) {
  const uint8_t lsh = bpf::ALU64 | bpf::LSH | bpf::K, rsh = bpf::ALU64 | bpf::RSH | bpf::K;
  return first.opcode == lsh && second.opcode == rsh && first.dst == second.dst && first.imm == 32 &&
         second.imm == 32 && first.dst != bpf::R10;
}

bool FunctionLowering::isStackAddressPair(const bpf::Insn &first, const bpf::Insn &second) {
  const uint8_t mov = bpf::ALU64 | bpf::MOV | bpf::X, add = bpf::ALU64 | bpf::ADD | bpf::K;
  return first.opcode == mov && first.offset == 0 && first.src == bpf::R10 && first.dst != bpf::R10 &&
         second.opcode == add && second.dst == first.dst && second.imm >= -512 && second.imm <= 0;
}

void FunctionLowering::writeHiZero(unsigned bpfReg) {
  if (hiKnownZero(bpfReg)) return;  // already zero (track_upper_zero)
  if (hiDeadAfter(bpfReg)) return;
  Reg hi = destHi(bpfReg, kTemp3);
  as_.movImm(hi, 0);
  writeHi(bpfReg, hi);
}

void FunctionLowering::writeHiSign(unsigned bpfReg, Reg lo) {
  if (hiDeadAfter(bpfReg)) return;
  Reg hi = destHi(bpfReg, kTemp3);
  as_.movShiftImm(hi, lo, Shift::ASR, 31);
  writeHi(bpfReg, hi);
}

void FunctionLowering::loadPair(unsigned bpfReg, Reg lo, Reg hi) {
  Reg l = readLo(bpfReg, lo);
  if (l != lo) as_.mov(lo, l);
  Reg h = readHi(bpfReg, hi);
  if (h != hi) as_.mov(hi, h);
}

void FunctionLowering::storePair(unsigned bpfReg, Reg lo, Reg hi) {
  writeLo(bpfReg, lo);
  writeHi(bpfReg, hi);
}

void FunctionLowering::loadImm64(Reg lo, Reg hi, int64_t value) {
  as_.loadConstant(lo, uint32_t(value));
  as_.loadConstant(hi, uint32_t(uint64_t(value) >> 32));
}

// ---- prologue, epilogue, entry ---------------------------------------------------

void FunctionLowering::emitPrologue() {
  as_.push(frame_.savedRegs);
  as_.addConstant(SP, SP, -frame_.bodyBytes, R12);
  // A local call leaves R1..R5 in the caller's homes; take them into ours. Not only the
  // prototype's parameters: LLVM may pass a static function more (argument promotion).
  // A register the body never names (regUses counts every read) is not worth a copy.
  for (size_t i = 0; i < 5; ++i) {
    unsigned bpfReg = unsigned(i + 1);
    if (!fn_.regUses[bpfReg]) continue;
    int from = frame_.callerArgHomes() + 8 * int(i);
    const RegisterHome &home = frame_.home(bpfReg);
    if (home.kind == RegisterHome::InRegisters) {
      as_.load(4, false, home.lo, SP, from);
      as_.load(4, false, home.hi, SP, from + 4);
    } else {
      as_.load(4, false, kTemp0, SP, from);
      as_.load(4, false, kTemp1, SP, from + 4);
      as_.store(4, kTemp0, SP, home.frameOffset);
      as_.store(4, kTemp1, SP, home.frameOffset + 4);
    }
  }
}

void FunctionLowering::spillArguments(const DefUse &call) {
  for (unsigned bpfReg = 1; bpfReg <= 5; ++bpfReg) {
    const RegisterHome &home = frame_.home(bpfReg);
    if (home.kind != RegisterHome::InRegisters) continue;
    int at = kArgHomesOffset + 8 * int(bpfReg - 1);
    if (call.useLo & regBit(bpfReg)) as_.store(4, home.lo, SP, at);
    if (call.useHi & regBit(bpfReg)) as_.store(4, home.hi, SP, at + 4);
  }
}

void FunctionLowering::lowerExit() {
  as_.addConstant(SP, SP, frame_.bodyBytes, R12);
  as_.pop(uint16_t((frame_.savedRegs & ~(1u << LR)) | (1u << PC)));
}

Status FunctionLowering::lowerBody() {
  emitPrologue();
  for (const BasicBlock &block : fn_.blocks) {
    as_.bind(blockLabels_[block.id]);
    for (uint32_t k = block.first; k < block.end; ++k) {
      const Instruction &ins = fn_.insns[k];
      current_ = k;
      std::string text = "insn " + std::to_string(ins.slot) + ": " + bpf::disassemble(ins.insn);
      if (const AddressRef *address = fn_.addressOf(ins)) {
        switch (address->kind) {
          case AddressRef::Map: text += "  (map " + program_.maps[address->index].name + ")"; break;
          case AddressRef::Data:
            text += "  (" + program_.data[address->index].name + "+" + std::to_string(address->addend) +
                    (address->symbol.empty() ? "" : ", " + address->symbol) + ")";
            break;
          case AddressRef::Extern: text += "  (extern " + address->symbol + ")"; break;
          case AddressRef::Function: text += "  (C entry of " + program_.functions[address->index].name + ")"; break;
          case AddressRef::None: break;
        }
      }
      if (ins.insn.isCall()) {
        const CallTarget &call = fn_.callOf(ins);
        if (call.kind == CallTarget::Helper || call.kind == CallTarget::Extern) text += "  (" + call.symbol + ")";
        if (call.kind == CallTarget::Local) text += "  (" + program_.functions[call.function].name + ")";
      }
      if (ins.line) text += "    (" + program_.lineOf(ins) + ")";
      as_.comment(text);
      if (k + 1 < block.end && isStackAddressPair(ins.insn, fn_.insns[k + 1].insn)) {
        // clang's `r = r10; r += -N` (a stack address): one add from sp. With -512 <= -N
        // <= 0 the result stays within the frame, so the hi word is 0.
        const bpf::Insn &add = fn_.insns[k + 1].insn;
        as_.comment("insn " + std::to_string(fn_.insns[k + 1].slot) + ": " + bpf::disassemble(add) +
                    "    (with the previous: one address)");
        Reg lo = destLo(ins.insn.dst, kTemp0);
        as_.addConstant(lo, SP, frame_.r10Offset() + add.imm, lo);
        writeLo(ins.insn.dst, lo);
        writeHiZero(ins.insn.dst);
        ++k;
        continue;
      }
      if (k + 1 < block.end && isZeroExtensionPair(ins.insn, fn_.insns[k + 1].insn)) {
        // clang's zero extension `r <<= 32; r >>= 32` only clears the hi word.
        as_.comment("insn " + std::to_string(fn_.insns[k + 1].slot) + ": " +
                    bpf::disassemble(fn_.insns[k + 1].insn) + "    (with the previous: hi = 0)");
        writeHiZero(ins.insn.dst);
        ++k;
        continue;
      }
      if (Status st = lowerInstruction(ins, block)) return st;
    }
  }
  return std::nullopt;
}

// The C entry builds a fake caller frame holding R1..R5 (outgoing area + homes, as in
// the picture in frame_layout.h), calls the body, and narrows R0 to the C result type.
Status FunctionLowering::lowerCEntry() {
  auto layout = abi::placeArguments(fn_.prototype);
  if (!layout) {
    Diagnostic d = layout.diag();
    d.function = fn_.name;
    return d;
  }
  constexpr int kFakeFrame = kArgHomesOffset + kArgHomesBytes;
  constexpr int kPushed = 8;  // r4, lr: keeps sp 8-byte aligned
  as_.push((1u << R4) | (1u << LR));
  as_.addConstant(SP, SP, -kFakeFrame, R12);
  for (size_t i = 0; i < fn_.prototype.params.size(); ++i) {
    const abi::CType &type = fn_.prototype.params[i];
    const abi::ArgLocation &loc = layout->args[i];
    int home = kArgHomesOffset + 8 * int(i);
    Reg lo = R12, hi = LR;
    if (loc.kind == abi::ArgLocation::Stack) {
      int at = kFakeFrame + kPushed + int(loc.stackOffset);
      as_.load(4, false, lo, SP, at);
      if (loc.armSize == 8) as_.load(4, false, hi, SP, at + 4);
    } else {
      lo = static_cast<Reg>(loc.reg);
      if (loc.armSize == 8) hi = static_cast<Reg>(loc.reg + 1);
    }
    if (loc.armSize == 4) {
      // Re-extend narrow arguments: BPF code may rely on all 64 bits.
      if (abi::widenFor(type) != abi::Widen::None) {
        widen(as_, abi::widenFor(type), R12, lo);
        lo = R12;
      }
      if (type.kind == abi::TypeKind::Integer && type.isSigned) as_.movShiftImm(LR, lo, Shift::ASR, 31);
      else as_.movImm(LR, 0);
      hi = LR;
    }
    as_.store(4, lo, SP, home);
    as_.store(4, hi, SP, home + 4);
  }
  // The arguments are in the homes now, so r0-r3 are free for this call.
  // A callback runs inside the run of the program that called bpf_loop: no new run.
  if (symbols_.makesTailCalls && fn_.isGlobal) as_.bl(ctx_.getOrCreateSymbol("bpf2arm_tail_call_run_begin"));
  as_.bl(symbols_.bodies[size_t(&fn_ - program_.functions.data())]);
  widen(as_, abi::resultConversion(fn_.prototype.result).widen, R0, R0);  // AAPCS: callee extends
  as_.addConstant(SP, SP, kFakeFrame, R12);
  as_.pop((1u << R4) | (1u << PC));
  return std::nullopt;
}

Status FunctionLowering::lowerInstruction(const Instruction &ins, const BasicBlock &block) {
  const bpf::Insn &insn = ins.insn;
  switch (insn.cls()) {
    case bpf::ALU: lowerAlu32(ins); return std::nullopt;
    case bpf::ALU64: lowerAlu64(ins); return std::nullopt;
    case bpf::LD: {
      assert(insn.isLdImm64());
      Reg lo = destLo(insn.dst, kTemp0), hi = destHi(insn.dst, kTemp1);
      if (const AddressRef *address = fn_.addressOf(ins); !address) {
        loadImm64(lo, hi, int64_t(insn.imm64));
      } else if (address->kind == AddressRef::Function) {
        // Thumb entries get bit 0 from the linker (the symbol is STT_FUNC).
        assert(symbols_.cEntries[address->index] && "an address-taken function has a C entry");
        as_.loadAddress(lo, symbols_.cEntries[address->index], 0);
        as_.movImm(hi, 0);
      } else {
        auto where = symbols_.data->addressOf(*address);
        if (!where) return fail(ins, where.diag().message);
        as_.loadAddress(lo, where->sectionStart, where->offset);
        as_.movImm(hi, 0);  // ARM32 addresses
      }
      storePair(insn.dst, lo, hi);
      return std::nullopt;
    }
    case bpf::LDX: return lowerLoad(ins);
    case bpf::ST: return lowerStore(ins);
    case bpf::STX:
      return bpf::memMode(insn.opcode) == bpf::ATOMIC ? lowerAtomic(ins) : lowerStore(ins);
    case bpf::JMP: case bpf::JMP32:
      if (insn.isExit()) {
        lowerExit();
        return std::nullopt;
      }
      if (insn.isCall()) return lowerCall(ins);
      lowerJump(ins, block);
      return std::nullopt;
  }
  return fail(ins, "unknown instruction class");
}

}  // namespace bpf2arm::arm
