/* monitor.c — Keras 3.11+ MonitorCallback: the mode of a monitored quantity and what counts as
 * an improvement; shared by EarlyStopping and ReduceLROnPlateau. */
#include "callbacks.h"
#include <float.h>
#include <math.h>
#include <string.h>

brain_status brain__monitor_init(brain_monitor *mo, const char *monitor, brain_mode mode, double min_delta)
{
    if (!mo) return brain__fail(BRAIN_ERR_ARG, "brain__monitor_init: NULL monitor state");
    memset(mo, 0, sizeof *mo);
    if (!monitor || !*monitor) monitor = "val_loss";
    if (strlen(monitor) >= sizeof mo->monitor)
        return brain__fail(BRAIN_ERR_ARG, "monitor name '%.20s...' is too long (at most %d characters)", monitor,
                           (int)sizeof mo->monitor - 1);
    snprintf(mo->monitor, sizeof mo->monitor, "%s", monitor);
    if (mode == BRAIN_MODE_MIN || mode == BRAIN_MODE_MAX) {
        mo->mode = mode;
    } else if (mode == BRAIN_MODE_AUTO) {
        /* Keras: the direction of the metric named by the monitor less "val_" ("loss" -> min);
         * none known -> ValueError.  brain__metric_higher_is_better strips "val_" itself. */
        bool known = false;
        bool up = brain__metric_higher_is_better(monitor, &known);
        if (!known)
            return brain__fail(BRAIN_ERR_ARG,
                               "cannot infer mode for monitor '%s'; set mode (BRAIN_MODE_MAX to keep the highest "
                               "value, BRAIN_MODE_MIN to keep the lowest)", monitor);
        mo->mode = up ? BRAIN_MODE_MAX : BRAIN_MODE_MIN;
    } else {
        return brain__fail(BRAIN_ERR_ARG, "unknown mode %d for monitor '%s'; use BRAIN_MODE_AUTO, _MIN or _MAX",
                           (int)mode, monitor);
    }
    mo->min_delta = fabs(min_delta);
    mo->has_best = false;
    mo->best = mo->mode == BRAIN_MODE_MIN ? INFINITY : -INFINITY;
    return BRAIN_OK;
}

/* A double as float32 (Annex F rounding; out-of-range values become ±inf without UB). */
static float to_f32(double x)
{
    /* half an ulp above FLT_MAX (2^103) rounds to infinity (a tie goes to the even side, inf) */
    if (x > FLT_MAX) return x - FLT_MAX >= 0x1p103 ? INFINITY : FLT_MAX;
    if (x < -FLT_MAX) return -x - FLT_MAX >= 0x1p103 ? -INFINITY : -FLT_MAX;
    return (float)x;
}

/* Keras: monitor_op(current - min_delta, best) with min_delta negated for "less":
 * min: current + |min_delta| < best;  max: current - |min_delta| > best;  best None: True.
 * ops.less / ops.greater turn both Python floats into float32 tensors before comparing, so the
 * comparison is made after rounding each side to float32, as Keras makes it (this matters when
 * current ± min_delta lands within float32 rounding of best).
 * NaN never improves on a best (comparisons with NaN are false). */
bool brain__monitor_improved(const brain_monitor *mo, double current)
{
    if (!mo->has_best) return true;
    if (mo->mode == BRAIN_MODE_MIN) return to_f32(current + mo->min_delta) < to_f32(mo->best);
    return to_f32(current - mo->min_delta) > to_f32(mo->best);
}
