/* RINGBUF: producers (BPF code, possibly in interrupt handlers) reserve records in
 * order under the critical section; one consumer (firmware) reads them in the same order.
 *
 * Positions grow as uint32_t and wrap modulo 2^32; the data offset is pos & (size - 1),
 * so the ring size must be a power of two (at least 16 bytes, at most 1 GiB), otherwise
 * reserve fails. A record never straddles the end of the data area (the kernel maps it
 * twice; we cannot): when it would, the producer first fills the rest of the area with a
 * discarded record, which the consumer skips, and the new record starts at offset 0.
 * Both need to fit in the free space, or the reserve fails with nothing written.
 *
 * Ordering: a header is written before producer_pos is published (release), submit and
 * discard publish the header (release), and the consumer publishes consumer_pos only
 * after its callback returned, so producers never overwrite data still being read. */
#include "rt_internal.h"

#define HDR ((uint32_t)sizeof(struct bpf2arm_ringbuf_record))
#define FLAG_BITS (BPF2ARM_RINGBUF_BUSY | BPF2ARM_RINGBUF_DISCARD)
#define WAKEUP_FLAGS 3u /* BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP: nothing to wake here */

static int ring_usable(const struct bpf2arm_map *m) {
  uint32_t n = m->max_entries;
  return n >= 16 && n <= (1u << 30) && (n & (n - 1)) == 0;
}

static struct bpf2arm_ringbuf_record *record_at(struct bpf2arm_map *m, uint32_t pos) {
  unsigned char *data = (unsigned char *)m->storage + sizeof(struct bpf2arm_ringbuf_state);
  return (struct bpf2arm_ringbuf_record *)(void *)(data + (pos & (m->max_entries - 1)));
}

void *bpf_ringbuf_reserve(void *ringbuf, uint64_t size, uint64_t flags) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)ringbuf;
  if (m->type != BPF2ARM_MAP_RINGBUF || flags != 0 || !ring_usable(m)) return NULL;
  if (size > m->max_entries - HDR) return NULL;
  uint32_t total = HDR + bpf2arm_round8((uint32_t)size);
  if (total > m->max_entries) return NULL;
  struct bpf2arm_ringbuf_state *st = (struct bpf2arm_ringbuf_state *)m->storage;
  void *out = NULL;
  uint32_t saved = rt_enter();
  uint32_t prod = st->producer_pos;
  uint32_t used = prod - rt_load_acquire(&st->consumer_pos);
  uint32_t offset = prod & (m->max_entries - 1);
  uint32_t filler = offset + total > m->max_entries ? m->max_entries - offset : 0;
  /* Like the kernel, never fill the ring completely: full and empty must differ. */
  if (filler + total < m->max_entries - used) {
    if (filler != 0) {
      struct bpf2arm_ringbuf_record *f = record_at(m, prod);
      f->len = (filler - HDR) | BPF2ARM_RINGBUF_DISCARD;
      f->pad = 0;
    }
    struct bpf2arm_ringbuf_record *r = record_at(m, prod + filler);
    r->len = (uint32_t)size | BPF2ARM_RINGBUF_BUSY;
    r->pad = 0;
    rt_store_release(&st->producer_pos, prod + filler + total);
    out = r + 1;
  }
  rt_leave(saved);
  return out;
}

static void commit(void *data, uint32_t flag) {
  struct bpf2arm_ringbuf_record *r = (struct bpf2arm_ringbuf_record *)data - 1;
  rt_store_release(&r->len, (r->len & ~FLAG_BITS) | flag);
}

void bpf_ringbuf_submit(void *data, uint64_t flags) {
  (void)flags;
  commit(data, 0);
}

void bpf_ringbuf_discard(void *data, uint64_t flags) {
  (void)flags;
  commit(data, BPF2ARM_RINGBUF_DISCARD);
}

int64_t bpf_ringbuf_output(void *ringbuf, void *data, uint64_t size, uint64_t flags) {
  if ((flags & ~(uint64_t)WAKEUP_FLAGS) != 0) return -BPF2ARM_EINVAL;
  void *rec = bpf_ringbuf_reserve(ringbuf, size, 0);
  if (rec == NULL) return -BPF2ARM_EAGAIN; /* the kernel's answer when there is no room */
  rt_copy(rec, data, (uint32_t)size);
  commit(rec, 0);
  return 0;
}

/* Single consumer. The record for which fn returns nonzero is consumed and counted.
 * Discarded records (and fillers) are consumed but not counted. A NULL fn drains. */
int bpf2arm_ringbuf_consume(struct bpf2arm_map *ringbuf, bpf2arm_ringbuf_fn fn, void *ctx) {
  struct bpf2arm_map *m = ringbuf;
  if (m->type != BPF2ARM_MAP_RINGBUF || !ring_usable(m)) return 0;
  struct bpf2arm_ringbuf_state *st = (struct bpf2arm_ringbuf_state *)m->storage;
  uint32_t cons = st->consumer_pos;
  int count = 0;
  while (cons != rt_load_acquire(&st->producer_pos)) {
    struct bpf2arm_ringbuf_record *r = record_at(m, cons);
    uint32_t len = rt_load_acquire(&r->len);
    if (len & BPF2ARM_RINGBUF_BUSY) break;
    uint32_t payload = len & ~FLAG_BITS;
    int stop = 0;
    if (!(len & BPF2ARM_RINGBUF_DISCARD)) {
      count++;
      if (fn != NULL) stop = fn(ctx, r + 1, payload) != 0;
    }
    cons += HDR + bpf2arm_round8(payload);
    rt_store_release(&st->consumer_pos, cons);
    if (stop) break;
  }
  return count;
}
