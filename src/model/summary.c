/* summary.c — model.summary() drawn as Keras draws it (a rich table with a heavy head):
 * Layer (type) | Output Shape | Param #, then total / trainable / non-trainable counts. */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct sbuf { char *p; size_t cap, len; } sbuf;

static void put(sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) return;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

static void repeat(sbuf *b, const char *s, int n) { for (int i = 0; i < n; i++) put(b, s); }

/* Python's round(): half to even */
static int round_half_even(double x)
{
    double r = floor(x), d = x - r;
    if (d > 0.5 || (d == 0.5 && fmod(r, 2.0) != 0)) r += 1;
    return (int)r;
}

/* rich's ratio_reduce(total, ratios, maximums, values) */
static void ratio_reduce(int total, const int *ratios, const int *maximums, int *values, int n)
{
    int total_ratio = 0;
    for (int i = 0; i < n; i++) total_ratio += maximums[i] ? ratios[i] : 0;
    if (!total_ratio) return;
    int remaining = total;
    for (int i = 0; i < n; i++) {
        int ratio = maximums[i] ? ratios[i] : 0;
        if (ratio && total_ratio > 0) {
            int dist = round_half_even((double)ratio * remaining / total_ratio);
            if (dist > maximums[i]) dist = maximums[i];
            values[i] -= dist;
            remaining -= dist;
            total_ratio -= ratio;
        }
    }
}

/* UTF-8 aware display width (each code point one column: enough for our table) */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++) if (((unsigned char)*s & 0xC0) != 0x80) w++;
    return w;
}

static void cell(sbuf *b, const char *text, int width, bool right)
{
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", text);
    int w = text_width(tmp);
    if (w > width) { /* rich folds long text; we cut it with an ellipsis */
        int keep = width - 1, k = 0, seen = 0;
        while (tmp[k] && seen < keep) { k++; while (((unsigned char)tmp[k] & 0xC0) == 0x80) k++; seen++; }
        tmp[k] = 0;
        strcat(tmp, "\u2026");
        w = width;
    }
    put(b, " ");
    if (right) repeat(b, " ", width - w);
    put(b, tmp);
    if (!right) repeat(b, " ", width - w);
    put(b, " ");
}

static void with_commas(int64_t v, char *out, size_t cap)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)v);
    int len = (int)strlen(digits), k = 0;
    for (int i = 0; i < len && (size_t)k + 2 < cap; i++) {
        out[k++] = digits[i];
        if ((len - i - 1) % 3 == 0 && i != len - 1) out[k++] = ',';
    }
    out[k] = 0;
}

static void readable_size(double bytes, char *out, size_t cap)
{
    static const char *units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    for (int i = 0; i < 6; i++) {
        if (bytes / 1024 < 1 || i == 5) { snprintf(out, cap, "%.2f %s", bytes, units[i]); return; }
        bytes /= 1024;
    }
}

static int64_t optimizer_params(const brain_model *m)
{
    const brain_optimizer *o = m->optimizer;
    if (!o || !o->n) return 0; /* Keras lists optimizer variables once it is built */
    /* iteration and learning_rate, then the slots */
    return 2 + (int64_t)brain__optimizer_num_slots(o) * m->n_params;
}

static void build_summary(brain_model *m, int line_length, sbuf *b)
{
    int L = line_length > 0 ? line_length : 76;
    const double pos[3] = {0.45, 0.80, 1.0};
    int want[3], cur = 0;
    for (int i = 0; i < 3; i++) { want[i] = (int)(pos[i] * L) - cur; cur += want[i]; }
    int widths[3], ones[3] = {1, 1, 1};
    int total = 0;
    for (int i = 0; i < 3; i++) { widths[i] = want[i] + 2; total += widths[i]; }
    int avail = L - 4;
    if (total > avail) { int maxs[3] = {widths[0], widths[1], widths[2]}; ratio_reduce(total - avail, ones, maxs, widths, 3); }
    int inner[3];
    for (int i = 0; i < 3; i++) inner[i] = widths[i] - 2 > 1 ? widths[i] - 2 : 1;

    char line[512];
    snprintf(line, sizeof line, "Model: \"%s\"\n", m->name);
    put(b, line);
    /* ┏━━━┳━━━┳━━━┓ */
    put(b, "\u250f");
    for (int i = 0; i < 3; i++) { repeat(b, "\u2501", inner[i] + 2); put(b, i < 2 ? "\u2533" : "\u2513\n"); }
    const char *head[3] = {"Layer (type)", "Output Shape", "Param #"};
    put(b, "\u2503");
    for (int i = 0; i < 3; i++) { cell(b, head[i], inner[i], i == 2); put(b, "\u2503"); }
    put(b, "\n\u2521");
    for (int i = 0; i < 3; i++) { repeat(b, "\u2501", inner[i] + 2); put(b, i < 2 ? "\u2547" : "\u2529\n"); }
    for (int li = 0; li < m->n_layers; li++) {
        brain_layer *l = m->layers[li];
        char c0[160], c1[160], c2[40];
        snprintf(c0, sizeof c0, "%s (%s)", l->name, l->vt->class_name);
        if (l->built) {
            brain__shape_str(&l->out_shape, c1, sizeof c1);
            with_commas(brain_layer_param_count(l), c2, sizeof c2);
        } else {
            snprintf(c1, sizeof c1, "?");
            snprintf(c2, sizeof c2, "0 (unbuilt)");
        }
        put(b, "\u2502");
        cell(b, c0, inner[0], false); put(b, "\u2502");
        cell(b, c1, inner[1], false); put(b, "\u2502");
        cell(b, c2, inner[2], true); put(b, "\u2502\n");
        bool last = li == m->n_layers - 1;
        put(b, last ? "\u2514" : "\u251c");
        for (int i = 0; i < 3; i++) {
            repeat(b, "\u2500", inner[i] + 2);
            put(b, i < 2 ? (last ? "\u2534" : "\u253c") : (last ? "\u2518\n" : "\u2524\n"));
        }
    }
    int64_t tr = m->n_params, nt = m->n_state, op = optimizer_params(m);
    char n1[40], s1[40];
    with_commas(tr + nt + op, n1, sizeof n1); readable_size(4.0 * (double)(tr + nt + op), s1, sizeof s1);
    snprintf(line, sizeof line, " Total params: %s (%s)\n", n1, s1); put(b, line);
    with_commas(tr, n1, sizeof n1); readable_size(4.0 * (double)tr, s1, sizeof s1);
    snprintf(line, sizeof line, " Trainable params: %s (%s)\n", n1, s1); put(b, line);
    with_commas(nt, n1, sizeof n1); readable_size(4.0 * (double)nt, s1, sizeof s1);
    snprintf(line, sizeof line, " Non-trainable params: %s (%s)\n", n1, s1); put(b, line);
    if (op) {
        with_commas(op, n1, sizeof n1); readable_size(4.0 * (double)op, s1, sizeof s1);
        snprintf(line, sizeof line, " Optimizer params: %s (%s)\n", n1, s1); put(b, line);
    }
}

/* *text = the summary, newly allocated (free it). */
static brain_status render(brain_model *m, int line_length, const char *fn, char **text)
{
    *text = NULL;
    if (!m) return brain__fail(BRAIN_ERR_ARG, "%s: model is NULL", fn);
    brain_status s = brain_model_build(m);
    if (s) return s;
    sbuf b = {0};
    build_summary(m, line_length, &b);
    if (!b.p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing the summary");
    *text = b.p;
    return BRAIN_OK;
}

brain_status brain_model_summary_string(brain_model *m, int line_length, char *buf, size_t cap)
{
    if (!buf || !cap) return brain__fail(BRAIN_ERR_ARG, "brain_model_summary_string: NULL buffer");
    char *text;
    brain_status s = render(m, line_length, "brain_model_summary_string", &text);
    if (s) return s;
    snprintf(buf, cap, "%s", text);
    free(text);
    return BRAIN_OK;
}

brain_status brain_model_summary(brain_model *m, int line_length)
{
    char *text;
    brain_status s = render(m, line_length, "brain_model_summary", &text);
    if (s) return s;
    brain__print_raw(text);
    free(text);
    return BRAIN_OK;
}
