/* progs/test_l4lb.c and progs/test_l4lb_noinline.c (the tc load balancer) with the
 * expectations of prog_tests/l4lb_all.c, which runs the same test on both. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_SKB_BUFFER], pkt[128];
  struct bpf2arm_skb s;
  /* prog_tests/l4lb_all.c: vip_map[{.protocol = 6}] = {.vip_num = VIP_NUM},
   * ch_rings[11] = 3, reals[3] = {.dst = MAGIC_VAL} */
  struct vip key = { .protocol = 6 };
  struct vip_meta value = { .vip_num = SELFTEST_VIP_NUM };
  uint32_t ch_key = 11, real_num = 3;
  struct real_definition real_def = { .dst = SELFTEST_MAGIC_VAL };
  CHECK_EQ("vip_map update", vip_map__update(&key, &value, 0), 0);
  CHECK_EQ("ch_rings update", ch_rings__update(&ch_key, &real_num, 0), 0);
  CHECK_EQ("reals update", reals__update(&real_num, &real_def, 0), 0);

  /* .repeat = NUM_ITER; retval 7 (TC_ACT_REDIRECT), data_size_out 54, magic */
  uint32_t len = selftest_pkt_v4(pkt);
  uint32_t action = selftest_run_skb(balancer_ingress, &s, buffer, pkt, len, SELFTEST_REPEAT);
  CHECK_EQ("ipv4 test_run retval", action, 7);
  CHECK_EQ("ipv4 test_run data_size_out", bpf2arm_packet_len(&s.pkt), 54);
  CHECK_EQ("ipv4 magic", selftest_u32_at(s.pkt.data), SELFTEST_MAGIC_VAL);

  len = selftest_pkt_v6(pkt);
  action = selftest_run_skb(balancer_ingress, &s, buffer, pkt, len, SELFTEST_REPEAT);
  CHECK_EQ("ipv6 test_run retval", action, 7);
  CHECK_EQ("ipv6 test_run data_size_out", bpf2arm_packet_len(&s.pkt), 74);
  CHECK_EQ("ipv6 magic", selftest_u32_at(s.pkt.data), SELFTEST_MAGIC_VAL);

  /* stats[VIP_NUM]: bytes == MAGIC_BYTES * NUM_ITER * 2, pkts == NUM_ITER * 2 */
  uint32_t stats_key = SELFTEST_VIP_NUM;
  struct vip_stats *st = stats__lookup(&stats_key);
  CHECK_EQ("stats bytes", st ? (long long)st->bytes : -1, (long long)SELFTEST_MAGIC_BYTES * SELFTEST_REPEAT * 2);
  CHECK_EQ("stats pkts", st ? (long long)st->pkts : -1, (long long)SELFTEST_REPEAT * 2);
  return selftest_failures;
}
