/* The image and signal layers: backward passes against finite differences over strides, paddings,
 * dilations and even/odd kernels; hand-worked forward cases; BatchNormalization's training and
 * inference behaviour; the augmentation layers' training-only behaviour; clear errors. */
#include "gradcheck.h"

static brain_model *model_of(brain_shape in, brain_layer *a, brain_layer *b)
{
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(in));
    brain_model_add(m, a);
    if (b) brain_model_add(m, b);
    return m;
}

/* distinct values at least 2/n apart, shuffled: no two cells of a max window are within the
 * finite-difference step of each other, so no perturbation crosses a kink */
static void spread(brain_tensor *x, uint64_t seed)
{
    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = -1.0f + 2.0f * (float)i / (float)x->size;
    for (int64_t i = x->size - 1; i > 0; i--) {
        int64_t j = brain_rng_below(&r, i + 1);
        float t = x->data[i]; x->data[i] = x->data[j]; x->data[j] = t;
    }
}

static void grad(const char *label, brain_model *m, int ndim, const int64_t *xs, bool training, uint64_t seed)
{
    brain_tensor *x = gc_random(ndim, xs, seed, -1, 1);
    if (strstr(label, "Max")) spread(x, seed);
    gradcheck_model(label, m, x, training, 1e-2, 2e-3, 1e-2);
    brain_tensor_free(x);
    brain_model_free(m);
}

static void gradchecks(void)
{
    /* Conv2D: stride × padding × dilation × kernel parity (and a non-square kernel) */
    const int64_t ks[][2] = {{2, 2}, {3, 3}, {2, 3}};
    int n = 0;
    for (int k = 0; k < 3; k++)
        for (int s = 1; s <= 2; s++)
            for (int p = 0; p < 2; p++)
                for (int d = 1; d <= 2; d++) {
                    if (s > 1 && d > 1 && k == 1) continue;
                    char label[96];
                    snprintf(label, sizeof label, "Conv2D k%lldx%lld s%d %s d%d", (long long)ks[k][0], (long long)ks[k][1], s,
                             p ? "same" : "valid", d);
                    brain_model *m = model_of(BRAIN_SHAPE(6, 5, 2), brain_conv2d(3, ks[k][0], ks[k][1], &(brain_conv_options){
                        .strides = {s}, .padding = p ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID, .dilation_rate = {d},
                        .activation = (n++ % 2) ? BRAIN_TANH : BRAIN_LINEAR}), NULL);
                    const int64_t xs[4] = {2, 6, 5, 2};
                    grad(label, m, 4, xs, true, 100 + n);
                }
    {
        const int64_t xs[4] = {2, 4, 5, 3};
        grad("Conv2D 1x1 no bias", model_of(BRAIN_SHAPE(4, 5, 3), brain_conv2d(2, 1, 1, &(brain_conv_options){.use_bias = BRAIN_OFF}), NULL),
             4, xs, true, 7);
        grad("Conv2D strides (2,1) + l2", model_of(BRAIN_SHAPE(4, 5, 3), brain_conv2d(2, 3, 2, &(brain_conv_options){
            .strides = {2, 1}, .padding = BRAIN_PADDING_SAME, .kernel_regularizer = brain_l2(0.1f), .activation = BRAIN_SIGMOID}), NULL),
             4, xs, true, 8);
    }
    /* Conv1D */
    for (int k = 2; k <= 3; k++)
        for (int s = 1; s <= 2; s++)
            for (int p = 0; p < 2; p++)
                for (int d = 1; d <= 2; d++) {
                    char label[96];
                    snprintf(label, sizeof label, "Conv1D k%d s%d %s d%d", k, s, p ? "same" : "valid", d);
                    const int64_t xs[3] = {2, 9, 2};
                    grad(label, model_of(BRAIN_SHAPE(9, 2), brain_conv1d(3, k, &(brain_conv_options){.strides = {s}, .dilation_rate = {d},
                        .padding = p ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID, .activation = BRAIN_TANH}), NULL), 3, xs, true, 200 + k * 8 + s * 4 + p * 2 + d);
                }
    /* pooling: max/avg × pool 2/3 × stride × padding (inputs spread out so a max never ties) */
    for (int mx = 0; mx < 2; mx++)
        for (int ps = 2; ps <= 3; ps++)
            for (int s = 1; s <= 2; s++)
                for (int p = 0; p < 2; p++) {
                    char label[96];
                    brain_pool_options o = {.pool_size = {ps}, .strides = {s}, .padding = p ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID};
                    snprintf(label, sizeof label, "%s2D pool %d s%d %s", mx ? "MaxPooling" : "AveragePooling", ps, s, p ? "same" : "valid");
                    const int64_t xs[4] = {2, 5, 6, 2};
                    grad(label, model_of(BRAIN_SHAPE(5, 6, 2), mx ? brain_max_pooling2d(&o) : brain_average_pooling2d(&o), NULL), 4, xs, true, 300 + ps * 8 + s * 4 + p * 2 + mx);
                    snprintf(label, sizeof label, "%s1D pool %d s%d %s", mx ? "MaxPooling" : "AveragePooling", ps, s, p ? "same" : "valid");
                    const int64_t x1[3] = {2, 7, 3};
                    grad(label, model_of(BRAIN_SHAPE(7, 3), mx ? brain_max_pooling1d(&o) : brain_average_pooling1d(&o), NULL), 3, x1, true, 400 + ps * 8 + s * 4 + p * 2 + mx);
                }
    {
        const int64_t x4[4] = {2, 3, 4, 3}, x3[3] = {2, 5, 3};
        grad("GlobalAveragePooling2D", model_of(BRAIN_SHAPE(3, 4, 3), brain_global_average_pooling2d(NULL), NULL), 4, x4, true, 501);
        grad("GlobalMaxPooling2D", model_of(BRAIN_SHAPE(3, 4, 3), brain_global_max_pooling2d(NULL), NULL), 4, x4, true, 502);
        grad("GlobalAveragePooling1D", model_of(BRAIN_SHAPE(5, 3), brain_global_average_pooling1d(NULL), NULL), 3, x3, true, 503);
        grad("Reshape + Dense", model_of(BRAIN_SHAPE(5, 3), brain_reshape(BRAIN_SHAPE(-1, 5), NULL), brain_dense(2, NULL)), 3, x3, true, 504);
        /* BatchNormalization after a Dense (so gamma/beta and the input all get gradients) */
        const int64_t x2[2] = {6, 4};
        grad("BatchNormalization training", model_of(BRAIN_SHAPE(4), brain_dense(3, NULL), brain_batch_normalization(NULL)), 2, x2, true, 505);
        grad("BatchNormalization inference", model_of(BRAIN_SHAPE(4), brain_dense(3, NULL), brain_batch_normalization(NULL)), 2, x2, false, 506);
        grad("BatchNormalization (H,W,C) training, no center", model_of(BRAIN_SHAPE(3, 4, 3), brain_batch_normalization(
            &(brain_batch_norm_options){.center = BRAIN_OFF}), NULL), 4, x4, true, 507);
        grad("BatchNormalization no scale", model_of(BRAIN_SHAPE(3, 4, 3), brain_conv2d(2, 2, 2, NULL), brain_batch_normalization(
            &(brain_batch_norm_options){.scale = BRAIN_OFF})), 4, x4, true, 508);
        /* augmentation: the gradient goes through the transform applied (the same draws each evaluation) */
        const int64_t xi[4] = {3, 4, 5, 2};
        grad("RandomFlip training", model_of(BRAIN_SHAPE(4, 5, 2), brain_random_flip(NULL), brain_conv2d(2, 2, 2, NULL)), 4, xi, true, 509);
        grad("RandomFlip horizontal", model_of(BRAIN_SHAPE(4, 5, 2), brain_random_flip(&(brain_random_flip_options){.mode = BRAIN_FLIP_HORIZONTAL}), NULL), 4, xi, true, 510);
        grad("RandomRotation training", model_of(BRAIN_SHAPE(4, 5, 2), brain_random_rotation(0.2f, NULL), NULL), 4, xi, true, 511);
        grad("RandomRotation constant fill", model_of(BRAIN_SHAPE(4, 5, 2), brain_random_rotation(0.3f,
            &(brain_random_rotation_options){.fill_mode = BRAIN_FILL_CONSTANT}), NULL), 4, xi, true, 512);
        grad("RandomRotation inference", model_of(BRAIN_SHAPE(4, 5, 2), brain_random_rotation(0.2f, NULL), NULL), 4, xi, false, 513);
    }
}

static const brain_tensor *run(brain_model *m, int ndim, const int64_t *shape, const float *data, bool training)
{
    brain_tensor *x = brain_tensor_from(data, ndim, shape);
    const brain_tensor *y = NULL;
    CHECK_OK(brain_model_forward(m, x, training, &y));
    brain_tensor_free(x);
    return y;
}

static void hand_worked(void)
{
    /* Conv2D(1, 2x2, strides 2, same) on a 3x3 image of 1..9 with an all-ones kernel and no bias:
     * out = ceil(3/2) = 2, total pad = (2−1)·2 + 2 − 3 = 1 → 0 on top/left, 1 at the bottom/right:
     *   [1 2 | 3 .]     y = [1+2+4+5  3+6 ] = [12  9]
     *   [4 5 | 6 .]         [7+8      9   ]   [15  9]
     *   [7 8 | 9 .] */
    {
        brain_model *m = model_of(BRAIN_SHAPE(3, 3, 1), brain_conv2d(1, 2, 2, &(brain_conv_options){
            .strides = {2}, .padding = BRAIN_PADDING_SAME, .use_bias = BRAIN_OFF, .kernel_initializer = BRAIN_INIT_ONES}), NULL);
        const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const int64_t xs[4] = {1, 3, 3, 1};
        const brain_tensor *y = run(m, 4, xs, x, false);
        CHECK(y && y->size == 4);
        if (y) { CHECK(y->data[0] == 12); CHECK(y->data[1] == 9); CHECK(y->data[2] == 15); CHECK(y->data[3] == 9); }
        brain_model_free(m);
    }
    /* MaxPooling2D / AveragePooling2D (2x2, strides 2, same) on 3x3: the edge windows hold 2 and 1 cells
     *   max = [5 6; 8 9],  average = [(1+2+4+5)/4  (3+6)/2; (7+8)/2  9] = [3 4.5; 7.5 9] */
    {
        const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        const int64_t xs[4] = {1, 3, 3, 1};
        brain_pool_options o = {.padding = BRAIN_PADDING_SAME};
        brain_model *m = model_of(BRAIN_SHAPE(3, 3, 1), brain_max_pooling2d(&o), NULL);
        const brain_tensor *y = run(m, 4, xs, x, false);
        if (y) { CHECK(y->data[0] == 5); CHECK(y->data[1] == 6); CHECK(y->data[2] == 8); CHECK(y->data[3] == 9); }
        brain_model_free(m);
        m = model_of(BRAIN_SHAPE(3, 3, 1), brain_average_pooling2d(&o), NULL);
        y = run(m, 4, xs, x, false);
        if (y) { CHECK(y->data[0] == 3); CHECK(y->data[1] == 4.5f); CHECK(y->data[2] == 7.5f); CHECK(y->data[3] == 9); }
        brain_model_free(m);
        /* negative values: padding must not win a max (a zero pad would) */
        const float neg[9] = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        m = model_of(BRAIN_SHAPE(3, 3, 1), brain_max_pooling2d(&o), NULL);
        y = run(m, 4, xs, neg, false);
        if (y) { CHECK(y->data[0] == -1); CHECK(y->data[1] == -3); CHECK(y->data[2] == -7); CHECK(y->data[3] == -9); }
        brain_model_free(m);
    }
    /* Conv1D(1, 2, dilation 2, valid) with kernel ones on 1..5: y[t] = x[t] + x[t+2] = 4, 6, 8 */
    {
        brain_model *m = model_of(BRAIN_SHAPE(5, 1), brain_conv1d(1, 2, &(brain_conv_options){.dilation_rate = {2},
            .use_bias = BRAIN_OFF, .kernel_initializer = BRAIN_INIT_ONES}), NULL);
        const float x[5] = {1, 2, 3, 4, 5};
        const int64_t xs[3] = {1, 5, 1};
        const brain_tensor *y = run(m, 3, xs, x, false);
        CHECK(y && y->size == 3);
        if (y) { CHECK(y->data[0] == 4); CHECK(y->data[1] == 6); CHECK(y->data[2] == 8); }
        brain_model_free(m);
    }
}

static void batchnorm_behaviour(void)
{
    brain_model *m = model_of(BRAIN_SHAPE(1), brain_batch_normalization(NULL), NULL);
    CHECK_OK(brain_model_build(m));
    CHECK(brain_model_count_params(m) == 4 && brain_model_count_trainable(m) == 2);
    const float x[4] = {1, 2, 3, 6};  /* mean 3, biased variance (4+1+0+9)/4 = 3.5 */
    const int64_t xs[2] = {4, 1};
    float w[4];
    /* inference: moving statistics (0, 1) → y = x / sqrt(1 + 1e-3); nothing moves */
    const brain_tensor *y = run(m, 2, xs, x, false);
    if (y) CHECK_NEAR(y->data[3], 6 / sqrt(1.001), 1e-6, 1e-6);
    CHECK_OK(brain_model_get_weights(m, w, 4));
    CHECK(w[2] == 0 && w[3] == 1);
    /* training: batch statistics; moving = 0.99·moving + 0.01·batch */
    y = run(m, 2, xs, x, true);
    if (y) CHECK_NEAR(y->data[3], 3 / sqrt(3.5 + 1e-3), 1e-5, 1e-5);
    CHECK_OK(brain_model_get_weights(m, w, 4));
    CHECK_NEAR(w[2], 0.03, 1e-7, 1e-5);
    CHECK_NEAR(w[3], 0.99 + 0.035, 1e-7, 1e-5);
    /* inference now uses the moved statistics */
    y = run(m, 2, xs, x, false);
    if (y) CHECK_NEAR(y->data[0], (1 - 0.03) / sqrt(1.025 + 1e-3), 1e-5, 1e-5);
    /* a frozen BatchNormalization runs in inference mode even when training (Keras) */
    brain_layer_set_trainable(brain_model_layer(m, 0), false);
    y = run(m, 2, xs, x, true);
    if (y) CHECK_NEAR(y->data[0], (1 - 0.03) / sqrt(1.025 + 1e-3), 1e-5, 1e-5);
    CHECK_OK(brain_model_get_weights(m, w, 4));
    CHECK_NEAR(w[2], 0.03, 1e-7, 1e-5);
    brain_model_free(m);
}

static void augmentation_behaviour(void)
{
    const int64_t xs[4] = {64, 2, 3, 1};
    float *x = malloc(sizeof(float) * 64 * 6);
    for (int i = 0; i < 64 * 6; i++) x[i] = (float)(i % 6);
    /* horizontal_and_vertical: each image is unchanged or turned by 180°, both seen; inference = identity */
    brain_model *m = model_of(BRAIN_SHAPE(2, 3, 1), brain_random_flip(&(brain_random_flip_options){.seed = 5, .has_seed = true}), NULL);
    const brain_tensor *y = run(m, 4, xs, x, true);
    int same = 0, turned = 0;
    for (int b = 0; y && b < 64; b++) {
        bool s = true, t = true;
        for (int i = 0; i < 6; i++) { s &= y->data[b * 6 + i] == (float)i; t &= y->data[b * 6 + i] == (float)(5 - i); }
        same += s; turned += t;
    }
    CHECK(same + turned == 64 && same > 10 && turned > 10);
    y = run(m, 4, xs, x, false);
    for (int i = 0; y && i < 64 * 6; i++) if (y->data[i] != x[i]) { CHECK(!"RandomFlip changed an input at inference"); break; }
    brain_model_free(m);
    /* vertical only: rows swap, columns stay */
    m = model_of(BRAIN_SHAPE(2, 3, 1), brain_random_flip(&(brain_random_flip_options){.mode = BRAIN_FLIP_VERTICAL}), NULL);
    y = run(m, 4, xs, x, true);
    int flipped = 0;
    for (int b = 0; y && b < 64; b++) {
        bool v = true;
        for (int i = 0; i < 6; i++) v &= y->data[b * 6 + i] == (float)((i + 3) % 6);
        flipped += v;
    }
    CHECK(flipped > 10 && flipped < 54);
    brain_model_free(m);
    /* RandomRotation is the identity at inference, changes images in training, and is seeded */
    m = model_of(BRAIN_SHAPE(2, 3, 1), brain_random_rotation(0.2f, &(brain_random_rotation_options){.seed = 9, .has_seed = true}), NULL);
    y = run(m, 4, xs, x, false);
    CHECK(y && !memcmp(y->data, x, sizeof(float) * 64 * 6));
    y = run(m, 4, xs, x, true);
    CHECK(y && memcmp(y->data, x, sizeof(float) * 64 * 6) != 0);
    float first = y ? y->data[1] : 0;
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(2, 3, 1), brain_random_rotation(0.2f, &(brain_random_rotation_options){.seed = 9, .has_seed = true}), NULL);
    y = run(m, 4, xs, x, true);
    CHECK(y && y->data[1] == first);
    brain_model_free(m);
    free(x);
}

static void errors(void)
{
    brain_model *m = model_of(BRAIN_SHAPE(28, 28), brain_conv2d(4, 3, 3, NULL), NULL);
    CHECK_FAILS(brain_model_build(m), "needs inputs of rank 4");
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(2, 2, 1), brain_conv2d(4, 3, 3, NULL), NULL);
    CHECK_FAILS(brain_model_build(m), "does not fit");
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(1, 1, 1), brain_max_pooling2d(NULL), NULL);
    CHECK_FAILS(brain_model_build(m), "does not fit");
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(5, 3), brain_reshape(BRAIN_SHAPE(4, -1), NULL), NULL);
    CHECK_FAILS(brain_model_build(m), "cannot be reshaped");
    brain_model_free(m);
    CHECK(brain_conv2d(0, 3, 3, NULL) == NULL && strstr(brain_last_error(), "filters"));
    CHECK(brain_reshape(BRAIN_SHAPE(-1, -1), NULL) == NULL && strstr(brain_last_error(), "-1"));
    /* any axis but the batch's (issue 10; Keras's numbering, checked when built): -2 and 1 build,
     * an axis past the rank is refused; out-of-range numbers at construction */
    CHECK(brain_batch_normalization(&(brain_batch_norm_options){.axis = 99}) == NULL && strstr(brain_last_error(), "axis"));
    m = model_of(BRAIN_SHAPE(4, 4, 2), brain_batch_normalization(&(brain_batch_norm_options){.axis = -2}), NULL);
    CHECK_OK(brain_model_build(m));
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(4, 4, 2), brain_batch_normalization(&(brain_batch_norm_options){.axis = 1}), NULL);
    CHECK_OK(brain_model_build(m));
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(4, 4, 2), brain_batch_normalization(&(brain_batch_norm_options){.axis = 4}), NULL);
    CHECK_FAILS(brain_model_build(m), "axis 4 is not an axis");
    brain_model_free(m);
    m = model_of(BRAIN_SHAPE(4, 4, 2), brain_batch_normalization(&(brain_batch_norm_options){.axis = 3}), NULL);
    CHECK_OK(brain_model_build(m));
    brain_model_free(m);
    m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    CHECK_FAILS(brain_model_add(m, brain_conv1d(2, -1, NULL)), "kernel_size");
    brain_model_free(m);
}

/* A convolution big enough to split its chunks over threads gives the same outputs and gradients
 * with 2 threads as with 1 (up to the order of the dK partial sums). */
static void threads_agree(void)
{
    const int64_t xs[4] = {24, 14, 14, 8};
    brain_tensor *x = gc_random(4, xs, 77, -1, 1);
    float *out[2], *grads[2], *dx[2];
    int64_t n_out = 0, n_par = 0;
    for (int run = 0; run < 2; run++) {
        brain_set_num_threads(run + 1);
        brain_set_random_seed(5);
        brain_model *m = model_of(BRAIN_SHAPE(14, 14, 8), brain_conv2d(32, 3, 3, &(brain_conv_options){
            .activation = BRAIN_RELU, .padding = BRAIN_PADDING_SAME}), NULL);
        m->want_input_grad = true;
        CHECK_OK(brain_model_build(m));
        CHECK_OK(brain__model_forward(m, x, true));
        const brain_tensor *y = brain__model_output(m);
        n_out = y->size;
        n_par = m->n_params;
        float *g = brain__model_output_grad(m);
        for (int64_t i = 0; i < n_out; i++) g[i] = (float)((i % 7) - 3) * 0.1f;
        brain_model_zero_grad(m);
        brain__model_backward_graph(m);
        out[run] = malloc(sizeof(float) * n_out); memcpy(out[run], y->data, sizeof(float) * n_out);
        grads[run] = malloc(sizeof(float) * n_par); memcpy(grads[run], m->grads, sizeof(float) * n_par);
        dx[run] = malloc(sizeof(float) * x->size); memcpy(dx[run], m->nodes[0].dbuf, sizeof(float) * x->size);
        brain_model_free(m);
    }
    brain_set_num_threads(0);
    int bad = 0;
    for (int64_t i = 0; i < n_out; i++) bad += out[0][i] != out[1][i];
    for (int64_t i = 0; i < x->size; i++) bad += dx[0][i] != dx[1][i];
    for (int64_t i = 0; i < n_par; i++) bad += fabsf(grads[0][i] - grads[1][i]) > 1e-4f * (1 + fabsf(grads[0][i]));
    CHECK_MSG(bad == 0, "1 and 2 threads differ in %d values", bad);
    for (int r = 0; r < 2; r++) { free(out[r]); free(grads[r]); free(dx[r]); }
    brain_tensor_free(x);
}

/* Forward against a plain loop over the definition (Keras geometry), relu: the short-window path
 * (kh·kw·C_in ≤ 32, filters a multiple of 32; padding, strides, dilations, rows shorter than its
 * 6-pixel tile) and the batch-1 pass whose output rows are split over threads (K > 32). */
static void forward_reference(void)
{
    struct { int64_t H, W, C, kh, kw, s, d, F; bool same; int batch, threads; } cs[] = {
        {28, 28, 1, 3, 3, 1, 1, 32, false, 2, 1}, {9, 13, 3, 3, 3, 1, 1, 32, true, 2, 2},
        {9, 13, 2, 2, 5, 2, 1, 64, true, 1, 1},   {11, 7, 1, 3, 3, 1, 2, 32, false, 3, 2},
        {8, 17, 3, 3, 3, 2, 1, 32, false, 1, 2},  {13, 13, 32, 3, 3, 1, 1, 64, false, 1, 2},
        {12, 9, 8, 3, 3, 1, 1, 32, true, 1, 2},
    };
    for (size_t t = 0; t < sizeof cs / sizeof cs[0]; t++) {
        brain_set_num_threads(cs[t].threads);
        const int64_t H = cs[t].H, W = cs[t].W, C = cs[t].C, kh = cs[t].kh, kw = cs[t].kw, s = cs[t].s, d = cs[t].d,
                      F = cs[t].F, B = cs[t].batch;
        brain_model *m = model_of(BRAIN_SHAPE(H, W, C), brain_conv2d(F, kh, kw, &(brain_conv_options){
            .activation = BRAIN_RELU, .strides = {s}, .dilation_rate = {d},
            .padding = cs[t].same ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID}), NULL);
        CHECK_OK(brain_model_build(m));
        const float *K = m->params, *bias = m->params + kh * kw * C * F;
        for (int64_t f = 0; f < F; f++) m->params[kh * kw * C * F + f] = 0.05f * (float)(f % 7) - 0.1f;
        const int64_t xs[4] = {B, H, W, C};
        brain_tensor *x = gc_random(4, xs, 300 + t, -1, 1);
        CHECK_OK(brain__model_forward(m, x, false));
        const brain_tensor *y = brain__model_output(m);
        const int64_t ke_h = (kh - 1) * d + 1, ke_w = (kw - 1) * d + 1;
        const int64_t OH = cs[t].same ? (H + s - 1) / s : (H - ke_h) / s + 1, OW = cs[t].same ? (W + s - 1) / s : (W - ke_w) / s + 1;
        const int64_t ph = cs[t].same ? ((OH - 1) * s + ke_h - H > 0 ? ((OH - 1) * s + ke_h - H) / 2 : 0) : 0;
        const int64_t pw = cs[t].same ? ((OW - 1) * s + ke_w - W > 0 ? ((OW - 1) * s + ke_w - W) / 2 : 0) : 0;
        CHECK(y->size == B * OH * OW * F);
        double worst = 0;
        for (int64_t b = 0; b < B; b++)
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++)
                    for (int64_t f = 0; f < F; f++) {
                        double z = bias[f];
                        for (int64_t p = 0; p < kh; p++)
                            for (int64_t q = 0; q < kw; q++) {
                                const int64_t ih = oh * s + p * d - ph, iw = ow * s + q * d - pw;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                for (int64_t c = 0; c < C; c++)
                                    z += (double)x->data[((b * H + ih) * W + iw) * C + c] * K[((p * kw + q) * C + c) * F + f];
                            }
                        const double want = z > 0 ? z : 0, got = y->data[((b * OH + oh) * OW + ow) * F + f];
                        const double e = fabs(got - want);
                        if (e > worst) worst = e;
                    }
        CHECK_MSG(worst < 1e-5, "case %zu: forward differs from the definition by %g", t, worst);
        brain_tensor_free(x);
        brain_model_free(m);
    }
    brain_set_num_threads(0);
}

int main(void)
{
    brain_set_random_seed(11);
    gradchecks();
    hand_worked();
    batchnorm_behaviour();
    augmentation_behaviour();
    errors();
    threads_agree();
    forward_reference();
    return check_summary("test_conv_layers");
}
