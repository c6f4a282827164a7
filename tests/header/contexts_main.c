/* The generated header and bpf2arm/packet.h declare the same context structs: included
 * in either order (PACKET_H_FIRST), each declares what the other has not, and both check
 * the layout. Built as C11 and C++17; the programs then run on contexts packet.h builds.
 * The expected values follow from the frame and tunnel metadata set here. */
#include <stdio.h>
#include <string.h>

#ifdef PACKET_H_FIRST
#include "bpf2arm/packet.h"
#include "contexts.arm.h"
#define ORDER "packet.h, then the generated header"
#else
#define ORDER "the generated header, then packet.h"
#include "contexts.arm.h"
#include "bpf2arm/packet.h"
#endif
#ifdef __cplusplus
#define LANGUAGE "C++"
#else
#define LANGUAGE "C"
#endif

static int failures;

#define CHECK(cond)                                                   \
	do {                                                          \
		if (!(cond)) {                                        \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                   \
		}                                                     \
	} while (0)

static unsigned char frame[256];

int main(void)
{
	struct bpf2arm_xdp x;
	CHECK(bpf2arm_xdp_init(&x, frame, sizeof frame, 32, 60) == 0);
	x.md.ingress_ifindex = 3;
	CHECK(bpf2arm_xdp_end(&x, xdp_frame_len(bpf2arm_xdp_begin(&x))) == 3060);

	struct bpf2arm_skb s;
	CHECK(bpf2arm_skb_init(&s, frame, sizeof frame, 32, 60, 0) == 0);
	CHECK((int32_t)bpf2arm_skb_end(&s, tc_tunnel_mark(bpf2arm_skb_begin(&s))) == -1); /* no metadata */
	CHECK(bpf2arm_skb_init(&s, frame, sizeof frame, 32, 60, 0) == 0);
	s.tunnel.present = 1;
	s.tunnel.id = 4242;
	s.tunnel.src[0] = 0x0a000001;
	s.tunnel.ttl = 17;
	CHECK(bpf2arm_skb_end(&s, tc_tunnel_mark(bpf2arm_skb_begin(&s))) == 17);
	CHECK(s.skb.mark == 4242);
	uint32_t zero = 0;
	const struct bpf_tunnel_key *key = last_tunnel__lookup(&zero);
	CHECK(key && key->tunnel_id == 4242 && key->remote_ipv4 == 0x0a000001 && key->tunnel_ttl == 17);
	printf("contexts (%s, %s): %d failures\n", LANGUAGE, ORDER, failures);
	return failures != 0;
}
