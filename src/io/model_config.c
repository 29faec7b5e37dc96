/* model_config.c — config.json: a model's architecture and compile configuration.
 *
 * Writing follows Keras 3's serialize_keras_object(model) with the key set every Keras ≥ 3.4
 * loads (keras-spec §1.3–1.4): layer dtypes as the string "float32", no quantization_config,
 * no initializer input_axes/output_axes, InputLayer without ragged/optional.
 * Reading accepts Keras 3 and Keras 2 forms: InputLayer batch_shape or batch_input_shape, a
 * first layer carrying batch_input_shape, string or DTypePolicy dtypes, configs without
 * "module", and unknown keys anywhere. */
#include "io/io.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const brain_layer_vtable brain__input_vtable;

static brain_status nomem(void) { return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a model config"); }

/* [null, d1, d2, ...] */
static cJSON *batch_shape_json(const brain_shape *s)
{
    cJSON *a = cJSON_CreateArray();
    if (!a || !cJSON_AddItemToArray(a, cJSON_CreateNull())) { cJSON_Delete(a); return NULL; }
    for (int i = 0; i < s->ndim; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateNumber((double)s->dims[i]))) { cJSON_Delete(a); return NULL; }
    return a;
}

static cJSON *envelope(const char *module, const char *cls, cJSON *config)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) { cJSON_Delete(config); return NULL; }
    cJSON_AddStringToObject(o, "module", module);
    cJSON_AddStringToObject(o, "class_name", cls);
    cJSON_AddItemToObject(o, "config", config);
    cJSON_AddNullToObject(o, "registered_name");
    return o;
}

/* One layer's entry: {"module": "keras.layers", "class_name", "config", "registered_name", "build_config"};
 * a model used as a layer: the model's own entry, as Keras nests it. */
static brain_status layer_entry(const brain_layer *l, cJSON **out)
{
    *out = NULL;
    if (l->inner) {
        brain_status s = brain__model_to_config(l->inner, out);
        if (s) return s;
        cJSON *cfg = cJSON_GetObjectItemCaseSensitive(*out, "config");
        cJSON_ReplaceItemInObjectCaseSensitive(cfg, "trainable", cJSON_CreateBool(l->trainable));
        cJSON_DeleteItemFromObjectCaseSensitive(*out, "compile_config");
        if (!l->inner->sequential) { /* Keras's Functional writes build_config {"input_shape": null} */
            cJSON *bc = cJSON_AddObjectToObject(*out, "build_config");
            if (bc) cJSON_AddNullToObject(bc, "input_shape");
        }
        return BRAIN_OK;
    }
    if (!l->vt->get_config)
        return brain__fail(BRAIN_ERR_STATE, "layer '%s' (%s) cannot be saved: its class has no get_config", l->name,
                           l->vt->class_name);
    cJSON *cfg = cJSON_CreateObject();
    if (!cfg) return nomem();
    brain_status s = brain__cfg_add_string(cfg, "name", l->name);
    const char *op_module = brain__op_module(l);
    if (op_module) { /* an op layer: {"name", the op's own keywords}, registered under its class (ops.c) */
        if (!s) s = l->vt->get_config(l, cfg);
        cJSON *e = s ? NULL : envelope(op_module, l->vt->class_name, cfg);
        if (s) { cJSON_Delete(cfg); return s; }
        if (!e) return nomem();
        cJSON_ReplaceItemInObjectCaseSensitive(e, "registered_name", cJSON_CreateString(l->vt->class_name));
        *out = e;
        return BRAIN_OK;
    }
    if (!s && !l->vt->config_without_trainable) s = brain__cfg_add_bool(cfg, "trainable", l->trainable);
    if (!s) s = brain__cfg_add_string(cfg, "dtype", "float32");
    if (!s) s = l->vt->get_config(l, cfg);
    if (s) { cJSON_Delete(cfg); return s; }
    cJSON *e = envelope("keras.layers", l->vt->class_name, cfg);
    if (!e) return nomem();
    if (l->n_weights > 0 && l->vt->takes_list) { /* build(input_shape) with a list of shapes */
        cJSON *bc = cJSON_AddObjectToObject(e, "build_config"), *shapes = bc ? cJSON_AddArrayToObject(bc, "input_shape") : NULL;
        for (int k = 0; shapes && k < l->n_in; k++) {
            cJSON *shape = batch_shape_json(&l->in_shape[k]);
            if (!shape) { shapes = NULL; break; }
            cJSON_AddItemToArray(shapes, shape);
        }
        if (!shapes) { cJSON_Delete(e); return nomem(); }
    } else if (l->n_weights > 0 && l->vt->call_names) { /* build(query_shape, value_shape, ...): the positional tensors' shapes */
        const char *kw[BRAIN_MAX_LAYER_INPUTS] = {NULL};
        cJSON *scratch = cJSON_CreateObject(), *bc = cJSON_AddObjectToObject(e, "build_config");
        cJSON *sd = bc ? cJSON_AddObjectToObject(bc, "shapes_dict") : NULL;
        s = scratch && sd ? l->vt->call_to_config(l, kw, scratch) : nomem();
        cJSON_Delete(scratch);
        for (int k = 0, a = 0; !s && k < l->n_in; k++) {
            if (kw[k]) continue;
            char key[96];
            snprintf(key, sizeof key, "%s_shape", l->vt->call_names[a++]);
            cJSON *shape = batch_shape_json(&l->in_shape[k]);
            if (!shape) s = nomem();
            else cJSON_AddItemToObject(sd, key, shape);
        }
        if (s) { cJSON_Delete(e); return s; }
    } else if (l->n_weights > 0) { /* layers with a build() of their own record its input shape */
        cJSON *bc = cJSON_AddObjectToObject(e, "build_config"), *shape = batch_shape_json(&l->in_shape[0]);
        if (!bc || !shape) { cJSON_Delete(shape); cJSON_Delete(e); return nomem(); }
        cJSON_AddItemToObject(bc, "input_shape", shape);
    }
    *out = e;
    return BRAIN_OK;
}

static cJSON *optimizer_json(const brain_optimizer *o)
{
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    const brain_optimizer_common *k = &o->common;
    cJSON_AddStringToObject(c, "name", o->name);
    /* Keras prints the learning rate from its float32 variable: 0.0010000000474974513; a schedule
     * is written as keras.optimizers.schedules.serialize writes it */
    if (o->schedule) {
        cJSON *sj = brain__schedule_to_json(o->schedule);
        if (!sj) { cJSON_Delete(c); return NULL; }
        cJSON_AddItemToObject(c, "learning_rate", sj);
    } else {
        brain__cfg_add_double(c, "learning_rate", (double)o->learning_rate);
    }
#define OPT_NUM(key, v) ((v) != 0 ? (void)brain__cfg_add_float(c, key, v) : (void)cJSON_AddNullToObject(c, key))
    OPT_NUM("weight_decay", k->weight_decay);
    OPT_NUM("clipnorm", k->clipnorm);
    OPT_NUM("global_clipnorm", k->global_clipnorm);
    OPT_NUM("clipvalue", k->clipvalue);
    cJSON_AddBoolToObject(c, "use_ema", k->use_ema);
    brain__cfg_add_float(c, "ema_momentum", k->ema_momentum);
    if (k->ema_overwrite_frequency > 0) cJSON_AddNumberToObject(c, "ema_overwrite_frequency", k->ema_overwrite_frequency);
    else cJSON_AddNullToObject(c, "ema_overwrite_frequency");
    OPT_NUM("loss_scale_factor", k->loss_scale_factor);
#undef OPT_NUM
    if (k->gradient_accumulation_steps > 0)
        cJSON_AddNumberToObject(c, "gradient_accumulation_steps", k->gradient_accumulation_steps);
    else cJSON_AddNullToObject(c, "gradient_accumulation_steps");
    switch (o->kind) {
    case BRAIN_OPT_SGD:
        brain__cfg_add_float(c, "momentum", o->momentum);
        cJSON_AddBoolToObject(c, "nesterov", o->nesterov);
        break;
    case BRAIN_OPT_ADAM: case BRAIN_OPT_ADAMW:
        brain__cfg_add_float(c, "beta_1", o->beta_1);
        brain__cfg_add_float(c, "beta_2", o->beta_2);
        brain__cfg_add_float(c, "epsilon", o->epsilon);
        cJSON_AddBoolToObject(c, "amsgrad", o->amsgrad);
        break;
    case BRAIN_OPT_RMSPROP:
        brain__cfg_add_float(c, "rho", o->rho);
        brain__cfg_add_float(c, "momentum", o->momentum);
        brain__cfg_add_float(c, "epsilon", o->epsilon);
        cJSON_AddBoolToObject(c, "centered", o->centered);
        break;
    case BRAIN_OPT_ADAGRAD:
        brain__cfg_add_float(c, "initial_accumulator_value", o->initial_accumulator_value);
        brain__cfg_add_float(c, "epsilon", o->epsilon);
        break;
    case BRAIN_OPT_ADADELTA:
        brain__cfg_add_float(c, "rho", o->rho);
        brain__cfg_add_float(c, "epsilon", o->epsilon);
        break;
    case BRAIN_OPT_ADAMAX: case BRAIN_OPT_NADAM:
        brain__cfg_add_float(c, "beta_1", o->beta_1);
        brain__cfg_add_float(c, "beta_2", o->beta_2);
        brain__cfg_add_float(c, "epsilon", o->epsilon);
        break;
    case BRAIN_OPT_LION:
        brain__cfg_add_float(c, "beta_1", o->beta_1);
        brain__cfg_add_float(c, "beta_2", o->beta_2);
        break;
    case BRAIN_OPT_FTRL:
        brain__cfg_add_float(c, "learning_rate_power", o->lr_power);
        brain__cfg_add_float(c, "initial_accumulator_value", o->initial_accumulator_value);
        brain__cfg_add_float(c, "l1_regularization_strength", o->l1);
        brain__cfg_add_float(c, "l2_regularization_strength", o->l2);
        brain__cfg_add_float(c, "l2_shrinkage_regularization_strength", o->l2_shrinkage);
        brain__cfg_add_float(c, "beta", o->beta);
        break;
    case BRAIN_OPT_ADAFACTOR:
        brain__cfg_add_float(c, "beta_2_decay", o->beta_2_decay);
        brain__cfg_add_float(c, "epsilon_1", o->epsilon_1);
        brain__cfg_add_float(c, "epsilon_2", o->epsilon_2);
        brain__cfg_add_float(c, "clip_threshold", o->clip_threshold);
        cJSON_AddBoolToObject(c, "relative_step", o->relative_step);
        break;
    case BRAIN_OPT_KIND_COUNT:
        break;
    }
    return envelope("keras.optimizers", brain_optimizer_class(o), c);
}

static const char *const k_loss_class[] = {
    [BRAIN_LOSS_MSE] = "MeanSquaredError", [BRAIN_LOSS_MAE] = "MeanAbsoluteError", [BRAIN_LOSS_HUBER] = "Huber",
    [BRAIN_LOSS_BCE] = "BinaryCrossentropy", [BRAIN_LOSS_CCE] = "CategoricalCrossentropy",
    [BRAIN_LOSS_SCCE] = "SparseCategoricalCrossentropy",
};

/* A loss with default options is saved as Keras saves a string loss; otherwise as its class. */
static cJSON *loss_json(const brain_loss *l)
{
    if (l->kind == BRAIN_LOSS_CUSTOM) { /* a registered function, as Keras writes one */
        cJSON *c = cJSON_CreateObject();
        if (!c) return NULL;
        cJSON_AddStringToObject(c, "module", "builtins");
        cJSON_AddStringToObject(c, "class_name", "function");
        cJSON_AddStringToObject(c, "config", l->registered);
        cJSON_AddStringToObject(c, "registered_name", "function");
        return c;
    }
    brain_loss *plain = brain_loss_from_name(l->name);
    bool as_string = plain && plain->kind == l->kind && !l->from_logits && l->label_smoothing == 0 &&
                     (l->kind != BRAIN_LOSS_HUBER || l->delta == 1.0f) && l->alpha == plain->alpha &&
                     l->gamma == plain->gamma && l->beta == plain->beta &&
                     l->apply_class_balancing == plain->apply_class_balancing;
    brain_loss_free(plain);
    brain_clear_error();
    if (as_string) return cJSON_CreateString(l->name);
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    cJSON_AddStringToObject(c, "name", l->name);
    cJSON_AddStringToObject(c, "reduction", "sum_over_batch_size");
    if (l->kind >= BRAIN_LOSS_BINARY_FOCAL) { /* issue 12's losses, with the keys their get_config writes */
        if (l->kind == BRAIN_LOSS_BINARY_FOCAL || l->kind == BRAIN_LOSS_CATEGORICAL_FOCAL) {
            cJSON_AddBoolToObject(c, "from_logits", l->from_logits);
            brain__cfg_add_float(c, "label_smoothing", l->label_smoothing);
            cJSON_AddNumberToObject(c, "axis", -1);
            if (l->kind == BRAIN_LOSS_BINARY_FOCAL) cJSON_AddBoolToObject(c, "apply_class_balancing", l->apply_class_balancing);
            brain__cfg_add_float(c, "alpha", l->alpha);
            brain__cfg_add_float(c, "gamma", l->gamma);
        } else if (l->kind == BRAIN_LOSS_TVERSKY || l->kind == BRAIN_LOSS_DICE) {
            if (l->kind == BRAIN_LOSS_TVERSKY) {
                brain__cfg_add_float(c, "alpha", l->alpha);
                brain__cfg_add_float(c, "beta", l->beta);
            }
            cJSON_AddNullToObject(c, "axis");
        }
        return envelope("keras.losses", brain__loss_extra_class(l->kind), c);
    }
    if (l->kind == BRAIN_LOSS_HUBER) brain__cfg_add_float(c, "delta", l->delta);
    if (l->kind == BRAIN_LOSS_BCE || l->kind == BRAIN_LOSS_CCE || l->kind == BRAIN_LOSS_SCCE) {
        cJSON_AddBoolToObject(c, "from_logits", l->from_logits);
        if (l->kind != BRAIN_LOSS_SCCE) brain__cfg_add_float(c, "label_smoothing", l->label_smoothing);
        cJSON_AddNumberToObject(c, "axis", -1);
    }
    return envelope("keras.losses", k_loss_class[l->kind], c);
}

/* The string Keras resolves back to the same metric */
static const char *metric_string(const brain_metric *mt)
{
    switch (mt->kind) {
    case BRAIN_METRIC_ACCURACY: return !strcmp(mt->name, "acc") ? "acc" : "accuracy";
    case BRAIN_METRIC_BINARY_ACCURACY: return "binary_accuracy";
    case BRAIN_METRIC_CATEGORICAL_ACCURACY: return "categorical_accuracy";
    case BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY: return "sparse_categorical_accuracy";
    case BRAIN_METRIC_PRECISION: return "precision";
    case BRAIN_METRIC_RECALL: return "recall";
    case BRAIN_METRIC_AUC: return "auc";
    case BRAIN_METRIC_MSE: return "mse";
    case BRAIN_METRIC_MAE: return "mae";
    default: break;
    }
    return "accuracy";
}

/* A registered Metric subclass: {"module": null, "class_name": C, "config": {"name", "dtype"},
 * "registered_name": "package>C"} */
static cJSON *custom_metric_json(const brain_metric *mt)
{
    cJSON *e = cJSON_CreateObject(), *c = cJSON_CreateObject();
    if (!e || !c) { cJSON_Delete(e); cJSON_Delete(c); return NULL; }
    const char *cls = strchr(mt->registered, '>');
    cJSON_AddNullToObject(e, "module");
    cJSON_AddStringToObject(e, "class_name", cls ? cls + 1 : mt->registered);
    cJSON_AddStringToObject(c, "name", mt->name);
    cJSON_AddStringToObject(c, "dtype", "float32");
    cJSON_AddItemToObject(e, "config", c);
    cJSON_AddStringToObject(e, "registered_name", mt->registered);
    return e;
}

static cJSON *metrics_json(brain_metric *const *list, int n)
{
    if (!n) return cJSON_CreateNull();
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, list[i]->kind == BRAIN_METRIC_CUSTOM     ? custom_metric_json(list[i])
                                : list[i]->kind >= BRAIN_METRIC_EXTRA_FIRST ? brain__metric_extra_to_json(list[i])
                                                                          : cJSON_CreateString(metric_string(list[i])));
    return a;
}

static cJSON *compile_json(const brain_model *m)
{
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    cJSON_AddItemToObject(c, "optimizer", optimizer_json(m->optimizer));
    if (m->n_heads <= 1) {
        const brain_output_head h0 = m->n_heads ? m->heads[0] : (brain_output_head){0};
        cJSON_AddItemToObject(c, "loss", loss_json(h0.loss));
        cJSON_AddNullToObject(c, "loss_weights");
        cJSON_AddItemToObject(c, "metrics", metrics_json(h0.metrics, h0.n_metrics));
        cJSON_AddItemToObject(c, "weighted_metrics", metrics_json(h0.wmetrics, h0.n_wmetrics));
    } else { /* several outputs: dicts keyed by output name, as Keras writes them */
        cJSON *loss = cJSON_AddObjectToObject(c, "loss"), *lw = cJSON_AddObjectToObject(c, "loss_weights");
        cJSON *mt = cJSON_AddObjectToObject(c, "metrics"), *wm = cJSON_AddObjectToObject(c, "weighted_metrics");
        for (int k = 0; loss && lw && mt && wm && k < m->n_heads; k++) {
            const brain_output_head *h = &m->heads[k];
            cJSON_AddItemToObject(loss, h->name, loss_json(h->loss));
            brain__cfg_add_double(lw, h->name, h->loss_weight);
            if (h->n_metrics) cJSON_AddItemToObject(mt, h->name, metrics_json(h->metrics, h->n_metrics));
            if (h->n_wmetrics) cJSON_AddItemToObject(wm, h->name, metrics_json(h->wmetrics, h->n_wmetrics));
        }
    }
    cJSON_AddBoolToObject(c, "run_eagerly", false);
    cJSON_AddNumberToObject(c, "steps_per_execution", 1);
    cJSON_AddBoolToObject(c, "jit_compile", false);
    return c;
}

static const brain_layer *owner_of(const brain_layer *l) { return l->shared ? l->shared : l; }
#define call_rank brain__node_call_rank

/* {"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history": [layer, node, port]}}
 * (port: which output of the layer's call, Keras's tensor_index) */
static cJSON *keras_tensor(const brain_model *m, int node, int port)
{
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    const brain_node *nd = &m->nodes[node];
    cJSON_AddItemToObject(c, "shape", batch_shape_json(port ? &nd->extra[port - 1].shape : &nd->shape));
    cJSON_AddStringToObject(c, "dtype", "float32");
    cJSON *h = cJSON_AddArrayToObject(c, "keras_history");
    if (h) {
        cJSON_AddItemToArray(h, cJSON_CreateString(m->nodes[node].layer->name));
        cJSON_AddItemToArray(h, cJSON_CreateNumber(call_rank(m, node)));
        cJSON_AddItemToArray(h, cJSON_CreateNumber(port));
    }
    cJSON *t = cJSON_CreateObject();
    if (!t) { cJSON_Delete(c); return NULL; }
    cJSON_AddStringToObject(t, "class_name", "__keras_tensor__");
    cJSON_AddItemToObject(t, "config", c);
    return t;
}

/* [name, 0, port] for one tensor, [[name, 0, port], ...] for several (Keras mirrors the structure) */
static cJSON *io_layers_json(const brain_model *m, int n, const int *nodes, const int *ports)
{
    cJSON *all = cJSON_CreateArray();
    for (int k = 0; all && k < n; k++) {
        cJSON *e = cJSON_CreateArray();
        cJSON_AddItemToArray(e, cJSON_CreateString(m->nodes[nodes[k]].layer->name));
        cJSON_AddItemToArray(e, cJSON_CreateNumber(call_rank(m, nodes[k])));
        cJSON_AddItemToArray(e, cJSON_CreateNumber(ports ? ports[k] : 0));
        if (n == 1) { cJSON_Delete(all); return e; }
        cJSON_AddItemToArray(all, e);
    }
    return all;
}

/* One inbound node of layer l: its call at node `node` of m. */
static brain_status call_json(const brain_model *m, const brain_layer *l, int node, cJSON *inb)
{
    brain_status s;
    const brain_node *nd = &m->nodes[node];
    cJSON *call = cJSON_CreateObject(), *args = cJSON_CreateArray(), *list = args;
    if (!call || !args) { cJSON_Delete(call); cJSON_Delete(args); return nomem(); }
    cJSON_AddItemToArray(inb, call);
    cJSON_AddItemToObject(call, "args", args);
    cJSON *kwargs = cJSON_AddObjectToObject(call, "kwargs");
    if (!kwargs) return nomem();
    bool training;
    if (brain__model_layer_training(l, &training)) cJSON_AddBoolToObject(kwargs, "training", training);
    if (nd->has_mask_in) cJSON_AddItemToObject(kwargs, "mask", keras_tensor(m, nd->mask_node, nd->mask_port));
    cJSON *ts[BRAIN_MAX_LAYER_INPUTS];
    for (int k = 0; k < nd->n_in; k++) ts[k] = keras_tensor(m, nd->in[k], nd->in_port[k]);
    if (l->vt->call_to_config) { /* named tensors: positional ones in "args", the others in "kwargs" */
        const char *kw[BRAIN_MAX_LAYER_INPUTS] = {NULL};
        if ((s = l->vt->call_to_config(l, kw, kwargs))) {
            for (int k = 0; k < nd->n_in; k++) cJSON_Delete(ts[k]);
            return s;
        }
        if (l->vt->takes_list) { list = cJSON_CreateArray(); cJSON_AddItemToArray(args, list); }
        for (int k = 0; k < nd->n_in; k++) {
            if (kw[k]) cJSON_AddItemToObject(kwargs, kw[k], ts[k]);
            else cJSON_AddItemToArray(list, ts[k]);
        }
        return BRAIN_OK;
    }
    if (l->vt->call_args) return l->vt->call_args(l, args, ts, nd->n_in); /* op layers: tensors among constants */
    bool as_list = l->vt->takes_list || (l->inner && nd->n_in > 1); /* a model with several inputs takes a list */
    if (as_list) { list = cJSON_CreateArray(); cJSON_AddItemToArray(args, list); }
    for (int k = 0; k < nd->n_in; k++) cJSON_AddItemToArray(list, ts[k]);
    return BRAIN_OK;
}

static brain_status functional_config(const brain_model *m, cJSON *cfg)
{
    cJSON *layers = cJSON_AddArrayToObject(cfg, "layers");
    if (!layers) return nomem();
    for (int i = 0; i < m->n_layers; i++) {
        const brain_layer *l = m->layers[i];
        int node = brain__model_node_of_layer(m, l);
        cJSON *e;
        brain_status s = layer_entry(l, &e);
        if (s) return s;
        cJSON_AddItemToArray(layers, e);
        cJSON_AddStringToObject(e, "name", l->name);
        cJSON *inb = cJSON_AddArrayToObject(e, "inbound_nodes");
        if (!inb || node < 0) return nomem();
        if (m->nodes[node].n_in == 0) continue; /* an InputLayer */
        /* every call of the layer in the model, in call order: the layer's own node, then its call layers' */
        if (l->n_calls <= 1) { if ((s = call_json(m, l, node, inb))) return s; continue; }
        for (int rank = 0;; rank++) {
            int at = -1;
            for (int j = 0; j < m->n_nodes && at < 0; j++)
                if (m->nodes[j].layer && owner_of(m->nodes[j].layer) == l && call_rank(m, j) == rank) at = j;
            if (at < 0) break;
            if ((s = call_json(m, m->nodes[at].layer, at, inb))) return s;
        }
    }
    cJSON_AddItemToObject(cfg, "input_layers", io_layers_json(m, m->n_inputs, m->input_nodes, NULL));
    cJSON_AddItemToObject(cfg, "output_layers", io_layers_json(m, m->n_outputs, m->output_nodes, m->output_ports));
    return BRAIN_OK;
}

brain_status brain__model_to_config(const brain_model *m, cJSON **out)
{
    *out = NULL;
    if (!m->built) return brain__fail(BRAIN_ERR_STATE, "model '%s' must be built before it is saved", m->name);
    cJSON *cfg = cJSON_CreateObject();
    if (!cfg) return nomem();
    cJSON_AddStringToObject(cfg, "name", m->name);
    cJSON_AddBoolToObject(cfg, "trainable", true);
    brain_status s = BRAIN_OK;
    cJSON *root;
    if (!m->sequential) {
        if ((s = functional_config(m, cfg))) { cJSON_Delete(cfg); return s; }
        root = envelope("keras.src.models.functional", "Functional", cfg);
        if (!root) return nomem();
        cJSON_ReplaceItemInObject(root, "registered_name", cJSON_CreateString("Functional"));
    } else {
        cJSON_AddStringToObject(cfg, "dtype", "float32");
        cJSON *layers = cJSON_AddArrayToObject(cfg, "layers");
        /* Sequential: the InputLayer is the first entry of "layers" */
        brain_layer *in = brain_input(m->input_shape);
        cJSON *ic = in ? cJSON_CreateObject() : NULL;
        s = ic ? brain__input_vtable.get_config(in, ic) : nomem();
        brain__layer_free(in);
        if (!s) s = brain__cfg_add_string(ic, "name", "input_layer");
        if (s) { cJSON_Delete(ic); cJSON_Delete(cfg); return s; }
        cJSON_AddItemToArray(layers, envelope("keras.layers", "InputLayer", ic));
        for (int i = 0; i < m->n_layers; i++) {
            cJSON *e;
            if ((s = layer_entry(m->layers[i], &e))) { cJSON_Delete(cfg); return s; }
            cJSON_AddItemToArray(layers, e);
        }
        cJSON_AddItemToObject(cfg, "build_input_shape", batch_shape_json(&m->input_shape));
        root = envelope("keras", "Sequential", cfg);
        if (!root) return nomem();
        cJSON *bc = cJSON_AddObjectToObject(root, "build_config");
        if (bc) cJSON_AddItemToObject(bc, "input_shape", batch_shape_json(&m->input_shape));
    }
    if (m->compiled) cJSON_AddItemToObject(root, "compile_config", compile_json(m));
    *out = root;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ reading */
static const char *str_member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "float32", {"class_name": "DTypePolicy", "config": {"name": "float32"}} or absent */
static bool dtype_is_float32(const cJSON *cfg)
{
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(cfg, "dtype");
    if (!dt || cJSON_IsNull(dt)) return true;
    if (cJSON_IsObject(dt)) dt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(dt, "config"), "name");
    return cJSON_IsString(dt) && !strcmp(dt->valuestring, "float32");
}

/* A layer from its entry {"class_name", "config", ...} through the registry. */
static brain_status layer_from_entry(const cJSON *e, const char *file, int index, brain_layer **out)
{
    *out = NULL;
    const char *cls = str_member(e, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
    if (!cls || !cJSON_IsObject(cfg))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer %d of the model config has no class_name or config", file, index);
    if (!strcmp(cls, "Functional") || !strcmp(cls, "Sequential") || !strcmp(cls, "Model")) { /* a model used as a layer */
        brain_model *inner;
        brain_status s = brain__model_from_config(e, file, &inner);
        if (s) return s;
        brain_layer *l = brain__model_layer_new(inner, false, false);
        if (!l) { brain_model_free(inner); return BRAIN_ERR_NOMEM; }
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(cfg, "trainable");
        if (cJSON_IsFalse(tr)) l->trainable = false; /* its layers carry their own flags */
        *out = l;
        return BRAIN_OK;
    }
    const brain_layer_vtable *vt = brain__layer_vtable_by_class(cls);
    if (!vt || !vt->from_config)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' is a %.64s, a layer class this library does not have",
                           file, brain__cfg_layer_name(cfg), cls);
    if (strcmp(cls, "InputLayer") && !dtype_is_float32(cfg)) /* InputLayer checks its own dtype */
        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' has a dtype other than float32, which this library does not support",
                           file, brain__cfg_layer_name(cfg));
    brain_clear_error();
    brain_layer *l = vt->from_config(cfg);
    if (l && cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(cfg, "trainable"))) /* a frozen layer stays frozen (every class) */
        l->trainable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "trainable"));
    if (!l) {
        char why[700];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' (%s): %s", file, brain__cfg_layer_name(cfg), cls,
                           why[0] ? why : "its config could not be read");
    }
    *out = l;
    return BRAIN_OK;
}

/* An input shape from [null, d1, ...]; every axis but the batch known and the total sane. */
static brain_status shape_from_batch_shape(const cJSON *a, const char *file, const char *what, brain_shape *out)
{
    int n = cJSON_GetArraySize(a);
    if (!cJSON_IsArray(a) || n < 2 || n > BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: %s must be [null, d1, ...] with 1 to %d dimensions", file, what, BRAIN_MAX_DIMS - 1);
    out->ndim = n - 1;
    double total = 1;
    int i = 0;
    for (const cJSON *e = a->child->next; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble != floor(e->valuedouble) || e->valuedouble > 1e9)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: %s: dimension %d must be a positive integer", file, what, i + 1);
        out->dims[i] = brain__to_i64(e->valuedouble);
        total *= e->valuedouble;
    }
    if (total > (double)(1 << 28))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: %s gives %.0f values per sample, more than this loader accepts (2^28)",
                           file, what, total);
    return BRAIN_OK;
}

static brain_status sequential_from_config(const cJSON *root, const cJSON *cfg, const char *file, brain_model **out)
{
    const cJSON *layers = cJSON_IsArray(cfg) ? cfg : cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    if (!cJSON_IsArray(layers))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the Sequential config has no \"layers\" array", file);
    const char *name = cJSON_IsObject(cfg) ? str_member(cfg, "name") : NULL;
    if (name && strlen(name) >= BRAIN_NAME_MAX) name = NULL;
    brain_model *m = brain_sequential(name);
    if (!m) return BRAIN_ERR_NOMEM;
    brain_status s = BRAIN_OK;
    int index = 0;
    for (const cJSON *e = layers->child; e && !s; e = e->next, index++) {
        const char *cls = str_member(e, "class_name");
        const cJSON *lc = cJSON_GetObjectItemCaseSensitive(e, "config");
        if (cls && !strcmp(cls, "InputLayer")) {
            if (index != 0) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: an InputLayer can only be the first layer", file); break; }
            brain_layer *il;
            if (!(s = layer_from_entry(e, file, index, &il))) s = brain_model_add(m, il);
            continue;
        }
        if (index == 0 && cJSON_IsObject(lc)) { /* Keras 2: the first layer carries batch_input_shape */
            const cJSON *bs = cJSON_GetObjectItemCaseSensitive(lc, "batch_input_shape");
            brain_shape shape;
            if (bs && !(s = shape_from_batch_shape(bs, file, "batch_input_shape", &shape))) s = brain_model_add(m, brain_input(shape));
            if (s) break;
        }
        brain_layer *l;
        if ((s = layer_from_entry(e, file, index, &l))) break;
        if ((s = brain_model_add(m, l))) {
            char why[700];
            snprintf(why, sizeof why, "%s", brain_last_error());
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: %s", file, why);
        }
    }
    if (!s && !m->has_input) { /* Keras 3 without an InputLayer entry: build_input_shape */
        const cJSON *bs = cJSON_IsObject(cfg) ? cJSON_GetObjectItemCaseSensitive(cfg, "build_input_shape") : NULL;
        if (!bs) bs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "build_config"), "input_shape");
        brain_shape shape;
        if (!bs) s = brain__fail(BRAIN_ERR_FORMAT, "%s: the model config gives no input shape", file);
        else if (!(s = shape_from_batch_shape(bs, file, "build_input_shape", &shape))) {
            m->input_shape = shape;
            m->has_input = true;
        }
    }
    if (!s) {
        s = brain_model_build(m);
        if (s) {
            char why[700];
            snprintf(why, sizeof why, "%s", brain_last_error());
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: the model cannot be built: %s", file, why);
        }
    }
    if (s) { brain_model_free(m); return s; }
    *out = m;
    return BRAIN_OK;
}


/* ------------------------------------------------------------------ functional */
static int layer_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name)) return i;
    return -1;
}

/* The layer name a tensor reference points at: Keras 3 {"class_name": "__keras_tensor__",
 * "config": {"keras_history": [name, node, tensor]}} or Keras 2 [name, node, tensor, {kwargs}].
 * *port = the tensor index (which output of the layer's call), *node = the node index (which call
 * of the layer); NULL when it is no reference, "" when an index is not a small integer. */
static const char *tensor_ref_node(const cJSON *t, int *node_index, int *port)
{
    *port = 0;
    *node_index = 0;
    const cJSON *h = cJSON_IsArray(t) ? t : cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t, "config"), "keras_history");
    if (!cJSON_IsArray(h) || !cJSON_IsString(h->child)) return NULL;
    const cJSON *node = h->child->next, *tensor = node ? node->next : NULL;
    if (!cJSON_IsNumber(node) || node->valuedouble < 0 || node->valuedouble >= 100000 || node->valuedouble != brain__to_int(node->valuedouble) ||
        !cJSON_IsNumber(tensor) || tensor->valuedouble < 0 || tensor->valuedouble >= 1000 || tensor->valuedouble != brain__to_int(tensor->valuedouble))
        return "";
    *port = brain__to_int(tensor->valuedouble);
    *node_index = brain__to_int(node->valuedouble);
    return h->child->valuestring;
}

static const char *tensor_ref_port(const cJSON *t, int *port)
{
    int node;
    const char *r = tensor_ref_node(t, &node, port);
    return r && node != 0 ? "" : r;
}

/* The layers of a functional config by name, with their calls: call k >= 1 of layer i is spec
 * entry first_extra[i] + k - 1 (n_calls[i] calls in all). */
typedef struct refmap {
    const char *const *names; int n;
    const int *n_calls, *first_extra;
} refmap;

static bool is_tensor_ref(const cJSON *t)
{
    int port;
    return cJSON_IsObject(t) ? tensor_ref_port(t, &port) != NULL : false;
}

/* One tensor argument: the spec entry of the layer call it names and which output. */
static brain_status resolve_ref(const cJSON *t, const char *lname, const char *file, const refmap *rm, int *idx, int *port)
{
    int node;
    const char *ref = tensor_ref_node(t, &node, port);
    *idx = ref && *ref ? layer_index(rm->names, rm->n, ref) : -1;
    if (*idx >= 0 && node > 0) {
        if (!rm->n_calls || node >= rm->n_calls[*idx])
            return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' takes an input from call %d of layer '%.64s', which is "
                               "called %d time%s", file, lname, node, ref, rm->n_calls ? rm->n_calls[*idx] : 1,
                               rm->n_calls && rm->n_calls[*idx] == 1 ? "" : "s");
        *idx = rm->first_extra[*idx] + node - 1;
    }
    if (*idx < 0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' takes an input from %s%.64s%s, which is not a layer of the "
                                             "model", file, lname, ref && *ref ? "'" : "",
                           ref && *ref ? ref : "an unreadable reference", ref && *ref ? "'" : "");
    return BRAIN_OK;
}

/* A call of a layer with named tensors (vt->call_names): positional "args", then keyword tensors. */
static brain_status read_named_call(brain_layer *l, const cJSON *node, const char *lname, const char *file,
                                    const refmap *rm, int *n_in, int in[BRAIN_MAX_LAYER_INPUTS],
                                    int port[BRAIN_MAX_LAYER_INPUTS])
{
    const char *const *ca = l->vt->call_names;
    int n_ca = 0, idx[BRAIN_MAX_LAYER_INPUTS], pt[BRAIN_MAX_LAYER_INPUTS];
    bool present[BRAIN_MAX_LAYER_INPUTS] = {false};
    while (ca[n_ca]) n_ca++;
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(node, "args"), *kwargs = cJSON_GetObjectItemCaseSensitive(node, "kwargs");
    int k = 0;
    for (const cJSON *t = cJSON_IsArray(args) ? args->child : NULL; t; t = t->next, k++) {
        if (k >= n_ca) return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' is called with more than %d tensors", file, lname, n_ca);
        brain_status s = resolve_ref(t, lname, file, rm, &idx[k], &pt[k]);
        if (s) return s;
        present[k] = true;
    }
    for (int a = 0; a < n_ca; a++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(kwargs, ca[a]);
        if (!t || cJSON_IsNull(t)) continue;
        if (present[a]) return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' gets %s twice", file, lname, ca[a]);
        if (!is_tensor_ref(t)) return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s': call argument %s is not a tensor", file, lname, ca[a]);
        brain_status s = resolve_ref(t, lname, file, rm, &idx[a], &pt[a]);
        if (s) return s;
        present[a] = true;
    }
    for (int a = 0; a < n_ca; a++)
        if (present[a]) { in[*n_in] = idx[a]; port[(*n_in)++] = pt[a]; }
    return l->vt->call_from_config(l, present, kwargs);
}

/* One call of a layer from its entry in "inbound_nodes": the tensors among the args (in order; op
 * layers' constants are skipped here and read by the op's loader, ops.c), with the output each
 * takes, and the kwargs' mask= tensor (*mask = -1 when none); a model layer's training=. */
static brain_status read_inbound(const cJSON *node, brain_layer *l, const char *lname, const char *file, const refmap *rm,
                                 int *n_in, int in[BRAIN_MAX_LAYER_INPUTS], int port[BRAIN_MAX_LAYER_INPUTS],
                                 int *mask, int *mask_port, bool is_op)
{
    *n_in = 0;
    *mask = -1;
    *mask_port = 0;
    if (!node) return BRAIN_OK;
    const cJSON *refs;
    if (l && l->inner && cJSON_IsObject(node)) { /* base(x, training=False) */
        const cJSON *tr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "kwargs"), "training");
        if (cJSON_IsBool(tr)) brain__model_layer_set_training(l, true, cJSON_IsTrue(tr));
    }
    if (l && l->vt->call_names && cJSON_IsObject(node)) return read_named_call(l, node, lname, file, rm, n_in, in, port);
    if (cJSON_IsArray(node)) refs = node; /* Keras 2: [[name, 0, 0, {}], ...] */
    else {
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(node, "args");
        if (is_op) { /* an op's args: tensors, lists of tensors and constants, in call order */
            for (const cJSON *a = cJSON_IsArray(args) ? args->child : NULL; a; a = a->next) {
                const cJSON *list = cJSON_IsArray(a) ? a : NULL;
                for (const cJSON *t = list ? list->child : a; t; t = list ? t->next : NULL) {
                    if (!is_tensor_ref(t)) continue;
                    if (*n_in >= BRAIN_MAX_LAYER_INPUTS)
                        return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' has more than %d inputs", file, lname, BRAIN_MAX_LAYER_INPUTS);
                    brain_status s = resolve_ref(t, lname, file, rm, &in[*n_in], &port[*n_in]);
                    if (s) return s;
                    (*n_in)++;
                }
            }
            refs = NULL;
        } else if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) != 1)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s': inbound node args must hold one tensor or one list", file, lname);
        else refs = cJSON_IsArray(args->child) ? args->child : args;
        const cJSON *mk = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(node, "kwargs"), "mask");
        if (mk && !cJSON_IsNull(mk)) { /* Keras 3's explicit mask= (e.g. a NotEqual op's output) */
            brain_status s = resolve_ref(mk, lname, file, rm, mask, mask_port);
            if (s) return s;
        }
    }
    for (const cJSON *t = refs ? refs->child : NULL; t; t = t->next) {
        if (*n_in >= BRAIN_MAX_LAYER_INPUTS)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' has more than %d inputs", file, lname, BRAIN_MAX_LAYER_INPUTS);
        brain_status s = resolve_ref(t, lname, file, rm, &in[*n_in], &port[*n_in]);
        if (s) return s;
        (*n_in)++;
    }
    if (l && l->vt->call_from_config) /* call keyword arguments (Attention's use_causal_mask) */
        return l->vt->call_from_config(l, NULL, cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, "kwargs") : NULL);
    return BRAIN_OK;
}

/* input_layers / output_layers: [name, 0, k] or [[name, 0, k], ...]; ports (may be NULL) gets each k */
static brain_status read_io(const cJSON *v, const char *key, const char *file, const refmap *rm, int *n, int *idx,
                            int *ports)
{
    *n = 0;
    if (!cJSON_IsArray(v) || !v->child) return brain__fail(BRAIN_ERR_FORMAT, "%s: the model config's %s is missing", file, key);
    bool flat = cJSON_IsString(v->child);
    for (const cJSON *e = flat ? v : v->child; e; e = flat ? NULL : e->next) {
        int port, i;
        brain_status s = resolve_ref(e, key, file, rm, &i, &port);
        if (s) return s;
        if (*n >= BRAIN_MAX_IO) return brain__fail(BRAIN_ERR_FORMAT, "%s: more than %d %s", file, BRAIN_MAX_IO, key);
        if (!ports && port) return brain__fail(BRAIN_ERR_FORMAT, "%s: %s names output %d of '%.64s'; an input is a layer's first output", file, key, port, rm->names[i < rm->n ? i : 0]);
        if (ports) ports[*n] = port;
        idx[(*n)++] = i;
    }
    return BRAIN_OK;
}

static brain_status functional_from_config(const cJSON *cfg, const char *file, brain_model **out)
{
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(cfg, "layers");
    int nl = cJSON_GetArraySize(layers);
    if (!cJSON_IsArray(layers) || nl < 2 || nl > 100000)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the Functional config has no usable \"layers\" array", file);
    /* the spec's entries: one per call; layer i's first call is entry i, its later calls come after
     * every layer's first (entry first_extra[i] + k - 1 for call k), sharing the layer */
    int n = 0;
    for (const cJSON *e = layers->child; e; e = e->next) {
        int nc = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "inbound_nodes"));
        if (nc > 10000) return brain__fail(BRAIN_ERR_FORMAT, "%s: a layer is called %d times", file, nc);
        n += nc > 1 ? nc : 1;
    }
    brain_layer **ls = brain__alloc_array((size_t)n, sizeof *ls);
    const char **names = brain__alloc_array((size_t)nl, sizeof *names);
    int *n_calls = brain__alloc_array((size_t)nl, sizeof *n_calls), *first_extra = brain__alloc_array((size_t)nl, sizeof *first_extra);
    int *n_in = brain__alloc_array((size_t)n, sizeof *n_in);
    int (*in)[BRAIN_MAX_LAYER_INPUTS] = brain__alloc_array((size_t)n, sizeof *in);
    int (*port)[BRAIN_MAX_LAYER_INPUTS] = brain__alloc_array((size_t)n, sizeof *port);
    int *mask = brain__alloc_array((size_t)n, sizeof *mask), *mask_port = brain__alloc_array((size_t)n, sizeof *mask_port);
    int inputs[BRAIN_MAX_IO], outputs[BRAIN_MAX_IO], output_ports[BRAIN_MAX_IO], n_inputs = 0, n_outputs = 0;
    brain_status s = ls && names && n_calls && first_extra && n_in && in && port && mask && mask_port ? BRAIN_OK : BRAIN_ERR_NOMEM;
    refmap rm = {.names = names, .n = 0, .n_calls = n_calls, .first_extra = first_extra};
    int i = 0, extra = nl;
    for (const cJSON *e = layers->child; !s && e; e = e->next) { /* the layers */
        const char *nm = str_member(e, "name");
        if (!nm) nm = brain__cfg_layer_name(cJSON_GetObjectItemCaseSensitive(e, "config"));
        if (layer_index(names, i, nm) >= 0) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: two layers are named '%.64s'", file, nm); break; }
        names[i] = nm;
        bool is_op = brain__is_op_entry(e);
        if ((s = is_op ? brain__op_from_entry(e, file, &ls[i]) : layer_from_entry(e, file, i, &ls[i]))) break;
        if (strlen(nm) < BRAIN_NAME_MAX) { strcpy(ls[i]->name, nm); ls[i]->name_given = true; }
        int nc = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "inbound_nodes"));
        n_calls[i] = nc > 1 ? nc : 1;
        first_extra[i] = extra;
        if (nc > 1 && (is_op || ls[i]->vt->call_names || ls[i]->vt->call_from_config))
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' (%s) is called %d times; a %s cannot be shared in this library",
                            file, nm, ls[i]->vt->class_name, nc, is_op ? "keras.ops call" : "layer with call arguments");
        for (int k = 1; !s && k < nc; k++) ls[extra++] = ls[i];
        i++;
        rm.n = i;
    }
    for (int li = 0; !s && li < nl; li++) { /* their calls, each naming any layer's call */
        const cJSON *e = cJSON_GetArrayItem(layers, li);
        const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(e, "inbound_nodes");
        const char *cls = str_member(e, "class_name");
        bool is_op = brain__is_op_entry(e);
        for (int k = 0; !s && k < n_calls[li]; k++) {
            int at = k == 0 ? li : first_extra[li] + k - 1;
            const cJSON *node = cJSON_IsArray(nodes) ? cJSON_GetArrayItem(nodes, k) : NULL;
            s = read_inbound(node, ls[li], names[li], file, &rm, &n_in[at], in[at], port[at], &mask[at], &mask_port[at], is_op);
            if (!s && cls && !strcmp(cls, "InputLayer") != (n_in[at] == 0))
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: layer '%.64s' %s", file, names[li],
                                n_in[at] ? "is an InputLayer with inputs" : "has no inputs");
        }
    }
    if (!s) s = read_io(cJSON_GetObjectItemCaseSensitive(cfg, "input_layers"), "input_layers", file, &rm, &n_inputs, inputs, NULL);
    if (!s) s = read_io(cJSON_GetObjectItemCaseSensitive(cfg, "output_layers"), "output_layers", file, &rm, &n_outputs, outputs,
                        output_ports);
    const char *name = str_member(cfg, "name");
    if (name && strlen(name) >= BRAIN_NAME_MAX) name = NULL;
    brain_model *m = NULL;
    if (!s) {
        brain__functional_spec sp = { .name = name, .n_layers = n, .layers = ls, .n_inbound = n_in,
                                      .inbound = (const int (*)[BRAIN_MAX_LAYER_INPUTS])in,
                                      .n_inputs = n_inputs, .inputs = inputs, .n_outputs = n_outputs, .outputs = outputs,
                                      .inbound_port = (const int (*)[BRAIN_MAX_LAYER_INPUTS])port, .output_ports = output_ports,
                                      .mask_layer = mask, .mask_port = mask_port };
        m = brain__functional_from_spec(&sp); /* takes the layers */
        if (!m) {
            char why[700];
            snprintf(why, sizeof why, "%s", brain_last_error());
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: the model cannot be built: %s", file, why);
        }
    } else {
        for (int k = 0; ls && k < rm.n; k++) if (ls[k]) brain__layer_free(ls[k]); /* the layers (entries < nl), each once */
    }
    free(n_calls); free(first_extra);
    free(ls); free(names); free(n_in); free(in); free(port); free(mask); free(mask_port);
    if (!s) *out = m;
    return s;
}

brain_status brain__model_from_config(const cJSON *root, const char *file, brain_model **out)
{
    *out = NULL;
    const char *cls = str_member(root, "class_name");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    if (!cls || !cfg) return brain__fail(BRAIN_ERR_FORMAT, "%s: the model config has no class_name or config", file);
    if (!strcmp(cls, "Sequential")) return sequential_from_config(root, cfg, file, out);
    if (!strcmp(cls, "Functional") || !strcmp(cls, "Model")) return functional_from_config(cfg, file, out);
    return brain__fail(BRAIN_ERR_FORMAT, "%s: the model is a %.64s; this library loads Sequential and Functional models", file, cls);
}

/* ------------------------------------------------------------------ compile config */
static brain_status optimizer_from_json(const cJSON *v, const char *file, brain_optimizer **out)
{
    *out = NULL;
    if (cJSON_IsString(v)) {
        *out = brain_optimizer_from_name(v->valuestring);
        return *out ? BRAIN_OK : brain__fail(BRAIN_ERR_FORMAT, "%s: unknown optimizer \"%.64s\"", file, v->valuestring);
    }
    const char *cls = str_member(v, "class_name");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    if (!cls || !cJSON_IsObject(c)) return brain__fail(BRAIN_ERR_FORMAT, "%s: the optimizer config has no class_name or config", file);
    double lr, wd, cn, gcn, cv, b1, b2, eps, rho, mom, emam, lsf, iav, lrp, l1, l2, l2s, fbeta, b2d, e1, e2, ct;
    bool rel_step;
    int64_t emaf, gas;
    bool nesterov, amsgrad, centered, ema;
    const char *lr_key = cJSON_GetObjectItemCaseSensitive(c, "learning_rate") ? "learning_rate" : "lr"; /* Keras 2.0 */
    brain_lr_schedule *sched = NULL;
    const cJSON *lrv = cJSON_GetObjectItemCaseSensitive(c, lr_key);
    if (cJSON_IsObject(lrv)) {
        brain_status s = brain__schedule_from_json(lrv, file, &sched);
        if (s) return s;
    }
    const bool ftrl = !strcmp(cls, "Ftrl");
    if ((!sched && brain__cfg_get_number_or(c, lr_key, 0, &lr)) || brain__cfg_get_number_or(c, "weight_decay", 0, &wd) ||
        brain__cfg_get_number_or(c, "clipnorm", 0, &cn) || brain__cfg_get_number_or(c, "global_clipnorm", 0, &gcn) ||
        brain__cfg_get_number_or(c, "clipvalue", 0, &cv) || brain__cfg_get_number_or(c, "beta_1", 0, &b1) ||
        brain__cfg_get_number_or(c, "beta_2", 0, &b2) || brain__cfg_get_number_or(c, "epsilon", 0, &eps) ||
        brain__cfg_get_number_or(c, "rho", 0, &rho) || brain__cfg_get_number_or(c, "momentum", 0, &mom) ||
        brain__cfg_get_bool_or(c, "nesterov", false, &nesterov) || brain__cfg_get_bool_or(c, "amsgrad", false, &amsgrad) ||
        brain__cfg_get_bool_or(c, "centered", false, &centered) || brain__cfg_get_bool_or(c, "use_ema", false, &ema) ||
        brain__cfg_get_number_or(c, "ema_momentum", 0.99, &emam) ||
        brain__cfg_get_int_or(c, "ema_overwrite_frequency", 0, 1 << 30, 0, &emaf) ||
        brain__cfg_get_int_or(c, "gradient_accumulation_steps", 0, 1 << 30, 0, &gas) ||
        brain__cfg_get_number_or(c, "loss_scale_factor", 0, &lsf) ||
        brain__cfg_get_number_or(c, "initial_accumulator_value", 0.1, &iav) ||
        brain__cfg_get_number_or(c, "learning_rate_power", -0.5, &lrp) ||
        brain__cfg_get_number_or(c, "l1_regularization_strength", 0, &l1) ||
        brain__cfg_get_number_or(c, "l2_regularization_strength", 0, &l2) ||
        brain__cfg_get_number_or(c, "l2_shrinkage_regularization_strength", 0, &l2s) ||
        brain__cfg_get_number_or(c, "beta", 0, &fbeta) || brain__cfg_get_number_or(c, "beta_2_decay", -0.8, &b2d) ||
        brain__cfg_get_number_or(c, "epsilon_1", 1e-30, &e1) || brain__cfg_get_number_or(c, "epsilon_2", 1e-3, &e2) ||
        brain__cfg_get_number_or(c, "clip_threshold", 1.0, &ct) || brain__cfg_get_bool_or(c, "relative_step", true, &rel_step)) {
        char why[700];
        snprintf(why, sizeof why, "%s", brain_last_error());
        brain_lr_schedule_free(sched);
        return brain__fail(BRAIN_ERR_FORMAT, "%s: optimizer %.32s: %s", file, cls, why);
    }
    if (sched) lr = 0;
    (void)ftrl;
    const char *name = str_member(c, "name");
    brain_optimizer_common common = { .clipnorm = (float)cn, .clipvalue = (float)cv, .global_clipnorm = (float)gcn,
                                      .weight_decay = (float)wd, .name = name, .use_ema = ema,
                                      .ema_momentum = (float)emam, .has_ema_momentum = true,
                                      .ema_overwrite_frequency = (int)emaf, .gradient_accumulation_steps = (int)gas,
                                      .loss_scale_factor = (float)lsf, .learning_rate_schedule = sched };
    brain_adam_options ao = { .learning_rate = (float)lr, .beta_1 = (float)b1, .beta_2 = (float)b2, .epsilon = (float)eps,
                              .amsgrad = amsgrad, .common = common };
    if (!strcmp(cls, "SGD"))
        *out = brain_sgd(&(brain_sgd_options){ .learning_rate = (float)lr, .momentum = (float)mom, .nesterov = nesterov, .common = common });
    else if (!strcmp(cls, "Adam")) *out = brain_adam(&ao);
    else if (!strcmp(cls, "AdamW")) *out = brain_adamw(&ao);
    else if (!strcmp(cls, "Adamax")) *out = brain_adamax(&ao);
    else if (!strcmp(cls, "Nadam")) *out = brain_nadam(&ao);
    else if (!strcmp(cls, "RMSprop"))
        *out = brain_rmsprop(&(brain_rmsprop_options){ .learning_rate = (float)lr, .rho = (float)rho, .momentum = (float)mom,
                                                       .epsilon = (float)eps, .centered = centered, .common = common });
    else if (!strcmp(cls, "Adagrad"))
        *out = brain_adagrad(&(brain_adagrad_options){ .learning_rate = (float)lr, .initial_accumulator_value = (float)iav,
                                                       .has_initial_accumulator_value = true, .epsilon = (float)eps,
                                                       .common = common });
    else if (!strcmp(cls, "Adadelta"))
        *out = brain_adadelta(&(brain_adadelta_options){ .learning_rate = (float)lr, .rho = (float)rho, .epsilon = (float)eps,
                                                         .common = common });
    else if (!strcmp(cls, "Lion"))
        *out = brain_lion(&(brain_lion_options){ .learning_rate = (float)lr, .beta_1 = (float)b1, .beta_2 = (float)b2,
                                                 .common = common });
    else if (ftrl)
        *out = brain_ftrl(&(brain_ftrl_options){ .learning_rate = (float)lr, .learning_rate_power = (float)lrp,
                                                 .has_learning_rate_power = true, .initial_accumulator_value = (float)iav,
                                                 .has_initial_accumulator_value = true, .l1_regularization_strength = (float)l1,
                                                 .l2_regularization_strength = (float)l2,
                                                 .l2_shrinkage_regularization_strength = (float)l2s, .beta = (float)fbeta,
                                                 .common = common });
    else if (!strcmp(cls, "Adafactor"))
        *out = brain_adafactor(&(brain_adafactor_options){ .learning_rate = (float)lr, .beta_2_decay = (float)b2d,
                                                           .has_beta_2_decay = true, .epsilon_1 = (float)e1,
                                                           .epsilon_2 = (float)e2, .clip_threshold = (float)ct,
                                                           .relative_step = rel_step ? BRAIN_ON : BRAIN_OFF, .common = common });
    else {
        brain_lr_schedule_free(sched);
        return brain__fail(BRAIN_ERR_FORMAT, "%s: optimizer \"%.64s\" is not one this library has (SGD, Adam, AdamW, RMSprop, "
                           "Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl, Adafactor)", file, cls);
    }
    if (!*out) {
        char why[700];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_FORMAT, "%s: optimizer %.32s: %s", file, cls, why);
    }
    return BRAIN_OK;
}

static brain_status loss_from_json(const cJSON *v, const char *file, brain_loss **out)
{
    *out = NULL;
    const char *fcls = cJSON_IsObject(v) ? str_member(v, "class_name") : NULL;
    if (fcls && !strcmp(fcls, "function")) { /* a registered loss function (brain_register_loss) */
        const char *reg = str_member(v, "config");
        *out = brain__loss_custom_registered(reg);
        return *out ? BRAIN_OK : brain__fail(BRAIN_ERR_FORMAT, "%s: loss function \"%.64s\" is not registered "
                                             "(brain_register_loss)", file, reg ? reg : "(none)");
    }
    if (cJSON_IsString(v)) {
        *out = brain_loss_from_name(v->valuestring);
        return *out ? BRAIN_OK : brain__fail(BRAIN_ERR_FORMAT, "%s: unknown loss \"%.64s\"", file, v->valuestring);
    }
    const char *cls = str_member(v, "class_name");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    int kind = -1;
    for (int k = 0; cls && k < (int)(sizeof k_loss_class / sizeof k_loss_class[0]); k++)
        if (!strcmp(cls, k_loss_class[k])) kind = k;
    for (int k = BRAIN_LOSS_BINARY_FOCAL; cls && kind < 0 && k < BRAIN_LOSS_KIND_COUNT; k++)
        if (!strcmp(cls, brain__loss_extra_class((brain_loss_kind)k))) kind = k;
    if (kind < 0) return brain__fail(BRAIN_ERR_FORMAT, "%s: unknown loss class \"%.64s\"", file, cls ? cls : "(none)");
    double ls, delta, alpha, gamma, beta;
    bool logits, balance;
    brain_loss_options o = { .name = str_member(c, "name") };
    if (brain__cfg_get_number_or(c, "label_smoothing", 0, &ls) || brain__cfg_get_number_or(c, "delta", 1, &delta) ||
        brain__cfg_get_bool_or(c, "from_logits", false, &logits) ||
        brain__cfg_get_number_or(c, "alpha", kind == BRAIN_LOSS_TVERSKY ? 0.5 : 0.25, &alpha) ||
        brain__cfg_get_number_or(c, "gamma", 2.0, &gamma) || brain__cfg_get_number_or(c, "beta", 0.5, &beta) ||
        brain__cfg_get_bool_or(c, "apply_class_balancing", false, &balance))
        return BRAIN_ERR_FORMAT;
    if (o.name && strlen(o.name) >= BRAIN_NAME_MAX) o.name = NULL;
    if (kind >= BRAIN_LOSS_BINARY_FOCAL) {
        const cJSON *ax = cJSON_GetObjectItemCaseSensitive(c, "axis");
        bool none_axis = kind == BRAIN_LOSS_TVERSKY || kind == BRAIN_LOSS_DICE;
        if (ax && !(none_axis ? cJSON_IsNull(ax) : (cJSON_IsNumber(ax) && ax->valuedouble == -1)))
            return brain__fail(BRAIN_ERR_FORMAT, "%s: loss %.32s: axis must be %s in this library", file, cls,
                               none_axis ? "null (the whole batch)" : "-1");
        brain_focal_loss_options fo = { .from_logits = logits, .label_smoothing = (float)ls, .alpha = (float)alpha,
                                        .has_alpha = true, .gamma = (float)gamma, .has_gamma = true,
                                        .apply_class_balancing = balance, .name = o.name };
        brain_loss_options po = { .name = o.name };
        switch ((brain_loss_kind)kind) {
        case BRAIN_LOSS_BINARY_FOCAL: *out = brain_loss_binary_focal_crossentropy(&fo); break;
        case BRAIN_LOSS_CATEGORICAL_FOCAL: *out = brain_loss_categorical_focal_crossentropy(&fo); break;
        case BRAIN_LOSS_TVERSKY:
            *out = brain_loss_tversky(&(brain_tversky_options){ .alpha = (float)alpha, .has_alpha = true, .beta = (float)beta,
                                                                .has_beta = true, .name = o.name });
            break;
        default: {
            brain_loss *(*mk[])(const brain_loss_options *) = {
                [BRAIN_LOSS_KLD] = brain_loss_kl_divergence, [BRAIN_LOSS_POISSON] = brain_loss_poisson,
                [BRAIN_LOSS_COSINE] = brain_loss_cosine_similarity, [BRAIN_LOSS_LOG_COSH] = brain_loss_log_cosh,
                [BRAIN_LOSS_HINGE] = brain_loss_hinge, [BRAIN_LOSS_SQUARED_HINGE] = brain_loss_squared_hinge,
                [BRAIN_LOSS_CATEGORICAL_HINGE] = brain_loss_categorical_hinge,
                [BRAIN_LOSS_MAPE] = brain_loss_mean_absolute_percentage_error,
                [BRAIN_LOSS_MSLE] = brain_loss_mean_squared_logarithmic_error, [BRAIN_LOSS_DICE] = brain_loss_dice,
            };
            *out = mk[kind](&po);
        }
        }
        return *out ? BRAIN_OK : BRAIN_ERR_FORMAT;
    }
    o.label_smoothing = (float)ls;
    o.delta = (float)delta;
    o.from_logits = logits;
    switch ((brain_loss_kind)kind) {
    case BRAIN_LOSS_MSE: *out = brain_loss_mse(&o); break;
    case BRAIN_LOSS_MAE: *out = brain_loss_mae(&o); break;
    case BRAIN_LOSS_HUBER: *out = brain_loss_huber(&o); break;
    case BRAIN_LOSS_BCE: *out = brain_loss_binary_crossentropy(&o); break;
    case BRAIN_LOSS_CCE: *out = brain_loss_categorical_crossentropy(&o); break;
    case BRAIN_LOSS_SCCE: *out = brain_loss_sparse_categorical_crossentropy(&o); break;
    default: break;
    }
    return *out ? BRAIN_OK : BRAIN_ERR_FORMAT;
}

/* ["accuracy", ...] (strings, or objects whose class_name names the metric); NULL-terminated */
static brain_status metric_names(const cJSON *v, const char *file, const char **names, int cap)
{
    int n = 0;
    names[0] = NULL;
    if (!v || cJSON_IsNull(v)) return BRAIN_OK;
    if (cJSON_IsObject(v) || (cJSON_IsArray(v) && v->child && cJSON_IsArray(v->child)))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: per-output metrics are not supported (single-output models only)", file);
    if (!cJSON_IsArray(v)) return brain__fail(BRAIN_ERR_FORMAT, "%s: \"metrics\" must be a list", file);
    for (const cJSON *e = v->child; e; e = e->next) {
        const char *s = cJSON_IsString(e) ? e->valuestring : str_member(e, "class_name");
        if (s && !strcmp(s, "MeanMetricWrapper")) /* tf.keras 2: {"config": {"name": "accuracy", "fn": ...}} */
            s = str_member(cJSON_GetObjectItemCaseSensitive(e, "config"), "name");
        if (!s) return brain__fail(BRAIN_ERR_FORMAT, "%s: a metric entry is neither a name nor a class", file);
        if (n + 1 >= cap) return brain__fail(BRAIN_ERR_FORMAT, "%s: more than %d metrics", file, cap - 1);
        names[n++] = s;
        names[n] = NULL;
    }
    return BRAIN_OK;
}

/* The same list as metric objects: issue 12's metric classes keep their options (metrics_extra.c),
 * the others are made from their names.  out is NULL-terminated; on failure nothing is left. */
static brain_status metric_objects(const cJSON *v, const char *file, const char *const *names, brain_metric **out, int cap)
{
    int n = 0;
    out[0] = NULL;
    const cJSON *e = cJSON_IsArray(v) ? v->child : NULL;
    for (int i = 0; names[i] && n + 1 < cap; i++, e = e ? e->next : NULL) {
        brain_metric *mt = NULL;
        const char *cls = cJSON_IsObject(e) ? str_member(e, "class_name") : NULL;
        bool extra = false;
        const char *reg = cJSON_IsObject(e) ? str_member(e, "registered_name") : NULL;
        if (reg && (mt = brain__metric_custom_registered(reg, str_member(cJSON_GetObjectItemCaseSensitive(e, "config"), "name"))))
            extra = true; /* brain_register_metric: the log key is the config's name */
        else if (cls && strcmp(cls, "MeanMetricWrapper")) {
            brain_status s = brain__metric_extra_from_json(e, file, &mt);
            extra = !s;
            if (s) brain_clear_error();
            /* plain AUC (no multi_label) comes back as the AUC brain_metric_auc makes: fine */
        }
        if (!extra) mt = brain_metric_from_name(names[i]);
        if (!mt) {
            for (int j = 0; j < n; j++) brain_metric_free(out[j]);
            out[0] = NULL;
            return brain__fail(BRAIN_ERR_FORMAT, "%s: unknown metric \"%.64s\"", file, names[i]);
        }
        out[n++] = mt;
        out[n] = NULL;
    }
    return BRAIN_OK;
}

/* A per-output value: dict keyed by output name, or list in output order (NULL when absent) */
static const cJSON *per_output(const cJSON *v, const brain_model *m, int k)
{
    if (cJSON_IsObject(v) && !cJSON_GetObjectItemCaseSensitive(v, "class_name"))
        return cJSON_GetObjectItemCaseSensitive(v, brain_model_output_name(m, k));
    if (cJSON_IsArray(v)) return cJSON_GetArrayItem(v, k);
    return NULL;
}

/* A dict keyed by output name; for losses any list (one loss per output), for metrics a list
 * of lists (a flat list is the metrics of a single output) */
static bool is_per_output(const cJSON *v, bool is_loss)
{
    if (cJSON_IsObject(v)) return !cJSON_GetObjectItemCaseSensitive(v, "class_name");
    return cJSON_IsArray(v) && v->child && (is_loss || cJSON_IsArray(v->child) || cJSON_IsNull(v->child));
}

brain_status brain__compile_from_config(brain_model *m, const cJSON *cc, const char *file)
{
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(cc, "optimizer");
    if (!ov) ov = cJSON_GetObjectItemCaseSensitive(cc, "optimizer_config"); /* legacy training_config */
    const cJSON *lv = cJSON_GetObjectItemCaseSensitive(cc, "loss");
    const cJSON *mv = cJSON_GetObjectItemCaseSensitive(cc, "metrics"), *wv = cJSON_GetObjectItemCaseSensitive(cc, "weighted_metrics");
    const cJSON *lw = cJSON_GetObjectItemCaseSensitive(cc, "loss_weights");
    int n_out = m->n_outputs > 1 ? m->n_outputs : 1;
    bool multi = n_out > 1 || is_per_output(lv, true) || is_per_output(mv, false) || is_per_output(wv, false);
    if (!multi && lw && !cJSON_IsNull(lw)) return brain__fail(BRAIN_ERR_FORMAT, "%s: loss_weights need a model with several outputs", file);
    const char *mnames[BRAIN_MAX_IO][33], *wnames[BRAIN_MAX_IO][33];
    brain_loss *loss[BRAIN_MAX_IO] = {0};
    brain_metric *wm[BRAIN_MAX_IO][33], *mo[BRAIN_MAX_IO][33];
    memset(wm, 0, sizeof wm);
    memset(mo, 0, sizeof mo);
    brain_output_compile_options outs[BRAIN_MAX_IO];
    memset(outs, 0, sizeof outs);
    brain_optimizer *opt = NULL;
    brain_status s = BRAIN_OK;
    for (int k = 0; !s && k < n_out; k++) {
        const cJSON *lk = multi && is_per_output(lv, true) ? per_output(lv, m, k) : lv;
        const cJSON *mk = multi && is_per_output(mv, false) ? per_output(mv, m, k) : mv;
        const cJSON *wk = multi && is_per_output(wv, false) ? per_output(wv, m, k) : wv;
        if (!lk) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: no loss for output '%s'", file, brain_model_output_name(m, k)); break; }
        if (cJSON_IsString(mk)) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: metrics must be lists", file); break; }
        if ((s = metric_names(mk, file, mnames[k], 33)) || (s = metric_names(wk, file, wnames[k], 33))) break;
        if ((s = loss_from_json(lk, file, &loss[k]))) break;
        if ((s = metric_objects(wk, file, wnames[k], wm[k], 33)) || (s = metric_objects(mk, file, mnames[k], mo[k], 33))) break;
        outs[k] = (brain_output_compile_options){ .loss = loss[k], .metrics = mnames[k][0] ? mo[k] : NULL,
                                                  .weighted_metrics = wnames[k][0] ? wm[k] : NULL };
        const cJSON *w = multi ? per_output(lw, m, k) : NULL;
        if (!s && w) {
            if (!cJSON_IsNumber(w)) s = brain__fail(BRAIN_ERR_FORMAT, "%s: loss_weights must be numbers", file);
            outs[k].loss_weight = (float)w->valuedouble;
            outs[k].has_loss_weight = true;
        }
    }
    if (!s) {
        if (!ov || cJSON_IsNull(ov)) opt = brain_optimizer_from_name("rmsprop");
        else s = optimizer_from_json(ov, file, &opt);
    }
    if (s) {
        for (int k = 0; k < n_out; k++) {
            brain_loss_free(loss[k]);
            for (int i = 0; i < 33; i++) { brain_metric_free(wm[k][i]); brain_metric_free(mo[k][i]); }
        }
        return s;
    }
    brain_compile_options co = { .optimizer = opt };
    if (multi) { co.outputs = outs; co.n_outputs = n_out; }
    else { co.loss = loss[0]; co.metrics = outs[0].metrics; co.weighted_metrics = outs[0].weighted_metrics; }
    s = brain_compile(m, &co);
    if (s) {
        char why[700];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the compile config cannot be applied: %s", file, why);
    }
    return BRAIN_OK;
}
