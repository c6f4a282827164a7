/* The ring buffer record, shared by the eBPF program and the firmware. Ring buffer
 * records are plain bytes to BPF, so BTF does not describe them: share a header, as
 * BPF programs and their loaders usually do. int and long long have the same width on
 * BPF and on ARM32 (long does not), so this has one layout on both sides. */
#ifndef SENSOR_H
#define SENSOR_H

struct alert {
	unsigned int channel;
	int value;
	unsigned long long sample_no;
};

#endif
