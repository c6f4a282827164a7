/* HASH and LRU_HASH: flags and error codes, filling to max_entries, free-list reuse,
 * exact LRU order, and a long random run against a reference model. */
#include <string.h>

#include "test.h"

static struct bpf2arm_hash_state *state(struct bpf2arm_map *m) { return m->storage; }

static void hash_flags_and_errors(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_HASH, 4, 8, 4, 1);
  uint64_t v;
  CHECK(!has(m, 1, NULL));
  CHECK_EQ(upd(m, 1, 100, BPF2ARM_NOEXIST), 0);
  CHECK_EQ(upd(m, 1, 101, BPF2ARM_NOEXIST), -BPF2ARM_EEXIST);
  CHECK(has(m, 1, &v));
  CHECK_EQ(v, 100);
  CHECK_EQ(upd(m, 2, 200, BPF2ARM_EXIST), -BPF2ARM_ENOENT);
  CHECK(!has(m, 2, NULL));
  CHECK_EQ(upd(m, 2, 200, BPF2ARM_ANY), 0);
  CHECK_EQ(upd(m, 1, 111, BPF2ARM_EXIST), 0);
  CHECK_EQ(upd(m, 2, 222, BPF2ARM_ANY), 0);
  CHECK(has(m, 1, &v));
  CHECK_EQ(v, 111);
  CHECK(has(m, 2, &v));
  CHECK_EQ(v, 222);
  CHECK_EQ(upd(m, 3, 1, 3), -BPF2ARM_EINVAL);
  CHECK_EQ(upd(m, 3, 1, 4), -BPF2ARM_EINVAL); /* BPF_F_LOCK: no lock offset known here */
  CHECK_EQ(state(m)->count, 2);
  uint32_t k = 1;
  CHECK_EQ(bpf2arm_map_delete_elem(m, &k), 0);
  CHECK_EQ(bpf2arm_map_delete_elem(m, &k), -BPF2ARM_ENOENT);
  CHECK(!has(m, 1, NULL));
  CHECK(has(m, 2, &v));
  CHECK_EQ(v, 222);
  CHECK_EQ(state(m)->count, 1);
  uint64_t *p = bpf2arm_map_lookup_elem(m, &(uint32_t){2});
  CHECK(p != NULL && (uintptr_t)p % 8 == 0);
  CHECK_EQ(bpf_map_push_elem(m, &v, 0), -BPF2ARM_EINVAL);
}

static void hash_full_then_reuse(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_HASH, 4, 8, 8, 1);
  for (uint32_t k = 0; k < 8; k++) CHECK_EQ(upd(m, k * 7919, k, BPF2ARM_NOEXIST), 0);
  CHECK_EQ(state(m)->count, 8);
  CHECK_EQ(upd(m, 12345, 1, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  CHECK_EQ(upd(m, 12345, 1, BPF2ARM_NOEXIST), -BPF2ARM_E2BIG);
  CHECK_EQ(upd(m, 12345, 1, BPF2ARM_EXIST), -BPF2ARM_ENOENT);
  CHECK_EQ(upd(m, 3 * 7919, 33, BPF2ARM_ANY), 0); /* updating in a full map is fine */
  CHECK_EQ(upd(m, 4 * 7919, 44, BPF2ARM_EXIST), 0);
  uint32_t k = 5 * 7919;
  void *freed = bpf2arm_map_lookup_elem(m, &k);
  CHECK_EQ(bpf2arm_map_delete_elem(m, &k), 0);
  CHECK_EQ(state(m)->count, 7);
  CHECK_EQ(upd(m, 12345, 9, BPF2ARM_NOEXIST), 0);
  CHECK(bpf2arm_map_lookup_elem(m, &(uint32_t){12345}) == freed); /* the free list first */
  CHECK_EQ(upd(m, 54321, 1, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  uint64_t v;
  for (uint32_t i = 0; i < 8; i++) {
    if (i == 5) continue;
    CHECK(has(m, i * 7919, &v));
    CHECK_EQ(v, i == 3 ? 33 : i == 4 ? 44 : i);
  }
  CHECK(!has(m, 5 * 7919, NULL));
  CHECK(has(m, 12345, &v));
  CHECK_EQ(v, 9);
  /* delete everything, then fill again: all entries come back from the free list */
  for (uint32_t i = 0; i < 8; i++) bpf2arm_map_delete_elem(m, &(uint32_t){i * 7919});
  CHECK_EQ(bpf2arm_map_delete_elem(m, &(uint32_t){12345}), 0);
  CHECK_EQ(state(m)->count, 0);
  for (uint32_t i = 0; i < 8; i++) CHECK_EQ(upd(m, 1000 + i, i, BPF2ARM_ANY), 0);
  CHECK_EQ(upd(m, 2000, 0, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  CHECK_EQ(state(m)->high_water, 8);
}

static void hash_tiny(void) {
  struct bpf2arm_map *m0 = new_map(BPF2ARM_MAP_HASH, 4, 8, 0, 1);
  CHECK_EQ(upd(m0, 1, 1, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  CHECK(!has(m0, 1, NULL));
  struct bpf2arm_map *l0 = new_map(BPF2ARM_MAP_LRU_HASH, 4, 8, 0, 1);
  CHECK_EQ(upd(l0, 1, 1, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  struct bpf2arm_map *l1 = new_map(BPF2ARM_MAP_LRU_HASH, 4, 4, 1, 1);
  uint32_t k = 1, v = 10;
  CHECK_EQ(bpf2arm_map_update_elem(l1, &k, &v, 0), 0);
  k = 2, v = 20;
  CHECK_EQ(bpf2arm_map_update_elem(l1, &k, &v, 0), 0);
  CHECK(bpf2arm_map_lookup_elem(l1, &(uint32_t){1}) == NULL);
  uint32_t *p = bpf2arm_map_lookup_elem(l1, &k);
  CHECK(p != NULL && *p == 20);
}

static void lru_eviction_order(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_LRU_HASH, 4, 8, 3, 1);
  enum { A = 10, B = 11, C = 12, D = 13, E = 14, F = 15 };
  CHECK_EQ(upd(m, A, A, 0), 0);
  CHECK_EQ(upd(m, B, B, 0), 0);
  CHECK_EQ(upd(m, C, C, 0), 0);
  CHECK(has(m, A, NULL));           /* A is now more recent than B and C */
  CHECK_EQ(upd(m, D, D, 0), 0);     /* evicts B */
  CHECK(!has(m, B, NULL));
  CHECK_EQ(upd(m, C, 120, 0), 0);   /* an update refreshes C */
  CHECK_EQ(upd(m, E, E, BPF2ARM_NOEXIST), 0); /* evicts A (D is newer than A) */
  CHECK(!has(m, A, NULL));
  CHECK(has(m, C, NULL));           /* order now D < E < C */
  CHECK_EQ(upd(m, F, F, BPF2ARM_EXIST), -BPF2ARM_ENOENT); /* no eviction for EXIST */
  CHECK_EQ(state(m)->count, 3);
  CHECK_EQ(upd(m, F, F, 0), 0);     /* evicts D */
  uint64_t v;
  CHECK(!has(m, D, NULL));
  CHECK(has(m, C, &v) && v == 120);
  CHECK(has(m, E, &v) && v == E);
  CHECK(has(m, F, &v) && v == F);
  CHECK_EQ(state(m)->count, 3);
  /* the clock wrapping must not change the order: ages are differences */
  state(m)->clock = 0xfffffff0u;
  CHECK(has(m, C, NULL));
  CHECK(has(m, E, NULL));
  CHECK(has(m, F, NULL)); /* stamps 0xfffffff1..3: after the old ones, so they are newest */
  for (int i = 0; i < 16; i++) CHECK(has(m, F, NULL)); /* clock wraps past 0 */
  CHECK(has(m, C, NULL));
  CHECK_EQ(upd(m, A, A, 0), 0); /* E is the oldest now */
  CHECK(!has(m, E, NULL));
  CHECK(has(m, C, NULL) && has(m, F, NULL) && has(m, A, NULL));
}

/* ---- a random run against a model ---- */
#define KEYS 48
#define MAX 16
struct model {
  int present[KEYS];
  uint64_t value[KEYS];
  uint32_t stamp[KEYS];
  uint32_t clock;
  uint32_t count;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static void make_key(unsigned char *key, uint32_t key_size, uint32_t k) {
  memset(key, 0x5a, key_size);
  memcpy(key + key_size - 4, &k, 4); /* differing only in the last bytes */
}

static void random_run(uint32_t type, uint32_t key_size) {
  struct bpf2arm_map *m = new_map(type, key_size, 8, MAX, 1);
  struct model md;
  memset(&md, 0, sizeof md);
  int lru = type == BPF2ARM_MAP_LRU_HASH;
  unsigned char key[16];
  for (int step = 0; step < 30000; step++) {
    uint32_t k = rnd(KEYS), op = rnd(10);
    make_key(key, key_size, k);
    if (op < 4) {
      uint64_t flags = rnd(20) == 0 ? 3 : rnd(3), value = ((uint64_t)step << 8) | k;
      int64_t want = 0;
      if (flags > 2) want = -BPF2ARM_EINVAL;
      else if (md.present[k]) want = flags == BPF2ARM_NOEXIST ? -BPF2ARM_EEXIST : 0;
      else if (flags == BPF2ARM_EXIST) want = -BPF2ARM_ENOENT;
      else if (md.count == MAX && !lru) want = -BPF2ARM_E2BIG;
      if (want == 0) {
        if (!md.present[k] && md.count == MAX) {
          uint32_t victim = KEYS;
          for (uint32_t i = 0; i < KEYS; i++)
            if (md.present[i] && (victim == KEYS || md.stamp[i] < md.stamp[victim])) victim = i;
          md.present[victim] = 0;
          md.count--;
        }
        if (!md.present[k]) md.count++;
        md.present[k] = 1;
        md.value[k] = value;
        md.stamp[k] = ++md.clock;
      }
      CHECK_EQ(bpf2arm_map_update_elem(m, key, &value, flags), want);
    } else if (op < 7) {
      uint64_t *p = bpf2arm_map_lookup_elem(m, key);
      CHECK_EQ(p != NULL, md.present[k]);
      if (p && md.present[k]) {
        CHECK_EQ(*p, md.value[k]);
        if (lru) md.stamp[k] = ++md.clock;
      }
    } else {
      CHECK_EQ(bpf2arm_map_delete_elem(m, key), md.present[k] ? 0 : -BPF2ARM_ENOENT);
      if (md.present[k]) md.count--;
      md.present[k] = 0;
    }
    CHECK_EQ(state(m)->count, md.count);
    if (state(m)->count != md.count) return;
  }
}

static void hash_random_vs_model(void) { random_run(BPF2ARM_MAP_HASH, 4); }
static void hash_random_vs_model_key12(void) { random_run(BPF2ARM_MAP_HASH, 12); }
static void lru_random_vs_model(void) { random_run(BPF2ARM_MAP_LRU_HASH, 4); }
static void lru_random_vs_model_key7(void) { random_run(BPF2ARM_MAP_LRU_HASH, 7); }

static void other_types_lookup_null(void) {
  struct bpf2arm_map *q = new_map(BPF2ARM_MAP_QUEUE, 0, 4, 4, 1);
  struct bpf2arm_map *r = new_map(BPF2ARM_MAP_RINGBUF, 0, 0, 64, 1);
  struct bpf2arm_map *p = new_map(BPF2ARM_MAP_PROG_ARRAY, 4, 4, 4, 1);
  uint32_t k = 0, v = 0;
  CHECK(bpf2arm_map_lookup_elem(q, &k) == NULL);
  CHECK(bpf2arm_map_lookup_elem(r, &k) == NULL);
  CHECK(bpf2arm_map_lookup_elem(p, &k) == NULL);
  CHECK_EQ(bpf2arm_map_update_elem(q, &k, &v, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf2arm_map_update_elem(p, &k, &v, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf2arm_map_delete_elem(q, &k), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf2arm_map_delete_elem(r, &k), -BPF2ARM_EINVAL);
}

void cases_hash(void) {
  CASE(hash_flags_and_errors);
  CASE(hash_full_then_reuse);
  CASE(hash_tiny);
  CASE(lru_eviction_order);
  CASE(hash_random_vs_model);
  CASE(hash_random_vs_model_key12);
  CASE(lru_random_vs_model);
  CASE(lru_random_vs_model_key7);
  CASE(other_types_lookup_null);
}
