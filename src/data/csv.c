/* csv.c — brain_read_csv: a header row, numeric feature columns and one target column.
 *
 * Fields are separated by opt->delimiter (default ','), or with opt->delim_whitespace by runs of
 * spaces and tabs (pandas sep=r"\s+": blanks at the start and end of a line do not make empty
 * fields); a field may be quoted ("a, b" with "" for a quote, and may then span lines).  Spaces
 * and tabs around a field are ignored.  With opt->no_header the first row is data and the
 * columns are named "0", "1", ... (pandas header=None); the target is named (opt->target) or
 * given by index (opt->target_index, negative from the end), or absent (opt->no_target: every
 * column a feature, y NULL).  Empty lines are skipped; CRLF and a missing final newline are
 * fine; a UTF-8 byte-order mark at the start is skipped.  Feature cells must be finite numbers
 * (strtod); the target column may hold numbers, or strings, in which case every target cell is a
 * class label: classes are sorted by byte value (as LabelEncoder / np.unique sort UTF-8 text)
 * and y holds the class id.
 * Every error names the file, the 1-based line and the column. */
#include "data_internal.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */
static brain_status grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return BRAIN_OK;
    size_t nc = *cap ? *cap : 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2) return brain__fail(BRAIN_ERR_NOMEM, "a CSV buffer grew too large");
        nc *= 2;
    }
    if (elem && nc > SIZE_MAX / elem) return brain__fail(BRAIN_ERR_NOMEM, "a CSV buffer grew too large");
    void *q = realloc(*p, nc * elem);
    if (!q) return brain__fail(BRAIN_ERR_NOMEM, "out of memory reading a CSV file (%zu bytes)", nc * elem);
    *p = q;
    *cap = nc;
    return BRAIN_OK;
}

static bool is_blank(char c, char delim) { return (c == ' ' || c == '\t') && c != delim; }

/* Quote a cell for a message: at most 40 bytes, then "...". */
#define SHOWN 40
#define SHOW(s) (int)(strlen(s) > SHOWN ? SHOWN : strlen(s)), (s), (strlen(s) > SHOWN ? "..." : "")

/* ------------------------------------------------------------------ records */
typedef struct record {
    char *buf; size_t cap, len;       /* decoded fields, each NUL-terminated */
    size_t *start; size_t cap_start;  /* offset of each field in buf */
    int64_t n;                        /* fields */
} record;

typedef struct reader {
    FILE *f;
    const char *name;
    char delim;
    bool ws;                          /* delim_whitespace: runs of blanks separate fields */
    char *line; size_t line_cap;
    int64_t line_no;                  /* physical lines read so far */
    bool first;                       /* BOM check pending */
    char **header;                    /* for messages: column names once known */
    int64_t n_header;
} reader;

static bool is_sep(const reader *rd, char c) { return rd->ws ? c == ' ' || c == '\t' : c == rd->delim; }

static brain_status put_char(record *r, char c)
{
    brain_status s = grow((void **)&r->buf, &r->cap, r->len + 1, 1);
    if (s) return s;
    r->buf[r->len++] = c;
    return BRAIN_OK;
}

static brain_status begin_field(record *r)
{
    brain_status s = grow((void **)&r->start, &r->cap_start, (size_t)r->n + 1, sizeof(size_t));
    if (s) return s;
    r->start[r->n++] = r->len;
    return BRAIN_OK;
}

static void column_label(const reader *rd, int64_t field, char *buf, size_t cap)
{
    if (rd->header && field < rd->n_header) snprintf(buf, cap, "column '%s'", rd->header[field]);
    else snprintf(buf, cap, "column %lld", (long long)field + 1);
}

/* Reads one physical line into rd->line (terminator and a final '\r' removed).
 * *len = -1 at the end of the file. */
static brain_status read_line(reader *rd, ssize_t *len)
{
    errno = 0;
    ssize_t n = getline(&rd->line, &rd->line_cap, rd->f);
    if (n < 0) {
        if (ferror(rd->f))
            return brain__fail(BRAIN_ERR_IO, "%s: reading line %lld failed: %s", rd->name,
                               (long long)rd->line_no + 1, strerror(errno ? errno : EIO));
        if (errno == ENOMEM) return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory reading line %lld", rd->name,
                                                (long long)rd->line_no + 1);
        *len = -1;
        return BRAIN_OK;
    }
    rd->line_no++;
    char *p = rd->line;
    if (rd->first) {
        rd->first = false;
        if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) {
            memmove(p, p + 3, (size_t)n - 2);
            n -= 3;
        }
    }
    if (n > 0 && p[n - 1] == '\n') n--;
    if (n > 0 && p[n - 1] == '\r') n--;
    p[n] = 0;
    if (memchr(p, 0, (size_t)n))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld contains a NUL byte; is this a text CSV file?",
                           rd->name, (long long)rd->line_no);
    *len = n;
    return BRAIN_OK;
}

/* Reads the next non-empty record.  *got = false at the end of the file.  *rec_line is the line
 * on which the record starts. */
static brain_status read_record(reader *rd, record *r, bool *got, int64_t *rec_line)
{
    ssize_t n;
    brain_status s;
    r->len = 0;
    r->n = 0;
    *got = false;
    const char *p, *end;
    for (;;) {                                            /* the next line not empty (or blank, with ws) */
        if ((s = read_line(rd, &n))) return s;
        if (n < 0) return BRAIN_OK;
        p = rd->line;
        end = rd->line + n;
        if (rd->ws)
            while (p < end && is_sep(rd, *p)) p++;
        if (p < end) break;
    }
    *rec_line = rd->line_no;

    const char d = rd->ws ? 0 : rd->delim;
    for (;;) {                                            /* one field per iteration */
        if ((s = begin_field(r))) return s;
        if (!rd->ws)
            while (p < end && is_blank(*p, d)) p++;
        if (p < end && *p == '"') {
            p++;
            for (;;) {
                if (p == end) {                           /* the quoted field goes on: next line */
                    if ((s = read_line(rd, &n))) return s;
                    if (n < 0) {
                        char col[160];
                        column_label(rd, r->n - 1, col, sizeof col);
                        return brain__fail(BRAIN_ERR_FORMAT,
                                           "%s: line %lld, %s: a quoted field is not closed before the end of the file",
                                           rd->name, (long long)*rec_line, col);
                    }
                    if ((s = put_char(r, '\n'))) return s;
                    p = rd->line;
                    end = rd->line + n;
                    continue;
                }
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') { if ((s = put_char(r, '"'))) return s; p += 2; continue; }
                    p++;
                    break;
                }
                if ((s = put_char(r, *p++))) return s;
            }
            if (!rd->ws)
                while (p < end && is_blank(*p, d)) p++;
            if (p < end && !is_sep(rd, *p)) {
                char col[160];
                column_label(rd, r->n - 1, col, sizeof col);
                return brain__fail(BRAIN_ERR_FORMAT,
                                   "%s: line %lld, %s: unexpected text after a closing quote (a quote inside a "
                                   "quoted field is written \"\")", rd->name, (long long)rd->line_no, col);
            }
        } else {
            const char *b = p;
            while (p < end && !is_sep(rd, *p)) p++;
            const char *e = p;
            while (e > b && is_blank(e[-1], d)) e--;
            for (const char *q = b; q < e; q++)
                if ((s = put_char(r, *q))) return s;
        }
        if ((s = put_char(r, 0))) return s;
        if (rd->ws) {                                     /* a run of blanks; none at the end */
            while (p < end && is_sep(rd, *p)) p++;
            if (p < end) continue;
            break;
        }
        if (p < end && *p == d) { p++; continue; }
        break;
    }
    *got = true;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ numbers */
typedef enum { NUM_OK, NUM_EMPTY, NUM_BAD, NUM_NONFINITE, NUM_RANGE } num_result;

static num_result parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    if (!n) return NUM_EMPTY;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s + n || end == s) return NUM_BAD;
    if (isnan(v) || isinf(v)) {
        /* overflowing literals ("1e999") come back as ±HUGE_VAL with ERANGE */
        return errno == ERANGE ? NUM_RANGE : NUM_NONFINITE;
    }
    if (fabs(v) > 3.4028234663852886e38) return NUM_RANGE;
    *out = v;
    return NUM_OK;
}

/* ------------------------------------------------------------------ the table */
void brain_table_free(brain_table *t)
{
    if (!t) return;
    free(t->x);
    free(t->y);
    if (t->feature_names)
        for (int64_t i = 0; i < t->n_features; i++) free(t->feature_names[i]);
    free(t->feature_names);
    free(t->target_name);
    if (t->class_names)
        for (int i = 0; i < t->n_classes; i++) free(t->class_names[i]);
    free(t->class_names);
    free(t);
}

brain_tensor *brain_table_x(const brain_table *t)
{
    if (!t) { brain__fail(BRAIN_ERR_ARG, "brain_table_x: table is NULL"); return NULL; }
    return brain_tensor_from(t->x, 2, (int64_t[]){ t->n_rows, t->n_features });
}

brain_tensor *brain_table_y(const brain_table *t)
{
    if (!t) { brain__fail(BRAIN_ERR_ARG, "brain_table_y: table is NULL"); return NULL; }
    if (!t->y) { brain__fail(BRAIN_ERR_ARG, "brain_table_y: the table has no target (read with no_target)"); return NULL; }
    return brain_tensor_from(t->y, 2, (int64_t[]){ t->n_rows, 1 });
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "'a', 'b', 'c', ... (31 columns)" into buf */
static void list_columns(char **names, int64_t n, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = 0;
    for (int64_t i = 0; i < n; i++) {
        char item[80];
        snprintf(item, sizeof item, "%s'%.*s%s'", i ? ", " : "", SHOW(names[i]));
        if (used + strlen(item) + 24 >= cap || i == 12) {
            snprintf(buf + used, cap - used, ", ... (%lld columns)", (long long)n);
            return;
        }
        memcpy(buf + used, item, strlen(item) + 1);
        used += strlen(item);
    }
}

typedef struct parse_state {
    reader rd;
    record rec;
    char **header; int64_t n_cols;
    int64_t target_col;
    int64_t *role;                    /* per column: feature index, -1 target, -2 dropped */
    brain_table *t;
    size_t cap_x, cap_y;
    char *tbuf; size_t tlen, tcap;    /* target cells, NUL-terminated, one after another */
    size_t *toff; size_t cap_toff;
    int64_t *tline; size_t cap_tline; /* the line of each row (for target messages) */
    bool pending; int64_t pending_line; /* no_header: the first record, read, is a data row */
} parse_state;

static brain_status parse_header(parse_state *ps, const brain_csv_options *opt)
{
    reader *rd = &ps->rd;
    bool got;
    int64_t line;
    brain_status s = read_record(rd, &ps->rec, &got, &line);
    if (s) return s;
    if (!got) return brain__fail(BRAIN_ERR_FORMAT, opt->no_header ? "%s: the file is empty; it has no data rows"
                                 : "%s: the file is empty; a header row naming the columns is needed", rd->name);
    ps->n_cols = ps->rec.n;
    ps->header = brain__alloc_array((size_t)ps->n_cols, sizeof(char *));
    if (!ps->header) return BRAIN_ERR_NOMEM;
    for (int64_t i = 0; i < ps->n_cols; i++) {
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)i);
        if (!(ps->header[i] = brain__strdup(opt->no_header ? num : ps->rec.buf + ps->rec.start[i]))) return BRAIN_ERR_NOMEM;
    }
    if (opt->no_header) { ps->pending = true; ps->pending_line = line; }
    rd->header = ps->header;
    rd->n_header = ps->n_cols;

    /* duplicate names (quadratic only for very wide files; sort a copy instead) */
    char **sorted = brain__alloc_array((size_t)ps->n_cols, sizeof(char *));
    if (!sorted) return BRAIN_ERR_NOMEM;
    memcpy(sorted, ps->header, sizeof(char *) * (size_t)ps->n_cols);
    qsort(sorted, (size_t)ps->n_cols, sizeof(char *), cmp_str);
    for (int64_t i = 1; i < ps->n_cols; i++)
        if (!strcmp(sorted[i - 1], sorted[i])) {
            int64_t a = -1, b = -1;
            for (int64_t j = 0; j < ps->n_cols; j++)
                if (!strcmp(ps->header[j], sorted[i])) { if (a < 0) a = j; else if (b < 0) b = j; }
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld: the header names column '%.*s%s' twice (columns %lld and %lld)",
                            rd->name, (long long)line, SHOW(sorted[i]), (long long)a + 1, (long long)b + 1);
            free(sorted);
            return s;
        }
    free(sorted);

    ps->role = brain__alloc_array((size_t)ps->n_cols, sizeof(int64_t));
    if (!ps->role) return BRAIN_ERR_NOMEM;
    ps->target_col = -1;
    if (opt->no_target) {
        /* every column is a feature */
    } else if (opt->has_target_index) {
        int64_t k = opt->target_index < 0 ? opt->target_index + ps->n_cols : opt->target_index;
        if (k < 0 || k >= ps->n_cols)
            return brain__fail(BRAIN_ERR_ARG, "%s: target column index %lld is out of range: line %lld has %lld column%s "
                               "(0 to %lld, or -1 to -%lld from the end)", rd->name, (long long)opt->target_index,
                               (long long)line, (long long)ps->n_cols, ps->n_cols == 1 ? "" : "s",
                               (long long)ps->n_cols - 1, (long long)ps->n_cols);
        ps->target_col = k;
    } else {
        for (int64_t i = 0; i < ps->n_cols; i++)
            if (!strcmp(ps->header[i], opt->target)) ps->target_col = i;
    }
    if (ps->target_col < 0 && !opt->no_target) {
        char cols[600];
        list_columns(ps->header, ps->n_cols, cols, sizeof cols);
        return brain__fail(BRAIN_ERR_ARG, "%s: there is no column named '%.*s%s' (the target); the header on line %lld has %s",
                           rd->name, SHOW(opt->target), (long long)line, cols);
    }
    if (ps->target_col >= 0) ps->role[ps->target_col] = -1;
    if (opt->drop)
        for (const char **d = opt->drop; *d; d++) {
            int64_t found = -1;
            for (int64_t i = 0; i < ps->n_cols; i++)
                if (!strcmp(ps->header[i], *d)) found = i;
            if (found < 0) {
                char cols[600];
                list_columns(ps->header, ps->n_cols, cols, sizeof cols);
                return brain__fail(BRAIN_ERR_ARG, "%s: cannot drop column '%.*s%s': there is no such column; the header on line %lld has %s",
                                   rd->name, SHOW(*d), (long long)line, cols);
            }
            if (found == ps->target_col)
                return brain__fail(BRAIN_ERR_ARG, "%s: column '%.*s%s' is the target and cannot also be dropped",
                                   rd->name, SHOW(*d));
            ps->role[found] = -2;
        }

    brain_table *t = ps->t;
    int64_t nf = 0;
    for (int64_t i = 0; i < ps->n_cols; i++)
        if (ps->role[i] >= 0) ps->role[i] = nf++;
    if (nf == 0) {
        if (ps->target_col < 0)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: no feature columns%s on line %lld; a table needs at least one feature",
                               rd->name, opt->drop ? " once the dropped columns are gone" : "", (long long)line);
        const char *tn = ps->header[ps->target_col];
        return brain__fail(BRAIN_ERR_FORMAT, "%s: no feature columns: the header on line %lld has only the target '%.*s%s'%s; "
                           "a table needs at least one feature", rd->name, (long long)line, SHOW(tn),
                           opt->drop ? " once the dropped columns are gone" : "");
    }
    t->n_features = 0;
    t->feature_names = brain__alloc_array((size_t)nf, sizeof(char *));
    if (!t->feature_names) return BRAIN_ERR_NOMEM;
    for (int64_t i = 0; i < ps->n_cols; i++)
        if (ps->role[i] >= 0) {
            if (!(t->feature_names[t->n_features] = brain__strdup(ps->header[i]))) return BRAIN_ERR_NOMEM;
            t->n_features++;
        }
    if (ps->target_col >= 0 && !(t->target_name = brain__strdup(ps->header[ps->target_col]))) return BRAIN_ERR_NOMEM;
    return BRAIN_OK;
}

static brain_status parse_rows(parse_state *ps)
{
    reader *rd = &ps->rd;
    brain_table *t = ps->t;
    brain_status s;
    for (;;) {
        bool got = true;
        int64_t line = ps->pending_line;
        if (ps->pending) ps->pending = false;
        else if ((s = read_record(rd, &ps->rec, &got, &line))) return s;
        if (!got) break;
        if (ps->rec.n != ps->n_cols)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld has %lld field%s, the header has %lld",
                               rd->name, (long long)line, (long long)ps->rec.n, ps->rec.n == 1 ? "" : "s",
                               (long long)ps->n_cols);
        size_t row = (size_t)t->n_rows;
        if ((size_t)t->n_features > SIZE_MAX / sizeof(float) / (row + 1))
            return brain__fail(BRAIN_ERR_NOMEM, "%s: too many values", rd->name);
        if ((s = grow((void **)&t->x, &ps->cap_x, (row + 1) * (size_t)t->n_features, sizeof(float)))) return s;
        if ((s = grow((void **)&ps->toff, &ps->cap_toff, row + 1, sizeof(size_t)))) return s;
        if ((s = grow((void **)&ps->tline, &ps->cap_tline, row + 1, sizeof(int64_t)))) return s;
        float *xr = t->x + row * (size_t)t->n_features;
        for (int64_t c = 0; c < ps->n_cols; c++) {
            const char *cell = ps->rec.buf + ps->rec.start[c];
            if (ps->role[c] == -2) continue;
            if (ps->role[c] == -1) {
                const char *b = cell;
                size_t n = strlen(b);
                if (!n || strspn(b, " \t") == n)
                    return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld, column '%s': empty value (the target is missing)",
                                       rd->name, (long long)line, ps->header[c]);
                if ((s = grow((void **)&ps->tbuf, &ps->tcap, ps->tlen + n + 1, 1))) return s;
                ps->toff[row] = ps->tlen;
                memcpy(ps->tbuf + ps->tlen, b, n + 1);
                ps->tlen += n + 1;
                ps->tline[row] = line;
                continue;
            }
            double v = 0;
            switch (parse_number(cell, &v)) {
            case NUM_OK: break;
            case NUM_EMPTY:
                return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld, column '%s': empty value", rd->name,
                                   (long long)line, ps->header[c]);
            case NUM_BAD:
                return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld, column '%s': '%.*s%s' is not a number", rd->name,
                                   (long long)line, ps->header[c], SHOW(cell));
            case NUM_NONFINITE:
                return brain__fail(BRAIN_ERR_NUMERIC, "%s: line %lld, column '%s': '%.*s%s' is not a finite number "
                                   "(NaN and infinity are not accepted)", rd->name, (long long)line, ps->header[c], SHOW(cell));
            case NUM_RANGE:
                return brain__fail(BRAIN_ERR_NUMERIC, "%s: line %lld, column '%s': '%.*s%s' is outside the float32 range",
                                   rd->name, (long long)line, ps->header[c], SHOW(cell));
            }
            xr[ps->role[c]] = (float)v;
        }
        t->n_rows++;
    }
    if (t->n_rows == 0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: line %lld: the file has a header row but no data rows", rd->name,
                           (long long)(rd->line_no ? rd->line_no : 1));
    return BRAIN_OK;
}

/* Numbers, or (when any cell is not a number) sorted string classes. */
static brain_status finish_target(parse_state *ps)
{
    brain_table *t = ps->t;
    size_t n = (size_t)t->n_rows;
    t->y = brain__alloc_array(n, sizeof(float));
    if (!t->y) return BRAIN_ERR_NOMEM;
    bool numeric = true;
    for (size_t i = 0; i < n && numeric; i++) {
        double v;
        const char *cell = ps->tbuf + ps->toff[i];
        num_result r = parse_number(cell, &v);
        if (r == NUM_NONFINITE || r == NUM_RANGE)
            return brain__fail(BRAIN_ERR_NUMERIC, "%s: line %lld, column '%s': '%.*s%s' is not a finite float32 number",
                               ps->rd.name, (long long)ps->tline[i], t->target_name, SHOW(cell));
        if (r != NUM_OK) numeric = false;
        else t->y[i] = (float)v;
    }
    if (numeric) return BRAIN_OK;

    /* string labels (as read: unquoted cells trimmed, quoted ones verbatim): a LabelEncoder */
    const char **cells = brain__alloc_array(n, sizeof(char *));
    brain_label_encoder *enc = cells ? brain_label_encoder_new() : NULL;
    if (!enc) { free(cells); return BRAIN_ERR_NOMEM; }
    for (size_t i = 0; i < n; i++) cells[i] = ps->tbuf + ps->toff[i];
    brain_status s = brain_label_encoder_fit(enc, cells, (int64_t)n);
    if (!s) s = brain_label_encoder_transform(enc, cells, (int64_t)n, t->y);
    if (!s) t->class_names = brain__label_encoder_release(enc, &t->n_classes);
    brain_label_encoder_free(enc);
    free(cells);
    return s;
}

brain_status brain__read_csv_stream(FILE *f, const char *name, const brain_csv_options *opt, brain_table **out)
{
    if (out) *out = NULL;
    if (!f || !out) return brain__fail(BRAIN_ERR_ARG, "brain_read_csv: NULL argument");
    if (!name) name = "(stream)";
    if (!opt || ((!opt->target || !opt->target[0]) && !opt->has_target_index && !opt->no_target))
        return brain__fail(BRAIN_ERR_ARG, "%s: brain_read_csv needs opt->target, the name of the target column "
                           "(or opt->target_index with has_target_index)", name);
    if ((opt->target && opt->target[0]) + opt->has_target_index + opt->no_target > 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: brain_read_csv takes the target by name (opt->target) or by index "
                           "(opt->target_index), or no target (opt->no_target): one of them", name);
    char delim = opt->delimiter ? opt->delimiter : ',';
    if (delim == '"' || delim == '\n' || delim == '\r')
        return brain__fail(BRAIN_ERR_ARG, "%s: the delimiter cannot be a quote or a line break", name);

    parse_state ps = { 0 };
    ps.rd.f = f;
    ps.rd.name = name;
    ps.rd.delim = delim;
    ps.rd.ws = opt->delim_whitespace;
    ps.rd.first = true;
    ps.t = brain__alloc(sizeof(brain_table));
    brain_status s = ps.t ? BRAIN_OK : BRAIN_ERR_NOMEM;
    if (!s) s = parse_header(&ps, opt);
    if (!s) s = parse_rows(&ps);
    if (!s && !opt->no_target) s = finish_target(&ps);

    free(ps.rd.line);
    free(ps.rec.buf);
    free(ps.rec.start);
    if (ps.header)
        for (int64_t i = 0; i < ps.n_cols; i++) free(ps.header[i]);
    free(ps.header);
    free(ps.role);
    free(ps.tbuf);
    free(ps.toff);
    free(ps.tline);
    if (s) { brain_table_free(ps.t); return s; }
    *out = ps.t;
    return BRAIN_OK;
}

brain_status brain_read_csv(const char *path, const brain_csv_options *opt, brain_table **out)
{
    if (out) *out = NULL;
    if (!path || !out) return brain__fail(BRAIN_ERR_ARG, "brain_read_csv: path and out must not be NULL");
    FILE *f = fopen(path, "rb");
    if (!f) return brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    brain_status s = brain__read_csv_stream(f, path, opt, out);
    fclose(f);
    return s;
}
