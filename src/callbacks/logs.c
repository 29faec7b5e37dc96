/* logs.c — the `logs` dict callbacks receive (keys kept alphabetical, as Keras's
 * pythonify_logs sorts them), and the number formatting callbacks share. */
#include "callbacks.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Index of `name`, or -(insertion point) - 1 when absent (binary search over sorted names). */
static int logs_find(const brain_logs *logs, const char *name)
{
    int lo = 0, hi = logs->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(logs->names[mid], name);
        if (c == 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -lo - 1;
}

bool brain_logs_get(const brain_logs *logs, const char *name, double *value)
{
    if (!logs || !name || logs->n <= 0) return false;
    int i = logs_find(logs, name);
    if (i < 0) return false;
    if (value) *value = logs->values[i];
    return true;
}

brain_status brain_logs_set(brain_logs *logs, const char *name, double value)
{
    if (!logs || !name) return brain__fail(BRAIN_ERR_ARG, "brain_logs_set: logs and name must not be NULL");
    if (logs->n < 0 || logs->n > BRAIN_MAX_LOGS)
        return brain__fail(BRAIN_ERR_ARG, "brain_logs_set: the logs are not initialised (n = %d); zero them first", logs->n);
    size_t len = strlen(name);
    if (len == 0) return brain__fail(BRAIN_ERR_ARG, "brain_logs_set: the log name is empty");
    if (len >= BRAIN_LOG_NAME)
        return brain__fail(BRAIN_ERR_ARG, "log name '%.*s...' is %zu characters; at most %d fit", 20, name, len,
                           BRAIN_LOG_NAME - 1);
    int i = logs_find(logs, name);
    if (i >= 0) {
        logs->values[i] = value;
        return BRAIN_OK;
    }
    if (logs->n >= BRAIN_MAX_LOGS)
        return brain__fail(BRAIN_ERR_ARG, "cannot add log '%s': the logs already hold %d keys (BRAIN_MAX_LOGS)", name,
                           BRAIN_MAX_LOGS);
    int at = -i - 1;
    memmove(logs->names[at + 1], logs->names[at], (size_t)(logs->n - at) * sizeof logs->names[0]);
    memmove(&logs->values[at + 1], &logs->values[at], (size_t)(logs->n - at) * sizeof logs->values[0]);
    memcpy(logs->names[at], name, len + 1);
    logs->values[at] = value;
    logs->n++;
    return BRAIN_OK;
}

void brain__logs_keys_str(const brain_logs *logs, char *buf, size_t cap)
{
    if (!cap) return;
    buf[0] = 0;
    size_t used = 0;
    for (int i = 0; logs && i < logs->n; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? "," : "", logs->names[i]);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
}

/* Python's float repr: the shortest digit string that reads back as x (David Gay's mode 0,
 * which picks the correctly rounded candidate; printf's %.*e is correctly rounded, so the
 * first precision that round-trips gives the same digits), laid out as repr lays it out:
 * positional when the decimal exponent is in [-4, 16), else d.ddde±XX. */
void brain__repr_double(double x, char *buf, size_t cap)
{
    if (!cap) return;
    if (isnan(x)) { snprintf(buf, cap, "nan"); return; }
    if (isinf(x)) { snprintf(buf, cap, x < 0 ? "-inf" : "inf"); return; }
    if (x == 0) { snprintf(buf, cap, signbit(x) ? "-0.0" : "0.0"); return; }

    char tmp[64];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, x);
        if (strtod(tmp, NULL) == x) break;
    }
    /* tmp = [-]d[.ddd]e±XX */
    const char *p = tmp;
    bool neg = false;
    if (*p == '-') { neg = true; p++; }
    char digits[32];
    int nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9') digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0') nd--; /* %.*e may pad; repr never does */
    digits[nd] = 0;
    int e = atoi(p + 1); /* x = d.ddd × 10^e */

    char out[64];
    size_t o = 0;
    if (neg) out[o++] = '-';
    if (e < -4 || e >= 16) {
        out[o++] = digits[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++) out[o++] = digits[i];
        }
        o += (size_t)snprintf(out + o, sizeof out - o, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    } else if (e < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -e - 1; i++) out[o++] = '0';
        for (int i = 0; i < nd; i++) out[o++] = digits[i];
        out[o] = 0;
    } else {
        int decpt = e + 1; /* digits before the point */
        for (int i = 0; i < decpt; i++) out[o++] = i < nd ? digits[i] : '0';
        out[o++] = '.';
        if (nd > decpt)
            for (int i = decpt; i < nd; i++) out[o++] = digits[i];
        else
            out[o++] = '0';
        out[o] = 0;
    }
    snprintf(buf, cap, "%s", out);
}
