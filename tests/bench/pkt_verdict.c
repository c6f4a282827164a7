/* An XDP-style packet classifier: Ethernet (with one optional VLAN tag), IPv4 with options,
 * TCP/UDP/ICMP; header structs laid over the packet, bounds checks against the end,
 * big-endian fields, and a verdict from a few firewall rules. */
#include "bench.h"

#define V_DROP 0
#define V_PASS 1
#define V_TX 2
#define V_REDIRECT 3

struct eth_hdr {
	u8 dst[6];
	u8 src[6];
	u16 proto;
};

struct vlan_hdr {
	u16 tci;
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

struct l4_ports {
	u16 sport;
	u16 dport;
};

struct tcp_flags {
	u8 off;
	u8 flags;
};

s32 pkt_verdict(const u8 *data, const u8 *data_end);

#ifndef BENCH_DRIVER

static inline u16 be16(u16 x) { return __builtin_bswap16(x); }
static inline u32 be32(u32 x) { return __builtin_bswap32(x); }

s32 pkt_verdict(const u8 *data, const u8 *data_end)
{
	const struct eth_hdr *eth = (const void *)data;
	if ((const u8 *)(eth + 1) > data_end)
		return V_DROP;
	u16 proto = be16(eth->proto);
	const u8 *p = (const u8 *)(eth + 1);
	if (proto == 0x8100) {
		const struct vlan_hdr *vlan = (const void *)p;
		if ((const u8 *)(vlan + 1) > data_end)
			return V_DROP;
		if ((be16(vlan->tci) & 0xfff) == 42)
			return V_REDIRECT;
		proto = be16(vlan->proto);
		p = (const u8 *)(vlan + 1);
	}
	if (proto == 0x0806)
		return V_PASS; /* ARP */
	if (proto != 0x0800)
		return V_DROP;

	const struct ip_hdr *ip = (const void *)p;
	if ((const u8 *)(ip + 1) > data_end)
		return V_DROP;
	u32 ihl = ip->ver_ihl & 0xf;
	if ((ip->ver_ihl >> 4) != 4 || ihl < 5)
		return V_DROP;
	if (be16(ip->tot_len) < ihl * 4 || p + be16(ip->tot_len) > data_end)
		return V_DROP;
	if (be16(ip->frag) & 0x3fff)
		return V_PASS; /* fragments go to the slow path */
	if (ip->ttl <= 1)
		return V_DROP;
	u32 saddr = be32(ip->saddr);
	if ((saddr & 0xff000000u) == 0x7f000000u || (saddr & 0xf0000000u) == 0xe0000000u)
		return V_DROP; /* loopback or multicast source */

	const u8 *l4 = p + ihl * 4;
	if (ip->proto == 1) {
		if (l4 + 1 > data_end)
			return V_DROP;
		return l4[0] == 8 ? V_TX : V_PASS; /* answer echo requests */
	}
	if (ip->proto != 6 && ip->proto != 17)
		return V_DROP;
	const struct l4_ports *ports = (const void *)l4;
	if ((const u8 *)(ports + 1) > data_end)
		return V_DROP;
	u16 dport = be16(ports->dport);
	u16 sport = be16(ports->sport);
	if (ip->proto == 17) {
		if (dport == 53 || sport == 53)
			return V_PASS;
		if (dport >= 33434 && dport <= 33534)
			return V_TX; /* traceroute */
		return dport < 1024 ? V_DROP : V_PASS;
	}
	const struct tcp_flags *tf = (const void *)(l4 + 12);
	if ((const u8 *)(tf + 1) > data_end)
		return V_DROP;
	if (dport == 23 || dport == 2323)
		return V_DROP;
	if ((tf->flags & 0x12) == 0x02 && (dport == 80 || dport == 443))
		return V_REDIRECT; /* new web connections to the proxy */
	return V_PASS;
}

#else

/* Offset 2 in a 4-byte aligned buffer puts the IP header on a 4-byte boundary, as the
 * kernel's NET_IP_ALIGN does. */
static u32 storage[4][32];
static u32 lengths[4];

static u8 *packet(u32 i) { return (u8 *)storage[i] + 2; }

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void make(u32 i, int vlan, u8 l4proto, u16 sport, u16 dport, u8 flags)
{
	u8 *p = packet(i);
	for (u32 k = 0; k < 12; k++)
		p[k] = (u8)bench_rand();
	u8 *q = p + 12;
	if (vlan) {
		put16(q, 0x8100);
		put16(q + 2, 7);
		q += 4;
	}
	put16(q, 0x0800);
	u8 *ip = q + 2;
	ip[0] = 0x45;
	put16(ip + 2, 20 + 20 + 8);
	ip[8] = 64;
	ip[9] = l4proto;
	ip[12] = 10, ip[13] = 1, ip[14] = 2, ip[15] = 3;
	ip[16] = 192, ip[17] = 168, ip[18] = 0, ip[19] = 1;
	put16(ip + 20, sport);
	put16(ip + 22, dport);
	ip[20 + 13] = flags;
	lengths[i] = (u32)(ip + 20 + 20 + 8 - p);
}

void bench_setup(void)
{
	make(0, 0, 6, 40000, 443, 0x02);  /* TCP SYN to 443 */
	make(1, 1, 17, 5353, 53, 0);      /* DNS over a VLAN */
	make(2, 0, 6, 40001, 8080, 0x10); /* established TCP */
	make(3, 0, 17, 1234, 33500, 0);   /* traceroute probe */
}

u64 bench_run(void)
{
	u64 r = 0;
	for (u32 i = 0; i < 4; i++)
		r = r << 4 | (u32)pkt_verdict(packet(i), packet(i) + lengths[i]);
	return r;
}

#endif
