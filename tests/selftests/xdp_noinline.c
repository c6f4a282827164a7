/* progs/test_xdp_noinline.c (the XDP load balancer with bpf-to-bpf calls) with the
 * expectations of prog_tests/xdp_noinline.c. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_XDP_BUFFER], pkt[128];
  struct bpf2arm_xdp x;
  /* prog_tests/xdp_noinline.c: vip_map[{.protocol = 6}] = {.vip_num = VIP_NUM},
   * ch_rings[11] = 3, reals[3] = {.dst = MAGIC_VAL} */
  struct vip_definition key = { .proto = 6 };
  struct vip_meta value = { .vip_num = SELFTEST_VIP_NUM };
  uint32_t ch_key = 11, real_num = 3;
  struct real_definition real_def = { .dst = SELFTEST_MAGIC_VAL };
  CHECK_EQ("vip_map update", vip_map__update(&key, &value, 0), 0);
  CHECK_EQ("ch_rings update", ch_rings__update(&ch_key, &real_num, 0), 0);
  CHECK_EQ("reals update", reals__update(&real_num, &real_def, 0), 0);

  /* .repeat = NUM_ITER; retval 1, data_size_out 54, the first u32 of the output MAGIC_VAL */
  uint32_t len = selftest_pkt_v4(pkt);
  uint32_t action = selftest_run_xdp(balancer_ingress_v4, &x, buffer, pkt, len, SELFTEST_REPEAT);
  CHECK_EQ("ipv4 test_run retval", action, 1);
  CHECK_EQ("ipv4 test_run data_size_out", bpf2arm_packet_len(&x.pkt), 54);
  CHECK_EQ("ipv4 test_run magic", selftest_u32_at(x.pkt.data), SELFTEST_MAGIC_VAL);

  len = selftest_pkt_v6(pkt);
  action = selftest_run_xdp(balancer_ingress_v6, &x, buffer, pkt, len, SELFTEST_REPEAT);
  CHECK_EQ("ipv6 test_run retval", action, 1);
  CHECK_EQ("ipv6 test_run data_size_out", bpf2arm_packet_len(&x.pkt), 74);
  CHECK_EQ("ipv6 test_run magic", selftest_u32_at(x.pkt.data), SELFTEST_MAGIC_VAL);

  /* stats[VIP_NUM] summed over the CPUs: MAGIC_BYTES * NUM_ITER * 2 bytes, NUM_ITER * 2 packets */
  uint32_t stats_key = SELFTEST_VIP_NUM;
  struct lb_stats *st = stats__lookup(&stats_key);
  CHECK_EQ("stats bytes", st ? (long long)st->v2 : -1, (long long)SELFTEST_MAGIC_BYTES * SELFTEST_REPEAT * 2);
  CHECK_EQ("stats pkts", st ? (long long)st->v1 : -1, (long long)SELFTEST_REPEAT * 2);
  return selftest_failures;
}
