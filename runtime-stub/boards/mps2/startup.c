/* Start-up code for the MPS2 boards (boards.txt): Cortex-M3, M4, M7 and M33, Thumb-2 only.
 *
 * The vector table, a reset handler that copies .data from its load address in CODE to RAM,
 * zeroes .bss, starts newlib (when it is linked) and calls main, and fault handlers that
 * report through semihosting and stop qemu with a non-zero status. The symbols come from
 * mps2-sections.ld. Every handler but Reset_Handler is weak, so a firmware defines
 * SysTick_Handler (or UART0RX_Handler, ...) by giving a function that name.
 *
 * Built with the firmware's flags: arm-none-eabi-gcc -mcpu=cortex-mN -mthumb (or clang
 * --target=thumbv7em-none-eabi). */
#include <stdint.h>

#include "mps2.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_top[];

int main(int argc, char **argv);

static int command_line(char ***argv);

/* newlib's parts when the firmware links it (rdimon: stdio over semihosting); weak so a
 * firmware without newlib links too. */
extern void initialise_monitor_handles(void) __attribute__((weak));
extern void __libc_init_array(void) __attribute__((weak));
extern void exit(int status) __attribute__((weak, noreturn));

/* __libc_init_array calls _init, which crti.o would define; firmware links without the
 * start files (-nostartfiles), so an empty one stands in. */
void _init(void) __attribute__((weak));
void _init(void) {}

void Reset_Handler(void) __attribute__((noreturn));
void Reset_Handler(void)
{
	for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;)
		*dst++ = *src++;
	for (uint32_t *dst = __bss_start__; dst < __bss_end__;)
		*dst++ = 0;
	if (initialise_monitor_handles)
		initialise_monitor_handles();
	if (__libc_init_array)
		__libc_init_array();
	char **argv;
	int argc = command_line(&argv);
	int status = main(argc, argv);
	if (exit)
		exit(status);  /* flushes stdio */
	mps2_exit(status);
}

/* ---------------------------------------------------------------- semihosting */

/* Semihosting on M profile: BKPT 0xAB, the operation in r0 and its argument in r1. */
static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;
	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

enum { SYS_WRITE0 = 0x04, SYS_GET_CMDLINE = 0x15, SYS_EXIT_EXTENDED = 0x20, ADP_STOPPED_APPLICATION_EXIT = 0x20026 };

/* main's arguments: the command line qemu gives through semihosting (-semihosting-config
 * arg=fw.elf,arg=...), split at spaces. A firmware whose main takes no arguments ignores them. */
static int command_line(char ***argv)
{
	static char text[256];
	static char *args[16];
	struct {
		char *buf;
		uint32_t size;
	} block = { text, sizeof text - 1 };
	int argc = 0;
	if (semihost(SYS_GET_CMDLINE, &block) == 0) {
		text[block.size < sizeof text ? block.size : sizeof text - 1] = 0;
		for (char *p = text; *p && argc < 15;) {
			while (*p == ' ')
				*p++ = 0;
			if (*p)
				args[argc++] = p;
			while (*p && *p != ' ')
				p++;
		}
	}
	args[argc] = 0;
	*argv = args;
	return argc;
}

void mps2_exit(int status)
{
	/* SYS_EXIT_EXTENDED passes the status on (qemu's exit status); plain SYS_EXIT could
	 * only say success or failure. */
	const uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
	semihost(SYS_EXIT_EXTENDED, block);
	for (;;)
		__asm__ volatile("wfi");
}

void mps2_puts(const char *s)
{
	semihost(SYS_WRITE0, s);
}

/* ---------------------------------------------------------------- faults */

/* System control block registers that say why a fault happened (ARMv7-M and ARMv8-M). */
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2C)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38)

static char *put_hex(char *p, const char *label, uint32_t v)
{
	while (*label)
		*p++ = *label++;
	*p++ = '0';
	*p++ = 'x';
	for (int shift = 28; shift >= 0; shift -= 4)
		*p++ = "0123456789abcdef"[(v >> shift) & 15];
	return p;
}

/* Called by the fault handlers below with the frame the exception stacked (r0-r3, r12, lr,
 * pc, xPSR). No printf: the fault may come from inside newlib, or from a corrupted heap. */
void mps2_fault_report(const uint32_t *frame, uint32_t exc_return) __attribute__((noreturn, used));
void mps2_fault_report(const uint32_t *frame, uint32_t exc_return)
{
	uint32_t ipsr;
	__asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
	char line[200], *p = line;
	static const char *const names[] = { "thread", "reset", "NMI", "HardFault", "MemManage", "BusFault",
					     "UsageFault", "SecureFault" };
	const char *name = (ipsr & 0x1ff) < 8 ? names[ipsr & 0x1ff] : "interrupt";
	for (const char *s = "\nFATAL: "; *s;)
		*p++ = *s++;
	while (*name)
		*p++ = *name++;
	p = put_hex(p, " (exception ", ipsr & 0x1ff);
	p = put_hex(p, ") at pc=", frame[6]);
	p = put_hex(p, " lr=", frame[5]);
	p = put_hex(p, " CFSR=", SCB_CFSR);
	p = put_hex(p, " HFSR=", SCB_HFSR);
	p = put_hex(p, " MMFAR=", SCB_MMFAR);
	p = put_hex(p, " BFAR=", SCB_BFAR);
	p = put_hex(p, " EXC_RETURN=", exc_return);
	*p++ = '\n';
	*p = 0;
	mps2_puts(line);
	mps2_exit(MPS2_FAULT_STATUS);
}

/* Finds the stacked frame (main or process stack, by EXC_RETURN bit 2) and reports it. */
void Fault_Handler(void) __attribute__((naked));
void Fault_Handler(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "mov r1, lr\n\t"
			 "b mps2_fault_report\n");
}

#define WEAK_ALIAS(name) void name(void) __attribute__((weak, alias("Fault_Handler")))
WEAK_ALIAS(NMI_Handler);
WEAK_ALIAS(HardFault_Handler);
WEAK_ALIAS(MemManage_Handler);
WEAK_ALIAS(BusFault_Handler);
WEAK_ALIAS(UsageFault_Handler);
WEAK_ALIAS(SecureFault_Handler);
WEAK_ALIAS(SVC_Handler);
WEAK_ALIAS(DebugMon_Handler);
WEAK_ALIAS(PendSV_Handler);
WEAK_ALIAS(SysTick_Handler);
WEAK_ALIAS(UART0RX_Handler);
WEAK_ALIAS(UART0TX_Handler);
WEAK_ALIAS(Interrupt_Handler);

/* A handler that is not defined reports itself like a fault: an interrupt nobody expects
 * is a bug in the firmware. (The IRQ numbers are the AN385/AN386/AN500 ones; on AN505 the
 * table starts the same way and the handler reports the IPSR it sees.) */
typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) const vector_t mps2_vectors[16 + MPS2_IRQS] = {
	(vector_t)__stack_top,
	Reset_Handler,
	NMI_Handler,
	HardFault_Handler,
	MemManage_Handler,
	BusFault_Handler,
	UsageFault_Handler,
	SecureFault_Handler,  /* ARMv8-M; reserved before */
	0,
	0,
	0,
	SVC_Handler,
	DebugMon_Handler,
	0,
	PendSV_Handler,
	SysTick_Handler,
	[16] = UART0RX_Handler,
	[17] = UART0TX_Handler,
	[18 ... 16 + MPS2_IRQS - 1] = Interrupt_Handler,
};
