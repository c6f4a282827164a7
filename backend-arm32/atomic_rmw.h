// The AtomicRmw pseudo-instruction (mir.h) in fixed registers: the selector
// (select_atomic.cpp) copies the operands into them and takes the results from them, the
// emitter (emit_atomic.cpp) expands the ldrex/strex retry loop over them. The registers are
// the call-clobbered ones where the loop fits in them; 64-bit loops need more and take an
// even/odd pair r4:r5 (ldrexd/strexd want even/odd pairs) and lr for the status.
#pragma once

#include <cstdint>

#include "assembler.h"

namespace bpf2arm::arm {

// For 8 bytes each value register names an even/odd pair: lo word in it, hi word in the next.
struct AtomicRmwRegisters {
  Reg address = R12;  // the exclusive instructions take no offset
  Reg value;          // the operand (BPF src): what xchg and cmpxchg store
  Reg comparand;      // cmpxchg: R0's value
  Reg old;            // the value loaded: the result of FETCH, xchg and cmpxchg
  Reg result;         // add/or/and/xor: the value stored (`old` itself when nothing fetches)
  Reg status;         // strex's status
  uint16_t uses = 0, defs = 0;  // masks for the pseudo's implicitUses/implicitDefs
};

// `op` is the BPF atomic operation (bpf::ATOMIC_* | FETCH, XCHG, CMPXCHG), `bytes` 4 or 8.
AtomicRmwRegisters atomicRmwRegisters(int32_t op, unsigned bytes);

// The data operation of add/or/and/xor (with or without FETCH).
DataOp atomicDataOp(int32_t op);

}  // namespace bpf2arm::arm
