/* custom.c — layers written by the user in C (brain_layer_type), Keras's subclassed layers with
 * register_keras_serializable.  Each registered type gets a vtable of its own (its class_name
 * is what config.json records and what the loader looks up); the generic functions below call
 * the user's callbacks with the layer's state.  from_config has no argument naming the type, so
 * each of the MAX_TYPES slots has its own small trampoline. */
#include "internal.h"
#include "layers/layer_config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 16

typedef struct slot {
    brain_layer_type t;
    brain_layer_vtable vt;
    char class_name[BRAIN_NAME_MAX], snake[BRAIN_NAME_MAX];
    bool used;
} slot;
static slot g_types[MAX_TYPES];

typedef struct custom { brain_layer base; int slot; void *state; } custom;

static const brain_layer_type *type_of(const brain_layer *l) { return &g_types[((const custom *)l)->slot].t; }

static brain_status c_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    if (n_in != 1) return brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s) takes one input, got %d", l->name, l->vt->class_name, n_in);
    const brain_layer_type *t = type_of(l);
    *out = in[0];
    brain_status s = t->build ? t->build(l, ((custom *)l)->state, in[0], out) : BRAIN_OK;
    if (!s && (out->ndim < 1 || brain__shape_size(out) <= 0))
        s = brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s): build gave an empty output shape", l->name, l->vt->class_name);
    return s;
}

static void c_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)n_in;
    type_of(l)->forward(l, ((custom *)l)->state, in[0]->data, out->data, in[0]->shape[0], ctx->training);
}

static void c_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                       const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in;
    const brain_layer_type *t = type_of(l);
    if (t->backward) t->backward(l, ((custom *)l)->state, in[0]->data, out->data, dout->data, din[0] ? din[0]->data : NULL,
                                 in[0]->shape[0]);
}

static void c_destroy(brain_layer *l) { free(((custom *)l)->state); }

static brain_status c_get_config(const brain_layer *l, cJSON *cfg)
{
    const brain_layer_type *t = type_of(l);
    return t->get_config ? t->get_config(l, ((const custom *)l)->state, (brain_config *)cfg) : BRAIN_OK;
}

static brain_layer *c_from_config(int k, const cJSON *cfg)
{
    const char *name = NULL;
    if (brain__cfg_get_string(cfg, "name", false, &name)) return NULL;
    brain_layer *l = brain_custom_layer(g_types[k].class_name, NULL, name);
    if (!l) return NULL;
    const brain_layer_type *t = &g_types[k].t;
    if (t->from_config && t->from_config((const brain_config *)cfg, ((custom *)l)->state)) {
        brain__layer_free(l);
        return NULL;
    }
    return brain__cfg_finish_layer(l, cfg);
}

#define TRAMP(k) static brain_layer *fc##k(const cJSON *c) { return c_from_config(k, c); }
TRAMP(0) TRAMP(1) TRAMP(2) TRAMP(3) TRAMP(4) TRAMP(5) TRAMP(6) TRAMP(7)
TRAMP(8) TRAMP(9) TRAMP(10) TRAMP(11) TRAMP(12) TRAMP(13) TRAMP(14) TRAMP(15)
static brain_layer *(*const k_fc[MAX_TYPES])(const cJSON *) = { fc0, fc1, fc2, fc3, fc4, fc5, fc6, fc7,
                                                                  fc8, fc9, fc10, fc11, fc12, fc13, fc14, fc15 };

brain_status brain_register_layer_type(const brain_layer_type *t)
{
    if (!t || !t->class_name || !t->class_name[0] || !t->forward)
        return brain__fail(BRAIN_ERR_ARG, "brain_register_layer_type: a type needs a class_name and a forward function");
    if (strlen(t->class_name) >= BRAIN_NAME_MAX)
        return brain__fail(BRAIN_ERR_ARG, "brain_register_layer_type: class_name \"%.20s...\" is longer than %d characters",
                           t->class_name, BRAIN_NAME_MAX - 1);
    for (int i = 0; brain__layer_registry[i]; i++)
        if (!strcmp(brain__layer_registry[i]->class_name, t->class_name))
            return brain__fail(BRAIN_ERR_ARG, "brain_register_layer_type: \"%s\" is a built-in layer class; choose another name",
                               t->class_name);
    int k = -1;
    for (int i = 0; i < MAX_TYPES && k < 0; i++)
        if (g_types[i].used && !strcmp(g_types[i].class_name, t->class_name)) k = i;
    for (int i = 0; i < MAX_TYPES && k < 0; i++)
        if (!g_types[i].used) k = i;
    if (k < 0) return brain__fail(BRAIN_ERR_ARG, "brain_register_layer_type: at most %d layer types can be registered", MAX_TYPES);
    slot *s = &g_types[k];
    s->t = *t;
    snprintf(s->class_name, sizeof s->class_name, "%s", t->class_name);
    /* Keras's default layer name: snake_case of the class (after a "package>" prefix) */
    const char *base = strrchr(s->class_name, '>');
    base = base ? base + 1 : s->class_name;
    size_t j = 0;
    for (size_t i = 0; base[i] && j + 2 < sizeof s->snake; i++) {
        if (isupper((unsigned char)base[i]) && i > 0 && !isupper((unsigned char)base[i - 1])) s->snake[j++] = '_';
        s->snake[j++] = (char)tolower((unsigned char)base[i]);
    }
    s->snake[j] = 0;
    s->vt = (brain_layer_vtable){ .class_name = s->class_name, .snake_name = s->snake, .build = c_build,
                                  .forward = c_forward, .backward = c_backward, .destroy = c_destroy,
                                  .get_config = c_get_config, .from_config = k_fc[k] };
    s->used = true;
    return BRAIN_OK;
}

const brain_layer_vtable *brain__custom_vtable_by_class(const char *class_name)
{
    for (int i = 0; i < MAX_TYPES; i++)
        if (g_types[i].used && !strcmp(g_types[i].class_name, class_name)) return &g_types[i].vt;
    return NULL;
}

brain_layer *brain_custom_layer(const char *class_name, const void *state, const char *name)
{
    int k = -1;
    for (int i = 0; class_name && i < MAX_TYPES && k < 0; i++)
        if (g_types[i].used && !strcmp(g_types[i].class_name, class_name)) k = i;
    if (k < 0) {
        brain__fail(BRAIN_ERR_ARG, "brain_custom_layer: no layer type \"%s\" is registered (brain_register_layer_type)",
                    class_name ? class_name : "(null)");
        return NULL;
    }
    custom *c = (custom *)brain__layer_new(&g_types[k].vt, sizeof(custom), name);
    if (!c) return NULL;
    c->slot = k;
    size_t n = g_types[k].t.state_size;
    c->state = brain__alloc(n ? n : 1);
    if (!c->state) { free(c); return NULL; }
    if (state && n) memcpy(c->state, state, n);
    return &c->base;
}

void *brain_layer_state(brain_layer *l)
{
    return l && l->vt && l->vt->destroy == c_destroy ? ((custom *)l)->state : NULL;
}

int brain_layer_add_weight(brain_layer *l, const char *name, int ndim, const int64_t *shape, brain_initializer_kind init,
                           bool trainable)
{
    if (!l || !name || ndim < 1 || ndim > BRAIN_MAX_DIMS || !shape) {
        brain__fail(BRAIN_ERR_ARG, "brain_layer_add_weight: a layer, a name and 1 to %d dimensions are needed", BRAIN_MAX_DIMS);
        return -1;
    }
    for (int i = 0; i < ndim; i++)
        if (shape[i] <= 0) {
            brain__fail(BRAIN_ERR_ARG, "layer '%s': weight '%s' dimension %d is %lld; it must be > 0", l->name, name, i,
                        (long long)shape[i]);
            return -1;
        }
    if (init == BRAIN_INIT_DEFAULT) init = BRAIN_INIT_GLOROT_UNIFORM; /* Keras add_weight's default */
    brain_weight *w = brain__layer_add_weight(l, name, ndim, shape, init, (brain_regularizer){ 0 }, trainable);
    return w ? l->n_weights - 1 : -1;
}

float *brain_layer_weight_values(brain_layer *l, int i) { return l && i >= 0 && i < l->n_weights ? l->weights[i]->value : NULL; }
float *brain_layer_weight_grads(brain_layer *l, int i) { return l && i >= 0 && i < l->n_weights ? l->weights[i]->grad : NULL; }
brain_shape brain_layer_input_shape(const brain_layer *l) { return l ? l->in_shape[0] : (brain_shape){ 0 }; }

brain_status brain_config_set_number(brain_config *c, const char *key, double v)
{
    return brain__cfg_add_double((cJSON *)c, key, v);
}
brain_status brain_config_set_string(brain_config *c, const char *key, const char *v)
{
    return brain__cfg_add_string((cJSON *)c, key, v);
}
double brain_config_get_number(const brain_config *c, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive((const cJSON *)c, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}
const char *brain_config_get_string(const brain_config *c, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive((const cJSON *)c, key);
    return cJSON_IsString(v) ? v->valuestring : dflt;
}
