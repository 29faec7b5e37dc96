/* custom_layer.c — a layer written in C by the user, as Keras's subclassed layer with
 * @keras.saving.register_keras_serializable:
 *
 *   @register_keras_serializable()
 *   class FeatureScale(keras.layers.Layer):           # y = x · scale + offset, per feature
 *       def __init__(self, init_scale=1.0, **kw): super().__init__(**kw); self.init_scale = init_scale
 *       def build(self, input_shape):
 *           self.scale = self.add_weight(shape=(input_shape[-1],), initializer=Constant(self.init_scale))
 *           self.offset = self.add_weight(shape=(input_shape[-1],), initializer="zeros")
 *       def call(self, x): return x * self.scale + self.offset
 *       def get_config(self): return {**super().get_config(), "init_scale": self.init_scale}
 *
 * The layer's weights sit in the model's parameter buffer (trained by the optimizer, saved in
 * model.weights.h5); its config ("init_scale") goes to config.json, and brain_load_model builds
 * the layer again by its class name.
 * Run: ./build/custom_layer */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

typedef struct feature_scale { float init_scale; } feature_scale;

static brain_status fs_build(brain_layer *l, void *state, brain_shape in, brain_shape *out)
{
    const int64_t d = in.dims[in.ndim - 1];
    if (brain_layer_add_weight(l, "scale", 1, &d, BRAIN_INIT_ONES, true) < 0) return BRAIN_ERR_ARG;
    if (brain_layer_add_weight(l, "offset", 1, &d, BRAIN_INIT_ZEROS, true) < 0) return BRAIN_ERR_ARG;
    *out = in;
    (void)state;
    return BRAIN_OK;
}

/* brain initialises "scale" to ones; the layer's own initial value is applied on first use */
static void fs_forward(brain_layer *l, void *state, const float *x, float *y, int64_t batch, bool training)
{
    (void)state; (void)training;
    brain_shape in = brain_layer_input_shape(l);
    const int64_t d = in.dims[in.ndim - 1];
    const float *s = brain_layer_weight_values(l, 0), *o = brain_layer_weight_values(l, 1);
    int64_t n = batch;
    for (int i = 0; i < in.ndim; i++) n *= in.dims[i];
    for (int64_t i = 0; i < n; i++) y[i] = x[i] * s[i % d] + o[i % d];
}

static void fs_backward(brain_layer *l, void *state, const float *x, const float *y, const float *dy, float *dx, int64_t batch)
{
    (void)state; (void)y;
    brain_shape in = brain_layer_input_shape(l);
    const int64_t d = in.dims[in.ndim - 1];
    int64_t n = batch;
    for (int i = 0; i < in.ndim; i++) n *= in.dims[i];
    const float *s = brain_layer_weight_values(l, 0);
    float *gs = brain_layer_weight_grads(l, 0), *go = brain_layer_weight_grads(l, 1);
    for (int64_t i = 0; i < n; i++) {
        if (dx) dx[i] += dy[i] * s[i % d];
        if (gs) gs[i % d] += dy[i] * x[i];
        if (go) go[i % d] += dy[i];
    }
}

static brain_status fs_get_config(const brain_layer *l, const void *state, brain_config *cfg)
{
    (void)l;
    return brain_config_set_number(cfg, "init_scale", ((const feature_scale *)state)->init_scale);
}

static brain_status fs_from_config(const brain_config *cfg, void *state)
{
    ((feature_scale *)state)->init_scale = (float)brain_config_get_number(cfg, "init_scale", 1.0);
    return BRAIN_OK;
}

static const brain_layer_type feature_scale_type = {
    .class_name = "FeatureScale", .state_size = sizeof(feature_scale), .build = fs_build, .forward = fs_forward,
    .backward = fs_backward, .get_config = fs_get_config, .from_config = fs_from_config,
};

int main(void)
{
    brain_set_random_seed(5);
    TRY(brain_register_layer_type(&feature_scale_type));

    brain_model *m = brain_sequential("with_custom_layer");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_custom_layer("FeatureScale", &(feature_scale){ .init_scale = 0.5f }, NULL));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.05f }),
                                                   .loss_name = "categorical_crossentropy" }));
    /* the initial scale from the layer's config */
    float *s = brain_layer_weight_values(brain_model_layer(m, 0), 0);
    for (int i = 0; i < 4; i++) s[i] = ((feature_scale *)brain_layer_state(brain_model_layer(m, 0)))->init_scale;
    TRY(brain_model_summary(m, 0));

    /* three separable classes from four features */
    const int64_t n = 60;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, 4 }), *y = brain_tensor_new(2, (int64_t[]){ n, 3 });
    brain_rng r;
    brain_rng_seed(&r, 1);
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % 3);
        for (int j = 0; j < 4; j++) x->data[i * 4 + j] = (float)(brain_rng_normal(&r) * 0.5 + (j == c ? 2.0 : 0.0));
        y->data[i * 3 + c] = 1;
    }
    brain_history *h = NULL;
    TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 20, .batch_size = 10, .verbose = BRAIN_SILENT }, &h));
    int ne = 0;
    const double *loss = brain_history_get(h, "loss", &ne);
    const int improved = loss[ne - 1] < loss[0];
    printf("loss %.4f -> %.4f over %d epochs\n", loss[0], loss[ne - 1], ne);
    const float *sc = brain_layer_weight_values(brain_model_layer(m, 0), 0);
    printf("learned scale: %.3f %.3f %.3f %.3f\n", sc[0], sc[1], sc[2], sc[3]);

    /* round trip through .keras: the class name brings the layer back */
    TRY(brain_save(m, "custom_layer.keras"));
    brain_model *l = NULL;
    TRY(brain_load_model("custom_layer.keras", &l, NULL));
    brain_tensor *pa = NULL, *pb = NULL;
    TRY(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pa));
    TRY(brain_predict(l, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pb));
    int same = !memcmp(pa->data, pb->data, sizeof(float) * (size_t)pa->size);
    printf("loaded: layer %s (%s), init_scale %.2f, predictions %s\n", brain_layer_name(brain_model_layer(l, 0)),
           brain_layer_class(brain_model_layer(l, 0)), (double)((feature_scale *)brain_layer_state(brain_model_layer(l, 0)))->init_scale,
           same ? "identical" : "DIFFERENT");
    remove("custom_layer.keras");
    brain_tensor_free(pa); brain_tensor_free(pb);
    brain_history_free(h);
    brain_model_free(m); brain_model_free(l);
    brain_tensor_free(x); brain_tensor_free(y);
    return same && improved ? 0 : 1;
}
