/* progs/bpf_loop.c (bpf_loop with callbacks, nested loops, a callback chosen at run
 * time, a map touched around a loop) with the expectations of prog_tests/bpf_loop.c.
 * There each check attaches a program to nanosleep and calls usleep(1); here the
 * harness calls the program once for each such usleep. */
#include <unistd.h>

#include "prog.arm.h"
#include "selftest.h"

/* The programs run only for the test's own process (bpf_get_current_pid_tgid() >> 32 ==
 * pid); the runtime stub has no processes, so the firmware (this harness) defines it. */
uint64_t bpf_get_current_pid_tgid(void) { return (uint64_t)getpid() << 32 | (uint32_t)getpid(); }

int main(void) {
  pid = getpid();

  /* check_nr_loops */
  nr_loops = 0;
  test_prog(NULL);
  CHECK_EQ("0 loops", nr_loops_returned, 0);
  nr_loops = 500;
  test_prog(NULL);
  CHECK_EQ("500 loops", nr_loops_returned, 500);
  CHECK_EQ("g_output", g_output, (500 * 499) / 2);
  nr_loops = -1;
  test_prog(NULL);
  CHECK_EQ("over max limit", err, -7 /* -E2BIG */);

  /* check_callback_fn_stop */
  nr_loops = 400;
  stop_index = 50;
  test_prog(NULL);
  CHECK_EQ("nr_loops_returned", nr_loops_returned, stop_index + 1);
  CHECK_EQ("g_output (stop)", g_output, (50 * 49) / 2);

  /* check_null_callback_ctx */
  nr_loops = 10;
  prog_null_ctx(NULL);
  CHECK_EQ("nr_loops_returned (null ctx)", nr_loops_returned, 10);

  /* check_invalid_flags */
  prog_invalid_flags(NULL);
  CHECK_EQ("err", err, -22 /* -EINVAL */);

  /* check_nested_calls: nr_loops 100, nested_callback_nr_loops 4 (stop_index still 50,
   * as in the kernel's test, which runs the subtests on one skeleton) */
  nr_loops = 100;
  nested_callback_nr_loops = 4;
  prog_nested_calls(NULL);
  CHECK_EQ("nr_loops_returned (nested)", nr_loops_returned, 100 * 4 * 4);
  CHECK_EQ("g_output (nested)", g_output, (4 * 3) / 2 * 4 * 100);

  /* check_non_constant_callback */
  callback_selector = 0x0F;
  prog_non_constant_callback(NULL);
  CHECK_EQ("g_output #1", g_output, 0x0F);
  callback_selector = 0xF0;
  prog_non_constant_callback(NULL);
  CHECK_EQ("g_output #2", g_output, 0xF0);

  /* check_stack: map1[key] = key for keys 1..12, then each value is one more */
  for (int32_t key = 1; key <= 12; ++key) {
    int32_t val = key;
    CHECK_EQ("bpf_map_update_elem", map1__update(&key, &val, 1 /* BPF_NOEXIST */), 0);
  }
  stack_check(NULL);
  for (int32_t key = 1; key <= 12; ++key) {
    int32_t *val = map1__lookup(&key);
    CHECK_EQ("bad value in the map", val ? *val : -1, key + 1);
  }
  return selftest_failures;
}
