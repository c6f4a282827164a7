// Firmware side of the map tests: uses only the generated headers (and through them
// bpf2arm/runtime.h) to call the programs and to read and write their maps. Expected
// values follow the kernel's documented map semantics.
#include <stdio.h>
#include <string.h>

#include "maps.arm.h"
#include "tailcall.arm.h"

#include "check.h"

static char printed[256];
static unsigned printed_len;
void bpf2arm_platform_putc(char c) {
  if (printed_len + 1 < sizeof printed) printed[printed_len++] = c;
}

struct seen {
  unsigned n;
  uint32_t seq[16], value[16];
};

static int collect(void *ctx, const void *data, uint32_t len) {
  struct seen *s = ctx;
  const uint32_t *e = data;
  if (len != 8 || s->n >= 16) return 1;
  s->seq[s->n] = e[0];
  s->value[s->n] = e[1];
  s->n++;
  return 0;
}

static void test_hash(void) {
  // Fill to max_entries, then the map is full.
  for (uint32_t k = 0; k < 16; k++) CHECK(hash_put(k, k * 10, BPF2ARM_NOEXIST) == 0);
  CHECK(hash_put(100, 1, BPF2ARM_ANY) == -BPF2ARM_E2BIG);
  CHECK(hash_put(3, 33, BPF2ARM_NOEXIST) == -BPF2ARM_EEXIST);
  CHECK(hash_put(200, 1, BPF2ARM_EXIST) == -BPF2ARM_ENOENT);
  CHECK(hash_put(3, 33, BPF2ARM_EXIST) == 0);
  CHECK(hash_get(3) == 33);
  CHECK(hash_get(15) == 150);
  CHECK(hash_get(99) == 0xdead);
  // The firmware sees the same entries through the typed accessors.
  uint32_t key = 3;
  uint64_t *v = counts__lookup(&key);
  CHECK(v && *v == 33);
  uint64_t value = 77;
  key = 4;
  CHECK(counts__update(&key, &value, BPF2ARM_ANY) == 0);
  CHECK(hash_get(4) == 77);
  CHECK(hash_del(4) == 0);
  CHECK(hash_del(4) == -BPF2ARM_ENOENT);
  CHECK(hash_get(4) == 0xdead);
  CHECK(hash_put(100, 5, BPF2ARM_ANY) == 0);  // the freed entry is reused
  CHECK(hash_get(100) == 5);
  key = 100;
  CHECK(counts__delete(&key) == 0);
  CHECK(hash_count(50) == 1);
  CHECK(hash_count(50) == 2);
  CHECK(hash_count(50) == 3);
}

static void test_single_entry_hash(void) {
  CHECK(single_bump(7) == 1);
  CHECK(single_bump(7) == 2);
  CHECK(single_bump(8) == 0xdead);  // full: the one entry is taken
}

static void test_array(void) {
  CHECK(pair_set(2, 7, 0x100000000ull) == 0);
  CHECK(pair_sum(2) == 0x100000007ull);
  CHECK(pair_set(8, 1, 1) == -BPF2ARM_E2BIG);
  CHECK(pair_sum(8) == 0xdead);
  uint32_t key = 2;
  struct pair *p = pairs__lookup(&key);
  CHECK(p && p->a == 7 && p->b == 0x100000000ull);
  struct pair q = {.a = 1, .b = 2};
  key = 5;
  CHECK(pairs__update(&key, &q, BPF2ARM_NOEXIST) == -BPF2ARM_EEXIST);
  CHECK(pairs__update(&key, &q, BPF2ARM_ANY) == 0);
  CHECK(pair_sum(5) == 3);
  CHECK(pairs__delete(&key) == -BPF2ARM_EINVAL);
}

static void test_lru(void) {
  for (uint32_t k = 1; k <= 4; k++) CHECK(lru_put(k, k * 100) == 0);
  CHECK(lru_get(1) == 100);  // 1 is now the most recently used; 2 the least
  CHECK(lru_put(5, 500) == 0);
  CHECK(lru_get(2) == -1);
  CHECK(lru_get(1) == 100);
  CHECK(lru_get(5) == 500);
}

static void test_percpu(void) {
  CHECK(percpu_add(1, 5) == 5);
  CHECK(percpu_add(1, 6) == 11);
  CHECK(percpu_add(2, 1) == 0xdead);
  uint32_t key = 1;
  uint64_t *h = percpu_hash__lookup(&key);
  CHECK(h && *h == 11);
}

static void test_queue_stack(void) {
  for (uint32_t v = 1; v <= 4; v++) CHECK(fifo_push(v, 0) == 0);
  CHECK(fifo_push(5, 0) == -BPF2ARM_E2BIG);
  CHECK(fifo_push(5, BPF2ARM_EXIST) == 0);  // BPF_EXIST: a full queue drops its oldest
  CHECK(fifo_pop() == 2);
  CHECK(fifo_pop() == 3);
  uint32_t v = 0;
  CHECK(fifo__peek(&v) == 0 && v == 4);  // the firmware's accessor
  CHECK(fifo_pop() == 4);
  CHECK(fifo_pop() == 5);
  CHECK(fifo_pop() == -1);
  CHECK(lifo_push(1) == 0 && lifo_push(2) == 0 && lifo_push(3) == 0);
  CHECK(lifo_peek() == 3);
  CHECK(lifo_pop() == 3);
  CHECK(lifo_pop() == 2);
  v = 9;
  CHECK(lifo_push(v) == 0);
  CHECK(lifo_pop() == 9);
  CHECK(lifo_pop() == 1);
  CHECK(lifo_pop() == -1);
}

static void test_ringbuf(void) {
  struct seen s = {0};
  CHECK(emit_event(1, 10, 0) == 0);
  CHECK(emit_event(2, 20, 1) == 0);  // discarded: the consumer never sees it
  CHECK(output_event(3, 30) == 0);
  CHECK(events__consume(collect, &s) == 2);
  CHECK(s.n == 2 && s.seq[0] == 1 && s.value[0] == 10 && s.seq[1] == 3 && s.value[1] == 30);
  // Fill the 256-byte buffer: 16-byte records, so it runs out, then drains and wraps.
  int accepted = 0;
  for (uint32_t i = 0; i < 40; i++) accepted += emit_event(100 + i, i, 0) == 0;
  CHECK(accepted > 0 && accepted < 40);
  s.n = 0;
  int consumed = events__consume(collect, &s);
  CHECK(consumed == (accepted < 16 ? accepted : 16) || consumed == accepted);
  CHECK(s.n > 0 && s.seq[0] == 100);
  while (events__consume(collect, &(struct seen){0}) > 0) {
  }
  CHECK(emit_event(7, 70, 0) == 0);  // space again after draining
}

static void test_globals(void) {
  CHECK(total == 1000);  // initial value from .data
  CHECK(calls == 0);     // .bss
  CHECK(scale == 3);     // .rodata
  CHECK(bump_globals(2) == 1006 + 2);
  CHECK(total == 1006 && calls == 1);
  total = 5;  // the firmware writes, the program sees it
  CHECK(bump_globals(1) == 8 + 4);
  CHECK(follow_pointers() == 30 + 20 + 8);
  CHECK((uint32_t)table_cursor == (uint32_t)(uintptr_t)&table[2]);  // ARM address, hi word 0
  CHECK((table_cursor >> 32) == 0);
}

static void test_helpers(void) {
  uint64_t r = time_and_random();
  CHECK((r & 1) == 1);   // time moves forward
  CHECK((r & 2) == 2);   // two random numbers differ
  CHECK((r >> 8) == 0);  // CPU 0
  printed_len = 0;
  int n = say(42, -7, 0x1234abcdull);
  printed[printed_len] = 0;
  CHECK(strcmp(printed, "n=42 neg=-7 hex=1234abcdstr=ok chr=Z four=1 2 3 42") == 0);
  CHECK(n == 14);  // " four=1 2 3 42"
  CHECK(probe("hey") == 4);  // length with the NUL
}

static void test_tail_calls(void) {
  struct ctx c = {0, 0};
  CHECK(stage_a(&c) == 12);  // a -> b through the initializer, b's own tail call fails
  c.path = 0;
  CHECK(stage_b(&c) == 2);
  CHECK(jump__set(0, (void *)again) == 0);
  c.count = 0;
  CHECK(again(&c) == 34);  // the first run and 33 tail calls
  CHECK(c.count == 34);
  CHECK(jump__set(9, (void *)again) == -BPF2ARM_E2BIG);
  // 50 tail calls tried in one run, one at a time: 33 happen, 17 fail.
  CHECK(jump__set(2, (void *)leaf) == 0);
  c.count = c.path = 0;
  CHECK(looper(&c) == 17);
  CHECK(c.count == 33);
  c.count = c.path = 0;
  CHECK(looper(&c) == 17);  // a new run, a new count
  CHECK(c.count == 33);
  c.count = 0;
  CHECK(again(&c) == 34);   // and the count of the nested chain starts over too
}

int main(void) {
  test_hash();
  test_single_entry_hash();
  test_array();
  test_lru();
  test_percpu();
  test_queue_stack();
  test_ringbuf();
  test_globals();
  test_helpers();
  test_tail_calls();
  return CHECK_SUMMARY();
}
