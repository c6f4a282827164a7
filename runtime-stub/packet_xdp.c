/* The XDP helpers that move the frame's bounds inside its buffer, with the kernel's
 * limits and error codes. The kernel keeps part of the headroom (its struct xdp_frame)
 * and of the tailroom (struct skb_shared_info) for itself; firmware buffers have no such
 * reserve, so the limits are the buffer's own. */
#include "rt_packet.h"

/* Moves data by delta; the metadata in front of it moves along. data may not go below
 * the headroom left after the metadata, nor leave less than an Ethernet header. */
int64_t bpf_xdp_adjust_head(struct xdp_md *xdp_md, int32_t delta) {
  struct bpf2arm_packet *p = rt_xdp_packet(xdp_md);
  uint32_t meta_len = bpf2arm_packet_meta_len(p);
  int64_t new_data = (p->data - p->buf) + (int64_t)delta; /* offsets from buf: no wild pointers */
  if (new_data < (int64_t)meta_len || new_data > (p->data_end - p->buf) - (int64_t)BPF2ARM_ETH_HLEN)
    return -BPF2ARM_EINVAL;
  unsigned char *data = p->buf + new_data;
  if (meta_len != 0) rt_move(data - meta_len, p->data_meta, meta_len);
  p->data = data;
  p->data_meta = data - meta_len;
  rt_packet_sync(p);
  return 0;
}

/* Moves data_end by delta: up to the end of the tailroom, down to an Ethernet header.
 * Grown bytes are zeroed (the kernel clears them so no stale memory shows). */
int64_t bpf_xdp_adjust_tail(struct xdp_md *xdp_md, int32_t delta) {
  struct bpf2arm_packet *p = rt_xdp_packet(xdp_md);
  int64_t new_end = (p->data_end - p->buf) + (int64_t)delta;
  if (new_end > p->buf_end - p->buf || new_end < (p->data - p->buf) + (int64_t)BPF2ARM_ETH_HLEN)
    return -BPF2ARM_EINVAL;
  if (delta > 0) rt_zero(p->data_end, (uint32_t)delta);
  p->data_end = p->buf + new_end;
  rt_packet_sync(p);
  return 0;
}

/* Moves data_meta by delta (negative grows the metadata): it stays within the buffer and
 * at or before data (-EINVAL), and the metadata is a multiple of 4 bytes, at most 32
 * (-EACCES), as the kernel's xdp_metalen_invalid() demands. */
int64_t bpf_xdp_adjust_meta(struct xdp_md *xdp_md, int32_t delta) {
  struct bpf2arm_packet *p = rt_xdp_packet(xdp_md);
  int64_t new_meta = (p->data_meta - p->buf) + (int64_t)delta;
  if (new_meta < 0 || new_meta > p->data - p->buf) return -BPF2ARM_EINVAL;
  uint64_t meta_len = (uint64_t)((p->data - p->buf) - new_meta);
  if ((meta_len & 3u) != 0 || meta_len > BPF2ARM_XDP_META_MAX) return -BPF2ARM_EACCES;
  p->data_meta = p->buf + new_meta;
  rt_packet_sync(p);
  return 0;
}

/* The whole frame's length: firmware frames are flat (no fragments), so it is the
 * linear part's, data_end - data. */
uint64_t bpf_xdp_get_buff_len(struct xdp_md *xdp_md) {
  return bpf2arm_packet_len(rt_xdp_packet(xdp_md));
}
