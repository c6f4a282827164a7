/* progs/test_pkt_md_access.c (narrow loads of __sk_buff fields) with the expectations of
 * prog_tests/pkt_md_access.c. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_SKB_BUFFER], pkt[128];
  struct bpf2arm_skb s;
  /* pkt_v4, .repeat = 10: ASSERT_OK(topts.retval) */
  uint32_t len = selftest_pkt_v4(pkt);
  CHECK_EQ("test_run_opts retval", selftest_run_skb(test_pkt_md_access, &s, buffer, pkt, len, 10), 0);
  return selftest_failures;
}
