/* functional_multi_io.c — tabular measurements and an image combined in one model, with two
 * outputs (Keras's functional API, in C).
 *
 *   measurements = keras.Input((6,), name="measurements")
 *   image = keras.Input((8, 8), name="image")
 *   t = layers.Dense(16, activation="relu")(measurements)
 *   i = layers.Dense(32, activation="relu")(layers.Flatten()(image))
 *   h = layers.Dense(32, activation="relu")(layers.Concatenate()([t, i]))
 *   pattern = layers.Dense(3, activation="softmax", name="pattern")(h)
 *   score = layers.Dense(1, name="score")(h)
 *   model = keras.Model([measurements, image], [pattern, score])
 *   model.compile(optimizer="adam",
 *                 loss={"pattern": "sparse_categorical_crossentropy", "score": "mse"},
 *                 loss_weights={"pattern": 1.0, "score": 0.5},
 *                 metrics={"pattern": ["accuracy"], "score": ["mae"]})
 *   model.fit([X_meas, X_img], [y_pattern, y_score], validation_split=0.2, epochs=20)
 *
 * Data (generated): each sample is an 8×8 image holding one of three noisy strokes — a
 * horizontal bar, a vertical bar or a diagonal, at a random row/column, drawn with a random
 * brightness b ∈ [0.5, 1.5] — and six measurements m ~ N(0, 1).  The class ("pattern") is the
 * stroke; the "score" is m0 − 0.5·m1 + 2·(b − 1) + N(0, 0.1²), so it needs both inputs: the
 * measurements and the image's brightness.  2500 samples (400 in quick mode); the last 500 (100)
 * are a test set.
 *
 * Run: ./build/functional_multi_io      (BRAIN_QUICK=1: less data, 3 epochs, for the test suite)
 * Claim (full run): test pattern accuracy ≥ 0.95 and test score MAE ≤ 0.25 (the noise floor
 * is 0.08; predicting the mean gives about 1.0). */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { MEAS = 6, SIDE = 8 };

static void make_sample(brain_rng *r, float *meas, float *img, float *pattern, float *score)
{
    int cls = (int)brain_rng_below(r, 3), at = (int)brain_rng_below(r, SIDE);
    float bright = (float)(0.5 + brain_rng_uniform(r));
    for (int p = 0; p < SIDE * SIDE; p++) img[p] = (float)(0.15 * brain_rng_uniform(r));
    for (int k = 0; k < SIDE; k++) {
        int row = cls == 0 ? at : k, col = cls == 1 ? at : cls == 0 ? k : (k + at) % SIDE;
        img[row * SIDE + col] += bright;
    }
    for (int j = 0; j < MEAS; j++) meas[j] = (float)brain_rng_normal(r);
    *pattern = (float)cls;
    *score = (float)(meas[0] - 0.5 * meas[1] + 2.0 * (bright - 1.0) + 0.1 * brain_rng_normal(r));
}

int main(void)
{
    const int quick = getenv("BRAIN_QUICK") != NULL;
    const int64_t n = quick ? 400 : 2500, n_test = quick ? 100 : 500, n_train = n - n_test;
    brain_set_random_seed(7);

    /* data: train and test tensors for both inputs and both targets */
    brain_rng rng;
    brain_rng_seed(&rng, 99);
    brain_tensor *meas = brain_tensor_new(2, (int64_t[]){n_train, MEAS}), *img = brain_tensor_new(3, (int64_t[]){n_train, SIDE, SIDE});
    brain_tensor *pat = brain_tensor_new(1, (int64_t[]){n_train}), *score = brain_tensor_new(2, (int64_t[]){n_train, 1});
    brain_tensor *tmeas = brain_tensor_new(2, (int64_t[]){n_test, MEAS}), *timg = brain_tensor_new(3, (int64_t[]){n_test, SIDE, SIDE});
    brain_tensor *tpat = brain_tensor_new(1, (int64_t[]){n_test}), *tscore = brain_tensor_new(2, (int64_t[]){n_test, 1});
    for (int64_t i = 0; i < n; i++) {
        bool test = i >= n_train;
        int64_t r = test ? i - n_train : i;
        make_sample(&rng, (test ? tmeas : meas)->data + r * MEAS, (test ? timg : img)->data + r * SIDE * SIDE,
                    (test ? tpat : pat)->data + r, (test ? tscore : score)->data + r);
    }

    /* 1. Define: two inputs, two branches joined by Concatenate, two outputs */
    brain_sym m_in = brain_input_sym(BRAIN_SHAPE(MEAS), "measurements");
    brain_sym i_in = brain_input_sym(BRAIN_SHAPE(SIDE, SIDE), "image");
    brain_sym t = brain_apply(brain_dense(16, &(brain_dense_options){.activation = BRAIN_RELU}), m_in);
    brain_sym f = brain_apply(brain_flatten(NULL), i_in);
    brain_sym i = brain_apply(brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}), f);
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(t, i));
    brain_sym h = brain_apply(brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}), c);
    brain_sym o_pat = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "pattern"}), h);
    brain_sym o_score = brain_apply(brain_dense(1, &(brain_dense_options){.name = "score"}), h);
    brain_model *model = brain_functional(BRAIN_SYMS(m_in, i_in), BRAIN_SYMS(o_pat, o_score),
                                          &(brain_functional_options){.name = "measurements_and_image"});
    if (!model) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    TRY(brain_model_summary(model, 0));

    /* 2. Compile: a loss, a weight and metrics per output */
    const char *acc[] = {"accuracy", NULL}, *mae[] = {"mae", NULL};
    TRY(brain_compile(model, &(brain_compile_options){
        .optimizer_name = "adam",
        .outputs = (brain_output_compile_options[]){
            {.loss_name = "sparse_categorical_crossentropy", .metric_names = acc},
            {.loss_name = "mse", .metric_names = mae, .loss_weight = 0.5f, .has_loss_weight = true}},
        .n_outputs = 2}));

    /* 3. Fit on both inputs and both targets */
    brain_history *hist = NULL;
    TRY(brain_fit_multi(model, BRAIN_TENSORS(meas, img), BRAIN_TENSORS(pat, score),
                        &(brain_fit_options){.epochs = quick ? 3 : 20, .batch_size = 32, .validation_split = 0.2f,
                                             .verbose = BRAIN_ONE_LINE_PER_EPOCH}, &hist));
    printf("history keys:");
    for (int k = 0; k < brain_history_num_keys(hist); k++) printf(" %s", brain_history_key(hist, k));
    printf("\n");

    /* 4. Evaluate: the total loss, each output's loss and metrics */
    brain_logs logs = {0};
    TRY(brain_evaluate_multi(model, BRAIN_TENSORS(tmeas, timg), BRAIN_TENSORS(tpat, tscore),
                             &(brain_eval_options){.verbose = BRAIN_SILENT}, &logs));
    printf("test:");
    for (int k = 0; k < logs.n; k++) printf(" %s = %.4f%s", logs.names[k], logs.values[k], k + 1 < logs.n ? "," : "\n");

    /* 5. Predict: one tensor per output */
    brain_tensor *pred[2] = {0};
    TRY(brain_predict_multi(model, BRAIN_TENSORS(tmeas, timg), &(brain_eval_options){.verbose = BRAIN_SILENT}, pred));
    const char *names[] = {"horizontal", "vertical", "diagonal"};
    for (int64_t r = 0; r < 4; r++) {
        int best = 0;
        for (int k = 1; k < 3; k++) if (pred[0]->data[r * 3 + k] > pred[0]->data[r * 3 + best]) best = k;
        printf("sample %lld: pattern %-10s (p = %.2f, true %-10s)  score %+.2f (true %+.2f)\n", (long long)r, names[best],
               pred[0]->data[r * 3 + best], names[(int)tpat->data[r]], pred[1]->data[r], tscore->data[r]);
    }
    double a = 0, e = 0;
    brain_logs_get(&logs, "pattern_accuracy", &a);
    brain_logs_get(&logs, "score_mae", &e);
    int ok = quick || (a >= 0.95 && e <= 0.25);
    if (!quick) printf("claim (pattern accuracy >= 0.95, score MAE <= 0.25): %s\n", ok ? "holds" : "FAILS");

    brain_tensor_free(pred[0]); brain_tensor_free(pred[1]);
    brain_history_free(hist);
    brain_model_free(model);
    brain_tensor_free(meas); brain_tensor_free(img); brain_tensor_free(pat); brain_tensor_free(score);
    brain_tensor_free(tmeas); brain_tensor_free(timg); brain_tensor_free(tpat); brain_tensor_free(tscore);
    return ok ? 0 : 1;
}
