/* dataset_dir.c — Keras's image_dataset_from_directory and text_dataset_from_directory.
 *
 * Indexing (keras/src/utils/dataset_utils.py index_directory): the class names are the
 * subfolders of `dir`, sorted (or opt->class_names in the given order); each class folder is
 * walked recursively, folders in sorted order and files sorted within one, keeping names that
 * end (any case) in .png/.jpg/.jpeg/.tif/.tiff (images) or .txt (texts); linked sub-folders only with
 * follow_links (Keras's os.walk does not follow them by default).  With shuffle, the file list and
 * the labels are shuffled with NumPy's RandomState(seed) as Keras does, so that validation_split
 * picks the same files: training = all but the last int(split · n), validation = those.
 * Every epoch then reads the files in a new order drawn from (seed, epoch) (Keras uses a
 * tf.data shuffle buffer of 8 batches there; this is a full shuffle).
 *
 * Images are decoded when a batch needs them — PNG with libpng's simplified API, JPEG with
 * libjpeg-turbo's TurboJPEG, TIFF with libtiff's RGBA reader (the format is read from the
 * file's first bytes, not its name) —
 * to the colour mode's channels, then resized to image_size with bilinear interpolation on
 * half-pixel centres (tf.image.resize's default, no antialiasing): for output pixel o,
 * the source coordinate is s = (o + ½)·in/out − ½, its neighbours max(⌊s⌋, 0) and
 * min(⌈s⌉, in − 1), weighted by s − ⌊s⌋.  x is float32 in 0..255 (batch, height, width, channels).
 * A file that does not decode is an error naming it; with skip_bad_files it is left out of its
 * batch (which is then shorter) and a warning names it once. */
#define _DEFAULT_SOURCE
#include "dataset.h"
#include "data_internal.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#ifdef BRAIN_HAVE_PNG
#include <png.h>
#endif
#ifdef BRAIN_HAVE_JPEG
#include <turbojpeg.h>
#endif
#ifdef BRAIN_HAVE_TIFF
#include <tiffio.h>
#endif

typedef struct file_ent { char *root, *name; int label; } file_ent;
typedef struct file_list { file_ent *v; int64_t n, cap; } file_list;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static int cmp_ent(const void *a, const void *b)
{
    const file_ent *x = a, *y = b;
    int c = strcmp(x->root, y->root);
    return c ? c : strcmp(x->name, y->name);
}

static bool has_ext(const char *name, bool images)
{
    size_t n = strlen(name);
    static const char *img[] = { ".png", ".jpg", ".jpeg", ".tif", ".tiff" };
    if (!images) return n >= 4 && !strcasecmp(name + n - 4, ".txt");
    for (int i = 0; i < 5; i++) { size_t e = strlen(img[i]); if (n >= e && !strcasecmp(name + n - e, img[i])) return true; }
    return false;
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = brain__alloc(na + nb + 2);
    if (p) { memcpy(p, a, na); p[na] = '/'; memcpy(p + na + 1, b, nb + 1); }
    return p;
}

static bool is_dir(const char *path) { struct stat st; return !stat(path, &st) && S_ISDIR(st.st_mode); }

/* a folder to walk into: with follow_links any folder, else only one that is not a link */
static bool walk_into(const char *path, bool follow)
{
    struct stat st;
    return follow ? is_dir(path) : !lstat(path, &st) && S_ISDIR(st.st_mode);
}

static brain_status walk(const char *root, int label, bool images, bool follow, file_list *out, int depth)
{
    if (depth > 64) return brain__fail(BRAIN_ERR_IO, "'%s': folders nested too deep (a link loop?)", root);
    DIR *d = opendir(root);
    if (!d) return brain__fail(BRAIN_ERR_IO, "cannot open folder '%s': %s", root, strerror(errno));
    brain_status s = BRAIN_OK;
    struct dirent *e;
    while (!s && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2]))) continue;
        char *full = join(root, e->d_name);
        if (!full) { s = BRAIN_ERR_NOMEM; break; }
        if (walk_into(full, follow)) { s = walk(full, label, images, follow, out, depth + 1); free(full); continue; }
        if (is_dir(full)) { free(full); continue; }           /* a linked folder, not followed */
        free(full);
        if (!has_ext(e->d_name, images)) continue;
        if (out->n == out->cap) {
            int64_t nc = out->cap ? 2 * out->cap : 256;
            file_ent *v = realloc(out->v, sizeof *v * (size_t)nc);
            if (!v) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory listing '%s'", root); break; }
            out->v = v; out->cap = nc;
        }
        file_ent *f = &out->v[out->n];
        f->root = brain__strdup(root); f->name = brain__strdup(e->d_name); f->label = label;
        if (!f->root || !f->name) { free(f->root); free(f->name); s = BRAIN_ERR_NOMEM; break; }
        out->n++;
    }
    closedir(d);
    return s;
}

typedef struct dir_ds {
    brain_dataset base;
    bool images;
    brain_directory_options o;
    int channels, height, width;
    char **paths; float *labels; int64_t n;     /* this subset's files and class ids */
    int64_t *perm;
    uint64_t seed;
    atomic_bool *warned;
} dir_ds;

static void free_list(file_list *l)
{
    for (int64_t i = 0; i < l->n; i++) { free(l->v[i].root); free(l->v[i].name); }
    free(l->v);
}

/* ------------------------------------------------------------------ decoding */
#ifdef BRAIN_HAVE_PNG
static brain_status decode_png(const char *path, int channels, uint8_t **px, int *w, int *h)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt or truncated PNG image: %s", path, im.message);
    im.format = channels == 1 ? PNG_FORMAT_GRAY : channels == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_RGBA;
    *px = malloc(PNG_IMAGE_SIZE(im));
    if (!*px) { png_image_free(&im); return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory decoding", path); }
    if (!png_image_finish_read(&im, NULL, *px, 0, NULL)) {
        free(*px); *px = NULL;
        return brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt or truncated PNG image: %s", path, im.message);
    }
    *w = (int)im.width; *h = (int)im.height;
    return BRAIN_OK;
}
#endif

#ifdef BRAIN_HAVE_JPEG
static brain_status decode_jpeg(const char *path, const uint8_t *buf, size_t len, int channels, uint8_t **px, int *w, int *h)
{
    tjhandle t = tjInitDecompress();
    if (!t) return brain__fail(BRAIN_ERR_NOMEM, "%s: cannot start the JPEG decoder", path);
    int ss, cs;
    brain_status s = BRAIN_OK;
    if (tjDecompressHeader3(t, buf, (unsigned long)len, w, h, &ss, &cs)) {
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt JPEG image: %s", path, tjGetErrorStr2(t));
    } else if (!(*px = malloc((size_t)*w * (size_t)*h * (size_t)channels))) {
        s = brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory decoding", path);
    } else {
        int pf = channels == 1 ? TJPF_GRAY : channels == 3 ? TJPF_RGB : TJPF_RGBA;
        /* a warning (a truncated stream: "premature end of JPEG file") fails too: the image is incomplete */
        if (tjDecompress2(t, buf, (unsigned long)len, *px, *w, 0, *h, pf, 0)) {
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt or truncated JPEG image: %s", path, tjGetErrorStr2(t));
            free(*px); *px = NULL;
        }
    }
    tjDestroy(t);
    return s;
}
#endif

#ifdef BRAIN_HAVE_TIFF
static _Thread_local char tiff_msg[256];
static void tiff_error(const char *module, const char *fmt, va_list ap)
{
    (void)module;
    vsnprintf(tiff_msg, sizeof tiff_msg, fmt, ap);
}

/* libtiff's RGBA reader (any bit depth, photometric and compression it knows), then the colour
 * mode: grey = (R + G + B) / 3 rounded (what libpng does for an sRGB PNG is close to this; a
 * TIFF carries no colour profile here), RGB drops alpha */
static brain_status decode_tiff(const char *path, int channels, uint8_t **px, int *w, int *h)
{
    TIFFSetErrorHandler(tiff_error);
    TIFFSetWarningHandler(NULL);
    tiff_msg[0] = 0;
    TIFF *t = TIFFOpen(path, "r");
    if (!t) return brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt or truncated TIFF image: %s", path, tiff_msg);
    uint32_t tw = 0, th = 0;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th);
    uint32_t *rgba = tw && th && (uint64_t)tw * th < ((uint64_t)1 << 28) ? malloc(sizeof(uint32_t) * tw * th) : NULL;
    brain_status s = BRAIN_OK;
    if (!rgba) s = brain__fail(BRAIN_ERR_FORMAT, "%s: TIFF image of %u × %u pixels cannot be read", path, tw, th);
    else if (!TIFFReadRGBAImageOriented(t, tw, th, rgba, ORIENTATION_TOPLEFT, 1))
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: corrupt or truncated TIFF image: %s", path, tiff_msg);
    else if (!(*px = malloc((size_t)tw * th * (size_t)channels))) s = brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory", path);
    else
        for (size_t i = 0; i < (size_t)tw * th; i++) {
            const uint32_t v = rgba[i];
            const uint8_t rgbx[4] = { (uint8_t)TIFFGetR(v), (uint8_t)TIFFGetG(v), (uint8_t)TIFFGetB(v), (uint8_t)TIFFGetA(v) };
            if (channels == 1) (*px)[i] = (uint8_t)((rgbx[0] + rgbx[1] + rgbx[2] + 1) / 3);
            else memcpy(*px + i * (size_t)channels, rgbx, (size_t)channels);
        }
    free(rgba);
    TIFFClose(t);
    *w = (int)tw; *h = (int)th;
    return s;
}
#endif

/* 8-bit pixels to the source image, then resize into dst (height × width × channels) */
static brain_status load_image(const dir_ds *d, const char *path, float *dst)
{
    uint8_t *buf = NULL, *px = NULL;
    size_t len = 0;
    int w = 0, h = 0;
    const int c = d->channels;
    brain_status s = brain__read_file(path, (size_t)1 << 30, &buf, &len);
    if (s) return s;
    static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    if (len >= 8 && !memcmp(buf, png_sig, 8)) {
#ifdef BRAIN_HAVE_PNG
        s = decode_png(path, c, &px, &w, &h);
#else
        s = brain__fail(BRAIN_ERR_STATE, "%s: this build of brain cannot read PNG (install libpng-dev and rebuild)", path);
#endif
    } else if (len >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF) {
#ifdef BRAIN_HAVE_JPEG
        s = decode_jpeg(path, buf, len, c, &px, &w, &h);
#else
        s = brain__fail(BRAIN_ERR_STATE, "%s: this build of brain cannot read JPEG (install libturbojpeg0-dev and rebuild)", path);
#endif
    } else if (len >= 4 && ((buf[0] == 'I' && buf[1] == 'I' && buf[2] == 42 && buf[3] == 0) ||
                            (buf[0] == 'M' && buf[1] == 'M' && buf[2] == 0 && buf[3] == 42))) {
#ifdef BRAIN_HAVE_TIFF
        s = decode_tiff(path, c, &px, &w, &h);
#else
        s = brain__fail(BRAIN_ERR_STATE, "%s: this build of brain cannot read TIFF (install libtiff-dev and rebuild)", path);
#endif
    } else {
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: neither a PNG, a JPEG nor a TIFF image (first bytes %02x %02x %02x)", path,
                        len > 0 ? buf[0] : 0, len > 1 ? buf[1] : 0, len > 2 ? buf[2] : 0);
    }
    free(buf);
    if (s) return s;
    const int H = d->height, W = d->width;
    const float sy = (float)h / (float)H, sx = (float)w / (float)W;
    for (int oy = 0; oy < H; oy++) {
        const float iy = ((float)oy + 0.5f) * sy - 0.5f, fy = floorf(iy);
        const int y0 = fy < 0 ? 0 : (int)fy, y1 = (int)ceilf(iy) > h - 1 ? h - 1 : (int)ceilf(iy) < 0 ? 0 : (int)ceilf(iy);
        const float ly = iy - fy;
        for (int ox = 0; ox < W; ox++) {
            const float ix = ((float)ox + 0.5f) * sx - 0.5f, fx = floorf(ix);
            const int x0 = fx < 0 ? 0 : (int)fx, x1 = (int)ceilf(ix) > w - 1 ? w - 1 : (int)ceilf(ix) < 0 ? 0 : (int)ceilf(ix);
            const float lx = ix - fx;
            for (int k = 0; k < c; k++) {
                const float tl = px[((size_t)y0 * w + x0) * c + k], tr = px[((size_t)y0 * w + x1) * c + k];
                const float bl = px[((size_t)y1 * w + x0) * c + k], br = px[((size_t)y1 * w + x1) * c + k];
                const float top = tl + (tr - tl) * lx, bottom = bl + (br - bl) * lx;
                dst[((size_t)oy * W + ox) * c + k] = top + (bottom - top) * ly;
            }
        }
    }
    free(px);
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ batches */
static brain_status set_labels(const dir_ds *d, brain_batch *out, const float *ids, int64_t n)
{
    if (d->o.label_mode == BRAIN_LABELS_NONE) { out->n_y = 0; return BRAIN_OK; }
    const int nc = d->base.n_classes;
    float *y = d->o.label_mode == BRAIN_LABELS_CATEGORICAL ? brain_batch_y(out, 0, 2, (int64_t[]){ n, nc })
             : d->o.label_mode == BRAIN_LABELS_BINARY ? brain_batch_y(out, 0, 2, (int64_t[]){ n, 1 })
                                                      : brain_batch_y(out, 0, 1, (int64_t[]){ n });
    if (!y) return BRAIN_ERR_NOMEM;
    for (int64_t r = 0; r < n; r++) {
        if (d->o.label_mode == BRAIN_LABELS_CATEGORICAL) {
            memset(y + r * nc, 0, sizeof(float) * (size_t)nc);
            y[r * nc + (int)ids[r]] = 1;
        } else y[r] = ids[r];
    }
    return BRAIN_OK;
}

static brain_status dir_get(brain_dataset *ds, int64_t i, brain_batch *out)
{
    dir_ds *d = (dir_ds *)ds;
    const int64_t bs = ds->batch_size, b0 = i * bs, nb = d->n - b0 < bs ? d->n - b0 : bs;
    float ids[4096], *idp = nb <= 4096 ? ids : malloc(sizeof(float) * (size_t)nb);
    if (!idp) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for labels");
    brain_status s = BRAIN_OK;
    int64_t kept = 0;
    if (d->images) {
        const int64_t rs = (int64_t)d->height * d->width * d->channels;
        float *x = brain_batch_x(out, 0, 4, (int64_t[]){ nb, d->height, d->width, d->channels });
        if (!x) s = BRAIN_ERR_NOMEM;
        for (int64_t r = 0; !s && r < nb; r++) {
            const int64_t f = d->perm ? d->perm[b0 + r] : b0 + r;
            s = load_image(d, d->paths[f], x + kept * rs);
            if (s && d->o.skip_bad_files && s != BRAIN_ERR_NOMEM) {
                if (!atomic_exchange(&d->warned[f], true)) brain__print("Warning: skipping %s\n", brain_last_error());
                s = BRAIN_OK;
                continue;
            }
            idp[kept++] = d->labels[f];
        }
        if (!s) { out->x[0].shape[0] = kept; out->x[0].size = kept * rs; out->rows = kept; }
    } else {
        const char *texts[256]; size_t lens[256];
        uint8_t *bufs[256];
        const char **tp = nb <= 256 ? texts : malloc(sizeof *tp * (size_t)nb);
        size_t *lp = nb <= 256 ? lens : malloc(sizeof *lp * (size_t)nb);
        uint8_t **bp = nb <= 256 ? bufs : calloc((size_t)nb, sizeof *bp);
        if (!tp || !lp || !bp) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory for texts");
        for (int64_t r = 0; !s && r < nb; r++) {
            const int64_t f = d->perm ? d->perm[b0 + r] : b0 + r;
            size_t n;
            if ((s = brain__read_file(d->paths[f], (size_t)1 << 30, &bp[kept], &n))) {
                if (d->o.skip_bad_files && s != BRAIN_ERR_NOMEM) {
                    if (!atomic_exchange(&d->warned[f], true)) brain__print("Warning: skipping %s\n", brain_last_error());
                    s = BRAIN_OK;
                }
                continue;
            }
            tp[kept] = (const char *)bp[kept]; lp[kept] = d->o.max_length > 0 && (int64_t)n > d->o.max_length ? (size_t)d->o.max_length : n;
            idp[kept] = d->labels[f];
            kept++;
        }
        if (!s) s = brain__batch_set_texts(out, tp, lp, kept);
        for (int64_t r = 0; bp && r < kept; r++) free(bp[r]);
        if (tp != texts) free((void *)tp);
        if (lp != lens) free(lp);
        if (bp != bufs) free(bp);
        out->n_x = 0;
    }
    if (!s) s = set_labels(d, out, idp, kept);
    if (!s) out->rows = kept;
    if (!s && kept == 0) s = brain__fail(BRAIN_ERR_FORMAT, "batch %lld: every file in it was skipped", (long long)i);
    if (idp != ids) free(idp);
    return s;
}

static brain_status dir_reset(brain_dataset *ds, int epoch, brain_rng *rng)
{
    dir_ds *d = (dir_ds *)ds;
    if (!d->perm) return BRAIN_OK;
    brain_rng own;
    brain_rng_seed(&own, brain__mix_seed(d->seed, (uint64_t)epoch, 4));
    brain__permutation(&own, d->perm, d->n);
    return BRAIN_OK;
}

static void dir_destroy(brain_dataset *ds)
{
    dir_ds *d = (dir_ds *)ds;
    for (int64_t i = 0; d->paths && i < d->n; i++) free(d->paths[i]);
    free(d->paths); free(d->labels); free(d->perm); free((void *)d->warned);
}

static const brain_dataset_vt image_vt = { "image directory", dir_get, dir_reset, dir_destroy };
static const brain_dataset_vt text_vt = { "text directory", dir_get, dir_reset, dir_destroy };

static brain_status from_directory(const char *fn, const char *dir, const brain_directory_options *opt, bool images,
                                   brain_dataset **out)
{
    if (out) *out = NULL;
    if (!dir || !out) return brain__fail(BRAIN_ERR_ARG, "%s: dir and out are required", fn);
    brain_directory_options o = opt ? *opt : (brain_directory_options){0};
    if (o.batch_size < 0) return brain__fail(BRAIN_ERR_ARG, "%s: batch_size must be positive, got %d", fn, o.batch_size);
    if (o.validation_split < 0 || o.validation_split >= 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: validation_split must be in [0, 1), got %g", fn, (double)o.validation_split);
    const bool want_train = o.subset && !strcmp(o.subset, "training"), want_val = o.subset && !strcmp(o.subset, "validation");
    if (o.subset && !want_train && !want_val)
        return brain__fail(BRAIN_ERR_ARG, "%s: subset must be \"training\" or \"validation\", got \"%s\"", fn, o.subset);
    if ((o.validation_split > 0) != (o.subset != NULL))
        return brain__fail(BRAIN_ERR_ARG, "%s: validation_split and subset go together (Keras): give both or neither", fn);
    if (o.validation_split > 0 && o.shuffle != BRAIN_OFF && !o.has_seed)
        return brain__fail(BRAIN_ERR_ARG, "%s: with validation_split and shuffle, give a seed so that the training and "
                           "validation subsets do not overlap (as Keras asks)", fn);
    if (images && (o.image_size[0] < 0 || o.image_size[1] < 0))
        return brain__fail(BRAIN_ERR_ARG, "%s: image_size must be positive", fn);
    if (!is_dir(dir)) return brain__fail(BRAIN_ERR_IO, "%s: '%s' is not a folder (%s)", fn, dir, strerror(errno ? errno : ENOTDIR));

    /* class folders */
    char **classes = NULL;
    int nc = 0;
    brain_status s = BRAIN_OK;
    file_list files = {0};
    if (o.class_names) {
        while (o.class_names[nc]) nc++;
        classes = brain__alloc_array((size_t)nc + 1, sizeof *classes);
        for (int k = 0; classes && k < nc; k++) classes[k] = brain__strdup(o.class_names[k]);
    } else {
        DIR *d = opendir(dir);
        struct dirent *e;
        int cap = 0;
        if (!d) return brain__fail(BRAIN_ERR_IO, "%s: cannot open '%s': %s", fn, dir, strerror(errno));
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char *full = join(dir, e->d_name);
            bool sub = full && is_dir(full);
            free(full);
            if (!sub) continue;
            if (nc == cap) { cap = cap ? 2 * cap : 16; char **p = realloc(classes, sizeof *p * (size_t)cap); if (!p) break; classes = p; }
            classes[nc++] = brain__strdup(e->d_name);
        }
        closedir(d);
        if (classes) qsort(classes, (size_t)nc, sizeof *classes, cmp_str);
    }
    if (!classes && nc) return BRAIN_ERR_NOMEM;
    if (nc == 0) s = brain__fail(BRAIN_ERR_ARG, "%s: '%s' has no class subfolders (expected %s/<class>/...)", fn, dir, dir);
    if (!s && o.label_mode == BRAIN_LABELS_BINARY && nc != 2)
        s = brain__fail(BRAIN_ERR_ARG, "%s: label_mode binary needs exactly 2 classes; '%s' has %d", fn, dir, nc);
    for (int k = 0; !s && k < nc; k++) {
        char *cdir = join(dir, classes[k]);
        if (!cdir) { s = BRAIN_ERR_NOMEM; break; }
        int64_t before = files.n;
        if (!is_dir(cdir)) s = brain__fail(BRAIN_ERR_IO, "%s: the class folder '%s' does not exist", fn, cdir);
        else s = walk(cdir, k, images, o.follow_links, &files, 0);
        if (!s && files.n == before)
            s = brain__fail(BRAIN_ERR_ARG, "%s: the class folder '%s' holds no %s; remove it or add some", fn, cdir,
                            images ? "images (.png, .jpg, .jpeg, .tif, .tiff)" : "texts (.txt)");
        if (!s) qsort(files.v + before, (size_t)(files.n - before), sizeof *files.v, cmp_ent);
        free(cdir);
    }
    const uint64_t seed = o.has_seed ? o.seed : brain__next_seed() % 1000000;
    int64_t *order = NULL;
    if (!s && !(order = brain__alloc_array((size_t)files.n, sizeof *order))) s = BRAIN_ERR_NOMEM;
    if (!s) {
        for (int64_t i = 0; i < files.n; i++) order[i] = i;
        if (o.shuffle != BRAIN_OFF) {   /* rng.shuffle(file_paths) and, from the same seed, the labels: one order */
            brain__np_rng r;
            brain__np_seed(&r, (uint32_t)seed);
            brain__np_shuffle(&r, order, files.n);
        }
    }
    int64_t begin = 0, end = files.n;
    if (!s && o.validation_split > 0) {
        int64_t n_val = (int64_t)(brain__float_option(o.validation_split) * (double)files.n);
        if (want_train) end = files.n - n_val; else begin = files.n - n_val;
        if (end - begin <= 0)
            s = brain__fail(BRAIN_ERR_ARG, "%s: validation_split %g of %lld files leaves the %s subset empty", fn,
                            (double)o.validation_split, (long long)files.n, o.subset);
    }
    dir_ds *d = NULL;
    if (!s && !(d = (dir_ds *)brain__dataset_new(images ? &image_vt : &text_vt, sizeof *d, NULL))) s = BRAIN_ERR_NOMEM;
    if (!s) {
        d->images = images;
        d->o = o;
        d->n = end - begin;
        d->channels = o.color_mode == BRAIN_COLOR_GRAYSCALE ? 1 : o.color_mode == BRAIN_COLOR_RGBA ? 4 : 3;
        d->height = o.image_size[0] ? o.image_size[0] : 256;
        d->width = o.image_size[1] ? o.image_size[1] : 256;
        d->base.batch_size = o.batch_size ? o.batch_size : 32;
        d->base.num_rows = d->n;
        d->base.num_batches = (d->n + d->base.batch_size - 1) / d->base.batch_size;
        d->base.class_names = classes; d->base.n_classes = nc;
        classes = NULL;
        d->seed = seed;
        d->paths = brain__alloc_array((size_t)d->n, sizeof *d->paths);
        d->labels = brain__alloc_array((size_t)d->n, sizeof *d->labels);
        d->warned = brain__alloc_array((size_t)d->n, sizeof *d->warned);
        if (o.shuffle != BRAIN_OFF) d->perm = brain__alloc_array((size_t)d->n, sizeof *d->perm);
        if (!d->paths || !d->labels || !d->warned || (o.shuffle != BRAIN_OFF && !d->perm)) s = BRAIN_ERR_NOMEM;
        for (int64_t i = 0; !s && i < d->n; i++) {
            const file_ent *f = &files.v[order[begin + i]];
            if (!(d->paths[i] = join(f->root, f->name))) s = BRAIN_ERR_NOMEM;
            d->labels[i] = (float)f->label;
        }
        if (!s) {
            d->base.file_paths = (const char *const *)d->paths;
            d->base.n_files = d->n;
            dir_reset(&d->base, 0, NULL);
        }
    }
    for (int k = 0; classes && k < nc; k++) free(classes[k]);
    free(classes);
    free(order);
    free_list(&files);
    if (s) { if (d) brain_dataset_free(&d->base); return s; }
    *out = &d->base;
    return BRAIN_OK;
}

brain_status brain_image_dataset_from_directory(const char *dir, const brain_directory_options *opt, brain_dataset **out)
{
    return from_directory("brain_image_dataset_from_directory", dir, opt, true, out);
}

brain_status brain_text_dataset_from_directory(const char *dir, const brain_directory_options *opt, brain_dataset **out)
{
    return from_directory("brain_text_dataset_from_directory", dir, opt, false, out);
}
