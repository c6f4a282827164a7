/* Tail calls. bpf2arm lowers bpf_tail_call to: target = bpf2arm_tail_call_target();
 * if (target) return bpf2arm_tail_call_return(target(ctx)); so a chain of tail calls is
 * a nesting of C calls. As in the kernel, at most 33 tail calls happen in one run of a
 * program, however they are spread over its subprograms: the C entry of every program
 * of an object that makes tail calls calls bpf2arm_tail_call_run_begin(), which starts a
 * new count unless a tail call is in progress (then the entry is that tail call's target).
 *
 * The counters are one pair for the whole system. A program in an interrupt handler
 * that interrupts a tail call shares the count of the run it interrupted; one that
 * interrupts a run between two tail calls starts the count anew for both (the depth stays
 * right: every call is balanced before it returns). Firmware that runs programs from
 * interrupts or on several cores at once should treat the limit as approximate. */
#include "rt_internal.h"

/* Slots are `void *`: 4 bytes on ARM32 as map_layout.h sizes them; host tests give the
 * map a buffer of max_entries host pointers. */
#if defined(__arm__)
_Static_assert(sizeof(void *) == BPF2ARM_TARGET_POINTER_SIZE, "PROG_ARRAY slots are target pointers");
#endif

static uint32_t depth;  /* tail calls in progress */
static uint32_t count;  /* tail calls made in this run */

void bpf2arm_tail_call_run_begin(void) {
  if (depth == 0) count = 0;
}

void *bpf2arm_tail_call_target(struct bpf2arm_map *prog_array, uint32_t index) {
  if (prog_array->type != BPF2ARM_MAP_PROG_ARRAY || index >= prog_array->max_entries) return NULL;
  /* As in the kernel, an attempt on an empty slot counts too. */
  if (count >= BPF2ARM_MAX_TAIL_CALLS) return NULL;
  count++;
  void *entry = ((void *volatile *)prog_array->storage)[index];
  if (entry == NULL) return NULL;
  depth++;
  return entry;
}

uint64_t bpf2arm_tail_call_return(uint64_t result) {
  if (depth != 0) depth--;
  return result;
}

int bpf2arm_prog_array_set(struct bpf2arm_map *prog_array, uint32_t index, void *program) {
  if (prog_array->type != BPF2ARM_MAP_PROG_ARRAY) return -BPF2ARM_EINVAL;
  if (index >= prog_array->max_entries) return -BPF2ARM_E2BIG;
  ((void *volatile *)prog_array->storage)[index] = program;
  return 0;
}
