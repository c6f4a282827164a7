/* The checks of tests/cortexm's firmware: BPF code compiled by bpf2arm for Cortex-M
 * (tests/programs/atomics.c and arith64.c), called from C on the real M-profile CPU model
 * of an mps2 board, in privileged Thread mode. The expected values are worked out by hand.
 * The 64-bit atomics go through runtime-stub/atomic64.c and its default interrupt masking
 * with PRIMASK, which the checks also observe. */
#include <stdint.h>

#include "firmware.h"

typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;

/* tests/programs/atomics.c */
u64 fetch_ops64(u64 *word, u64 v, u32 which);
u32 fetch_ops32(u32 *word, u32 v, u32 which);
u64 cas_loop_max(u64 *word, u64 v);
u32 cas32(u32 *word, u32 expected, u32 desired);
u64 xchg_sum(u64 *words, u32 n, u64 v);
/* tests/programs/arith64.c */
u64 udiv64(u64 a, u64 b);
u64 umod64(u64 a, u64 b);
s64 sdiv64(s64 a, s64 b);

static int failures;

static void check(const char *what, u64 got, u64 want) {
  if (got == want) return;
  char text[] = "FAIL ................ got 0x0000000000000000\n";
  for (int i = 0; i < 16 && what[i]; ++i) text[5 + i] = what[i];
  for (int i = 0; i < 16; ++i) text[43 - i] = "0123456789abcdef"[(got >> (4 * i)) & 0xf];
  fw_write(text);
  failures++;
}

static u32 primask(void) {
  u32 value;
  __asm__ volatile("mrs %0, primask" : "=r"(value));
  return value & 1u;
}

int firmware_main(void) {
  u64 w = 0x00000001ffffffffull;
  check("fetch_add64", fetch_ops64(&w, 1, 0), 0x1ffffffffull);
  check("fetch_add64 mem", w, 0x200000000ull); /* the carry into the hi word */
  check("fetch_or64", fetch_ops64(&w, 0xf, 1), 0x200000000ull);
  check("fetch_and64", fetch_ops64(&w, 0xffffffff0000000cull, 2), 0x20000000full);
  check("fetch_xor64", fetch_ops64(&w, 0x300000000ull, 3), 0x20000000cull);
  check("xchg64", fetch_ops64(&w, 5, 4), 0x10000000cull);
  check("add64 (no fetch)", fetch_ops64(&w, 0xffffffffull, 5), 0x100000004ull);
  check("cmpxchg64 swaps", cas_loop_max(&w, 0x200000000ull), 0x100000004ull);
  check("cmpxchg64 mem", w, 0x200000000ull);
  check("cmpxchg64 keeps", cas_loop_max(&w, 1), 0x200000000ull);
  check("cmpxchg64 mem 2", w, 0x200000000ull);
  u64 words[3] = {10, 20, 30};
  check("xchg_sum", xchg_sum(words, 3, 100), 60);
  check("xchg_sum mem", words[2], 102);

  /* The runtime's critical section leaves PRIMASK as it found it: clear, and set. */
  check("primask clear", primask(), 0);
  __asm__ volatile("cpsid i" ::: "memory");
  check("fetch_add64 masked", fetch_ops64(&w, 1, 0), 0x200000000ull);
  check("primask kept set", primask(), 1);
  __asm__ volatile("cpsie i" ::: "memory");

  u32 w32 = 0xfffffffeu;
  check("fetch_add32", fetch_ops32(&w32, 3, 0), 0xfffffffeu);
  check("fetch_add32 mem", w32, 1);
  check("cas32 swaps", cas32(&w32, 1, 7), 1);
  check("cas32 keeps", cas32(&w32, 1, 9), 7);
  check("cas32 mem", w32, 7);

  /* 64-bit division: the Thumb-2 routines bpf2arm puts into the object. */
  check("udiv64", udiv64(1000000000000ull, 7), 142857142857ull);
  check("umod64", umod64(1000000000000ull, 7), 1);
  check("sdiv64", (u64)sdiv64(-1000000000000ll, 7), (u64)-142857142857ll);
  check("udiv64 by 0", udiv64(5, 0), 0);

  fw_write(failures ? "cortexm firmware: FAILED\n" : "cortexm firmware: all checks passed\n");
  return failures;
}
