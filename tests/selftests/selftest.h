/* What every harness of the kernel-selftest suite shares: the kernel's test packets, the
 * frames bpf_prog_test_run builds around them, and the check that counts failures.
 *
 * A harness includes its program's generated header first (which declares the structs
 * of the program's BTF, struct xdp_md and struct __sk_buff among them), then this one;
 * so it builds packets from bytes, not from <linux/ip.h>, whose structs the header may
 * already declare. Each check prints one line, "ok NAME" or "FAIL NAME: ...", and
 * main returns the number of failures. */
#ifndef BPF2ARM_SELFTEST_H
#define BPF2ARM_SELFTEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bpf2arm/packet.h"

static int selftest_failures;

#define CHECK_EQ(name, got, expected)                                                                \
  do {                                                                                              \
    long long got_ = (long long)(got), expected_ = (long long)(expected);                          \
    if (got_ == expected_) {                                                                        \
      printf("ok %s\n", name);                                                                      \
    } else {                                                                                        \
      printf("FAIL %s: got %lld (0x%llx), expected %lld (0x%llx)\n", name, got_,                   \
             (unsigned long long)got_, expected_, (unsigned long long)expected_);                  \
      selftest_failures++;                                                                          \
    }                                                                                               \
  } while (0)

/* The kernel's test vectors, pkt_v4 and pkt_v6 of tools/testing/selftests/bpf/
 * network_helpers.c: an Ethernet header (zero addresses), an IPv4 header with only
 * ihl = 5, protocol = TCP and tot_len = htons(MAGIC_BYTES) set (version 0, as there),
 * or an IPv6 header with nexthdr = TCP and payload_len = htons(MAGIC_BYTES), then a TCP
 * header with doff = 5 and urg_ptr = 123 (set in host byte order there, so on a
 * little-endian machine the bytes 7b 00). 54 and 74 bytes. */
#define SELFTEST_MAGIC_BYTES 123 /* network_helpers.h */
#define SELFTEST_MAGIC_VAL 0x1234
#define SELFTEST_VIP_NUM 5
#define SELFTEST_PKT_V4_LEN 54
#define SELFTEST_PKT_V6_LEN 74

static inline void selftest_tcp(unsigned char *tcp) {
  tcp[12] = 5 << 4; /* doff */
  tcp[18] = SELFTEST_MAGIC_BYTES; /* urg_ptr = 123, host (little-endian) byte order */
  tcp[19] = 0;
}

static inline uint32_t selftest_pkt_v4(unsigned char *p) {
  memset(p, 0, SELFTEST_PKT_V4_LEN);
  p[12] = 0x08, p[13] = 0x00;  /* ETH_P_IP */
  unsigned char *ip = p + 14;
  ip[0] = 5;                   /* ihl 5, version 0 */
  ip[2] = 0, ip[3] = SELFTEST_MAGIC_BYTES; /* tot_len */
  ip[9] = 6;                   /* IPPROTO_TCP */
  selftest_tcp(ip + 20);
  return SELFTEST_PKT_V4_LEN;
}

static inline uint32_t selftest_pkt_v6(unsigned char *p) {
  memset(p, 0, SELFTEST_PKT_V6_LEN);
  p[12] = 0x86, p[13] = 0xdd;  /* ETH_P_IPV6 */
  unsigned char *ip6 = p + 14;
  ip6[4] = 0, ip6[5] = SELFTEST_MAGIC_BYTES; /* payload_len */
  ip6[6] = 6;                  /* nexthdr */
  selftest_tcp(ip6 + 40);
  return SELFTEST_PKT_V6_LEN;
}

/* The frame of the kernel's XDP test run (net/bpf/test_run.c, 6.1): one 4096-byte page,
 * XDP_PACKET_HEADROOM (256) in front, and at its end the skb_shared_info the kernel keeps
 * (320 bytes on 64-bit machines, the figure prog_tests/xdp_adjust_tail.c uses), so the
 * firmware buffer is the page without it. */
#define SELFTEST_XDP_HEADROOM 256
#define SELFTEST_XDP_BUFFER (4096 - 320)

typedef int (*selftest_xdp_prog)(struct xdp_md *);
typedef int (*selftest_skb_prog)(struct __sk_buff *);

/* Runs prog `repeat` times on one context, as bpf_prog_test_run does (the runs see each
 * other's changes to the packet); returns the last run's action. */
static inline uint32_t selftest_run_xdp(selftest_xdp_prog prog, struct bpf2arm_xdp *x, unsigned char *buffer,
                                        const void *pkt, uint32_t len, uint32_t repeat) {
  /* The kernel allocates the page zeroed; the tailroom here holds garbage instead, since
   * bpf_xdp_adjust_tail zeroes what it grows (net/core/filter.c), which the grow checks
   * then see. */
  memset(buffer, 0, SELFTEST_XDP_BUFFER);
  memset(buffer + SELFTEST_XDP_HEADROOM + len, 0xa5, SELFTEST_XDP_BUFFER - SELFTEST_XDP_HEADROOM - len);
  memcpy(buffer + SELFTEST_XDP_HEADROOM, pkt, len);
  if (bpf2arm_xdp_init(x, buffer, SELFTEST_XDP_BUFFER, SELFTEST_XDP_HEADROOM, len) != 0) {
    printf("FAIL bpf2arm_xdp_init\n");
    selftest_failures++;
    return ~0u;
  }
  x->md.ingress_ifindex = 1; /* the kernel's test runs use the loopback device */
  uint32_t action = 0;
  for (uint32_t i = 0; i < repeat; i++)
    action = bpf2arm_xdp_end(x, prog(bpf2arm_xdp_begin(x)));
  return action;
}

/* The skb of the kernel's tc test run: the packet after NET_SKB_PAD + NET_IP_ALIGN
 * (64 + 2) bytes of headroom, data at the Ethernet header, on the loopback device. */
#define SELFTEST_SKB_HEADROOM 66
#define SELFTEST_SKB_BUFFER 2048

static inline uint32_t selftest_run_skb(selftest_skb_prog prog, struct bpf2arm_skb *s, unsigned char *buffer,
                                        const void *pkt, uint32_t len, uint32_t repeat) {
  memset(buffer, 0, SELFTEST_SKB_BUFFER);
  memcpy(buffer + SELFTEST_SKB_HEADROOM, pkt, len);
  if (bpf2arm_skb_init(s, buffer, SELFTEST_SKB_BUFFER, SELFTEST_SKB_HEADROOM, len, 0) != 0) {
    printf("FAIL bpf2arm_skb_init\n");
    selftest_failures++;
    return ~0u;
  }
  s->skb.ifindex = 1;
  s->skb.ingress_ifindex = 1;
  uint32_t action = 0;
  for (uint32_t i = 0; i < repeat; i++)
    action = bpf2arm_skb_end(s, prog(bpf2arm_skb_begin(s)));
  return action;
}

static inline uint32_t selftest_u32_at(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

#endif
