/* Firmware for the Raspberry Pi 2 rate-limiter example: feeds timestamped events from two
 * sources to the eBPF program (limiter.bpf.c, through the header bpf2arm generated) and
 * reports its decisions on the PL011 UART, which is also where the program's bpf_printk
 * goes (the runtime's bpf2arm_platform_putc hook). Under qemu, semihosting ends the run
 * with main's result as qemu's exit status. */
#include <stdint.h>

#include "limiter.arm.h"

/* The BCM2836's PL011 UART (the Pi's serial console), peripherals at 0x3F000000. */
#define UART0_DR (*(volatile uint32_t *)0x3F201000)
#define UART0_FR (*(volatile uint32_t *)0x3F201018)
#define UART_FR_TXFF (1u << 5) /* transmit FIFO full */

static void uart_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	while (UART0_FR & UART_FR_TXFF)
		;
	UART0_DR = (uint32_t)(unsigned char)c;
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void uart_putu(uint32_t v)
{
	char digits[10];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		uart_putc(digits[--n]);
}

/* The runtime's output hook (weak in runtime-stub/platform.c): bpf_printk ends up here. */
void bpf2arm_platform_putc(char c)
{
	uart_putc(c);
}

/* ARM semihosting SYS_EXIT: ApplicationExit makes qemu exit 0, RunTimeErrorUnknown 1. */
void board_exit(int status)
{
	register uint32_t op __asm__("r0") = 0x18;
	register uint32_t reason __asm__("r1") = status == 0 ? 0x20026u : 0x20023u;
	__asm__ volatile("svc 0x123456" : : "r"(op), "r"(reason) : "memory");
}

int main(void)
{
	/* (source, time in ms) and the decision worked out by hand: a burst of 3, then 2 a
	 * second, so source 1's fourth and fifth events come too fast. */
	static const struct { uint32_t source, ms; int admit; } events[] = {
		{ 1, 0, 1 }, { 1, 100, 1 }, { 1, 200, 1 }, { 2, 250, 1 }, { 1, 300, 0 },
		{ 1, 400, 0 }, { 1, 500, 1 }, { 2, 2000, 1 }, { 1, 2000, 1 },
	};
	int wrong = 0;
	uart_puts("raspi2b rate limiter (core 0; cores 1-3 parked)\n");
	for (unsigned i = 0; i < sizeof events / sizeof events[0]; i++) {
		int got = admit(events[i].source, events[i].ms);
		uart_puts("  t=");
		uart_putu(events[i].ms);
		uart_puts(" ms source ");
		uart_putu(events[i].source);
		uart_puts(got ? ": admitted\n" : ": dropped\n");
		wrong += got != events[i].admit;
	}
	uint32_t one = 1;
	struct bucket *b = buckets__lookup(&one);
	wrong += admitted != 7 || dropped != 2 || !b || b->dropped != 2 || b->tokens != 2000;
	uart_puts("admitted ");
	uart_putu((uint32_t)admitted);
	uart_puts(", dropped ");
	uart_putu((uint32_t)dropped);
	uart_puts(wrong ? "\nrate limiter: FAILED\n" : "\nrate limiter: all as expected\n");
	return wrong ? 1 : 0;
}
