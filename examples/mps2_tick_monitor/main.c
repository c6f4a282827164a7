/* Firmware for the MPS2 AN386 board (Cortex-M4; qemu-system-arm -M mps2-an386): SysTick
 * interrupts at 1 kHz run the eBPF program of tick.bpf.c (compiled by bpf2arm
 * --mcpu=cortex-m4) on a simulated sensor; after TICKS interrupts the firmware stops the
 * timer, reads what the program collected through the header bpf2arm generated (tick.arm.h:
 * the maps' typed accessors, the program's globals) and prints it on UART 0. It compares
 * each figure with a C model of the program; the exit status (through semihosting, so
 * qemu's) is the number of mismatches.
 *
 * Start-up code, vector table and linker script: runtime-stub/boards/mps2 (startup.c, mps2-an386.ld).
 * The platform hooks this firmware gives the runtime: bpf2arm_platform_putc (bpf_printk's
 * output) writes to the UART; interrupt masking for the maps and the 64-bit atomic add is
 * the runtime's default for M profile (PRIMASK), which is right on this one-core board. */
#include <stdint.h>
#include <stdio.h>

#include "mps2.h"
#include "tick.arm.h"
#include "tick.h"

#define TICKS 300u

/* ---- UART 0: polled output; newlib's printf reaches it through _write ---- */

static void uart_init(void)
{
	UART_BAUDDIV = 16; /* the smallest divider the CMSDK UART takes; qemu ignores the rate */
	UART_CTRL = UART_CTRL_TXEN;
}

static void uart_putc(char c)
{
	while (UART_STATE & UART_STATE_TXFULL)
		;
	UART_DATA = (uint32_t)(unsigned char)c;
}

int _write(int fd, const char *buf, int len);
int _write(int fd, const char *buf, int len)
{
	(void)fd;
	for (int i = 0; i < len; i++)
		uart_putc(buf[i]);
	return len;
}

/* newlib's exit ends here: stop qemu with main's result. */
void _exit(int status);
void _exit(int status)
{
	mps2_exit(status);
}

/* bpf_printk's output, a character at a time (runtime-stub/include/bpf2arm/runtime.h). */
void bpf2arm_platform_putc(char c)
{
	uart_putc(c);
}

/* ---- the sensor: a slow triangle wave with noise and a spike every 97 ticks ---- */

static int32_t sensor_sample(uint32_t tick)
{
	uint32_t phase = tick % 200;
	int32_t wave = (int32_t)(phase < 100 ? phase : 200 - phase) * 5;
	int32_t noise = (int32_t)((tick * 2654435761u) >> 27) - 16;
	int32_t spike = tick % 97 == 0 ? 450 : 0;
	return 300 + wave + noise + spike;
}

/* ---- SysTick: one run of the program per tick ---- */

static volatile uint32_t ticks;
static volatile int32_t program_errors;

void SysTick_Handler(void)
{
	/* Cycles since the counter wrapped and raised this interrupt. */
	uint32_t latency = SYST_RVR - SYST_CVR;
	uint32_t t = ticks + 1;
	ticks = t;
	if (t <= TICKS && on_tick(t, sensor_sample(t), latency) < 0)
		program_errors = program_errors + 1;
}

/* ---- what the program should have collected: the same rules in plain C ---- */

struct model {
	int64_t sum;
	int32_t min, max;
	uint32_t over_limit;
	uint32_t histogram[TICK_BUCKETS];
	struct tick_alert alerts[16];
	uint32_t n_alerts;
};

static void run_model(struct model *m, int32_t lim)
{
	*m = (struct model){ .min = INT32_MAX, .max = INT32_MIN };
	for (uint32_t t = 1; t <= TICKS; t++) {
		int32_t s = sensor_sample(t);
		m->sum += s;
		m->min = s < m->min ? s : m->min;
		m->max = s > m->max ? s : m->max;
		uint32_t b = s < 0 ? 0 : (uint32_t)s / TICK_BUCKET_WIDTH;
		m->histogram[b < TICK_BUCKETS ? b : TICK_BUCKETS - 1]++;
		if (s > lim) {
			m->over_limit++;
			if (m->n_alerts < 16)
				m->alerts[m->n_alerts++] = (struct tick_alert){ t, s, lim };
		}
	}
}

struct consumed {
	const struct model *model;
	uint32_t n;
	int wrong;
};

static int on_alert(void *ctx, const void *data, uint32_t len)
{
	struct consumed *c = ctx;
	const struct tick_alert *a = data;
	printf("  alert: tick %u, sample %d, limit %d\n", a->tick, a->sample, a->limit); /* int-sized */
	const struct tick_alert *want = c->n < c->model->n_alerts ? &c->model->alerts[c->n] : NULL;
	c->wrong += len != sizeof *a || !want || want->tick != a->tick || want->sample != a->sample ||
		    want->limit != a->limit;
	c->n++;
	return 0;
}

static int expect(const char *what, int64_t got, int64_t want)
{
	if (got == want)
		return 0;
	printf("MISMATCH %s: program %lld, model %lld\n", what, (long long)got, (long long)want);
	return 1;
}

int main(void)
{
	uart_init();
	printf("tick monitor: %u SysTick interrupts at 1 kHz on a Cortex-M4, eBPF program compiled by bpf2arm\n",
	       TICKS);
	limit = 900; /* the program's global, through the header */

	SYST_RVR = MPS2_SYSCLK_HZ / 1000 - 1;
	SYST_CVR = 0;
	SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	while (ticks < TICKS)
		__asm__ volatile("wfi");
	SYST_CSR = 0;

	struct model m;
	run_model(&m, limit);
	int wrong = expect("program errors", program_errors, 0);
	const struct tick_stats *s = stats__lookup(&(uint32_t){ 0 });
	if (!s) {
		printf("MISMATCH: no stats entry\n");
		return 1;
	}
	printf("ticks %llu (last %u, gaps %u): samples min %d, max %d, mean %lld; %u over the limit\n",
	       (unsigned long long)s->ticks, (unsigned)s->last_tick, (unsigned)s->gaps, (int)s->min, (int)s->max,
	       (long long)(s->sum / (int64_t)s->ticks), (unsigned)s->over_limit);
	printf("interrupt latency: max %u cycles, %llu in all (not checked: it depends on the host)\n",
	       (unsigned)s->max_latency, (unsigned long long)latency_cycles);
	wrong += expect("ticks", (int64_t)s->ticks, TICKS) + expect("last tick", s->last_tick, TICKS) +
		 expect("gaps", s->gaps, 0) + expect("sum", s->sum, m.sum) + expect("min", s->min, m.min) +
		 expect("max", s->max, m.max) + expect("over the limit", s->over_limit, m.over_limit) +
		 expect("latency total at least the max", latency_cycles >= s->max_latency, 1);

	printf("histogram (bucket: samples):");
	for (uint32_t b = 0; b < TICK_BUCKETS; b++) {
		const uint32_t *n = histogram__lookup(&b);
		printf(" %u-%u: %u", (unsigned)(b * TICK_BUCKET_WIDTH), (unsigned)((b + 1) * TICK_BUCKET_WIDTH - 1),
		       n ? (unsigned)*n : 0u);
		wrong += !n || expect("histogram bucket", *n, m.histogram[b]);
	}
	printf("\n");

	struct consumed c = { &m, 0, 0 };
	alerts__consume(on_alert, &c);
	wrong += c.wrong + expect("alerts", c.n, m.n_alerts);

	printf("tick monitor: %s\n", wrong ? "FAILED" : "all as expected");
	return wrong;
}
