// Calls: bpf-to-bpf calls by the callee's body convention (body_convention.h), helper
// and extern calls by AAPCS from the callee's prototype (abi/aapcs.h), tail calls
// through the runtime, and the AAPCS entries that C code calls.
//
// Every call is: the stack words stored into the outgoing area, the register words
// moved into r0-r3, the Call (which clobbers r0-r3, r12 and lr), the result taken from
// r0:r1. R1-R5 are dead after a call by BPF's rules: their virtual registers are simply
// not read again.
#include <llvm/MC/MCSymbol.h>

#include "abi/aapcs.h"
#include "regalloc.h"
#include "select.h"

namespace bpf2arm::arm {

using mir::Inst;
using mir::kNoReg;
using mir::Opcode;
using mir::phys;

namespace {

constexpr uint16_t kResultPair = (1u << R0) | (1u << R1);

Opcode widenOpcode(abi::Widen how) {
  switch (how) {
    case abi::Widen::Sign8: return Opcode::Sxtb;
    case abi::Widen::Zero8: return Opcode::Uxtb;
    case abi::Widen::Sign16: return Opcode::Sxth;
    case abi::Widen::Zero16: return Opcode::Uxth;
    case abi::Widen::None: break;
  }
  return Opcode::Mov;
}

bool isSignedInteger(const abi::CType &type) { return type.kind == abi::TypeKind::Integer && type.isSigned; }

}  // namespace

Selector::ArgumentWord Selector::wordAt(const abi::ArgLocation &loc, VReg value, unsigned offset) {
  if (loc.kind == abi::ArgLocation::Stack) return {value, false, 0, loc.stackOffset + offset};
  return {value, true, loc.reg + offset / 4, 0};
}

// Whether C's arguments already sit where the body convention wants them: every half the
// body reads is a word AAPCS passes, at the same place, needing no widening; and the
// result needs no narrowing (AAPCS: the callee extends a narrow result).
bool Selector::bodyServesAsCEntry(const abi::Prototype &proto, const abi::CallLayout &layout,
                                  const BodyConvention &body) {
  if (abi::widenFor(proto.result) != abi::Widen::None) return false;
  for (const ArgumentHalf &half : body.halves) {
    size_t param = half.bpfReg - 1u;
    if (param >= proto.params.size()) return false;  // C passes nothing there
    const abi::ArgLocation &loc = layout.args[param];
    if (half.hi && loc.armSize != 8) return false;  // the hi word of a 4-byte argument is made up
    if (!half.hi && abi::widenFor(proto.params[param]) != abi::Widen::None) return false;
    ArgumentWord word = wordAt(loc, kNoReg, half.hi ? 4 : 0);
    bool samePlace = word.inRegister ? half.inRegister && half.reg == word.reg
                                     : !half.inRegister && half.stackOffset == word.stackOffset;
    if (!samePlace) return false;
  }
  return true;
}

// ---- builders ---------------------------------------------------------------------------

uint16_t Selector::passArguments(const std::vector<ArgumentWord> &words) {
  for (const ArgumentWord &word : words) {
    if (word.inRegister) continue;
    Inst store{Opcode::Store};
    store.c = word.value;
    store.bytes = 4;
    store.frame = mir::FrameObject::OutgoingArgs;
    store.imm = int32_t(word.stackOffset);
    emit(store);
  }
  uint16_t registers = 0;
  for (const ArgumentWord &word : words) {
    if (!word.inRegister) continue;
    move(phys(Reg(word.reg)), word.value);
    registers |= uint16_t(1u << word.reg);
  }
  return registers;
}

Inst &Selector::emitCall(llvm::MCSymbol *callee, VReg target, uint16_t argumentRegisters, Cond cond) {
  Inst call{Opcode::Call};
  if (callee) call.symbol = out_.symbolIndex(callee);
  else call.a = target;
  call.cond = cond;
  call.implicitUses = argumentRegisters;
  call.implicitDefs = aapcsRegisters().callClobbered;
  out_.makesCalls = true;
  return emit(call);
}

// Whether `inst`, as the last write of its dst, leaves it extended as `how` wants.
static bool extendsAs(const Inst &inst, abi::Widen how) {
  if (inst.cond != Cond::AL) return false;
  bool isSign = how == abi::Widen::Sign8 || how == abi::Widen::Sign16;
  unsigned bits = how == abi::Widen::Sign8 || how == abi::Widen::Zero8 ? 8 : 16;
  switch (inst.op) {
    case Opcode::Sxtb: return isSign;
    case Opcode::Sxth: return isSign && bits == 16;
    case Opcode::Uxtb: return !isSign || bits == 16;  // 0-255 is no s8 but an s16
    case Opcode::Uxth: return bits == 16 && !isSign;
    case Opcode::And: return inst.b == kNoReg && uint32_t(inst.imm) < (1u << (isSign ? bits - 1 : bits));
    default: return false;
  }
}

mir::VReg Selector::widened(VReg value, abi::Widen how) {
  if (how == abi::Widen::None) return value;
  // BPF code often extends the argument itself (movsx, an and): not twice. The last
  // write of value in this block decides; an earlier block's is not looked for.
  const std::vector<Inst> &insts = out_.blocks[block_].insts;
  for (auto it = insts.rbegin(); it != insts.rend(); ++it) {
    if (it->dst != value && it->dst2 != value) continue;
    if (it->dst == value && extendsAs(*it, how)) return value;
    break;
  }
  VReg result = temp();
  emit(widenOpcode(how), result, kNoReg, value);
  return result;
}

// ---- calls ------------------------------------------------------------------------------

Status Selector::selectCall(const Instruction &ins) {
  const CallTarget &call = fn_.callOf(ins);
  switch (call.kind) {
    case CallTarget::Local: selectLocalCall(call); return std::nullopt;
    case CallTarget::Helper:
      if (isTailCall(fn_, ins)) {
        selectTailCall();
        return std::nullopt;
      }
      return selectExternCall(ins, call);
    case CallTarget::Extern: return selectExternCall(ins, call);
    case CallTarget::None: break;
  }
  return fail(ins, "call without a resolved target");
}

// The callee's body takes the halves its convention lists; R0 comes back in r0:r1.
void Selector::selectLocalCall(const CallTarget &call) {
  std::vector<ArgumentWord> words;
  for (const ArgumentHalf &half : bodyConvention(program_.functions[call.function]).halves)
    words.push_back({half.hi ? readHi(half.bpfReg) : readLo(half.bpfReg), half.inRegister, half.reg, half.stackOffset});
  emitCall(symbols_.bodies[call.function], kNoReg, passArguments(words));
  move(lo(0), phys(R0));
  if (!hiDeadAfter(0)) move(hi(0), phys(R1));
}

// Arguments R1..Rn by AAPCS from the prototype (a narrow or pointer argument passes its
// lo half only, narrow ones extended to 32 bits); the result becomes the 64-bit R0 by C
// conversion rules.
Status Selector::selectExternCall(const Instruction &ins, const CallTarget &call) {
  auto layout = abi::placeArguments(call.prototype);
  if (!layout) return fail(ins, "call to '" + call.symbol + "': " + layout.diag().message);
  std::vector<ArgumentWord> words;
  for (size_t i = 0; i < layout->args.size(); ++i) {
    const abi::ArgLocation &loc = layout->args[i];
    unsigned bpfReg = unsigned(i + 1);
    if (loc.armSize == 8) {
      words.push_back(wordAt(loc, readLo(bpfReg), 0));
      words.push_back(wordAt(loc, readHi(bpfReg), 4));
    } else {
      words.push_back(wordAt(loc, widened(readLo(bpfReg), abi::widenFor(call.prototype.params[i])), 0));
    }
  }
  emitCall(symbols_.callee(call.symbol), kNoReg, passArguments(words));

  const abi::ResultConversion &conversion = layout->resultConversion;
  move(lo(0), phys(R0));
  if (conversion.widen != abi::Widen::None) emit(widenOpcode(conversion.widen), lo(0), kNoReg, lo(0));
  switch (conversion.high) {
    case abi::HighWord::SignOfLow: writeHiSign(0, lo(0)); break;
    // Not writeHiZero: whether R0's hi word was zero before the call says nothing about
    // after it, and track_upper_zero counts on this zero where R0's hi word is live.
    case abi::HighWord::Zero:
      if (!hiDeadAfter(0)) moveConstant(hi(0), 0);
      break;
    case abi::HighWord::FromPair: case abi::HighWord::Undefined:
      if (!hiDeadAfter(0)) move(hi(0), phys(R1));
      break;
  }
  return std::nullopt;
}

// bpf_tail_call(ctx, prog_array, index) does not return when it succeeds: the program in
// the slot runs with ctx and its result is ours. The runtime finds the slot (and keeps
// the nesting limit); when there is one we call it and return its result, else R0 =
// -ENOENT and the program goes on. Selection adds no blocks, so the success path is
// conditional: blx, the runtime's return hook and the Return itself on NE. Each call
// clobbers the flags, so the test of the target (kept in a register across the calls)
// is repeated before the next conditional step.
void Selector::selectTailCall() {
  VReg context = readLo(1);
  emitCall(symbols_.callee("bpf2arm_tail_call_target"), kNoReg,
           passArguments({{readLo(2), true, 0, 0}, {readLo(3), true, 1, 0}}));
  VReg target = temp();
  move(target, phys(R0));
  compareConstant(target, 0);
  move(phys(R0), context, Cond::NE);
  emitCall(nullptr, target, 1u << R0, Cond::NE);
  compareConstant(target, 0);
  emitCall(symbols_.callee("bpf2arm_tail_call_return"), kNoReg, kResultPair, Cond::NE);
  compareConstant(target, 0);
  Inst ret{Opcode::Return};
  ret.cond = Cond::NE;
  ret.implicitUses = kResultPair;
  emit(ret);
  moveConstant(lo(0), uint32_t(-2));  // -ENOENT
  if (!hiDeadAfter(0)) moveConstant(hi(0), ~0u);
}

// ---- the C entry ------------------------------------------------------------------------

// C's arguments, extended to 64 bits as C converts them (narrow ones re-extended: BPF
// code may rely on all 64 bits), go where the body convention wants them; the result
// is narrowed as AAPCS wants it (the callee extends). A global function of an object
// that makes tail calls first starts a run; a callback runs inside the run of the
// program that called bpf_loop and starts none.
Expected<std::optional<mir::Function>> Selector::selectCEntry() {
  auto layout = abi::placeArguments(fn_.prototype);
  if (!layout) {
    Diagnostic d = layout.diag();
    d.function = fn_.name;
    return d;
  }
  const BodyConvention body = bodyConvention(fn_);
  const bool startsRun = symbols_.makesTailCalls && fn_.isGlobal;
  if (!startsRun && bodyServesAsCEntry(fn_.prototype, *layout, body)) return std::optional<mir::Function>();

  out_ = mir::Function{};
  out_.name = fn_.name;
  out_.blocks.resize(1);
  out_.outgoingArgBytes = body.stackBytes;
  block_ = 0;
  current_ = kNoInsn;
  const std::vector<abi::CType> &params = fn_.prototype.params;

  // Take the words the body needs out of r0-r3 and the incoming stack first: starting a
  // run is a call.
  std::array<VReg, 5> argLo, argHi;
  argLo.fill(kNoReg);
  argHi.fill(kNoReg);
  auto take = [&](const abi::ArgLocation &loc, unsigned offset) {
    ArgumentWord from = wordAt(loc, kNoReg, offset);
    VReg word = temp();
    if (from.inRegister) {
      move(word, phys(Reg(from.reg)));
    } else {
      loadIncomingWord(word, from.stackOffset);
    }
    return word;
  };
  for (const ArgumentHalf &half : body.halves) {
    size_t param = half.bpfReg - 1u;
    if (param >= params.size()) continue;
    const abi::ArgLocation &loc = layout->args[param];
    bool wide = loc.armSize == 8;
    // The hi word of a narrow signed argument is its sign: that needs the lo word.
    if ((!half.hi || !wide) && argLo[param] == kNoReg) argLo[param] = widened(take(loc, 0), abi::widenFor(params[param]));
    if (half.hi && wide) argHi[param] = take(loc, 4);
  }
  if (startsRun) emitCall(symbols_.callee("bpf2arm_tail_call_run_begin"), kNoReg, 0);

  std::vector<ArgumentWord> words;
  for (const ArgumentHalf &half : body.halves) {
    size_t param = half.bpfReg - 1u;
    VReg value;
    if (param >= params.size()) {
      value = constant(0);  // an argument C does not pass: defined, at least
    } else if (!half.hi) {
      value = argLo[param];
    } else if (argHi[param] != kNoReg) {
      value = argHi[param];
    } else if (isSignedInteger(params[param])) {
      value = temp();
      Inst sign{Opcode::Mov};
      sign.dst = value;
      sign.b = argLo[param];
      sign.shift = Shift::ASR;
      sign.shiftAmount = 31;
      emit(sign);
    } else {
      value = constant(0);
    }
    words.push_back({value, half.inRegister, half.reg, half.stackOffset});
  }
  emitCall(symbols_.bodies[size_t(&fn_ - program_.functions.data())], kNoReg, passArguments(words));

  const abi::CType &result = fn_.prototype.result;
  if (abi::Widen how = abi::resultConversion(result).widen; how != abi::Widen::None) {
    VReg value = temp();
    move(value, phys(R0));
    move(phys(R0), widened(value, how));
  }
  Inst ret{Opcode::Return};
  ret.implicitUses = result.isVoid() ? 0 : result.armSize() == 8 ? kResultPair : uint16_t(1u << R0);
  emit(ret);
  out_.computeSuccessors();
  return std::optional<mir::Function>(std::move(out_));
}

}  // namespace bpf2arm::arm
