/* ARRAY, PERCPU_ARRAY and PERCPU_HASH: bounds, flags, per-CPU copies. */
#include <string.h>

#include "test.h"

static void array_bounds_and_flags(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_ARRAY, 4, 8, 4, 1);
  uint64_t v = 1;
  for (uint32_t i = 0; i < 4; i++) {
    uint64_t *p = bpf2arm_map_lookup_elem(m, &i);
    CHECK(p != NULL);
    CHECK_EQ((uintptr_t)p % 8, 0);
    CHECK_EQ((unsigned char *)p - (unsigned char *)m->storage, i * 8);
    CHECK_EQ(*p, 0);
  }
  uint32_t four = 4, huge = 0xffffffffu;
  CHECK(bpf2arm_map_lookup_elem(m, &four) == NULL);
  CHECK(bpf2arm_map_lookup_elem(m, &huge) == NULL);

  CHECK_EQ(upd(m, 1, 0x1122334455667788ull, BPF2ARM_ANY), 0);
  CHECK(has(m, 1, &v));
  CHECK_EQ(v, 0x1122334455667788ull);
  CHECK_EQ(upd(m, 1, 7, BPF2ARM_EXIST), 0); /* every element exists */
  CHECK(has(m, 1, &v));
  CHECK_EQ(v, 7);
  CHECK_EQ(upd(m, 1, 8, BPF2ARM_NOEXIST), -BPF2ARM_EEXIST);
  CHECK_EQ(upd(m, 4, 8, BPF2ARM_ANY), -BPF2ARM_E2BIG);
  CHECK_EQ(upd(m, 4, 8, BPF2ARM_EXIST), -BPF2ARM_E2BIG);
  CHECK_EQ(upd(m, 1, 8, 3), -BPF2ARM_EINVAL);
  CHECK_EQ(upd(m, 4, 8, 4), -BPF2ARM_EINVAL); /* flags are checked before the index */
  CHECK(has(m, 1, &v));
  CHECK_EQ(v, 7);
  uint32_t k = 1;
  CHECK_EQ(bpf2arm_map_delete_elem(m, &k), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_map_push_elem(m, &v, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_map_pop_elem(m, &v), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_map_peek_elem(m, &v), -BPF2ARM_EINVAL);
}

/* value_size 5: slots are 8 apart, and an update writes 5 bytes and nothing else. */
static void array_odd_value_size(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_ARRAY, 4, 5, 3, 1);
  unsigned char *s = m->storage;
  memset(s, 0xee, 24);
  uint32_t k = 1;
  const unsigned char val[5] = {1, 2, 3, 4, 5};
  CHECK_EQ(bpf2arm_map_update_elem(m, &k, val, 0), 0);
  CHECK(bpf2arm_map_lookup_elem(m, &k) == s + 8);
  CHECK(memcmp(s + 8, val, 5) == 0);
  CHECK_EQ(s[7], 0xee);
  CHECK_EQ(s[13], 0xee);
  CHECK_EQ(s[16], 0xee);
  /* An unaligned key pointer (keys may come from anywhere in C callers). */
  unsigned char raw[8] = {0};
  uint32_t two = 2;
  memcpy(raw + 1, &two, 4);
  CHECK(bpf2arm_map_lookup_elem(m, raw + 1) == s + 16);
}

static void percpu_array_copies(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_PERCPU_ARRAY, 4, 4, 4, 3);
  uint32_t k = 2, v;
  for (uint32_t cpu = 0; cpu < 3; cpu++) {
    test_cpu = cpu;
    CHECK_EQ(bpf_get_smp_processor_id(), cpu);
    v = 10 + cpu;
    CHECK_EQ(bpf2arm_map_update_elem(m, &k, &v, 0), 0);
  }
  for (uint32_t cpu = 0; cpu < 3; cpu++) {
    test_cpu = cpu;
    uint32_t *p = bpf2arm_map_lookup_elem(m, &k);
    CHECK(p != NULL);
    CHECK_EQ(*p, 10 + cpu);
    CHECK(p == bpf_map_lookup_percpu_elem(m, &k, cpu));
    /* index-major layout: (index * n_cpus + cpu) * stride */
    CHECK_EQ((unsigned char *)p - (unsigned char *)m->storage, (2 * 3 + cpu) * 8);
  }
  CHECK(bpf_map_lookup_percpu_elem(m, &k, 3) == NULL);
  test_cpu = 7; /* beyond n_cpus: shares the last copy instead of overrunning */
  uint32_t *p = bpf2arm_map_lookup_elem(m, &k);
  CHECK(p != NULL && *p == 12);
  v = 99;
  CHECK_EQ(bpf2arm_map_update_elem(m, &k, &v, 0), 0);
  CHECK_EQ(*(uint32_t *)bpf_map_lookup_percpu_elem(m, &k, 2), 99);
  uint32_t k3 = 3, k1 = 1;
  CHECK_EQ(*(uint32_t *)bpf_map_lookup_percpu_elem(m, &k3, 0), 0);
  CHECK_EQ(*(uint32_t *)bpf_map_lookup_percpu_elem(m, &k1, 2), 0);
  k = 4;
  CHECK(bpf_map_lookup_percpu_elem(m, &k, 0) == NULL);
  CHECK_EQ(bpf2arm_map_update_elem(m, &k, &v, 0), -BPF2ARM_E2BIG);
}

static void percpu_hash_copies(void) {
  struct bpf2arm_map *m = new_map(BPF2ARM_MAP_PERCPU_HASH, 4, 8, 2, 2);
  uint64_t v;
  test_cpu = 0;
  CHECK_EQ(upd(m, 5, 500, BPF2ARM_NOEXIST), 0);
  uint32_t k = 5;
  CHECK_EQ(*(uint64_t *)bpf_map_lookup_percpu_elem(m, &k, 0), 500);
  CHECK_EQ(*(uint64_t *)bpf_map_lookup_percpu_elem(m, &k, 1), 0);
  CHECK(bpf_map_lookup_percpu_elem(m, &k, 2) == NULL);
  test_cpu = 1;
  CHECK(has(m, 5, &v));
  CHECK_EQ(v, 0);
  CHECK_EQ(upd(m, 5, 501, BPF2ARM_EXIST), 0);
  CHECK(has(m, 5, &v));
  CHECK_EQ(v, 501);
  test_cpu = 0;
  CHECK(has(m, 5, &v));
  CHECK_EQ(v, 500);
  /* A reused entry must not show the previous element's copies on other CPUs. */
  CHECK_EQ(bpf2arm_map_delete_elem(m, &k), 0);
  test_cpu = 1;
  CHECK_EQ(upd(m, 6, 601, BPF2ARM_ANY), 0);
  k = 6;
  CHECK_EQ(*(uint64_t *)bpf_map_lookup_percpu_elem(m, &k, 0), 0);
  CHECK_EQ(*(uint64_t *)bpf_map_lookup_percpu_elem(m, &k, 1), 601);
  CHECK_EQ(upd(m, 7, 1, BPF2ARM_ANY), 0);
  CHECK_EQ(upd(m, 8, 1, BPF2ARM_ANY), -BPF2ARM_E2BIG); /* per-CPU hash does not evict */
}

static void default_hooks_through_helpers(void) {
  /* time and random keep their weak defaults in this program */
  uint64_t t1 = bpf_ktime_get_ns(), t2 = bpf_ktime_get_ns(), t3 = bpf_ktime_get_boot_ns();
  CHECK_EQ(t2, t1 + 1);
  CHECK_EQ(t3, t2 + 1);
  uint32_t r1 = bpf_get_prandom_u32(), r2 = bpf_get_prandom_u32();
  uint32_t x = r1;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  CHECK_EQ(r2, x);
  CHECK(r1 != 0 && r2 != r1);
  test_cpu = 3;
  CHECK_EQ(bpf_get_smp_processor_id(), 3);
}

void cases_maps(void) {
  CASE(array_bounds_and_flags);
  CASE(array_odd_value_size);
  CASE(percpu_array_copies);
  CASE(percpu_hash_copies);
  CASE(default_hooks_through_helpers);
}
