// Calls (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Expected<std::optional<mir::Function>> Selector::selectCEntry() { return error("internal error: C entries are not written"); }

Status Selector::selectCall(const Instruction &ins) { return fail(ins, "internal error: call selection is not written"); }

}  // namespace bpf2arm::arm
