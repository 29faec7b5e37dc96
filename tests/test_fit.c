/* fit / evaluate / predict / summary / the explicit loop: Keras's semantics, checked. */
#include "brain.h"
#include "internal.h"
#include "check.h"
#include <stdlib.h>

/* ---- counting allocations (glibc): the training step must allocate nothing after batch 1 */
#if !defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 1
extern void *__libc_malloc(size_t), *__libc_calloc(size_t, size_t), *__libc_realloc(void *, size_t);
static long g_allocs;
void *malloc(size_t n) { g_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { g_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { g_allocs++; return __libc_realloc(p, n); }
#endif

static char g_out[1 << 16];
static size_t g_out_len;
static void capture(const char *text, void *user)
{
    (void)user;
    size_t n = strlen(text);
    if (g_out_len + n < sizeof g_out) { memcpy(g_out + g_out_len, text, n + 1); g_out_len += n; }
}

static brain_tensor *blobs(int64_t n, int64_t d, int classes, uint64_t seed, brain_tensor **y_out, bool onehot)
{
    brain_rng r;
    brain_rng_seed(&r, seed);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){n, d});
    brain_tensor *y = brain_tensor_new(2, (int64_t[]){n, onehot ? classes : 1});
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % classes);
        for (int64_t j = 0; j < d; j++) x->data[i * d + j] = (float)(brain_rng_normal(&r) * 0.7 + (j % classes == c ? 1.5 : 0));
        if (onehot) y->data[i * classes + c] = 1; else y->data[i] = (float)c;
    }
    *y_out = y;
    return x;
}

static brain_model *mlp(int64_t d, int64_t out, brain_activation_kind act, float dropout)
{
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(d)));
    brain_model_add(m, brain_dense(8, &(brain_dense_options){.activation = BRAIN_RELU}));
    if (dropout > 0) brain_model_add(m, brain_dropout(dropout, NULL));
    brain_model_add(m, brain_dense(out, &(brain_dense_options){.activation = act}));
    return m;
}

typedef struct { int batches, epochs_begun; long allocs_after_first[64]; int n_allocs; } counter;
static int count_batch_begin(brain_model *m, int batch, const brain_logs *logs, void *u)
{
    counter *c = u;
#ifdef COUNT_ALLOCS
    if (c->n_allocs < 64) c->allocs_after_first[c->n_allocs++] = g_allocs;
#endif
    return 0;
}
static int count_batch(brain_model *m, int batch, const brain_logs *logs, void *u) { ((counter *)u)->batches++; return 0; }
static int count_epoch(brain_model *m, int epoch, const brain_logs *logs, void *u) { ((counter *)u)->epochs_begun++; return 0; }

int main(void)
{
    brain_set_print_hook(capture, NULL);
    brain_tensor *y, *x = blobs(70, 4, 2, 1, &y, false);

    /* 1. same seed, same result (weights and history), run after run */
    {
        float w[2][64];
        double loss[2];
        for (int run = 0; run < 2; run++) {
            brain_set_random_seed(123);
            brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0.3f);
            CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy"}));
            brain_history *h;
            CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 3, .batch_size = 16, .verbose = BRAIN_SILENT}, &h));
            int n;
            loss[run] = brain_history_get(h, "loss", &n)[2];
            CHECK(brain_model_count_params(m) == 49);
            brain_model_get_weights(m, w[run], 49);
            brain_history_free(h);
            brain_model_free(m);
        }
        CHECK(memcmp(w[0], w[1], sizeof(float) * 49) == 0);
        CHECK(loss[0] == loss[1]);
        /* and a different seed gives different weights */
        brain_set_random_seed(124);
        brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0.3f);
        brain_model_build(m);
        float w3[64];
        brain_model_get_weights(m, w3, 49);
        CHECK(memcmp(w3, w[0], sizeof(float) * 49) != 0);
        brain_model_free(m);
    }

    /* 2. steps per epoch = ceil(N / batch) (last partial batch used), initial_epoch, history */
    {
        brain_set_random_seed(5);
        brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "sgd", .loss_name = "binary_crossentropy",
                                                           .metric_names = (const char *[]){"accuracy", NULL}}));
        counter c = {0};
        brain_callback *cb = brain_callback_custom(&(brain_callback_hooks){.on_train_batch_end = count_batch,
                                                                           .on_epoch_begin = count_epoch, .user = &c});
        brain_history *h;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 5, .initial_epoch = 3, .batch_size = 32,
                                                         .verbose = BRAIN_SILENT, .validation_split = 0.2f,
                                                         .callbacks = (brain_callback *[]){cb, NULL}}, &h));
        CHECK(c.epochs_begun == 2);
        CHECK(c.batches == 2 * 2); /* 56 training rows → 2 batches (32 + 24) */
        CHECK(brain_history_num_epochs(h) == 2);
        CHECK(brain_history_epochs(h)[0] == 3 && brain_history_epochs(h)[1] == 4);
        CHECK(brain_history_num_keys(h) == 4);
        CHECK(!strcmp(brain_history_key(h, 0), "accuracy"));
        CHECK(!strcmp(brain_history_key(h, 1), "loss"));
        CHECK(!strcmp(brain_history_key(h, 2), "val_accuracy"));
        CHECK(!strcmp(brain_history_key(h, 3), "val_loss"));
        /* validation_split = the last 20% of rows (14): val_loss equals evaluate on them */
        brain_tensor *xv = brain_tensor_slice_rows(x, 56, 70), *yv = brain_tensor_slice_rows(y, 56, 70);
        brain_logs ev;
        CHECK_OK(brain_evaluate(m, xv, yv, &(brain_eval_options){.verbose = BRAIN_SILENT}, &ev));
        double vl, el;
        int n;
        vl = brain_history_get(h, "val_loss", &n)[1];
        brain_logs_get(&ev, "loss", &el);
        CHECK_NEAR(vl, el, 1e-9, 1e-9);
        brain_tensor_free(xv); brain_tensor_free(yv);
        brain_history_free(h);
        brain_callback_free(cb);
        brain_model_free(m);
    }

    /* 3. evaluate over a partial last batch = the loss over all rows at once; predict = forward */
    {
        brain_set_random_seed(6);
        brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.loss_name = "binary_crossentropy"}));
        brain_tensor *p;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){.batch_size = 32, .verbose = BRAIN_SILENT}, &p));
        CHECK(p->shape[0] == 70 && p->shape[1] == 1);
        double whole;
        brain_loss *bce = brain_loss_binary_crossentropy(NULL);
        CHECK_OK(brain_loss_compute(bce, y, p, NULL, &whole, NULL));
        brain_logs ev;
        CHECK_OK(brain_evaluate(m, x, y, &(brain_eval_options){.batch_size = 32, .verbose = BRAIN_SILENT}, &ev));
        double el;
        CHECK(brain_logs_get(&ev, "loss", &el));
        CHECK_NEAR(el, whole, 1e-6, 1e-6);
        const brain_tensor *out;
        CHECK_OK(brain_model_forward(m, x, false, &out));
        CHECK(memcmp(out->data, p->data, sizeof(float) * 70) == 0);
        /* one row, and zero rows to predict */
        brain_tensor *one = brain_tensor_slice_rows(x, 69, 70), *p1;
        CHECK_OK(brain_predict(m, one, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p1));
        CHECK(p1->data[0] == p->data[69]);
        brain_tensor_free(p1); brain_tensor_free(one);
        brain_tensor_free(p);
        brain_loss_free(bce);
        brain_model_free(m);
    }

    /* 4. the explicit loop equals fit (no shuffle, no dropout), bit for bit */
    {
        float wf[64], we[64];
        brain_set_random_seed(9);
        brain_model *a = mlp(4, 1, BRAIN_SIGMOID, 0);
        CHECK_OK(brain_compile(a, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy"}));
        CHECK_OK(brain_fit(a, x, y, &(brain_fit_options){.epochs = 2, .batch_size = 16, .shuffle = BRAIN_OFF,
                                                         .verbose = BRAIN_SILENT}, NULL));
        brain_model_get_weights(a, wf, 49);
        brain_set_random_seed(9);
        brain_model *b = mlp(4, 1, BRAIN_SIGMOID, 0);
        brain_optimizer *opt = brain_adam(NULL);
        brain_loss *bce = brain_loss_binary_crossentropy(NULL);
        for (int e = 0; e < 2; e++)
            for (int64_t s = 0; s < 70; s += 16) {
                int64_t end = s + 16 < 70 ? s + 16 : 70;
                brain_tensor *xb = brain_tensor_slice_rows(x, s, end), *yb = brain_tensor_slice_rows(y, s, end);
                const brain_tensor *pred;
                double l;
                brain_model_zero_grad(b);
                CHECK_OK(brain_model_forward(b, xb, true, &pred));
                CHECK_OK(brain_model_loss(b, yb, bce, &l));
                CHECK_OK(brain_model_backward(b));
                CHECK_OK(brain_optimizer_step(opt, b));
                brain_tensor_free(xb); brain_tensor_free(yb);
            }
        brain_model_get_weights(b, we, 49);
        CHECK(memcmp(wf, we, sizeof(float) * 49) == 0);
        CHECK(brain_optimizer_iterations(opt) == 10);
        /* backward without a loss is a clear error */
        CHECK_FAILS(brain_model_backward(b), "brain_model_loss first");
        brain_optimizer_free(opt); brain_loss_free(bce);
        brain_model_free(a); brain_model_free(b);
    }

    /* 5. class_weight = the matching sample weights */
    {
        double l[2];
        for (int k = 0; k < 2; k++) {
            brain_set_random_seed(11);
            brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0);
            CHECK_OK(brain_compile(m, &(brain_compile_options){.loss_name = "binary_crossentropy"}));
            float cw[2] = {0.25f, 3.0f}, sw[70];
            for (int i = 0; i < 70; i++) sw[i] = cw[(int)y->data[i]];
            brain_history *h;
            brain_fit_options o = {.epochs = 2, .batch_size = 16, .verbose = BRAIN_SILENT};
            if (k == 0) { o.class_weight = cw; o.n_class_weight = 2; } else o.sample_weight = sw;
            CHECK_OK(brain_fit(m, x, y, &o, &h));
            int n;
            l[k] = brain_history_get(h, "loss", &n)[1];
            brain_history_free(h);
            brain_model_free(m);
        }
        CHECK(l[0] == l[1]);
        CHECK(l[0] > 0);
    }

    /* 6. the training step allocates nothing after the first batch */
#ifdef COUNT_ALLOCS
    {
        brain_set_random_seed(12);
        brain_tensor *y3, *x3 = blobs(200, 6, 3, 2, &y3, true);
        brain_model *m = mlp(6, 3, BRAIN_SOFTMAX, 0.5f);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy",
            .metrics = (brain_metric *[]){brain_metric_accuracy(NULL), brain_metric_auc(NULL), brain_metric_precision(NULL), NULL}}));
        counter c = {0};
        brain_callback *cb = brain_callback_custom(&(brain_callback_hooks){.on_train_batch_begin = count_batch_begin, .user = &c});
        CHECK_OK(brain_fit(m, x3, y3, &(brain_fit_options){.epochs = 1, .batch_size = 16, .verbose = BRAIN_SILENT,
                                                           .callbacks = (brain_callback *[]){cb, NULL}}, NULL));
        CHECK(c.n_allocs == 13);
        CHECK_MSG(c.allocs_after_first[12] == c.allocs_after_first[1], "%ld allocations in batches 2..13",
                  c.allocs_after_first[12] - c.allocs_after_first[1]);
        brain_callback_free(cb);
        brain_model_free(m);
        brain_tensor_free(x3); brain_tensor_free(y3);
    }
#endif

    /* 7. summary() as Keras prints it (the spec's worked example), before and after training */
    {
        brain_model *m = brain_sequential("sequential");
        brain_model_add(m, brain_input(BRAIN_SHAPE(10)));
        brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}));
        brain_model_add(m, brain_dropout(0.5f, NULL));
        brain_model_add(m, brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
        char buf[4096];
        CHECK_OK(brain_model_summary_string(m, 0, buf, sizeof buf));
        const char *want =
            "Model: \"sequential\"\n"
            "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n"
            "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n"
            "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n"
            "│ dense (Dense)                   │ (None, 64)             │           704 │\n"
            "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
            "│ dropout (Dropout)               │ (None, 64)             │             0 │\n"
            "├─────────────────────────────────┼────────────────────────┼───────────────┤\n"
            "│ dense_1 (Dense)                 │ (None, 3)              │           195 │\n"
            "└─────────────────────────────────┴────────────────────────┴───────────────┘\n"
            " Total params: 899 (3.51 KB)\n"
            " Trainable params: 899 (3.51 KB)\n"
            " Non-trainable params: 0 (0.00 B)\n";
        CHECK_MSG(!strcmp(buf, want), "summary differs:\n%s", buf);
        brain_tensor *y10, *x10 = blobs(20, 10, 3, 3, &y10, true);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy"}));
        CHECK_OK(brain_fit(m, x10, y10, &(brain_fit_options){.verbose = BRAIN_SILENT}, NULL));
        CHECK_OK(brain_model_summary_string(m, 0, buf, sizeof buf));
        CHECK(strstr(buf, " Total params: 2,699 (10.54 KB)\n") != NULL);
        CHECK(strstr(buf, " Optimizer params: 1,800 (7.03 KB)\n") != NULL);
        /* the wider Keras layout (line_length 88): columns 36 / 27 / 15 */
        CHECK_OK(brain_model_summary_string(m, 88, buf, sizeof buf));
        CHECK(strstr(buf, "│ dense (Dense)                        │ (None, 64)                  │             704 │") != NULL);
        brain_tensor_free(x10); brain_tensor_free(y10);
        brain_model_free(m);
    }

    /* 8. what the user sees: Epoch i/N only when epochs > 1; verbose 2 one line; silent nothing */
    {
        brain_set_random_seed(13);
        brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.loss_name = "binary_crossentropy",
                                                           .metric_names = (const char *[]){"acc", NULL}}));
        g_out_len = 0; g_out[0] = 0;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 2, .batch_size = 32, .verbose = 2}, NULL));
        CHECK(strstr(g_out, "Epoch 1/2\n3/3 - ") == g_out);
        CHECK(strstr(g_out, "/step - acc: ") != NULL && strstr(g_out, " - loss: ") != NULL);
        CHECK(strstr(g_out, "Epoch 2/2\n") != NULL);
        g_out_len = 0; g_out[0] = 0;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 1, .verbose = 2}, NULL));
        CHECK(strstr(g_out, "Epoch") == NULL && strncmp(g_out, "3/3 - ", 6) == 0);
        g_out_len = 0; g_out[0] = 0;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 2, .verbose = BRAIN_SILENT}, NULL));
        CHECK(g_out_len == 0);
        g_out_len = 0; g_out[0] = 0;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 1, .verbose = 1}, NULL));
        CHECK(strstr(g_out, "3/3 ━━━━━━━━━━━━━━━━━━━━ ") != NULL);
        brain_model_free(m);
    }

    /* 8b. a frozen layer (trainable = false) keeps its weights; the others train */
    {
        brain_set_random_seed(14);
        brain_model *m = mlp(4, 1, BRAIN_SIGMOID, 0);
        CHECK_OK(brain_model_build(m));
        CHECK(brain_model_count_trainable(m) == 49);
        float before[49], after[49];
        brain_model_get_weights(m, before, 49);
        brain_layer_set_trainable(brain_model_layer(m, 0), false);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy"}));
        CHECK(brain_model_count_trainable(m) == 9);
        CHECK(brain_model_count_params(m) == 49);
        brain_model_get_weights(m, after, 49);
        CHECK(memcmp(before, after, sizeof before) == 0); /* relayout keeps the values */
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){.epochs = 2, .verbose = BRAIN_SILENT}, NULL));
        brain_model_get_weights(m, after, 49);
        CHECK(memcmp(before, after, sizeof(float) * 40) == 0);      /* Dense(8): kernel 32 + bias 8 */
        CHECK(memcmp(before + 40, after + 40, sizeof(float) * 9) != 0); /* Dense(1) trained */
        char buf[4096];
        CHECK_OK(brain_model_summary_string(m, 0, buf, sizeof buf));
        CHECK(strstr(buf, " Trainable params: 9 (36.00 B)\n") && strstr(buf, " Non-trainable params: 40 (160.00 B)\n"));
        brain_model_free(m);
    }

    /* 9. errors: clear sentences, no crash */
    {
        brain_model *m = brain_sequential(NULL);
        CHECK_FAILS(brain_model_build(m), "brain_input");
        CHECK_FAILS(brain_model_add(m, brain_dense(0, NULL)), "units must be a positive integer");
        CHECK_FAILS(brain_model_add(m, brain_dropout(1.5f, NULL)), "rate must be in [0, 1)");
        brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
        brain_model_add(m, brain_dense(2, &(brain_dense_options){.name = "out"}));
        CHECK_FAILS(brain_model_add(m, brain_dense(2, &(brain_dense_options){.name = "out"})), "already has a layer named 'out'");
        CHECK_FAILS(brain_fit(m, x, y, NULL, NULL), "must be compiled first");
        CHECK_FAILS(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam"}), "a loss is required");
        CHECK_FAILS(brain_compile(m, &(brain_compile_options){.loss_name = "not_a_loss"}), "not_a_loss");
        CHECK_FAILS(brain_compile(m, &(brain_compile_options){.loss_name = "mse", .metric_names = (const char *[]){"nope", NULL}}), "nope");
        CHECK_OK(brain_compile(m, &(brain_compile_options){.loss_name = "mse"}));
        brain_tensor *bad = brain_tensor_new(2, (int64_t[]){70, 5});
        CHECK_FAILS(brain_fit(m, bad, y, &(brain_fit_options){.verbose = BRAIN_SILENT}, NULL), "expects input of shape (None, 4)");
        brain_tensor *short_y = brain_tensor_slice_rows(y, 0, 10);
        CHECK_FAILS(brain_fit(m, x, short_y, &(brain_fit_options){.verbose = BRAIN_SILENT}, NULL), "x has 70 rows but y has 10");
        CHECK_FAILS(brain_fit(m, x, y, &(brain_fit_options){.verbose = BRAIN_SILENT, .validation_split = 1.5f}, NULL), "validation_split");
        CHECK_FAILS(brain_model_add(m, brain_dense(2, NULL)), "already built");
        brain_tensor *y2 = brain_tensor_new(2, (int64_t[]){70, 3});
        CHECK_FAILS(brain_fit(m, x, y2, &(brain_fit_options){.verbose = BRAIN_SILENT}, NULL), "shape");
        /* a callback that fails (CSVLogger cannot open its file) makes fit fail with its reason */
        brain_callback *csv = brain_csv_logger("/nonexistent-dir/log.csv", NULL);
        CHECK_FAILS(brain_fit(m, x, y, &(brain_fit_options){.verbose = BRAIN_SILENT, .callbacks = (brain_callback *[]){csv, NULL}}, NULL),
                    "CSVLogger cannot open '/nonexistent-dir/log.csv'");
        brain_callback_free(csv);
        brain_tensor_free(bad); brain_tensor_free(short_y); brain_tensor_free(y2);
        brain_model_free(m);
    }

    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_set_print_hook(NULL, NULL);
    return check_summary("test_fit");
}
