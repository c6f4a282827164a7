/* QUEUE and STACK share one ring of max_entries + 1 slots: `head` is the oldest element,
 * `tail` the slot the next push writes; head == tail means empty. A queue takes from
 * head (FIFO), a stack from the slot before tail (LIFO). Both drop the oldest element
 * when pushing with BPF_EXIST into a full map, as the kernel documents. */
#include "rt_internal.h"

/* Index arithmetic by comparison: a `%` would pull in a libgcc division routine. */
static uint32_t next_slot(uint32_t i, uint32_t n_slots) { return i + 1 == n_slots ? 0 : i + 1; }
static uint32_t prev_slot(uint32_t i, uint32_t n_slots) { return i == 0 ? n_slots - 1 : i - 1; }

static unsigned char *slot_at(struct bpf2arm_map *m, uint32_t i) {
  return (unsigned char *)m->storage + sizeof(struct bpf2arm_queue_state) + i * m->value_size;
}

int64_t rt_queue_push(struct bpf2arm_map *m, const void *value, uint64_t flags) {
  if (flags != BPF2ARM_ANY && flags != BPF2ARM_EXIST) return -BPF2ARM_EINVAL;
  if (m->max_entries == 0) return -BPF2ARM_E2BIG;
  struct bpf2arm_queue_state *q = (struct bpf2arm_queue_state *)m->storage;
  uint32_t n_slots = m->max_entries + 1;
  int64_t rc = 0;
  uint32_t saved = rt_enter();
  if (next_slot(q->tail, n_slots) == q->head) {
    if (flags == BPF2ARM_EXIST) q->head = next_slot(q->head, n_slots);
    else rc = -BPF2ARM_E2BIG;
  }
  if (rc == 0) {
    rt_copy(slot_at(m, q->tail), value, m->value_size);
    q->tail = next_slot(q->tail, n_slots);
  }
  rt_leave(saved);
  return rc;
}

/* Pop (remove != 0) or peek. */
int64_t rt_queue_take(struct bpf2arm_map *m, void *value, int remove) {
  struct bpf2arm_queue_state *q = (struct bpf2arm_queue_state *)m->storage;
  uint32_t n_slots = m->max_entries + 1;
  int64_t rc = 0;
  uint32_t saved = rt_enter();
  if (q->head == q->tail) {
    rc = -BPF2ARM_ENOENT;
  } else if (m->type == BPF2ARM_MAP_QUEUE) {
    rt_copy(value, slot_at(m, q->head), m->value_size);
    if (remove) q->head = next_slot(q->head, n_slots);
  } else {
    uint32_t top = prev_slot(q->tail, n_slots);
    rt_copy(value, slot_at(m, top), m->value_size);
    if (remove) q->tail = top;
  }
  rt_leave(saved);
  return rc;
}
