#include "aapcs.h"

namespace bpf2arm::abi {

Prototype fiveU64Prototype() { return Prototype{CType::u64(), std::vector<CType>(5, CType::u64()), {}}; }

Widen widenFor(const CType &type) {
  if (type.kind != TypeKind::Integer) return Widen::None;
  if (type.size == 1) return type.isSigned ? Widen::Sign8 : Widen::Zero8;
  if (type.size == 2) return type.isSigned ? Widen::Sign16 : Widen::Zero16;
  return Widen::None;
}

ResultConversion resultConversion(const CType &result) {
  if (result.isVoid()) return {Widen::None, HighWord::Undefined};
  if (result.armSize() == 8) return {Widen::None, HighWord::FromPair};
  bool isSigned = result.kind == TypeKind::Integer && result.isSigned;
  return {widenFor(result), isSigned ? HighWord::SignOfLow : HighWord::Zero};
}

Expected<CallLayout> placeArguments(const Prototype &proto) {
  if (proto.params.size() > 5)
    return error("a call passes at most 5 arguments (BPF R1-R5), this prototype has " +
                 std::to_string(proto.params.size()));
  CallLayout layout;
  unsigned nextReg = 0;    // AAPCS "NCRN"
  unsigned nextStack = 0;  // AAPCS "NSAA"
  for (const CType &param : proto.params) {
    ArgLocation loc{};
    if (param.armSize() == 8) {
      nextReg = (nextReg + 1) & ~1u;
      if (nextReg + 2 <= 4) {
        loc = {ArgLocation::RegisterPair, nextReg, 0, 8};
        nextReg += 2;
      } else {
        nextReg = 4;
        nextStack = (nextStack + 7) & ~7u;
        loc = {ArgLocation::Stack, 0, nextStack, 8};
        nextStack += 8;
      }
    } else if (nextReg < 4) {
      loc = {ArgLocation::Register, nextReg++, 0, 4};
    } else {
      loc = {ArgLocation::Stack, 0, nextStack, 4};
      nextStack += 4;
    }
    layout.args.push_back(loc);
  }
  layout.stackBytes = (nextStack + 7) & ~7u;
  if (!proto.result.isVoid()) {
    bool pair = proto.result.armSize() == 8;
    layout.result = ArgLocation{pair ? ArgLocation::RegisterPair : ArgLocation::Register, 0, 0, pair ? 8u : 4u};
  }
  layout.resultConversion = resultConversion(proto.result);
  return layout;
}

}  // namespace bpf2arm::abi
