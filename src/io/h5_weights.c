/* h5_weights.c — model.weights.h5 in Keras 3's layout (keras-spec §1.5), in memory.
 *
 *   /vars                        attr name = model name (empty)
 *   /layers/<g>/vars/<i>         layer weights with path "", i = 0, 1, ... in Keras order
 *   /layers/<g>/<path>/vars/<i>  weights nested under a sub-object ("cell", "forward_layer/cell")
 *   /optimizer/vars/0            iteration (int64 scalar)
 *   /optimizer/vars/1            learning_rate (float32 scalar)
 *   /optimizer/vars/2...         slots per trainable variable, in Keras's order (see slot_order)
 * <g> is snake_case(class) with a per-container counter (dense, dense_1, ...) in model.layers
 * order — not the layer's name.
 *
 * The file is built with HDF5's core (memory) driver and handed over as an image, so the .keras
 * writer can put it into the zip and the loader can read it straight from the zip.  Before
 * HDF5 reads a dataset the loader checks that it is a hard link, stored in the file (no
 * external or virtual storage), of floating-point class and of exactly the shape the layer
 * declared; HDF5's own error printing is switched off and failures become brain_last_error
 * messages that name the file, the layer and the weight. */
#include "io/io.h"
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

void brain__h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* The innermost HDF5 error message, to append to ours. */
static herr_t last_msg(unsigned n, const H5E_error2_t *e, void *data)
{
    if (e->desc) snprintf((char *)data, 200, "%s", e->desc);
    return 0;
}
const char *brain__h5_why(char buf[200])
{
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, last_msg, buf);
    return buf[0] ? buf : "HDF5 error";
}

/* ------------------------------------------------------------------ names */
/* Keras's per-container names: snake_case(class), then _1, _2 ... for repeats */
static void group_names(const brain_model *m, char (*names)[BRAIN_NAME_MAX + 8])
{
    for (int i = 0; i < m->n_layers; i++) {
        const char *base = m->layers[i]->vt->snake_name;
        for (int k = 0;; k++) {
            if (k == 0) snprintf(names[i], BRAIN_NAME_MAX + 8, "%s", base);
            else snprintf(names[i], BRAIN_NAME_MAX + 8, "%s_%d", base, k);
            bool used = false;
            for (int j = 0; j < i && !used; j++) used = !strcmp(names[j], names[i]);
            if (!used) break;
        }
    }
}

/* Index of weight `w` among the layer's weights with the same path */
static int var_index(const brain_layer *l, int j)
{
    int idx = 0;
    for (int k = 0; k < j; k++) idx += !strcmp(l->weights[k]->path, l->weights[j]->path);
    return idx;
}

/* ------------------------------------------------------------------ writing */
static hid_t make_groups(hid_t file, const char *path)
{
    /* creates every missing group along `path` ("layers/dense/vars") */
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (H5Lexists(file, buf, H5P_DEFAULT) <= 0) {
                hid_t g = H5Gcreate2(file, buf, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
                if (g < 0) return -1;
                H5Gclose(g);
            }
            *p = c;
            if (!c) break;
        }
    }
    return H5Gopen2(file, buf, H5P_DEFAULT);
}

static herr_t set_name_attr(hid_t obj, const char *value)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, "name", t, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, t, &value);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return r;
}

/* `vars` group at `path` with attribute name */
static hid_t vars_group(hid_t file, const char *path, const char *name)
{
    hid_t g = make_groups(file, path);
    if (g >= 0 && H5Aexists(g, "name") == 0 && set_name_attr(g, name) < 0) { H5Gclose(g); return -1; }
    return g;
}

static herr_t write_array(hid_t g, int index, hid_t mem_type, hid_t file_type, int ndim, const int64_t *shape, const void *data)
{
    hsize_t dims[BRAIN_MAX_DIMS];
    for (int i = 0; i < ndim; i++) dims[i] = (hsize_t)shape[i];
    hid_t sp = ndim ? H5Screate_simple(ndim, dims, NULL) : H5Screate(H5S_SCALAR);
    char name[16];
    snprintf(name, sizeof name, "%d", index);
    hid_t d = H5Dcreate2(g, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = d < 0 ? -1 : H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    if (d >= 0) H5Dclose(d);
    H5Sclose(sp);
    return r;
}

/* Keras's optimizer variable order after iteration and learning_rate (absent with a schedule):
 * groups of slots; the slots of one group are interleaved per variable, the groups follow one
 * another.  The base optimizer's groups come first (build() makes them before the subclass's):
 *   {average} (use_ema), {gradient_accumulator} (gradient_accumulation_steps), then
 *   Adam/AdamW: {m, v} then {v_hat} (amsgrad);  SGD: {momentum} (momentum != 0);
 *   RMSprop: {velocity} then {momentum} (momentum > 0) then {average_gradient} (centered);
 *   Adagrad: {accumulator};  Adadelta: {accumulated_grad, accumulated_delta_var};
 *   Adamax: {momentum, norm};  Nadam: {momentum, velocity} and one scalar u_product last;
 *   Lion: {momentum};  Ftrl: {accumulator, linear}. */
typedef struct slot_order { int n_groups; int group_size[6]; float *slot[6][2]; bool u_product; } slot_order;

static slot_order optimizer_slot_order(const brain_optimizer *o)
{
    slot_order s = {0};
#define GROUP1(a) (s.group_size[s.n_groups] = 1, s.slot[s.n_groups++][0] = (a))
#define GROUP2(a, b) (s.group_size[s.n_groups] = 2, s.slot[s.n_groups][0] = (a), s.slot[s.n_groups++][1] = (b))
    if (o->common.use_ema) GROUP1(o->ema);
    if (o->common.gradient_accumulation_steps) GROUP1(o->accum);
    switch (o->kind) {
    case BRAIN_OPT_SGD:
        if (o->momentum != 0) GROUP1(o->slot[0]);
        break;
    case BRAIN_OPT_ADAM: case BRAIN_OPT_ADAMW:
        GROUP2(o->slot[0], o->slot[1]);
        if (o->amsgrad) GROUP1(o->slot[2]);
        break;
    case BRAIN_OPT_RMSPROP:
        GROUP1(o->slot[0]);
        if (o->momentum > 0) GROUP1(o->slot[1]);
        if (o->centered) GROUP1(o->slot[2]);
        break;
    case BRAIN_OPT_ADAGRAD: case BRAIN_OPT_LION:
        GROUP1(o->slot[0]);
        break;
    case BRAIN_OPT_NADAM:
        s.u_product = true;
        /* fall through */
    case BRAIN_OPT_ADADELTA: case BRAIN_OPT_ADAMAX: case BRAIN_OPT_FTRL:
        GROUP2(o->slot[0], o->slot[1]);
        break;
    case BRAIN_OPT_ADAFACTOR: /* per weight r, c, v: written by adafactor_vars */
    case BRAIN_OPT_KIND_COUNT:
        break;
    }
#undef GROUP1
#undef GROUP2
    return s;
}

/* Adafactor's variables after the base groups: per trainable weight r, c, velocity; r and c are
 * int32 scalars 0 for a weight of rank < 2 (Keras makes them with backend.Variable(0)).  With
 * `write` the values go to group g from index *idx, else they are read from file f. */
static brain_status adafactor_vars(brain_model *m, bool write, hid_t g, hid_t f, const char *file, int *idx)
{
    brain_optimizer *o = m->optimizer;
    int64_t off = 0;
    char why[200];
    for (int k = 0; k < m->n_weights; k++) {
        brain_weight *w = m->weights[k];
        if (!w->grad) continue;
        int64_t rs[BRAIN_MAX_DIMS], cs[BRAIN_MAX_DIMS];
        float *rc[2] = { NULL, NULL };
        int rn = w->ndim - 1;
        if (w->ndim >= 2) {
            for (int d = 0; d < rn; d++) rs[d] = cs[d] = w->shape[d];
            cs[rn - 1] = w->shape[w->ndim - 1];
            const int64_t B = w->shape[w->ndim - 1], A = w->shape[w->ndim - 2];
            rc[0] = o->fac + off;
            rc[1] = rc[0] + w->size / B;
            off += w->size / B + w->size / A;
        }
        for (int q = 0; q < 3; q++) {
            char path[64], what[200];
            snprintf(path, sizeof path, "/optimizer/vars/%d", *idx);
            snprintf(what, sizeof what, "Adafactor variable %d for layer '%s' weight '%s'", q, w->layer->name, w->name);
            brain_status s = BRAIN_OK;
            if (q < 2 && w->ndim < 2) {
                int32_t zero = 0;
                if (write && write_array(g, *idx, H5T_NATIVE_INT32, H5T_STD_I32LE, 0, NULL, &zero) < 0)
                    s = brain__fail(BRAIN_ERR_IO, "cannot write %s: %s", what, brain__h5_why(why));
            } else {
                float *dst = q == 2 ? o->slot[0] + w->offset : rc[q];
                int nd = q == 2 ? w->ndim : rn;
                const int64_t *shape = q == 2 ? w->shape : q == 0 ? rs : cs;
                if (write) {
                    if (write_array(g, *idx, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, nd, shape, dst) < 0)
                        s = brain__fail(BRAIN_ERR_IO, "cannot write %s: %s", what, brain__h5_why(why));
                } else {
                    s = brain__h5_read_floats(f, path, file, what, nd, shape, dst);
                }
            }
            if (s) return s;
            (*idx)++;
        }
    }
    return BRAIN_OK;
}

static int n_trainable_vars(const brain_model *m)
{
    int n = 0;
    for (int k = 0; k < m->n_weights; k++) n += m->weights[k]->grad != NULL;
    return n;
}

/* The weights of m's layers under <prefix>/layers/<g>/..., recursing into nested models. */
static brain_status write_layers(brain_model *m, hid_t file, const char *prefix)
{
    char why[200];
    hid_t g;
    char (*names)[BRAIN_NAME_MAX + 8] = brain__alloc_array((size_t)(m->n_layers ? m->n_layers : 1), sizeof *names);
    if (!names) return BRAIN_ERR_NOMEM;
    group_names(m, names);
    brain_status s = BRAIN_OK;
    for (int i = 0; !s && i < m->n_layers; i++) {
        brain_layer *l = m->layers[i];
        char path[512];
        snprintf(path, sizeof path, "%s/layers/%s/vars", prefix, names[i]);
        if ((g = vars_group(file, path, l->name)) < 0) { s = brain__fail(BRAIN_ERR_IO, "cannot write layer '%s': %s", l->name, brain__h5_why(why)); break; }
        H5Gclose(g);
        if (l->inner) { /* a nested model: its layers under <g>/layers, as Keras writes them */
            char sub[400];
            snprintf(sub, sizeof sub, "%s/layers/%s", prefix, names[i]);
            snprintf(path, sizeof path, "%.400s/layers", sub);
            if ((g = make_groups(file, path)) >= 0) H5Gclose(g);
            s = write_layers(l->inner, file, sub);
            continue;
        }
        for (int j = 0; !s && j < l->n_weights; j++) {
            brain_weight *w = l->weights[j];
            if (w->path[0]) { /* each object along the path ("forward_layer", "forward_layer/cell") has a vars group */
                size_t len = strlen(w->path);
                for (size_t e = 1; e <= len && g >= 0; e++) {
                    if (e < len && w->path[e] != '/') continue;
                    const char *obj = w->path + e;
                    while (obj > w->path && obj[-1] != '/') obj--;
                    char sub[512], objname[BRAIN_NAME_MAX];
                    snprintf(sub, sizeof sub, "%s/layers/%s/%.*s/vars", prefix, names[i], (int)e, w->path);
                    snprintf(objname, sizeof objname, "%.*s", (int)(w->path + e - obj), obj);
                    if ((g = vars_group(file, sub, objname)) >= 0) H5Gclose(g);
                }
                if (g < 0) { s = brain__fail(BRAIN_ERR_IO, "cannot write layer '%s': %s", l->name, brain__h5_why(why)); break; }
                snprintf(path, sizeof path, "%s/layers/%s/%s/vars", prefix, names[i], w->path);
            } else snprintf(path, sizeof path, "%s/layers/%s/vars", prefix, names[i]);
            g = H5Gopen2(file, path, H5P_DEFAULT);
            int64_t iv[16]; /* an integer weight (Normalization's count) as Keras writes it */
            for (int64_t k = 0; w->integer && k < w->size && k < 16; k++) iv[k] = (int64_t)w->value[k];
            if (w->integer && w->size > 16) s = brain__fail(BRAIN_ERR_IO, "integer weight '%s' is too large", w->name);
            else if (g < 0 || (w->integer ? write_array(g, var_index(l, j), H5T_NATIVE_INT64, H5T_STD_I64LE, w->ndim, w->shape, iv)
                                          : write_array(g, var_index(l, j), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, w->ndim, w->shape, w->value)) < 0)
                s = brain__fail(BRAIN_ERR_IO, "cannot write weight '%s' of layer '%s': %s", w->name, l->name, brain__h5_why(why));
            if (g >= 0) H5Gclose(g);
        }
    }
    free(names);
    return s;
}

static brain_status write_weights(brain_model *m, hid_t file)
{
    char why[200];
    char (*names)[BRAIN_NAME_MAX + 8] = brain__alloc_array((size_t)(m->n_layers ? m->n_layers : 1), sizeof *names);
    if (!names) return BRAIN_ERR_NOMEM;
    group_names(m, names);
    brain_status s = BRAIN_OK;
    hid_t g = vars_group(file, "/vars", m->name);
    if (g < 0) s = brain__fail(BRAIN_ERR_IO, "cannot write the weights: %s", brain__h5_why(why));
    else H5Gclose(g);
    g = make_groups(file, "/layers");
    if (g >= 0) H5Gclose(g);
    if (!s) s = write_layers(m, file, "");
    free(names);
    if (s || !m->compiled || !m->optimizer) return s;

    /* optimizer: iteration, learning_rate (not with a schedule), then the slots in Keras's order */
    brain_optimizer *o = m->optimizer;
    if ((g = vars_group(file, "/optimizer/vars", o->name)) < 0) return brain__fail(BRAIN_ERR_IO, "cannot write the optimizer: %s", brain__h5_why(why));
    int64_t it = o->iterations;
    float lr = o->learning_rate;
    herr_t r = write_array(g, 0, H5T_NATIVE_INT64, H5T_STD_I64LE, 0, NULL, &it);
    int idx = 1;
    if (r >= 0 && !o->schedule) r = write_array(g, idx++, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, 0, NULL, &lr);
    if (o->n == m->n_params && o->n > 0) {
        slot_order so = optimizer_slot_order(o);
        for (int gi = 0; r >= 0 && gi < so.n_groups; gi++)
            for (int k = 0; r >= 0 && k < m->n_weights; k++) {
                brain_weight *w = m->weights[k];
                if (!w->grad) continue;
                for (int q = 0; r >= 0 && q < so.group_size[gi]; q++)
                    r = write_array(g, idx++, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, w->ndim, w->shape,
                                    so.slot[gi][q] + w->offset);
            }
        if (r >= 0 && so.u_product) r = write_array(g, idx++, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, 0, NULL, &o->u_product);
        if (r >= 0 && o->kind == BRAIN_OPT_ADAFACTOR && o->fac) {
            brain_status as = adafactor_vars(m, true, g, -1, NULL, &idx);
            if (as) { H5Gclose(g); return as; }
        }
    }
    H5Gclose(g);
    return r < 0 ? brain__fail(BRAIN_ERR_IO, "cannot write the optimizer's variables: %s", brain__h5_why(why)) : BRAIN_OK;
}

/* The name HDF5 gives an in-memory (core driver) file.  HDF5 needs a name, and on opening an
 * image the core driver first tries open(name) and refuses when that succeeds ("file already
 * exists"), so a fixed relative name ("brain_image.h5") made every load depend on the current
 * directory.  The name here lies under /dev/null, which is never a directory, so that open fails
 * at once (ENOTDIR) whatever the current directory holds, and nothing is ever created: the image
 * is written with backing_store off.  Each name is unique in the process, because HDF5 treats two
 * open core files of the same name as one file. */
void brain__h5_image_name(char *buf, size_t cap)
{
    static unsigned long counter;
    unsigned long k = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    snprintf(buf, cap, "/dev/null/brain-memory-image-%lu.h5", k);
}

static brain_status weights_to_h5_image_nolock(brain_model *m, void **image, size_t *n)
{
    *image = NULL;
    *n = 0;
    brain__h5_quiet();
    char why[200];
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0) {
        if (fapl >= 0) H5Pclose(fapl);
        return brain__fail(BRAIN_ERR_IO, "HDF5: cannot set up an in-memory file: %s", brain__h5_why(why));
    }
    char name[64];
    brain__h5_image_name(name, sizeof name);
    hid_t f = H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0) return brain__fail(BRAIN_ERR_IO, "HDF5: cannot create an in-memory file: %s", brain__h5_why(why));
    brain_status s = write_weights(m, f);
    if (!s && H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) s = brain__fail(BRAIN_ERR_IO, "HDF5: flush failed: %s", brain__h5_why(why));
    if (!s) {
        ssize_t size = H5Fget_file_image(f, NULL, 0);
        void *buf = size > 0 ? malloc((size_t)size) : NULL;
        if (!buf || H5Fget_file_image(f, buf, (size_t)size) != size) {
            free(buf);
            s = brain__fail(BRAIN_ERR_IO, "HDF5: cannot take the file image: %s", brain__h5_why(why));
        } else {
            *image = buf;
            *n = (size_t)size;
        }
    }
    H5Fclose(f);
    return s;
}

/* ------------------------------------------------------------------ reading */
/* True when every component of `path` exists as a hard link (no soft or external links). */
/* The first component of `path` that is a soft, external or user-defined link (copied into
 * `at`); false when every existing component is a hard link (or the path is missing). */
bool brain__h5_link_in_path(hid_t file, const char *path, char *at, size_t cap)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            H5L_info_t li;
            if (H5Lexists(file, buf, H5P_DEFAULT) <= 0 || H5Lget_info(file, buf, &li, H5P_DEFAULT) < 0) return false;
            if (li.type != H5L_TYPE_HARD) { snprintf(at, cap, "%s", buf); return true; }
            *p = c;
            if (!c) return false;
        }
    }
}

bool brain__h5_hard_path(hid_t file, const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            H5L_info_t li;
            if (H5Lexists(file, buf, H5P_DEFAULT) <= 0 || H5Lget_info(file, buf, &li, H5P_DEFAULT) < 0 ||
                li.type != H5L_TYPE_HARD)
                return false;
            *p = c;
            if (!c) return true;
        }
    }
}

/* Number of links in the group at `path` (0 when it does not exist). */
static hsize_t group_size(hid_t file, const char *path)
{
    if (!brain__h5_hard_path(file, path)) return 0;
    H5G_info_t gi;
    return H5Gget_info_by_name(file, path, &gi, H5P_DEFAULT) < 0 ? 0 : gi.nlinks;
}

/* Opens dataset path and checks: stored in the file, float or integer class as asked, shape. */
brain_status brain__h5_open_checked(hid_t file, const char *path, const char *file_name, const char *what, bool integer,
                                 int ndim, const int64_t *shape, hid_t *out)
{
    char why[200];
    *out = -1;
    char link[512];
    if (brain__h5_link_in_path(file, path, link, sizeof link)) /* Keras writes none: a link could reach other files */
        return brain__fail(BRAIN_ERR_FORMAT, "%s: %s: '%s' is a link (soft or external), refused for safety; the weight "
                           "must be a dataset stored at %s", file_name, what, link, path);
    if (!brain__h5_hard_path(file, path))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dataset '%s' is missing", file_name, what, path);
    hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return brain__fail(BRAIN_ERR_FORMAT, "%s: %s: '%s' is not a readable dataset (%s)", file_name, what, path, brain__h5_why(why));
    brain_status s = BRAIN_OK;
    hid_t dcpl = H5Dget_create_plist(d), t = H5Dget_type(d), sp = H5Dget_space(d);
    H5T_class_t cls = t < 0 ? H5T_NO_CLASS : H5Tget_class(t);
    if (dcpl < 0 || H5Pget_external_count(dcpl) != 0 || H5Pget_layout(dcpl) == H5D_VIRTUAL)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dataset '%s' keeps its data outside the file, which is not allowed",
                        file_name, what, path);
    else if (integer ? cls != H5T_INTEGER : (cls != H5T_FLOAT || H5Tget_size(t) > 8))
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dataset '%s' has the wrong dtype (expected %s)", file_name, what, path,
                        integer ? "an integer" : "float32");
    else {
        int nd = H5Sget_simple_extent_ndims(sp);
        hsize_t dims[32];
        bool ok = nd == ndim && nd >= 0 && nd <= 32 && H5Sget_simple_extent_dims(sp, dims, NULL) == nd;
        for (int i = 0; ok && i < nd; i++) ok = dims[i] == (hsize_t)shape[i];
        if (!ok) {
            char want[160], got[200] = "(unreadable)";
            brain__dims_str(ndim, shape, want, sizeof want);
            if (nd >= 0 && nd <= 32 && H5Sget_simple_extent_dims(sp, dims, NULL) == nd) {
                int64_t g64[32];
                for (int i = 0; i < nd; i++) g64[i] = (int64_t)dims[i];
                brain__dims_str(nd < BRAIN_MAX_DIMS ? nd : BRAIN_MAX_DIMS, g64, got, sizeof got);
            }
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dataset '%s' has shape %s, expected %s", file_name, what, path, got, want);
        }
    }
    if (dcpl >= 0) H5Pclose(dcpl);
    if (t >= 0) H5Tclose(t);
    if (sp >= 0) H5Sclose(sp);
    if (s) { H5Dclose(d); return s; }
    *out = d;
    return BRAIN_OK;
}

brain_status brain__h5_read_weight(hid_t file, const char *path, const char *file_name, const char *what, const brain_weight *w)
{
    if (!w->integer) return brain__h5_read_floats(file, path, file_name, what, w->ndim, w->shape, w->value);
    hid_t d;
    brain_status s = brain__h5_open_checked(file, path, file_name, what, true, w->ndim, w->shape, &d);
    if (s) return s;
    char why[200];
    if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->value) < 0)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s: '%s' cannot be read (%s)", file_name, what, path, brain__h5_why(why));
    H5Dclose(d);
    return s;
}

brain_status brain__h5_read_floats(hid_t file, const char *path, const char *file_name, const char *what, int ndim,
                                const int64_t *shape, float *dst)
{
    hid_t d;
    brain_status s = brain__h5_open_checked(file, path, file_name, what, false, ndim, shape, &d);
    if (s) return s;
    char why[200];
    if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dst) < 0)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dataset '%s' cannot be read (%s)", file_name, what, path, brain__h5_why(why));
    H5Dclose(d);
    return s;
}

static brain_status read_layers_at(brain_model *m, hid_t f, const char *file, const char *prefix)
{
    char (*names)[BRAIN_NAME_MAX + 8] = brain__alloc_array((size_t)(m->n_layers ? m->n_layers : 1), sizeof *names);
    if (!names) return BRAIN_ERR_NOMEM;
    group_names(m, names);
    brain_status s = BRAIN_OK;
    for (int i = 0; !s && i < m->n_layers; i++) {
        brain_layer *l = m->layers[i];
        if (l->inner) { /* a nested model's layers under <g>/layers */
            char sub[512];
            snprintf(sub, sizeof sub, "%s/layers/%s", prefix, names[i]);
            s = read_layers_at(l->inner, f, file, sub);
            continue;
        }
        for (int j = 0; !s && j < l->n_weights; j++) {
            brain_weight *w = l->weights[j];
            char vars[512], path[560], what[200];
            if (w->path[0]) snprintf(vars, sizeof vars, "%s/layers/%s/%s/vars", prefix, names[i], w->path);
            else snprintf(vars, sizeof vars, "%s/layers/%s/vars", prefix, names[i]);
            /* Keras: "Layer 'dense' expected 2 variables, but received 0 variables during loading" */
            int expected = 0;
            for (int k = 0; k < l->n_weights; k++) expected += !strcmp(l->weights[k]->path, w->path);
            hsize_t got = group_size(f, vars);
            if (got != (hsize_t)expected) {
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%s' (%s, group '%s') expected %d variables, but the file has %llu",
                                file, l->name, l->vt->class_name, vars, expected, (unsigned long long)got);
                break;
            }
            snprintf(path, sizeof path, "%s/%d", vars, var_index(l, j));
            snprintf(what, sizeof what, "layer '%s' weight '%s'", l->name, w->name);
            s = brain__h5_read_weight(f, path, file, what, w);
        }
    }
    free(names);
    return s;
}

static brain_status read_layers(brain_model *m, hid_t f, const char *file) { return read_layers_at(m, f, file, ""); }

/* iteration + learning_rate (without a schedule) + the slots; a file whose count differs is
 * skipped with Keras's warning */
static brain_status read_optimizer(brain_model *m, hid_t f, const char *file)
{
    brain_optimizer *o = m->optimizer;
    hsize_t got = group_size(f, "/optimizer/vars");
    if (got == 0) return BRAIN_OK;
    const hsize_t head = o->schedule ? 1 : 2;
    slot_order so = optimizer_slot_order(o); /* the counts; the pointers once the slots exist */
    brain_status s = BRAIN_OK;
    int per_var = 0;
    for (int gi = 0; gi < so.n_groups; gi++) per_var += so.group_size[gi];
    int nv = n_trainable_vars(m);
    const bool ada = o->kind == BRAIN_OPT_ADAFACTOR;
    hsize_t expected = head + (hsize_t)per_var * (hsize_t)nv + (so.u_product ? 1 : 0) + (ada ? 3 * (hsize_t)nv : 0);
    if (got != expected && got != head) {
        brain__print("Warning: Skipping variable loading for optimizer '%s', because it has %llu variables whereas the "
                     "saved optimizer has %llu variables.\n", o->name, (unsigned long long)expected, (unsigned long long)got);
        return BRAIN_OK;
    }
    hid_t d;
    int64_t it = 0;
    float lr = o->learning_rate;
    s = brain__h5_open_checked(f, "/optimizer/vars/0", file, "optimizer iteration", true, 0, NULL, &d);
    if (s) return s;
    char why[200];
    herr_t r = H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &it);
    H5Dclose(d);
    if (r < 0 || it < 0) return brain__fail(BRAIN_ERR_FORMAT, "%s: optimizer iteration cannot be read (%s)", file, brain__h5_why(why));
    if (!o->schedule) {
        if ((s = brain__h5_read_floats(f, "/optimizer/vars/1", file, "optimizer learning_rate", 0, NULL, &lr))) return s;
        if (!(lr >= 0) || lr > 1e6) return brain__fail(BRAIN_ERR_FORMAT, "%s: optimizer learning_rate %g is not valid", file, (double)lr);
    }
    float up = o->u_product;
    if (got == expected && (per_var > 0 || ada)) {
        if ((s = brain__optimizer_build_slots(o, m->n_params))) return s;
        so = optimizer_slot_order(o);
    }
    if (got == expected && ada && !o->fac) { /* Adafactor's factored statistics are made on its first step */
        int64_t nf;
        brain__adafactor_fac_size(m, &nf);
        if (!(o->fac = brain__alloc_array((size_t)(nf + 2 * m->n_params), sizeof(float)))) return BRAIN_ERR_NOMEM;
        o->fac_n = nf;
    }
    if (got == expected && per_var + so.u_product + ada > 0) {
        int idx = (int)head;
        for (int gi = 0; !s && gi < so.n_groups; gi++)
            for (int k = 0; !s && k < m->n_weights; k++) {
                brain_weight *w = m->weights[k];
                if (!w->grad) continue;
                for (int q = 0; !s && q < so.group_size[gi]; q++) {
                    char path[64], what[200];
                    snprintf(path, sizeof path, "/optimizer/vars/%d", idx++);
                    snprintf(what, sizeof what, "optimizer slot for layer '%s' weight '%s'", w->layer->name, w->name);
                    s = brain__h5_read_floats(f, path, file, what, w->ndim, w->shape, so.slot[gi][q] + w->offset);
                }
            }
        if (!s && so.u_product) {
            char path[64];
            snprintf(path, sizeof path, "/optimizer/vars/%d", idx++);
            s = brain__h5_read_floats(f, path, file, "Nadam's u_product", 0, NULL, &up);
        }
        if (!s && ada) s = adafactor_vars(m, false, -1, f, file, &idx);
        if (s) return s;
    }
    o->iterations = it;
    o->learning_rate = lr;
    o->u_product = up;
    return BRAIN_OK;
}

float *brain__weights_backup(const brain_model *m)
{
    int64_t total = m->n_params + m->n_state;
    float *b = brain__alloc_array((size_t)(total ? total : 1), sizeof(float));
    if (b && brain_model_get_weights(m, b, total)) {
        free(b);
        b = NULL;
    }
    return b;
}

brain_status brain__weights_restore_on_fail(brain_model *m, float *backup, brain_status s)
{
    if (s && backup) { /* the error stays the load's, not set_weights' */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", brain_last_error());
        brain_model_set_weights(m, backup, m->n_params + m->n_state);
        brain__fail(s, "%s", msg);
    }
    free(backup);
    return s;
}

hid_t brain__h5_open_image(const void *image, size_t n)
{
    brain__h5_quiet();
    if (n < 8 || memcmp(image, "\211HDF\r\n\032\n", 8)) return -1;
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    hid_t f = -1;
    if (H5Pset_fapl_core(fapl, 1 << 16, 0) >= 0 && H5Pset_file_image(fapl, (void *)image, n) >= 0)
    {
        char name[64];
        brain__h5_image_name(name, sizeof name);
        f = H5Fopen(name, H5F_ACC_RDONLY, fapl);
    }
    H5Pclose(fapl);
    return f;
}

static brain_status weights_from_h5_image_nolock(brain_model *m, const void *image, size_t n, const char *file, bool with_optimizer)
{
    brain__h5_quiet();
    char why[200];
    if (n < 8 || memcmp(image, "\211HDF\r\n\032\n", 8))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the weights are not an HDF5 file (bad signature)", file);
    hid_t f = brain__h5_open_image(image, n);
    if (f < 0) return brain__fail(BRAIN_ERR_FORMAT, "%s: the weights are not a readable HDF5 file (%s)", file, brain__h5_why(why));
    float *backup = brain__weights_backup(m); /* all or nothing */
    brain_status s = backup ? BRAIN_OK : BRAIN_ERR_NOMEM;
    if (!s) s = read_layers(m, f, file);
    if (!s && with_optimizer && m->compiled && m->optimizer) s = read_optimizer(m, f, file);
    s = brain__weights_restore_on_fail(m, backup, s);
    H5Fclose(f);
    return s;
}

brain_status brain__weights_to_h5_image(brain_model *m, void **image, size_t *n)
{
    brain__h5_lock();
    brain_status s = weights_to_h5_image_nolock(m, image, n);
    brain__h5_unlock();
    return s;
}

brain_status brain__weights_from_h5_image(brain_model *m, const void *image, size_t n, const char *file, bool with_optimizer)
{
    brain__h5_lock();
    brain_status s = weights_from_h5_image_nolock(m, image, n, file, with_optimizer);
    brain__h5_unlock();
    return s;
}
