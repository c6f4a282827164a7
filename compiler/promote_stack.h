// Which BPF stack slots can live in registers instead of memory. BPF has ten registers,
// so clang spills to the stack where a native compiler would keep values in registers;
// a slot that is only ever accessed at one fixed offset from R10, with one size (4 or 8
// bytes), and that no pointer can reach, behaves like a register (what LLVM's SROA does
// to such allocas). The backend then turns its loads and stores into moves.
//
// Target independent: the answer is in BPF terms (offsets from R10 and sizes); a backend
// maps a slot onto as many of its registers as the size needs.
//
// Pointers into the stack: a forward dataflow follows every value derived from R10 (an
// offset range from R10) through copies, constant adds and across blocks. An access
// through such a pointer makes the bytes it may touch unpromotable. Where a pointer
// escapes (passed to a call, stored, returned) or has a variable index added, the bytes
// from its lowest possible address up to R10 are unpromotable: the rule assumes, as C
// does of a pointer to an object, that what is derived from it stays at or above it. A
// pointer whose lowest address is unknown (arithmetic other than adding, a loop walking
// it downwards) makes no slot promotable.
#pragma once

#include <cstdint>
#include <vector>

#include "program.h"

namespace bpf2arm {

struct StackPromotion {
  struct Slot {
    int16_t offset;  // from R10
    uint8_t bytes;   // 4 or 8
  };
  std::vector<Slot> slots;  // sorted by offset, disjoint
  // BPF stack bytes that stay in memory (a multiple of 8, at most Function::stackSize):
  // less than the function's stack when the deepest slots are all promoted and no
  // pointer into the stack rests on the rule's assumption.
  unsigned bytesInMemory = 0;

  // The index of the slot accessed at [R10 + offset] with `bytes`, or -1.
  int find(int offset, unsigned bytes) const;
};

StackPromotion promoteStackSlots(const Function &fn);

}  // namespace bpf2arm
