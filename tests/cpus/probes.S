@ One probe per CPU feature of bpf2arm's CPU table, for tests/cpus/run_cpus.py: each
@ `probe_FEATURE` executes one instruction of that feature, and a CPU model without the
@ feature traps on it (qemu-arm ends with SIGILL). `probe_none` executes none, to show the
@ harness itself runs on every model. Built with the directives below, so the assembler
@ accepts every instruction whatever -mcpu the driver is compiled for.
    .syntax unified
    .arch armv7-a
    .arch_extension idiv
    .arm
    .text

    .global probe_none
probe_none:
    mov r0, #0
    bx lr

    .global probe_hwdiv
probe_hwdiv:
    mov r0, #6
    mov r1, #3
    udiv r0, r0, r1
    bx lr

    .global probe_movw_movt
probe_movw_movt:
    movw r0, #0x1234
    movt r0, #0x5678
    bx lr

    .global probe_ldrexd
probe_ldrexd:
    push {r4, r5}               @ 8-byte aligned: sp is at calls
    ldrexd r2, r3, [sp]
    clrex
    pop {r4, r5}
    bx lr

    .global probe_dmb
probe_dmb:
    dmb ish
    bx lr

    .global probe_thumb2
probe_thumb2:
    adr r12, 1f + 1
    bx r12
    .thumb
1:  movw r0, #1                 @ a 32-bit Thumb instruction that Thumb-1 lacks
    bx lr
    .arm
