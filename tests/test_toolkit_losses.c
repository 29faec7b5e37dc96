/* test_toolkit_losses.c — issue 12's losses against Keras (value and jax.grad gradient,
 * tests/toolkit_loss_golden.h from tools/gen_toolkit_loss_golden.py), the gradient against
 * central finite differences, names, errors, and the compiled loss through .keras. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include "toolkit_loss_golden.h"
#include <stdlib.h>

static void test_golden(void)
{
    double worst_v = 0, worst_g = 0;
    for (int c = 0; c < TL_NCASES; c++) {
        const tl_case *k = &tl_cases[c];
        brain_loss *l = tl_make(c);
        CHECK_MSG(l != NULL, "%s: %s", k->label, brain_last_error());
        if (!l) continue;
        brain_tensor *yt = brain_tensor_from(k->yt, k->tn, k->ts), *yp = brain_tensor_from(k->yp, k->pn, k->ps);
        float *g = calloc((size_t)yp->size, sizeof(float));
        double v = 0;
        CHECK_OK(brain_loss_compute(l, yt, yp, k->w, &v, g));
        double rv = fabs(v - k->value) / fmax(fabs(k->value), 1e-6);
        if (rv > worst_v) worst_v = rv;
        CHECK_MSG(rv <= 1e-6, "%s: value brain %.9g, Keras %.9g", k->label, v, k->value);
        double gmax = 0;
        for (int64_t i = 0; i < yp->size; i++) gmax = fmax(gmax, fabs(k->grad[i]));
        for (int64_t i = 0; i < yp->size; i++) {
            /* relative to the gradient's largest entry: Keras's float32 chain rule vs brain's double */
            double rg = fabs(g[i] - k->grad[i]) / fmax(gmax, 1e-6);
            if (rg > worst_g) worst_g = rg;
            CHECK_MSG(rg <= 1e-5, "%s: gradient %lld brain %.9g, Keras %.9g", k->label, (long long)i, g[i], k->grad[i]);
        }
        /* central differences in double around the float32 inputs */
        for (int64_t i = 0; i < yp->size; i++) {
            const float x0 = yp->data[i];
            const float h = 1e-3f * fmaxf(1.0f, fabsf(x0));
            double vp, vm;
            yp->data[i] = x0 + h;
            brain_loss_compute(l, yt, yp, k->w, &vp, NULL);
            yp->data[i] = x0 - h;
            brain_loss_compute(l, yt, yp, k->w, &vm, NULL);
            yp->data[i] = x0;
            double fd = (vp - vm) / ((double)(x0 + h) - (double)(x0 - h));
            CHECK_MSG(fabs(fd - g[i]) <= 1e-3 * fmax(gmax, 1e-3), "%s: gradient %lld: analytic %.7g, finite differences %.7g",
                      k->label, (long long)i, g[i], fd);
        }
        free(g);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        brain_loss_free(l);
    }
    printf("losses: %d cases, worst relative difference from Keras: value %.3g, gradient %.3g\n", TL_NCASES, worst_v, worst_g);
}

static void test_names(void)
{
    const struct { const char *s, *name; } t[] = {
        { "binary_focal_crossentropy", "binary_focal_crossentropy" }, { "BinaryFocalCrossentropy", "binary_focal_crossentropy" },
        { "kld", "kld" }, { "KLDivergence", "kl_divergence" }, { "poisson", "poisson" }, { "CosineSimilarity", "cosine_similarity" },
        { "log_cosh", "log_cosh" }, { "hinge", "hinge" }, { "SquaredHinge", "squared_hinge" },
        { "categorical_hinge", "categorical_hinge" }, { "mape", "mape" }, { "MSLE", "MSLE" },
        { "Tversky", "tversky" }, { "dice", "dice" }, { "CategoricalFocalCrossentropy", "categorical_focal_crossentropy" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        brain_loss *l = brain_loss_from_name(t[i].s);
        CHECK_MSG(l && !strcmp(brain_loss_name(l), t[i].name), "from_name(%s)", t[i].s);
        brain_loss_free(l);
    }
    CHECK(brain_loss_kl_divergence(&(brain_loss_options){ .from_logits = true }) == NULL);
    CHECK(strstr(brain_last_error(), "KLDivergence") != NULL);
    CHECK(brain_loss_categorical_focal_crossentropy(&(brain_focal_loss_options){ .gamma = -1, .has_gamma = true }) == NULL);
    brain_loss *l = brain_loss_categorical_hinge(NULL);
    brain_tensor *a = brain_tensor_new(2, (int64_t[]){ 4, 3 }), *b = brain_tensor_new(2, (int64_t[]){ 4, 2 });
    double v;
    CHECK_FAILS(brain_loss_compute(l, a, b, NULL, &v, NULL), "same shape");
    brain_tensor_free(a);
    brain_tensor_free(b);
    brain_loss_free(l);
}

/* A model compiled with each loss trains (the loss falls) and saves/loads it with its options. */
static void test_compile_round_trip(void)
{
    brain_tensor *x, *y;
    io_data(32, 4, 3, &x, &y);
    for (int c = 0; c < 5; c++) {
        brain_loss *loss = NULL;
        switch (c) {
        case 0: loss = brain_loss_categorical_focal_crossentropy(&(brain_focal_loss_options){ .gamma = 1.5f, .has_gamma = true, .alpha = 0.4f, .has_alpha = true }); break;
        case 1: loss = brain_loss_kl_divergence(NULL); break;
        case 2: loss = brain_loss_from_name("categorical_hinge"); break;
        case 3: loss = brain_loss_tversky(&(brain_tversky_options){ .alpha = 0.3f, .has_alpha = true, .beta = 0.7f, .has_beta = true }); break;
        case 4: loss = brain_loss_binary_focal_crossentropy(&(brain_focal_loss_options){ .apply_class_balancing = true, .label_smoothing = 0.05f }); break;
        }
        brain_set_random_seed(2);
        brain_model *m = brain_sequential("loss_rt");
        brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
        brain_model_add(m, brain_dense(8, &(brain_dense_options){ .activation = BRAIN_RELU }));
        brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = c == 4 ? BRAIN_SIGMOID : BRAIN_SOFTMAX }));
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.02f }), .loss = loss }));
        brain_history *h = NULL;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 8, .batch_size = 8, .verbose = BRAIN_SILENT }, &h));
        int n = 0;
        const double *lv = h ? brain_history_get(h, "loss", &n) : NULL;
        CHECK_MSG(lv && n == 8 && lv[7] < lv[0], "case %d: the loss did not fall (%g -> %g)", c, lv ? lv[0] : 0, lv ? lv[n - 1] : 0);
        brain_history_free(h);
        const char *p = io_path("loss_rt.keras");
        CHECK_OK(brain_save(m, p));
        brain_model *l = NULL;
        CHECK_OK(brain_load_model(p, &l, NULL));
        if (l) {
            const brain_loss *a = m->heads[0].loss, *b = l->heads[0].loss;
            CHECK_MSG(a->kind == b->kind && !strcmp(a->name, b->name) && a->alpha == b->alpha && a->gamma == b->gamma &&
                      a->beta == b->beta && a->label_smoothing == b->label_smoothing &&
                      a->apply_class_balancing == b->apply_class_balancing, "case %d: loss differs after loading", c);
            brain_logs la = { 0 }, lb = { 0 };
            CHECK_OK(brain_evaluate(m, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &la));
            CHECK_OK(brain_evaluate(l, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &lb));
            double va = 0, vb = 1;
            brain_logs_get(&la, "loss", &va);
            brain_logs_get(&lb, "loss", &vb);
            CHECK(va == vb);
        }
        brain_model_free(l);
        brain_model_free(m);
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
}

int main(void)
{
    test_golden();
    test_names();
    test_compile_round_trip();
    return check_summary("test_toolkit_losses");
}
