// Atomics (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Status Selector::selectAtomic(const Instruction &ins) { return fail(ins, "internal error: atomic selection is not written"); }

}  // namespace bpf2arm::arm
