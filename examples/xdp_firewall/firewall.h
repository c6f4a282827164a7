/* The drop event the program writes to the `drops` ring buffer, shared by the eBPF
 * program and the firmware (ring buffer records are bytes to BPF: BTF does not describe
 * them, so both sides include this header). Only fixed-width fields of the same size
 * on BPF and on ARM32, laid out without padding. */
#ifndef FIREWALL_H
#define FIREWALL_H

/* Why a frame was dropped. */
#define DROP_SOURCE_RULE 1 /* its source address is in a blocked network */
#define DROP_PORT_RULE 2   /* its protocol and destination port are blocked */
#define DROP_MALFORMED 3   /* an IPv4 header that does not fit the frame */
#define DROP_DEFAULT 4     /* no rule matched and the default action is XDP_DROP */

struct drop_event {
	unsigned int saddr;     /* host byte order */
	unsigned int daddr;
	unsigned short sport;   /* 0 when the protocol has no ports */
	unsigned short dport;
	unsigned char proto;
	unsigned char reason;   /* DROP_* */
	unsigned short frame_len;
	unsigned int rule_id;   /* the matching rule's id, 0 for DROP_MALFORMED and DROP_DEFAULT */
	unsigned int seq;       /* the program's count of frames seen, this one included */
};

#endif
