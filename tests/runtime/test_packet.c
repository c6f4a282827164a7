/* bpf2arm/packet.h: context layouts against the kernel's uapi header, XDP frame
 * adjustments, redirects (run nesting, DEVMAP) and the checksum helpers, against
 * expectations from bpf-helpers(7) and the kernel's limits. */
#include <stdio.h>
#include <string.h>

#include "bpf2arm/packet.h"
#include "packet_fields.h"
#include "test.h"
#include "test_packet.h"

/* ---- the redirect hook, overridden to see what end() hands the firmware ---- */
struct redirect_seen redirect_seen;

int32_t bpf2arm_platform_redirect(struct bpf2arm_packet *pkt) {
  redirect_seen.calls++;
  redirect_seen.pkt = pkt;
  redirect_seen.ifindex = pkt->redirect_ifindex;
  redirect_seen.len = bpf2arm_packet_len(pkt);
  return redirect_seen.answer;
}

void reset_redirect_seen(void) { memset(&redirect_seen, 0, sizeof redirect_seen); }

/* ---- layout ---- */
static const struct field_layout our_fields[] = {PACKET_CONTEXT_FIELDS};

static void packet_layout_matches_uapi(void) {
  CHECK_EQ(sizeof our_fields / sizeof *our_fields, n_uapi_fields);
  for (unsigned i = 0; i < n_uapi_fields; i++) {
    if (our_fields[i].offset != uapi_fields[i].offset || our_fields[i].size != uapi_fields[i].size) {
      char what[160];
      snprintf(what, sizeof what, "%s: ours at %u size %u, linux/bpf.h at %u size %u", our_fields[i].name,
               our_fields[i].offset, our_fields[i].size, uapi_fields[i].offset, uapi_fields[i].size);
      t_fail(__FILE__, __LINE__, what);
    }
  }
}

/* ---- XDP ---- */
static unsigned char buf[512];

/* The buffer filled with a recognizable pattern: byte i holds i * 7 + 1. */
static void fill_pattern(void) {
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7 + 1);
}

/* The context's 32-bit copies of the bounds are the pointers themselves on ARM32. */
static void check_xdp_mirror(int line, const struct bpf2arm_xdp *x) {
  if (sizeof(void *) != 4) return;
  if (x->md.data != (uint32_t)(uintptr_t)x->pkt.data || x->md.data_end != (uint32_t)(uintptr_t)x->pkt.data_end ||
      x->md.data_meta != (uint32_t)(uintptr_t)x->pkt.data_meta)
    t_fail(__FILE__, line, "xdp_md data/data_end/data_meta are not the frame's addresses");
}

static void xdp_init_limits(void) {
  struct bpf2arm_xdp x;
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 100, 90, 11), -BPF2ARM_EINVAL); /* 90 + 11 > 100 */
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 100, 0, 13), -BPF2ARM_EINVAL);  /* shorter than Ethernet */
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 100, 86, 14), 0);
  CHECK(x.pkt.buf == buf && x.pkt.data == buf + 86 && x.pkt.data_end == buf + 100 && x.pkt.data_meta == x.pkt.data);
  CHECK_EQ(x.md.ingress_ifindex, 0);
  check_xdp_mirror(__LINE__, &x);
}

static void xdp_adjust_head_bounds(void) {
  struct bpf2arm_xdp x;
  fill_pattern();
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 64, 64), 0);
  struct xdp_md *md = bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf_xdp_adjust_head(md, -65), -BPF2ARM_EINVAL); /* past the headroom */
  CHECK(x.pkt.data == buf + 64);
  CHECK_EQ(bpf_xdp_adjust_head(md, -64), 0); /* all of it */
  CHECK(x.pkt.data == buf && x.pkt.data_end == buf + 128 && x.pkt.data_meta == buf);
  CHECK_EQ(buf[64], (unsigned char)(64 * 7 + 1)); /* the packet's bytes stay where they were */
  check_xdp_mirror(__LINE__, &x);
  CHECK_EQ(bpf_xdp_adjust_head(md, 64 + 50), 0); /* 14 bytes left: an Ethernet header */
  CHECK_EQ(bpf2arm_packet_len(&x.pkt), 14);
  CHECK_EQ(bpf_xdp_adjust_head(md, 1), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf2arm_packet_len(&x.pkt), 14);
  CHECK_EQ(bpf2arm_xdp_end(&x, BPF2ARM_XDP_PASS), BPF2ARM_XDP_PASS);
}

static void xdp_adjust_head_moves_meta(void) {
  struct bpf2arm_xdp x;
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 64, 64), 0);
  struct xdp_md *md = &x.md;
  CHECK_EQ(bpf_xdp_adjust_meta(md, -8), 0);
  memcpy(x.pkt.data_meta, "metadata", 8);
  CHECK_EQ(bpf_xdp_adjust_head(md, -57), -BPF2ARM_EINVAL); /* the metadata needs 8 of the 64 */
  CHECK_EQ(bpf_xdp_adjust_head(md, -56), 0);
  CHECK(x.pkt.data == buf + 8 && x.pkt.data_meta == buf);
  CHECK(memcmp(x.pkt.data_meta, "metadata", 8) == 0);
  CHECK_EQ(bpf_xdp_adjust_head(md, 20), 0);
  CHECK(x.pkt.data == buf + 28 && x.pkt.data_meta == buf + 20);
  CHECK(memcmp(x.pkt.data_meta, "metadata", 8) == 0);
  check_xdp_mirror(__LINE__, &x);
}

static void xdp_adjust_tail_bounds(void) {
  struct bpf2arm_xdp x;
  memset(buf, 0xaa, sizeof buf);
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 200, 50, 100), 0); /* tailroom 50 */
  struct xdp_md *md = &x.md;
  CHECK_EQ(bpf_xdp_adjust_tail(md, 51), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_xdp_adjust_tail(md, 50), 0);
  CHECK(x.pkt.data_end == buf + 200);
  for (int i = 150; i < 200; i++) CHECK_EQ(buf[i], 0); /* grown bytes are zeroed */
  CHECK_EQ(buf[149], 0xaa);
  CHECK_EQ(bpf_xdp_adjust_tail(md, -(150 - 14)), 0);
  CHECK_EQ(bpf2arm_packet_len(&x.pkt), 14);
  CHECK_EQ(bpf_xdp_adjust_tail(md, -1), -BPF2ARM_EINVAL); /* less than an Ethernet header */
  CHECK_EQ(bpf2arm_packet_len(&x.pkt), 14);
  check_xdp_mirror(__LINE__, &x);
}

static void xdp_adjust_meta_rules(void) {
  struct bpf2arm_xdp x;
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 64, 64), 0);
  struct xdp_md *md = &x.md;
  CHECK_EQ(bpf_xdp_adjust_meta(md, -2), -BPF2ARM_EACCES); /* not a multiple of 4 */
  CHECK_EQ(bpf_xdp_adjust_meta(md, -36), -BPF2ARM_EACCES); /* more than 32 bytes */
  CHECK_EQ(bpf_xdp_adjust_meta(md, 4), -BPF2ARM_EINVAL);   /* after data */
  CHECK_EQ(bpf2arm_packet_meta_len(&x.pkt), 0);
  CHECK_EQ(bpf_xdp_adjust_meta(md, -32), 0);
  CHECK_EQ(bpf2arm_packet_meta_len(&x.pkt), 32);
  CHECK_EQ(bpf_xdp_adjust_meta(md, -4), -BPF2ARM_EACCES);
  CHECK_EQ(bpf_xdp_adjust_meta(md, 30), -BPF2ARM_EACCES); /* 2 bytes left */
  CHECK_EQ(bpf_xdp_adjust_meta(md, 28), 0);
  CHECK_EQ(bpf2arm_packet_meta_len(&x.pkt), 4);
  CHECK_EQ(bpf_xdp_adjust_meta(md, 8), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_xdp_adjust_meta(md, 4), 0);
  check_xdp_mirror(__LINE__, &x);
  /* Below the buffer is out of bounds before it is too long. */
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 8, 64), 0);
  CHECK_EQ(bpf_xdp_adjust_meta(&x.md, -12), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_xdp_adjust_meta(&x.md, -8), 0);
}

/* ---- redirect ---- */
static void redirect_xdp(void) {
  struct bpf2arm_xdp x;
  reset_redirect_seen();
  CHECK_EQ(bpf_redirect(5, 0), BPF2ARM_XDP_ABORTED); /* no run: nowhere to record it */
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 64, 60), 0);
  bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf_redirect(5, BPF2ARM_F_INGRESS), BPF2ARM_XDP_ABORTED); /* XDP takes no flag */
  CHECK_EQ(x.pkt.redirect_set, 0);
  int64_t r = bpf_redirect(5, 0);
  CHECK_EQ(r, BPF2ARM_XDP_REDIRECT);
  redirect_seen.answer = 0;
  CHECK_EQ(bpf2arm_xdp_end(&x, r), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(redirect_seen.calls, 1);
  CHECK(redirect_seen.pkt == &x.pkt);
  CHECK_EQ(redirect_seen.ifindex, 5);
  CHECK_EQ(redirect_seen.len, 60);
  CHECK_EQ(x.pkt.redirect_status, 0);
  /* The firmware could not send it. */
  bpf2arm_xdp_begin(&x);
  redirect_seen.answer = -BPF2ARM_ENOSPC;
  CHECK_EQ(bpf2arm_xdp_end(&x, bpf_redirect(6, 0)), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(x.pkt.redirect_status, -BPF2ARM_ENOSPC);
  CHECK_EQ(redirect_seen.ifindex, 6);
  /* A target but another action: nothing is sent. */
  bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf_redirect(7, 0), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(bpf2arm_xdp_end(&x, BPF2ARM_XDP_PASS), BPF2ARM_XDP_PASS);
  CHECK_EQ(redirect_seen.calls, 2);
  CHECK_EQ(x.pkt.redirect_status, 0);
  /* REDIRECT without a target (begin cleared the last one). */
  bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf2arm_xdp_end(&x, BPF2ARM_XDP_REDIRECT), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(redirect_seen.calls, 2);
  CHECK_EQ(x.pkt.redirect_status, -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_redirect(5, 0), BPF2ARM_XDP_ABORTED); /* the run is over */
}

static void redirect_tc(void) {
  static unsigned char frame[128];
  struct bpf2arm_skb s;
  reset_redirect_seen();
  CHECK_EQ(bpf2arm_skb_init(&s, frame, sizeof frame, 32, 60, 0), 0);
  bpf2arm_skb_begin(&s);
  CHECK_EQ(bpf_redirect(3, 2), BPF2ARM_TC_ACT_SHOT); /* an unknown flag */
  CHECK_EQ(bpf_redirect(3, BPF2ARM_F_INGRESS), BPF2ARM_TC_ACT_REDIRECT);
  CHECK_EQ(s.pkt.redirect_flags, BPF2ARM_F_INGRESS);
  CHECK_EQ(bpf2arm_skb_end(&s, BPF2ARM_TC_ACT_REDIRECT), BPF2ARM_TC_ACT_REDIRECT);
  CHECK_EQ(redirect_seen.calls, 1);
  CHECK_EQ(redirect_seen.ifindex, 3);
  CHECK_EQ(s.pkt.redirect_status, 0);
  bpf2arm_skb_begin(&s);
  CHECK_EQ(bpf_redirect(4, 0), BPF2ARM_TC_ACT_REDIRECT);
  CHECK_EQ(s.pkt.redirect_flags, 0);
  CHECK_EQ(bpf2arm_skb_end(&s, BPF2ARM_TC_ACT_OK), BPF2ARM_TC_ACT_OK);
  CHECK_EQ(redirect_seen.calls, 1);
}

/* A run inside another on the same CPU (an interrupt handler's), and runs on two CPUs:
 * each bpf_redirect lands in its own packet. */
static void redirect_nested_runs(void) {
  struct bpf2arm_xdp outer, inner, other_cpu;
  reset_redirect_seen();
  CHECK_EQ(bpf2arm_xdp_init(&outer, buf, 128, 0, 64), 0);
  CHECK_EQ(bpf2arm_xdp_init(&inner, buf + 128, 128, 0, 64), 0);
  CHECK_EQ(bpf2arm_xdp_init(&other_cpu, buf + 256, 128, 0, 64), 0);
  bpf2arm_xdp_begin(&outer);
  CHECK_EQ(bpf_redirect(1, 0), BPF2ARM_XDP_REDIRECT);
  bpf2arm_xdp_begin(&inner);
  CHECK_EQ(bpf_redirect(2, 0), BPF2ARM_XDP_REDIRECT);
  test_cpu = 1;
  bpf2arm_xdp_begin(&other_cpu);
  CHECK_EQ(bpf_redirect(3, 0), BPF2ARM_XDP_REDIRECT);
  test_cpu = 0;
  CHECK_EQ(bpf_redirect(4, 0), BPF2ARM_XDP_REDIRECT); /* still the inner run on CPU 0 */
  CHECK_EQ(bpf2arm_xdp_end(&inner, BPF2ARM_XDP_DROP), BPF2ARM_XDP_DROP);
  CHECK_EQ(bpf_redirect(5, 0), BPF2ARM_XDP_REDIRECT); /* the outer one again */
  test_cpu = 1;
  CHECK_EQ(bpf2arm_xdp_end(&other_cpu, BPF2ARM_XDP_DROP), BPF2ARM_XDP_DROP);
  test_cpu = 0;
  CHECK_EQ(bpf2arm_xdp_end(&outer, BPF2ARM_XDP_DROP), BPF2ARM_XDP_DROP);
  CHECK_EQ(outer.pkt.redirect_ifindex, 5);
  CHECK_EQ(inner.pkt.redirect_ifindex, 4);
  CHECK_EQ(other_cpu.pkt.redirect_ifindex, 3);
  CHECK_EQ(bpf_redirect(1, 0), BPF2ARM_XDP_ABORTED);
}

static void redirect_map_devmap(void) {
  struct bpf2arm_map *devmap = new_map(BPF2ARM_MAP_DEVMAP, 4, 4, 4, 1);
  struct bpf2arm_map *devhash = new_map(BPF2ARM_MAP_DEVMAP_HASH, 4, 8, 4, 1);
  struct bpf2arm_map *array = new_map(BPF2ARM_MAP_ARRAY, 4, 4, 4, 1);
  uint32_t key = 1, ifindex = 9, hkey = 77, hval[2] = {12, 0};
  struct bpf2arm_xdp x;
  reset_redirect_seen();
  CHECK_EQ(bpf2arm_map_update_elem(devmap, &key, &ifindex, 0), 0);
  CHECK_EQ(bpf2arm_map_update_elem(devhash, &hkey, hval, 0), 0);
  CHECK_EQ(bpf2arm_xdp_init(&x, buf, 256, 64, 64), 0);
  bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf_redirect_map(devmap, 1, 0), BPF2ARM_XDP_REDIRECT);
  CHECK(x.pkt.redirect_set && x.pkt.redirect_ifindex == 9 && x.pkt.redirect_map == devmap && x.pkt.redirect_key == 1);
  /* An empty slot or a key out of range: the low two bits of flags, no target. */
  CHECK_EQ(bpf_redirect_map(devmap, 2, BPF2ARM_XDP_PASS), BPF2ARM_XDP_PASS);
  CHECK_EQ(x.pkt.redirect_set, 0);
  CHECK_EQ(bpf_redirect_map(devmap, 99, BPF2ARM_XDP_DROP), BPF2ARM_XDP_DROP);
  CHECK_EQ(bpf_redirect_map(devmap, 0x100000001ull, 0), BPF2ARM_XDP_REDIRECT); /* the key is a u32 */
  CHECK_EQ(bpf_redirect_map(devmap, 1, 1u << 5), BPF2ARM_XDP_ABORTED);        /* unknown flag */
  CHECK_EQ(bpf_redirect_map(devhash, 77, 0), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(x.pkt.redirect_ifindex, 12);
  CHECK_EQ(bpf_redirect_map(devhash, 78, BPF2ARM_XDP_TX), BPF2ARM_XDP_TX);
  /* Broadcast: the whole map is the target. */
  CHECK_EQ(bpf_redirect_map(devmap, 0, BPF2ARM_F_BROADCAST | BPF2ARM_F_EXCLUDE_INGRESS), BPF2ARM_XDP_REDIRECT);
  CHECK(x.pkt.redirect_set && x.pkt.redirect_map == devmap);
  CHECK_EQ(x.pkt.redirect_flags, BPF2ARM_F_BROADCAST | BPF2ARM_F_EXCLUDE_INGRESS);
  /* Maps that hold no interfaces: broadcast is an unknown flag, lookups fail. */
  CHECK_EQ(bpf_redirect_map(array, 1, BPF2ARM_F_BROADCAST), BPF2ARM_XDP_ABORTED);
  CHECK_EQ(bpf_redirect_map(array, 1, BPF2ARM_XDP_PASS), BPF2ARM_XDP_PASS);
  redirect_seen.answer = 0;
  CHECK_EQ(bpf2arm_xdp_end(&x, bpf_redirect_map(devmap, 1, 0)), BPF2ARM_XDP_REDIRECT);
  CHECK_EQ(redirect_seen.calls, 1);
  CHECK_EQ(redirect_seen.ifindex, 9);
  /* Deleting a DEVMAP entry empties its slot. */
  CHECK_EQ(bpf2arm_map_delete_elem(devmap, &key), 0);
  key = 4;
  CHECK_EQ(bpf2arm_map_delete_elem(devmap, &key), -BPF2ARM_EINVAL);
  bpf2arm_xdp_begin(&x);
  CHECK_EQ(bpf_redirect_map(devmap, 1, BPF2ARM_XDP_DROP), BPF2ARM_XDP_DROP);
  bpf2arm_xdp_end(&x, BPF2ARM_XDP_DROP);
  /* Not for tc programs. */
  static unsigned char frame[64];
  struct bpf2arm_skb s;
  CHECK_EQ(bpf2arm_skb_init(&s, frame, sizeof frame, 0, 60, 0), 0);
  bpf2arm_skb_begin(&s);
  CHECK_EQ(bpf_redirect_map(devhash, 77, 0), BPF2ARM_TC_ACT_SHOT);
  bpf2arm_skb_end(&s, BPF2ARM_TC_ACT_OK);
}

void cases_packet(void) {
  CASE(packet_layout_matches_uapi);
  CASE(xdp_init_limits);
  CASE(xdp_adjust_head_bounds);
  CASE(xdp_adjust_head_moves_meta);
  CASE(xdp_adjust_tail_bounds);
  CASE(xdp_adjust_meta_rules);
  CASE(redirect_xdp);
  CASE(redirect_tc);
  CASE(redirect_nested_runs);
  CASE(redirect_map_devmap);
}
