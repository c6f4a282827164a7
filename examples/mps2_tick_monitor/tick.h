/* The ring buffer record, shared by the eBPF program and the firmware (ring buffer records
 * are plain bytes to BPF, so BTF does not describe them). int has one width on both sides. */
#ifndef TICK_H
#define TICK_H

struct tick_alert {
	unsigned int tick;
	int sample;
	int limit;
};

/* The histogram's buckets: samples 0..127 in bucket 0, 128..255 in 1, ..., >= 896 in 7. */
#define TICK_BUCKETS 8
#define TICK_BUCKET_WIDTH 128

#endif
