@ The division routines of div64.S in Thumb-2 (T32), for objects of T32 code
@ (-mthumb, and the Cortex-M CPUs, which have no ARM state). The same ABI, the
@ same rules of the embedding (no section directives, local symbols only, no
@ literal pools, no preprocessor; bpf2arm's streamer is already in Thumb state
@ with unified syntax), the same algorithm: div64.S explains it. What differs:
@ - an IT instruction before each conditional one (IT blocks of up to three);
@ - no register-shifted operands: the shifted value goes to a register first;
@ - the jump into the step table: A32's `add pc, pc, r3, lsl #4` has no T32
@   form, so the offset is scaled and added to pc in r3 (no flag changes: the
@   carry is the first dividend bit), and each step is made exactly 16 bytes
@   with .w/.n widths, as the A32 one is 4 words.
@ Only instructions ARMv7-M has (no SDIV/UDIV either: the routines serve every
@ CPU the same way).

    .p2align 2

@ ---------------------------------------------------------------------------
@ 32-bit unsigned division, and the shared core.

    .type __bpf2arm.udiv32,%function
    .thumb_func
__bpf2arm.udiv32:
    movs r2, r1
    itt eq
    moveq r0, #0
    bxeq lr

@ .Ldiv32: r0 = n, r2 = d != 0  ->  r0 = n / d, r1 = n % d.
@ Clobbers r3 and the flags; keeps r2, r12 and lr.
.Ldiv32:
    clz r3, r2
    clz r1, r0
    subs r1, r3, r1              @ k = clz(d) - clz(n)
    bmi .Ldiv32_small
    rsb r3, r1, #32
    add r1, r1, #1
    lsr r1, r0, r1               @ R = n >> (k+1) < d
    lsls r0, r0, r3              @ B = the k lower bits, top-aligned; C = bit k
    @ With r3 = s in 1..32, run the last 33 - s steps: the add reads pc as its
    @ own address + 4, and the table starts 20 bytes after the add, so s = 1
    @ lands on step 0. The 16 bytes in between are reached only by branches.
.Ldiv32_jump:
    lsl.w r3, r3, #4             @ no S: C is the first bit to go in
    add.n r3, pc
    mov.n pc, r3
.Ldiv32_small:
    mov.n r1, r0
    movs.n r0, #0
    bx.n lr
    nop.n
    nop.n
    nop.n
    nop.n
    nop.n

@ .Lsteps32: one step per quotient bit, for R:B / D with R < D (see div64.S).
@ In: r1 = R, r0 = B, r2 = D, C = the next dividend bit. Out: r0 = quotient
@ bits, r1 = remainder. Touches r0, r1 and the flags only. 16 bytes a step.
.Lsteps32:
    .rept 32
    adcs.w r1, r1, r1            @ R = 2R + bit; C = bit 32 of that
    ite cc
    cmpcc.n r1, r2               @ the else below reads the flags this sets
    subcs.w r1, r1, r2
    adcs.w r0, r0, r0            @ quotient bit in, next dividend bit out
    .endr
    bx lr
    .size __bpf2arm.udiv32, .-__bpf2arm.udiv32

@ ---------------------------------------------------------------------------
@ The other 32-bit operations: all through .Ldiv32.

    .p2align 2
    .type __bpf2arm.umod32,%function
    .thumb_func
__bpf2arm.umod32:
    movs r2, r1
    it eq
    bxeq lr
    mov r12, lr                  @ .Ldiv32 keeps r12: no stack needed
    bl .Ldiv32
    mov r0, r1
    bx r12
    .size __bpf2arm.umod32, .-__bpf2arm.umod32

    .p2align 2
    .type __bpf2arm.sdiv32,%function
    .thumb_func
__bpf2arm.sdiv32:
    movs r2, r1
    itt eq
    moveq r0, #0
    bxeq lr
    it mi
    rsbmi r2, r2, #0             @ |d|; flags still from the movs
    push {r4, lr}
    eor r4, r0, r1               @ bit 31: quotient negative
    cmp r0, #0
    it lt
    rsblt r0, r0, #0
    bl .Ldiv32
    cmp r4, #0
    it lt
    rsblt r0, r0, #0
    pop {r4, pc}
    .size __bpf2arm.sdiv32, .-__bpf2arm.sdiv32

    .p2align 2
    .type __bpf2arm.smod32,%function
    .thumb_func
__bpf2arm.smod32:
    movs r2, r1
    it eq
    bxeq lr
    it mi
    rsbmi r2, r2, #0
    push {r4, lr}
    movs r4, r0                  @ the remainder takes the dividend's sign
    it mi
    rsbmi r0, r0, #0
    bl .Ldiv32
    mov r0, r1
    cmp r4, #0
    it lt
    rsblt r0, r0, #0
    pop {r4, pc}
    .size __bpf2arm.smod32, .-__bpf2arm.smod32

@ ---------------------------------------------------------------------------
@ 64-bit unsigned division; one expansion returns the quotient, one the remainder.

.macro bpf2arm_udivmod64 name, mod
    .p2align 2
    .type \name,%function
    .thumb_func
\name:
    orrs r12, r2, r3
    .if \mod
    it eq
    bxeq lr
    .else
    ittt eq
    moveq r0, #0
    moveq r1, #0
    bxeq lr
    .endif
    orrs r12, r1, r3
    bne .L\name\()_wide
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
    clz r12, r2
    clz r3, r1
    subs r3, r3, r12             @ j = clz(nh) - clz(d)
    ble .L\name\()_twostep
    sub r12, r3, #1
    lsl r1, r1, r12
    rsb r12, r3, #33
    lsr r12, r0, r12             @ for j = 1 a shift by 32, which gives 0
    orr r1, r1, r12
    lsls r0, r0, r3              @ C = bit 32 - j of the low word
    mov r12, lr
    bl .Ldiv32_jump              @ r3 = j skips the table's first j - 1 steps
    .if \mod
    mov r0, r1
    .endif
    mov r1, #0
    bx r12

.L\name\()_twostep:
    push {r4, lr}
    mov r4, r0
    mov r0, r1
    bl .Ldiv32
    .if \mod == 0
    mov r12, r0                  @ quotient high word
    .endif
    lsls r0, r4, #1              @ C = top bit of the low word
    bl .Lsteps32
    .if \mod
    mov r0, r1
    mov r1, #0
    .else
    mov r1, r12
    .endif
    pop {r4, pc}

.L\name\()_bigdiv:
    cmp r1, r3
    it eq
    cmpeq r0, r2
    .if \mod
    it lo
    bxlo lr
    .else
    ittt lo
    movlo r0, #0
    movlo r1, #0
    bxlo lr
    .endif
    push {r4, lr}
    clz r12, r3
    clz r4, r1
    sub r4, r12, r4              @ k = clz(dh) - clz(nh) >= 0
    rsb lr, r4, #32
    lsl r3, r3, r4
    lsr lr, r2, lr               @ for k = 0 a shift by 32, which gives 0
    orr r3, r3, lr
    lsl r2, r2, r4               @ d << k
    mov r12, #0x80000000
    lsr r12, r12, r4             @ marker bit: out into C after k+1 steps
    b .L\name\()_step
.L\name\()_next:
    lsrs r3, r3, #1
    rrx r2, r2
.L\name\()_step:
    subs lr, r0, r2
    sbcs r4, r1, r3
    itt cs
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
@ 64-bit signed: magnitudes through the unsigned routines.

.macro bpf2arm_abs64 lo, hi
    asr r12, \hi, #31
    eor \lo, \lo, r12
    eor \hi, \hi, r12
    subs \lo, \lo, r12
    sbc \hi, \hi, r12
.endm

.macro bpf2arm_setsign64
    eor r0, r0, r4, asr #31
    eor r1, r1, r4, asr #31
    subs r0, r0, r4, asr #31
    sbc r1, r1, r4, asr #31
.endm

    .p2align 2
    .type __bpf2arm.sdiv64,%function
    .thumb_func
__bpf2arm.sdiv64:
    orrs r12, r1, r3
    bpl __bpf2arm.udiv64
    push {r4, lr}
    eor r4, r1, r3
    bpf2arm_abs64 r0, r1
    bpf2arm_abs64 r2, r3
    bl __bpf2arm.udiv64
    bpf2arm_setsign64
    pop {r4, pc}
    .size __bpf2arm.sdiv64, .-__bpf2arm.sdiv64

    .p2align 2
    .type __bpf2arm.smod64,%function
    .thumb_func
__bpf2arm.smod64:
    orrs r12, r1, r3
    bpl __bpf2arm.umod64
    push {r4, lr}
    mov r4, r1
    bpf2arm_abs64 r0, r1
    bpf2arm_abs64 r2, r3
    bl __bpf2arm.umod64
    bpf2arm_setsign64
    pop {r4, pc}
    .size __bpf2arm.smod64, .-__bpf2arm.smod64
