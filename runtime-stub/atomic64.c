/* 64-bit atomics for CPUs without LDREXD/STREXD (ARMv7-M, ARMv8-M mainline: Cortex-M3,
 * M4, M7, M33). bpf2arm compiles a BPF 64-bit atomic (lock *(u64 *)(r + off) += r,
 * atomic_fetch_or/and/xor, xchg, cmpxchg) for those CPUs into a call of one of these;
 * 32-bit atomics stay LDREX/STREX loops in the compiled code. Each function does its
 * read-modify-write inside the critical section of bpf2arm_platform_irq_save()/
 * bpf2arm_platform_irq_restore() (platform.c), which by default masks interrupts with
 * PRIMASK on M profile.
 *
 * Why that is atomic: on a single core, the only code that can run between the load and
 * the store is an exception handler, and with PRIMASK set no configurable-priority
 * exception is taken (only NMI and HardFault, which must not touch BPF data). Another
 * bus master (DMA) does not take part in BPF atomics. A firmware with several cores that
 * share BPF data must override the two hooks to also take a lock that all cores share
 * (a spin lock with LDREX/STREX on a 32-bit word); every 64-bit atomic and every map
 * operation then serialises through it. Plain 64-bit loads and stores of the same
 * variable are two 32-bit accesses, as they are in BPF on any 32-bit ARM.
 *
 * The functions are compiled everywhere (they are plain C), so the same source list
 * builds for any target; bpf2arm calls them only on CPUs without LDREXD.
 *
 * Prototypes are fixed by the compiler (backend-arm32/select_atomic.cpp): the address
 * in r0 and the operand in r2:r3; cmpxchg takes the expected value in r0:r1, the new one
 * in r2:r3 and the address on the stack. Each returns the value the memory held before. */
#include "rt_internal.h"

/* One read-modify-write: the new value is `next`, an expression of `old` and `v`. */
#define BPF2ARM_ATOMIC64(name, next)                                  \
  uint64_t bpf2arm_atomic64_##name(volatile uint64_t *p, uint64_t v) { \
    uint32_t saved = rt_enter();                                      \
    uint64_t old = *p;                                                \
    *p = (next);                                                      \
    rt_leave(saved);                                                  \
    return old;                                                       \
  }

BPF2ARM_ATOMIC64(fetch_add, old + v)
BPF2ARM_ATOMIC64(fetch_or, old | v)
BPF2ARM_ATOMIC64(fetch_and, old & v)
BPF2ARM_ATOMIC64(fetch_xor, old ^ v)
BPF2ARM_ATOMIC64(xchg, v)

uint64_t bpf2arm_atomic64_cmpxchg(uint64_t expected, uint64_t desired, volatile uint64_t *p) {
  uint32_t saved = rt_enter();
  uint64_t old = *p;
  if (old == expected) *p = desired;
  rt_leave(saved);
  return old;
}
