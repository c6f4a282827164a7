/* The driver half of the calibration benchmark (calibrate.S is the measured half). */
#include "bench.h"

u32 calib_loop(u32 x);

void bench_setup(void) {}

u64 bench_run(void) { return calib_loop(7); }
