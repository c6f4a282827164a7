/* A small IPv4 firewall written as eBPF and compiled for ARM by bpf2arm.
 *
 *     clang-19 -target bpf -mcpu=v4 -O2 -g -c filter.bpf.c -o filter.bpf.o
 *     bpf2arm --mcpu=cortex-a15 filter.bpf.o -o filter.arm.o
 *
 * The firmware calls it with the prototype from BTF, as plain C:
 *
 *     int filter(const unsigned char *pkt, unsigned int len);
 *
 * `pkt` points at an IPv4 header (a raw IP link: PPP, SLIP, a TUN device). The result is
 * one of the FILTER_* verdicts below. Multi-byte fields are read a byte at a time: they are
 * big-endian on the wire, and a receive buffer on a microcontroller need not be aligned.
 */

#define FILTER_DROP 0
#define FILTER_ACCEPT 1
#define FILTER_REJECT 2 /* drop, and let the stack answer with a TCP reset */

#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

static inline unsigned int be16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static inline unsigned int be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

/* Kept out of line on purpose: on the BPF side this is a bpf-to-bpf call. */
static __attribute__((noinline)) int tcp_verdict(const unsigned char *tcp, unsigned int len,
						 unsigned int saddr)
{
	if (len < 20)
		return FILTER_DROP;
	unsigned int dport = be16(tcp + 2);
	unsigned int doff = (unsigned int)(tcp[12] >> 4) * 4;
	unsigned char flags = tcp[13];

	if (doff < 20 || doff > len)
		return FILTER_DROP;
	/* SYN+FIN and SYN+RST never happen in a real connection: scanners send them. */
	if ((flags & TCP_SYN) && (flags & (TCP_FIN | TCP_RST)))
		return FILTER_DROP;
	if (dport == 80 || dport == 443)
		return FILTER_ACCEPT;
	/* ssh only from the local network 192.168.0.0/16 */
	if (dport == 22)
		return (saddr >> 16) == 0xc0a8 ? FILTER_ACCEPT : FILTER_REJECT;
	/* replies to connections we opened arrive at ephemeral ports with ACK set */
	if (dport >= 1024 && (flags & TCP_ACK) && !(flags & TCP_SYN))
		return FILTER_ACCEPT;
	return FILTER_REJECT;
}

int filter(const unsigned char *pkt, unsigned int len)
{
	if (len < 20 || (pkt[0] >> 4) != 4)
		return FILTER_DROP;
	unsigned int ihl = (unsigned int)(pkt[0] & 0x0f) * 4;
	unsigned int total = be16(pkt + 2);
	if (ihl < 20 || total < ihl || total > len)
		return FILTER_DROP;
	/* fragments other than the first carry no transport header to look at */
	if (be16(pkt + 6) & 0x1fff)
		return FILTER_DROP;

	unsigned int saddr = be32(pkt + 12);
	switch (pkt[9]) {
	case IPPROTO_TCP:
		return tcp_verdict(pkt + ihl, total - ihl, saddr);
	case IPPROTO_ICMP:
		/* echo requests, if small: a ping flood with big packets is not welcome */
		return total - ihl >= 8 && pkt[ihl] == 8 && total <= 128 ? FILTER_ACCEPT : FILTER_DROP;
	default:
		return FILTER_DROP;
	}
}
