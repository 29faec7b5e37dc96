/* plot.c — `brain plot HISTORY.csv -o curves.png|.svg`: the training curves a Keras user draws
 * with matplotlib from history.history — one panel per metric, the training value and its
 * val_ twin per epoch, with axes, ticks, grid and a legend.  Drawn with cairo (an optional
 * dependency: without it this subcommand says it is not built).
 *
 * HISTORY.csv is what `brain train --history` (Keras's CSVLogger) writes: a header
 * "epoch,accuracy,loss,val_accuracy,val_loss" and one row per epoch (epoch 0-based; plotted
 * 1-based, as the epoch counter Keras prints).  "NA" cells are gaps. */
#include "cli.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef BRAIN_CLI_HAVE_CAIRO
#include <cairo.h>
#include <cairo-svg.h>
#endif
#ifdef BRAIN_CLI_HAVE_FONTCONFIG
#include <fontconfig/fontconfig.h>
#endif

static const cli_cmd_help HELP = {
    "plot", "HISTORY.csv -o OUT.png|OUT.svg [options]",
    "Draws training and validation curves per metric from a training log (brain train --history,\n"
    "or Keras's CSVLogger), as PNG or SVG (chosen by the extension of OUT)."
};

#ifdef BRAIN_CLI_HAVE_CAIRO
#define MAX_COLS 32
#define MAX_ROWS 100000

typedef struct history {
    int n_cols, n_rows;
    char names[MAX_COLS][64];
    double *v[MAX_COLS];        /* n_rows values per column (NaN: missing) */
} history;

static void history_free(history *h)
{
    for (int i = 0; i < h->n_cols; i++) free(h->v[i]);
}

static int split(char *line, char **cells, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line;; ) {
        if (n == max) return -1;
        cells[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

static int read_history(const char *path, history *h)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "r");
    if (!f) return cli_fail("plot", "cannot open %s", path);
    char line[8192];
    char *cells[MAX_COLS + 1];
    int rc = CLI_OK;
    if (!fgets(line, sizeof line, f)) { fclose(f); return cli_fail("plot", "%s is empty; a header row is needed", path); }
    int n = split(line, cells, MAX_COLS + 1);
    if (n < 2 || n > MAX_COLS || strcmp(cells[0], "epoch")) {
        fclose(f);
        return cli_fail("plot", "%s: line 1 must be a header 'epoch,<metric>,...' (brain train --history writes one)", path);
    }
    h->n_cols = n;
    for (int i = 0; i < n; i++) snprintf(h->names[i], sizeof h->names[i], "%s", cells[i]);
    int cap = 0;
    for (int ln = 2; fgets(line, sizeof line, f); ln++) {
        if (line[0] == '\n' || line[0] == '\r') continue;
        int k = split(line, cells, MAX_COLS + 1);
        if (k != n) { rc = cli_fail("plot", "%s: line %d has %d fields, the header has %d", path, ln, k, n); break; }
        if (h->n_rows == MAX_ROWS) { rc = cli_fail("plot", "%s: more than %d epochs", path, MAX_ROWS); break; }
        if (h->n_rows == cap) {
            cap = cap ? cap * 2 : 64;
            for (int i = 0; i < n; i++) {
                double *q = realloc(h->v[i], (size_t)cap * sizeof(double));
                if (!q) { history_free(h); fclose(f); return cli_fail("plot", "out of memory"); }
                h->v[i] = q;
            }
        }
        for (int i = 0; i < n; i++) {
            char *end;
            double x = strtod(cells[i], &end);
            if (!strcmp(cells[i], "NA") || !strcmp(cells[i], "") ) x = NAN;
            else if (*end || end == cells[i]) {
                rc = cli_fail("plot", "%s: line %d, column '%s': \"%s\" is not a number", path, ln, h->names[i], cells[i]);
                break;
            }
            h->v[i][h->n_rows] = x;
        }
        if (rc) break;
        h->n_rows++;
    }
    fclose(f);
    if (!rc && !h->n_rows) rc = cli_fail("plot", "%s has a header but no epochs", path);
    if (rc) history_free(h);
    return rc;
}

static double nice_step(double range)
{
    double raw = range / 5, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * mag;
}

static void text(cairo_t *cr, double x, double y, const char *s, double ax, double ay)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - ax * e.width - e.x_bearing, y - ay * e.height - e.y_bearing);
    cairo_show_text(cr, s);
}

static void panel(cairo_t *cr, const history *h, const char *title, int train, int val, double x0, double y0, double w,
                  double hgt)
{
    const double L = 64, R = 16, T = 34, B = 44;
    double px = x0 + L, py = y0 + T, pw = w - L - R, ph = hgt - T - B;
    if (pw < 20 || ph < 20) return;
    double lo = INFINITY, hi = -INFINITY;
    int cols[2] = { train, val };
    for (int c = 0; c < 2; c++)
        for (int i = 0; cols[c] >= 0 && i < h->n_rows; i++) {
            double v = h->v[cols[c]][i];
            if (isfinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
        }
    if (!isfinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
    double margin = 0.05 * (hi - lo);                /* matplotlib's 5% margins */
    lo -= margin;
    hi += margin;
    double step = nice_step(hi - lo);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;
    double e0 = 1, e1 = h->n_rows > 1 ? h->n_rows : 2;
#define SX(e) (px + ((e) - e0) / (e1 - e0) * pw)
#define SY(v) (py + ph - ((v) - lo) / (hi - lo) * ph)
    /* frame, grid, ticks */
    cairo_set_font_size(cr, 11);
    char lab[32];
    for (double v = lo; v <= hi + step / 2; v += step) {
        cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
        cairo_move_to(cr, px, SY(v));
        cairo_line_to(cr, px + pw, SY(v));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        snprintf(lab, sizeof lab, "%g", fabs(v) < step / 1e6 ? 0.0 : v);
        text(cr, px - 6, SY(v), lab, 1, 0.5);
    }
    double estep = h->n_rows <= 10 ? 1 : nice_step(e1 - e0);
    if (estep < 1) estep = 1;
    for (double e = e0; e <= e1 + 1e-9; e += estep) {
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_move_to(cr, SX(e), py + ph);
        cairo_line_to(cr, SX(e), py + ph + 4);
        cairo_stroke(cr);
        snprintf(lab, sizeof lab, "%g", e);
        text(cr, SX(e), py + ph + 8, lab, 0.5, 0);
        if (e == e0 && estep > 1) e = 0;       /* then 1·step, 2·step, ... */
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_rectangle(cr, px, py, pw, ph);
    cairo_stroke(cr);
    text(cr, px + pw / 2, py + ph + 26, "epoch", 0.5, 0);
    cairo_set_font_size(cr, 14);
    text(cr, px + pw / 2, y0 + 10, title, 0.5, 0);
    /* curves: train blue, validation orange (matplotlib's first two colours) */
    static const double rgb[2][3] = { { 0.12, 0.47, 0.71 }, { 1.0, 0.50, 0.05 } };
    for (int c = 0; c < 2; c++) {
        if (cols[c] < 0) continue;
        cairo_set_source_rgb(cr, rgb[c][0], rgb[c][1], rgb[c][2]);
        cairo_set_line_width(cr, 2);
        bool pen = false;
        for (int i = 0; i < h->n_rows; i++) {
            double v = h->v[cols[c]][i];
            if (!isfinite(v)) { pen = false; continue; }
            if (pen) cairo_line_to(cr, SX(i + 1.0), SY(v));
            else cairo_move_to(cr, SX(i + 1.0), SY(v));
            pen = true;
        }
        cairo_stroke(cr);
        for (int i = 0; i < h->n_rows; i++) {       /* a point with no finite neighbour: a dot */
            const double *v = h->v[cols[c]];
            if (!isfinite(v[i]) || (i > 0 && isfinite(v[i - 1])) || (i + 1 < h->n_rows && isfinite(v[i + 1]))) continue;
            cairo_arc(cr, SX(i + 1.0), SY(v[i]), 3, 0, 6.283185307179586);
            cairo_fill(cr);
        }
        cairo_set_line_width(cr, 1);
    }
    /* legend, right: at the top unless the curves end in the upper half (then at the bottom) */
    cairo_set_font_size(cr, 11);
    int n_leg = (train >= 0) + (val >= 0);
    double upper = 0;
    int n_end = 0;
    for (int c = 0; c < 2; c++)
        for (int i = h->n_rows - h->n_rows / 3 - 1; cols[c] >= 0 && i < h->n_rows; i++)
            if (i >= 0 && isfinite(h->v[cols[c]][i])) { upper += (h->v[cols[c]][i] - lo) / (hi - lo); n_end++; }
    double lx = px + pw - 118, ly = n_end && upper / n_end > 0.5 ? py + ph - 16 - 16 * n_leg : py + 8;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, lx, ly, 110, 8 + 16 * n_leg);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
    cairo_stroke(cr);
    static const char *names[2] = { "training", "validation" };
    for (int c = 0, row = 0; c < 2; c++) {
        if (cols[c] < 0) continue;
        cairo_set_source_rgb(cr, rgb[c][0], rgb[c][1], rgb[c][2]);
        cairo_set_line_width(cr, 2);
        cairo_move_to(cr, lx + 8, ly + 12 + 16 * row);
        cairo_line_to(cr, lx + 30, ly + 12 + 16 * row);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 1);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text(cr, lx + 36, ly + 12 + 16 * row, names[c], 0, 0.5);
        row++;
    }
#undef SX
#undef SY
}

static int draw(const history *h, const char *out, bool svg, int width, int height)
{
    int train[MAX_COLS], val[MAX_COLS], n = 0;
    const char *title[MAX_COLS];
    for (int i = 1; i < h->n_cols; i++) {
        if (!strncmp(h->names[i], "val_", 4)) continue;
        train[n] = i;
        val[n] = -1;
        title[n] = h->names[i];
        for (int j = 1; j < h->n_cols; j++)
            if (!strncmp(h->names[j], "val_", 4) && !strcmp(h->names[j] + 4, h->names[i])) val[n] = j;
        n++;
    }
    for (int j = 1; j < h->n_cols; j++) {         /* a val_ column without its training twin */
        if (strncmp(h->names[j], "val_", 4)) continue;
        bool twin = false;
        for (int k = 0; k < n; k++) twin = twin || val[k] == j;
        if (!twin) { train[n] = -1; val[n] = j; title[n] = h->names[j] + 4; n++; }
    }
    if (!n) return cli_fail("plot", "the log has no metric columns");
    int cols = n == 1 ? 1 : 2, rows = (n + cols - 1) / cols;
    cairo_surface_t *s = svg ? cairo_svg_surface_create(out, width, height)
                             : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    if (svg) cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_line_width(cr, 1);
    double pw = (double)width / cols, ph = (double)height / rows;
    for (int k = 0; k < n; k++) panel(cr, h, title[k], train[k], val[k], (k % cols) * pw, (k / cols) * ph, pw, ph);
    cairo_destroy(cr);
    cairo_status_t st = svg ? CAIRO_STATUS_SUCCESS : cairo_surface_write_to_png(s, out);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    cairo_debug_reset_static_data();    /* cairo's and fontconfig's caches, for leak checkers */
#ifdef BRAIN_CLI_HAVE_FONTCONFIG
    FcFini();
#endif
    if (st != CAIRO_STATUS_SUCCESS) return cli_fail("plot", "cannot write %s: %s", out, cairo_status_to_string(st));
    return CLI_OK;
}
#endif

int cli_plot(int argc, char **argv)
{
    const char *out = NULL;
    int width = 0, height = 0;
    cli_opt opts[] = {
        { "--output", "-o", CLI_STRING, &out, "OUT", "OUT.png or OUT.svg (required)" },
        { "--width", NULL, CLI_INT, &width, "PX", "picture width in pixels (default 900, or 500 for one metric)", .imin = 100, .imax = 10000 },
        { "--height", NULL, CLI_INT, &height, "PX", "picture height in pixels (default 360 per row of panels)", .imin = 100, .imax = 10000 },
        { 0 },
    };
    const char *pos[1];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 1, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 1) return cli_usage("plot", "needs a HISTORY.csv file");
    if (!out) return cli_usage("plot", "needs -o OUT.png or -o OUT.svg");
    bool svg = cli_ends_with(out, ".svg");
    if (!svg && !cli_ends_with(out, ".png")) return cli_usage("plot", "--output: \"%s\" must end in .png or .svg", out);
#ifndef BRAIN_CLI_HAVE_CAIRO
    (void)width; (void)height; (void)svg;
    return cli_fail("plot", "this brain was built without cairo, so plot is not available (install libcairo2-dev and rebuild)");
#else
    history h;
    if ((rc = read_history(pos[0], &h))) return rc;
    int metrics = 0;                    /* panels: each metric, and each val_ column without one */
    for (int i = 1; i < h.n_cols; i++) {
        bool twin = false;
        for (int j = 1; j < h.n_cols && !strncmp(h.names[i], "val_", 4); j++) twin = twin || !strcmp(h.names[j], h.names[i] + 4);
        metrics += strncmp(h.names[i], "val_", 4) != 0 || !twin;
    }
    if (!width) width = metrics <= 1 ? 500 : 900;
    if (!height) height = 360 * ((metrics + 1) / 2 > 0 ? (metrics <= 1 ? 1 : (metrics + 1) / 2) : 1);
    if (height > 10000) height = 10000;
    rc = draw(&h, out, svg, width, height);
    if (!rc) fprintf(stderr, "Wrote %s (%d x %d)\n", out, width, height);
    history_free(&h);
    return rc;
#endif
}
