/* legacy_h5.c — Keras's legacy HDF5 model files (model.save("x.h5"); keras-spec §1.8), reading.
 *
 *   /  attrs model_config (JSON), training_config (JSON), keras_version, backend
 *   /model_weights  attr layer_names (split into layer_names0, layer_names1, ... when large)
 *   /model_weights/<layer>  attr weight_names; datasets at those names ('/' makes sub-groups)
 * Weights are matched as Keras 3 matches them: the model's layers that have weights, in order,
 * against the layer_names entries whose weight_names list is not empty; within a layer by the
 * order of weight_names (trainable, then non-trainable).  Files from save_weights with
 * layer_names at the root load through brain_load_weights. */
#include "io/io.h"
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTR_TEXT (64u << 20)
#define MAX_NAMES 100000

/* A text attribute (fixed-length or variable-length string); NULL + error when absent/wrong */
static char *read_text_attr(hid_t obj, const char *name, const char *path)
{
    char why[200];
    if (H5Aexists(obj, name) <= 0) return NULL;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a < 0 ? -1 : H5Aget_type(a), sp = a < 0 ? -1 : H5Aget_space(a);
    char *out = NULL;
    if (t >= 0 && H5Tget_class(t) == H5T_STRING && H5Sget_simple_extent_npoints(sp) == 1) {
        if (H5Tis_variable_str(t) > 0) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            /* the file's character set (h5py writes UTF-8): HDF5 1.10 has no ASCII ↔ UTF-8 path for
             * variable-length strings, and found one only once another conversion had run */
            H5Tset_cset(mt, H5Tget_cset(t));
            char *v = NULL;
            if (H5Aread(a, mt, &v) >= 0 && v) out = strlen(v) < MAX_ATTR_TEXT ? brain__strdup(v) : NULL;
            if (v) H5free_memory(v);
            H5Tclose(mt);
        } else {
            size_t sz = H5Tget_size(t);
            if (sz > 0 && sz < MAX_ATTR_TEXT && (out = malloc(sz + 1))) {
                hid_t mt = H5Tcopy(H5T_C_S1);
                H5Tset_size(mt, sz);
                H5Tset_strpad(mt, H5T_STR_NULLPAD);
                H5Tset_cset(mt, H5Tget_cset(t));
                if (H5Aread(a, mt, out) < 0) { free(out); out = NULL; }
                else out[sz] = 0;
                H5Tclose(mt);
            }
        }
    }
    if (!out) brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s is not a readable string (%s)", path, name, brain__h5_why(why));
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return out;
}

typedef struct names { char **v; int n; } names;

static void names_free(names *ns)
{
    for (int i = 0; i < ns->n; i++) free(ns->v[i]);
    free(ns->v);
    ns->v = NULL;
    ns->n = 0;
}

/* Appends the strings of a 1-D string attribute; an empty numeric array (Keras writes float64
 * [] for "no weights") adds nothing. */
static brain_status append_string_attr(hid_t obj, const char *name, const char *path, names *ns)
{
    char why[200];
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s cannot be opened (%s)", path, name, brain__h5_why(why));
    hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    hssize_t n = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    brain_status s = BRAIN_OK;
    if (t < 0 || n < 0 || n > MAX_NAMES || ns->n + n > MAX_NAMES)
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s is not a list of names", path, name);
    else if (n == 0) s = BRAIN_OK;
    else if (H5Tget_class(t) != H5T_STRING)
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s must hold strings", path, name);
    else {
        char **grown = realloc(ns->v, sizeof *grown * (size_t)(ns->n + n));
        if (!grown) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path);
        else ns->v = grown;
        bool var = H5Tis_variable_str(t) > 0;
        size_t sz = var ? sizeof(char *) : H5Tget_size(t);
        if (!s && (sz == 0 || sz > 4096)) s = brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s has names of %zu bytes", path, name, sz);
        char *buf = s ? NULL : calloc((size_t)n, sz + 1);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, var ? H5T_VARIABLE : sz);
        if (!var) H5Tset_strpad(mt, H5T_STR_NULLPAD); /* a name filling all sz bytes keeps its last byte */
        H5Tset_cset(mt, H5Tget_cset(t));              /* as read_text_attr */
        if (!s && (!buf || H5Aread(a, mt, buf) < 0))
            s = brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s cannot be read (%s)", path, name, brain__h5_why(why));
        for (hssize_t i = 0; !s && i < n; i++) {
            char *v;
            if (var) v = brain__strdup(((char **)buf)[i] ? ((char **)buf)[i] : "");
            else {
                v = malloc(sz + 1);
                if (v) { memcpy(v, buf + (size_t)i * sz, sz); v[sz] = 0; }
            }
            if (!v) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path); break; }
            ns->v[ns->n++] = v;
        }
        if (var && buf) { /* also after a failed read: entries it did not fill are NULL */
            hsize_t dims[1] = { (hsize_t)n };
            hid_t msp = H5Screate_simple(1, dims, NULL);
            H5Dvlen_reclaim(mt, msp, H5P_DEFAULT, buf);
            H5Sclose(msp);
        }
        H5Tclose(mt);
        free(buf);
    }
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return s;
}

/* layer_names, or layer_names0, layer_names1, ... (HDF5_OBJECT_HEADER_LIMIT chunks) */
static brain_status read_names(hid_t obj, const char *attr, const char *path, names *ns)
{
    if (H5Aexists(obj, attr) > 0) return append_string_attr(obj, attr, path, ns);
    for (int k = 0;; k++) {
        char chunk[96];
        snprintf(chunk, sizeof chunk, "%s%d", attr, k);
        if (H5Aexists(obj, chunk) <= 0) return k ? BRAIN_OK : brain__fail(BRAIN_ERR_FORMAT, "'%s': attribute %s is missing", path, attr);
        brain_status s = append_string_attr(obj, chunk, path, ns);
        if (s) return s;
    }
}

/* Loads weights from the group holding layer_names (model_weights, or the root) by order. */
static brain_status load_weights_group(brain_model *m, hid_t f, const char *gpath, const char *path)
{
    char why[200];
    hid_t g = H5Gopen2(f, gpath, H5P_DEFAULT);
    if (g < 0) return brain__fail(BRAIN_ERR_FORMAT, "'%s': group %s cannot be opened (%s)", path, gpath, brain__h5_why(why));
    names layers = {0};
    brain_status s = read_names(g, "layer_names", path, &layers);
    H5Gclose(g);
    if (s) { names_free(&layers); return s; }
    /* the saved layers that have weights */
    int n_saved = 0, n_ours = 0;
    names *wn = calloc((size_t)(layers.n ? layers.n : 1), sizeof *wn);
    int *which = calloc((size_t)(layers.n ? layers.n : 1), sizeof *which);
    if (!wn || !which) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path);
    for (int i = 0; !s && i < layers.n; i++) {
        char lp[4200];
        snprintf(lp, sizeof lp, "%s/%s", gpath, layers.v[i]);
        char link[512];
        if (brain__h5_link_in_path(f, lp, link, sizeof link)) {
            s = brain__fail(BRAIN_ERR_FORMAT, "'%s': layer group %s: '%s' is a link (soft or external), refused for safety",
                            path, lp, link);
            break;
        }
        if (!brain__h5_hard_path(f, lp)) { s = brain__fail(BRAIN_ERR_FORMAT, "'%s': layer group %s is missing", path, lp); break; }
        hid_t lg = H5Gopen2(f, lp, H5P_DEFAULT);
        if (lg < 0) { s = brain__fail(BRAIN_ERR_FORMAT, "'%s': %s is not a group", path, lp); break; }
        s = read_names(lg, "weight_names", path, &wn[n_saved]);
        H5Gclose(lg);
        if (!s && wn[n_saved].n) which[n_saved++] = i;
    }
    for (int i = 0; !s && i < m->n_layers; i++)
        if (m->layers[i]->inner)
            s = brain__fail(BRAIN_ERR_FORMAT, "'%s': layer '%s' is a nested model (%s); this library reads nested models "
                            "from .keras files only", path, m->layers[i]->name, m->layers[i]->vt->class_name);
    for (int i = 0; i < m->n_layers; i++) n_ours += m->layers[i]->n_weights > 0;
    if (!s && n_ours != n_saved)
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s': the model has %d layers with weights, the file has %d", path, n_ours, n_saved);
    float *backup = s ? NULL : brain__weights_backup(m); /* all or nothing */
    if (!s && !backup) s = BRAIN_ERR_NOMEM;
    for (int i = 0, k = 0; !s && i < m->n_layers; i++) {
        brain_layer *l = m->layers[i];
        if (!l->n_weights) continue;
        names *w = &wn[k];
        const char *saved = layers.v[which[k++]];
        if (w->n != l->n_weights) {
            s = brain__fail(BRAIN_ERR_FORMAT, "'%s': layer '%s' (%s) has %d weights, the file's layer '%s' has %d", path,
                            l->name, l->vt->class_name, l->n_weights, saved, w->n);
            break;
        }
        for (int j = 0; !s && j < w->n; j++) {
            char dp[8500], what[300];
            snprintf(dp, sizeof dp, "%s/%s/%s", gpath, saved, w->v[j]);
            snprintf(what, sizeof what, "layer '%s' weight '%s'", l->name, l->weights[j]->name);
            s = brain__h5_read_weight(f, dp, path, what, l->weights[j]);
        }
    }
    s = brain__weights_restore_on_fail(m, backup, s);
    for (int i = 0; wn && i < layers.n; i++) names_free(&wn[i]);
    free(wn);
    free(which);
    names_free(&layers);
    return s;
}

static brain_status open_file(const char *path, unsigned char **bytes, hid_t *f)
{
    size_t n;
    char why[200];
    brain_status s = brain__read_file(path, (size_t)1 << 31, bytes, &n);
    if (s) return s;
    *f = brain__h5_open_image(*bytes, n);
    if (*f < 0) {
        free(*bytes);
        *bytes = NULL;
        return brain__fail(BRAIN_ERR_FORMAT, "'%s' is not a readable HDF5 file (%s)", path, brain__h5_why(why));
    }
    return BRAIN_OK;
}

brain_status brain__load_legacy_h5_weights(brain_model *m, const char *path)
{
    unsigned char *bytes;
    hid_t f;
    brain_status s = open_file(path, &bytes, &f);
    if (s) return s;
    if (brain__h5_hard_path(f, "/model_weights")) s = load_weights_group(m, f, "/model_weights", path);
    else if (H5Aexists(f, "layer_names") > 0 || H5Aexists(f, "layer_names0") > 0) s = load_weights_group(m, f, "/", path);
    else s = brain__fail(BRAIN_ERR_FORMAT, "'%s' has neither model_weights nor layer_names: it is not a legacy Keras weights file "
                                           "(Keras 3 weights files end in .weights.h5)", path);
    H5Fclose(f);
    free(bytes);
    return s;
}

brain_status brain__load_legacy_h5(const char *path, brain_model **out, bool compile)
{
    unsigned char *bytes;
    hid_t f;
    brain_status s = open_file(path, &bytes, &f);
    if (s) return s;
    brain_model *m = NULL;
    cJSON *cfg = NULL, *tc = NULL;
    brain_clear_error();
    char *text = read_text_attr(f, "model_config", path);
    if (!text) {
        s = brain_last_error()[0] ? BRAIN_ERR_FORMAT
                                  : brain__fail(BRAIN_ERR_FORMAT, "'%s' has no model_config attribute: it holds weights only "
                                                                  "(build the model and call brain_load_weights)", path);
        goto out;
    }
    if (!(cfg = cJSON_Parse(text))) { s = brain__fail(BRAIN_ERR_FORMAT, "'%s': model_config is not valid JSON", path); goto out; }
    if ((s = brain__model_from_config(cfg, path, &m))) goto out;
    if (!brain__h5_hard_path(f, "/model_weights")) {
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s' has no model_weights group", path);
        goto out;
    }
    if ((s = load_weights_group(m, f, "/model_weights", path))) goto out;
    if (compile && H5Aexists(f, "training_config") > 0) {
        free(text);
        text = read_text_attr(f, "training_config", path);
        tc = text ? cJSON_Parse(text) : NULL;
        /* Keras warns and returns an uncompiled model when the training config cannot be used */
        if (!tc || brain__compile_from_config(m, tc, path))
            brain__print("Warning: '%s': the saved training configuration was not applied (%s); the model is not "
                         "compiled — compile it before training.\n", path, tc ? brain_last_error() : "not valid JSON");
        brain_clear_error();
    }
out:
    free(text);
    cJSON_Delete(cfg);
    cJSON_Delete(tc);
    H5Fclose(f);
    free(bytes);
    if (s) brain_model_free(m);
    else *out = m;
    return s;
}
