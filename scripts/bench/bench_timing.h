/* The clock and the sort the C benchmark drivers share (export_bench.c, and the keras2c driver
   export_vs_keras2c.py writes). */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int ascending(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
#endif
