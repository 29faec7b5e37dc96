/* optimizers.c — the lecture's "Code Snippet: Optimizers", in C.
 *
 *   # Adam — good default
 *   model.compile(optimizer='adam', loss='categorical_crossentropy')
 *
 *   # SGD — when you want explicit control
 *   from keras.optimizers import SGD
 *   model.compile(optimizer=SGD(learning_rate=0.01), loss='categorical_crossentropy')
 *
 * The model is the one of the Keras Workflow snippet (Dense(64, relu, input (10,)) → Dense(3,
 * softmax)), built afresh from the same seed for each optimizer so that they all start from the
 * same weights.  Besides the two compiles above, the other options Keras users reach for:
 *
 *   SGD(learning_rate=0.01, momentum=0.9, nesterov=True)
 *   RMSprop(learning_rate=0.001, clipnorm=1.0)
 *   AdamW(learning_rate=0.001, weight_decay=0.004, clipnorm=1.0)
 *
 * Data: 3 Gaussian clouds in 10 dimensions (σ = 1.5 around centres drawn from N(0, 1)),
 * 1200 samples (300 in quick mode), standardised; labels one-hot.
 * Each optimizer trains 10 epochs (3 in quick mode), batch 32, with the same shuffling seed.
 * Claim: every optimizer lowers the loss, and Adam with its defaults ends below plain
 * SGD(learning_rate=0.01) — the lecture's "Adam works well out of the box". */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { FEATURES = 10, CLASSES = 3 };

static brain_model *workflow_model(void)
{
    brain_set_random_seed(7); /* the same initial weights for every optimizer */
    brain_model *m = brain_sequential("sequential");
    if (brain_model_add(m, brain_input(BRAIN_SHAPE(FEATURES))) ||
        brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })) ||
        brain_model_add(m, brain_dense(CLASSES, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }))) {
        brain_model_free(m);
        return NULL;
    }
    return m;
}

/* Compiles a fresh model with `opt` (or `name`), trains it, returns the first and last epoch loss. */
static int train(const char *label, brain_optimizer *opt, const char *name, const brain_tensor *x,
                 const brain_tensor *y, int epochs, double *first, double *last)
{
    brain_model *m = workflow_model();
    if (!m) { brain_optimizer_free(opt); fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    if (brain_compile(m, &(brain_compile_options){ .optimizer = opt, .optimizer_name = name,
                                                     .loss_name = "categorical_crossentropy" })) {
        fprintf(stderr, "error: %s\n", brain_last_error());
        brain_model_free(m);
        return 1;
    }
    brain_optimizer *o = brain_model_optimizer(m);
    printf("\n== %s: %s, learning rate %g\n", label, brain_optimizer_class(o), brain_optimizer_get_learning_rate(o));
    brain_history *h = NULL;
    if (brain_fit(m, x, y, &(brain_fit_options){ .epochs = epochs, .batch_size = 32, .seed = 1, .has_seed = true,
                                                  .verbose = BRAIN_ONE_LINE_PER_EPOCH }, &h)) {
        fprintf(stderr, "error: %s\n", brain_last_error());
        brain_model_free(m);
        return 1;
    }
    int n = 0;
    const double *loss = brain_history_get(h, "loss", &n);
    *first = loss[0];
    *last = loss[n - 1];
    printf("%s: %lld optimizer steps, loss %.4f -> %.4f\n", label, (long long)brain_optimizer_iterations(o), *first, *last);
    brain_history_free(h);
    brain_model_free(m);
    return 0;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int epochs = quick ? 3 : 10;

    brain_rng rng;
    brain_rng_seed(&rng, 11);
    float centres[CLASSES][FEATURES];
    for (int c = 0; c < CLASSES; c++)
        for (int j = 0; j < FEATURES; j++) centres[c][j] = (float)brain_rng_normal(&rng);
    int64_t n = quick ? 300 : 1200;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, FEATURES });
    brain_tensor *ids = brain_tensor_new(1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % CLASSES);
        ids->data[i] = (float)c;
        for (int j = 0; j < FEATURES; j++) x->data[i * FEATURES + j] = (float)(centres[c][j] + 1.5 * brain_rng_normal(&rng));
    }
    brain_scaler *scaler = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(scaler, x));
    brain_tensor *y;
    TRY(brain_to_categorical(ids, CLASSES, &y));
    printf("Data: %lld samples, %d features, %d classes; %d epochs per optimizer\n", (long long)n, FEATURES, CLASSES, epochs);

    struct { const char *label; double first, last; } runs[5];
    int k = 0;
    /* model.compile(optimizer='adam', loss='categorical_crossentropy') */
    runs[k].label = "optimizer='adam'";
    TRY(train(runs[k].label, NULL, "adam", x, y, epochs, &runs[k].first, &runs[k].last)); k++;
    /* model.compile(optimizer=SGD(learning_rate=0.01), loss='categorical_crossentropy') */
    runs[k].label = "SGD(learning_rate=0.01)";
    TRY(train(runs[k].label, brain_sgd(&(brain_sgd_options){ .learning_rate = 0.01f }), NULL, x, y, epochs,
              &runs[k].first, &runs[k].last)); k++;
    /* SGD(learning_rate=0.01, momentum=0.9, nesterov=True) */
    runs[k].label = "SGD(0.01, momentum=0.9, nesterov=True)";
    TRY(train(runs[k].label, brain_sgd(&(brain_sgd_options){ .learning_rate = 0.01f, .momentum = 0.9f, .nesterov = true }),
              NULL, x, y, epochs, &runs[k].first, &runs[k].last)); k++;
    /* RMSprop(learning_rate=0.001, clipnorm=1.0) */
    runs[k].label = "RMSprop(0.001, clipnorm=1.0)";
    TRY(train(runs[k].label, brain_rmsprop(&(brain_rmsprop_options){ .learning_rate = 0.001f, .common.clipnorm = 1.0f }),
              NULL, x, y, epochs, &runs[k].first, &runs[k].last)); k++;
    /* AdamW(learning_rate=0.001, weight_decay=0.004, clipnorm=1.0) */
    runs[k].label = "AdamW(0.001, weight_decay=0.004, clipnorm=1.0)";
    TRY(train(runs[k].label, brain_adamw(&(brain_adam_options){ .learning_rate = 0.001f,
                                         .common = { .weight_decay = 0.004f, .clipnorm = 1.0f } }),
              NULL, x, y, epochs, &runs[k].first, &runs[k].last)); k++;

    /* Keras refuses two clip options at once ("Only one of clipnorm, clipvalue and global_clipnorm can be set") */
    brain_optimizer *bad = brain_sgd(&(brain_sgd_options){ .common = { .clipnorm = 1.0f, .clipvalue = 0.5f } });
    printf("\nSGD(clipnorm=1.0, clipvalue=0.5) -> %s: %s\n", bad ? "accepted (unexpected)" : "refused", brain_last_error());
    int ok = bad == NULL;
    brain_optimizer_free(bad);

    printf("\n%-48s %10s %10s\n", "optimizer", "epoch 1", "last");
    for (int i = 0; i < k; i++) {
        printf("%-48s %10.6f %10.6f\n", runs[i].label, runs[i].first, runs[i].last);
        if (!(runs[i].last < runs[i].first)) { fprintf(stderr, "%s did not lower the loss\n", runs[i].label); ok = 0; }
    }
    if (!(runs[0].last < runs[1].last)) { fprintf(stderr, "Adam did not beat SGD(0.01)\n"); ok = 0; }
    if (ok) printf("ok: every optimizer lowered the loss; Adam %.4f < SGD(0.01) %.4f\n", runs[0].last, runs[1].last);

    brain_scaler_free(scaler);
    brain_tensor_free(x); brain_tensor_free(ids); brain_tensor_free(y);
    return ok ? 0 : 1;
}
