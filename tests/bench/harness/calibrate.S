@ The plugin's yardstick: a function whose executed instruction count is known by
@ construction (2 before the loop, 4 per round for 100 rounds, 2 after: 404 per call).
@ benchmark.sh refuses to print figures unless the counter reports exactly that.
@ The same text assembles as A32 or as T32 (unified syntax); T32 for Thumb-only CPUs (M profile).
	.syntax unified
	.text
#ifdef __thumb__
	.thumb
	.thumb_func
#else
	.arm
#endif
	.global calib_loop
	.type calib_loop, %function
calib_loop:
	mov	r1, #100
	mov	r2, #0
1:	add	r2, r2, r0
	eor	r0, r0, r2, lsl #1
	subs	r1, r1, #1
	bne	1b
	mov	r0, r2
	bx	lr
	.size calib_loop, .-calib_loop

	.section .note.GNU-stack, "", %progbits
