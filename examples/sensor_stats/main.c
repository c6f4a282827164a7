/* Firmware for the sensor example: feeds readings to the eBPF program and reports what
 * it collected, using only the header that bpf2arm generated (sensor.arm.h). */
#include <stdio.h>

#include "sensor.arm.h"
#include "sensor.h"

static int on_alert(void *ctx, const void *data, uint32_t len)
{
	const struct alert *a = data;
	(void)len;
	++*(int *)ctx;
	printf("  alert: channel %u read %d (sample %llu)\n", (unsigned)a->channel, (int)a->value,
	       (unsigned long long)a->sample_no);
	return 0;
}

int main(void)
{
	static const int readings[][2] = {
		{ 0, 120 }, { 1, -40 }, { 0, 135 }, { 2, 990 }, { 1, -55 }, { 0, 128 }, { 2, 870 }, { 1, 950 },
	};
	int raised = 0;
	for (unsigned i = 0; i < sizeof readings / sizeof readings[0]; i++)
		raised += sample((uint32_t)readings[i][0], readings[i][1]) == 1;

	int wrong = 0;
	printf("samples seen: %llu, alerts raised: %d\n", (unsigned long long)samples_seen, raised);
	wrong += samples_seen != 8 || raised != 2;
	for (uint32_t ch = 0; ch < 3; ch++) {
		struct channel_stats *s = stats__lookup(&ch);
		if (!s) {
			printf("channel %u: missing\n", (unsigned)ch);
			wrong++;
			continue;
		}
		printf("channel %u: %u readings, min %d, max %d, mean %lld\n", (unsigned)ch, (unsigned)s->count,
		       (int)s->min, (int)s->max, (long long)(s->sum / s->count));
	}
	struct channel_stats *c0 = stats__lookup(&(uint32_t){ 0 });
	wrong += !c0 || c0->count != 3 || c0->min != 120 || c0->max != 135 || c0->sum != 383;

	int consumed = 0;
	alerts__consume(on_alert, &consumed);
	wrong += consumed != 2;
	printf("%s\n", wrong ? "sensor stats: FAILED" : "sensor stats: all as expected");
	return wrong ? 1 : 0;
}
