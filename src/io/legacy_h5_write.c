/* legacy_h5_write.c — Keras's legacy HDF5 model file (model.save("x.h5"); keras-spec §1.8), writing.
 *
 *   /  attrs keras_version, backend, model_config = {"class_name", "config"} (JSON),
 *            training_config = compile config without "optimizer", plus
 *            "optimizer_config": {"class_name", "config"} (JSON; only when compiled)
 *   /model_weights  attrs layer_names (every layer of model.layers), backend, keras_version
 *   /model_weights/<layer>  attr weight_names ("<layer>/<weight>", trainable first, then
 *            non-trainable, as Keras's _legacy_weights); one float32 dataset per name (the '/'
 *            makes sub-groups: /model_weights/dense/dense/kernel)
 *   /model_weights/top_level_model_weights  attr weight_names = []
 * As Keras 3's save_model_to_hdf5 writes it (string attributes fixed-length, name lists split
 * into name0, name1, ... beyond HDF5's 64 KiB object-header limit).  The optimizer's state is
 * not written (Keras's legacy optimizer_weights are backend-specific); the file is built in
 * memory with HDF5's core driver and written atomically. */
#include "io/io.h"
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LIMIT 64512             /* Keras's HDF5_OBJECT_HEADER_LIMIT */

static herr_t text_attr(hid_t obj, const char *name, const char *v)
{
    size_t n = strlen(v);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n ? n : 1);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    char zero = 0;
    herr_t r = a < 0 ? -1 : H5Awrite(a, t, n ? v : &zero);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return r;
}

/* one attribute holding names[0..n) as fixed-length strings */
static herr_t names_chunk(hid_t obj, const char *attr, char **names, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) > len) len = strlen(names[i]);
    char *buf = calloc(n > 0 ? (size_t)n : 1, len);
    if (!buf) return -1;
    for (int i = 0; i < n; i++) memcpy(buf + (size_t)i * len, names[i], strlen(names[i]));
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, len);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hsize_t dims[1] = { (hsize_t)n };
    hid_t sp = H5Screate_simple(1, dims, NULL);
    hid_t a = H5Acreate2(obj, attr, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    herr_t r = a < 0 ? -1 : H5Awrite(a, t, buf);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    free(buf);
    return r;
}

/* Keras's save_attributes_to_hdf5_group: split into attr0, attr1, ... when too large */
static herr_t names_attr(hid_t obj, const char *attr, char **names, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) > len) len = strlen(names[i]);
    if ((size_t)n * len <= HEADER_LIMIT) return names_chunk(obj, attr, names, n);
    int per = (int)(HEADER_LIMIT / len);
    if (per < 1) return -1;
    for (int k = 0, i = 0; i < n; k++, i += per) {
        char name[96];
        snprintf(name, sizeof name, "%s%d", attr, k);
        if (names_chunk(obj, name, names + i, n - i < per ? n - i : per) < 0) return -1;
    }
    return 0;
}

/* {"class_name": o.class_name, "config": o.config} (copies) */
static cJSON *class_and_config(const cJSON *o)
{
    cJSON *r = cJSON_CreateObject();
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(o, "class_name"), *cf = cJSON_GetObjectItemCaseSensitive(o, "config");
    if (!r || !cn || !cf) { cJSON_Delete(r); return NULL; }
    cJSON_AddItemToObject(r, "class_name", cJSON_Duplicate(cn, 1));
    cJSON_AddItemToObject(r, "config", cJSON_Duplicate(cf, 1));
    return r;
}

static brain_status write_layer(hid_t mw, brain_layer *l, const char *path)
{
    char why[200];
    hid_t g = H5Gcreate2(mw, l->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) return brain__fail(BRAIN_ERR_IO, "cannot write '%s': layer '%s': %s", path, l->name, brain__h5_why(why));
    int n = l->n_weights;
    char **names = calloc((size_t)(n ? n : 1), sizeof(char *));
    brain_weight **order = calloc((size_t)(n ? n : 1), sizeof *order);
    brain_status s = names && order ? BRAIN_OK : brain__fail(BRAIN_ERR_NOMEM, "out of memory writing '%s'", path);
    int k = 0;
    for (int pass = 0; !s && pass < 2; pass++)          /* trainable first, as Keras lists them */
        for (int j = 0; j < n; j++) {
            brain_weight *w = l->weights[j];
            bool tr = w->trainable && l->trainable;
            if (tr != (pass == 0)) continue;
            size_t len = strlen(l->name) + strlen(w->path) + strlen(w->name) + 3;
            if (!(names[k] = malloc(len))) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory writing '%s'", path); break; }
            if (w->path[0]) snprintf(names[k], len, "%s/%s/%s", l->name, w->path, w->name);
            else snprintf(names[k], len, "%s/%s", l->name, w->name);
            order[k++] = w;
        }
    if (!s && names_attr(g, "weight_names", names, k) < 0)
        s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': weight names of layer '%s': %s", path, l->name, brain__h5_why(why));
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    for (int i = 0; !s && i < k; i++) {
        brain_weight *w = order[i];
        hsize_t dims[BRAIN_MAX_DIMS];
        for (int d = 0; d < w->ndim; d++) dims[d] = (hsize_t)w->shape[d];
        hid_t sp = w->ndim ? H5Screate_simple(w->ndim, dims, NULL) : H5Screate(H5S_SCALAR);
        hid_t ds = H5Dcreate2(g, names[i], H5T_IEEE_F32LE, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
        if (ds < 0 || H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w->value) < 0)
            s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': weight %s: %s", path, names[i], brain__h5_why(why));
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(sp);
    }
    H5Pclose(lcpl);
    for (int i = 0; names && i < k; i++) free(names[i]);
    free(names);
    free(order);
    H5Gclose(g);
    return s;
}

brain_status brain__save_legacy_h5(brain_model *m, const char *path)
{
    brain_status s = brain_model_build(m);
    if (s) return s;
    for (int i = 0; i < m->n_layers; i++)
        if (m->layers[i]->inner)
            return brain__fail(BRAIN_ERR_ARG, "cannot write '%s': layer '%s' is a nested model (%s); the legacy .h5 format "
                               "is written for flat models only here, save it as .keras", path, m->layers[i]->name,
                               m->layers[i]->vt->class_name);
    char why[200];
    cJSON *cfg = NULL, *mc = NULL, *tc = NULL;
    char *mtext = NULL, *ttext = NULL;
    void *image = NULL;
    ssize_t size = -1;
    hid_t fapl = -1, f = -1, mw = -1;
    brain__h5_quiet();
    if ((s = brain__model_to_config(m, &cfg))) goto out;
    if (!(mc = class_and_config(cfg)) || !(mtext = cJSON_PrintUnformatted(mc))) {
        s = brain__fail(BRAIN_ERR_NOMEM, "out of memory writing '%s'", path);
        goto out;
    }
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(cfg, "compile_config");
    if (cJSON_IsObject(cc) && cc->child) {
        tc = cJSON_Duplicate(cc, 1);
        cJSON *opt = tc ? cJSON_DetachItemFromObjectCaseSensitive(tc, "optimizer") : NULL;
        cJSON *oc = opt ? class_and_config(opt) : NULL;
        cJSON_Delete(opt);
        if (oc) cJSON_AddItemToObject(tc, "optimizer_config", oc);
        if (!tc || !oc || !(ttext = cJSON_PrintUnformatted(tc))) {
            s = brain__fail(BRAIN_ERR_NOMEM, "out of memory writing '%s'", path);
            goto out;
        }
    }
    fapl = H5Pcreate(H5P_FILE_ACCESS);
    char image_name[64];
    brain__h5_image_name(image_name, sizeof image_name); /* not a name of the current directory */
    if (fapl < 0 || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 ||
        (f = H5Fcreate(image_name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)) < 0) {
        s = brain__fail(BRAIN_ERR_IO, "cannot create '%s' in memory: %s", path, brain__h5_why(why));
        goto out;
    }
    if (text_attr(f, "keras_version", BRAIN_KERAS_VERSION) < 0 || text_attr(f, "backend", "tensorflow") < 0 ||
        text_attr(f, "model_config", mtext) < 0 || (ttext && text_attr(f, "training_config", ttext) < 0) ||
        (mw = H5Gcreate2(f, "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        text_attr(mw, "backend", "tensorflow") < 0 || text_attr(mw, "keras_version", BRAIN_KERAS_VERSION) < 0) {
        s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': %s", path, brain__h5_why(why));
        goto out;
    }
    char **lnames = calloc((size_t)(m->n_layers ? m->n_layers : 1), sizeof(char *));
    if (!lnames) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory writing '%s'", path); goto out; }
    for (int i = 0; i < m->n_layers; i++) lnames[i] = m->layers[i]->name;
    herr_t r = names_attr(mw, "layer_names", lnames, m->n_layers);
    free(lnames);
    if (r < 0) { s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': layer names: %s", path, brain__h5_why(why)); goto out; }
    for (int i = 0; !s && i < m->n_layers; i++) s = write_layer(mw, m->layers[i], path);
    if (s) goto out;
    hid_t top = H5Gcreate2(mw, "top_level_model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (top < 0 || names_attr(top, "weight_names", NULL, 0) < 0) {
        if (top >= 0) H5Gclose(top);
        s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': %s", path, brain__h5_why(why));
        goto out;
    }
    H5Gclose(top);
    H5Gclose(mw);
    mw = -1;
    H5Fflush(f, H5F_SCOPE_GLOBAL);
    size = H5Fget_file_image(f, NULL, 0);
    if (size <= 0 || !(image = malloc((size_t)size)) || H5Fget_file_image(f, image, (size_t)size) != size) {
        s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': the HDF5 image could not be taken", path);
        goto out;
    }
    s = brain__write_file_atomic(path, image, (size_t)size);
out:
    if (mw >= 0) H5Gclose(mw);
    if (f >= 0) H5Fclose(f);
    if (fapl >= 0) H5Pclose(fapl);
    free(image);
    free(mtext);
    free(ttext);
    cJSON_Delete(cfg);
    cJSON_Delete(mc);
    cJSON_Delete(tc);
    return s;
}
