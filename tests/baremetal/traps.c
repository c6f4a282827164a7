/* Exception vectors for the bare-metal test firmware.
 *
 * rdimon's start-up code installs no vectors, so a fault in compiled code (an unaligned
 * LDRD, a jump into data, an undefined encoding) sends the CPU to address 0 where there is
 * nothing, and qemu spins until the harness's timeout. With these vectors the firmware
 * instead prints what happened and where, and exits with a status of its own (70 + kind).
 * The handlers never return, so they may take over the banked stack pointer. */
#include <stdio.h>
#include <unistd.h>

/* Kept by the test main: the summary line stays the last line even after a fault. */
extern unsigned bm_passed, bm_failed;
extern const char *bm_current;

#define TRAP_STACK_SIZE 4096
unsigned char trap_stack[TRAP_STACK_SIZE] __attribute__((aligned(8)));

void trap_report(unsigned kind, unsigned pc, unsigned addr, unsigned status);

void trap_report(unsigned kind, unsigned pc, unsigned addr, unsigned status)
{
	static const char *const names[] = { "?", "undefined instruction", "prefetch abort", "data abort" };
	printf("\nFATAL: %s at pc=0x%08x (fault address 0x%08x, status 0x%03x) while testing %s\n",
	       names[kind & 3], pc, addr, status, bm_current ? bm_current : "?");
	printf("%u passed, %u failed\n", bm_passed, bm_failed + 1);
	_exit(70 + (int)kind);
}

/* The return address each exception leaves in LR is fixed by the architecture: the
 * faulting instruction + 4 for undefined and prefetch abort, + 8 for data abort (ARM state). */
__asm__(
	"	.section .text.trap_vectors, \"ax\", %progbits\n"
	"	.arm\n"
	"	.balign 32\n"
	"trap_vectors:\n"
	"	b .\n"			/* reset */
	"	b trap_undef\n"
	"	b .\n"			/* svc: semihosting calls are taken by qemu before this */
	"	b trap_pabt\n"
	"	b trap_dabt\n"
	"	b .\n"			/* hyp */
	"	b .\n"			/* irq: never enabled */
	"	b .\n"			/* fiq */
	"trap_undef:\n"
	"	mov r0, #1\n"
	"	sub r1, lr, #4\n"
	"	mov r2, #0\n"
	"	mov r3, #0\n"
	"	b trap_common\n"
	"trap_pabt:\n"
	"	mov r0, #2\n"
	"	sub r1, lr, #4\n"
	"	mrc p15, 0, r2, c6, c0, 2\n"	/* IFAR */
	"	mrc p15, 0, r3, c5, c0, 1\n"	/* IFSR */
	"	b trap_common\n"
	"trap_dabt:\n"
	"	mov r0, #3\n"
	"	sub r1, lr, #8\n"
	"	mrc p15, 0, r2, c6, c0, 0\n"	/* DFAR */
	"	mrc p15, 0, r3, c5, c0, 0\n"	/* DFSR */
	"trap_common:\n"
	"	ldr sp, =trap_stack + 4096\n"
	"	bl trap_report\n"
	"	b .\n"
	"	.ltorg\n"
	"	.text\n");

/* Runs before main, so every test is covered. */
__attribute__((constructor)) static void traps_install(void)
{
	extern char trap_vectors[];
	__asm__ volatile("mcr p15, 0, %0, c12, c0, 0\n\tisb" : : "r"(trap_vectors) : "memory"); /* VBAR */
}
