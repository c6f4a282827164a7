/* progs/test_tcp_estats.c: prog_tests/tcp_estats.c only checks that the program loads;
 * here it compiles, links, and returns 0 for a tracepoint without a socket, the one
 * path that needs no kernel struct sock. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  struct dummy_tracepoint_args args = { 0 };
  CHECK_EQ("no socket", _dummy_tracepoint(&args), 0);
  return selftest_failures;
}
