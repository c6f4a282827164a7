/* QEMU TCG plugin: counts guest instructions executed inside given address ranges.
 *
 *     qemu-arm -d plugin -D LOG -plugin ./libcount.so,range=LO-HI[,range=LO-HI...] PROG
 *
 * LO and HI are hex addresses, HI exclusive. At exit the plugin writes one line
 * "insns N" to the QEMU log (qemu_plugin_outs only reaches the log, hence -d plugin).
 *
 * Debian 12 ships QEMU 7.2 without qemu-plugin.h, so the few declarations this plugin
 * needs are written out below; they follow the 7.2 API (plugin API version 1). The
 * structures QEMU hands us stay opaque: we only pass their pointers back.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;

/* The only inline operation 7.2 offers; its value is 0 in that release's enum. */
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 = 0 };

typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

#define MAX_RANGES 64

static struct { uint64_t lo, hi; } ranges[MAX_RANGES];
static int n_ranges;
/* qemu-arm runs one guest thread here, so a plain counter bumped by inline TCG ops
 * (no helper call per block) is exact and cheap. */
static uint64_t executed;

static int in_ranges(uint64_t addr)
{
	for (int i = 0; i < n_ranges; i++)
		if (addr >= ranges[i].lo && addr < ranges[i].hi)
			return 1;
	return 0;
}

/* A block runs from its first instruction to its last unless the guest faults, so the
 * in-range instructions of a block can be counted once, at translation, and added as a
 * constant each time the block runs. Checking every instruction (not just the block start)
 * keeps blocks that cross a range boundary right. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t inside = 0;
	for (size_t i = 0; i < n; i++)
		inside += in_ranges(qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i)));
	if (inside)
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed,
							 inside);
}

static void report_count(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	char line[64];
	snprintf(line, sizeof line, "insns %" PRIu64 "\n", executed);
	qemu_plugin_outs(line);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		unsigned long long lo, hi;
		if (strncmp(argv[i], "range=", 6) != 0 ||
		    sscanf(argv[i] + 6, "%llx-%llx", &lo, &hi) != 2 || lo >= hi ||
		    n_ranges == MAX_RANGES) {
			fprintf(stderr, "count_insns: bad argument '%s' (want range=LO-HI in hex)\n",
				argv[i]);
			return -1;
		}
		ranges[n_ranges].lo = lo;
		ranges[n_ranges].hi = hi;
		n_ranges++;
	}
	if (n_ranges == 0) {
		fprintf(stderr, "count_insns: no range=LO-HI given\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, report_count, NULL);
	return 0;
}
