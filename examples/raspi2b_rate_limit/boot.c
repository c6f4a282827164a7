/* Start-up code for the Raspberry Pi 2 (BCM2836, four Cortex-A7 cores), as qemu's raspi2b
 * starts an ELF image: every core enters _start at once, in ARM state, in a privileged
 * mode. Core 0 sets up the C environment and runs main; the other three are parked. */
#include <stdint.h>

extern uint32_t __bss_start[], __bss_end[], __stack_top[];
int main(void);
void board_exit(int status);

__attribute__((naked, noreturn, section(".text.boot"))) void _start(void)
{
	__asm__ volatile(
		"mrc p15, 0, r0, c0, c0, 5\n\t" /* MPIDR: the core's number in bits 1:0 */
		"ands r0, r0, #3\n\t"
		"bne 2f\n\t"
		"ldr sp, =__stack_top\n\t"
		"bl boot_main\n"
		"2: wfe\n\t"                    /* parked: a real Pi would wake it with its mailbox */
		"b 2b\n\t"
		".ltorg");
}

__attribute__((used, noreturn)) void boot_main(void)
{
	for (uint32_t *p = __bss_start; p < __bss_end; p++)
		*p = 0;
	board_exit(main());
	for (;;)
		;
}
