/* The context layouts of the kernel's own uapi header, for test_packet.c to compare
 * packet.h's declarations with (a separate file: both declare the same struct names).
 * The header is the target's: the host's, or the ARM cross toolchain's for qemu-arm. */
#include <linux/bpf.h>
#include <stddef.h>

#include "packet_fields.h"

const struct field_layout uapi_fields[] = {PACKET_CONTEXT_FIELDS};
const unsigned n_uapi_fields = sizeof uapi_fields / sizeof *uapi_fields;

/* packet.h's static asserts, compiled against linux/bpf.h's declarations: the offsets
 * written in packet.h are the kernel's. */
#include "bpf2arm/packet.h"
