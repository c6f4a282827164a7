/* bpf2arm packet contexts: run XDP and tc (sched_cls) programs over a firmware frame
 * buffer. The program gets the kernel's `struct xdp_md` or `struct __sk_buff` (its
 * fields at the kernel's offsets, `data`/`data_end`/`data_meta` as 32-bit addresses),
 * and the packet helpers of the runtime stub (bpf_xdp_adjust_head, bpf_skb_store_bytes,
 * bpf_redirect, ...) work on the frame within the buffer's headroom and tailroom.
 *
 *   static unsigned char frame[2048];          // headroom | packet | tailroom
 *   struct bpf2arm_xdp x;
 *   bpf2arm_xdp_init(&x, frame, sizeof frame, 256, rx_len);   // packet at frame + 256
 *   x.md.ingress_ifindex = 1;
 *   uint32_t action = bpf2arm_xdp_end(&x, xdp_prog(bpf2arm_xdp_begin(&x)));
 *   // the frame is now x.pkt.data .. x.pkt.data_end, metadata x.pkt.data_meta .. x.pkt.data
 *
 * Every per-packet state lives in the struct the firmware owns (the context is its first
 * member, so the helpers reach the rest from the pointer the program passes them): runs
 * are reentrant. bpf_redirect() and bpf_redirect_map() take no context, as in the
 * kernel, so begin() also makes the packet the current one of this CPU (a per-CPU
 * pointer that end() restores, so a run inside an interrupt handler nests correctly);
 * a task must not migrate to another CPU between begin() and end().
 *
 * Frames are flat: the whole packet is in one buffer (no fragments, no GSO), and its
 * checksums are in the packet bytes (the kernel's CHECKSUM_NONE).
 */
#ifndef BPF2ARM_PACKET_H
#define BPF2ARM_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "bpf2arm/runtime.h"

#ifdef __cplusplus
#define BPF2ARM_ALIGN8 alignas(8)
extern "C" {
#else
#define BPF2ARM_ALIGN8 _Alignas(8)
#endif

/* ---- the kernel's contexts (uapi linux/bpf.h, Linux 6.1), for 32-bit ARM ----
 * Each struct is declared only where BPF2ARM_HAVE_STRUCT_<name> is not yet defined, and
 * defines it. Headers from `bpf2arm --header` follow the same rule for every struct they
 * declare, so they and this header may be included in either order; a firmware that
 * includes <linux/bpf.h> before this header uses its definitions. Either way the static
 * asserts below check the declaration that won. */
#if defined(_UAPI__LINUX_BPF_H__) || defined(__LINUX_BPF_H__)
#define BPF2ARM_HAVE_STRUCT_xdp_md
#define BPF2ARM_HAVE_STRUCT___sk_buff
#define BPF2ARM_HAVE_STRUCT_bpf_tunnel_key
#endif
#ifndef BPF2ARM_HAVE_STRUCT_xdp_md
#define BPF2ARM_HAVE_STRUCT_xdp_md
struct xdp_md {
  uint32_t data;
  uint32_t data_end;
  uint32_t data_meta;
  uint32_t ingress_ifindex;
  uint32_t rx_queue_index;
  uint32_t egress_ifindex;
};
#endif

#ifndef BPF2ARM_HAVE_STRUCT___sk_buff
#define BPF2ARM_HAVE_STRUCT___sk_buff
struct __sk_buff {
  uint32_t len;
  uint32_t pkt_type;
  uint32_t mark;
  uint32_t queue_mapping;
  uint32_t protocol;      /* the Ethernet type in network byte order, as __be16 */
  uint32_t vlan_present;
  uint32_t vlan_tci;
  uint32_t vlan_proto;    /* network byte order */
  uint32_t priority;
  uint32_t ingress_ifindex;
  uint32_t ifindex;
  uint32_t tc_index;
  uint32_t cb[5];
  uint32_t hash;
  uint32_t tc_classid;
  uint32_t data;
  uint32_t data_end;
  uint32_t napi_id;
  uint32_t family;
  uint32_t remote_ip4;
  uint32_t local_ip4;
  uint32_t remote_ip6[4];
  uint32_t local_ip6[4];
  uint32_t remote_port;
  uint32_t local_port;
  uint32_t data_meta;
  BPF2ARM_ALIGN8 uint64_t flow_keys; /* __bpf_md_ptr: a pointer in an 8-byte slot */
  uint64_t tstamp;
  uint32_t wire_len;
  uint32_t gso_segs;
  BPF2ARM_ALIGN8 uint64_t sk;        /* __bpf_md_ptr */
  uint32_t gso_size;
  uint8_t tstamp_type;
  uint8_t reserved_after_tstamp_type[3]; /* the kernel's `__u32 :24` */
  uint64_t hwtstamp;
};
#endif

#ifndef BPF2ARM_HAVE_STRUCT_bpf_tunnel_key
#define BPF2ARM_HAVE_STRUCT_bpf_tunnel_key
struct bpf_tunnel_key {
  uint32_t tunnel_id;
  union {
    uint32_t remote_ipv4;
    uint32_t remote_ipv6[4];
  };
  uint8_t tunnel_tos;
  uint8_t tunnel_ttl;
  union {
    uint16_t tunnel_ext;
    uint16_t tunnel_flags;
  };
  uint32_t tunnel_label;
  union {
    uint32_t local_ipv4;
    uint32_t local_ipv6[4];
  };
};
#endif

/* Offsets the BPF program's loads use, from uapi linux/bpf.h (Linux 6.1). */
#define BPF2ARM_CHECK_FIELD(type, field, offset)                                                    \
  BPF2ARM_LAYOUT_CHECK(offsetof(struct type, field) == (offset), #type "." #field " at the kernel's offset")
BPF2ARM_CHECK_FIELD(xdp_md, data, 0);
BPF2ARM_CHECK_FIELD(xdp_md, data_end, 4);
BPF2ARM_CHECK_FIELD(xdp_md, data_meta, 8);
BPF2ARM_CHECK_FIELD(xdp_md, ingress_ifindex, 12);
BPF2ARM_CHECK_FIELD(xdp_md, rx_queue_index, 16);
BPF2ARM_CHECK_FIELD(xdp_md, egress_ifindex, 20);
BPF2ARM_LAYOUT_CHECK(sizeof(struct xdp_md) == 24, "struct xdp_md size");
BPF2ARM_CHECK_FIELD(__sk_buff, len, 0);
BPF2ARM_CHECK_FIELD(__sk_buff, mark, 8);
BPF2ARM_CHECK_FIELD(__sk_buff, protocol, 16);
BPF2ARM_CHECK_FIELD(__sk_buff, vlan_present, 20);
BPF2ARM_CHECK_FIELD(__sk_buff, vlan_tci, 24);
BPF2ARM_CHECK_FIELD(__sk_buff, vlan_proto, 28);
BPF2ARM_CHECK_FIELD(__sk_buff, priority, 32);
BPF2ARM_CHECK_FIELD(__sk_buff, ingress_ifindex, 36);
BPF2ARM_CHECK_FIELD(__sk_buff, ifindex, 40);
BPF2ARM_CHECK_FIELD(__sk_buff, tc_index, 44);
BPF2ARM_CHECK_FIELD(__sk_buff, cb, 48);
BPF2ARM_CHECK_FIELD(__sk_buff, hash, 68);
BPF2ARM_CHECK_FIELD(__sk_buff, tc_classid, 72);
BPF2ARM_CHECK_FIELD(__sk_buff, data, 76);
BPF2ARM_CHECK_FIELD(__sk_buff, data_end, 80);
BPF2ARM_CHECK_FIELD(__sk_buff, napi_id, 84);
BPF2ARM_CHECK_FIELD(__sk_buff, family, 88);
BPF2ARM_CHECK_FIELD(__sk_buff, remote_ip6, 100);
BPF2ARM_CHECK_FIELD(__sk_buff, local_ip6, 116);
BPF2ARM_CHECK_FIELD(__sk_buff, local_port, 136);
BPF2ARM_CHECK_FIELD(__sk_buff, data_meta, 140);
BPF2ARM_CHECK_FIELD(__sk_buff, flow_keys, 144);
BPF2ARM_CHECK_FIELD(__sk_buff, tstamp, 152);
BPF2ARM_CHECK_FIELD(__sk_buff, wire_len, 160);
BPF2ARM_CHECK_FIELD(__sk_buff, gso_segs, 164);
BPF2ARM_CHECK_FIELD(__sk_buff, sk, 168);
BPF2ARM_CHECK_FIELD(__sk_buff, gso_size, 176);
BPF2ARM_CHECK_FIELD(__sk_buff, tstamp_type, 180);
BPF2ARM_CHECK_FIELD(__sk_buff, hwtstamp, 184);
BPF2ARM_LAYOUT_CHECK(sizeof(struct __sk_buff) == 192, "struct __sk_buff size");
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, remote_ipv4, 4);
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, tunnel_tos, 20);
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, tunnel_ttl, 21);
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, tunnel_ext, 22);
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, tunnel_label, 24);
BPF2ARM_CHECK_FIELD(bpf_tunnel_key, local_ipv4, 28);
BPF2ARM_LAYOUT_CHECK(sizeof(struct bpf_tunnel_key) == 44, "struct bpf_tunnel_key size");

/* ---- the kernel's constants the packet helpers use ---- */
enum {
  BPF2ARM_XDP_ABORTED = 0, BPF2ARM_XDP_DROP = 1, BPF2ARM_XDP_PASS = 2, BPF2ARM_XDP_TX = 3, BPF2ARM_XDP_REDIRECT = 4
};
#define BPF2ARM_TC_ACT_OK 0
#define BPF2ARM_TC_ACT_SHOT 2
#define BPF2ARM_TC_ACT_REDIRECT 7

#define BPF2ARM_F_INGRESS 1u               /* bpf_redirect (tc) */
#define BPF2ARM_F_BROADCAST (1u << 3)      /* bpf_redirect_map */
#define BPF2ARM_F_EXCLUDE_INGRESS (1u << 4)
#define BPF2ARM_F_RECOMPUTE_CSUM 1u        /* bpf_skb_store_bytes */
#define BPF2ARM_F_INVALIDATE_HASH 2u
#define BPF2ARM_F_HDR_FIELD_MASK 0xfu      /* bpf_l3/l4_csum_replace */
#define BPF2ARM_F_PSEUDO_HDR (1u << 4)
#define BPF2ARM_F_MARK_MANGLED_0 (1u << 5)
#define BPF2ARM_F_MARK_ENFORCE (1u << 6)
#define BPF2ARM_F_TUNINFO_IPV6 1u          /* bpf_skb_set/get_tunnel_key */
#define BPF2ARM_F_ZERO_CSUM_TX (1u << 1)
#define BPF2ARM_F_DONT_FRAGMENT (1u << 2)
#define BPF2ARM_F_SEQ_NUMBER (1u << 3)
#define BPF2ARM_F_TUNINFO_FLAGS (1u << 4)
#define BPF2ARM_ADJ_ROOM_NET 0u            /* bpf_skb_adjust_room modes and flags */
#define BPF2ARM_ADJ_ROOM_MAC 1u
#define BPF2ARM_F_ADJ_ROOM_FIXED_GSO 1u
#define BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV4 (1u << 1)
#define BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV6 (1u << 2)
#define BPF2ARM_F_ADJ_ROOM_ENCAP_L4_GRE (1u << 3)
#define BPF2ARM_F_ADJ_ROOM_ENCAP_L4_UDP (1u << 4)
#define BPF2ARM_F_ADJ_ROOM_NO_CSUM_RESET (1u << 5)
#define BPF2ARM_F_ADJ_ROOM_ENCAP_L2_ETH (1u << 6)
#define BPF2ARM_ADJ_ROOM_ENCAP_L2_SHIFT 56 /* inner MAC header length in bits 56..63 */

#define BPF2ARM_ETH_HLEN 14u
#define BPF2ARM_XDP_META_MAX 32u           /* metadata: at most 32 bytes, a multiple of 4 */
#define BPF2ARM_CSUM_DIFF_MAX 512u         /* bpf_csum_diff: from_size + to_size */

/* Bits of bpf2arm_tunnel.flags: the kernel's TUNNEL_* values (host byte order). */
#define BPF2ARM_TUNNEL_CSUM 0x0001u
#define BPF2ARM_TUNNEL_KEY 0x0004u
#define BPF2ARM_TUNNEL_SEQ 0x0008u
#define BPF2ARM_TUNNEL_DONT_FRAGMENT 0x0100u

/* ---- firmware-side packet state ---- */
enum bpf2arm_packet_kind { BPF2ARM_PACKET_XDP = 1, BPF2ARM_PACKET_SKB = 2 };

/* The frame and what the run decided. The firmware reads every field after end(); it
 * changes them only through the init functions. */
struct bpf2arm_packet {
  unsigned char *buf;       /* first byte of the headroom */
  unsigned char *buf_end;   /* one past the last byte of the tailroom */
  unsigned char *data_meta; /* metadata: [data_meta, data) */
  unsigned char *data;      /* packet: [data, data_end) */
  unsigned char *data_end;
  uint32_t kind;            /* enum bpf2arm_packet_kind */
  /* Redirect target, recorded by bpf_redirect / bpf_redirect_map during the run. */
  uint32_t redirect_set;      /* 1 once a target was recorded */
  uint32_t redirect_ifindex;  /* bpf_redirect's ifindex, or the DEVMAP entry's */
  uint32_t redirect_flags;    /* the helper's flags (BPF2ARM_F_INGRESS, _BROADCAST, ...) */
  struct bpf2arm_map *redirect_map; /* the DEVMAP of bpf_redirect_map, else NULL */
  uint32_t redirect_key;
  /* After a REDIRECT action: what bpf2arm_platform_redirect() answered (0: sent), or
   * -BPF2ARM_EINVAL when the program recorded no target. 0 after other actions. */
  int32_t redirect_status;
  struct bpf2arm_packet *interrupted; /* the run this one nested into on this CPU */
  uint32_t cpu;
};

struct bpf2arm_xdp {
  struct xdp_md md; /* first: the program's context pointer is this struct's address */
  struct bpf2arm_packet pkt;
};

/* Tunnel metadata of an skb (the kernel's ip_tunnel_info, reduced): the firmware fills
 * it for a frame that came out of a tunnel (bpf_skb_get_tunnel_key reads it), and
 * reads it after the run to encapsulate a frame the program set a key on. Addresses
 * are those of the outer header: `src` is the remote end on receive, `dst` is it on
 * transmit (as in the kernel, a key set and read back swaps remote and local). IPv4
 * addresses are in src[0]/dst[0] in host byte order (as bpf_tunnel_key has them);
 * IPv6 ones as the 16 bytes of bpf_tunnel_key's arrays. */
struct bpf2arm_tunnel {
  uint32_t present;  /* 0: no tunnel metadata */
  uint32_t ipv6;
  uint32_t id;       /* tunnel_id (VNI, GRE key) */
  uint32_t src[4];
  uint32_t dst[4];
  uint32_t label;    /* IPv6 flow label (20 bits) */
  uint16_t flags;    /* BPF2ARM_TUNNEL_* */
  uint8_t tos;
  uint8_t ttl;
};

struct bpf2arm_skb {
  struct __sk_buff skb; /* first, as for struct bpf2arm_xdp */
  struct bpf2arm_packet pkt;
  struct bpf2arm_tunnel tunnel;
};

/* ---- the firmware API ----
 * init: the packet is `len` bytes at buffer + headroom; buffer + size is the end of the
 * tailroom. Returns 0, or -BPF2ARM_EINVAL (nothing set up) when headroom + len > size
 * or, for XDP, len < BPF2ARM_ETH_HLEN. Every other context field starts at 0; set the
 * ones the program reads (ingress_ifindex, mark, hash, ...) before begin(). */
int bpf2arm_xdp_init(struct bpf2arm_xdp *x, void *buffer, uint32_t size, uint32_t headroom, uint32_t len);
/* For skbs the last meta_len bytes of the headroom are metadata (data_meta), e.g. what an
 * XDP program left; protocol is read from the Ethernet header (the kernel's
 * eth_type_trans), wire_len and gso_segs are those of one unsegmented frame. Returns
 * -BPF2ARM_EINVAL also when meta_len > headroom. */
int bpf2arm_skb_init(struct bpf2arm_skb *s, void *buffer, uint32_t size, uint32_t headroom, uint32_t len,
                     uint32_t meta_len);

/* begin: clears the redirect record, makes the packet current on this CPU and returns
 * the context to pass to the program. end: takes the program's return value, restores
 * the CPU's previous current packet, and for XDP_REDIRECT / TC_ACT_REDIRECT hands the
 * frame to bpf2arm_platform_redirect() (result in pkt.redirect_status); returns the
 * action as a 32-bit value. */
struct xdp_md *bpf2arm_xdp_begin(struct bpf2arm_xdp *x);
uint32_t bpf2arm_xdp_end(struct bpf2arm_xdp *x, int64_t program_result);
struct __sk_buff *bpf2arm_skb_begin(struct bpf2arm_skb *s);
uint32_t bpf2arm_skb_end(struct bpf2arm_skb *s, int64_t program_result);

/* The firmware struct a context or packet belongs to (container arithmetic). */
static inline struct bpf2arm_xdp *bpf2arm_xdp_of(struct xdp_md *md) { return (struct bpf2arm_xdp *)(void *)md; }
static inline struct bpf2arm_skb *bpf2arm_skb_of(struct __sk_buff *skb) { return (struct bpf2arm_skb *)(void *)skb; }
static inline struct bpf2arm_xdp *bpf2arm_xdp_of_packet(struct bpf2arm_packet *p) {
  return (struct bpf2arm_xdp *)(void *)((unsigned char *)p - offsetof(struct bpf2arm_xdp, pkt));
}
static inline struct bpf2arm_skb *bpf2arm_skb_of_packet(struct bpf2arm_packet *p) {
  return (struct bpf2arm_skb *)(void *)((unsigned char *)p - offsetof(struct bpf2arm_skb, pkt));
}
static inline uint32_t bpf2arm_packet_len(const struct bpf2arm_packet *p) { return (uint32_t)(p->data_end - p->data); }
static inline uint32_t bpf2arm_packet_meta_len(const struct bpf2arm_packet *p) {
  return (uint32_t)(p->data - p->data_meta);
}

/* After a tc run whose program pushed a VLAN tag (vlan_present), writes the tag into
 * the frame after the MAC addresses, as a driver without VLAN offload must before
 * sending. Returns 0, -BPF2ARM_ENOMEM without 4 bytes of head- or tailroom. */
int bpf2arm_skb_vlan_to_frame(struct bpf2arm_skb *s);

/* ---- the packet helpers (bpf_helper_defs.h prototypes, ARM32 types) ---- */
int64_t bpf_xdp_adjust_head(struct xdp_md *xdp_md, int32_t delta);
int64_t bpf_xdp_adjust_tail(struct xdp_md *xdp_md, int32_t delta);
int64_t bpf_xdp_adjust_meta(struct xdp_md *xdp_md, int32_t delta);
uint64_t bpf_xdp_get_buff_len(struct xdp_md *xdp_md);
int64_t bpf_redirect(uint32_t ifindex, uint64_t flags);
int64_t bpf_redirect_map(void *map, uint64_t key, uint64_t flags);
int64_t bpf_skb_set_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, uint32_t size, uint64_t flags);
int64_t bpf_skb_get_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, uint32_t size, uint64_t flags);
int64_t bpf_csum_diff(uint32_t *from, uint32_t from_size, uint32_t *to, uint32_t to_size, uint32_t seed);
int64_t bpf_l3_csum_replace(struct __sk_buff *skb, uint32_t offset, uint64_t from, uint64_t to, uint64_t size);
int64_t bpf_l4_csum_replace(struct __sk_buff *skb, uint32_t offset, uint64_t from, uint64_t to, uint64_t flags);
int64_t bpf_skb_load_bytes(const void *skb, uint32_t offset, void *to, uint32_t len);
int64_t bpf_skb_store_bytes(struct __sk_buff *skb, uint32_t offset, const void *from, uint32_t len, uint64_t flags);
int64_t bpf_skb_pull_data(struct __sk_buff *skb, uint32_t len);
int64_t bpf_skb_change_tail(struct __sk_buff *skb, uint32_t len, uint64_t flags);
int64_t bpf_skb_adjust_room(struct __sk_buff *skb, int32_t len_diff, uint32_t mode, uint64_t flags);
uint32_t bpf_get_hash_recalc(struct __sk_buff *skb);
int64_t bpf_skb_vlan_push(struct __sk_buff *skb, uint16_t vlan_proto, uint16_t vlan_tci);
int64_t bpf_skb_vlan_pop(struct __sk_buff *skb);

#ifdef __cplusplus
}
#endif

#endif
