/* progs/test_pkt_access.c (a tc program) with the expectations of prog_tests/pkt_access.c. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_SKB_BUFFER], pkt[128];
  struct bpf2arm_skb s;
  /* prog_tests/pkt_access.c: pkt_v4, .repeat = 100000; ASSERT_OK(topts.retval) */
  uint32_t len = selftest_pkt_v4(pkt);
  CHECK_EQ("ipv4 test_run_opts retval", selftest_run_skb(test_pkt_access, &s, buffer, pkt, len, SELFTEST_REPEAT), 0);
  /* the same with pkt_v6 */
  len = selftest_pkt_v6(pkt);
  CHECK_EQ("ipv6 test_run_opts retval", selftest_run_skb(test_pkt_access, &s, buffer, pkt, len, SELFTEST_REPEAT), 0);
  return selftest_failures;
}
