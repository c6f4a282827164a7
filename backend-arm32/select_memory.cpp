// Loads and stores (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Status Selector::selectLoad(const Instruction &ins) { return fail(ins, "internal error: load selection is not written"); }
Status Selector::selectStore(const Instruction &ins) { return fail(ins, "internal error: store selection is not written"); }

}  // namespace bpf2arm::arm
