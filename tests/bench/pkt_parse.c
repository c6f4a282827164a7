/* Packet parsing to the transport layer and through its options: Ethernet, IPv4 (with
 * options) or IPv6 with a chain of extension headers, then TCP with its option list (MSS,
 * window scale, SACK permitted, timestamps) walked byte by byte. Every step is a bounds
 * check against the end of the packet, as the BPF verifier demands. */
#include "bench.h"

struct parsed {
	u32 l4_off;
	u16 mss;
	u8 wscale;
	u8 sack_ok;
	u32 tsval;
	u32 tsecr;
	u8 ext_headers;
	u8 l4_proto;
};

s32 pkt_parse(const u8 *data, const u8 *data_end, struct parsed *out);

#ifndef BENCH_DRIVER

static inline u32 get16(const u8 *p) { return (u32)p[0] << 8 | p[1]; }
static inline u32 get32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }

s32 pkt_parse(const u8 *data, const u8 *data_end, struct parsed *out)
{
	const u8 *p = data + 14;
	if (p > data_end)
		return -1;
	u32 proto, ethertype = get16(data + 12);
	out->ext_headers = 0;
	if (ethertype == 0x0800) {
		if (p + 20 > data_end)
			return -1;
		u32 ihl = (p[0] & 0xf) * 4;
		if (ihl < 20)
			return -1;
		proto = p[9];
		p += ihl;
	} else if (ethertype == 0x86dd) {
		if (p + 40 > data_end)
			return -1;
		proto = p[6];
		p += 40;
		/* Hop-by-hop, routing, destination options: 8-byte units after the first 8;
		 * fragment: always 8 bytes. */
		for (int i = 0; i < 6; i++) {
			if (proto != 0 && proto != 43 && proto != 60 && proto != 44)
				break;
			if (p + 8 > data_end)
				return -1;
			u32 next = p[0];
			p += proto == 44 ? 8 : (p[1] + 1) * 8;
			proto = next;
			out->ext_headers++;
		}
	} else {
		return -1;
	}
	out->l4_proto = (u8)proto;
	out->l4_off = (u32)(p - data);
	out->mss = 0;
	out->wscale = 0;
	out->sack_ok = 0;
	out->tsval = out->tsecr = 0;
	if (proto != 6)
		return 0;
	if (p + 20 > data_end)
		return -1;
	u32 doff = (p[12] >> 4) * 4;
	if (doff < 20 || p + doff > data_end)
		return -1;
	const u8 *opt = p + 20, *opt_end = p + doff;
	for (int i = 0; i < 40 && opt < opt_end; i++) {
		u32 kind = opt[0];
		if (kind == 0)
			break;
		if (kind == 1) {
			opt++;
			continue;
		}
		if (opt + 2 > opt_end)
			return -1;
		u32 len = opt[1];
		if (len < 2 || opt + len > opt_end)
			return -1;
		if (kind == 2 && len == 4)
			out->mss = (u16)get16(opt + 2);
		else if (kind == 3 && len == 3)
			out->wscale = opt[2];
		else if (kind == 4 && len == 2)
			out->sack_ok = 1;
		else if (kind == 8 && len == 10) {
			out->tsval = get32(opt + 2);
			out->tsecr = get32(opt + 6);
		}
		opt += len;
	}
	return 1;
}

#else

static u8 packets[3][128];
static u32 lengths[3];
static struct parsed result;

static u8 *put16(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
	return p + 2;
}

/* A TCP SYN header with options: MSS, SACK permitted, timestamps, NOP, window scale. */
static u8 *tcp_syn(u8 *p)
{
	static const u8 options[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
	u8 *start = p;
	for (u32 k = 0; k < 12; k++)
		p[k] = (u8)bench_rand();
	p[12] = (20 + sizeof options) / 4 << 4;
	p[13] = 0x02;
	for (u32 k = 14; k < 20; k++)
		p[k] = 0;
	for (u32 k = 0; k < sizeof options; k++)
		p[20 + k] = options[k];
	return start + 20 + sizeof options;
}

void bench_setup(void)
{
	/* IPv4 with 4 bytes of options, TCP SYN. */
	u8 *p = packets[0];
	p = put16(p + 12, 0x0800);
	p[0] = 0x46;
	p[9] = 6;
	lengths[0] = (u32)(tcp_syn(p + 24) - packets[0]);
	/* IPv6, hop-by-hop (8 bytes) and routing (24 bytes) headers, TCP SYN. */
	p = put16(packets[1] + 12, 0x86dd);
	p[6] = 0;
	p[40] = 43, p[41] = 0;
	p[48] = 6, p[49] = 2;
	lengths[1] = (u32)(tcp_syn(p + 72) - packets[1]);
	/* IPv6 with a fragment header then UDP. */
	p = put16(packets[2] + 12, 0x86dd);
	p[6] = 44;
	p[40] = 17;
	lengths[2] = (u32)(p + 48 + 8 - packets[2]);
}

u64 bench_run(void)
{
	u64 digest = 0;
	for (u32 i = 0; i < 3; i++) {
		s32 r = pkt_parse(packets[i], packets[i] + lengths[i], &result);
		digest = digest * 1000003u ^ (u32)r ^ (u64)result.l4_off << 8 ^ (u64)result.mss << 16 ^
			 (u64)result.wscale << 32 ^ (u64)result.sack_ok << 36 ^ (u64)result.ext_headers << 40 ^
			 result.tsval ^ (u64)result.tsecr << 20 ^ (u64)result.l4_proto << 48;
	}
	return digest;
}

#endif
