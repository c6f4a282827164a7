/* Shared by the packet test files: the redirect hook's record and frame builders. */
#ifndef BPF2ARM_TEST_PACKET_H
#define BPF2ARM_TEST_PACKET_H

#include "bpf2arm/packet.h"

struct redirect_seen {
  int calls;
  int32_t answer; /* what the hook returns */
  struct bpf2arm_packet *pkt;
  uint32_t ifindex, len;
};
extern struct redirect_seen redirect_seen;
void reset_redirect_seen(void);

void cases_packet(void);
void cases_packet_skb(void);
void cases_checksum(void);

#endif
