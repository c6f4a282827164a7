/* Tail calls. bpf2arm lowers bpf_tail_call to: target = bpf2arm_tail_call_target();
 * if (target) return bpf2arm_tail_call_return(target(ctx)); so a chain of tail calls is
 * a nesting of C calls, and the kernel's limit of 33 becomes a limit on that depth.
 *
 * The depth is one counter for the whole system: a program in an interrupt handler
 * shares the budget with the program it interrupted (its own calls are balanced before
 * it returns, so the count stays right). SMP firmware running programs on several cores
 * at once should treat the limit as approximate. */
#include "rt_internal.h"

/* Slots are `void *`: 4 bytes on ARM32 as map_layout.h sizes them; host tests give the
 * map a buffer of max_entries host pointers. */
#if defined(__arm__)
_Static_assert(sizeof(void *) == BPF2ARM_TARGET_POINTER_SIZE, "PROG_ARRAY slots are target pointers");
#endif

static uint32_t depth;

void *bpf2arm_tail_call_target(struct bpf2arm_map *prog_array, uint32_t index) {
  if (prog_array->type != BPF2ARM_MAP_PROG_ARRAY || index >= prog_array->max_entries) return NULL;
  void *entry = ((void *volatile *)prog_array->storage)[index];
  if (entry == NULL || depth >= BPF2ARM_MAX_TAIL_CALLS) return NULL;
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
