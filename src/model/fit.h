/* fit.h — the one training loop and the evaluation loop (fit.c), for the dataset entry points
 * (fit_dataset.c).  Both consume only the dataset interface (src/data/dataset.h). */
#ifndef BRAIN_FIT_H
#define BRAIN_FIT_H

#include "internal.h"
#include "data/dataset.h"
#include "dist/dist.h"

/* The loop: o's tensor-only fields (batch_size, validation_split, x_val, sample_weight, shuffle)
 * are not read; steps_per_epoch / validation_steps 0 = the whole dataset. */
brain_status brain__fit_run(brain_model *m, const char *fn, brain_dataset *train, brain_dataset *val,
                            const brain_fit_options *o, int64_t steps_per_epoch, int64_t validation_steps,
                            brain_history **history);
brain_status brain__evaluate_run(brain_model *m, const char *fn, brain_dataset *ds, int64_t steps, int verbose,
                                 brain_logs *logs);

#endif
