/* Host (and qemu-arm) test driver for the runtime stub: overrides the platform hooks it
 * needs to observe, runs every case and ends with "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_packet.h"

uint32_t test_cpu;
int irq_depth;
static int irq_max_depth;
char putc_buf[4096];
uint32_t putc_len;

/* Strong definitions replace the runtime's weak defaults. */
uint32_t bpf2arm_platform_cpu_id(void) { return test_cpu; }

void bpf2arm_platform_putc(char c) {
  if (putc_len < sizeof putc_buf - 1) putc_buf[putc_len++] = c;
  putc_buf[putc_len] = 0;
}

/* The saved state is the depth before masking, so restore can check it came back in
 * LIFO order with the value that save handed out. */
uint32_t bpf2arm_platform_irq_save(void) {
  if (++irq_depth > irq_max_depth) irq_max_depth = irq_depth;
  return (uint32_t)(irq_depth - 1);
}

void bpf2arm_platform_irq_restore(uint32_t state) {
  irq_depth--;
  CHECK_EQ(state, irq_depth);
}

static int case_failures, passed, failed;
static const char *case_name;

/* A broken case in a loop would flood the log: the first few failures say enough. */
#define SHOWN_FAILURES 8

void t_fail(const char *file, int line, const char *what) {
  if (++case_failures > SHOWN_FAILURES) return;
  printf("  %s:%d: %s: CHECK(%s) failed\n", file, line, case_name, what);
}

void t_fail_eq(const char *file, int line, const char *a, const char *b, long long va, long long vb) {
  if (++case_failures > SHOWN_FAILURES) return;
  printf("  %s:%d: %s: %s == %s failed: %lld (0x%llx) vs %lld (0x%llx)\n", file, line, case_name, a, b, va,
         (unsigned long long)va, vb, (unsigned long long)vb);
}

static void *allocations[256];
static int n_allocations;

struct bpf2arm_map *new_map(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                            uint32_t n_cpus) {
  uint32_t cpus = bpf2arm_map_is_percpu(type) ? n_cpus : 1;
  uint64_t bytes = type == BPF2ARM_MAP_PROG_ARRAY ? (uint64_t)max_entries * sizeof(void *)
                                                  : bpf2arm_map_storage_size(type, key_size, value_size, max_entries, cpus);
  struct bpf2arm_map *m = calloc(1, sizeof *m);
  /* Exactly the formula's size (malloc aligns to at least 8), so ASan sees any overrun. */
  void *storage = calloc(1, bytes ? bytes : 1);
  if (!m || !storage || n_allocations + 2 > 256) abort();
  allocations[n_allocations++] = m;
  allocations[n_allocations++] = storage;
  m->type = type;
  m->key_size = key_size;
  m->value_size = value_size;
  m->max_entries = max_entries;
  m->n_cpus = cpus;
  m->storage = storage;
  m->name = "test";
  return m;
}

int64_t upd(struct bpf2arm_map *m, uint32_t key, uint64_t value, uint64_t flags) {
  return bpf2arm_map_update_elem(m, &key, &value, flags);
}

int has(struct bpf2arm_map *m, uint32_t key, uint64_t *value) {
  uint64_t *v = bpf2arm_map_lookup_elem(m, &key);
  if (v && value) memcpy(value, v, sizeof *value);
  return v != NULL;
}

void run_case(const char *name, void (*fn)(void)) {
  case_name = name;
  case_failures = 0;
  test_cpu = 0;
  irq_depth = 0;
  irq_max_depth = 0;
  putc_len = 0;
  putc_buf[0] = 0;
  fn();
  CHECK_EQ(irq_depth, 0);
  CHECK(irq_max_depth <= 2); /* map operations never nest their critical sections */
  while (n_allocations > 0) free(allocations[--n_allocations]);
  if (case_failures == 0) {
    passed++;
    printf("ok   %s\n", name);
  } else {
    failed++;
    printf("FAIL %s\n", name);
  }
}

int main(void) {
  cases_maps();
  cases_hash();
  cases_queue_ring();
  cases_misc();
  cases_packet();
  cases_packet_skb();
  cases_checksum();
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
