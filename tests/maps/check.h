// The firmware-side checks of the map tests: CHECK counts, prints each failure, and
// main ends with CHECK_SUMMARY(), the "N passed, N failed" line and exit status.
#pragma once

#include <stdio.h>

static int passed, failed;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (cond) {                                                          \
      passed++;                                                          \
    } else {                                                             \
      failed++;                                                          \
      printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
    }                                                                    \
  } while (0)

#define CHECK_SUMMARY() (printf("%d passed, %d failed\n", passed, failed), failed != 0)
