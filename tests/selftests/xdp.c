/* progs/test_xdp.c (IPIP/IP6IP6 encapsulation, XDP_TX) with the expectations of
 * prog_tests/xdp.c. */
#include "prog.arm.h"
#include "selftest.h"

int main(void) {
  static unsigned char buffer[SELFTEST_XDP_BUFFER], pkt[128];
  struct bpf2arm_xdp x;
  /* prog_tests/xdp.c: vip2tnl[{.protocol = 6, .family = AF_INET}] = {.family = AF_INET},
   * and the same for AF_INET6 (AF_INET 2, AF_INET6 10) */
  struct vip key4 = { .protocol = 6, .family = 2 }, key6 = { .protocol = 6, .family = 10 };
  struct iptnl_info value4 = { .family = 2 }, value6 = { .family = 10 };
  CHECK_EQ("vip2tnl update v4", vip2tnl__update(&key4, &value4, 0), 0);
  CHECK_EQ("vip2tnl update v6", vip2tnl__update(&key6, &value6, 0), 0);

  uint32_t len = selftest_pkt_v4(pkt);
  uint32_t action = selftest_run_xdp(_xdp_tx_iptunnel, &x, buffer, pkt, len, 1);
  CHECK_EQ("ipv4 test_run retval", action, 3 /* XDP_TX */);
  CHECK_EQ("ipv4 test_run data_size_out", bpf2arm_packet_len(&x.pkt), 74);
  /* iph.protocol of the outer header after the Ethernet header */
  CHECK_EQ("ipv4 test_run iph.protocol", x.pkt.data[14 + 9], 4 /* IPPROTO_IPIP */);
  /* Not in the kernel's test: the program computes the outer header's checksum itself,
   * which must then verify by RFC 1071 (the 16-bit one's complement sum is 0xffff). */
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2)
    sum += (uint32_t)x.pkt.data[14 + i] << 8 | x.pkt.data[14 + i + 1];
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  CHECK_EQ("ipv4 outer header checksum (RFC 1071)", sum, 0xffff);

  len = selftest_pkt_v6(pkt);
  action = selftest_run_xdp(_xdp_tx_iptunnel, &x, buffer, pkt, len, 1);
  CHECK_EQ("ipv6 test_run retval", action, 3 /* XDP_TX */);
  CHECK_EQ("ipv6 test_run data_size_out", bpf2arm_packet_len(&x.pkt), 114);
  CHECK_EQ("ipv6 test_run iph6.nexthdr", x.pkt.data[14 + 6], 41 /* IPPROTO_IPV6 */);
  return selftest_failures;
}
