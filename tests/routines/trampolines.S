@ Global AAPCS entry points for the local routines of div64.S, for test_div64.c.
@ Each trampoline fills r4-r10 with canaries and r11 with sp, calls the routine
@ by its private ABI (which for these signatures is the AAPCS one:
@ uint64_t f(uint64_t, uint64_t) and uint32_t f(uint32_t, uint32_t)), and counts
@ a violation in div_clobbers if any canary or sp changed.
@ Assembled with -DTHUMB_ROUTINES (gcc -x assembler-with-cpp), the routines are
@ those of div64_thumb.S, in Thumb state; the ARM trampolines reach them by blx.
    .syntax unified
    .text
#ifdef THUMB_ROUTINES
    .thumb
    .include "div64_thumb.S"
#else
    .arm
    .include "div64.S"
#endif
    .arm

    .data
    .p2align 2
    .globl div_clobbers
div_clobbers:
    .word 0
    .text

.macro tramp op
    .p2align 2
    .globl t_\op
    .type t_\op,%function
t_\op:
    push {r4-r12, lr}            @ 10 registers: sp stays 8-byte aligned
    ldr r4, =0x44444444
    ldr r5, =0x55555555
    ldr r6, =0x66666666
    ldr r7, =0x77777777
    ldr r8, =0x88888888
    ldr r9, =0x99999999
    ldr r10, =0xaaaaaaaa
    mov r11, sp
    bl __bpf2arm.\op
    mov r2, #0
    ldr r3, =0x44444444
    cmp r4, r3
    addne r2, r2, #1
    ldr r3, =0x55555555
    cmp r5, r3
    addne r2, r2, #1
    ldr r3, =0x66666666
    cmp r6, r3
    addne r2, r2, #1
    ldr r3, =0x77777777
    cmp r7, r3
    addne r2, r2, #1
    ldr r3, =0x88888888
    cmp r8, r3
    addne r2, r2, #1
    ldr r3, =0x99999999
    cmp r9, r3
    addne r2, r2, #1
    ldr r3, =0xaaaaaaaa
    cmp r10, r3
    addne r2, r2, #1
    cmp r11, sp
    addne r2, r2, #1
    ldr r3, =div_clobbers
    ldr r12, [r3]
    add r12, r12, r2
    str r12, [r3]
    pop {r4-r12, pc}
    .ltorg
    .size t_\op, .-t_\op
.endm

    tramp udiv64
    tramp umod64
    tramp sdiv64
    tramp smod64
    tramp udiv32
    tramp umod32
    tramp sdiv32
    tramp smod32

    .section .note.GNU-stack,"",%progbits
