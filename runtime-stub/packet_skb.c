/* The tc (__sk_buff) packet helpers on a flat frame, with the kernel's limits and error
 * codes: byte access, resizing, VLAN tags, tunnel metadata and the flow hash. As for a
 * tc program in the kernel, data points at the Ethernet header. */
#include "rt_packet.h"

static int range_ok(const struct bpf2arm_packet *p, uint32_t offset, uint32_t len) {
  return (uint64_t)offset + len <= bpf2arm_packet_len(p);
}

/* Out of the packet: `to` is zeroed and the answer is -EFAULT. */
int64_t bpf_skb_load_bytes(const void *skb, uint32_t offset, void *to, uint32_t len) {
  struct bpf2arm_packet *p = rt_skb_packet((struct __sk_buff *)(uintptr_t)skb);
  if (offset > 0x7fffffffu || !range_ok(p, offset, len)) {
    rt_zero(to, len);
    return -BPF2ARM_EFAULT;
  }
  rt_copy(to, p->data + offset, len);
  return 0;
}

/* Flags: BPF_F_RECOMPUTE_CSUM (updates the kernel's skb->csum of received frames with a
 * hardware checksum; flat frames carry theirs in the bytes, so nothing to do) and
 * BPF_F_INVALIDATE_HASH (clears skb->hash). */
int64_t bpf_skb_store_bytes(struct __sk_buff *skb, uint32_t offset, const void *from, uint32_t len, uint64_t flags) {
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  if (flags & ~(uint64_t)(BPF2ARM_F_RECOMPUTE_CSUM | BPF2ARM_F_INVALIDATE_HASH)) return -BPF2ARM_EINVAL;
  if (offset > 0x7fffffffu || !range_ok(p, offset, len)) return -BPF2ARM_EFAULT;
  rt_move(p->data + offset, from, len); /* `from` may point into the packet itself */
  if (flags & BPF2ARM_F_INVALIDATE_HASH) skb->hash = 0;
  return 0;
}

/* The whole frame is linear and writable already: only a length past its end fails
 * (-ENOMEM, the kernel's answer when it cannot pull that much). */
int64_t bpf_skb_pull_data(struct __sk_buff *skb, uint32_t len) {
  return len <= bpf2arm_packet_len(rt_skb_packet(skb)) ? 0 : -BPF2ARM_ENOMEM;
}

/* New length between an Ethernet header and the end of the tailroom, flags 0, else
 * -EINVAL. Grown bytes are zeroed. */
int64_t bpf_skb_change_tail(struct __sk_buff *skb, uint32_t len, uint64_t flags) {
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  if (flags != 0 || len < BPF2ARM_ETH_HLEN || len > (uint64_t)(p->buf_end - p->data)) return -BPF2ARM_EINVAL;
  unsigned char *end = p->data + len;
  if (end > p->data_end) rt_zero(p->data_end, (uint32_t)(end - p->data_end));
  p->data_end = end;
  rt_packet_sync(p);
  return 0;
}

static int is_vlan_proto(uint32_t raw) {
  return raw == rt_be16_raw(RT_ETH_P_8021Q) || raw == rt_be16_raw(RT_ETH_P_8021AD);
}

/* Room opens or closes after the Ethernet header (BPF_ADJ_ROOM_MAC) or after the fixed
 * IPv4 / IPv6 header (BPF_ADJ_ROOM_NET: 20 or 40 bytes, as the kernel counts it) of an
 * IPv4 or IPv6 frame (else -ENOTSUPP). |len_diff| is at most 0xfff (-EFAULT); a shrink
 * keeps the network header (-ENOTSUPP); grown room is zeroed and needs as much head- or
 * tailroom (-ENOMEM). The ENCAP flags only say what the new room holds (the kernel
 * records inner header offsets for offloads); with an ENCAP_L3 flag the combinations
 * are checked (one L3 and at most one L4 type, an ENCAP_L2_ETH inner header of 14 bytes,
 * the outer headers within the room: else -EINVAL), and an IPv6-in-IPv4 (or back)
 * encapsulation changes skb->protocol. */
int64_t bpf_skb_adjust_room(struct __sk_buff *skb, int32_t len_diff, uint32_t mode, uint64_t flags) {
  const uint64_t l3 = BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV6;
  const uint64_t l4 = BPF2ARM_F_ADJ_ROOM_ENCAP_L4_GRE | BPF2ARM_F_ADJ_ROOM_ENCAP_L4_UDP;
  const uint64_t l2_len_mask = (uint64_t)0xff << BPF2ARM_ADJ_ROOM_ENCAP_L2_SHIFT;
  const uint64_t known = BPF2ARM_F_ADJ_ROOM_FIXED_GSO | l3 | l4 | BPF2ARM_F_ADJ_ROOM_ENCAP_L2_ETH | l2_len_mask |
                         BPF2ARM_F_ADJ_ROOM_NO_CSUM_RESET;
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  uint32_t diff = len_diff < 0 ? 0u - (uint32_t)len_diff : (uint32_t)len_diff;
  int is_ipv4 = skb->protocol == rt_be16_raw(RT_ETH_P_IP);
  uint32_t net_len = is_ipv4 ? 20u : 40u;
  if (flags & ~known) return -BPF2ARM_EINVAL;
  if (diff > 0xfffu) return -BPF2ARM_EFAULT;
  if (!is_ipv4 && skb->protocol != rt_be16_raw(RT_ETH_P_IPV6)) return -BPF2ARM_ENOTSUPP;
  if (mode != BPF2ARM_ADJ_ROOM_MAC && mode != BPF2ARM_ADJ_ROOM_NET) return -BPF2ARM_ENOTSUPP;
  uint32_t off = BPF2ARM_ETH_HLEN + (mode == BPF2ARM_ADJ_ROOM_NET ? net_len : 0u);
  uint32_t len = bpf2arm_packet_len(p);
  uint32_t l3_len = len > BPF2ARM_ETH_HLEN ? len - BPF2ARM_ETH_HLEN : 0u;
  if (len_diff < 0) {
    if (diff >= l3_len || l3_len - diff < net_len) return -BPF2ARM_ENOTSUPP;
    if (flags & ~(uint64_t)(BPF2ARM_F_ADJ_ROOM_FIXED_GSO | BPF2ARM_F_ADJ_ROOM_NO_CSUM_RESET)) return -BPF2ARM_EINVAL;
    if (off + diff > len) return -BPF2ARM_ENOTSUPP;
    rt_packet_close(p, off, diff);
    return 0;
  }
  if (flags & l3) {
    uint32_t inner_mac_len = (uint32_t)(flags >> BPF2ARM_ADJ_ROOM_ENCAP_L2_SHIFT);
    uint32_t outer = (flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV6 ? 40u : 20u) +
                     (flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L4_GRE ? 4u : flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L4_UDP ? 8u : 0u);
    if ((flags & l3) == l3 || (flags & l4) == l4) return -BPF2ARM_EINVAL;
    if ((flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len != BPF2ARM_ETH_HLEN) return -BPF2ARM_EINVAL;
    if (outer + inner_mac_len > diff) return -BPF2ARM_EINVAL;
  }
  int err = rt_packet_open(p, off, diff);
  if (err) return err;
  if (is_ipv4 && (flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV6)) skb->protocol = rt_be16_raw(RT_ETH_P_IPV6);
  if (!is_ipv4 && (flags & BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV4)) skb->protocol = rt_be16_raw(RT_ETH_P_IP);
  return 0;
}

/* ---- VLAN: as in the kernel, the outermost tag of an skb is metadata (vlan_present,
 * vlan_tci, vlan_proto), and further tags are in the frame after the MAC addresses. */

static int64_t insert_tag(struct __sk_buff *skb, uint32_t proto_raw, uint32_t tci) {
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  if (bpf2arm_packet_len(p) < BPF2ARM_ETH_HLEN) return -BPF2ARM_EINVAL;
  int err = rt_packet_open(p, 12, RT_VLAN_HLEN);
  if (err) return err;
  rt_store_be16(p->data + 12, rt_be16_raw(proto_raw));
  rt_store_be16(p->data + 14, tci);
  skb->protocol = proto_raw;
  return 0;
}

/* Takes the tag after the MAC addresses out of the frame (at least 18 bytes, else
 * -ENOMEM); skb->protocol becomes the type it carried. */
static int64_t remove_tag(struct __sk_buff *skb, uint32_t *tci) {
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  if (bpf2arm_packet_len(p) < BPF2ARM_ETH_HLEN + RT_VLAN_HLEN) return -BPF2ARM_ENOMEM;
  *tci = rt_load_be16(p->data + 14);
  uint32_t inner = rt_load_be16(p->data + 16);
  rt_packet_close(p, 12, RT_VLAN_HLEN);
  skb->protocol = rt_be16_raw(inner >= 0x600 ? inner : 0x0004u /* ETH_P_802_2 */);
  return 0;
}

/* A protocol other than 802.1Q or 802.1ad counts as 802.1Q. A tag already present
 * moves into the frame first (needs 4 bytes of head- or tailroom, else -ENOMEM). */
int64_t bpf_skb_vlan_push(struct __sk_buff *skb, uint16_t vlan_proto, uint16_t vlan_tci) {
  uint32_t proto = is_vlan_proto(vlan_proto) ? vlan_proto : rt_be16_raw(RT_ETH_P_8021Q);
  if (skb->vlan_present) {
    int64_t err = insert_tag(skb, skb->vlan_proto, skb->vlan_tci);
    if (err) return err;
  }
  skb->vlan_present = 1;
  skb->vlan_proto = proto;
  skb->vlan_tci = vlan_tci;
  return 0;
}

/* Drops the outermost tag (the metadata one, else the frame's first); then a tag left in
 * the frame becomes the metadata one. No tag at all: nothing happens, 0. */
int64_t bpf_skb_vlan_pop(struct __sk_buff *skb) {
  uint32_t tci;
  if (skb->vlan_present) {
    skb->vlan_present = 0;
    skb->vlan_tci = 0;
    skb->vlan_proto = 0;
  } else {
    if (!is_vlan_proto(skb->protocol)) return 0;
    int64_t err = remove_tag(skb, &tci);
    if (err) return err;
  }
  if (!is_vlan_proto(skb->protocol)) return 0;
  uint32_t proto = skb->protocol;
  int64_t err = remove_tag(skb, &tci);
  if (err) return err;
  skb->vlan_present = 1;
  skb->vlan_proto = proto;
  skb->vlan_tci = tci;
  return 0;
}

/* ---- tunnel metadata: the skb's struct bpf2arm_tunnel ---- */

/* Sizes older programs pass: struct bpf_tunnel_key ending before remote_ipv6[1],
 * tunnel_ext, tunnel_label or local_ipv4. */
static int compat_key_size(uint32_t size) { return size == 8 || size == 22 || size == 24 || size == 28; }

/* Flags: BPF_F_TUNINFO_IPV6, BPF_F_ZERO_CSUM_TX (no outer UDP checksum), BPF_F_DONT_FRAGMENT,
 * BPF_F_SEQ_NUMBER, else -EINVAL, as are an unknown size, a flow label on IPv4 and a
 * nonzero tunnel_ext. The key's remote address becomes the outer destination. */
int64_t bpf_skb_set_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, uint32_t size, uint64_t flags) {
  const uint64_t known =
      BPF2ARM_F_TUNINFO_IPV6 | BPF2ARM_F_ZERO_CSUM_TX | BPF2ARM_F_DONT_FRAGMENT | BPF2ARM_F_SEQ_NUMBER;
  struct bpf2arm_tunnel *t = &bpf2arm_skb_of(skb)->tunnel;
  struct bpf_tunnel_key k;
  int ipv6 = (flags & BPF2ARM_F_TUNINFO_IPV6) != 0;
  if (flags & ~known) return -BPF2ARM_EINVAL;
  if (size != sizeof k && !compat_key_size(size)) return -BPF2ARM_EINVAL;
  rt_zero(&k, sizeof k);
  rt_copy(&k, key, size);
  if ((!ipv6 && k.tunnel_label != 0) || k.tunnel_ext != 0) return -BPF2ARM_EINVAL;
  rt_zero(t, sizeof *t);
  t->present = 1;
  t->ipv6 = (uint32_t)ipv6;
  t->id = k.tunnel_id;
  t->tos = k.tunnel_tos;
  t->ttl = k.tunnel_ttl;
  t->flags = (uint16_t)(BPF2ARM_TUNNEL_KEY | (flags & BPF2ARM_F_ZERO_CSUM_TX ? 0u : BPF2ARM_TUNNEL_CSUM) |
                        (flags & BPF2ARM_F_DONT_FRAGMENT ? BPF2ARM_TUNNEL_DONT_FRAGMENT : 0u) |
                        (flags & BPF2ARM_F_SEQ_NUMBER ? BPF2ARM_TUNNEL_SEQ : 0u));
  if (ipv6) {
    rt_copy(t->dst, k.remote_ipv6, sizeof t->dst);
    rt_copy(t->src, k.local_ipv6, sizeof t->src);
    t->label = k.tunnel_label & 0xfffffu;
  } else {
    t->dst[0] = k.remote_ipv4;
    t->src[0] = k.local_ipv4;
  }
  return 0;
}

/* No metadata or unknown flags: -EINVAL; IPv4 metadata read as IPv6 or back: -EPROTO;
 * an unknown size: -EINVAL (8, the oldest layout, only for IPv4). On error the key is
 * zeroed. The outer source is the remote end. BPF_F_TUNINFO_FLAGS fills tunnel_flags
 * with the kernel's TUNNEL_* bits as its __be16 holds them. */
int64_t bpf_skb_get_tunnel_key(struct __sk_buff *skb, struct bpf_tunnel_key *key, uint32_t size, uint64_t flags) {
  const struct bpf2arm_tunnel *t = &bpf2arm_skb_of(skb)->tunnel;
  int ipv6 = (flags & BPF2ARM_F_TUNINFO_IPV6) != 0;
  int64_t err = 0;
  struct bpf_tunnel_key k;
  rt_zero(&k, sizeof k);
  if (!t->present || (flags & ~(uint64_t)(BPF2ARM_F_TUNINFO_IPV6 | BPF2ARM_F_TUNINFO_FLAGS)))
    err = -BPF2ARM_EINVAL;
  else if ((uint32_t)ipv6 != t->ipv6)
    err = -BPF2ARM_EPROTO;
  else if (size != sizeof k && !(compat_key_size(size) && (size != 8 || !ipv6)))
    err = -BPF2ARM_EINVAL;
  if (err) {
    rt_zero(key, size);
    return err;
  }
  k.tunnel_id = t->id;
  k.tunnel_tos = t->tos;
  k.tunnel_ttl = t->ttl;
  if (flags & BPF2ARM_F_TUNINFO_FLAGS) k.tunnel_flags = (uint16_t)rt_be16_raw(t->flags);
  if (ipv6) {
    rt_copy(k.remote_ipv6, t->src, sizeof k.remote_ipv6);
    rt_copy(k.local_ipv6, t->dst, sizeof k.local_ipv6);
    k.tunnel_label = t->label;
  } else {
    k.remote_ipv4 = t->src[0];
    k.local_ipv4 = t->dst[0];
  }
  rt_copy(key, &k, size);
  return 0;
}

/* ---- flow hash ---- */

/* A 32-bit mixing step (the finalizer of MurmurHash3). */
static uint32_t mix(uint32_t h, uint32_t v) {
  h ^= v;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static uint32_t mix_bytes(uint32_t h, const unsigned char *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i += 4) h = mix(h, rt_load_u32(p + i));
  return h;
}

/* The flow of an Ethernet frame (in-frame VLAN tags skipped): IPv4 or IPv6 addresses,
 * protocol and, for TCP/UDP/SCTP/UDP-Lite, the ports of an unfragmented packet; other
 * frames hash their Ethernet type. */
static uint32_t flow_hash(const unsigned char *d, uint32_t len) {
  uint32_t off = 12, type = 0, proto = 0, l4 = 0;
  uint32_t h = 0x9e3779b9u;
  while (off + 2 <= len) {
    type = rt_load_be16(d + off);
    if (type != RT_ETH_P_8021Q && type != RT_ETH_P_8021AD) break;
    off += RT_VLAN_HLEN;
  }
  off += 2;
  h = mix(h, type);
  if (type == RT_ETH_P_IP && off + 20 <= len) {
    const unsigned char *ip = d + off;
    uint32_t ihl = (ip[0] & 0xfu) * 4u;
    int fragment = (rt_load_be16(ip + 6) & 0x3fffu) != 0;
    proto = ip[9];
    h = mix_bytes(h, ip + 12, 8);
    l4 = !fragment && ihl >= 20 ? off + ihl : 0;
  } else if (type == RT_ETH_P_IPV6 && off + 40 <= len) {
    proto = d[off + 6];
    h = mix_bytes(h, d + off + 8, 32);
    l4 = off + 40;
  }
  h = mix(h, proto);
  if (l4 != 0 && (proto == 6 || proto == 17 || proto == 132 || proto == 136) && l4 + 4 <= len)
    h = mix(h, rt_load_u32(d + l4));
  return h;
}

/* skb->hash when set (the firmware may store its NIC's hash there), else a hash of the
 * flow, stored in skb->hash and never 0. The kernel's flow hash uses a secret seed, so
 * no program can depend on its value; this one is a fixed function of the flow. */
uint32_t bpf_get_hash_recalc(struct __sk_buff *skb) {
  if (skb->hash != 0) return skb->hash;
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  uint32_t h = flow_hash(p->data, bpf2arm_packet_len(p));
  skb->hash = h != 0 ? h : 1u;
  return skb->hash;
}
