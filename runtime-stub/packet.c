/* Packet contexts over firmware frame buffers (bpf2arm/packet.h): setting them up,
 * running a program between begin and end, moving the frame inside its buffer, and the
 * redirect helpers, which find their packet through the CPU's current run. */
#include "rt_packet.h"

/* The packet each CPU is running a program on, for the helpers that take no context
 * (bpf_redirect, bpf_redirect_map: the kernel keeps their target per CPU too). Runs on
 * one CPU nest (an interrupt handler's run inside the main loop's), so begin() saves the
 * previous pointer in the packet and end() puts it back. CPUs past the array share its
 * last slot: raise BPF2ARM_PACKET_MAX_CPUS (-D when compiling this file) for more. */
#ifndef BPF2ARM_PACKET_MAX_CPUS
#define BPF2ARM_PACKET_MAX_CPUS 4
#endif
static struct bpf2arm_packet *current_packet[BPF2ARM_PACKET_MAX_CPUS];

static uint32_t cpu_slot(void) {
  uint32_t cpu = bpf2arm_platform_cpu_id();
  return cpu < BPF2ARM_PACKET_MAX_CPUS ? cpu : BPF2ARM_PACKET_MAX_CPUS - 1;
}

static uint32_t address32(const unsigned char *p) { return (uint32_t)(uintptr_t)p; }

void rt_packet_sync(struct bpf2arm_packet *p) {
  if (p->kind == BPF2ARM_PACKET_XDP) {
    struct xdp_md *md = &bpf2arm_xdp_of_packet(p)->md;
    md->data = address32(p->data);
    md->data_end = address32(p->data_end);
    md->data_meta = address32(p->data_meta);
  } else {
    struct __sk_buff *skb = &bpf2arm_skb_of_packet(p)->skb;
    skb->data = address32(p->data);
    skb->data_end = address32(p->data_end);
    skb->data_meta = address32(p->data_meta);
    skb->len = bpf2arm_packet_len(p);
  }
}

static int frame_fits(uint32_t size, uint32_t headroom, uint32_t len, uint32_t meta_len) {
  return (uint64_t)headroom + len <= size && meta_len <= headroom;
}

/* Sets the frame of a zeroed packet (struct copies would be memcpy calls). */
static void frame_init(struct bpf2arm_packet *p, uint32_t kind, void *buffer, uint32_t size, uint32_t headroom,
                       uint32_t len, uint32_t meta_len) {
  p->kind = kind;
  p->buf = (unsigned char *)buffer;
  p->buf_end = p->buf + size;
  p->data = p->buf + headroom;
  p->data_meta = p->data - meta_len;
  p->data_end = p->data + len;
}

int bpf2arm_xdp_init(struct bpf2arm_xdp *x, void *buffer, uint32_t size, uint32_t headroom, uint32_t len) {
  if (len < BPF2ARM_ETH_HLEN || !frame_fits(size, headroom, len, 0)) return -BPF2ARM_EINVAL;
  rt_zero(x, sizeof *x);
  frame_init(&x->pkt, BPF2ARM_PACKET_XDP, buffer, size, headroom, len, 0);
  rt_packet_sync(&x->pkt);
  return 0;
}

int bpf2arm_skb_init(struct bpf2arm_skb *s, void *buffer, uint32_t size, uint32_t headroom, uint32_t len,
                     uint32_t meta_len) {
  if (!frame_fits(size, headroom, len, meta_len)) return -BPF2ARM_EINVAL;
  rt_zero(s, sizeof *s);
  frame_init(&s->pkt, BPF2ARM_PACKET_SKB, buffer, size, headroom, len, meta_len);
  /* eth_type_trans: an Ethernet type, or a length (802.3) below 0x600. */
  uint32_t type = len >= BPF2ARM_ETH_HLEN ? rt_load_be16(s->pkt.data + 12) : 0;
  s->skb.protocol = rt_be16_raw(type >= 0x600 ? type : 0x0001u /* ETH_P_802_3 */);
  s->skb.wire_len = len;
  s->skb.gso_segs = 1;
  rt_packet_sync(&s->pkt);
  return 0;
}

static void run_begin(struct bpf2arm_packet *p) {
  p->redirect_set = 0;
  p->redirect_ifindex = 0;
  p->redirect_flags = 0;
  p->redirect_map = NULL;
  p->redirect_key = 0;
  p->redirect_status = 0;
  p->cpu = cpu_slot();
  p->interrupted = current_packet[p->cpu];
  current_packet[p->cpu] = p;
}

static void run_end(struct bpf2arm_packet *p, uint32_t action, uint32_t redirect_action) {
  current_packet[p->cpu] = p->interrupted;
  p->interrupted = NULL;
  if (action != redirect_action) return;
  p->redirect_status = p->redirect_set ? bpf2arm_platform_redirect(p) : -BPF2ARM_EINVAL;
}

struct xdp_md *bpf2arm_xdp_begin(struct bpf2arm_xdp *x) {
  run_begin(&x->pkt);
  return &x->md;
}

uint32_t bpf2arm_xdp_end(struct bpf2arm_xdp *x, int64_t program_result) {
  uint32_t action = (uint32_t)program_result;
  run_end(&x->pkt, action, BPF2ARM_XDP_REDIRECT);
  return action;
}

struct __sk_buff *bpf2arm_skb_begin(struct bpf2arm_skb *s) {
  run_begin(&s->pkt);
  return &s->skb;
}

uint32_t bpf2arm_skb_end(struct bpf2arm_skb *s, int64_t program_result) {
  uint32_t action = (uint32_t)program_result;
  run_end(&s->pkt, action, BPF2ARM_TC_ACT_REDIRECT);
  return action;
}

int rt_packet_open(struct bpf2arm_packet *p, uint32_t off, uint32_t n) {
  unsigned char *gap = p->data + off;
  if ((uint32_t)(p->data_meta - p->buf) >= n) {
    rt_move(p->data_meta - n, p->data_meta, (uint32_t)(gap - p->data_meta));
    p->data_meta -= n;
    p->data -= n;
    gap -= n;
  } else if ((uint32_t)(p->buf_end - p->data_end) >= n) {
    rt_move(gap + n, gap, (uint32_t)(p->data_end - gap));
    p->data_end += n;
  } else {
    return -BPF2ARM_ENOMEM;
  }
  rt_zero(gap, n);
  rt_packet_sync(p);
  return 0;
}

void rt_packet_close(struct bpf2arm_packet *p, uint32_t off, uint32_t n) {
  rt_move(p->data_meta + n, p->data_meta, (uint32_t)(p->data + off - p->data_meta));
  p->data_meta += n;
  p->data += n;
  rt_packet_sync(p);
}

int bpf2arm_skb_vlan_to_frame(struct bpf2arm_skb *s) {
  if (!s->skb.vlan_present) return 0;
  if (bpf2arm_packet_len(&s->pkt) < BPF2ARM_ETH_HLEN) return -BPF2ARM_EINVAL;
  int err = rt_packet_open(&s->pkt, 2 * 6, RT_VLAN_HLEN);
  if (err) return err;
  unsigned char *tag = s->pkt.data + 2 * 6;
  rt_store_be16(tag, rt_be16_raw(s->skb.vlan_proto));
  rt_store_be16(tag + 2, s->skb.vlan_tci);
  s->skb.protocol = s->skb.vlan_proto;
  s->skb.vlan_present = 0;
  s->skb.vlan_tci = 0;
  s->skb.vlan_proto = 0;
  return 0;
}

/* ---- redirect ---- */

static struct bpf2arm_packet *current(void) { return current_packet[cpu_slot()]; }

static void record_target(struct bpf2arm_packet *p, uint32_t ifindex, uint32_t flags, struct bpf2arm_map *map,
                          uint32_t key) {
  p->redirect_set = 1;
  p->redirect_ifindex = ifindex;
  p->redirect_flags = flags;
  p->redirect_map = map;
  p->redirect_key = key;
}

static void clear_target(struct bpf2arm_packet *p) {
  record_target(p, 0, 0, NULL, 0);
  p->redirect_set = 0;
}

/* XDP accepts no flag; tc only BPF_F_INGRESS. Outside a run there is no packet to
 * record the target in: the answer is XDP_ABORTED (0). */
int64_t bpf_redirect(uint32_t ifindex, uint64_t flags) {
  struct bpf2arm_packet *p = current();
  if (p == NULL) return BPF2ARM_XDP_ABORTED;
  if (p->kind == BPF2ARM_PACKET_XDP) {
    if (flags != 0) return BPF2ARM_XDP_ABORTED;
    record_target(p, ifindex, 0, NULL, 0);
    return BPF2ARM_XDP_REDIRECT;
  }
  if (flags & ~(uint64_t)BPF2ARM_F_INGRESS) return BPF2ARM_TC_ACT_SHOT;
  record_target(p, ifindex, (uint32_t)flags, NULL, 0);
  return BPF2ARM_TC_ACT_REDIRECT;
}

/* The ifindex a DEVMAP / DEVMAP_HASH entry holds (its value starts with it, as the
 * kernel's struct bpf_devmap_val does), 0 when there is no entry. */
static uint32_t devmap_ifindex(struct bpf2arm_map *m, uint32_t key) {
  const void *value = bpf2arm_map_lookup_elem(m, &key);
  return value ? rt_load_u32(value) : 0;
}

/* XDP only, as in the kernel. DEVMAP and DEVMAP_HASH entries name interfaces (ifindex 0
 * is no entry); the low two bits of flags are the action when the lookup fails, the
 * other bits may be BPF_F_BROADCAST and BPF_F_EXCLUDE_INGRESS. Other map types (XSKMAP,
 * CPUMAP) have no meaning on firmware: their lookups always fail. */
int64_t bpf_redirect_map(void *map, uint64_t key, uint64_t flags) {
  struct bpf2arm_map *m = (struct bpf2arm_map *)map;
  struct bpf2arm_packet *p = current();
  const uint64_t action_mask = BPF2ARM_XDP_ABORTED | BPF2ARM_XDP_DROP | BPF2ARM_XDP_PASS | BPF2ARM_XDP_TX;
  int is_devmap = m->type == BPF2ARM_MAP_DEVMAP || m->type == BPF2ARM_MAP_DEVMAP_HASH;
  uint64_t allowed = action_mask | (is_devmap ? BPF2ARM_F_BROADCAST | BPF2ARM_F_EXCLUDE_INGRESS : 0);
  if (p == NULL) return BPF2ARM_XDP_ABORTED;
  if (p->kind != BPF2ARM_PACKET_XDP) return BPF2ARM_TC_ACT_SHOT;
  if (flags & ~allowed) return BPF2ARM_XDP_ABORTED;
  uint32_t index = (uint32_t)key;
  uint32_t ifindex = is_devmap ? devmap_ifindex(m, index) : 0;
  if (flags & BPF2ARM_F_BROADCAST) {
    record_target(p, 0, (uint32_t)(flags & ~action_mask), m, index);
    return BPF2ARM_XDP_REDIRECT;
  }
  if (ifindex == 0) {
    clear_target(p);
    return (int64_t)(flags & action_mask);
  }
  record_target(p, ifindex, 0, m, index);
  return BPF2ARM_XDP_REDIRECT;
}
