// Firmware side of the callback tests: calls the programs of callbacks.bpf.c through
// the generated header and checks them against the kernel's documented semantics of
// bpf_loop and bpf_for_each_map_elem (bpf-helpers(7)), each expectation computed here by
// a plain C loop that shares no code with the program or the runtime.
#include <stdint.h>
#include <stdio.h>

#include "callbacks.arm.h"

#include "../maps/check.h"

// What add_index accumulates over iterations 0..count-1.
static uint64_t expected_loop_sum(uint32_t count) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < count; i++) sum += i * i + 1000000007ull * i;
  return sum;
}

static void test_loop(void) {
  int64_t result;
  uint32_t calls;
  // No early stop (stop_at is never reached): every iteration runs.
  uint64_t sum = loop_sum(100, 0xffffffffu, 0, &result, &calls);
  CHECK(result == 100 && calls == 100 && sum == expected_loop_sum(100));
  // The callback returns 1 at index 9: ten iterations done, the stopping one included.
  sum = loop_sum(100, 9, 0, &result, &calls);
  CHECK(result == 10 && calls == 10 && sum == expected_loop_sum(10));
  // Stop at the first iteration.
  sum = loop_sum(5, 0, 0, &result, &calls);
  CHECK(result == 1 && calls == 1 && sum == 0);
  // Zero iterations.
  sum = loop_sum(0, 0, 0, &result, &calls);
  CHECK(result == 0 && calls == 0 && sum == 0);
  // flags must be 0: -EINVAL, no call.
  sum = loop_sum(3, 0xffffffffu, 1, &result, &calls);
  CHECK(result == -BPF2ARM_EINVAL && calls == 0);
  // nr_loops above 1 << 23: -E2BIG, no call; exactly 1 << 23 is allowed (stopped at 3).
  sum = loop_sum((1u << 23) + 1, 0xffffffffu, 0, &result, &calls);
  CHECK(result == -BPF2ARM_E2BIG && calls == 0);
  sum = loop_sum(1u << 23, 3, 0, &result, &calls);
  CHECK(result == 4 && calls == 4 && sum == expected_loop_sum(4));
}

static void test_array(void) {
  for (uint32_t k = 0; k < 8; k++) {
    uint64_t v = 3ull * k + 0x100000000ull;
    CHECK(numbers__update(&k, &v, BPF2ARM_ANY) == 0);
  }
  uint64_t weighted = 0, expected = 0;
  uint32_t visited = 0;
  // All 8 elements (stop_key beyond the array); the callback adds 1 to each value.
  for (uint64_t k = 0; k < 8; k++) expected += k * (3 * k + 0x100000000ull);
  CHECK(sum_numbers(100, &weighted, &visited) == 8);
  CHECK(visited == 8 && weighted == expected);
  for (uint32_t k = 0; k < 8; k++) CHECK(*numbers__lookup(&k) == 3ull * k + 0x100000000ull + 1);
  // Stop at key 2: keys 0, 1, 2 visited (in index order), three counted.
  expected = 0;
  for (uint64_t k = 0; k <= 2; k++) expected += k * (3 * k + 0x100000000ull + 1);
  CHECK(sum_numbers(2, &weighted, &visited) == 3);
  CHECK(visited == 3 && weighted == expected);
  uint32_t three = 3;
  CHECK(*numbers__lookup(&three) == 3ull * 3 + 0x100000000ull + 1);  // not visited the second time
}

static void test_hash(void) {
  uint32_t key_sum, value_sum, visited;
  // Empty map: no call.
  CHECK(sum_table(100, &key_sum, &value_sum, &visited) == 0 && visited == 0);
  // The callback of fill_squares (a bpf_loop callback) calls bpf_map_update_elem.
  CHECK(fill_squares(6) == 6);
  for (uint32_t k = 0; k < 6; k++) CHECK(squares__lookup(&k) && *squares__lookup(&k) == (uint64_t)k * k);
  uint32_t six = 6;
  CHECK(squares__lookup(&six) == NULL);
  // table: keys 1, 3, ..., 19 with value 7 * key; visit_entry adds key * key from
  // squares where present (keys below 6).
  uint32_t expected_keys = 0, expected_values = 0;
  for (uint32_t k = 1; k < 20; k += 2) {
    uint32_t v = 7 * k;
    CHECK(table__update(&k, &v, BPF2ARM_NOEXIST) == 0);
    expected_keys += k;
    expected_values += v + (k < 6 ? k * k : 0);
  }
  CHECK(sum_table(100, &key_sum, &value_sum, &visited) == 10);
  CHECK(visited == 10 && key_sum == expected_keys && value_sum == expected_values);
  // The callback returns 1 at the fourth element: four visited (the order is the map's).
  CHECK(sum_table(4, &key_sum, &value_sum, &visited) == 4 && visited == 4);
  // A deleted element is not visited.
  uint32_t nine = 9;
  CHECK(table__delete(&nine) == 0);
  CHECK(sum_table(100, &key_sum, &value_sum, &visited) == 9);
  CHECK(visited == 9 && key_sum == expected_keys - 9 && value_sum == expected_values - 63);
  // flags must be 0.
  CHECK(for_each_bad_flags() == -BPF2ARM_EINVAL);
}

int main(void) {
  test_loop();
  test_array();
  test_hash();
  return CHECK_SUMMARY();
}
