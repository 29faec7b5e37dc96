/* summary.c — model.summary() drawn as Keras draws it (a rich table with a heavy head):
 * Layer (type) | Output Shape | Param # (| Connected to, for a functional model that is not a
 * chain), cells word-wrapped as rich wraps them, then total / trainable / non-trainable counts. */
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

/* rich's word wrap of a cell: greedy, breaking at spaces (a space that ends a line is dropped);
 * a word longer than the width gets a line of its own (cut with an ellipsis by cell()). */
#define SUMMARY_MAX_LINES 16
static int wrap_words(const char *text, int width, char lines[SUMMARY_MAX_LINES][256])
{
    int n = 0;
    lines[0][0] = 0;
    for (const char *p = text; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if (e == p) break;
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(e - p), p);
        int cur = text_width(lines[n]), w = text_width(word);
        if (cur && cur + 1 + w > width && n + 1 < SUMMARY_MAX_LINES) lines[++n][0] = 0;
        size_t len = strlen(lines[n]);
        snprintf(lines[n] + len, 256 - len, "%s%s", len ? " " : "", word);
        p = e;
    }
    return n + 1;
}

/* "dense[0][0], dense_1[0][0]": the layers whose outputs a layer is called on; "-" for inputs */
static void connected_to(const brain_model *m, const brain_layer *l, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (int rank = 0, i; (i = brain__model_node_of_call(m, l, rank)) >= 0; rank++) /* every call (shared layers) */
        for (int j = 0; j < m->nodes[i].n_in && k < cap; j++)
            k += (size_t)snprintf(out + k, cap - k, "%s%s[%d][%d]", k ? ", " : "", m->nodes[m->nodes[i].in[j]].layer->name,
                                  brain__node_call_rank(m, m->nodes[i].in[j]), m->nodes[i].in_port[j]);
    if (!out[0]) snprintf(out, cap, "-");
}

/* Keras draws a functional model that is a plain chain like a Sequential one (summary_utils's
 * sequential_like); otherwise it adds the "Connected to" column. */
static bool sequential_like(const brain_model *m)
{
    if (m->sequential) return true;
    if (m->n_inputs != 1 || m->n_outputs != 1) return false;
    for (int i = 0; i < m->n_nodes; i++) {
        if (m->nodes[i].n_in > 1 || (m->nodes[i].layer && (m->nodes[i].layer->shared || m->nodes[i].layer->n_calls > 1))) return false;
        int readers = 0;
        for (int j = 0; j < m->n_nodes; j++)
            for (int k = 0; k < m->nodes[j].n_in; k++) readers += m->nodes[j].in[k] == i;
        if (readers > 1) return false;
    }
    return true;
}

static void build_summary(brain_model *m, int line_length, sbuf *b)
{
    const bool chain = sequential_like(m);
    const int nc = chain ? 3 : 4;
    const double pos3[3] = {0.45, 0.80, 1.0}, pos4[4] = {0.3, 0.56, 0.74, 1.0};
    const double *pos = chain ? pos3 : pos4;
    const bool right[4] = {false, false, true, false};
    /* Keras: min(88 or 108, terminal columns - 4); 76 for the 80 columns of a non-terminal */
    int L = line_length > 0 ? line_length : 76;
    int want[4], cur = 0;
    for (int i = 0; i < nc; i++) { want[i] = (int)(pos[i] * L) - cur; cur += want[i]; }
    int widths[4], ones[4] = {1, 1, 1, 1};
    int total = 0;
    for (int i = 0; i < nc; i++) { widths[i] = want[i] + 2; total += widths[i]; }
    int avail = L - (nc + 1);
    if (total > avail) { int maxs[4] = {widths[0], widths[1], widths[2], widths[3]}; ratio_reduce(total - avail, ones, maxs, widths, nc); }
    int inner[4];
    for (int i = 0; i < nc; i++) inner[i] = widths[i] - 2 > 1 ? widths[i] - 2 : 1;

    char line[512];
    snprintf(line, sizeof line, "Model: \"%s\"\n", m->name);
    put(b, line);
    /* ┏━━━┳━━━┳━━━┓ */
    put(b, "\u250f");
    for (int i = 0; i < nc; i++) { repeat(b, "\u2501", inner[i] + 2); put(b, i < nc - 1 ? "\u2533" : "\u2513\n"); }
    const char *head[4] = {"Layer (type)", "Output Shape", "Param #", "Connected to"};
    put(b, "\u2503");
    for (int i = 0; i < nc; i++) { cell(b, head[i], inner[i], right[i]); put(b, "\u2503"); }
    put(b, "\n\u2521");
    for (int i = 0; i < nc; i++) { repeat(b, "\u2501", inner[i] + 2); put(b, i < nc - 1 ? "\u2547" : "\u2529\n"); }
    static char lines[4][SUMMARY_MAX_LINES][256];
    for (int li = 0; li < m->n_layers; li++) {
        brain_layer *l = m->layers[li];
        char c[4][512];
        snprintf(c[0], sizeof c[0], "%s (%s)", l->name, l->vt->class_name);
        if (l->built) {
            brain__shape_str(&l->out_shape, c[1], sizeof c[1]);
            with_commas(brain_layer_param_count(l), c[2], sizeof c[2]);
        } else {
            snprintf(c[1], sizeof c[1], "?");
            snprintf(c[2], sizeof c[2], "0 (unbuilt)");
        }
        if (!chain) connected_to(m, l, c[3], sizeof c[3]);
        int n_lines[4], height = 1;
        for (int i = 0; i < nc; i++) {
            n_lines[i] = wrap_words(c[i], inner[i], lines[i]);
            if (n_lines[i] > height) height = n_lines[i];
        }
        for (int r = 0; r < height; r++) {
            put(b, "\u2502");
            for (int i = 0; i < nc; i++) { cell(b, r < n_lines[i] ? lines[i][r] : "", inner[i], right[i]); put(b, "\u2502"); }
            put(b, "\n");
        }
        bool last = li == m->n_layers - 1;
        put(b, last ? "\u2514" : "\u251c");
        for (int i = 0; i < nc; i++) {
            repeat(b, "\u2500", inner[i] + 2);
            put(b, i < nc - 1 ? (last ? "\u2534" : "\u253c") : (last ? "\u2518\n" : "\u2524\n"));
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
