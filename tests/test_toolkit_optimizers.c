/* test_toolkit_optimizers.c — Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl, the common options
 * (EMA, gradient accumulation, loss scaling, clipping, weight decay) and the learning-rate
 * schedules against real Keras (tests/toolkit_optimizer_golden.h, written by
 * tools/gen_toolkit_optimizer_golden.py); the optimizers' state and schedules through .keras. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include "toolkit_optimizer_golden.h"
#include <cjson/cJSON.h>
#include <stdlib.h>

#define N G2_N

typedef struct fake {
    brain_model m;
    brain_weight w[2];
    brain_weight *wp[2];
    float params[N], grads[N];
} fake;

static void fake_init(fake *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->m.name, sizeof f->m.name, "fake");
    f->m.built = true;
    f->m.params = f->params;
    f->m.grads = f->grads;
    f->m.n_params = N;
    const int64_t off[2] = { 0, 4 }, size[2] = { 4, 3 };
    for (int i = 0; i < 2; i++) {
        brain_weight *w = &f->w[i];
        snprintf(w->name, sizeof w->name, "%s", i ? "bias" : "kernel");
        w->ndim = i ? 1 : 2; /* kernel (2, 2), bias (3,) */
        w->shape[0] = i ? size[i] : 2;
        w->shape[1] = 2;
        w->size = size[i];
        w->trainable = true;
        w->offset = off[i];
        w->value = f->params + off[i];
        w->grad = f->grads + off[i];
        f->wp[i] = w;
    }
    f->m.weights = f->wp;
    f->m.n_weights = 2;
    for (int i = 0; i < N; i++) f->params[i] = (float)g2_w0[i];
}

static void test_steps(void)
{
    double worst = 0;
    for (int c = 0; c < G2_NCASES; c++) {
        brain_optimizer *o = g2_make(c);
        CHECK_MSG(o != NULL, "%s: %s", g2_cases[c].label, brain_last_error());
        if (!o) continue;
        const double tol = 1e-6;
        fake f;
        fake_init(&f);
        for (int s = 0; s < G2_STEPS; s++) {
            for (int i = 0; i < N; i++) f.grads[i] = (float)g2_grads[s][i];
            CHECK_OK(brain_optimizer_step(o, &f.m));
            for (int i = 0; i < N; i++) {
                /* relative to the larger of the weight and this step's movement: a weight that
                 * lands near 0 after a large step (w − u ≈ 0) keeps the step's float32 error */
                double want = g2_cases[c].w[s][i], got = f.params[i];
                double prev = s ? g2_cases[c].w[s - 1][i] : (double)(float)g2_w0[i];
                double scale = fmax(fmax(fabs(want), fabs(want - prev)), 1e-3);
                double rel = fabs(got - want) / scale;
                if (rel > worst) worst = rel;
                CHECK_MSG(rel <= tol, "%s step %d value %d: brain %.9g, Keras %.9g", g2_cases[c].label, s + 1, i, got, want);
                f.params[i] = (float)want; /* each step from Keras's weights: errors do not compound */
            }
        }
        brain_optimizer_free(o);
    }
    printf("optimizer steps: %d cases × %d steps, worst relative difference from Keras %.3g\n", G2_NCASES, G2_STEPS, worst);
}

static void test_schedules(void)
{
    double worst = 0;
    for (int c = 0; c < G2_NSCHEDS; c++) {
        brain_lr_schedule *s = g2_make_sched(c);
        CHECK_MSG(s != NULL, "%s: %s", g2_scheds[c].label, brain_last_error());
        if (!s) continue;
        for (int t = 0; t < G2_SCHED_STEPS; t++) {
            double want = g2_scheds[c].v[t], got = brain_lr_schedule_value(s, t);
            double rel = fabs(got - want) / (fabs(want) > 1e-6 ? fabs(want) : 1e-6);
            if (rel > worst) worst = rel;
            CHECK_MSG(rel <= 1e-6, "%s step %d: brain %.9g, Keras %.9g", g2_scheds[c].label, t, got, want);
        }
        brain_lr_schedule_free(s);
    }
    printf("schedules: %d × %d steps, worst relative difference from Keras %.3g\n", G2_NSCHEDS, G2_SCHED_STEPS, worst);
}

static void test_errors(void)
{
    CHECK(brain_adagrad(&(brain_adagrad_options){ .epsilon = -1 }) == NULL);
    CHECK(strstr(brain_last_error(), "Adagrad: epsilon") != NULL);
    /* the schedule is owned (and freed) even when the constructor fails: ASan/valgrind check it */
    CHECK(brain_lion(&(brain_lion_options){ .beta_1 = 2, .common = { .learning_rate_schedule = brain_exponential_decay(0.1, 2, 0.5, NULL) } }) == NULL);
    CHECK(strstr(brain_last_error(), "Lion") != NULL);
    CHECK(brain_sgd(&(brain_sgd_options){ .common = { .gradient_accumulation_steps = 1 } }) == NULL);
    CHECK(strstr(brain_last_error(), "gradient_accumulation_steps is 1") != NULL);
    CHECK(brain_adam(&(brain_adam_options){ .common = { .use_ema = true, .ema_momentum = 1.5f, .has_ema_momentum = true } }) == NULL);
    CHECK(strstr(brain_last_error(), "ema_momentum") != NULL);
    CHECK(brain_nadam(&(brain_adam_options){ .amsgrad = true }) == NULL);
    CHECK(brain_ftrl(&(brain_ftrl_options){ .learning_rate_power = 0.5f, .has_learning_rate_power = true }) == NULL);
    CHECK(strstr(brain_last_error(), "learning_rate_power") != NULL);
    CHECK(brain_exponential_decay(0.1, 0, 0.5, NULL) == NULL);
    CHECK(strstr(brain_last_error(), "decay_steps") != NULL);
    CHECK(brain_piecewise_constant_decay(0, NULL, NULL, NULL) == NULL);
    const char *names[] = { "adagrad", "adadelta", "adamax", "nadam", "lion", "ftrl" };
    const char *cls[] = { "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion", "Ftrl" };
    for (int i = 0; i < 6; i++) {
        brain_optimizer *o = brain_optimizer_from_name(names[i]);
        CHECK(o && !strcmp(brain_optimizer_class(o), cls[i]) && !strcmp(o->name, names[i]));
        CHECK(o && brain_optimizer_get_learning_rate(o) == 0.001f);
        brain_optimizer_free(o);
    }
    /* a schedule's rate follows the iterations; set_learning_rate does not replace it */
    brain_optimizer *o = brain_sgd(&(brain_sgd_options){ .common = { .learning_rate_schedule = brain_exponential_decay(0.1, 1, 0.5, NULL) } });
    CHECK(o && brain_optimizer_get_learning_rate(o) == 0.1f);
    brain_optimizer_set_learning_rate(o, 3.0f);
    CHECK(o && brain_optimizer_get_learning_rate(o) == 0.1f);
    brain_optimizer_free(o);
}

/* A small model trained with each optimizer (and a schedule, EMA, accumulation) through brain_fit,
 * saved and loaded: same weights, same optimizer state, and the next epoch gives the same result
 * in the loaded model as in the original. */
static brain_model *small_model(brain_optimizer *o)
{
    brain_set_random_seed(3);
    brain_model *m = brain_sequential("tk");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){ .activation = BRAIN_TANH }));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = o, .loss_name = "categorical_crossentropy" }));
    return m;
}

static void test_round_trips(void)
{
    brain_tensor *x, *y;
    io_data(24, 4, 2, &x, &y);
    for (int c = 0; c < 10; c++) {
        brain_optimizer *o = NULL;
        switch (c) {
        case 0: o = brain_adagrad(NULL); break;
        case 1: o = brain_adadelta(&(brain_adadelta_options){ .learning_rate = 1.0f }); break;
        case 2: o = brain_adamax(NULL); break;
        case 3: o = brain_nadam(&(brain_adam_options){ .common = { .learning_rate_schedule = brain_cosine_decay(0.01, 10, &(brain_cosine_decay_options){ .warmup_target = 0.05, .has_warmup_target = true, .warmup_steps = 3 }) } }); break;
        case 4: o = brain_lion(&(brain_lion_options){ .common = { .use_ema = true, .ema_overwrite_frequency = 3 } }); break;
        case 5: o = brain_ftrl(&(brain_ftrl_options){ .learning_rate = 0.1f, .l1_regularization_strength = 0.01f }); break;
        case 6: o = brain_adam(&(brain_adam_options){ .common = { .gradient_accumulation_steps = 2, .use_ema = true } }); break;
        case 7: o = brain_sgd(&(brain_sgd_options){ .momentum = 0.9f, .common = { .learning_rate_schedule = brain_piecewise_constant_decay(2, (const double[]){ 2, 4 }, (const double[]){ 0.1, 0.05, 0.01 }, "pw") } }); break;
        case 9: o = brain_adafactor(&(brain_adafactor_options){ .common = { .learning_rate_schedule = brain_polynomial_decay(0.5, 5, NULL) } }); break;
        case 8: o = brain_rmsprop(&(brain_rmsprop_options){ .common = { .loss_scale_factor = 128, .learning_rate_schedule = brain_cosine_decay_restarts(0.01, 2, NULL) } }); break;
        }
        CHECK_MSG(o != NULL, "case %d: %s", c, brain_last_error());
        if (!o) continue;
        brain_model *m = small_model(o);
        brain_fit_options fo = { .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT, .shuffle = BRAIN_OFF };
        CHECK_OK(brain_fit(m, x, y, &fo, NULL));
        const char *p = io_path("tk_opt.keras");
        CHECK_OK(brain_save(m, p));
        brain_model *l = NULL;
        CHECK_OK(brain_load_model(p, &l, NULL));
        if (!l) { brain_model_free(m); continue; }
        brain_optimizer *a = m->optimizer, *b = l->optimizer;
        CHECK_MSG(b && a->kind == b->kind && !strcmp(a->name, b->name) && a->iterations == b->iterations &&
                  (a->schedule != NULL) == (b->schedule != NULL) && a->u_product == b->u_product,
                  "case %d (%s): optimizer differs after loading", c, brain_optimizer_class(a));
        if (!b) { brain_model_free(m); brain_model_free(l); continue; }
        CHECK(b->common.use_ema == a->common.use_ema && b->common.gradient_accumulation_steps == a->common.gradient_accumulation_steps &&
              b->common.ema_overwrite_frequency == a->common.ema_overwrite_frequency &&
              b->common.loss_scale_factor == a->common.loss_scale_factor);
        if (a->schedule && b->schedule)
            for (int t = 0; t < 12; t++) CHECK(brain_lr_schedule_value(a->schedule, t) == brain_lr_schedule_value(b->schedule, t));
        for (int k = 0; k < 3; k++)
            CHECK(!a->slot[k] || (b->slot[k] && !memcmp(a->slot[k], b->slot[k], sizeof(float) * m->n_params)));
        CHECK(!a->ema || (b->ema && !memcmp(a->ema, b->ema, sizeof(float) * m->n_params)));
        CHECK(!a->accum || (b->accum && !memcmp(a->accum, b->accum, sizeof(float) * m->n_params)));
        CHECK(!a->fac || (b->fac && a->fac_n == b->fac_n && !memcmp(a->fac, b->fac, sizeof(float) * a->fac_n)));
        CHECK(!memcmp(m->params, l->params, sizeof(float) * m->n_params));
        /* one more epoch in each: identical */
        fo.epochs = 1;
        CHECK_OK(brain_fit(m, x, y, &fo, NULL));
        CHECK_OK(brain_fit(l, x, y, &fo, NULL));
        CHECK_MSG(!memcmp(m->params, l->params, sizeof(float) * m->n_params), "case %d (%s): training after loading differs",
                  c, brain_optimizer_class(a));
        brain_model_free(m);
        brain_model_free(l);
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
}

/* ------------------------------------------------------------------ Keras files, both ways */
static cJSON *read_json(const char *path)
{
    uint8_t *data = NULL;
    size_t n = 0;
    if (brain__read_file(path, 1 << 20, &data, &n)) return NULL;
    cJSON *j = cJSON_Parse((const char *)data);
    free(data);
    return j;
}

static brain_tensor *tensor_of(const cJSON *j, const char *key, const char *shape_key)
{
    const cJSON *a = cJSON_GetObjectItem(j, key), *sh = cJSON_GetObjectItem(j, shape_key);
    if (!a || !sh) return NULL;
    int64_t dims[8];
    int nd = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, sh) dims[nd++] = (int64_t)e->valuedouble;
    brain_tensor *t = brain_tensor_new(nd, dims);
    int64_t i = 0;
    cJSON_ArrayForEach(e, a) if (i < t->size) t->data[i++] = (float)e->valuedouble;
    return t;
}

static double max_diff(brain_model *m, const brain_tensor *x, const cJSON *j, const char *key)
{
    brain_tensor *p = NULL;
    if (brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p)) return INFINITY;
    double d = 0;
    int64_t i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, key)) {
        if (i >= p->size) { d = INFINITY; break; }
        double v = fabs(p->data[i++] - e->valuedouble);
        if (v > d) d = v;
    }
    if (i != p->size) d = INFINITY;
    brain_tensor_free(p);
    return d;
}

static void test_keras_resume(void)
{
    const char *names[] = { "nadam_exp_ema", "adagrad_accum_cosine", "lion_piecewise", "ftrl", "adadelta_poly",
                            "adamax_restarts", "adafactor", "sgd_inverse_time" };
    double worst = 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[256], jpath[256];
        snprintf(path, sizeof path, "tests/keras_files/tk_%s.keras", names[k]);
        snprintf(jpath, sizeof jpath, "tests/keras_files/tk_%s.json", names[k]);
        cJSON *j = read_json(jpath);
        brain_model *m = NULL;
        CHECK_OK(brain_load_model(path, &m, NULL));
        CHECK_MSG(j != NULL, "%s is missing", jpath);
        if (m && j) {
            const cJSON *it = cJSON_GetObjectItem(j, "iterations");
            CHECK(m->optimizer && it && brain_optimizer_iterations(m->optimizer) == (int64_t)it->valuedouble);
            brain_tensor *x = tensor_of(j, "x", "x_shape"), *t = tensor_of(j, "t", "t_shape");
            CHECK(max_diff(m, x, j, "y") <= 1e-6);
            CHECK_OK(brain_fit(m, x, t, &(brain_fit_options){ .epochs = 1, .batch_size = 4, .shuffle = BRAIN_OFF,
                                                              .verbose = BRAIN_SILENT }, NULL));
            double d = max_diff(m, x, j, "y_after");
            if (d > worst) worst = d;
            CHECK_MSG(d <= 1e-5, "%s: after one more epoch, largest difference to Keras %.3g", path, d);
            brain_tensor_free(x);
            brain_tensor_free(t);
        }
        brain_model_free(m);
        cJSON_Delete(j);
    }
    printf("Keras-saved optimizers resumed in brain: largest prediction difference after one epoch %.3g\n", worst);
}

/* TOOLKIT_EXPORT_DIR=dir: brain-trained models with these optimizers for tools/gen_toolkit_resume.py check */
static void export_models(const char *dir)
{
    brain_tensor *x, *t;
    io_data(8, 4, 3, &x, &t);
    for (int c = 0; c < 5; c++) {
        brain_optimizer *o = NULL;
        switch (c) {
        case 0: o = brain_nadam(&(brain_adam_options){ .common = { .use_ema = true, .learning_rate_schedule = brain_exponential_decay(0.02, 3, 0.7, NULL) } }); break;
        case 1: o = brain_ftrl(&(brain_ftrl_options){ .learning_rate = 0.1f, .l1_regularization_strength = 0.01f }); break;
        case 2: o = brain_adagrad(&(brain_adagrad_options){ .common = { .gradient_accumulation_steps = 2, .learning_rate_schedule = brain_cosine_decay(0.01, 6, &(brain_cosine_decay_options){ .warmup_target = 0.1, .has_warmup_target = true, .warmup_steps = 2 }) } }); break;
        case 4: o = brain_adafactor(&(brain_adafactor_options){ .learning_rate = 0.05f }); break;
        case 3: o = brain_lion(&(brain_lion_options){ .common = { .learning_rate_schedule = brain_piecewise_constant_decay(2, (const double[]){ 2, 5 }, (const double[]){ 0.01, 0.005, 0.001 }, NULL) } }); break;
        }
        brain_set_random_seed(5);
        brain_model *m = brain_sequential("export");
        brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
        brain_model_add(m, brain_dense(5, &(brain_dense_options){ .activation = BRAIN_TANH }));
        brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = o, .loss_name = "categorical_crossentropy" }));
        brain_fit_options fo = { .epochs = 2, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT };
        CHECK_OK(brain_fit(m, x, t, &fo, NULL));
        char path[512];
        snprintf(path, sizeof path, "%s/brain_%s.keras", dir, brain_optimizer_class(m->optimizer));
        CHECK_OK(brain_save(m, path));
        brain_tensor *y0 = NULL, *y1 = NULL;
        brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y0);
        fo.epochs = 1;
        CHECK_OK(brain_fit(m, x, t, &fo, NULL));
        brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y1);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToObject(j, "x_shape", cJSON_CreateIntArray((int[]){ 8, 4 }, 2));
        cJSON_AddItemToObject(j, "x", cJSON_CreateFloatArray(x->data, 32));
        cJSON_AddItemToObject(j, "t_shape", cJSON_CreateIntArray((int[]){ 8, 3 }, 2));
        cJSON_AddItemToObject(j, "t", cJSON_CreateFloatArray(t->data, 24));
        cJSON_AddItemToObject(j, "y", cJSON_CreateFloatArray(y0->data, 24));
        cJSON_AddItemToObject(j, "y_after", cJSON_CreateFloatArray(y1->data, 24));
        char *txt = cJSON_PrintUnformatted(j);
        snprintf(path, sizeof path, "%s/brain_%s.json", dir, brain_optimizer_class(m->optimizer));
        FILE *f = fopen(path, "w");
        if (f) { fputs(txt, f); fclose(f); }
        free(txt);
        cJSON_Delete(j);
        brain_tensor_free(y0);
        brain_tensor_free(y1);
        brain_model_free(m);
    }
    brain_tensor_free(x);
    brain_tensor_free(t);
}

int main(void)
{
    test_steps();
    test_schedules();
    test_errors();
    test_round_trips();
    test_keras_resume();
    const char *dir = getenv("TOOLKIT_EXPORT_DIR");
    if (dir && *dir) export_models(dir);
    return check_summary("test_toolkit_optimizers");
}
