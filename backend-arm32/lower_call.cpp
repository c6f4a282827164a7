// CALL. Local (bpf-to-bpf) calls keep the BPF convention: the callee copies R1..R5 from
// our frame, returns R0 in r0:r1 and preserves R6-R9 (r4-r11). Helper and extern calls
// are `bl SYMBOL` with arguments placed by AAPCS from the callee's prototype (abi/aapcs.h).
#include "abi/aapcs.h"
#include "lowering.h"

namespace bpf2arm::arm {

bool isTailCall(const Function &fn, const Instruction &ins) {
  if (!ins.insn.isCall()) return false;
  const CallTarget &call = fn.callOf(ins);
  return call.kind == CallTarget::Helper && call.helperId == kTailCallHelper;
}

void widen(ArmAssembler &as, abi::Widen how, Reg d, Reg s) {
  switch (how) {
    case abi::Widen::Sign8: as.sxtb(d, s); break;
    case abi::Widen::Zero8: as.uxtb(d, s); break;
    case abi::Widen::Sign16: as.sxth(d, s); break;
    case abi::Widen::Zero16: as.uxth(d, s); break;
    case abi::Widen::None: if (d != s) as.mov(d, s); break;
  }
}

// bpf_tail_call(ctx, prog_array, index) does not return when it succeeds: the program
// in the slot runs with ctx and its result is ours. The runtime finds the slot (and
// enforces the nesting limit); we call it and leave through our own epilogue.
void FunctionLowering::lowerTailCall(const DefUse &call) {
  spillArguments(call);  // the prototype's ctx, prog_array, index
  llvm::MCSymbol *failed = as_.newLabel();
  as_.load(4, false, R0, SP, kArgHomesOffset + 8);       // R2: the PROG_ARRAY
  as_.load(4, false, R1, SP, kArgHomesOffset + 16);      // R3: the index
  as_.bl(ctx_.getOrCreateSymbol("bpf2arm_tail_call_target"));
  as_.cmpConstant(R0, 0, R12);
  as_.b(failed, Cond::EQ);
  as_.mov(R12, R0);
  as_.load(4, false, R0, SP, kArgHomesOffset);           // R1: ctx
  as_.blx(R12);
  as_.bl(ctx_.getOrCreateSymbol("bpf2arm_tail_call_return"));
  lowerExit();
  as_.bind(failed);
  as_.mvnImm(R0, 1);  // -ENOENT
  as_.mvnImm(R1, 0);
}

Status FunctionLowering::lowerCall(const Instruction &ins) {
  const CallTarget &call = fn_.callOf(ins);
  const DefUse reads = defUse(fn_, ins);
  switch (call.kind) {
    case CallTarget::Local:
      spillArguments(reads);  // R1-R5, whatever the prototype says
      as_.bl(symbols_.bodies[call.function]);
      return std::nullopt;
    case CallTarget::Helper:
      if (isTailCall(fn_, ins)) {
        lowerTailCall(reads);
        return std::nullopt;
      }
      break;
    case CallTarget::Extern: break;
    case CallTarget::None: return fail(ins, "call without a resolved target");
  }

  auto layout = abi::placeArguments(call.prototype);
  if (!layout) return fail(ins, "call to '" + call.symbol + "': " + layout.diag().message);
  spillArguments(reads);
  // Stack arguments first, through r12, so that r0-r3 can then be filled freely.
  for (size_t i = 0; i < layout->args.size(); ++i) {
    const abi::ArgLocation &loc = layout->args[i];
    int home = kArgHomesOffset + 8 * int(i);
    if (loc.kind != abi::ArgLocation::Stack) continue;
    as_.load(4, false, R12, SP, home);
    if (loc.armSize == 4) widen(as_, abi::widenFor(call.prototype.params[i]), R12, R12);
    as_.store(4, R12, SP, kOutgoingArgsOffset + int(loc.stackOffset));
    if (loc.armSize == 8) {
      as_.load(4, false, R12, SP, home + 4);
      as_.store(4, R12, SP, kOutgoingArgsOffset + int(loc.stackOffset) + 4);
    }
  }
  for (size_t i = 0; i < layout->args.size(); ++i) {
    const abi::ArgLocation &loc = layout->args[i];
    int home = kArgHomesOffset + 8 * int(i);
    if (loc.kind == abi::ArgLocation::Stack) continue;
    Reg r = static_cast<Reg>(loc.reg);
    as_.load(4, false, r, SP, home);
    if (loc.kind == abi::ArgLocation::RegisterPair) as_.load(4, false, static_cast<Reg>(loc.reg + 1), SP, home + 4);
    else widen(as_, abi::widenFor(call.prototype.params[i]), r, r);
  }
  auto [it, added] = symbols_.externs.emplace(call.symbol, nullptr);
  if (added) it->second = ctx_.getOrCreateSymbol(call.symbol);
  as_.bl(it->second);

  // The C result becomes the 64-bit R0 by C conversion rules.
  const abi::ResultConversion &conv = layout->resultConversion;
  widen(as_, conv.widen, R0, R0);
  if (conv.high == abi::HighWord::SignOfLow) as_.movShiftImm(R1, R0, Shift::ASR, 31);
  if (conv.high == abi::HighWord::Zero) as_.movImm(R1, 0);
  return std::nullopt;
}

}  // namespace bpf2arm::arm
