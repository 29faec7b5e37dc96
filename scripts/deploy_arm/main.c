/* main.c — the test firmware of scripts/deploy_arm.sh: runs the exported model (samples.h picks
 * it) on the embedded test inputs, prints every output and the largest difference from
 * brain_predict's outputs.  The same file is built for x86 (the reference run), for a Cortex-M4
 * (QEMU mps2-an386, output through semihosting) and for Linux on ARM (qemu-arm). */
#include "samples.h"
#include <math.h>
#include <stdio.h>

int main(void)
{
    static float out[OUT_SIZE];
    double worst = 0;
    int s, j;
    printf("model %s: %d samples\n", MODEL_NAME, SAMPLES);
    for (s = 0; s < SAMPLES; s++) {
        if (PREDICT(sample_in + s * IN_SIZE, out)) { printf("predict failed on sample %d\n", s); return 1; }
        printf("sample %d:", s);
        for (j = 0; j < OUT_SIZE; j++) {
            double d = fabs((double)out[j] - (double)sample_brain[s * OUT_SIZE + j]);
            printf(" %.9g", (double)out[j]);
            if (d > worst) worst = d;
        }
        printf("\n");
    }
    printf("max |device - brain| = %.3g\n", worst);
    printf("done\n");
    return 0;
}
