/* Start-up code for tests/cortexm's firmware on qemu's mps2 boards: the vector table,
 * .data/.bss set-up, and ARM semihosting (bkpt 0xab on M profile) for output and the exit
 * status. Kept apart from the checks (firmware_main.c), which is all the test is about. */
#include <stdint.h>

#include "firmware.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];

enum { SYS_WRITE0 = 0x04, SYS_EXIT = 0x18, ADP_STOPPED_APPLICATION_EXIT = 0x20026, ADP_STOPPED_RUN_TIME_ERROR = 0x20023 };

static void semihost(uint32_t op, const void *arg) {
  register uint32_t r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}

void fw_write(const char *s) { semihost(SYS_WRITE0, s); }

void fw_exit(int ok) {
  /* qemu ends with status 0 for ApplicationExit, 1 for any other reason. */
  semihost(SYS_EXIT, (const void *)(uintptr_t)(ok ? ADP_STOPPED_APPLICATION_EXIT : ADP_STOPPED_RUN_TIME_ERROR));
  for (;;) {
  }
}

void reset_handler(void) {
  for (uint32_t *from = __data_load, *to = __data_start; to < __data_end;) *to++ = *from++;
  for (uint32_t *p = __bss_start; p < __bss_end;) *p++ = 0;
  fw_exit(firmware_main() == 0);
}

/* A fault (an ARM-state branch would be one: M profile has no ARM state) ends the run. */
static void fault_handler(void) {
  fw_write("FAIL: fault\n");
  fw_exit(0);
}

typedef void (*vector)(void);
__attribute__((section(".vectors"), used)) const vector vectors[16] = {
    (vector)(uintptr_t)__stack_top, reset_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    fault_handler, 0, 0, 0, 0, fault_handler, fault_handler, 0, fault_handler, fault_handler};
