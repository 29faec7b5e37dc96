/* progbar.h — Keras's progress bar (keras/src/utils/progbar.py), printed through the print hook. */
#ifndef BRAIN_PROGBAR_H
#define BRAIN_PROGBAR_H
#include "internal.h"

typedef struct brain_progbar {
    int64_t target;
    int verbose;              /* 1: live bar, 2: one line at the end */
    double start, last_update, first_step_end;
    int prev_width;
    bool color;
} brain_progbar;

void brain__progbar_init(brain_progbar *p, int64_t target, int verbose);
/* logs may be NULL (predict); finalize prints the closing line and a newline. */
void brain__progbar_update(brain_progbar *p, int64_t current, const brain_logs *logs, bool finalize);
#endif
