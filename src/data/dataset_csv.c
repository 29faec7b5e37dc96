/* dataset_csv.c — a numeric CSV read a batch of lines at a time.
 *
 * Opening reads the header row (column names) and streams through the file once, recording
 * the byte offset where each batch's lines begin (8 bytes per batch), so memory does not grow
 * with the file.  get_batch(i) reads that byte range with pread and parses it: fields split by
 * the delimiter, spaces around them ignored, every cell a finite number (strtod); an error
 * names the file, the line and the column.  Empty lines are skipped; CRLF is fine.  Quoted
 * fields are not supported here (brain_read_csv reads those into memory).  Batches can be read
 * in any order, so the batch order may be shuffled. */
#define _DEFAULT_SOURCE
#include "dataset.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct csv_ds {
    brain_dataset base;
    char *path;
    int fd;
    char delim;
    int n_cols, target;             /* target: column index, -1 none */
    int64_t n_rows, *off, *line0;   /* per batch: byte offset, 1-based line number of its first line */
    int64_t end;
    bool shuffle;
    uint64_t seed;
    int64_t *order;
} csv_ds;

static bool blank_line(const char *p, const char *e)
{
    for (; p < e; p++) if (*p != ' ' && *p != '\t' && *p != '\r') return false;
    return true;
}

static brain_status csv_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    csv_ds *c = (csv_ds *)d;
    const int64_t bi = c->order ? c->order[i] : i;
    const int64_t len = (bi + 1 < d->num_batches ? c->off[bi + 1] : c->end) - c->off[bi];
    char *buf = malloc((size_t)len + 1);
    if (!buf) return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory for a batch of lines", c->path);
    if (pread(c->fd, buf, (size_t)len, c->off[bi]) != (ssize_t)len) {
        free(buf);
        return brain__fail(BRAIN_ERR_IO, "%s: cannot read batch %lld: %s (did the file change?)", c->path, (long long)bi,
                           strerror(errno));
    }
    buf[len] = 0;
    const int64_t bs = d->batch_size, nb = c->n_rows - bi * bs < bs ? c->n_rows - bi * bs : bs;
    const int nf = c->n_cols - (c->target >= 0);
    float *x = brain_batch_x(out, 0, 2, (int64_t[]){ nb, nf });
    float *y = c->target >= 0 ? brain_batch_y(out, 0, 2, (int64_t[]){ nb, 1 }) : NULL;
    brain_status s = BRAIN_OK;
    if (!x || (c->target >= 0 && !y)) s = BRAIN_ERR_NOMEM;
    char *p = buf, *end = buf + len;
    int64_t line = c->line0[bi], r = 0;
    while (!s && p < end && r < nb) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if (blank_line(p, eol)) { p = eol + 1; line++; continue; }
        *eol = 0;
        char *q = p;
        int f = 0;
        for (int col = 0; col < c->n_cols; col++) {
            char *e;
            double v = strtod(q, &e);
            while (*e == ' ' || *e == '\t' || *e == '\r') e++;
            if (e == q || (*e && *e != c->delim) || !isfinite(v)) {
                char *fe = strchr(q, c->delim);
                int w = fe ? (int)(fe - q) : (int)strlen(q);
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld, column %d: '%.*s' is not a number", c->path,
                                (long long)line, col + 1, w > 40 ? 40 : w, q);
                break;
            }
            if (col + 1 < c->n_cols && *e != c->delim) {
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld has %d fields, the header has %d", c->path, (long long)line,
                                col + 1, c->n_cols);
                break;
            }
            if (col + 1 == c->n_cols && *e == c->delim) {
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld has more fields than the header's %d", c->path,
                                (long long)line, c->n_cols);
                break;
            }
            if (col == c->target) y[r] = (float)v;
            else x[r * nf + f++] = (float)v;
            q = e + 1;
        }
        p = eol + 1; line++; r++;
    }
    free(buf);
    if (!s && r != nb) s = brain__fail(BRAIN_ERR_IO, "%s: batch %lld has %lld lines, %lld expected (did the file change?)",
                                      c->path, (long long)bi, (long long)r, (long long)nb);
    return s;
}

static brain_status csv_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    csv_ds *c = (csv_ds *)d;
    if (!c->order) return BRAIN_OK;
    brain_rng own;
    brain_rng_seed(&own, brain__mix_seed(c->seed, (uint64_t)epoch, 3));
    brain__permutation(&own, c->order, d->num_batches);
    return BRAIN_OK;
}

static void csv_destroy(brain_dataset *d)
{
    csv_ds *c = (csv_ds *)d;
    if (c->fd >= 0) close(c->fd);
    free(c->path); free(c->off); free(c->line0); free(c->order);
}

static const brain_dataset_vt csv_vt = { "csv", csv_get, csv_reset, csv_destroy };

brain_dataset *brain_dataset_from_csv(const char *path, const brain_dataset_csv_options *opt)
{
    brain_dataset_csv_options o = opt ? *opt : (brain_dataset_csv_options){0};
    if (!path) { brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_csv: path is NULL"); return NULL; }
    csv_ds *c = (csv_ds *)brain__dataset_new(&csv_vt, sizeof *c, NULL);
    if (!c) return NULL;
    c->fd = -1;
    c->delim = o.delimiter ? o.delimiter : ',';
    c->target = -1;
    c->base.batch_size = o.batch_size > 0 ? o.batch_size : 32;
    brain_status s = BRAIN_OK;
    FILE *f = NULL;
    char *line = NULL;
    size_t cap = 0;
    int64_t cap_b = 0;
    if (!(c->path = brain__strdup(path))) goto fail;
    if (!(f = fopen(path, "rb")) || (c->fd = open(path, O_RDONLY)) < 0) {
        s = brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        goto fail;
    }
    ssize_t n = getline(&line, &cap, f);
    if (n <= 0) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: the file is empty (a header row is needed)", path); goto fail; }
    /* header: count the columns, find the target */
    {
        char *h = line;
        if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF) h += 3;
        for (char *e = h + strlen(h); e > h && (e[-1] == '\n' || e[-1] == '\r'); ) *--e = 0;
        for (char *q = h;; c->n_cols++) {
            char *e = strchr(q, c->delim);
            size_t w = e ? (size_t)(e - q) : strlen(q);
            while (w && (q[w - 1] == ' ' || q[w - 1] == '\t')) w--;
            while (w && (*q == ' ' || *q == '\t')) { q++; w--; }
            if (o.target && strlen(o.target) == w && !strncmp(q, o.target, w)) c->target = c->n_cols;
            if (!e) { c->n_cols++; break; }
            q = e + 1;
        }
        if (o.target && c->target < 0) {
            s = brain__fail(BRAIN_ERR_ARG, "%s: there is no column named '%s' in the header", path, o.target);
            goto fail;
        }
        if (c->n_cols - (c->target >= 0) < 1) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: no feature columns", path); goto fail; }
    }
    /* one pass: where each batch begins */
    int64_t pos = n, lineno = 2;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (!blank_line(line, line + n - (line[n - 1] == '\n'))) {
            if (c->n_rows % c->base.batch_size == 0) {
                int64_t b = c->n_rows / c->base.batch_size;
                if (b >= cap_b) {
                    int64_t nc = cap_b ? 2 * cap_b : 64;
                    int64_t *a = realloc(c->off, sizeof *a * (size_t)nc), *l = a ? realloc(c->line0, sizeof *l * (size_t)nc) : NULL;
                    if (a) c->off = a;
                    if (!a || !l) { s = brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory indexing the file", path); goto fail; }
                    c->line0 = l; cap_b = nc;
                }
                c->off[b] = pos;
                c->line0[b] = lineno;
            }
            c->n_rows++;
        }
        pos += n; lineno++;
    }
    c->end = pos;
    if (c->n_rows == 0) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: the file has a header but no data rows", path); goto fail; }
    c->base.num_rows = c->n_rows;
    c->base.num_batches = (c->n_rows + c->base.batch_size - 1) / c->base.batch_size;
    if (o.shuffle == BRAIN_ON) {
        c->seed = o.has_seed ? o.seed : brain__next_seed();
        if (!(c->order = brain__alloc_array((size_t)c->base.num_batches, sizeof *c->order))) goto fail;
        csv_reset(&c->base, 0, NULL);
    }
    free(line);
    fclose(f);
    return &c->base;
fail:
    free(line);
    if (f) fclose(f);
    brain_dataset_free(&c->base);
    (void)s;
    return NULL;
}
