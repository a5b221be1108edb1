/* Times an exported model's model_predict: nanoseconds per time step, the median of ROUNDS
   rounds of about 0.2 s each, over a window of STEPS rows of sin(0.5·t + k).
   Build (scripts/bench/export_vs_keras2c.py does):
     cc -std=c99 -O2 [-DSTEPS=T] -I DIR -I scripts/bench -o bench scripts/bench/export_bench.c DIR/model.c -lm */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench_timing.h"
#include "model.h"

#ifndef STEPS
#define STEPS 1000
#endif
#define ROUNDS 7

int main(void) {
    static model_state state;
    static float window[STEPS * MODEL_INPUTS];
    static float y[(MODEL_OUTPUT_PER_STEP ? STEPS : 1) * MODEL_OUTPUTS];
    double rounds[ROUNDS], sink = 0.0;
    int t, k, r, repeats = 1;
    for (t = 0; t < STEPS; t++)
        for (k = 0; k < MODEL_INPUTS; k++) window[t * MODEL_INPUTS + k] = (float)sin(0.5 * t + k);
    /* As many windows a round as take about 0.2 s. */
    for (;;) {
        double start = now();
        for (r = 0; r < repeats; r++) model_predict(&state, window, STEPS, y);
        if (now() - start > 0.05) break;
        repeats *= 2;
    }
    repeats *= 4;
    for (k = 0; k < ROUNDS; k++) {
        double start = now();
        for (r = 0; r < repeats; r++) {
            model_predict(&state, window, STEPS, y);
            sink += y[0];
        }
        rounds[k] = (now() - start) / ((double)repeats * STEPS) * 1e9;
    }
    qsort(rounds, ROUNDS, sizeof rounds[0], ascending);
    printf("%.1f ns/step (median of %d rounds, %.1f-%.1f)%s\n", rounds[ROUNDS / 2], ROUNDS, rounds[0],
           rounds[ROUNDS - 1], sink == 12345.0 ? " " : "");
    return 0;
}
