/* progs/skb_load_bytes.c (bpf_skb_load_bytes at an offset the test sets) with the
 * expectations of prog_tests/skb_load_bytes.c. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_SKB_BUFFER], pkt[128];
  struct bpf2arm_skb s;
  uint32_t len = selftest_pkt_v4(pkt);
  /* load_offset = (uint32_t)-1: test_result -EFAULT */
  load_offset = (uint32_t)-1;
  selftest_run_skb(skb_process, &s, buffer, pkt, len, 1);
  CHECK_EQ("offset -1", test_result, -14 /* -EFAULT */);
  /* load_offset = 10: test_result 0 */
  load_offset = 10;
  selftest_run_skb(skb_process, &s, buffer, pkt, len, 1);
  CHECK_EQ("offset 10", test_result, 0);
  return selftest_failures;
}
