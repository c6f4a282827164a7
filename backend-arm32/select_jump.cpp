// Jumps (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Status Selector::selectJump(const Instruction &ins, const BasicBlock &) { return fail(ins, "internal error: jump selection is not written"); }

// While the new backend grows: which functions it selects completely.
bool Selector::supports(const Program &, const Function &, const ArmTarget &) { return false; }

}  // namespace bpf2arm::arm
