// A generated test program and what running it means, shared by the generator, the
// interpreter (the oracle) and the writers of objects, harnesses and .data files.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "isa.h"

namespace difftest {

// Bytes of the buffer that R1 points to at entry (8-byte aligned on both sides).
constexpr unsigned kBufferSize = 128;
// The BPF stack of each frame (RFC 9669: R10 is the read-only frame pointer).
constexpr unsigned kStackSize = 512;

struct Program {
  Code code;                      // entry at slot 0; subprograms after it, reached only by local calls
  std::array<uint64_t, 4> args{};  // R2..R5 at entry (R1 is the buffer)
  std::array<uint8_t, kBufferSize> buffer{};  // the buffer's contents at entry
};

// The custom helpers (tests/difftest/helpers.inc), declared to bpf2arm with --helper.
struct HelperSpec {
  int id;
  const char *declaration;  // for `--helper ID=DECLARATION`
  unsigned params;          // how many of R1..R5 it reads
};
constexpr HelperSpec kHelpers[] = {
    {200, "__u64 dt_mix64(__u64 a, __u32 b, __u64 c, __s16 d, __u8 e)", 5},
    {201, "__s32 dt_mix32(__s8 a, __u16 b, __s32 c, __u32 d, __s64 e)", 5},
    {202, "__u8 dt_narrow(__u64 a, __s32 b)", 2},
    {203, "__s64 dt_signed(__s64 a, __u64 b)", 2},
    {204, "__s16 dt_s16(__u32 a, __u64 b, __u16 c)", 3},
    {205, "__u32 dt_u32(__u32 a, __u32 b, __u32 c, __u32 d)", 4},
};

}  // namespace difftest
