/* progs/test_xdp_adjust_tail_shrink.c and progs/test_xdp_adjust_tail_grow.c
 * (bpf_xdp_adjust_tail, bpf_xdp_get_buff_len) with the expectations of
 * prog_tests/xdp_adjust_tail.c. Built once per object: SELFTEST_SHRINK picks the test. */
#include "prog.arm.h"
#include "selftest.h"

static unsigned char buffer[SELFTEST_XDP_BUFFER], pkt[4096];

#ifdef SELFTEST_SHRINK
static void test_xdp_adjust_tail_shrink(void) {
  struct bpf2arm_xdp x;
  /* pkt_v4: retval XDP_DROP (a shrink by 256 leaves less than an Ethernet header) */
  uint32_t len = selftest_pkt_v4(pkt);
  CHECK_EQ("shrink ipv4 retval", selftest_run_xdp(_xdp_adjust_tail_shrink, &x, buffer, pkt, len, 1), 1);
  /* pkt_v6: retval XDP_TX, data_size_out sizeof(pkt_v6) - 20 */
  len = selftest_pkt_v6(pkt);
  CHECK_EQ("shrink ipv6 retval", selftest_run_xdp(_xdp_adjust_tail_shrink, &x, buffer, pkt, len, 1), 3);
  CHECK_EQ("shrink ipv6 size", bpf2arm_packet_len(&x.pkt), SELFTEST_PKT_V6_LEN - 20);
}
#else
static void test_xdp_adjust_tail_grow(void) {
  struct bpf2arm_xdp x;
  /* pkt_v4 (4k pages): a grow by 4096 fails, retval XDP_DROP */
  uint32_t len = selftest_pkt_v4(pkt);
  CHECK_EQ("grow ipv4 retval", selftest_run_xdp(_xdp_adjust_tail_grow, &x, buffer, pkt, len, 1), 1);
  /* pkt_v6: retval XDP_TX, data_size_out sizeof(pkt_v6) + 40 */
  len = selftest_pkt_v6(pkt);
  CHECK_EQ("grow ipv6 retval", selftest_run_xdp(_xdp_adjust_tail_grow, &x, buffer, pkt, len, 1), 3);
  CHECK_EQ("grow ipv6 size", bpf2arm_packet_len(&x.pkt), SELFTEST_PKT_V6_LEN + 40);
}

static void test_xdp_adjust_tail_grow2(void) {
  struct bpf2arm_xdp x;
  /* case-64: 64 bytes of 1s grow by 128: retval XDP_TX, data_size_out 192; bytes 0-63
   * are 1, 64-127 are 0. (The test reads bytes 128-191 as 1 only because the kernel
   * copied out just 128 bytes into a buffer of 1s: here they are the grown zeros.) */
  memset(pkt, 1, 64);
  CHECK_EQ("case-64 retval", selftest_run_xdp(_xdp_adjust_tail_grow, &x, buffer, pkt, 64, 1), 3);
  CHECK_EQ("case-64 data_size_out", bpf2arm_packet_len(&x.pkt), 192);
  CHECK_EQ("case-64-data buf[0]", x.pkt.data[0], 1);
  CHECK_EQ("case-64-data buf[63]", x.pkt.data[63], 1);
  CHECK_EQ("case-64-data buf[64]", x.pkt.data[64], 0);
  CHECK_EQ("case-64-data buf[127]", x.pkt.data[127], 0);
  CHECK_EQ("case-64-data buf[191]", x.pkt.data[191], 0);

  /* case-128: 128 bytes of 2s grow to the most the frame allows, max_grow =
   * 4096 - XDP_PACKET_HEADROOM - tailroom (320) = 3520; the grown bytes are zeros */
  memset(pkt, 2, 128);
  const uint32_t max_grow = 4096 - 256 - 320;
  CHECK_EQ("case-128 retval", selftest_run_xdp(_xdp_adjust_tail_grow, &x, buffer, pkt, 128, 1), 3);
  CHECK_EQ("case-128 data_size_out", bpf2arm_packet_len(&x.pkt), max_grow);
  uint32_t zeros = 0;
  for (uint32_t i = 0; i < bpf2arm_packet_len(&x.pkt); i++)
    zeros += x.pkt.data[i] == 0;
  CHECK_EQ("case-128-data cnt", zeros, max_grow - 128);
}
#endif

int main(void) {
#ifdef SELFTEST_SHRINK
  test_xdp_adjust_tail_shrink();
#else
  test_xdp_adjust_tail_grow();
  test_xdp_adjust_tail_grow2();
#endif
  return selftest_failures;
}
