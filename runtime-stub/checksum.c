/* Internet checksum helpers: bpf_csum_diff and the incremental updates of RFC 1624
 * (bpf_l3_csum_replace, bpf_l4_csum_replace). Ones' complement sums do not depend on
 * byte order as long as every 16-bit word is taken the same way, so words are read as
 * native integers, as the program reads the values it passes (from/to/seed). */
#include "rt_packet.h"

/* 32-bit ones' complement addition (end-around carry). */
static uint32_t csum_add(uint32_t sum, uint32_t addend) {
  sum += addend;
  return sum + (sum < addend);
}

static uint16_t csum_fold(uint32_t sum) {
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Sum of ~from's words and to's words, plus seed: the change of a checksummed area
 * from `from` to `to`. Sizes are multiples of 4 and together at most 512 bytes (the
 * kernel's scratch buffer), else -EINVAL. The result is an unfolded 32-bit sum (like the
 * kernel's, congruent to it modulo 0xffff; its exact bits differ between architectures
 * there too), never negative. */
int64_t bpf_csum_diff(uint32_t *from, uint32_t from_size, uint32_t *to, uint32_t to_size, uint32_t seed) {
  if (((from_size | to_size) & 3u) != 0 || (uint64_t)from_size + to_size > BPF2ARM_CSUM_DIFF_MAX)
    return -BPF2ARM_EINVAL;
  uint32_t sum = seed;
  for (uint32_t i = 0; i < from_size; i += 4) sum = csum_add(sum, ~rt_load_u32((unsigned char *)from + i));
  for (uint32_t i = 0; i < to_size; i += 4) sum = csum_add(sum, rt_load_u32((unsigned char *)to + i));
  return sum;
}

/* The checksum field at `offset` of an skb's packet: even, within 0xffff and within the
 * packet, else NULL (the helpers answer -EFAULT). */
static unsigned char *csum_field(struct __sk_buff *skb, uint32_t offset) {
  struct bpf2arm_packet *p = rt_skb_packet(skb);
  if (offset > 0xffffu || (offset & 1u) != 0 || offset + 2u > bpf2arm_packet_len(p)) return NULL;
  return p->data + offset;
}

static uint16_t load16(const unsigned char *p) {
  uint16_t v;
  rt_copy(&v, p, 2);
  return v;
}

static void store16(unsigned char *p, uint16_t v) { rt_copy(p, &v, 2); }

/* RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'), for a field of `size` bytes (2 or 4) that
 * changed from `from` to `to`; size 0: `to` is a difference from bpf_csum_diff and
 * `from` must be 0. Returns 0 or -EINVAL. */
static int csum_replace(unsigned char *field, uint64_t from, uint64_t to, uint64_t size) {
  uint32_t sum = (uint16_t)~load16(field);
  switch (size) {
    case 0:
      if (from != 0) return -BPF2ARM_EINVAL;
      sum = csum_add(sum, (uint32_t)to);
      break;
    case 2:
      sum = csum_add(sum, (uint16_t)~(uint16_t)from);
      sum = csum_add(sum, (uint16_t)to);
      break;
    case 4:
      sum = csum_add(sum, ~(uint32_t)from);
      sum = csum_add(sum, (uint32_t)to);
      break;
    default:
      return -BPF2ARM_EINVAL;
  }
  store16(field, csum_fold(sum));
  return 0;
}

int64_t bpf_l3_csum_replace(struct __sk_buff *skb, uint32_t offset, uint64_t from, uint64_t to, uint64_t size) {
  if (size & ~(uint64_t)BPF2ARM_F_HDR_FIELD_MASK) return -BPF2ARM_EINVAL;
  unsigned char *field = csum_field(skb, offset);
  if (field == NULL) return -BPF2ARM_EFAULT;
  return csum_replace(field, from, to, size);
}

/* As bpf_l3_csum_replace, with flags: BPF_F_MARK_MANGLED_0 (UDP: a zero checksum means
 * "none" and stays, unless BPF_F_MARK_ENFORCE; a result of zero is written as 0xffff),
 * BPF_F_PSEUDO_HDR (the field is part of the pseudo-header: only matters to the kernel's
 * offloaded checksums, which flat frames do not have). */
int64_t bpf_l4_csum_replace(struct __sk_buff *skb, uint32_t offset, uint64_t from, uint64_t to, uint64_t flags) {
  const uint64_t known = BPF2ARM_F_MARK_MANGLED_0 | BPF2ARM_F_MARK_ENFORCE | BPF2ARM_F_PSEUDO_HDR |
                         BPF2ARM_F_HDR_FIELD_MASK;
  int mangled_0 = (flags & BPF2ARM_F_MARK_MANGLED_0) != 0;
  if (flags & ~known) return -BPF2ARM_EINVAL;
  unsigned char *field = csum_field(skb, offset);
  if (field == NULL) return -BPF2ARM_EFAULT;
  if (mangled_0 && !(flags & BPF2ARM_F_MARK_ENFORCE) && load16(field) == 0) return 0;
  int err = csum_replace(field, from, to, flags & BPF2ARM_F_HDR_FIELD_MASK);
  if (err) return err;
  if (mangled_0 && load16(field) == 0) store16(field, 0xffffu);
  return 0;
}
