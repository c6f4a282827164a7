// Firmware side of the legacy-map and device-map tests: legacy_socket.bpf.c and
// legacy_xdp.bpf.c (struct bpf_map_def SEC("maps"), 20- and 28-byte definitions) and
// devmap.bpf.c (a BTF DEVMAP_HASH) run over frames built here through bpf2arm/packet.h,
// which is included after the generated headers that declare the same contexts. The
// expected counts, return values and redirect targets follow from the frames sent and
// the kernel's documented semantics (socket filters return the bytes to keep, 0 drops;
// bpf_redirect_map returns XDP_REDIRECT for an entry, else the low bits of its flags).
#include <string.h>

#include "devmap.arm.h"
#include "legacy_socket.arm.h"
#include "legacy_xdp.arm.h"
#include "bpf2arm/packet.h"

#include "check.h"

enum { IPPROTO_ICMP_ = 1, IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17, HEADROOM = 64 };

static unsigned char buffer[HEADROOM + 256];

static struct {
  unsigned calls;
  uint32_t ifindex;
} redirected;

int32_t bpf2arm_platform_redirect(struct bpf2arm_packet *pkt) {
  redirected.calls++;
  redirected.ifindex = pkt->redirect_ifindex;
  return 0;
}

static const unsigned char mac_a[6] = {0x02, 0, 0, 0, 0, 0x11}, mac_b[6] = {0x02, 0, 0, 0, 0, 0x22};

// An Ethernet frame of `len` bytes (from mac_a to `dst`) carrying IPv4 10.0.0.src ->
// 10.0.0.dst with `proto`, at buffer + HEADROOM.
static void build_frame(const unsigned char dst[6], uint8_t src_ip, uint8_t dst_ip, uint8_t proto, uint32_t len) {
  unsigned char *f = buffer + HEADROOM;
  memset(f, 0, len);
  memcpy(f, dst, 6);
  memcpy(f + 6, mac_a, 6);
  f[12] = 0x08, f[13] = 0x00;
  unsigned char *ip = f + 14;
  ip[0] = 0x45;
  ip[2] = (uint8_t)((len - 14) >> 8), ip[3] = (uint8_t)(len - 14);
  ip[8] = 64, ip[9] = proto;
  ip[12] = 10, ip[15] = src_ip;
  ip[16] = 10, ip[19] = dst_ip;
}

static struct flow_key flow(uint8_t src_ip, uint8_t dst_ip, uint8_t proto) {
  const unsigned char saddr[4] = {10, 0, 0, src_ip}, daddr[4] = {10, 0, 0, dst_ip};
  struct flow_key key;
  memset(&key, 0, sizeof key);
  memcpy(&key.saddr, saddr, 4);  // network byte order, as the program loads it
  memcpy(&key.daddr, daddr, 4);
  key.proto = proto;
  return key;
}

static int32_t filter(uint8_t src_ip, uint8_t dst_ip, uint8_t proto, uint32_t len) {
  struct bpf2arm_skb s;
  build_frame(mac_b, src_ip, dst_ip, proto, len);
  if (bpf2arm_skb_init(&s, buffer, sizeof buffer, HEADROOM, len, 0) != 0) return -1000;
  return (int32_t)bpf2arm_skb_end(&s, count_flows(bpf2arm_skb_begin(&s)));
}

static uint64_t frames_of_protocol(uint32_t proto) {
  const uint64_t *count = proto_count__lookup(&proto);
  return count ? *count : 0xdead;
}

static void test_socket_filter(void) {
  struct bpf2arm_skb s;
  // The program's view of its maps: raw sizes where nothing annotates them.
  CHECK(proto_count__key_size == 4 && proto_count__value_size == sizeof(uint64_t));
  CHECK(flows__key_size == sizeof(struct flow_key) && flows__value_size == sizeof(struct flow_stats));

  CHECK(filter(1, 2, IPPROTO_TCP_, 60) == 60);
  CHECK(filter(1, 2, IPPROTO_TCP_, 70) == 70);
  CHECK(filter(1, 2, IPPROTO_TCP_, 80) == 80);
  CHECK(filter(3, 4, IPPROTO_UDP_, 64) == 64);
  CHECK(filter(5, 9, IPPROTO_ICMP_, 98) == 98);
  CHECK(filter(6, 9, IPPROTO_ICMP_, 98) == 98);  // the fourth flow fills `flows`
  CHECK(filter(7, 9, IPPROTO_ICMP_, 98) == 0);   // no room: dropped
  CHECK(filter(8, 9, IPPROTO_ICMP_, 90) == 0);
  build_frame(mac_b, 1, 2, IPPROTO_TCP_, 20);    // too short for an IP header: load fails
  CHECK(bpf2arm_skb_init(&s, buffer, sizeof buffer, HEADROOM, 20, 0) == 0);
  CHECK(bpf2arm_skb_end(&s, count_flows(bpf2arm_skb_begin(&s))) == 0);
  CHECK(bpf2arm_skb_end(&s, frames_without_room(bpf2arm_skb_begin(&s))) == 2);

  CHECK(frames_of_protocol(IPPROTO_TCP_) == 3);
  CHECK(frames_of_protocol(IPPROTO_UDP_) == 1);
  CHECK(frames_of_protocol(IPPROTO_ICMP_) == 4);
  CHECK(frames_of_protocol(2) == 0);
  CHECK(frames_of_protocol(256) == 0xdead);  // past max_entries

  struct flow_key tcp = flow(1, 2, IPPROTO_TCP_), udp = flow(3, 4, IPPROTO_UDP_);
  struct flow_stats *stats = flows__lookup(&tcp);
  CHECK(stats && stats->packets == 3 && stats->bytes == 210 && stats->last_len == 80);
  stats = flows__lookup(&udp);
  CHECK(stats && stats->packets == 1 && stats->bytes == 64);
  struct flow_key dropped = flow(7, 9, IPPROTO_ICMP_);
  CHECK(flows__lookup(&dropped) == NULL);

  // Room made by the firmware is used by the next frame of a new flow; a flow the
  // firmware seeded continues from its numbers.
  CHECK(flows__delete(&udp) == 0);
  CHECK(filter(7, 9, IPPROTO_ICMP_, 100) == 100);
  stats = flows__lookup(&dropped);
  CHECK(stats && stats->packets == 1 && stats->bytes == 100);
  CHECK(flows__delete(&dropped) == 0);
  struct flow_stats seeded;
  memset(&seeded, 0, sizeof seeded);
  seeded.packets = 40, seeded.bytes = 4000;
  CHECK(flows__update(&udp, &seeded, BPF2ARM_NOEXIST) == 0);
  CHECK(filter(3, 4, IPPROTO_UDP_, 50) == 50);
  stats = flows__lookup(&udp);
  CHECK(stats && stats->packets == 41 && stats->bytes == 4050 && stats->last_len == 50);
  CHECK(bpf2arm_skb_end(&s, frames_without_room(bpf2arm_skb_begin(&s))) == 2);
}

// Runs `program` on a frame to `dst` that arrived on `ingress`; returns the action.
static uint32_t run_xdp(int (*program)(struct xdp_md *), const unsigned char dst[6], uint32_t ingress,
                        struct bpf2arm_xdp *x) {
  build_frame(dst, 1, 2, IPPROTO_UDP_, 60);
  if (bpf2arm_xdp_init(x, buffer, sizeof buffer, HEADROOM, 60) != 0) return 1000;
  x->md.ingress_ifindex = ingress;
  return bpf2arm_xdp_end(x, program(bpf2arm_xdp_begin(x)));
}

static void test_legacy_devmap(void) {
  struct bpf2arm_xdp x;
  uint32_t port = 1, ifindex = 7;
  CHECK(tx_port__update(&port, &ifindex, BPF2ARM_ANY) == 0);
  port = 3, ifindex = 9;
  CHECK(tx_port__update(&port, &ifindex, BPF2ARM_ANY) == 0);
  CHECK(tx_port__lookup(&port) && *tx_port__lookup(&port) == 9);

  redirected.calls = 0;
  CHECK(run_xdp(xdp_forward, mac_b, 1, &x) == BPF2ARM_XDP_REDIRECT);
  CHECK(redirected.calls == 1 && redirected.ifindex == 7 && x.pkt.redirect_status == 0);
  CHECK(memcmp(x.pkt.data, mac_a, 6) == 0 && memcmp(x.pkt.data + 6, mac_b, 6) == 0);  // swapped
  CHECK(run_xdp(xdp_forward, mac_b, 2, &x) == BPF2ARM_XDP_PASS);  // no port: the flags' action
  CHECK(redirected.calls == 1 && memcmp(x.pkt.data, mac_a, 6) == 0);
  CHECK(run_xdp(xdp_forward, mac_b, 3, &x) == BPF2ARM_XDP_REDIRECT);
  CHECK(redirected.calls == 2 && redirected.ifindex == 9);
  port = 1;
  CHECK(tx_port__delete(&port) == 0);
  CHECK(run_xdp(xdp_forward, mac_b, 1, &x) == BPF2ARM_XDP_PASS);
  CHECK(redirected.calls == 2);

  uint32_t zero = 0;
  const uint64_t *frames = rx_frames__lookup_cpu(&zero, 0);
  CHECK(frames && *frames == 4);
}

static void test_btf_devmap_hash(void) {
  struct bpf2arm_xdp x;
  struct bpf_devmap_val port;
  memset(&port, 0, sizeof port);
  uint32_t key = 0x22;
  port.ifindex = 5;
  CHECK(ports_by_mac__update(&key, &port, BPF2ARM_NOEXIST) == 0);
  key = 0x33, port.ifindex = 6;
  CHECK(ports_by_mac__update(&key, &port, BPF2ARM_NOEXIST) == 0);

  static const unsigned char mac_c[6] = {0x02, 0, 0, 0, 0, 0x33}, mac_d[6] = {0x02, 0, 0, 0, 0, 0x44};
  redirected.calls = 0;
  CHECK(run_xdp(xdp_by_mac, mac_b, 1, &x) == BPF2ARM_XDP_REDIRECT);
  CHECK(redirected.calls == 1 && redirected.ifindex == 5);
  CHECK(run_xdp(xdp_by_mac, mac_c, 1, &x) == BPF2ARM_XDP_REDIRECT);
  CHECK(redirected.calls == 2 && redirected.ifindex == 6);
  CHECK(run_xdp(xdp_by_mac, mac_d, 1, &x) == BPF2ARM_XDP_DROP);
  key = 0x22;
  CHECK(ports_by_mac__delete(&key) == 0);
  CHECK(run_xdp(xdp_by_mac, mac_b, 1, &x) == BPF2ARM_XDP_DROP);
  CHECK(redirected.calls == 2);
}

int main(void) {
  test_socket_filter();
  test_legacy_devmap();
  test_btf_devmap_hash();
  return CHECK_SUMMARY();
}
