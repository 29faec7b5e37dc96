/* SimpleRNN, LSTM, GRU, Bidirectional and Embedding: gradients through time against finite
 * differences (return_sequences, go_backwards, masking, dropout, reset_after, stacking, every
 * merge mode), shapes and parameter counts as Keras's summary shows them, Keras configs that
 * round-trip, and the errors for bad ids and return_state. */
#include "gradcheck.h"
#include <cjson/cJSON.h>

/* Like gradcheck_model, for models whose input is ids (not differentiable): parameters only. */
static void gradcheck_params(const char *label, brain_model *m, brain_tensor *x, bool training)
{
    if (brain_model_build(m) || brain__model_reserve(m, x->shape[0])) {
        fprintf(stderr, "%s: build failed: %s\n", label, brain_last_error());
        check_failed++;
        return;
    }
    brain_rng crng;
    brain_rng_seed(&crng, 99);
    gc_problem p = {.n_x = 1, .xs = &x, .training = training, .rng0 = m->rng};
    CHECK_OK(brain__model_forward(m, x, training));
    int64_t n_out = brain__model_output(m)->size;
    float *c = malloc(sizeof(float) * n_out);
    for (int64_t i = 0; i < n_out; i++) c[i] = (float)(brain_rng_uniform(&crng) * 2 - 1);
    p.c[0] = c;
    brain_model_zero_grad(m);
    gc_eval(m, &p);
    memcpy(brain__model_output_grad(m), c, sizeof(float) * n_out);
    brain__model_backward_graph(m);
    float *ga = malloc(sizeof(float) * m->n_params);
    memcpy(ga, m->grads, sizeof(float) * m->n_params);
    int bad = gc_compare(label, "param", m, m->params, ga, m->n_params, &p, 1e-3, 2e-3, 1e-2, 0);
    CHECK_MSG(bad == 0, "%s: %d gradient mismatches", label, bad);
    double mag = 0;
    for (int64_t i = 0; i < m->n_params; i++) mag += fabs(ga[i]);
    CHECK_MSG(mag > 1e-3, "%s: gradients are all zero", label);
    free(c);
    free(ga);
}

static brain_layer *make_rnn(int kind, int64_t units, const brain_rnn_options *o)
{
    return kind == 0 ? brain_simple_rnn(units, o) : kind == 1 ? brain_lstm(units, o) : brain_gru(units, o);
}

static const char *kind_name(int kind, bool reset_after)
{
    return kind == 0 ? "SimpleRNN" : kind == 1 ? "LSTM" : reset_after ? "GRU" : "GRU(reset_after=False)";
}

/* ids (batch 3, 6 steps) with zero padding at the front, the middle and the end */
static brain_tensor *masked_ids(void)
{
    static const float ids[18] = {0, 0, 3, 1, 4, 2, 5, 1, 0, 0, 2, 3, 1, 2, 3, 4, 0, 0};
    const int64_t shape[2] = {3, 6};
    return brain_tensor_from(ids, 2, shape);
}

static void test_cells(void)
{
    const int64_t xs[3] = {3, 5, 2};
    for (int kind = 0; kind < 3; kind++)
        for (int variant = 0; variant < (kind == 2 ? 2 : 1); variant++) {
            bool reset_after = variant == 0;
            for (int cfg = 0; cfg < 6; cfg++) {
                brain_rnn_options o = {.reset_after = reset_after ? BRAIN_ON : BRAIN_OFF,
                                       .return_sequences = cfg & 1, .go_backwards = (cfg >> 1) & 1};
                if (cfg >= 4) { o.dropout = 0.3f; o.recurrent_dropout = 0.4f; o.go_backwards = cfg == 5; }
                char label[128];
                snprintf(label, sizeof label, "%s return_sequences=%d go_backwards=%d%s", kind_name(kind, reset_after),
                         o.return_sequences, o.go_backwards, cfg >= 4 ? " dropout" : "");
                brain_model *m = brain_sequential(NULL);
                brain_model_add(m, brain_input(BRAIN_SHAPE(5, 2)));
                brain_model_add(m, make_rnn(kind, 3, &o));
                brain_tensor *x = gc_random(3, xs, 40 + cfg, -1, 1);
                /* non-zero biases so their gradients are tested from a general point */
                CHECK_OK(brain_model_build(m));
                brain_weight *bias = m->layers[0]->weights[2];
                for (int64_t i = 0; i < bias->size; i++) bias->value[i] = 0.1f * (float)((i % 5) - 2);
                gradcheck_model(label, m, x, true, 1e-3, 2e-3, 1e-2);
                brain_tensor_free(x);
                brain_model_free(m);
            }
            /* masking: Embedding(mask_zero) → the cell, sequences and last output */
            for (int seq = 0; seq < 2; seq++)
                for (int back = 0; back < 2; back++) {
                    char label[128];
                    snprintf(label, sizeof label, "Embedding(mask_zero) → %s return_sequences=%d go_backwards=%d",
                             kind_name(kind, reset_after), seq, back);
                    brain_model *m = brain_sequential(NULL);
                    brain_model_add(m, brain_input(BRAIN_SHAPE(6)));
                    brain_model_add(m, brain_embedding(6, 2, &(brain_embedding_options){.mask_zero = true}));
                    brain_model_add(m, make_rnn(kind, 3, &(brain_rnn_options){.return_sequences = seq, .go_backwards = back,
                                                                              .reset_after = reset_after ? BRAIN_ON : BRAIN_OFF}));
                    if (seq) brain_model_add(m, brain_dense(2, &(brain_dense_options){.activation = BRAIN_TANH}));
                    brain_tensor *x = masked_ids();
                    gradcheck_params(label, m, x, true);
                    brain_tensor_free(x);
                    brain_model_free(m);
                }
        }
}

static void test_stacked_and_bidirectional(void)
{
    const int64_t xs[3] = {2, 4, 3};
    {
        brain_model *m = brain_sequential(NULL);
        brain_model_add(m, brain_input(BRAIN_SHAPE(4, 3)));
        brain_model_add(m, brain_lstm(3, &(brain_rnn_options){.return_sequences = true}));
        brain_model_add(m, brain_gru(2, &(brain_rnn_options){.return_sequences = true, .go_backwards = true}));
        brain_model_add(m, brain_simple_rnn(2, NULL));
        brain_tensor *x = gc_random(3, xs, 7, -1, 1);
        gradcheck_model("LSTM → GRU → SimpleRNN stacked", m, x, true, 1e-3, 2e-3, 1e-2);
        brain_tensor_free(x);
        brain_model_free(m);
    }
    static const char *modes[] = {"concat", "sum", "mul", "ave"};
    for (int mode = 0; mode < 4; mode++)
        for (int seq = 0; seq < 2; seq++) {
            char label[96];
            snprintf(label, sizeof label, "Bidirectional(LSTM, %s) return_sequences=%d", modes[mode], seq);
            brain_model *m = brain_sequential(NULL);
            brain_model_add(m, brain_input(BRAIN_SHAPE(4, 3)));
            brain_model_add(m, brain_bidirectional(brain_lstm(3, &(brain_rnn_options){.return_sequences = seq}),
                                                   &(brain_bidirectional_options){.merge_mode = mode}));
            brain_tensor *x = gc_random(3, xs, 8 + mode, -1, 1);
            gradcheck_model(label, m, x, true, 1e-3, 2e-3, 1e-2);
            brain_shape o = brain_model_output_shape(m);
            int64_t last = mode == 0 ? 6 : 3;
            CHECK(seq ? o.ndim == 2 && o.dims[0] == 4 && o.dims[1] == last : o.ndim == 1 && o.dims[0] == last);
            brain_tensor_free(x);
            brain_model_free(m);

            snprintf(label, sizeof label, "Embedding(mask_zero) → Bidirectional(GRU, %s) return_sequences=%d", modes[mode], seq);
            m = brain_sequential(NULL);
            brain_model_add(m, brain_input(BRAIN_SHAPE(6)));
            brain_model_add(m, brain_embedding(6, 2, &(brain_embedding_options){.mask_zero = true}));
            brain_model_add(m, brain_bidirectional(brain_gru(2, &(brain_rnn_options){.return_sequences = seq}),
                                                   &(brain_bidirectional_options){.merge_mode = mode}));
            x = masked_ids();
            gradcheck_params(label, m, x, true);
            brain_tensor_free(x);
            brain_model_free(m);
        }
}

static void test_shapes_and_params(void)
{
    brain_model *m = brain_sequential("ecg");
    brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1)));
    brain_model_add(m, brain_lstm(64, NULL));
    brain_model_add(m, brain_dropout(0.2f, NULL));
    brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    CHECK_OK(brain_model_build(m));
    CHECK(brain_layer_param_count(brain_model_layer(m, 0)) == 16896); /* Keras: 4·64·(1 + 64 + 1) */
    CHECK(brain_model_count_params(m) == 16896 + 2080 + 165);
    char buf[4096];
    CHECK_OK(brain_model_summary_string(m, 0, buf, sizeof buf));
    CHECK(strstr(buf, "│ lstm (LSTM)                     │ (None, 64)             │        16,896 │") != NULL);
    /* unit_forget_bias: ones on the forget slice only */
    brain_tensor *b = brain_model_weight(m, 0, 2);
    CHECK(b && b->size == 256 && b->data[0] == 0 && b->data[64] == 1 && b->data[127] == 1 && b->data[128] == 0);
    brain_tensor_free(b);
    brain_model_free(m);

    m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(200)));
    brain_model_add(m, brain_embedding(10000, 64, NULL));
    brain_model_add(m, brain_bidirectional(brain_gru(8, &(brain_rnn_options){.return_sequences = true}), NULL));
    brain_model_add(m, brain_simple_rnn(4, &(brain_rnn_options){.return_sequences = true}));
    brain_model_add(m, brain_gru(3, &(brain_rnn_options){.reset_after = BRAIN_OFF}));
    CHECK_OK(brain_model_summary_string(m, 0, buf, sizeof buf));
    CHECK(strstr(buf, "│ embedding (Embedding)           │ (None, 200, 64)        │       640,000 │") != NULL);
    /* GRU reset_after: 3·8·(64 + 8 + 2) = 1,776 per direction */
    CHECK(strstr(buf, "│ bidirectional (Bidirectional)   │ (None, 200, 16)        │         3,552 │") != NULL);
    CHECK(strstr(buf, "│ simple_rnn (SimpleRNN)          │ (None, 200, 4)         │            84 │") != NULL);
    CHECK(strstr(buf, "│ gru (GRU)                       │ (None, 3)              │            72 │") != NULL);
    brain_layer *bi = brain_model_layer(m, 1);
    CHECK(!strcmp(bi->weights[0]->path, "forward_layer/cell") && !strcmp(bi->weights[3]->path, "backward_layer/cell"));
    CHECK(bi->weights[2]->ndim == 2 && bi->weights[2]->shape[0] == 2 && bi->weights[2]->shape[1] == 24);
    CHECK(!strcmp(brain_model_layer(m, 2)->weights[1]->path, "cell"));
    if (check_failed) fputs(buf, stderr);
    brain_model_free(m);
}

static void test_errors_and_state(void)
{
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_embedding(10, 3, NULL));
    brain_model_add(m, brain_lstm(2, NULL));
    float ids[8] = {1, 2, 3, 4, 5, 6, 12, 1};
    const int64_t shape[2] = {2, 4};
    brain_tensor *x = brain_tensor_wrap(ids, 2, shape);
    const brain_tensor *pred;
    CHECK_FAILS(brain_model_forward(m, x, false, &pred), "Embedding 'embedding': batch row 1, position 2 holds 12");
    ids[6] = 2.5f;
    CHECK_FAILS(brain_model_forward(m, x, false, &pred), "holds 2.5, which is not a whole number in [0, 10)");
    ids[6] = 9;
    CHECK_OK(brain_model_forward(m, x, false, &pred));
    /* the final state h equals the output; c is LSTM's second state */
    brain_tensor *h = brain_rnn_state(brain_model_layer(m, 1), 0), *c = brain_rnn_state(brain_model_layer(m, 1), 1);
    CHECK(h && c && h->shape[0] == 2 && h->shape[1] == 2 && !memcmp(h->data, pred->data, sizeof(float) * 4));
    CHECK(brain_rnn_state(brain_model_layer(m, 1), 2) == NULL && strstr(brain_last_error(), "has 2 state(s)"));
    CHECK(brain_rnn_state(brain_model_layer(m, 0), 0) == NULL && strstr(brain_last_error(), "is not a SimpleRNN"));
    brain_tensor_free(h);
    brain_tensor_free(c);
    brain_tensor_free(x);
    brain_model_free(m);

    m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4, 2)));
    brain_model_add(m, brain_gru(2, &(brain_rnn_options){.return_state = true}));
    CHECK_FAILS(brain_model_build(m), "(GRU) has 2 outputs; a Sequential model");
    brain_model_free(m);
    CHECK(brain_lstm(0, NULL) == NULL && strstr(brain_last_error(), "units must be a positive integer"));
    CHECK(brain_lstm(3, &(brain_rnn_options){.activation = BRAIN_SOFTMAX, .has_activation = true}) == NULL);
    CHECK(brain_bidirectional(brain_dense(3, NULL), NULL) == NULL && strstr(brain_last_error(), "must be a new SimpleRNN"));
    m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_lstm(2, NULL));
    CHECK_FAILS(brain_model_build(m), "needs input of shape (steps, features)");
    brain_model_free(m);
}

/* get_config → from_config → get_config gives the same text */
static void roundtrip(const char *label, brain_layer *l)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "name", l->name);
    cJSON_AddBoolToObject(a, "trainable", true);
    CHECK_OK(l->vt->get_config(l, a));
    brain_layer *back = l->vt->from_config(a);
    CHECK_MSG(back != NULL, "%s: from_config failed: %s", label, brain_last_error());
    if (back) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "name", back->name);
        cJSON_AddBoolToObject(b, "trainable", true);
        CHECK_OK(back->vt->get_config(back, b));
        char *sa = cJSON_PrintUnformatted(a), *sb = cJSON_PrintUnformatted(b);
        CHECK_MSG(!strcmp(sa, sb), "%s:\n  %s\n  %s", label, sa, sb);
        free(sa); free(sb);
        cJSON_Delete(b);
        if (back->vt->destroy) back->vt->destroy(back);
        free(back);
    }
    cJSON_Delete(a);
    if (l->vt->destroy) l->vt->destroy(l);
    free(l);
}

static void test_configs(void)
{
    roundtrip("Embedding", brain_embedding(100, 8, &(brain_embedding_options){.mask_zero = true, .name = "emb"}));
    roundtrip("SimpleRNN", brain_simple_rnn(5, &(brain_rnn_options){.activation = BRAIN_RELU, .has_activation = true,
                                                                    .return_sequences = true, .dropout = 0.25f}));
    roundtrip("LSTM", brain_lstm(7, &(brain_rnn_options){.unit_forget_bias = BRAIN_OFF, .go_backwards = true,
                                                         .kernel_regularizer = brain_l2(0.01f), .seed = 5, .has_seed = true}));
    roundtrip("GRU", brain_gru(3, &(brain_rnn_options){.reset_after = BRAIN_OFF, .recurrent_dropout = 0.1f}));
    roundtrip("Bidirectional", brain_bidirectional(brain_lstm(4, &(brain_rnn_options){.return_sequences = true}),
                                                   &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_AVE}));
    /* the keys Keras writes */
    brain_layer *l = brain_lstm(3, NULL);
    cJSON *c = cJSON_CreateObject();
    l->vt->get_config(l, c);
    char *s = cJSON_PrintUnformatted(c);
    CHECK(strstr(s, "\"units\":3,\"activation\":\"tanh\",\"recurrent_activation\":\"sigmoid\",\"use_bias\":true") != NULL);
    CHECK(strstr(s, "\"recurrent_initializer\":{\"module\":\"keras.initializers\",\"class_name\":\"Orthogonal\","
                    "\"config\":{\"seed\":null,\"gain\":1},\"registered_name\":null}") != NULL);
    CHECK(strstr(s, "\"unit_forget_bias\":true") != NULL);
    free(s);
    cJSON_Delete(c);
    l->vt->destroy(l);
    free(l);
    cJSON *bad = cJSON_Parse("{\"name\": \"g\", \"units\": 3, \"reset_after\": 1}");
    CHECK(brain__layer_vtable_by_class("GRU")->from_config(bad) == NULL && strstr(brain_last_error(), "layer 'g': key 'reset_after'"));
    cJSON_Delete(bad);
}

int main(void)
{
    brain_set_random_seed(3);
    test_cells();
    test_stacked_and_bidirectional();
    test_shapes_and_params();
    test_errors_and_state();
    test_configs();
    return check_summary("test_recurrent");
}
