// Firmware side of percpu_sections.bpf.c (compiled with --cpus 4), through its header.
#include <stdio.h>

#include "percpu_sections.arm.h"

#include "check.h"

static uint32_t current_cpu;
uint32_t bpf2arm_platform_cpu_id(void) { return current_cpu; }

// The spin lock masks interrupts through these hooks; count that each lock is undone.
static int irq_depth, irq_saves;
uint32_t bpf2arm_platform_irq_save(void) { irq_saves++; return (uint32_t)irq_depth++; }
void bpf2arm_platform_irq_restore(uint32_t state) { irq_depth = (int)state; }

int main(void) {
  // Per-CPU: each CPU counts on its own copy.
  current_cpu = 0;
  CHECK(hit(1, 100) == 1);
  CHECK(hit(1, 101) == 2);
  current_cpu = 3;
  CHECK(hit(1, 300) == 1);
  current_cpu = 1;
  CHECK(hit(1, 200) == 1);
  CHECK(hit(2, 200) == 0xdead);  // out of range on every CPU
  uint32_t slot = 1;
  for (uint32_t cpu = 0; cpu < 4; cpu++) {
    current_cpu = cpu;
    uint64_t *count = hits__lookup(&slot);
    uint32_t *seen = last_seen__lookup(&slot);
    uint64_t want_count[4] = {2, 1, 0, 1};
    uint32_t want_seen[4] = {101, 200, 0, 300};
    CHECK(count && *count == want_count[cpu]);
    CHECK(seen && *seen == want_seen[cpu]);  // an update from BPF zeroes the other CPUs' copies
  }
  // Any CPU's copy, from whichever CPU the firmware runs on.
  current_cpu = 0;
  uint64_t *on3 = hits__lookup_cpu(&slot, 3);
  uint32_t *seen1 = last_seen__lookup_cpu(&slot, 1);
  CHECK(on3 && *on3 == 1);
  CHECK(seen1 && *seen1 == 200);
  CHECK(hits__lookup_cpu(&slot, 4) == NULL);  // no fifth CPU

  // Named sections keep their initial values; .data.* is writable, .rodata.* is not.
  CHECK(calibration[2] == 30 && weights[3] == 5 && scratch == 0);
  irq_saves = 0;
  CHECK(add_sample(2, 7) == (7 + 30) * 3);
  CHECK(add_sample(3, 1) == (7 + 30) * 3 + (1 + 40) * 5);
  CHECK(add_sample(2, 0) == (7 + 30) * 3 + (1 + 40) * 5 + 31 * 3);
  CHECK(add_sample(4, 0) == 0xdead);
  CHECK(calibration[2] == 32 && calibration[3] == 41);
  CHECK(scratch == 2 * sizeof(uint32_t));
  uint32_t zero = 0;
  struct locked_total *t = totals__lookup(&zero);
  CHECK(t && t->updates == 3 && t->total == (7 + 30) * 3 + (1 + 40) * 5 + 31 * 3);
  CHECK(irq_saves >= 3 && irq_depth == 0);  // each lock masked interrupts and undid it

  return CHECK_SUMMARY();
}
