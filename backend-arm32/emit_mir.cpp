// Emission of allocated MIR (not yet written).
#include "emit_mir.h"

#include <cassert>

namespace bpf2arm::arm {

void emitFunction(const mir::Function &, ArmAssembler &, llvm::MCContext &) { assert(false && "not written"); }

}  // namespace bpf2arm::arm
