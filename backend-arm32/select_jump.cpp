// Jumps (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Status Selector::selectJump(const Instruction &ins, const BasicBlock &) { return fail(ins, "internal error: jump selection is not written"); }

}  // namespace bpf2arm::arm
