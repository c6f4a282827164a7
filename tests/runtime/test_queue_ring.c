/* QUEUE, STACK and RINGBUF. */
#include <string.h>

#include "test.h"

static int64_t push(struct bpf2arm_map *m, uint32_t v, uint64_t flags) { return bpf_map_push_elem(m, &v, flags); }
static int64_t pop(struct bpf2arm_map *m, uint32_t *v) { return bpf_map_pop_elem(m, v); }
static int64_t peek(struct bpf2arm_map *m, uint32_t *v) { return bpf_map_peek_elem(m, v); }

static void queue_fifo(void) {
  struct bpf2arm_map *q = new_map(BPF2ARM_MAP_QUEUE, 0, 4, 3, 1);
  uint32_t v = 0;
  CHECK_EQ(pop(q, &v), -BPF2ARM_ENOENT);
  CHECK_EQ(peek(q, &v), -BPF2ARM_ENOENT);
  CHECK_EQ(push(q, 1, 0), 0);
  CHECK_EQ(push(q, 2, 0), 0);
  CHECK_EQ(push(q, 3, 0), 0);
  CHECK_EQ(push(q, 4, 0), -BPF2ARM_E2BIG);
  CHECK_EQ(push(q, 4, BPF2ARM_NOEXIST), -BPF2ARM_EINVAL);
  CHECK_EQ(push(q, 4, 3), -BPF2ARM_EINVAL);
  CHECK_EQ(peek(q, &v), 0);
  CHECK_EQ(v, 1);
  CHECK_EQ(pop(q, &v), 0);
  CHECK_EQ(v, 1);
  CHECK_EQ(pop(q, &v), 0);
  CHECK_EQ(v, 2);
  CHECK_EQ(push(q, 4, 0), 0);
  CHECK_EQ(push(q, 5, 0), 0);
  CHECK_EQ(push(q, 6, 0), -BPF2ARM_E2BIG);
  CHECK_EQ(push(q, 6, BPF2ARM_EXIST), 0); /* drops the oldest, 3 */
  for (uint32_t want = 4; want <= 6; want++) {
    CHECK_EQ(pop(q, &v), 0);
    CHECK_EQ(v, want);
  }
  CHECK_EQ(pop(q, &v), -BPF2ARM_ENOENT);
  /* many laps around the ring against a model */
  uint32_t next_in = 100, next_out = 100;
  for (int i = 0; i < 1000; i++) {
    int n = i % 4;
    for (int j = 0; j < n && next_in - next_out < 3; j++) CHECK_EQ(push(q, next_in++, 0), 0);
    if (next_in - next_out == 3) CHECK_EQ(push(q, 0, 0), -BPF2ARM_E2BIG);
    for (int j = 0; j < (i % 3) && next_out != next_in; j++) {
      CHECK_EQ(pop(q, &v), 0);
      CHECK_EQ(v, next_out++);
    }
  }
  struct bpf2arm_map *z = new_map(BPF2ARM_MAP_QUEUE, 0, 4, 0, 1);
  CHECK_EQ(push(z, 1, BPF2ARM_EXIST), -BPF2ARM_E2BIG);
  CHECK_EQ(pop(z, &v), -BPF2ARM_ENOENT);
}

static void stack_lifo(void) {
  struct bpf2arm_map *s = new_map(BPF2ARM_MAP_STACK, 0, 4, 3, 1);
  uint32_t v = 0;
  CHECK_EQ(pop(s, &v), -BPF2ARM_ENOENT);
  CHECK_EQ(push(s, 1, 0), 0);
  CHECK_EQ(push(s, 2, 0), 0);
  CHECK_EQ(push(s, 3, 0), 0);
  CHECK_EQ(push(s, 4, 0), -BPF2ARM_E2BIG);
  CHECK_EQ(peek(s, &v), 0);
  CHECK_EQ(v, 3);
  CHECK_EQ(pop(s, &v), 0);
  CHECK_EQ(v, 3);
  CHECK_EQ(push(s, 4, 0), 0);
  CHECK_EQ(push(s, 5, BPF2ARM_EXIST), 0); /* full [1 2 4]: drops the oldest, 1 */
  uint32_t want[] = {5, 4, 2};
  for (int i = 0; i < 3; i++) {
    CHECK_EQ(pop(s, &v), 0);
    CHECK_EQ(v, want[i]);
  }
  CHECK_EQ(peek(s, &v), -BPF2ARM_ENOENT);
  CHECK_EQ(pop(s, &v), -BPF2ARM_ENOENT);
  /* odd value size: values are packed value_size apart */
  struct bpf2arm_map *t = new_map(BPF2ARM_MAP_STACK, 0, 3, 2, 1);
  unsigned char a[3] = {1, 2, 3}, b[3] = {4, 5, 6}, c[3] = {0};
  CHECK_EQ(bpf_map_push_elem(t, a, 0), 0);
  CHECK_EQ(bpf_map_push_elem(t, b, 0), 0);
  CHECK_EQ(bpf_map_pop_elem(t, c), 0);
  CHECK(memcmp(c, b, 3) == 0);
  CHECK_EQ(bpf_map_pop_elem(t, c), 0);
  CHECK(memcmp(c, a, 3) == 0);
}

/* ---- ring buffer ---- */
struct seen {
  int n;
  uint32_t len[64];
  unsigned char first[64];
  int stop_after;
};

static int collect(void *ctx, const void *data, uint32_t len) {
  struct seen *s = ctx;
  if (s->n < 64) {
    s->len[s->n] = len;
    s->first[s->n] = len ? *(const unsigned char *)data : 0;
  }
  s->n++;
  return s->stop_after != 0 && s->n >= s->stop_after;
}

static struct bpf2arm_ringbuf_state *rb(struct bpf2arm_map *m) { return m->storage; }
static unsigned char *rb_data(struct bpf2arm_map *m) { return (unsigned char *)m->storage + 8; }

static void ringbuf_reserve_submit_discard(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 64, 1);
  struct seen s = {0};
  CHECK(bpf_ringbuf_reserve(m, 8, 1) == NULL);
  unsigned char *p = bpf_ringbuf_reserve(m, 10, 0);
  CHECK(p == rb_data(m) + 8);
  CHECK_EQ((uintptr_t)p % 8, 0);
  CHECK_EQ(((struct bpf2arm_ringbuf_record *)(void *)p - 1)->len, 10 | BPF2ARM_RINGBUF_BUSY);
  CHECK_EQ(rb(m)->producer_pos, 24);
  memset(p, 0xab, 10);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 0); /* busy: nothing yet */
  CHECK_EQ(rb(m)->consumer_pos, 0);
  bpf_ringbuf_submit(p, 0);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 1);
  CHECK_EQ(s.len[0], 10);
  CHECK_EQ(s.first[0], 0xab);
  CHECK_EQ(rb(m)->consumer_pos, 24);
  /* a discarded record is consumed silently */
  p = bpf_ringbuf_reserve(m, 3, 0);
  CHECK(p != NULL);
  bpf_ringbuf_discard(p, 0);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 0);
  CHECK_EQ(rb(m)->consumer_pos, 40);
  CHECK_EQ(s.n, 1);
  /* output copies; a busy record holds back the later, submitted ones */
  unsigned char *a = bpf_ringbuf_reserve(m, 1, 0);
  unsigned char msg[5] = {7, 7, 7, 7, 7};
  CHECK_EQ(bpf_ringbuf_output(m, msg, 5, 0), 0);
  msg[0] = 9;
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 0);
  *a = 0x11;
  bpf_ringbuf_submit(a, 2 /* BPF_RB_FORCE_WAKEUP: accepted, nothing to wake */);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 2);
  CHECK_EQ(s.n, 3);
  CHECK_EQ(s.len[1], 1);
  CHECK_EQ(s.first[1], 0x11);
  CHECK_EQ(s.len[2], 5);
  CHECK_EQ(s.first[2], 7);
  CHECK_EQ(bpf_ringbuf_output(m, msg, 5, 1), 0);
  CHECK_EQ(bpf_ringbuf_output(m, msg, 5, 4), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, NULL, NULL), 1); /* NULL fn drains */
  CHECK_EQ(rb(m)->consumer_pos, rb(m)->producer_pos);
}

static void ringbuf_space_and_wrap(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 64, 1);
  struct seen s = {0};
  unsigned char buf[64] = {0};
  CHECK(bpf_ringbuf_reserve(m, 57, 0) == NULL); /* 8 + 64 > 64 */
  CHECK(bpf_ringbuf_reserve(m, (uint64_t)1 << 40, 0) == NULL);
  void *x = bpf_ringbuf_reserve(m, 24, 0), *y = bpf_ringbuf_reserve(m, 16, 0);
  CHECK(x != NULL && y != NULL);               /* 32 + 24 bytes of 64 */
  CHECK(bpf_ringbuf_reserve(m, 0, 0) == NULL); /* 8 more: the kernel never fills a ring */
  CHECK_EQ(bpf_ringbuf_output(m, buf, 1, 0), -BPF2ARM_EAGAIN);
  bpf_ringbuf_submit(x, 0);
  bpf_ringbuf_submit(y, 0);
  CHECK_EQ(bpf2arm_ringbuf_consume(m, collect, &s), 2);
  CHECK(bpf_ringbuf_reserve(m, 56, 0) == NULL); /* never the whole ring, even empty */
  CHECK(bpf_ringbuf_reserve(m, 48, 0) == NULL); /* an 8-byte filler to the end, then 56 */
  CHECK_EQ(rb(m)->producer_pos, 56);

  /* wrap: at offset 48 a 24-byte record does not fit before the end, so a 16-byte
   * filler goes first and the record starts at offset 0 */
  struct bpf2arm_map *w = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 64, 1);
  memset(&s, 0, sizeof s);
  CHECK_EQ(bpf_ringbuf_output(w, buf, 16, 0), 0);
  CHECK_EQ(bpf_ringbuf_output(w, buf, 16, 0), 0);
  CHECK_EQ(bpf2arm_ringbuf_consume(w, collect, &s), 2);
  CHECK_EQ(rb(w)->consumer_pos, 48);
  unsigned char *p = bpf_ringbuf_reserve(w, 16, 0);
  CHECK(p == rb_data(w) + 8);
  CHECK_EQ(rb(w)->producer_pos, 88);
  CHECK_EQ(((struct bpf2arm_ringbuf_record *)(void *)(rb_data(w) + 48))->len, 8 | BPF2ARM_RINGBUF_DISCARD);
  p[0] = 0x42;
  bpf_ringbuf_submit(p, 0);
  CHECK_EQ(bpf2arm_ringbuf_consume(w, collect, &s), 1); /* the filler is not counted */
  CHECK_EQ(s.first[2], 0x42);
  CHECK_EQ(rb(w)->consumer_pos, 88);

  /* filler plus record must both fit: used 16 of 64 with the producer at offset 48 */
  struct bpf2arm_map *f = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 64, 1);
  memset(&s, 0, sizeof s);
  s.stop_after = 1;
  CHECK_EQ(bpf_ringbuf_output(f, buf, 24, 0), 0); /* [0, 32) */
  CHECK_EQ(bpf_ringbuf_output(f, buf, 8, 0), 0);  /* [32, 48) */
  CHECK_EQ(bpf2arm_ringbuf_consume(f, collect, &s), 1); /* fn stops after the first */
  CHECK_EQ(rb(f)->consumer_pos, 32);
  CHECK(bpf_ringbuf_reserve(f, 32, 0) == NULL); /* 40 would fit, 16 + 40 does not */
  CHECK_EQ(rb(f)->producer_pos, 48);            /* and nothing was written */
  p = bpf_ringbuf_reserve(f, 16, 0);            /* 16 + 24 of the 48 free */
  CHECK(p == rb_data(f) + 8);
  CHECK(bpf_ringbuf_reserve(f, 0, 0) == NULL);  /* 8 more would fill the ring */
  bpf_ringbuf_submit(p, 0);
  s.stop_after = 0;
  CHECK_EQ(bpf2arm_ringbuf_consume(f, collect, &s), 2);
  CHECK_EQ(rb(f)->consumer_pos, rb(f)->producer_pos);

  struct bpf2arm_map *bad = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 48, 1);
  CHECK(bpf_ringbuf_reserve(bad, 8, 0) == NULL); /* not a power of two */
  CHECK_EQ(bpf2arm_ringbuf_consume(bad, collect, &s), 0);
  struct bpf2arm_map *arr = new_map(BPF2ARM_MAP_ARRAY, 4, 8, 8, 1);
  CHECK(bpf_ringbuf_reserve(arr, 8, 0) == NULL);
  CHECK_EQ(bpf2arm_ringbuf_consume(arr, collect, &s), 0);
}

/* Random sizes, submits and discards, out-of-order commits, positions starting just
 * below 2^32 so they wrap; every payload carries its sequence number. */
struct checker {
  uint32_t next_seq;
  int bad;
};

static int check_seq(void *ctx, const void *data, uint32_t len) {
  struct checker *c = ctx;
  uint32_t seq;
  if (len < 4) {
    c->bad++;
    return 0;
  }
  memcpy(&seq, data, 4);
  if (seq < c->next_seq) c->bad++;
  for (uint32_t i = 4; i < len; i++)
    if (((const unsigned char *)data)[i] != (unsigned char)(seq + i)) c->bad++;
  c->next_seq = seq + 1;
  return 0;
}

static void ringbuf_random_run(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 256, 1);
  rb(m)->consumer_pos = rb(m)->producer_pos = 0xffffff00u;
  struct checker c = {0, 0};
  uint64_t rng = 12345;
  uint32_t seq = 0, submitted = 0, consumed = 0;
  unsigned char *pending[4];
  int n_pending = 0;
  for (int step = 0; step < 20000; step++) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t r = (uint32_t)(rng >> 33);
    if (r % 5 < 3 && n_pending < 4) {
      uint32_t size = 4 + (r >> 8) % 60;
      unsigned char *p = bpf_ringbuf_reserve(m, size, 0);
      if (p) {
        CHECK_EQ((uintptr_t)p % 8, 0);
        CHECK(p >= rb_data(m) + 8 && p + size <= rb_data(m) + 256);
        memcpy(p, &seq, 4);
        for (uint32_t i = 4; i < size; i++) p[i] = (unsigned char)(seq + i);
        seq++;
        pending[n_pending++] = p;
      }
    } else if (r % 5 == 3 && n_pending > 0) {
      int i = (int)((r >> 8) % (uint32_t)n_pending); /* commit in any order */
      if ((r >> 16) % 4 == 0) {
        bpf_ringbuf_discard(pending[i], 0);
      } else {
        bpf_ringbuf_submit(pending[i], 0);
        submitted++;
      }
      pending[i] = pending[--n_pending];
    } else {
      consumed += (uint32_t)bpf2arm_ringbuf_consume(m, check_seq, &c);
      CHECK(rb(m)->producer_pos - rb(m)->consumer_pos <= 256);
    }
  }
  while (n_pending > 0) {
    bpf_ringbuf_submit(pending[--n_pending], 0);
    submitted++;
  }
  consumed += (uint32_t)bpf2arm_ringbuf_consume(m, check_seq, &c);
  CHECK_EQ(consumed, submitted);
  CHECK_EQ(c.bad, 0);
  CHECK(rb(m)->producer_pos < 0x80000000u); /* positions did wrap */
  CHECK_EQ(rb(m)->consumer_pos, rb(m)->producer_pos);
}

void cases_queue_ring(void) {
  CASE(queue_fifo);
  CASE(stack_lifo);
  CASE(ringbuf_reserve_submit_discard);
  CASE(ringbuf_space_and_wrap);
  CASE(ringbuf_random_run);
}
