/* HASH, LRU_HASH and PERCPU_HASH on the layout of map_layout.h: chained buckets of
 * entry references (index + 1), entries handed out from the free list first, then from
 * the never-used tail above high_water. */
#include "rt_internal.h"

struct table {
  struct bpf2arm_hash_state *st;
  uint32_t *buckets;
  unsigned char *entries;
  uint32_t mask;
  uint32_t entry_size;
  uint32_t key_stride;
  uint32_t value_stride;
  uint32_t cpus;
};

static void open_table(struct bpf2arm_map *m, struct table *t) {
  uint32_t n_buckets = bpf2arm_hash_buckets(m->max_entries);
  t->cpus = rt_map_cpus(m);
  t->st = (struct bpf2arm_hash_state *)m->storage;
  t->buckets = (uint32_t *)(void *)(t->st + 1);
  t->entries = (unsigned char *)(t->buckets + n_buckets);
  t->mask = n_buckets - 1;
  t->entry_size = bpf2arm_hash_entry_size(m->key_size, m->value_size, t->cpus);
  t->key_stride = bpf2arm_round8(m->key_size);
  t->value_stride = bpf2arm_round8(m->value_size);
}

static struct bpf2arm_hash_entry *entry(const struct table *t, uint32_t ref) {
  return (struct bpf2arm_hash_entry *)(void *)(t->entries + (ref - 1) * t->entry_size);
}

static unsigned char *entry_key(struct bpf2arm_hash_entry *e) { return (unsigned char *)(e + 1); }

static unsigned char *entry_value(const struct table *t, struct bpf2arm_hash_entry *e, uint32_t cpu) {
  return entry_key(e) + t->key_stride + cpu * t->value_stride;
}

/* FNV-1a over the key, then an avalanche step: FNV alone leaves the low bits (the ones
 * the bucket mask keeps) weakly mixed for keys that differ only in their last byte. */
static uint32_t hash_key(const void *key, uint32_t n) {
  const unsigned char *p = (const unsigned char *)key;
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return h;
}

/* The link (bucket head or a `next` field) that holds the key's entry, or the link that
 * ends its chain (holding 0) when the key is absent. */
static uint32_t *find(const struct table *t, const void *key, uint32_t key_size, uint32_t h) {
  uint32_t *link = &t->buckets[h & t->mask];
  while (*link != 0) {
    struct bpf2arm_hash_entry *e = entry(t, *link);
    if (e->hash == h && rt_equal(entry_key(e), key, key_size)) return link;
    link = &e->next;
  }
  return link;
}

static void unlink_entry(const struct table *t, uint32_t ref) {
  uint32_t *link = &t->buckets[entry(t, ref)->hash & t->mask];
  while (*link != ref) link = &entry(t, *link)->next;
  *link = entry(t, ref)->next;
}

/* Exact LRU: the live entry whose stamp is oldest relative to the clock (differences
 * survive the clock wrapping). Only called when every entry is live. */
static uint32_t evict_oldest(const struct table *t, uint32_t max_entries) {
  uint32_t best = 1, best_age = 0;
  for (uint32_t ref = 1; ref <= max_entries; ref++) {
    uint32_t age = t->st->clock - entry(t, ref)->stamp;
    if (age > best_age) {
      best_age = age;
      best = ref;
    }
  }
  unlink_entry(t, best);
  t->st->count--;
  return best;
}

static uint32_t alloc_entry(const struct table *t, const struct bpf2arm_map *m) {
  struct bpf2arm_hash_state *st = t->st;
  if (st->free_head != 0) {
    uint32_t ref = st->free_head;
    st->free_head = entry(t, ref)->next;
    return ref;
  }
  if (st->high_water < m->max_entries) return ++st->high_water;
  if (m->type == BPF2ARM_MAP_LRU_HASH && m->max_entries != 0) return evict_oldest(t, m->max_entries);
  return 0;
}

/* A pointer returned by a lookup stays valid until the entry is deleted or evicted;
 * the memory is then reused, as it is after the kernel's RCU grace period. */
void *rt_hash_lookup(struct bpf2arm_map *m, const void *key, uint32_t cpu) {
  struct table t;
  open_table(m, &t);
  uint32_t h = hash_key(key, m->key_size);
  uint32_t saved = rt_enter();
  uint32_t ref = *find(&t, key, m->key_size, h);
  void *value = NULL;
  if (ref != 0) {
    struct bpf2arm_hash_entry *e = entry(&t, ref);
    if (m->type == BPF2ARM_MAP_LRU_HASH) e->stamp = ++t.st->clock;
    value = entry_value(&t, e, cpu);
  }
  rt_leave(saved);
  return value;
}

/* Per-CPU maps: a BPF caller writes its own CPU's copy; a new element starts with the
 * other CPUs' copies zeroed (as the kernel does for programs). */
int64_t rt_hash_update(struct bpf2arm_map *m, const void *key, const void *value, uint64_t flags) {
  if (flags > BPF2ARM_EXIST) return -BPF2ARM_EINVAL;
  struct table t;
  open_table(m, &t);
  uint32_t h = hash_key(key, m->key_size);
  uint32_t cpu = rt_map_cpu(m);
  int64_t rc = 0;
  uint32_t saved = rt_enter();
  uint32_t ref = *find(&t, key, m->key_size, h);
  if (ref != 0) {
    if (flags == BPF2ARM_NOEXIST) {
      rc = -BPF2ARM_EEXIST;
    } else {
      struct bpf2arm_hash_entry *e = entry(&t, ref);
      e->stamp = ++t.st->clock;
      rt_copy(entry_value(&t, e, cpu), value, m->value_size);
    }
  } else if (flags == BPF2ARM_EXIST) {
    rc = -BPF2ARM_ENOENT;
  } else if ((ref = alloc_entry(&t, m)) == 0) {
    rc = -BPF2ARM_E2BIG;
  } else {
    struct bpf2arm_hash_entry *e = entry(&t, ref);
    e->hash = h;
    e->stamp = ++t.st->clock;
    e->reserved = 0;
    rt_copy(entry_key(e), key, m->key_size);
    if (t.cpus > 1) rt_zero(entry_value(&t, e, 0), t.cpus * t.value_stride);
    rt_copy(entry_value(&t, e, cpu), value, m->value_size);
    /* At the bucket head: an eviction may have changed the chain find() walked. */
    uint32_t *head = &t.buckets[h & t.mask];
    e->next = *head;
    *head = ref;
    t.st->count++;
  }
  rt_leave(saved);
  return rc;
}

int64_t rt_hash_delete(struct bpf2arm_map *m, const void *key) {
  struct table t;
  open_table(m, &t);
  uint32_t h = hash_key(key, m->key_size);
  int64_t rc = -BPF2ARM_ENOENT;
  uint32_t saved = rt_enter();
  uint32_t *link = find(&t, key, m->key_size, h);
  uint32_t ref = *link;
  if (ref != 0) {
    struct bpf2arm_hash_entry *e = entry(&t, ref);
    *link = e->next;
    e->next = t.st->free_head;
    t.st->free_head = ref;
    t.st->count--;
    rc = 0;
  }
  rt_leave(saved);
  return rc;
}

/* bpf_for_each_map_elem: every live entry, bucket by bucket, this CPU's copy of per-CPU
 * values; returns the entries visited, the one whose callback returned 1 included. The
 * callback may delete the entry it is given (the walk has read its successor before).
 * Interrupts stay enabled while callbacks run, as the kernel's walk holds no lock: an
 * interrupt handler that changes the map meanwhile may make the walk miss an entry or
 * see one twice, and each chain is cut at max_entries steps so it always ends. */
int64_t rt_hash_for_each(struct bpf2arm_map *m, rt_elem_callback callback, void *ctx) {
  struct table t;
  open_table(m, &t);
  uint32_t cpu = rt_map_cpu(m);
  int64_t visited = 0;
  for (uint32_t bucket = 0; bucket <= t.mask; bucket++) {
    uint32_t ref = t.buckets[bucket];
    for (uint32_t steps = 0; ref != 0 && steps < m->max_entries; steps++) {
      struct bpf2arm_hash_entry *e = entry(&t, ref);
      ref = e->next;
      visited++;
      if ((uint32_t)callback(m, entry_key(e), entry_value(&t, e, cpu), ctx) != 0) return visited;
    }
  }
  return visited;
}
