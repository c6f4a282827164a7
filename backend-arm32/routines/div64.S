@ Division routines for BPF DIV/MOD on ARM32 (ARM state, ARMv6K and later).
@
@ bpf2arm assembles this text into every object that divides without a hardware
@ instruction (64-bit division always, 32-bit division on ARMv6). The compiler
@ chooses the section, so this file has no section directives, and every symbol
@ stays local to the object (no .globl), so objects never clash at link time.
@ Only ARM instructions that ARMv6K has (CLZ, no SDIV/UDIV, no VFP), no literal
@ pools, no preprocessor.
@
@ ABI (private to compiler-generated code, not AAPCS):
@   64-bit: dividend r1:r0 (high:low), divisor r3:r2, result r1:r0.
@     __bpf2arm.udiv64  n / d unsigned          d == 0 -> 0
@     __bpf2arm.umod64  n % d unsigned          d == 0 -> n
@     __bpf2arm.sdiv64  n / d, toward zero      d == 0 -> 0, INT64_MIN / -1 -> INT64_MIN
@     __bpf2arm.smod64  n % d, sign of n        d == 0 -> n, INT64_MIN % -1 -> 0
@   32-bit: dividend r0, divisor r1, result r0; the same four operations and
@     rules (__bpf2arm.udiv32, _umod32, _sdiv32, _smod32).
@   They clobber only r0-r3, r12, lr and the flags; r4-r11 survive, sp stays
@   8-byte aligned at every push. No trap, ever: BPF defines every input.
@
@ Algorithm: restoring binary long division that visits only the quotient's
@ significant bits. Everything bottoms out in one unrolled table of 32 identical
@ steps (.Lsteps32) that divides the 64-bit value R:B by a 32-bit D, R < D,
@ shifting one bit of B into R per step and one quotient bit back into B. A
@ 32-bit division uses CLZ to preload R with the dividend bits that are
@ certainly below D and jumps into the table so that only as many steps run as
@ the quotient has bits (4 instructions per bit).
@   - both high words 0: one 32-bit division;
@   - divisor high word 0: if n's high word has fewer bits than d, the
@     quotient fits in 32 bits and one pass over the table does it; otherwise
@     the high word goes through the 32-bit path, then all 32 steps run for
@     the low word with that remainder in R (schoolbook, base 2^32);
@   - divisor high word non-zero: the quotient fits in 32 bits; n < d returns
@     at once, otherwise a loop over the CLZ-aligned 64-bit divisor runs once
@     per quotient bit (8 instructions per bit).
@ Signed forms divide magnitudes and fix the sign afterwards; the magnitude of
@ INT_MIN is exact as an unsigned number, so INT_MIN / -1 wraps back to INT_MIN
@ and INT_MIN % -1 is 0 without special cases. Both-operands-non-negative calls
@ go straight to the unsigned routine.

    .p2align 2

@ ---------------------------------------------------------------------------
@ 32-bit unsigned division, and the shared core.

    .type __bpf2arm.udiv32,%function
__bpf2arm.udiv32:
    movs r2, r1
    moveq r0, #0
    bxeq lr
    @ Falls into the core, whose bx lr returns to our caller with r0 = quotient.

@ .Ldiv32: r0 = n, r2 = d != 0  ->  r0 = n / d, r1 = n % d.
@ Clobbers r3 and the flags; keeps r2, r12 and lr, so callers park values in r12.
.Ldiv32:
    clz r3, r2
    clz r1, r0
    subs r1, r3, r1              @ k = clz(d) - clz(n): the quotient has <= k+1 bits
    bmi .Ldiv32_small            @ d has more significant bits than n
    rsb r3, r1, #32
    add r1, r1, #1
    mov r1, r0, lsr r1           @ R = n >> (k+1) has fewer bits than d, so R < d
    movs r0, r0, lsl r3          @ B = the k lower bits, top-aligned; C = bit k, the first to go in
    @ Run the last k+1 steps. .Ldiv32_jump is also an entry (64-bit division):
    @ with r3 = s in 1..32 it runs the last 33 - s steps, since pc reads as
    @ .Ldiv32_jump + 8 and the table starts 24 bytes after the jump; the 5
    @ words in between are reached only by branches. (No .if guards the 24:
    @ bpf2arm -S prints through MC's text streamer, which cannot evaluate
    @ label differences; any slip fails tests/routines.)
.Ldiv32_jump:
    add pc, pc, r3, lsl #4
.Ldiv32_small:
    mov r1, r0
    mov r0, #0
    bx lr
    nop
    nop

@ .Lsteps32: one step per quotient bit, for R:B / D with R < D.
@ In: r1 = R, r0 = B (unconsumed dividend bits, top-aligned), r2 = D,
@     C = the next dividend bit. Out: r0 = quotient bits (the B bits shifted
@ out and replaced), r1 = remainder. Touches r0, r1 and the flags only.
@ Entering at step 0 runs all 32 steps.
.Lsteps32:
    .rept 32
    adcs r1, r1, r1              @ R = 2R + bit; C = bit 32 of that (then R >= D surely)
    cmpcc r1, r2
    subcs r1, r1, r2             @ mod 2^32 this is right even when bit 32 was set
    adcs r0, r0, r0              @ quotient bit in, next dividend bit out to C
    .endr
    bx lr
    .size __bpf2arm.udiv32, .-__bpf2arm.udiv32

@ ---------------------------------------------------------------------------
@ The other 32-bit operations: all through .Ldiv32.

    .p2align 2
    .type __bpf2arm.umod32,%function
__bpf2arm.umod32:
    movs r2, r1
    bxeq lr
    mov r12, lr                  @ .Ldiv32 keeps r12: no stack needed
    bl .Ldiv32
    mov r0, r1
    bx r12
    .size __bpf2arm.umod32, .-__bpf2arm.umod32

    .p2align 2
    .type __bpf2arm.sdiv32,%function
__bpf2arm.sdiv32:
    movs r2, r1
    moveq r0, #0
    bxeq lr
    rsbmi r2, r2, #0             @ |d|; flags still from the movs
    push {r4, lr}                @ the sign needs a register that outlives .Ldiv32
    eor r4, r0, r1               @ bit 31: quotient negative
    cmp r0, #0
    rsblt r0, r0, #0             @ |INT32_MIN| is 2^31 read unsigned: no overflow
    bl .Ldiv32
    cmp r4, #0
    rsblt r0, r0, #0
    pop {r4, pc}
    .size __bpf2arm.sdiv32, .-__bpf2arm.sdiv32

    .p2align 2
    .type __bpf2arm.smod32,%function
__bpf2arm.smod32:
    movs r2, r1
    bxeq lr
    rsbmi r2, r2, #0
    push {r4, lr}
    movs r4, r0                  @ the remainder takes the dividend's sign
    rsbmi r0, r0, #0
    bl .Ldiv32
    mov r0, r1
    cmp r4, #0
    rsblt r0, r0, #0
    pop {r4, pc}
    .size __bpf2arm.smod32, .-__bpf2arm.smod32

@ ---------------------------------------------------------------------------
@ 64-bit unsigned division; one expansion returns the quotient, one the remainder.

.macro bpf2arm_udivmod64 name, mod
    .p2align 2
    .type \name,%function
\name:
    orrs r12, r2, r3
    .if \mod
    bxeq lr
    .else
    moveq r0, #0
    moveq r1, #0
    bxeq lr
    .endif
    orrs r12, r1, r3
    bne .L\name\()_wide
    @ Both high words zero: the 32-bit core does it all.
    mov r12, lr
    bl .Ldiv32
    .if \mod
    mov r0, r1
    .endif
    mov r1, #0
    bx r12

.L\name\()_wide:
    cmp r3, #0
    bne .L\name\()_bigdiv
    @ d < 2^32 <= n.
    clz r12, r2
    clz r3, r1
    subs r3, r3, r12             @ j = clz(nh) - clz(d)
    ble .L\name\()_twostep
    @ nh has fewer bits than d, so the quotient has only 33 - j <= 32 bits:
    @ preload R with the top 31 + j bits of n (below d) and run the table over
    @ the other 33 - j, as .Ldiv32 does within one word.
    sub r12, r3, #1
    mov r1, r1, lsl r12
    rsb r12, r3, #33
    orr r1, r1, r0, lsr r12      @ for j = 1 a shift by 32, which gives 0
    movs r0, r0, lsl r3          @ C = bit 32 - j of the low word, the first to go in
    mov r12, lr
    bl .Ldiv32_jump              @ r3 = j skips the table's first j - 1 steps
    .if \mod
    mov r0, r1
    .endif
    mov r1, #0
    bx r12

.L\name\()_twostep:
    @ Divide the high word, then remainder:low word (schoolbook, base 2^32).
    @ The second quotient fits in 32 bits because its R starts below d.
    push {r4, lr}
    mov r4, r0                   @ the low word waits out the first division
    mov r0, r1
    bl .Ldiv32
    .if \mod == 0
    mov r12, r0                  @ quotient high word
    .endif
    movs r0, r4, lsl #1          @ C = top bit of the low word, the first to go in
    bl .Lsteps32
    .if \mod
    mov r0, r1
    mov r1, #0
    .else
    mov r1, r12
    .endif
    pop {r4, pc}

.L\name\()_bigdiv:
    @ d >= 2^32, so the quotient fits in 32 bits and is often 0.
    cmp r1, r3
    cmpeq r0, r2
    .if \mod
    bxlo lr
    .else
    movlo r0, #0
    movlo r1, #0
    bxlo lr
    .endif
    push {r4, lr}
    clz r12, r3
    clz r4, r1
    sub r4, r12, r4              @ k = clz(dh) - clz(nh) >= 0 as n >= d; the quotient has <= k+1 bits
    rsb lr, r4, #32
    mov r3, r3, lsl r4
    orr r3, r3, r2, lsr lr       @ for k = 0 this is a shift by 32, which gives 0
    mov r2, r2, lsl r4           @ d << k: top bit aligned with n's, no overflow
    mov r12, #0x80000000
    mov r12, r12, lsr r4         @ marker bit: falls out into C after exactly k+1 steps
    b .L\name\()_step
.L\name\()_next:
    lsrs r3, r3, #1
    rrx r2, r2
.L\name\()_step:
    subs lr, r0, r2
    sbcs r4, r1, r3
    movcs r0, lr
    movcs r1, r4
    adcs r12, r12, r12           @ quotient bit in; C = marker out = done
    bcc .L\name\()_next
    .if \mod == 0
    mov r0, r12
    mov r1, #0
    .endif
    pop {r4, pc}                 @ the remainder is already in r1:r0
    .size \name, .-\name
.endm

    bpf2arm_udivmod64 __bpf2arm.udiv64, 0
    bpf2arm_udivmod64 __bpf2arm.umod64, 1

@ ---------------------------------------------------------------------------
@ 64-bit signed: magnitudes through the unsigned routines, which also give the
@ right answer for d == 0 once the sign goes back on (-|n| is n).

@ hi:lo = |hi:lo| as (x ^ m) - m with m the sign mask, without a branch.
.macro bpf2arm_abs64 lo, hi
    mov r12, \hi, asr #31
    eor \lo, \lo, r12
    eor \hi, \hi, r12
    subs \lo, \lo, r12
    sbc \hi, \hi, r12
.endm

@ r1:r0 = -r1:r0 when bit 31 of r4 is set, the same way.
.macro bpf2arm_setsign64
    eor r0, r0, r4, asr #31
    eor r1, r1, r4, asr #31
    subs r0, r0, r4, asr #31
    sbc r1, r1, r4, asr #31
.endm

    .p2align 2
    .type __bpf2arm.sdiv64,%function
__bpf2arm.sdiv64:
    orrs r12, r1, r3
    bpl __bpf2arm.udiv64         @ both non-negative: nothing to fix
    push {r4, lr}
    eor r4, r1, r3               @ bit 31: quotient negative
    bpf2arm_abs64 r0, r1
    bpf2arm_abs64 r2, r3
    bl __bpf2arm.udiv64
    bpf2arm_setsign64
    pop {r4, pc}
    .size __bpf2arm.sdiv64, .-__bpf2arm.sdiv64

    .p2align 2
    .type __bpf2arm.smod64,%function
__bpf2arm.smod64:
    orrs r12, r1, r3
    bpl __bpf2arm.umod64
    push {r4, lr}
    mov r4, r1                   @ bit 31: remainder negative (C semantics)
    bpf2arm_abs64 r0, r1
    bpf2arm_abs64 r2, r3
    bl __bpf2arm.umod64
    bpf2arm_setsign64
    pop {r4, pc}
    .size __bpf2arm.smod64, .-__bpf2arm.smod64
