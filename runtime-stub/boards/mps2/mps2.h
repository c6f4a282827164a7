/* What firmware for the MPS2 boards (boards.txt) gets from startup.c, and the few devices
 * the example firmware uses: SysTick (every Cortex-M) and the CMSDK UART. */
#ifndef BPF2ARM_MPS2_H
#define BPF2ARM_MPS2_H

#include <stdint.h>

/* External interrupts in the vector table (AN385/AN386/AN500 use 32). */
#define MPS2_IRQS 32

/* qemu's exit status after a fault the fault handler reported. */
#define MPS2_FAULT_STATUS 70

/* Stops qemu through semihosting with this exit status (qemu needs -semihosting). */
void mps2_exit(int status) __attribute__((noreturn));

/* Writes a NUL-terminated string to the semihosting console. */
void mps2_puts(const char *s);

/* ---- SysTick (ARMv7-M and ARMv8-M system timer) ---- */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* the processor clock */

/* qemu's MPS2 boards run their CPUs at 25 MHz (AN505: 20 MHz). */
#define MPS2_SYSCLK_HZ 25000000u

/* ---- CMSDK APB UART 0 (AN385, AN386, AN500; qemu connects it to -serial) ---- */
#define MPS2_UART0_BASE 0x40004000u
#define UART_DATA (*(volatile uint32_t *)(MPS2_UART0_BASE + 0x00))
#define UART_STATE (*(volatile uint32_t *)(MPS2_UART0_BASE + 0x04))
#define UART_CTRL (*(volatile uint32_t *)(MPS2_UART0_BASE + 0x08))
#define UART_BAUDDIV (*(volatile uint32_t *)(MPS2_UART0_BASE + 0x10))
#define UART_STATE_TXFULL (1u << 0)
#define UART_CTRL_TXEN (1u << 0)

#endif
