// ALU, ALU64 and ld_imm64 (not yet written: Selector::supports refuses them).
#include "select.h"

namespace bpf2arm::arm {

Status Selector::selectAlu32(const Instruction &ins) { return fail(ins, "internal error: ALU selection is not written"); }
Status Selector::selectAlu64(const Instruction &ins) { return fail(ins, "internal error: ALU64 selection is not written"); }
Status Selector::selectLdImm64(const Instruction &ins) { return fail(ins, "internal error: ld_imm64 selection is not written"); }

}  // namespace bpf2arm::arm
