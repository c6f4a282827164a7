/* An Ethernet/IPv4/UDP parser in the style of an XDP program: struct pointers into the
 * caller's packet bytes, bounds checks against the length, big-endian fields, the header
 * checksum, and a verdict. The results come back as a return value and through a struct
 * pointer, so stores of 1/2/4 bytes into caller memory are exercised too. */
#include "bpfprog.h"

/* Verdicts; errors are negative so a caller can tell them apart with one compare. */
#define V_DROP 0
#define V_PASS 1
#define V_REDIRECT 2
#define E_SHORT (-1)
#define E_NOT_V4 (-2)
#define E_BAD_HDR (-3)
#define E_BAD_CSUM (-4)

struct eth_hdr {
	u8 dst[6];
	u8 src[6];
	u16 proto;
};

struct ip_hdr {
	u8 ver_ihl;
	u8 tos;
	u16 tot_len;
	u16 id;
	u16 frag;
	u8 ttl;
	u8 proto;
	u16 csum;
	u32 saddr;
	u32 daddr;
};

struct udp_hdr {
	u16 sport;
	u16 dport;
	u16 len;
	u16 csum;
};

/* Same layout on BPF, host and ARM: only fixed-width fields, naturally aligned. */
struct flow {
	u32 saddr;
	u32 daddr;
	u16 sport;
	u16 dport;
	u8 proto;
	u8 ttl;
	u16 payload_len;
};

s32 udp_verdict(const u8 *pkt, u32 len, struct flow *out);
u16 ip_header_csum(const void *iph, u32 ihl_words);
u32 flow_hash(const struct flow *f);

#ifndef TEST_MAIN

static inline u16 be16(u16 x) { return (u16)(x >> 8 | x << 8); }
static inline u32 be32(u32 x) { return __builtin_bswap32(x); }

u16 ip_header_csum(const void *iph, u32 ihl_words)
{
	const u16 *w = iph;
	u32 sum = 0;
	for (u32 i = 0; i < ihl_words * 2 && i < 30; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static NOINLINE s32 policy(const struct flow *f, const u8 *payload, u32 payload_avail)
{
	if (f->ttl <= 1)
		return V_DROP;
	if (f->dport >= 6000 && f->dport < 6064)
		return V_DROP;
	/* 10.0.0.0/8 talking to a broadcast address */
	if ((f->saddr >> 24) == 10 && (f->daddr & 0xff) == 0xff)
		return V_DROP;
	if (f->dport == 53 && payload_avail >= 3 && (payload[2] & 0x80) == 0)
		return V_REDIRECT; /* a DNS query, not a response */
	if (f->sport == f->dport && f->sport < 1024)
		return V_REDIRECT;
	return V_PASS;
}

s32 udp_verdict(const u8 *pkt, u32 len, struct flow *out)
{
	const struct eth_hdr *eth = (const struct eth_hdr *)pkt;
	if (len < sizeof(*eth))
		return E_SHORT;
	if (be16(eth->proto) != 0x0800)
		return V_PASS;

	const struct ip_hdr *ip = (const struct ip_hdr *)(pkt + sizeof(*eth));
	if (len < sizeof(*eth) + sizeof(*ip))
		return E_SHORT;
	if ((ip->ver_ihl >> 4) != 4)
		return E_NOT_V4;
	u32 ihl = ip->ver_ihl & 0xf;
	if (ihl < 5)
		return E_BAD_HDR;
	u32 hlen = ihl * 4;
	if (len < sizeof(*eth) + hlen)
		return E_SHORT;
	u32 tot = be16(ip->tot_len);
	if (tot < hlen || sizeof(*eth) + tot > len)
		return E_BAD_HDR;
	if (ip_header_csum(ip, ihl) != 0)
		return E_BAD_CSUM;

	out->saddr = be32(ip->saddr);
	out->daddr = be32(ip->daddr);
	out->proto = ip->proto;
	out->ttl = ip->ttl;
	out->sport = 0;
	out->dport = 0;
	out->payload_len = (u16)(tot - hlen);
	if (be16(ip->frag) & 0x3fff)
		return V_PASS; /* fragments: only the first has ports, leave them alone */
	if (ip->proto != 17)
		return V_PASS;

	const struct udp_hdr *udp = (const struct udp_hdr *)((const u8 *)ip + hlen);
	if (tot - hlen < sizeof(*udp))
		return E_BAD_HDR;
	u32 ulen = be16(udp->len);
	if (ulen < sizeof(*udp) || ulen > tot - hlen)
		return E_BAD_HDR;
	out->sport = be16(udp->sport);
	out->dport = be16(udp->dport);
	out->payload_len = (u16)(ulen - sizeof(*udp));
	return policy(out, (const u8 *)(udp + 1), ulen - sizeof(*udp));
}

u32 flow_hash(const struct flow *f)
{
	u32 h = f->saddr * 0x9e3779b1u;
	h ^= (h >> 15) ^ f->daddr;
	h *= 0x85ebca6bu;
	h ^= ((u32)f->sport << 16 | f->dport) + f->proto;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

#else

static void put16(u8 *p, u16 v) { p[0] = (u8)(v >> 8); p[1] = (u8)v; }

/* The test's own checksum, independent of the one under test. */
static void set_ip_csum(u8 *ip, u32 hlen)
{
	u32 sum = 0;
	ip[10] = ip[11] = 0;
	for (u32 i = 0; i < hlen; i += 2)
		sum += (u32)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (u16)~sum);
}

static u32 make_packet(u8 *pkt, u32 cap)
{
	static const u16 ports[] = { 53, 67, 123, 443, 1000, 5999, 6000, 6063, 6064, 65535 };
	u32 ihl = rnd_below(4) == 0 ? 5 + rnd_below(11) : 5;
	u32 payload = rnd_below(40);
	u32 tot = ihl * 4 + 8 + payload;
	u32 len = 14 + tot;
	if (len > cap)
		len = cap;
	rnd_fill(pkt, len);
	put16(pkt + 12, 0x0800);
	u8 *ip = pkt + 14;
	ip[0] = (u8)(0x40 | ihl);
	put16(ip + 2, (u16)tot);
	put16(ip + 6, rnd_below(3) == 0 ? (u16)rnd32() : 0x4000);
	ip[8] = (u8)rnd_below(5);
	ip[9] = rnd_below(6) == 0 ? 6 : 17;
	if (rnd_below(3) == 0)
		ip[12] = 10;
	if (rnd_below(3) == 0)
		ip[19] = 0xff;
	set_ip_csum(ip, ihl * 4);
	u8 *udp = ip + ihl * 4;
	u16 sport = rnd_below(2) ? ports[rnd_below(10)] : (u16)rnd32();
	u16 dport = rnd_below(4) == 0 ? sport : rnd_below(2) ? ports[rnd_below(10)] : (u16)rnd32();
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (u16)(8 + payload));
	return len;
}

void run_tests(void)
{
	/* NET_IP_ALIGN: the Ethernet header starts 2 bytes into an aligned buffer, so the IP
	 * and UDP headers are 4-byte aligned as they are in a real receive buffer. */
	static u64 storage[32];
	u8 *pkt = (u8 *)storage + 2;
	u32 cap = sizeof(storage) - 2;

	for (int t = 0; t < 400; t++) {
		u32 len = make_packet(pkt, cap);
		const char *mutation = "none";
		switch (t % 8) {
		case 1: {
			u32 at = rnd_below(len);
			pkt[at] ^= (u8)(1 + rnd_below(255));
			mutation = "flip";
			break;
		}
		case 2:
			len = rnd_below(len + 1);
			mutation = "truncate";
			break;
		case 3:
			pkt[14] = (u8)((rnd_below(16) << 4) | (pkt[14] & 0xf));
			mutation = "version";
			break;
		case 4:
			pkt[14] = (u8)(0x40 | rnd_below(5));
			mutation = "ihl";
			break;
		case 5:
			put16(pkt + 12, rnd_below(2) ? 0x86dd : (u16)rnd32());
			mutation = "ethertype";
			break;
		}
		struct flow f;
		memset(&f, 0xa5, sizeof(f));
		s32 v = udp_verdict(pkt, len, &f);
		printf("udp_verdict(len=%u, mutation=%s, pkt=", len, mutation);
		print_hex(pkt + 14, len < 40 ? (len > 14 ? len - 14 : 0) : 26);
		printf(") = %d\n", v);
		printf("  flow %08x > %08x %u > %u proto=%u ttl=%u payload=%u\n", f.saddr, f.daddr, f.sport,
		       f.dport, f.proto, f.ttl, f.payload_len);
		printf("  flow_hash = %08x\n", flow_hash(&f));
		if (len >= 34)
			printf("  ip_header_csum(5) = %04x\n", ip_header_csum(pkt + 14, 5));
	}
}

#endif
