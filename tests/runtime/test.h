/* A small test harness for the runtime stub: cases are functions, CHECKs record
 * failures with their line, and every case also checks that interrupts were restored. */
#ifndef BPF2ARM_RUNTIME_TEST_H
#define BPF2ARM_RUNTIME_TEST_H

#include <stdint.h>

#include "bpf2arm/runtime.h"

void t_fail(const char *file, int line, const char *what);
void t_fail_eq(const char *file, int line, const char *a, const char *b, long long va, long long vb);

#define CHECK(c)                                   \
  do {                                             \
    if (!(c)) t_fail(__FILE__, __LINE__, #c);      \
  } while (0)
#define CHECK_EQ(a, b)                                                           \
  do {                                                                           \
    long long t_a_ = (long long)(a), t_b_ = (long long)(b);                      \
    if (t_a_ != t_b_) t_fail_eq(__FILE__, __LINE__, #a, #b, t_a_, t_b_);         \
  } while (0)

/* A descriptor with exactly bpf2arm_map_storage_size() zeroed bytes of storage (host
 * pointers for PROG_ARRAY), freed after the case. */
struct bpf2arm_map *new_map(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                            uint32_t n_cpus);

/* Test hooks (test_main.c overrides the weak platform functions). */
extern uint32_t test_cpu;
extern int irq_depth;
extern char putc_buf[4096];
extern uint32_t putc_len;

/* Shorthands for the usual u32 key / u64 value maps. */
int64_t upd(struct bpf2arm_map *m, uint32_t key, uint64_t value, uint64_t flags);
int has(struct bpf2arm_map *m, uint32_t key, uint64_t *value);

void cases_maps(void);
void cases_hash(void);
void cases_queue_ring(void);
void cases_misc(void);
void run_case(const char *name, void (*fn)(void));
#define CASE(fn) run_case(#fn, fn)

#endif
