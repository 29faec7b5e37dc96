/* test_attention_layers.c — LayerNormalization, MultiHeadAttention and the 1-D global poolings:
 * backward against finite differences (tests/gradcheck.h), masks (padding, causal, attention_mask),
 * results independent of the thread count, no allocation after the first batch, the scores
 * accessor, and the errors a user meets. */
#include "gradcheck.h"
#include "alloc_count.h"
#include <string.h>

/* Like gradcheck_model_multi, but only the inputs with check_x[k] are perturbed (ids and masks are
 * not differentiable). */
static void gc_some_inputs(const char *label, brain_model *m, int n_x, brain_tensor *const *xs, const bool *check_x, bool training)
{
    const double h = 1e-3, atol = 2e-3, rtol = 1e-2;
    m->want_input_grad = true;
    if (brain_model_build(m) || brain__model_reserve(m, xs[0]->shape[0])) {
        fprintf(stderr, "%s: build failed: %s\n", label, brain_last_error());
        check_failed++;
        return;
    }
    brain_rng crng;
    brain_rng_seed(&crng, 99);
    gc_problem p = {.n_x = n_x, .xs = xs, .training = training, .rng0 = m->rng};
    brain__model_forward_multi(m, n_x, (const brain_tensor *const *)xs, training);
    int64_t n_out = brain__model_output_k(m, 0)->size;
    p.c[0] = malloc(sizeof(float) * (size_t)n_out);
    for (int64_t i = 0; i < n_out; i++) p.c[0][i] = (float)(brain_rng_uniform(&crng) * 2 - 1);
    brain_model_zero_grad(m);
    gc_eval(m, &p);
    memcpy(brain__model_output_grad_k(m, 0), p.c[0], sizeof(float) * (size_t)n_out);
    brain__model_backward_graph(m);
    float *ga = malloc(sizeof(float) * (size_t)m->n_params);
    memcpy(ga, m->grads, sizeof(float) * (size_t)m->n_params);
    int bad = gc_compare(label, "param", m, m->params, ga, m->n_params, &p, h, atol, rtol, 0);
    double mag = 0;
    for (int64_t i = 0; i < m->n_params; i++) mag += fabs(ga[i]);
    for (int k = 0; k < n_x; k++) {
        if (!check_x[k]) continue;
        float *gx = malloc(sizeof(float) * (size_t)xs[k]->size);
        memcpy(gx, m->nodes[m->input_nodes[k]].dbuf, sizeof(float) * (size_t)xs[k]->size);
        bad = gc_compare(label, "input", m, xs[k]->data, gx, xs[k]->size, &p, h, atol, rtol, bad);
        double mk = 0;
        for (int64_t i = 0; i < xs[k]->size; i++) mk += fabs(gx[i]);
        CHECK_MSG(mk > 1e-3, "%s: the gradient of input %d is all zero", label, k);
        free(gx);
    }
    CHECK_MSG(bad == 0, "%s: %d gradient mismatches", label, bad);
    CHECK_MSG(mag > 1e-3, "%s: gradients are all zero", label);
    free(p.c[0]);
    free(ga);
}

static brain_model *seq1(brain_shape in, brain_layer *l)
{
    brain_sym x = brain_input_sym(in, NULL);
    brain_sym y = brain_apply(l, x);
    return brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(y), NULL);
}

static void layer_norm_grads(void)
{
    const int64_t s3[3] = {3, 4, 5}, s4[4] = {2, 3, 2, 4};
    struct { const char *label; brain_layer_norm_options o; int rank; } cases[] = {
        {"LayerNormalization last axis", {.epsilon = 0}, 3},
        {"LayerNormalization axes [1, 2]", {.n_axes = 2, .axes = {1, 2}}, 3},
        {"LayerNormalization axes [1, 3] (not contiguous), center off", {.n_axes = 2, .axes = {1, -1}, .center = BRAIN_OFF}, 4},
        {"LayerNormalization axis 2 of 3, scale off", {.n_axes = 1, .axes = {2}, .scale = BRAIN_OFF}, 4},
        {"LayerNormalization rms_scaling", {.rms_scaling = true}, 3},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const int64_t *s = cases[c].rank == 3 ? s3 : s4;
        brain_shape in = cases[c].rank == 3 ? BRAIN_SHAPE(4, 5) : BRAIN_SHAPE(3, 2, 4);
        brain_model *m = seq1(in, brain_layer_normalization(&cases[c].o));
        CHECK(m != NULL);
        if (!m) continue;
        brain_tensor *x = gc_random(cases[c].rank, s, 20 + c, -2, 2);
        /* random γ and β so that the weight gradients are not the trivial ones */
        for (int64_t i = 0; i < m->n_params; i++) m->params[i] = 0.5f + 0.1f * (float)(i % 7);
        gradcheck_model(cases[c].label, m, x, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(x);
        brain_model_free(m);
    }
    /* the normalised values: mean 0, variance 1 / (1 + ε / σ²) over the group */
    brain_model *m = seq1(BRAIN_SHAPE(4, 6), brain_layer_normalization(NULL));
    brain_tensor *x = gc_random(3, (int64_t[]){2, 4, 6}, 5, -3, 3);
    const brain_tensor *y = NULL;
    CHECK_OK(brain_model_forward(m, x, false, &y));
    for (int r = 0; y && r < 8; r++) {
        double mu = 0, var = 0;
        for (int j = 0; j < 6; j++) mu += y->data[r * 6 + j];
        mu /= 6;
        for (int j = 0; j < 6; j++) var += (y->data[r * 6 + j] - mu) * (y->data[r * 6 + j] - mu);
        CHECK_NEAR(mu, 0.0, 1e-6, 0);
        CHECK_NEAR(var / 6, 1.0, 2e-3, 0);
    }
    brain_tensor_free(x);
    brain_model_free(m);
}

static void mha_grads(void)
{
    /* self-attention: the same tensor as query and value */
    {
        brain_sym x = brain_input_sym(BRAIN_SHAPE(4, 5), NULL);
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 3, NULL), BRAIN_SYMS(x, x));
        brain_model *m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(y), NULL);
        brain_tensor *xt = gc_random(3, (int64_t[]){3, 4, 5}, 1, -1, 1);
        gradcheck_model("MultiHeadAttention self", m, xt, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(xt);
        brain_model_free(m);
    }
    /* cross attention with a key, value_dim, output_shape, causal mask */
    {
        brain_sym q = brain_input_sym(BRAIN_SHAPE(5, 4), "q"), v = brain_input_sym(BRAIN_SHAPE(6, 3), "v"),
                  k = brain_input_sym(BRAIN_SHAPE(6, 2), "k");
        brain_mha_options o = {.value_dim = 2, .output_shape = 3, .use_causal_mask = true, .has_key = true};
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 3, &o), BRAIN_SYMS(q, v, k));
        brain_model *m = brain_functional(BRAIN_SYMS(q, v, k), BRAIN_SYMS(y), NULL);
        CHECK(m && brain_model_output_shape_k(m, 0).dims[1] == 3);
        brain_tensor *xs[3] = {gc_random(3, (int64_t[]){2, 5, 4}, 2, -1, 1), gc_random(3, (int64_t[]){2, 6, 3}, 3, -1, 1),
                               gc_random(3, (int64_t[]){2, 6, 2}, 4, -1, 1)};
        gradcheck_model_multi("MultiHeadAttention cross, key, causal", m, 3, xs, true, 1e-3, 2e-3, 1e-2);
        for (int i = 0; i < 3; i++) brain_tensor_free(xs[i]);
        brain_model_free(m);
    }
    /* an attention_mask input, no bias, dropout in training (the same draws each evaluation) */
    {
        brain_sym q = brain_input_sym(BRAIN_SHAPE(4, 3), "q"), v = brain_input_sym(BRAIN_SHAPE(5, 3), "v"),
                  am = brain_input_sym(BRAIN_SHAPE(4, 5), "am");
        brain_mha_options o = {.has_attention_mask = true, .use_bias = BRAIN_OFF, .dropout = 0.3f};
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, &o), BRAIN_SYMS(q, v, am));
        brain_model *m = brain_functional(BRAIN_SYMS(q, v, am), BRAIN_SYMS(y), NULL);
        brain_tensor *xs[3] = {gc_random(3, (int64_t[]){2, 4, 3}, 5, -1, 1), gc_random(3, (int64_t[]){2, 5, 3}, 6, -1, 1),
                               gc_random(3, (int64_t[]){2, 4, 5}, 7, 0, 1)};
        for (int64_t i = 0; i < xs[2]->size; i++) xs[2]->data[i] = xs[2]->data[i] > 0.3f;
        for (int i = 0; i < 4; i++) xs[2]->data[5 * 4 + i] = 0; /* sample 1, query row 0 fully masked */
        gc_some_inputs("MultiHeadAttention attention_mask + dropout", m, 3, xs, (const bool[]){true, true, false}, true);
        for (int i = 0; i < 3; i++) brain_tensor_free(xs[i]);
        brain_model_free(m);
    }
    /* Embedding(mask_zero) padding masks -> attention -> masked GlobalAveragePooling1D */
    {
        brain_sym ids = brain_input_sym(BRAIN_SHAPE(6), "ids");
        brain_sym e = brain_apply(brain_embedding(7, 4, &(brain_embedding_options){.mask_zero = true}), ids);
        brain_sym a = brain_apply_n(brain_multi_head_attention(2, 2, NULL), BRAIN_SYMS(e, e));
        brain_sym n = brain_apply(brain_layer_normalization(NULL), a);
        brain_sym p = brain_apply(brain_global_average_pooling1d(NULL), n);
        brain_model *m = brain_functional(BRAIN_SYMS(ids), BRAIN_SYMS(p), NULL);
        const float idv[] = {3, 1, 4, 0, 0, 0, 2, 6, 5, 3, 1, 0, 5, 0, 0, 0, 0, 0};
        brain_tensor *x = brain_tensor_from(idv, 2, (int64_t[]){3, 6});
        gc_some_inputs("Embedding(mask_zero) -> MultiHeadAttention -> GlobalAveragePooling1D", m, 1, &x, (const bool[]){false}, true);
        /* the padding steps change nothing: a sample padded further predicts the same */
        const brain_tensor *y = NULL;
        brain_model_forward(m, x, false, &y);
        float first[4];
        memcpy(first, y->data, sizeof first);
        x->data[3] = 0; /* already padding; now also a different value at a masked position of row 0 */
        x->data[4] = 0;
        brain_tensor *x2 = brain_tensor_clone(x);
        x2->data[5] = 0;
        brain_model_forward(m, x2, false, &y);
        for (int i = 0; i < 4; i++) CHECK_NEAR(y->data[i], first[i], 1e-6, 0);
        brain_tensor_free(x2);
        brain_tensor_free(x);
        brain_model_free(m);
    }
}

/* issue 11, second part: return_attention_scores as an output, attention_axes, output_shape as a
 * tuple, Maximum / Minimum with masks */
static void mha_more_grads(void)
{
    /* the scores as a second output: both outputs' gradients reach the weights and the input */
    {
        brain_sym x = brain_input_sym(BRAIN_SHAPE(4, 3), NULL);
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, &(brain_mha_options){.return_attention_scores = true}),
                                    BRAIN_SYMS(x, x));
        brain_model *m = brain_functional(BRAIN_SYMS(x), 2, (brain_sym[]){y, brain_sym_output(y, 1)}, NULL);
        CHECK(m && brain_model_output_shape_k(m, 1).ndim == 3 && brain_model_output_shape_k(m, 1).dims[0] == 2);
        brain_tensor *xt = gc_random(3, (int64_t[]){2, 4, 3}, 11, -1, 1);
        gradcheck_model("MultiHeadAttention return_attention_scores", m, xt, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(xt);
        brain_model_free(m);
    }
    /* attention over axis 1 of (3, 4, 2): axis 2 is a batch axis, rows gathered and scattered */
    {
        brain_sym x = brain_input_sym(BRAIN_SHAPE(3, 4, 2), NULL);
        brain_mha_options o = {.n_attention_axes = 1, .attention_axes = {1}, .return_attention_scores = true};
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, &o), BRAIN_SYMS(x, x));
        brain_model *m = brain_functional(BRAIN_SYMS(x), 2, (brain_sym[]){y, brain_sym_output(y, 1)}, NULL);
        /* Keras's scores: (other axes..., heads, query axes..., value axes...) = (4, 2, 3, 3) */
        brain_shape ss = m ? brain_model_output_shape_k(m, 1) : (brain_shape){0};
        CHECK(ss.ndim == 4 && ss.dims[0] == 4 && ss.dims[1] == 2 && ss.dims[2] == 3 && ss.dims[3] == 3);
        brain_tensor *xt = gc_random(4, (int64_t[]){2, 3, 4, 2}, 12, -1, 1);
        gradcheck_model("MultiHeadAttention attention_axes (1,)", m, xt, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(xt);
        brain_model_free(m);
    }
    /* cross attention over axes (1, 2) of rank-5 inputs, output_shape (2, 3) */
    {
        brain_sym q = brain_input_sym(BRAIN_SHAPE(2, 2, 3, 2), "q"), v = brain_input_sym(BRAIN_SHAPE(3, 1, 3, 3), "v");
        brain_mha_options o = {.n_attention_axes = 2, .attention_axes = {1, -3}, .n_output_dims = 2, .output_dims = {2, 3}};
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, &o), BRAIN_SYMS(q, v));
        brain_model *m = brain_functional(BRAIN_SYMS(q, v), BRAIN_SYMS(y), NULL);
        brain_shape os = m ? brain_model_output_shape_k(m, 0) : (brain_shape){0};
        CHECK(os.ndim == 5 && os.dims[3] == 2 && os.dims[4] == 3);
        brain_tensor *xs[2] = {gc_random(5, (int64_t[]){2, 2, 2, 3, 2}, 13, -1, 1), gc_random(5, (int64_t[]){2, 3, 1, 3, 3}, 14, -1, 1)};
        gradcheck_model_multi("MultiHeadAttention attention_axes (1, 2), output_shape (2, 3)", m, 2, xs, true, 1e-3, 2e-3, 1e-2);
        for (int i = 0; i < 2; i++) brain_tensor_free(xs[i]);
        brain_model_free(m);
    }
    /* bad attention_axes: the feature axis, not increasing */
    {
        brain_sym x = brain_input_sym(BRAIN_SHAPE(3, 4, 2), NULL);
        brain_mha_options o = {.n_attention_axes = 1, .attention_axes = {3}};
        brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, &o), BRAIN_SYMS(x, x));
        CHECK(!brain_sym_ok(y) && strstr(brain_last_error(), "attention_axes") != NULL);
        brain_graph_free(x);
    }
    /* Maximum and Minimum of masked and unmasked tensors (Keras's masked steps take no part) */
    {
        brain_sym ids = brain_input_sym(BRAIN_SHAPE(5), "ids"), ids2 = brain_input_sym(BRAIN_SHAPE(5), "ids2"),
                  x = brain_input_sym(BRAIN_SHAPE(5, 3), "x");
        brain_sym e1 = brain_apply(brain_embedding(6, 3, &(brain_embedding_options){.mask_zero = true}), ids);
        brain_sym e2 = brain_apply(brain_embedding(6, 3, &(brain_embedding_options){.mask_zero = true}), ids2);
        brain_sym mx = brain_apply_n(brain_maximum(NULL), BRAIN_SYMS(e1, e2, x));
        brain_sym mn = brain_apply_n(brain_minimum(NULL), BRAIN_SYMS(x, e1, e2));
        brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(mx, mn));
        brain_model *m = brain_functional(BRAIN_SYMS(ids, ids2, x), BRAIN_SYMS(c), NULL);
        const float a[] = {1, 2, 0, 0, 3, 0, 0, 4, 5, 1}, b[] = {2, 0, 3, 0, 1, 5, 0, 0, 2, 4};
        brain_tensor *xs[3] = {brain_tensor_from(a, 2, (int64_t[]){2, 5}), brain_tensor_from(b, 2, (int64_t[]){2, 5}),
                               gc_random(3, (int64_t[]){2, 5, 3}, 15, -1, 1)};
        gc_some_inputs("Maximum / Minimum with masks", m, 3, xs, (const bool[]){false, false, true}, true);
        for (int i = 0; i < 3; i++) brain_tensor_free(xs[i]);
        brain_model_free(m);
    }
}

/* Attention and AdditiveAttention: every score mode, key or not, causal, dropout, masks */
static void luong_bahdanau_grads(void)
{
    struct { const char *label; bool additive, key; brain_attention_options o; } cases[] = {
        {"Attention dot, use_scale, key, causal", false, true, {.use_scale = BRAIN_ON, .use_causal_mask = true}},
        {"Attention dot, dropout 0.3", false, false, {.dropout = 0.3f}},
        {"Attention concat, use_scale", false, true, {.score_concat = true, .use_scale = BRAIN_ON}},
        {"Attention concat", false, false, {.score_concat = true}},
        {"AdditiveAttention use_scale", true, true, {0}},
        {"AdditiveAttention no scale, causal", true, false, {.use_scale = BRAIN_OFF, .use_causal_mask = true}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const int64_t dv = cases[c].key ? 2 : 3; /* without a key the value is the key: the query's size */
        brain_sym q = brain_input_sym(BRAIN_SHAPE(4, 3), "q"), v = brain_input_sym(BRAIN_SHAPE(5, dv), "v"),
                  k = brain_input_sym(BRAIN_SHAPE(5, 3), "k");
        brain_layer *l = cases[c].additive ? brain_additive_attention(&cases[c].o) : brain_attention(&cases[c].o);
        brain_sym y = cases[c].key ? brain_apply_n(l, BRAIN_SYMS(q, v, k)) : brain_apply_n(l, BRAIN_SYMS(q, v));
        brain_model *m = cases[c].key ? brain_functional(BRAIN_SYMS(q, v, k), BRAIN_SYMS(y), NULL)
                                      : brain_functional(BRAIN_SYMS(q, v), BRAIN_SYMS(y), NULL);
        CHECK_MSG(m != NULL, "%s: %s", cases[c].label, brain_last_error());
        if (!m) { if (!cases[c].key) brain_graph_free(k); continue; }
        if (!cases[c].key) brain_graph_free(k);
        brain_tensor *xs[3] = {gc_random(3, (int64_t[]){2, 4, 3}, 60 + c, -1, 1), gc_random(3, (int64_t[]){2, 5, dv}, 70 + c, -1, 1),
                               gc_random(3, (int64_t[]){2, 5, 3}, 80 + c, -1, 1)};
        for (int64_t i = 0; i < m->n_params; i++) m->params[i] = 0.7f + 0.1f * (float)i; /* scales away from 1 */
        if (cases[c].key) {
            /* with causal masking the last key steps are hidden from every query row: their gradient is 0 */
            gc_some_inputs(cases[c].label, m, 3, xs, (const bool[]){true, true, !cases[c].o.use_causal_mask}, true);
        } else {
            gradcheck_model_multi(cases[c].label, m, 2, xs, true, 1e-3, 2e-3, 1e-2);
        }
        for (int i = 0; i < 3; i++) brain_tensor_free(xs[i]);
        brain_model_free(m);
    }
    /* padding masks: the value's hides steps, the query's zeroes rows */
    brain_sym ids = brain_input_sym(BRAIN_SHAPE(5), "ids");
    brain_sym e = brain_apply(brain_embedding(7, 3, &(brain_embedding_options){.mask_zero = true}), ids);
    brain_sym a = brain_apply_n(brain_attention(&(brain_attention_options){.use_scale = BRAIN_ON}), BRAIN_SYMS(e, e));
    brain_model *m = brain_functional(BRAIN_SYMS(ids), BRAIN_SYMS(a), NULL);
    const float idv[] = {3, 1, 4, 0, 0, 2, 6, 5, 3, 1};
    brain_tensor *x = brain_tensor_from(idv, 2, (int64_t[]){2, 5});
    gc_some_inputs("Embedding(mask_zero) -> Attention", m, 1, &x, (const bool[]){false}, true);
    const brain_tensor *y;
    CHECK_OK(brain_model_forward(m, x, false, &y));
    for (int i = 9; y && i < 15; i++) CHECK(y->data[i] == 0.0f); /* sample 0, steps 3 and 4 */
    brain_tensor_free(x);
    brain_model_free(m);
}

/* Multiply with Keras masks: masked steps of an input count as 1; with every input masked, steps
 * no input keeps are 0 */
static void masked_multiply_grads(void)
{
    brain_sym ids = brain_input_sym(BRAIN_SHAPE(5), "ids"), x = brain_input_sym(BRAIN_SHAPE(5, 3), "x");
    brain_sym e = brain_apply(brain_embedding(7, 3, &(brain_embedding_options){.mask_zero = true}), ids);
    brain_sym d = brain_apply(brain_dense(3, NULL), e);
    brain_sym p1 = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(e, x));  /* one masked input */
    brain_sym p2 = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(e, d));  /* both masked */
    brain_sym y = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(p1, p2));
    brain_model *m = brain_functional(BRAIN_SYMS(ids, x), BRAIN_SYMS(y), NULL);
    const float idv[] = {3, 1, 0, 0, 2, 0, 0, 0, 0, 0};
    brain_tensor *xs[2] = {brain_tensor_from(idv, 2, (int64_t[]){2, 5}), gc_random(3, (int64_t[]){2, 5, 3}, 90, -1, 1)};
    gc_some_inputs("Multiply with masks", m, 2, xs, (const bool[]){false, true}, true);
    const brain_tensor *out;
    CHECK_OK(brain__model_forward_multi(m, 2, (const brain_tensor *const *)xs, false) == BRAIN_OK ? BRAIN_OK : BRAIN_ERR_ARG);
    out = brain__model_output_k(m, 0);
    /* sample 0, step 2 (masked): p1 = x (the embedding counts as 1), p2 = 0 */
    for (int f = 0; f < 3; f++) {
        CHECK(out->data[2 * 6 + f] == xs[1]->data[2 * 3 + f]);
        CHECK(out->data[2 * 6 + 3 + f] == 0.0f);
    }
    brain_tensor_free(xs[0]);
    brain_tensor_free(xs[1]);
    brain_model_free(m);
}

static void pool_grads(void)
{
    brain_model *m = seq1(BRAIN_SHAPE(5, 3), brain_global_max_pooling1d(NULL));
    brain_tensor *x = gc_random(3, (int64_t[]){2, 5, 3}, 8, -1, 1);
    gradcheck_model("GlobalMaxPooling1D", m, x, true, 1e-3, 2e-3, 1e-2);
    brain_model_free(m);
    m = seq1(BRAIN_SHAPE(5, 3), brain_global_average_pooling1d_opt(&(brain_global_pool1d_options){.channels_first = true}));
    CHECK(m && brain_model_output_shape_k(m, 0).dims[0] == 5);
    gradcheck_model("GlobalAveragePooling1D channels_first", m, x, true, 1e-3, 2e-3, 1e-2);
    brain_tensor_free(x);
    brain_model_free(m);
}

/* The smaller layers: causal Conv1D, RepeatVector, Permute, ActivityRegularization (its penalty in
 * the checked scalar), and the noise layers in training (the same draws at every evaluation). */
static void small_layer_grads(void)
{
    struct { const char *label; brain_shape in; int64_t xs[5]; int nd; brain_layer *l; } cases[] = {
        {"Conv1D causal, dilation 2", BRAIN_SHAPE(7, 3), {2, 7, 3}, 3,
         brain_conv1d(2, 3, &(brain_conv_options){.padding = BRAIN_PADDING_CAUSAL, .dilation_rate = {2}, .activation = BRAIN_TANH})},
        {"Conv1D causal, stride 2", BRAIN_SHAPE(6, 2), {2, 6, 2}, 3,
         brain_conv1d(3, 2, &(brain_conv_options){.padding = BRAIN_PADDING_CAUSAL, .strides = {2}})},
        {"RepeatVector(3)", BRAIN_SHAPE(4), {3, 4}, 2, brain_repeat_vector(3, NULL)},
        {"GroupNormalization(2)", BRAIN_SHAPE(3, 4), {2, 3, 4}, 3, brain_group_normalization(2, NULL)},
        {"GroupNormalization(2, axis 2)", BRAIN_SHAPE(3, 4, 2), {2, 3, 4, 2}, 4,
         brain_group_normalization(2, &(brain_group_norm_options){.axis = 2})},
        {"GroupNormalization(3, axis -3)", BRAIN_SHAPE(6, 2, 2), {2, 6, 2, 2}, 4,
         brain_group_normalization(3, &(brain_group_norm_options){.axis = -3})},
        {"GroupNormalization(-1), no centre", BRAIN_SHAPE(2, 2, 3), {2, 2, 2, 3}, 4,
         brain_group_normalization(-1, &(brain_group_norm_options){.center = BRAIN_OFF})},
        {"TimeDistributed(Dense(3, tanh))", BRAIN_SHAPE(3, 4), {2, 3, 4}, 3,
         brain_time_distributed(brain_dense(3, &(brain_dense_options){.activation = BRAIN_TANH}), NULL)},
        {"TimeDistributed(Conv2D(2, 2x2))", BRAIN_SHAPE(2, 3, 3, 2), {2, 2, 3, 3, 2}, 5,
         brain_time_distributed(brain_conv2d(2, 2, 2, NULL), NULL)},
        {"Permute((3, 1, 2))", BRAIN_SHAPE(2, 3, 4), {2, 2, 3, 4}, 4, brain_permute(3, (int[]){3, 1, 2}, NULL)},
        {"ActivityRegularization(0.05, 0.1)", BRAIN_SHAPE(5), {3, 5}, 2, brain_activity_regularization(0.05f, 0.1f, NULL)},
        {"GaussianNoise(0.5) training", BRAIN_SHAPE(5), {3, 5}, 2, brain_gaussian_noise(0.5f, NULL)},
        {"GaussianDropout(0.3) training", BRAIN_SHAPE(5), {3, 5}, 2, brain_gaussian_dropout(0.3f, NULL)},
        {"SpatialDropout1D(0.5) training", BRAIN_SHAPE(4, 3), {3, 4, 3}, 3, brain_spatial_dropout1d(0.5f, NULL)},
        {"SpatialDropout2D(0.5) training", BRAIN_SHAPE(2, 3, 4), {2, 2, 3, 4}, 4, brain_spatial_dropout2d(0.5f, NULL)},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        brain_model *m = seq1(cases[c].in, cases[c].l);
        CHECK(m != NULL);
        if (!m) continue;
        brain_tensor *x = gc_random(cases[c].nd, cases[c].xs, 40 + c, -1, 1);
        for (int64_t i = 0; i < x->size; i++) if (fabsf(x->data[i]) < 0.05f) x->data[i] = 0.3f; /* away from |x|'s kink */
        gradcheck_model(cases[c].label, m, x, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(x);
        brain_model_free(m);
    }
    /* causal: output step t reads input steps <= t only */
    brain_model *m = seq1(BRAIN_SHAPE(6, 1), brain_conv1d(1, 3, &(brain_conv_options){.padding = BRAIN_PADDING_CAUSAL}));
    brain_tensor *x = gc_random(3, (int64_t[]){1, 6, 1}, 3, -1, 1);
    const brain_tensor *y;
    CHECK_OK(brain_model_forward(m, x, false, &y));
    CHECK(y && y->shape[1] == 6);
    float before[6];
    memcpy(before, y->data, sizeof before);
    x->data[4] += 1.0f;
    CHECK_OK(brain_model_forward(m, x, false, &y));
    for (int t = 0; t < 4; t++) CHECK(y->data[t] == before[t]);
    CHECK(y->data[4] != before[4]);
    brain_tensor_free(x);
    brain_model_free(m);
    /* the noise layers are the identity at inference */
    m = seq1(BRAIN_SHAPE(4, 3), brain_spatial_dropout1d(0.5f, NULL));
    x = gc_random(3, (int64_t[]){2, 4, 3}, 4, -1, 1);
    CHECK_OK(brain_model_forward(m, x, false, &y));
    CHECK(y && memcmp(y->data, x->data, sizeof(float) * (size_t)x->size) == 0);
    brain_tensor_free(x);
    brain_model_free(m);
    CHECK(brain_time_distributed(brain_input(BRAIN_SHAPE(3)), NULL) == NULL);
    CHECK(strstr(brain_last_error(), "TimeDistributed"));
    CHECK(brain_permute(2, (int[]){1, 1}, NULL) == NULL);
    CHECK(strstr(brain_last_error(), "permutation"));
}

/* A Transformer block's gradients at 1 and at 2 threads are bitwise equal; the second training
 * step allocates nothing. */
static void threads_and_allocation(void)
{
    float *g[2] = {NULL, NULL};
    int64_t n = 0;
    for (int t = 0; t < 2; t++) {
        brain_set_num_threads(t + 1);
        brain_set_random_seed(3);
        brain_sym x = brain_input_sym(BRAIN_SHAPE(32, 16), NULL);
        brain_sym a = brain_apply_n(brain_multi_head_attention(2, 8, &(brain_mha_options){.dropout = 0.1f}), BRAIN_SYMS(x, x));
        brain_sym s = brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, a));
        brain_sym y = brain_apply(brain_layer_normalization(NULL), s);
        brain_sym p = brain_apply(brain_global_average_pooling1d(NULL), y);
        brain_sym o = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), p);
        brain_model *m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(o), NULL);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "sparse_categorical_crossentropy"}));
        brain_tensor *xt = gc_random(3, (int64_t[]){8, 32, 16}, 9, -1, 1);
        float yv[8] = {0, 1, 1, 0, 1, 0, 0, 1};
        brain_tensor *yt = brain_tensor_from(yv, 1, (int64_t[]){8});
        const brain_tensor *pred;
        double loss;
        for (int step = 0; step < 2; step++) {
            uint64_t before = g_allocs;
            brain_model_zero_grad(m);
            CHECK_OK(brain_model_forward(m, xt, true, &pred));
            CHECK_OK(brain_model_loss(m, yt, NULL, &loss));
            CHECK_OK(brain_model_backward(m));
            if (step == 1)
                CHECK_MSG(g_allocs == before, "threads %d: a second training step allocated %llu times", t + 1,
                          (unsigned long long)(g_allocs - before));
        }
        n = m->n_params;
        g[t] = malloc(sizeof(float) * (size_t)n);
        memcpy(g[t], m->grads, sizeof(float) * (size_t)n);
        /* the scores accessor after a forward: (batch, heads, T, S), rows summing to 1 */
        CHECK_OK(brain_model_forward(m, xt, false, &pred));
        brain_tensor view;
        const brain_tensor *sc = brain_mha_last_scores(m->layers[1], &view);
        CHECK(sc && sc->ndim == 4 && sc->shape[0] == 8 && sc->shape[1] == 2 && sc->shape[2] == 32 && sc->shape[3] == 32);
        double row = 0;
        for (int j = 0; sc && j < 32; j++) row += sc->data[j];
        CHECK_NEAR(row, 1.0, 1e-5, 0);
        brain_tensor_free(xt);
        brain_tensor_free(yt);
        brain_model_free(m);
    }
    CHECK_MSG(memcmp(g[0], g[1], sizeof(float) * (size_t)n) == 0, "gradients differ between 1 and 2 threads");
    free(g[0]);
    free(g[1]);
    brain_set_num_threads(0);
}

static void errors(void)
{
    brain_sym q = brain_input_sym(BRAIN_SHAPE(4, 3), NULL), v = brain_input_sym(BRAIN_SHAPE(5, 3, 2), NULL);
    brain_sym y = brain_apply_n(brain_multi_head_attention(2, 2, NULL), BRAIN_SYMS(q, v));
    CHECK(!brain_sym_ok(y));
    CHECK(strstr(brain_last_error(), "MultiHeadAttention") && strstr(brain_last_error(), "rank"));
    brain_graph_free(q); /* the call joined q's and v's graphs */
    q = brain_input_sym(BRAIN_SHAPE(4, 3), NULL);
    y = brain_apply(brain_multi_head_attention(2, 2, NULL), q);
    CHECK(!brain_sym_ok(y));
    CHECK(strstr(brain_last_error(), "called on 1 tensors"));
    brain_graph_free(q);
    CHECK(brain_multi_head_attention(0, 2, NULL) == NULL);
    CHECK(strstr(brain_last_error(), "num_heads"));
    CHECK(brain_multi_head_attention(2, 2, &(brain_mha_options){.dropout = 1.0f}) == NULL);
    q = brain_input_sym(BRAIN_SHAPE(4, 3), NULL);
    y = brain_apply(brain_layer_normalization(&(brain_layer_norm_options){.n_axes = 1, .axes = {3}}), q);
    CHECK(!brain_sym_ok(y));
    CHECK(strstr(brain_last_error(), "axis 3 is out of bounds"));
    brain_graph_free(q);
    brain_tensor view;
    CHECK(brain_mha_last_scores(NULL, &view) == NULL);
}

int main(void)
{
    brain_set_random_seed(7);
    layer_norm_grads();
    mha_grads();
    mha_more_grads();
    pool_grads();
    small_layer_grads();
    luong_bahdanau_grads();
    masked_multiply_grads();
    threads_and_allocation();
    errors();
    return check_summary("test_attention_layers");
}
