/* The __sk_buff helpers on flat frames: byte access, resizing, adjust_room, VLAN tags,
 * tunnel keys and the flow hash, against bpf-helpers(7) and the kernel's limits. */
#include <string.h>

#include "test.h"
#include "test_packet.h"

static unsigned char buf[512];
static struct bpf2arm_skb s;

/* An Ethernet frame at buf + headroom: MAC addresses 02:..:01 / 02:..:02, the type, then
 * `payload` bytes numbered from 1. Returns the frame's length. */
static uint32_t ether_frame(uint32_t headroom, uint16_t type, uint32_t payload) {
  static const unsigned char macs[12] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};
  unsigned char *f = buf + headroom;
  memset(buf, 0xee, sizeof buf);
  memcpy(f, macs, 12);
  f[12] = (unsigned char)(type >> 8);
  f[13] = (unsigned char)type;
  for (uint32_t i = 0; i < payload; i++) f[14 + i] = (unsigned char)(i + 1);
  return 14 + payload;
}

/* __be16 as the context holds it: the two bytes in memory order. */
static uint32_t be16_field(uint16_t host) {
  unsigned char b[2] = {(unsigned char)(host >> 8), (unsigned char)host};
  uint16_t v;
  memcpy(&v, b, 2);
  return v;
}

/* An IPv4/UDP frame (20-byte IP header, 8-byte UDP header, `payload` bytes). */
static uint32_t udp4_frame(uint32_t headroom, uint16_t sport, uint32_t payload) {
  uint32_t len = ether_frame(headroom, 0x0800, 20 + 8 + payload);
  unsigned char *ip = buf + headroom + 14;
  static const unsigned char hdr[20] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  memcpy(ip, hdr, 20);
  ip[2] = (unsigned char)((len - 14) >> 8);
  ip[3] = (unsigned char)(len - 14);
  ip[20] = (unsigned char)(sport >> 8);
  ip[21] = (unsigned char)sport;
  ip[22] = 0x00;
  ip[23] = 0x35;
  return len;
}

static void skb_init_fields(void) {
  uint32_t len = ether_frame(64, 0x0800, 50);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 64, 65, 0), -BPF2ARM_EINVAL); /* 64 + 65 > 128 */
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 64, 10, 65), -BPF2ARM_EINVAL); /* metadata > headroom */
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 256, 64, len, 8), 0);
  CHECK_EQ(s.skb.len, len);
  CHECK_EQ(s.skb.protocol, be16_field(0x0800));
  CHECK_EQ(bpf2arm_packet_meta_len(&s.pkt), 8);
  CHECK(s.pkt.data == buf + 64 && s.pkt.data_end == buf + 64 + len && s.pkt.data_meta == buf + 56);
  if (sizeof(void *) == 4) {
    CHECK_EQ(s.skb.data, (uint32_t)(uintptr_t)(buf + 64));
    CHECK_EQ(s.skb.data_end, (uint32_t)(uintptr_t)(buf + 64 + len));
    CHECK_EQ(s.skb.data_meta, (uint32_t)(uintptr_t)(buf + 56));
  }
  CHECK_EQ(s.skb.mark + s.skb.vlan_present + s.skb.hash + s.skb.ifindex, 0);
  ether_frame(0, 0x05dc, 50); /* an 802.3 length, not a type: ETH_P_802_3 */
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 256, 0, 64, 0), 0);
  CHECK_EQ(s.skb.protocol, be16_field(0x0001));
}

static void skb_load_store_bounds(void) {
  uint32_t len = ether_frame(16, 0x0800, 50);
  unsigned char out[16];
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 16, len, 0), 0);
  CHECK_EQ(bpf_skb_load_bytes(&s.skb, 14, out, 4), 0);
  CHECK(out[0] == 1 && out[3] == 4);
  CHECK_EQ(bpf_skb_load_bytes(&s.skb, len - 4, out, 4), 0);
  CHECK_EQ(out[3], 50);
  memset(out, 0xcc, sizeof out);
  CHECK_EQ(bpf_skb_load_bytes(&s.skb, len - 3, out, 4), -BPF2ARM_EFAULT);
  for (int i = 0; i < 4; i++) CHECK_EQ(out[i], 0); /* the destination is cleared */
  CHECK_EQ(out[4], 0xcc);
  CHECK_EQ(bpf_skb_load_bytes(&s.skb, 0xffffffffu, out, 4), -BPF2ARM_EFAULT);
  CHECK_EQ(bpf_skb_load_bytes(&s.skb, len, out, 0), 0);

  s.skb.hash = 0x1234;
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, 14, "\xa1\xa2", 2, 0), 0);
  CHECK(buf[16 + 14] == 0xa1 && buf[16 + 15] == 0xa2 && buf[16 + 16] == 3);
  CHECK_EQ(s.skb.hash, 0x1234);
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, len - 1, "\xb1\xb2", 2, 0), -BPF2ARM_EFAULT);
  CHECK_EQ(buf[16 + len - 1], 50); /* unchanged */
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, 14, "\xa1", 1, 4), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, len - 1, "\xb1", 1, BPF2ARM_F_RECOMPUTE_CSUM | BPF2ARM_F_INVALIDATE_HASH), 0);
  CHECK_EQ(buf[16 + len - 1], 0xb1);
  CHECK_EQ(s.skb.hash, 0);
  /* From the packet into itself (overlapping). */
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, 15, s.pkt.data + 14, 8, 0), 0);
  CHECK(buf[16 + 15] == 0xa1 && buf[16 + 16] == 0xa2 && buf[16 + 17] == 3 && buf[16 + 22] == 8);

  CHECK_EQ(bpf_skb_pull_data(&s.skb, 0), 0);
  CHECK_EQ(bpf_skb_pull_data(&s.skb, len), 0);
  CHECK_EQ(bpf_skb_pull_data(&s.skb, len + 1), -BPF2ARM_ENOMEM);
}

static void skb_change_tail_bounds(void) {
  uint32_t len = ether_frame(16, 0x0800, 50);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 16, len, 0), 0);
  CHECK_EQ(bpf_skb_change_tail(&s.skb, 113, 0), -BPF2ARM_EINVAL); /* past the tailroom */
  CHECK_EQ(bpf_skb_change_tail(&s.skb, 100, 1), -BPF2ARM_EINVAL); /* flags must be 0 */
  CHECK_EQ(bpf_skb_change_tail(&s.skb, 112, 0), 0);
  CHECK_EQ(s.skb.len, 112);
  CHECK(s.pkt.data_end == buf + 128);
  for (uint32_t i = 16 + len; i < 128; i++) CHECK_EQ(buf[i], 0);
  CHECK_EQ(bpf_skb_change_tail(&s.skb, 13, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_change_tail(&s.skb, 14, 0), 0);
  CHECK_EQ(s.skb.len, 14);
  if (sizeof(void *) == 4) CHECK_EQ(s.skb.data_end, (uint32_t)(uintptr_t)(buf + 30));
}

static void skb_adjust_room_modes(void) {
  unsigned char orig[64];
  uint32_t len = udp4_frame(64, 1000, 8); /* 14 + 20 + 8 + 8 = 50 */
  memcpy(orig, buf + 64, len);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 256, 64, len, 0), 0);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 8, BPF2ARM_ADJ_ROOM_MAC, 0), 0);
  CHECK_EQ(s.skb.len, len + 8);
  CHECK(memcmp(s.pkt.data, orig, 14) == 0);
  for (int i = 14; i < 22; i++) CHECK_EQ(s.pkt.data[i], 0);
  CHECK(memcmp(s.pkt.data + 22, orig + 14, len - 14) == 0);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, -8, BPF2ARM_ADJ_ROOM_MAC, 0), 0);
  CHECK(memcmp(s.pkt.data, orig, len) == 0 && s.skb.len == len);
  /* NET: after the 20-byte IPv4 header. */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 4, BPF2ARM_ADJ_ROOM_NET, 0), 0);
  CHECK(memcmp(s.pkt.data, orig, 34) == 0 && memcmp(s.pkt.data + 38, orig + 34, len - 34) == 0);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, -4, BPF2ARM_ADJ_ROOM_NET, 0), 0);
  CHECK(memcmp(s.pkt.data, orig, len) == 0);
  /* Limits. */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 0x1000, BPF2ARM_ADJ_ROOM_MAC, 0), -BPF2ARM_EFAULT);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 4, 2, 0), -BPF2ARM_ENOTSUPP);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, -17, BPF2ARM_ADJ_ROOM_MAC, 0), -BPF2ARM_ENOTSUPP); /* 36 - 17 < 20 */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, -16, BPF2ARM_ADJ_ROOM_MAC, 0), 0);
  CHECK_EQ(s.skb.len, len - 16);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 16, BPF2ARM_ADJ_ROOM_MAC, 1u << 7), -BPF2ARM_EINVAL); /* unknown flag */
  ether_frame(64, 0x0806, 40); /* ARP */
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 256, 64, 54, 0), 0);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 4, BPF2ARM_ADJ_ROOM_MAC, 0), -BPF2ARM_ENOTSUPP);
}

static void skb_adjust_room_encap(void) {
  uint32_t len = udp4_frame(64, 1000, 8);
  const uint64_t v4 = BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV4, v6 = BPF2ARM_F_ADJ_ROOM_ENCAP_L3_IPV6;
  const uint64_t udp = BPF2ARM_F_ADJ_ROOM_ENCAP_L4_UDP, gre = BPF2ARM_F_ADJ_ROOM_ENCAP_L4_GRE;
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 256, 64, len, 0), 0);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 40, BPF2ARM_ADJ_ROOM_MAC, v4 | v6), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 40, BPF2ARM_ADJ_ROOM_MAC, v4 | udp | gre), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 27, BPF2ARM_ADJ_ROOM_MAC, v4 | udp), -BPF2ARM_EINVAL); /* 20 + 8 > 27 */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 50, BPF2ARM_ADJ_ROOM_MAC,
                               v4 | gre | BPF2ARM_F_ADJ_ROOM_ENCAP_L2_ETH | ((uint64_t)12 << 56)),
           -BPF2ARM_EINVAL); /* an Ethernet inner header is 14 bytes */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 28, BPF2ARM_ADJ_ROOM_MAC, v4 | udp), 0);
  CHECK_EQ(s.skb.protocol, be16_field(0x0800));
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, -28, BPF2ARM_ADJ_ROOM_MAC, v4), -BPF2ARM_EINVAL); /* shrink: no encap */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 40, BPF2ARM_ADJ_ROOM_MAC, v6), 0); /* IPv4 in IPv6 */
  CHECK_EQ(s.skb.protocol, be16_field(0x86dd));
  CHECK_EQ(s.skb.len, len + 68);
}

static void skb_adjust_room_buffer_limits(void) {
  uint32_t len = udp4_frame(0, 1000, 8);
  unsigned char orig[64];
  memcpy(orig, buf, len);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, len + 4, 0, len, 0), 0); /* no headroom, 4 bytes of tailroom */
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 8, BPF2ARM_ADJ_ROOM_MAC, 0), -BPF2ARM_ENOMEM);
  CHECK_EQ(bpf_skb_adjust_room(&s.skb, 4, BPF2ARM_ADJ_ROOM_MAC, 0), 0);
  CHECK(s.pkt.data == buf && s.skb.len == len + 4);
  CHECK(memcmp(buf, orig, 14) == 0 && memcmp(buf + 18, orig + 14, len - 14) == 0);
}

static const unsigned char untagged[18] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 1, 2, 3, 4};

static void skb_vlan_push_pop(void) {
  uint32_t len = ether_frame(32, 0x0800, 30);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 32, len, 0), 0);
  /* The first tag is metadata; the frame does not change. */
  CHECK_EQ(bpf_skb_vlan_push(&s.skb, (uint16_t)be16_field(0x8100), 100), 0);
  CHECK(s.skb.vlan_present == 1 && s.skb.vlan_tci == 100 && s.skb.vlan_proto == be16_field(0x8100));
  CHECK(s.skb.len == len && memcmp(s.pkt.data, untagged, 18) == 0);
  /* A second push moves the first tag into the frame. */
  CHECK_EQ(bpf_skb_vlan_push(&s.skb, (uint16_t)be16_field(0x88a8), 200), 0);
  static const unsigned char tagged[22] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x00, 100,
                                           0x08, 0x00, 1, 2, 3, 4};
  CHECK(s.skb.len == len + 4 && memcmp(s.pkt.data, tagged, 22) == 0);
  CHECK(s.skb.vlan_tci == 200 && s.skb.vlan_proto == be16_field(0x88a8));
  CHECK_EQ(s.skb.protocol, be16_field(0x8100));
  /* Pop drops the metadata tag, then the frame's tag becomes the metadata one. */
  CHECK_EQ(bpf_skb_vlan_pop(&s.skb), 0);
  CHECK(s.skb.len == len && memcmp(s.pkt.data, untagged, 18) == 0);
  CHECK(s.skb.vlan_present == 1 && s.skb.vlan_tci == 100 && s.skb.vlan_proto == be16_field(0x8100));
  CHECK_EQ(s.skb.protocol, be16_field(0x0800));
  CHECK_EQ(bpf_skb_vlan_pop(&s.skb), 0);
  CHECK(s.skb.vlan_present == 0 && s.skb.vlan_tci == 0);
  CHECK_EQ(bpf_skb_vlan_pop(&s.skb), 0); /* no tag: nothing */
  CHECK(s.skb.len == len && memcmp(s.pkt.data, untagged, 18) == 0);
  /* Another protocol counts as 802.1Q; the firmware writes the tag into the frame. */
  CHECK_EQ(bpf_skb_vlan_push(&s.skb, 0x1234, 0x0fff), 0);
  CHECK_EQ(s.skb.vlan_proto, be16_field(0x8100));
  CHECK_EQ(bpf2arm_skb_vlan_to_frame(&s), 0);
  static const unsigned char fw_tagged[18] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x0f, 0xff, 0x08, 0x00};
  CHECK(s.skb.len == len + 4 && memcmp(s.pkt.data, fw_tagged, 18) == 0 && s.skb.vlan_present == 0);
}

static void skb_vlan_in_frame(void) {
  /* A received frame with its tag still in it: pop removes it; too short: -ENOMEM. */
  uint32_t len = ether_frame(8, 0x8100, 20);
  buf[8 + 14] = 0x00;
  buf[8 + 15] = 0x2a;
  buf[8 + 16] = 0x86;
  buf[8 + 17] = 0xdd;
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 64, 8, len, 0), 0);
  CHECK_EQ(s.skb.protocol, be16_field(0x8100));
  CHECK_EQ(bpf_skb_vlan_pop(&s.skb), 0);
  CHECK_EQ(s.skb.protocol, be16_field(0x86dd));
  CHECK(s.skb.len == len - 4 && s.pkt.data[12] == 0x86 && s.pkt.data[13] == 0xdd && s.pkt.data[14] == 5);
  CHECK_EQ(s.skb.vlan_present, 0);
  ether_frame(8, 0x8100, 3);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 64, 8, 17, 0), 0);
  CHECK_EQ(bpf_skb_vlan_pop(&s.skb), -BPF2ARM_ENOMEM);
  /* A push needing room where there is none. */
  ether_frame(0, 0x0800, 6);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 20, 0, 20, 0), 0);
  CHECK_EQ(bpf_skb_vlan_push(&s.skb, (uint16_t)be16_field(0x8100), 1), 0);
  CHECK_EQ(bpf_skb_vlan_push(&s.skb, (uint16_t)be16_field(0x8100), 2), -BPF2ARM_ENOMEM);
}

static void skb_tunnel_keys(void) {
  struct bpf_tunnel_key key;
  uint32_t len = ether_frame(0, 0x0800, 40);
  CHECK_EQ(bpf2arm_skb_init(&s, buf, 128, 0, len, 0), 0);
  memset(&key, 0xcc, sizeof key);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, 0), -BPF2ARM_EINVAL); /* no metadata */
  CHECK(key.tunnel_id == 0 && key.local_ipv4 == 0);
  /* The firmware received the frame from a tunnel. */
  s.tunnel.present = 1;
  s.tunnel.id = 42;
  s.tunnel.src[0] = 0x0a000001; /* the remote end */
  s.tunnel.dst[0] = 0x0a0000fe;
  s.tunnel.tos = 3;
  s.tunnel.ttl = 60;
  s.tunnel.flags = BPF2ARM_TUNNEL_KEY | BPF2ARM_TUNNEL_CSUM;
  memset(&key, 0xcc, sizeof key);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, 0), 0);
  CHECK(key.tunnel_id == 42 && key.remote_ipv4 == 0x0a000001 && key.local_ipv4 == 0x0a0000fe);
  CHECK(key.tunnel_tos == 3 && key.tunnel_ttl == 60 && key.tunnel_ext == 0 && key.tunnel_label == 0);
  CHECK(key.remote_ipv6[1] == 0 && key.local_ipv6[3] == 0);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, BPF2ARM_F_TUNINFO_FLAGS), 0);
  unsigned char flag_bytes[2];
  memcpy(flag_bytes, &key.tunnel_flags, 2); /* __be16: 0x0005 in network order */
  CHECK(flag_bytes[0] == 0x00 && flag_bytes[1] == 0x05);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, BPF2ARM_F_TUNINFO_IPV6), -BPF2ARM_EPROTO);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, 1u << 5), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, 10, 0), -BPF2ARM_EINVAL);
  memset(&key, 0xcc, sizeof key);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, 8, 0), 0); /* the oldest layout */
  CHECK(key.tunnel_id == 42 && key.remote_ipv4 == 0x0a000001 && key.tunnel_tos == 0xcc);

  /* The program sets a key for transmission: remote becomes the outer destination. */
  memset(&key, 0, sizeof key);
  key.tunnel_id = 7;
  key.remote_ipv4 = 0x0a000002;
  key.local_ipv4 = 0x0a000003;
  key.tunnel_ttl = 9;
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, sizeof key, BPF2ARM_F_DONT_FRAGMENT | BPF2ARM_F_ZERO_CSUM_TX), 0);
  CHECK(s.tunnel.present && !s.tunnel.ipv6 && s.tunnel.id == 7 && s.tunnel.ttl == 9);
  CHECK(s.tunnel.dst[0] == 0x0a000002 && s.tunnel.src[0] == 0x0a000003);
  CHECK_EQ(s.tunnel.flags, BPF2ARM_TUNNEL_KEY | BPF2ARM_TUNNEL_DONT_FRAGMENT);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, 0), 0); /* read back: swapped */
  CHECK(key.remote_ipv4 == 0x0a000003 && key.local_ipv4 == 0x0a000002);
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, sizeof key, 1u << 4), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, 12, 0), -BPF2ARM_EINVAL);
  key.tunnel_label = 5;
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, sizeof key, 0), -BPF2ARM_EINVAL); /* a label on IPv4 */
  key.tunnel_label = 0;
  key.tunnel_ext = 1;
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, sizeof key, 0), -BPF2ARM_EINVAL);
  /* Shorter layouts leave the rest zero. */
  key.tunnel_ext = 0;
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, 24, 0), 0);
  CHECK(s.tunnel.dst[0] == 0x0a000003 && s.tunnel.src[0] == 0);
  CHECK_EQ(s.tunnel.flags, BPF2ARM_TUNNEL_KEY | BPF2ARM_TUNNEL_CSUM);

  /* IPv6, with a flow label cut to 20 bits. */
  memset(&key, 0, sizeof key);
  key.tunnel_id = 1;
  key.remote_ipv6[0] = 0x20010db8;
  key.remote_ipv6[3] = 1;
  key.local_ipv6[3] = 2;
  key.tunnel_label = 0x123456;
  CHECK_EQ(bpf_skb_set_tunnel_key(&s.skb, &key, sizeof key, BPF2ARM_F_TUNINFO_IPV6), 0);
  CHECK(s.tunnel.ipv6 && s.tunnel.dst[0] == 0x20010db8 && s.tunnel.dst[3] == 1 && s.tunnel.src[3] == 2);
  CHECK_EQ(s.tunnel.label, 0x23456);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, 0), -BPF2ARM_EPROTO);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, 8, BPF2ARM_F_TUNINFO_IPV6), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_skb_get_tunnel_key(&s.skb, &key, sizeof key, BPF2ARM_F_TUNINFO_IPV6), 0);
  CHECK(key.remote_ipv6[3] == 2 && key.local_ipv6[0] == 0x20010db8 && key.tunnel_label == 0x23456);
}

static uint32_t hash_of(uint32_t headroom, uint32_t len, uint32_t preset) {
  CHECK_EQ(bpf2arm_skb_init(&s, buf, sizeof buf, headroom, len, 0), 0);
  s.skb.hash = preset;
  return bpf_get_hash_recalc(&s.skb);
}

static void skb_hash_recalc(void) {
  uint32_t len = udp4_frame(0, 1000, 16);
  uint32_t h = hash_of(0, len, 0);
  CHECK(h != 0);
  CHECK_EQ(s.skb.hash, h); /* stored for direct reads */
  CHECK_EQ(bpf_get_hash_recalc(&s.skb), h);
  buf[14 + 28] ^= 0xff; /* the payload is not part of the flow */
  CHECK_EQ(hash_of(0, len, 0), h);
  udp4_frame(0, 1001, 16);
  CHECK(hash_of(0, len, 0) != h); /* another source port */
  CHECK_EQ(hash_of(0, len, 0xabcd), 0xabcd); /* a hash the firmware set stays */
  /* A store that invalidates the hash makes the next call compute it again. */
  uint16_t port = 0xe803; /* 1000, big-endian in memory on a little-endian target */
  CHECK_EQ(bpf_skb_store_bytes(&s.skb, 34, &port, 2, BPF2ARM_F_INVALIDATE_HASH), 0);
  CHECK_EQ(s.skb.hash, 0);
  CHECK_EQ(bpf_get_hash_recalc(&s.skb), h);
  /* The same flow with an 802.1Q tag in the frame. */
  udp4_frame(4, 1000, 16);
  memmove(buf, buf + 4, 12);
  buf[12] = 0x81, buf[13] = 0x00, buf[14] = 0x00, buf[15] = 0x07;
  CHECK_EQ(hash_of(0, len + 4, 0), h);
}

void cases_packet_skb(void) {
  CASE(skb_init_fields);
  CASE(skb_load_store_bounds);
  CASE(skb_change_tail_bounds);
  CASE(skb_adjust_room_modes);
  CASE(skb_adjust_room_encap);
  CASE(skb_adjust_room_buffer_limits);
  CASE(skb_vlan_push_pop);
  CASE(skb_vlan_in_frame);
  CASE(skb_tunnel_keys);
  CASE(skb_hash_recalc);
}
