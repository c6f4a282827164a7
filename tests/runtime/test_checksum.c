/* bpf_csum_diff, bpf_l3_csum_replace and bpf_l4_csum_replace against checksums computed
 * here from scratch (RFC 1071: the ones' complement of the ones' complement sum of the
 * big-endian 16-bit words), never by the runtime's own arithmetic. */
#include <string.h>

#include "test.h"
#include "test_packet.h"

/* RFC 1071 sum of `n` bytes (an odd last byte padded with zero), added to `sum`. */
static uint32_t rfc1071_add(uint32_t sum, const unsigned char *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i += 2) {
    sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0u);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  }
  return sum;
}

static uint16_t rfc1071_checksum(const unsigned char *p, uint32_t n) { return (uint16_t)~rfc1071_add(0, p, n); }

static uint16_t field_be(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void set_field_be(unsigned char *p, uint16_t v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/* bpf_csum_diff's result folded to 16 bits and read back as the program would store it:
 * the bytes it leaves in memory, taken big-endian. */
static uint16_t folded_as_stored(int64_t csum) {
  uint32_t s = (uint32_t)csum;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  uint16_t native = (uint16_t)s;
  unsigned char bytes[2];
  memcpy(bytes, &native, 2);
  return field_be(bytes);
}

static void csum_diff_sums(void) {
  unsigned char a[64], b[64];
  for (int i = 0; i < 64; i++) {
    a[i] = (unsigned char)(i * 37 + 11);
    b[i] = (unsigned char)(i * 91 + 200);
  }
  /* Pushing data (from_size 0, seed 0): the plain sum of `to`. */
  for (uint32_t n = 0; n <= 64; n += 4) {
    int64_t r = bpf_csum_diff(NULL, 0, (uint32_t *)(void *)b, n, 0);
    CHECK(r >= 0 && r <= 0xffffffffll);
    CHECK_EQ(folded_as_stored(r) % 0xffff, rfc1071_add(0, b, n) % 0xffff);
  }
  /* A diff: sum(to) - sum(from), as ones' complement arithmetic: sum(to) + ~sum(from). */
  int64_t diff = bpf_csum_diff((uint32_t *)(void *)a, 16, (uint32_t *)(void *)b, 24, 0);
  uint32_t want = rfc1071_add(0, b, 24) + (uint16_t)~rfc1071_add(0, a, 16);
  want = (want & 0xffff) + (want >> 16);
  CHECK_EQ(folded_as_stored(diff) % 0xffff, want % 0xffff);
  /* Sizes: multiples of 4, at most 512 together. */
  static uint32_t big[130];
  int64_t zero = bpf_csum_diff(big, 256, big, 256, 0); /* x + ~x: a ones' complement zero */
  CHECK(zero >= 0 && folded_as_stored(zero) % 0xffff == 0);
  CHECK_EQ(bpf_csum_diff(big, 256, big, 260, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_csum_diff(big, 2, NULL, 0, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_csum_diff(NULL, 0, big, 6, 0), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_csum_diff(NULL, 0, NULL, 0, 1234), 1234); /* just the seed */
}

static unsigned char frame[128];
static struct bpf2arm_skb s;
static uint16_t rfc1071_checksum_udp(void);

/* Ethernet + IPv4 (20 bytes, valid checksum) + UDP (8 bytes, valid checksum) + 12 bytes. */
static uint32_t udp4_frame(void) {
  static const unsigned char head[14 + 20 + 8] = {
      2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,
      0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 192, 168, 1, 20, 10, 1, 2, 3,
      0x30, 0x39, 0x00, 0x35, 0, 20, 0, 0};
  memcpy(frame, head, sizeof head);
  for (int i = 0; i < 12; i++) frame[42 + i] = (unsigned char)(i * 13 + 7);
  set_field_be(frame + 24, rfc1071_checksum(frame + 14, 20));
  set_field_be(frame + 40, rfc1071_checksum_udp());
  CHECK_EQ(bpf2arm_skb_init(&s, frame, sizeof frame, 0, 54, 0), 0);
  return 54;
}

/* The UDP checksum of frame's datagram over the IPv4 pseudo-header, from scratch. */
static uint16_t rfc1071_checksum_udp(void) {
  unsigned char pseudo[12];
  memcpy(pseudo, frame + 26, 8); /* source and destination addresses */
  pseudo[8] = 0;
  pseudo[9] = 17;
  set_field_be(pseudo + 10, field_be(frame + 38)); /* UDP length */
  unsigned char datagram[64];
  uint32_t udp_len = field_be(frame + 38);
  memcpy(datagram, frame + 34, udp_len);
  set_field_be(datagram + 6, 0); /* the checksum field counts as zero */
  uint32_t sum = rfc1071_add(rfc1071_add(0, pseudo, 12), datagram, udp_len);
  uint16_t c = (uint16_t)~sum;
  return c ? c : 0xffff;
}

static void l3_replace_matches_recompute(void) {
  udp4_frame();
  uint32_t old_daddr, new_daddr;
  memcpy(&old_daddr, frame + 30, 4);
  memcpy(frame + 30, "\x0a\x63\x00\x07", 4);
  memcpy(&new_daddr, frame + 30, 4);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, old_daddr, new_daddr, 4), 0);
  uint16_t ip_sum = field_be(frame + 24);
  set_field_be(frame + 24, 0);
  CHECK_EQ(ip_sum, rfc1071_checksum(frame + 14, 20));
  set_field_be(frame + 24, ip_sum);
  /* TTL and protocol as one 16-bit word. */
  uint16_t old_word, new_word;
  memcpy(&old_word, frame + 22, 2);
  frame[22] = 63;
  memcpy(&new_word, frame + 22, 2);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, old_word, new_word, 2), 0);
  ip_sum = field_be(frame + 24);
  set_field_be(frame + 24, 0);
  CHECK_EQ(ip_sum, rfc1071_checksum(frame + 14, 20));
  set_field_be(frame + 24, ip_sum);
  /* Through bpf_csum_diff (size 0: `to` is a difference). */
  uint32_t old_saddr, new_saddr;
  memcpy(&old_saddr, frame + 26, 4);
  memcpy(frame + 26, "\xac\x10\xfe\x01", 4);
  memcpy(&new_saddr, frame + 26, 4);
  int64_t diff = bpf_csum_diff(&old_saddr, 4, &new_saddr, 4, 0);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, 0, (uint64_t)diff, 0), 0);
  ip_sum = field_be(frame + 24);
  set_field_be(frame + 24, 0);
  CHECK_EQ(ip_sum, rfc1071_checksum(frame + 14, 20));
}

static void l3_replace_errors(void) {
  udp4_frame();
  unsigned char before[54];
  memcpy(before, frame, 54);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, 1, 2, 0x10), -BPF2ARM_EINVAL); /* a flag */
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 25, 1, 2, 2), -BPF2ARM_EFAULT);    /* odd offset */
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 53, 1, 2, 2), -BPF2ARM_EFAULT);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 54, 1, 2, 2), -BPF2ARM_EFAULT);    /* past the end */
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 0x10000, 1, 2, 2), -BPF2ARM_EFAULT);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, 1, 2, 3), -BPF2ARM_EINVAL);    /* size 3 */
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, 1, 2, 0), -BPF2ARM_EINVAL);    /* size 0 with a from */
  CHECK(memcmp(before, frame, 54) == 0);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 52, 0, 0, 0), 0); /* the last two bytes */
}

static void l4_replace_pseudo_header_and_port(void) {
  udp4_frame();
  /* Destination address: in the IP header and in the UDP pseudo-header. */
  uint32_t old_daddr, new_daddr;
  memcpy(&old_daddr, frame + 30, 4);
  memcpy(frame + 30, "\xc0\x00\x02\x63", 4);
  memcpy(&new_daddr, frame + 30, 4);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, old_daddr, new_daddr, BPF2ARM_F_PSEUDO_HDR | 4), 0);
  CHECK_EQ(bpf_l3_csum_replace(&s.skb, 24, old_daddr, new_daddr, 4), 0);
  CHECK_EQ(field_be(frame + 40), rfc1071_checksum_udp());
  uint16_t ip_sum = field_be(frame + 24);
  set_field_be(frame + 24, 0);
  CHECK_EQ(ip_sum, rfc1071_checksum(frame + 14, 20));
  /* Destination port. */
  uint16_t old_port, new_port;
  memcpy(&old_port, frame + 36, 2);
  set_field_be(frame + 36, 5353);
  memcpy(&new_port, frame + 36, 2);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, old_port, new_port, 2), 0);
  CHECK_EQ(field_be(frame + 40), rfc1071_checksum_udp());
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, 1, 2, 1u << 7), -BPF2ARM_EINVAL);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 41, 1, 2, 2), -BPF2ARM_EFAULT);
}

/* UDP's zero checksum means "none". Worked by hand: a field of 0xffff updated for a
 * 16-bit word changing from 0x0000 to 0xffff sums ~0xffff + ~0x0000 + 0xffff = 0x1fffe,
 * folds to 0xffff, and complements to 0x0000; BPF_F_MARK_MANGLED_0 writes 0xffff instead. */
static void l4_replace_mangled_zero(void) {
  udp4_frame();
  set_field_be(frame + 40, 0);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, 0x1111, 0x2222, BPF2ARM_F_MARK_MANGLED_0 | 2), 0);
  CHECK_EQ(field_be(frame + 40), 0); /* no checksum: left alone */
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, 0x1111, 0x2222, BPF2ARM_F_MARK_MANGLED_0 | BPF2ARM_F_MARK_ENFORCE | 2),
           0);
  CHECK(field_be(frame + 40) != 0);
  set_field_be(frame + 40, 0xffff);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, 0x0000, 0xffff, 2), 0);
  CHECK_EQ(field_be(frame + 40), 0x0000);
  set_field_be(frame + 40, 0xffff);
  CHECK_EQ(bpf_l4_csum_replace(&s.skb, 40, 0x0000, 0xffff, BPF2ARM_F_MARK_MANGLED_0 | 2), 0);
  CHECK_EQ(field_be(frame + 40), 0xffff);
}

void cases_checksum(void) {
  CASE(csum_diff_sums);
  CASE(l3_replace_matches_recompute);
  CASE(l3_replace_errors);
  CASE(l4_replace_pseudo_header_and_port);
  CASE(l4_replace_mangled_zero);
}
