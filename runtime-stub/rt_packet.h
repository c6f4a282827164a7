/* Shared by the packet sources of the runtime (packet.c, packet_skb.c, checksum.c):
 * the frame operations behind the helpers. Not part of the contract. */
#ifndef BPF2ARM_RT_PACKET_H
#define BPF2ARM_RT_PACKET_H

#include "bpf2arm/packet.h"
#include "rt_internal.h"

static inline struct bpf2arm_packet *rt_xdp_packet(struct xdp_md *md) { return &bpf2arm_xdp_of(md)->pkt; }
static inline struct bpf2arm_packet *rt_skb_packet(struct __sk_buff *skb) { return &bpf2arm_skb_of(skb)->pkt; }

/* Writes the frame bounds into the context the program reads (32-bit addresses: exact
 * on the ARM32 target; on a 64-bit host only the pointers in bpf2arm_packet count). */
void rt_packet_sync(struct bpf2arm_packet *p);

/* Opens `n` zeroed bytes at data + off: the bytes before them (metadata included) move
 * n bytes into the headroom, or, without that much headroom, the bytes after them move
 * into the tailroom. Returns 0 or -BPF2ARM_ENOMEM. */
int rt_packet_open(struct bpf2arm_packet *p, uint32_t off, uint32_t n);
/* Removes the n bytes at data + off (off + n <= length): the bytes before them move up. */
void rt_packet_close(struct bpf2arm_packet *p, uint32_t off, uint32_t n);

/* Moves n bytes between overlapping areas (the runtime has no memmove). */
static inline void rt_move(void *dst, const void *src, uint32_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  if (d < s) {
    rt_copy(d, s, n);
    return;
  }
  while (n != 0) {
    n--;
    d[n] = s[n];
    RT_OPAQUE(d);
  }
}

/* Network byte order loads and stores of packet fields (any alignment). */
static inline uint16_t rt_load_be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline void rt_store_be16(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}
/* __be16 values as BPF code holds them: the bytes in memory order read as a native
 * 16-bit integer (the runtime targets little-endian ARM and hosts). */
static inline uint32_t rt_be16_raw(uint32_t host_order) { return ((host_order & 0xffu) << 8) | ((host_order >> 8) & 0xffu); }

#define RT_ETH_P_IP 0x0800u
#define RT_ETH_P_IPV6 0x86ddu
#define RT_ETH_P_8021Q 0x8100u
#define RT_ETH_P_8021AD 0x88a8u
#define RT_VLAN_HLEN 4u

#endif
