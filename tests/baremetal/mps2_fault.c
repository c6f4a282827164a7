/* Firmware that faults on purpose: a load from an address where the MPS2 boards have no
 * memory (a bus fault, escalated to HardFault). runtime-stub/boards/mps2/startup.c must then print a FATAL
 * line with the faulting pc and the bus fault address, and stop qemu with status 70
 * (MPS2_FAULT_STATUS); run_mps2_examples.py checks both on every board. */
#include <stdio.h>

int main(void)
{
	printf("about to fault\n");
	fflush(stdout);
	volatile unsigned *nowhere = (volatile unsigned *)0xdead0000u;
	return (int)*nowhere;
}
