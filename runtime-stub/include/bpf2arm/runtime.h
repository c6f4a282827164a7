/* bpf2arm runtime: the helpers and map operations that BPF programs compiled by
 * bpf2arm call, for firmware without a kernel. Freestanding C11, no heap: every map's
 * memory is allocated statically by bpf2arm in the program's object (map_layout.h).
 *
 * Build: compile every .c file of runtime-stub with the firmware's own compiler, e.g.
 *   cd runtime-stub && arm-none-eabi-gcc -ffreestanding -O2 -I include -c *.c
 *
 * Platform hooks are weak functions; define a function of the same name to override.
 */
#ifndef BPF2ARM_RUNTIME_H
#define BPF2ARM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "bpf2arm/map_layout.h"

/* Layout checks in headers that bpf2arm --header generates, in C and in C++; and the
 * names of BPF fields that are C++ keywords (`new` is `new_` in C++). */
#ifdef __cplusplus
#define BPF2ARM_LAYOUT_CHECK(cond, what) static_assert(cond, what)
#define BPF2ARM_ALIGNOF(type) alignof(type)
#define BPF2ARM_CXX_NAME(name) name##_
#else
#define BPF2ARM_LAYOUT_CHECK(cond, what) _Static_assert(cond, what)
#define BPF2ARM_ALIGNOF(type) _Alignof(type)
#define BPF2ARM_CXX_NAME(name) name
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A map as bpf2arm emits it: BPF code passes its address as the map argument. The
 * compiler fills every field; the runtime treats them as read-only. */
struct bpf2arm_map {
  uint32_t type;         /* BPF2ARM_MAP_* (the kernel's BPF_MAP_TYPE_* numbers) */
  uint32_t key_size;
  uint32_t value_size;
  uint32_t max_entries;
  uint32_t flags;        /* map_flags as declared */
  uint32_t n_cpus;       /* copies of each value in per-CPU maps, else 1 */
  void *storage;         /* bpf2arm_map_storage_size() zeroed bytes */
  const char *name;
};

/* The kernel's error numbers, returned negated like the kernel's helpers do. */
#define BPF2ARM_ENOENT 2
#define BPF2ARM_E2BIG 7
#define BPF2ARM_EEXIST 17
#define BPF2ARM_EINVAL 22
#define BPF2ARM_EBUSY 16
#define BPF2ARM_ENOSPC 28
#define BPF2ARM_EAGAIN 11
#define BPF2ARM_ENOMEM 12
#define BPF2ARM_EFAULT 14
#define BPF2ARM_EACCES 13
#define BPF2ARM_EPROTO 71
#define BPF2ARM_ENOTSUPP 524 /* the kernel's internal "not supported", which helpers return */

/* Update flags (BPF_ANY, BPF_NOEXIST, BPF_EXIST) and ring buffer flags. */
#define BPF2ARM_ANY 0u
#define BPF2ARM_NOEXIST 1u
#define BPF2ARM_EXIST 2u

/* ---- helpers called by BPF code (bpf_helper_defs.h prototypes, ARM32 types) ----
 * Each is the helper's own name, except the three whose names libbpf's user-space API
 * (bpf/bpf.h) also uses with other prototypes: bpf_map_lookup_elem, bpf_map_update_elem
 * and bpf_map_delete_elem are bpf2arm_map_lookup_elem, ... here (abi::helperSymbol). */
void *bpf2arm_map_lookup_elem(void *map, const void *key);
/* Helper 195: the copy of CPU `cpu` in a per-CPU map (NULL when cpu >= n_cpus); firmware
 * also uses it to read or write every CPU's copy. */
void *bpf_map_lookup_percpu_elem(void *map, const void *key, uint32_t cpu);
int64_t bpf2arm_map_update_elem(void *map, const void *key, const void *value, uint64_t flags);
int64_t bpf2arm_map_delete_elem(void *map, const void *key);
int64_t bpf_map_push_elem(void *map, const void *value, uint64_t flags);
int64_t bpf_map_pop_elem(void *map, void *value);
int64_t bpf_map_peek_elem(void *map, void *value);
uint64_t bpf_ktime_get_ns(void);
uint64_t bpf_ktime_get_boot_ns(void);
uint32_t bpf_get_prandom_u32(void);
uint32_t bpf_get_smp_processor_id(void);
int64_t bpf_probe_read_kernel(void *dst, uint32_t size, const void *unsafe_ptr);
int64_t bpf_probe_read_kernel_str(void *dst, uint32_t size, const void *unsafe_ptr);
/* Same as the _kernel forms: firmware has one address space. */
int64_t bpf_probe_read_user(void *dst, uint32_t size, const void *unsafe_ptr);
int64_t bpf_probe_read_user_str(void *dst, uint32_t size, const void *unsafe_ptr);
int64_t bpf_probe_read(void *dst, uint32_t size, const void *unsafe_ptr);
int64_t bpf_probe_read_str(void *dst, uint32_t size, const void *unsafe_ptr);
void *bpf_ringbuf_reserve(void *ringbuf, uint64_t size, uint64_t flags);
void bpf_ringbuf_submit(void *data, uint64_t flags);
void bpf_ringbuf_discard(void *data, uint64_t flags);
int64_t bpf_ringbuf_output(void *ringbuf, void *data, uint64_t size, uint64_t flags);
/* bpf_trace_printk and bpf_printk: up to three 64-bit arguments, the kernel's formats:
 * flags 0 + - space and a width, then %d %i %u %x %X (low 32 bits), %ld %li %lu %lx %lX
 * and the ll forms (64 bits), %c, %s %pks %pus, %p %px %pK %ps %pS %pB (the address in
 * hex digits), %pI4 %pi4 %pI6 %pi6, %%. Returns the characters formatted (at most 1023
 * are printed), or -EINVAL (printing nothing) for another conversion, more than three
 * arguments, a character that is neither printable ASCII nor white space, or no NUL
 * within fmt_size. */
int64_t bpf_trace_printk(const char *fmt, uint32_t fmt_size, uint64_t a1, uint64_t a2, uint64_t a3);
/* bpf_printk with 4-12 arguments: `data` holds them as u64 values. */
int64_t bpf_trace_vprintk(const char *fmt, uint32_t fmt_size, const void *data, uint32_t data_len);
/* `lock` is a struct bpf_spin_lock { uint32_t val; } in a map value: 0 when free, else
 * BPF2ARM_SPIN_HELD | the IRQ state saved by bpf2arm_platform_irq_save(). A map update
 * copies the whole value, lock word included (the kernel skips it): do not update an
 * element whose lock is held. */
#define BPF2ARM_SPIN_HELD 0x80000000u
int64_t bpf_spin_lock(void *lock);
int64_t bpf_spin_unlock(void *lock);
/* Callbacks are the C entries bpf2arm gives BPF functions whose address is taken, called
 * with the kernel's prototypes: `long cb(__u32 index, void *ctx)` for bpf_loop (nr_loops
 * at most 1 << 23, else -E2BIG; flags 0, else -EINVAL; returns the iterations done, the
 * one whose callback returned 1 included), `long cb(struct bpf_map *map, const void *key,
 * void *value, void *ctx)` for bpf_for_each_map_elem (ARRAY, PERCPU_ARRAY, HASH,
 * LRU_HASH, PERCPU_HASH, per-CPU ones showing this CPU's copy; -EINVAL for other types or
 * flags; returns the elements visited, the one whose callback returned 1 included). */
int64_t bpf_loop(uint32_t nr_loops, void *callback_fn, void *callback_ctx, uint64_t flags);
int64_t bpf_for_each_map_elem(void *map, void *callback_fn, void *callback_ctx, uint64_t flags);

/* ---- tail calls: bpf2arm lowers a call of bpf_tail_call (helper 12) to these ---- */
/* The C entry of the program in slot `index`, or NULL when the slot is empty, the index
 * is out of range, or this run already made 33 tail calls (the kernel's limit). On
 * success the caller calls the entry and then bpf2arm_tail_call_return(). */
void *bpf2arm_tail_call_target(struct bpf2arm_map *prog_array, uint32_t index);
uint64_t bpf2arm_tail_call_return(uint64_t result);
/* Called by the C entry of each program of an object that makes tail calls: a new run,
 * with a new count, unless the entry is reached by a tail call. */
void bpf2arm_tail_call_run_begin(void);
#define BPF2ARM_MAX_TAIL_CALLS 33

/* ---- firmware side ---- */
/* Sets slot `index` of a PROG_ARRAY to a program's C entry (NULL empties it).
 * Returns 0, -BPF2ARM_E2BIG when the index is out of range, -BPF2ARM_EINVAL when the
 * map is not a PROG_ARRAY. */
int bpf2arm_prog_array_set(struct bpf2arm_map *prog_array, uint32_t index, void *program);

/* Consumes ring buffer records in order: calls `fn(ctx, data, len)` for each
 * submitted record (discarded ones are skipped), stops at a record still reserved, and
 * stops early when fn returns nonzero (that record counts as consumed). Returns the
 * number of records passed to fn. One consumer at a time. */
typedef int (*bpf2arm_ringbuf_fn)(void *ctx, const void *data, uint32_t len);
int bpf2arm_ringbuf_consume(struct bpf2arm_map *ringbuf, bpf2arm_ringbuf_fn fn, void *ctx);

/* ---- 64-bit atomics (atomic64.c) ----
 * What bpf2arm's code calls for a BPF 64-bit atomic on CPUs without LDREXD/STREXD
 * (Cortex-M: ARMv7-M, ARMv8-M): the read-modify-write inside the critical section of
 * bpf2arm_platform_irq_save()/restore() below. Each returns the previous value. */
uint64_t bpf2arm_atomic64_fetch_add(volatile uint64_t *p, uint64_t v);
uint64_t bpf2arm_atomic64_fetch_or(volatile uint64_t *p, uint64_t v);
uint64_t bpf2arm_atomic64_fetch_and(volatile uint64_t *p, uint64_t v);
uint64_t bpf2arm_atomic64_fetch_xor(volatile uint64_t *p, uint64_t v);
uint64_t bpf2arm_atomic64_xchg(volatile uint64_t *p, uint64_t v);
/* Stores desired if *p == expected. The address comes last: the compiler passes the two
 * values in r0-r3 and the address on the stack. */
uint64_t bpf2arm_atomic64_cmpxchg(uint64_t expected, uint64_t desired, volatile uint64_t *p);

/* ---- platform hooks (weak; override in firmware) ---- */
uint64_t bpf2arm_platform_time_ns(void);       /* default: a counter that grows by 1 per call */
uint32_t bpf2arm_platform_random_u32(void);    /* default: xorshift32 with a fixed seed */
uint32_t bpf2arm_platform_cpu_id(void);        /* default: 0 */
void bpf2arm_platform_putc(char c);            /* default: discards the character */
/* Masks interrupts and returns the previous state; restore puts it back. Map operations
 * and the 64-bit atomics above use the pair as their critical section, so SMP firmware
 * must override both to also take a global lock (nesting must work: restore of a state saved inside another section).
 * The state must leave bit 31 clear (bpf_spin_lock stores it next to its held bit).
 * Default: on ARM, 1 if IRQs were already masked else 0, masking with cpsid i (a NOP in
 * User mode, so safe under qemu-arm) or PRIMASK on M profile; elsewhere nothing. */
uint32_t bpf2arm_platform_irq_save(void);
void bpf2arm_platform_irq_restore(uint32_t state);
/* Sends a frame that a program redirected (an XDP_REDIRECT or TC_ACT_REDIRECT action of a
 * run through bpf2arm/packet.h): the frame is pkt->data .. pkt->data_end, the target
 * pkt->redirect_ifindex with pkt->redirect_flags (BPF2ARM_F_INGRESS: deliver to that
 * interface's receive path; BPF2ARM_F_BROADCAST: to every interface of the DEVMAP
 * pkt->redirect_map, without the ingress one if BPF2ARM_F_EXCLUDE_INGRESS). Called by
 * bpf2arm_xdp_end / bpf2arm_skb_end, before they return: the buffer stays the caller's,
 * so copy the frame or finish with it here. Returns 0 when the frame was taken, else a
 * negative error (the caller then drops the frame, as the kernel does).
 * Default: -BPF2ARM_EINVAL, the kernel's answer for an ifindex with no device. */
struct bpf2arm_packet;
int32_t bpf2arm_platform_redirect(struct bpf2arm_packet *pkt);

#ifdef __cplusplus
}
#endif

#endif
