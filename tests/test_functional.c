/* Functional models: the graph (fan-out, several inputs and outputs), the merge layers
 * (forward by hand, gradients by finite differences, configs), equivalence with Sequential,
 * and every misuse the API names. */
#include "brain.h"
#include "internal.h"
#include "gradcheck.h"
#include <cjson/cJSON.h>
#include <stdlib.h>

/* Input(4) -> Dense(6, relu) -> Dense(3, softmax) as Sequential and as functional: with the same
 * seed, the same weights, and after the same fit the same weights again. */
static void sequential_equivalent(void)
{
    brain_set_random_seed(11);
    brain_model *s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(s, brain_dense(6, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(s, brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    CHECK_OK(brain_model_build(s));
    brain_set_random_seed(11);
    brain_sym x = brain_input_sym(BRAIN_SHAPE(4), NULL);
    brain_sym h = brain_apply(brain_dense(6, &(brain_dense_options){.activation = BRAIN_RELU}), x);
    brain_sym y = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), h);
    brain_model *f = brain_functional(1, &x, 1, &y, NULL);
    CHECK(f != NULL);
    if (!f) { brain_model_free(s); return; }
    CHECK(brain_model_count_params(f) == brain_model_count_params(s));
    CHECK(!strcmp(brain_model_name(f), "functional"));
    CHECK(!strcmp(brain_layer_name(brain_model_layer(f, 0)), "input_layer"));
    CHECK(!strcmp(brain_layer_name(brain_model_layer(f, 2)), "dense_1"));
    CHECK(!memcmp(f->params, s->params, sizeof(float) * (size_t)s->n_params));

    brain_tensor *tx = gc_random(2, (int64_t[]){40, 4}, 5, -1, 1);
    brain_tensor *ty = brain_tensor_new(1, (int64_t[]){40});
    for (int i = 0; i < 40; i++) ty->data[i] = (float)(i % 3);
    brain_model *both[2] = {s, f};
    for (int k = 0; k < 2; k++) {
        const char *metrics[] = {"accuracy", NULL};
        CHECK_OK(brain_compile(both[k], &(brain_compile_options){.optimizer_name = "adam", .metric_names = metrics,
                                                                  .loss_name = "sparse_categorical_crossentropy"}));
        CHECK_OK(brain_fit(both[k], tx, ty, &(brain_fit_options){.epochs = 3, .batch_size = 8, .seed = 3, .has_seed = true,
                                                                 .validation_split = 0.2f, .verbose = BRAIN_SILENT}, NULL));
    }
    CHECK_MSG(!memcmp(f->params, s->params, sizeof(float) * (size_t)s->n_params),
              "functional and Sequential weights differ after the same fit");
    brain_tensor_free(tx); brain_tensor_free(ty);
    brain_model_free(s); brain_model_free(f);
}

/* Each merge layer on small hand-checked numbers. */
static void merge_forward(void)
{
    const float a[4] = {1, -2, 3, 0.5f}, b[4] = {4, 5, -6, 0.5f};
    struct { brain_layer *l; float want[8]; int64_t dim; } cases[] = {
        {brain_add(NULL), {5, 3, -3, 1}, 4},
        {brain_subtract(NULL), {-3, -7, 9, 0}, 4},
        {brain_multiply(NULL), {4, -10, -18, 0.25f}, 4},
        {brain_average(NULL), {2.5f, 1.5f, -1.5f, 0.5f}, 4},
        {brain_maximum(NULL), {4, 5, 3, 0.5f}, 4},
        {brain_concatenate(NULL), {1, -2, 3, 0.5f, 4, 5, -6, 0.5f}, 8},
    };
    for (int c = 0; c < 6; c++) {
        brain_sym p = brain_input_sym(BRAIN_SHAPE(4), "p"), q = brain_input_sym(BRAIN_SHAPE(4), "q");
        const char *cls = brain_layer_class(cases[c].l);
        brain_sym o = brain_apply_n(cases[c].l, 2, (brain_sym[]){p, q});
        CHECK(brain_sym_shape(o).ndim == 1 && brain_sym_shape(o).dims[0] == cases[c].dim);
        brain_model *m = brain_functional(2, (brain_sym[]){p, q}, 1, &o, NULL);
        CHECK_MSG(m != NULL, "%s: %s", cls, brain_last_error());
        if (!m) continue;
        brain_tensor *tp = brain_tensor_from(a, 2, (int64_t[]){1, 4}), *tq = brain_tensor_from(b, 2, (int64_t[]){1, 4});
        brain_tensor *out = NULL;
        CHECK_OK(brain_predict_multi(m, 2, (const brain_tensor *[]){tp, tq}, &(brain_eval_options){.verbose = BRAIN_SILENT}, &out));
        for (int i = 0; out && i < cases[c].dim; i++)
            CHECK_MSG(out->data[i] == cases[c].want[i], "%s[%d] = %g, want %g", cls, i, out->data[i], cases[c].want[i]);
        brain_tensor_free(out); brain_tensor_free(tp); brain_tensor_free(tq);
        brain_model_free(m);
    }
}

/* Two inputs -> Dense each -> merge -> Dense: parameters and both inputs against finite differences. */
static void merge_gradients(void)
{
    brain_layer *(*makers[])(const brain_layer_options *) = {brain_add, brain_subtract, brain_multiply, brain_average,
                                                             brain_maximum};
    for (int c = 0; c < 6; c++) {
        brain_set_random_seed(20 + c);
        brain_sym p = brain_input_sym(BRAIN_SHAPE(3), NULL), q = brain_input_sym(BRAIN_SHAPE(2), NULL);
        brain_sym hp = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_TANH}), p);
        brain_sym hq = brain_apply(brain_dense(4, NULL), q);
        brain_layer *merge = c < 5 ? makers[c](NULL) : brain_concatenate(NULL);
        char label[64];
        snprintf(label, sizeof label, "gradcheck %s", brain_layer_class(merge));
        brain_sym mg = c == 2 ? brain_apply_n(merge, 3, (brain_sym[]){hp, hq, hp}) /* Multiply of three */
                              : brain_apply_n(merge, 2, (brain_sym[]){hp, hq});
        brain_sym o = brain_apply(brain_dense(2, NULL), mg);
        brain_model *m = brain_functional(2, (brain_sym[]){p, q}, 1, &o, NULL);
        CHECK_MSG(m != NULL, "%s: %s", label, brain_last_error());
        if (!m) continue;
        brain_tensor *xp = gc_random(2, (int64_t[]){3, 3}, 100 + c, -1, 1), *xq = gc_random(2, (int64_t[]){3, 2}, 200 + c, -1, 1);
        gradcheck_model_multi(label, m, 2, (brain_tensor *[]){xp, xq}, false, 1e-3, 2e-3, 2e-2);
        brain_tensor_free(xp); brain_tensor_free(xq);
        brain_model_free(m);
    }
    /* Concatenate along a middle axis of 2-D features: (2, 3) and (4, 3) on axis 1 -> (6, 3) */
    brain_set_random_seed(31);
    brain_sym p = brain_input_sym(BRAIN_SHAPE(2, 3), NULL), q = brain_input_sym(BRAIN_SHAPE(4, 3), NULL);
    brain_sym c = brain_apply_n(brain_concatenate(&(brain_concatenate_options){.axis = 1, .has_axis = true}), 2,
                                (brain_sym[]){p, q});
    CHECK(brain_sym_shape(c).ndim == 2 && brain_sym_shape(c).dims[0] == 6 && brain_sym_shape(c).dims[1] == 3);
    brain_sym o = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SIGMOID}), c);
    brain_model *m = brain_functional(2, (brain_sym[]){p, q}, 1, &o, NULL);
    brain_tensor *xp = gc_random(3, (int64_t[]){2, 2, 3}, 7, -1, 1), *xq = gc_random(3, (int64_t[]){2, 4, 3}, 8, -1, 1);
    if (m) gradcheck_model_multi("gradcheck Concatenate axis=1", m, 2, (brain_tensor *[]){xp, xq}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(xp); brain_tensor_free(xq);
    brain_model_free(m);
}

/* Fan-out: one node read by three layers, and an output that also feeds another layer; the
 * gradients reaching the shared nodes are sums. */
static void fan_out_gradients(void)
{
    brain_set_random_seed(41);
    brain_sym x = brain_input_sym(BRAIN_SHAPE(3), NULL);
    brain_sym t = brain_apply(brain_dense(5, &(brain_dense_options){.activation = BRAIN_TANH}), x);
    brain_sym a = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SIGMOID}), t);
    brain_sym b = brain_apply(brain_dense(4, NULL), t);
    brain_sym s = brain_apply_n(brain_add(NULL), BRAIN_SYMS(a, b, a));
    brain_sym aux = brain_apply(brain_dense(2, &(brain_dense_options){.name = "aux"}), t);   /* output 1 ... */
    brain_sym fin = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){s, aux});     /* ... also read here */
    brain_sym main_out = brain_apply(brain_dense(2, &(brain_dense_options){.name = "main"}), fin);
    brain_model *m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(main_out, aux), NULL);
    CHECK_MSG(m != NULL, "fan-out: %s", brain_last_error());
    if (!m) return;
    CHECK(brain_model_num_outputs(m) == 2 && !strcmp(brain_model_output_name(m, 1), "aux"));
    brain_tensor *tx = gc_random(2, (int64_t[]){4, 3}, 9, -1, 1);
    gradcheck_model_multi("gradcheck fan-out", m, 1, (brain_tensor *[]){tx}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(tx);
    brain_model_free(m);
}

static void configs(void)
{
    brain_layer *ls[] = {brain_concatenate(&(brain_concatenate_options){.axis = 2, .has_axis = true, .name = "cat"}),
                         brain_add(&(brain_layer_options){.name = "plus"}), brain_subtract(NULL), brain_multiply(NULL),
                         brain_average(NULL), brain_maximum(NULL)};
    for (int i = 0; i < 6; i++) {
        const brain_layer_vtable *vt = brain__layer_vtable_by_class(brain_layer_class(ls[i]));
        CHECK_MSG(vt == ls[i]->vt, "%s is not in the registry", brain_layer_class(ls[i]));
        CHECK(vt && vt->takes_list && vt->get_config && vt->from_config);
        cJSON *cfg = cJSON_CreateObject();
        cJSON_AddStringToObject(cfg, "name", brain_layer_name(ls[i]));
        CHECK_OK(ls[i]->vt->get_config(ls[i], cfg));
        if (i == 0) CHECK(cJSON_GetObjectItem(cfg, "axis") && cJSON_GetObjectItem(cfg, "axis")->valueint == 2);
        cJSON_AddStringToObject(cfg, "a_key_of_a_later_keras", "ignored");
        brain_layer *back = vt ? vt->from_config(cfg) : NULL;
        CHECK_MSG(back && back->vt == ls[i]->vt && !strcmp(brain_layer_name(back), brain_layer_name(ls[i])),
                  "%s: from_config round trip", brain_layer_class(ls[i]));
        if (back && i == 0) {
            cJSON *again = cJSON_CreateObject();
            back->vt->get_config(back, again);
            CHECK(cJSON_GetObjectItem(again, "axis")->valueint == 2);
            cJSON_Delete(again);
        }
        brain__layer_free(back);
        cJSON_Delete(cfg);
        brain__layer_free(ls[i]);
    }
    cJSON *bad = cJSON_Parse("{\"name\": \"c\", \"axis\": \"last\"}");
    brain_layer *nope = brain__layer_vtable_by_class("Concatenate")->from_config(bad);
    CHECK(nope == NULL && strstr(brain_last_error(), "Concatenate 'c'") && strstr(brain_last_error(), "'axis'"));
    cJSON_Delete(bad);
}

#define CHECK_NULL_MODEL(expr, needle) do { brain_model *m_ = (expr); \
    CHECK_MSG(m_ == NULL && strstr(brain_last_error(), (needle)), "expected failure mentioning \"%s\", got \"%s\"", \
              (needle), m_ ? "(a model)" : brain_last_error()); brain_model_free(m_); } while (0)

static void misuse(void)
{
    /* a wrong shape fails at the call, naming the layer and the shapes; the error sticks */
    brain_sym a = brain_input_sym(BRAIN_SHAPE(3), "a"), b = brain_input_sym(BRAIN_SHAPE(4), "b");
    brain_sym s = brain_apply_n(brain_add(NULL), 2, (brain_sym[]){a, b});
    CHECK(!brain_sym_ok(s) && strstr(brain_last_error(), "Add 'add'") && strstr(brain_last_error(), "(None, 4)"));
    brain_sym d = brain_apply(brain_dense(2, NULL), s);
    CHECK(!brain_sym_ok(d));
    CHECK_NULL_MODEL(brain_functional(2, (brain_sym[]){a, b}, 1, &d, NULL), "Add 'add'");

    a = brain_input_sym(BRAIN_SHAPE(3), "a"); b = brain_input_sym(BRAIN_SHAPE(3), "b");
    s = brain_apply_n(brain_subtract(NULL), 3, (brain_sym[]){a, b, a});
    CHECK(!brain_sym_ok(s) && strstr(brain_last_error(), "exactly 2 inputs"));
    brain_graph_free(a);

    a = brain_input_sym(BRAIN_SHAPE(2, 3), "a"); b = brain_input_sym(BRAIN_SHAPE(3, 3), "b");
    s = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){a, b});
    CHECK(!brain_sym_ok(s) && strstr(brain_last_error(), "matching shapes except for the concatenation axis"));
    brain_graph_free(a);
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    s = brain_apply(brain_concatenate(&(brain_concatenate_options){.axis = 0, .has_axis = true}), a);
    CHECK(!brain_sym_ok(s) && strstr(brain_last_error(), "axis 0"));
    brain_graph_free(a);

    /* a layer applied twice on inputs its weights do not fit (tests/test_nested_shared.c: the good cases) */
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    brain_layer *dl = brain_dense(4, NULL);
    brain_sym h = brain_apply(dl, a);
    brain_sym h2 = brain_apply(dl, h);
    CHECK(!brain_sym_ok(h2) && strstr(brain_last_error(), "a shared layer needs inputs of the same feature sizes"));
    brain_graph_free(a);

    /* an output not computed from the inputs; an input not used; an input that is not an Input */
    a = brain_input_sym(BRAIN_SHAPE(3), "a"); b = brain_input_sym(BRAIN_SHAPE(3), "b");
    h = brain_apply(brain_dense(2, NULL), b);
    CHECK_NULL_MODEL(brain_functional(1, &a, 1, &h, NULL), "not computed from the model's inputs");
    a = brain_input_sym(BRAIN_SHAPE(3), "a"); b = brain_input_sym(BRAIN_SHAPE(3), "b");
    h = brain_apply(brain_dense(2, NULL), a);
    CHECK_NULL_MODEL(brain_functional(2, (brain_sym[]){a, b}, 1, &h, NULL), "input 1 ('b')");
    a = brain_input_sym(BRAIN_SHAPE(3), "a"); b = brain_input_sym(BRAIN_SHAPE(3), "b");
    h = brain_apply(brain_dense(2, NULL), brain_apply_n(brain_add(NULL), 2, (brain_sym[]){a, b}));
    CHECK_NULL_MODEL(brain_functional(1, &a, 1, &h, NULL), "need the Input 'b'");
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    h = brain_apply(brain_dense(2, NULL), a);
    brain_sym h3 = brain_apply(brain_dense(2, NULL), h);
    CHECK_NULL_MODEL(brain_functional(1, &h, 1, &h3, NULL), "not an Input");
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    CHECK_NULL_MODEL(brain_functional(1, &a, 1, &a, NULL), "computed by a layer");
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    h = brain_apply(brain_dense(2, &(brain_dense_options){.name = "same"}), a);
    h = brain_apply(brain_dense(2, &(brain_dense_options){.name = "same"}), h);
    CHECK_NULL_MODEL(brain_functional(1, &a, 1, &h, NULL), "two layers named 'same'");

    /* a sym of a graph that is already a model; a layer of a model */
    a = brain_input_sym(BRAIN_SHAPE(3), "a");
    h = brain_apply(brain_dense(2, NULL), a);
    brain_model *m = brain_functional(1, &a, 1, &h, &(brain_functional_options){.name = "first"});
    CHECK(m != NULL);
    CHECK(brain_sym_shape(h).dims[0] == 2); /* syms stay readable while the model lives */
    brain_sym again = brain_apply(brain_dense(2, NULL), h);
    CHECK(!brain_sym_ok(again) && strstr(brain_last_error(), "model 'first'"));
    CHECK_NULL_MODEL(brain_functional(1, &a, 1, &h, NULL), "belongs to the graph of model 'first'");
    brain_sym b2 = brain_input_sym(BRAIN_SHAPE(2), NULL);
    brain_sym stolen = brain_apply(brain_model_layer(m, 1), b2);
    CHECK(!brain_sym_ok(stolen) && strstr(brain_last_error(), "already belongs to model"));
    brain_graph_free(b2);

    /* functional models are not added to; several inputs/outputs need the _multi calls */
    CHECK_FAILS(brain_model_add(m, brain_dense(1, NULL)), "is functional");
    brain_model_free(m);
    a = brain_input_sym(BRAIN_SHAPE(3), "a"); b = brain_input_sym(BRAIN_SHAPE(2), "b");
    brain_sym c = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){a, b});
    brain_sym o1 = brain_apply(brain_dense(2, &(brain_dense_options){.name = "o1"}), c);
    brain_sym o2 = brain_apply(brain_dense(1, &(brain_dense_options){.name = "o2"}), c);
    m = brain_functional(2, (brain_sym[]){a, b}, 2, (brain_sym[]){o1, o2}, NULL);
    CHECK(m && brain_model_num_inputs(m) == 2);
    const char *acc[] = {"accuracy", NULL};
    CHECK_FAILS(brain_compile(m, &(brain_compile_options){.loss_name = "mse", .metric_names = acc}), "in .outputs[k]");
    CHECK_FAILS(brain_compile(m, &(brain_compile_options){.outputs = (brain_output_compile_options[]){{.loss_name = "mse"}},
                                                          .n_outputs = 1}), "has 2 outputs");
    CHECK_FAILS(brain_compile(m, &(brain_compile_options){.outputs = (brain_output_compile_options[]){
                                   {.loss = brain_loss_mse(NULL)}, {.metrics = (brain_metric *[]){brain_metric_mae(NULL), NULL}}},
                                                          .n_outputs = 2}), "output 1 ('o2') of model");
    CHECK_FAILS(brain_compile(m, NULL), "output 0 ('o1') of model");
    /* a top-level loss serves every output */
    CHECK_OK(brain_compile(m, &(brain_compile_options){.loss = brain_loss_mse(NULL)}));
    brain_tensor *xa = gc_random(2, (int64_t[]){6, 3}, 1, -1, 1), *xb = gc_random(2, (int64_t[]){6, 2}, 2, -1, 1);
    brain_tensor *y1 = gc_random(2, (int64_t[]){6, 2}, 3, -1, 1), *y2 = gc_random(2, (int64_t[]){6, 1}, 4, -1, 1);
    brain_tensor *xshort = gc_random(2, (int64_t[]){5, 2}, 2, -1, 1);
    CHECK_FAILS(brain_fit(m, xa, y1, NULL, NULL), "has 2 inputs, 1 x tensor was given");
    CHECK_FAILS(brain_fit_multi(m, 2, (const brain_tensor *[]){xa, xb}, 1, (const brain_tensor *[]){y1}, NULL, NULL),
                "has 2 outputs, 1 y tensor was given");
    CHECK_FAILS(brain_fit_multi(m, 2, (const brain_tensor *[]){xb, xa}, 2, (const brain_tensor *[]){y1, y2}, NULL, NULL),
                "expects input 0 ('a') of shape (None, 3)");
    CHECK_FAILS(brain_fit_multi(m, 2, (const brain_tensor *[]){xa, xshort}, 2, (const brain_tensor *[]){y1, y2}, NULL, NULL),
                "x 1 has 5 rows");
    CHECK_FAILS(brain_fit_multi(m, 2, (const brain_tensor *[]){xa, xb}, 2, (const brain_tensor *[]){y1, y2},
                                &(brain_fit_options){.class_weight = (float[]){1, 2}, .n_class_weight = 2}, NULL),
                "class_weight is not supported");
    brain_tensor *pred = NULL;
    CHECK_FAILS(brain_predict(m, xa, NULL, &pred), "use brain_predict_multi");
    CHECK_FAILS(brain_model_forward(m, xa, false, NULL), "explicit loop");
    brain_history *hist = NULL;
    CHECK_OK(brain_fit_multi(m, BRAIN_TENSORS(xa, xb), BRAIN_TENSORS(y1, y2),
                             &(brain_fit_options){.epochs = 2, .batch_size = 4, .verbose = BRAIN_SILENT,
                                                  .xs_val = (const brain_tensor *[]){xa, xb},
                                                  .ys_val = (const brain_tensor *[]){y1, y2}}, &hist));
    const char *keys[] = {"loss", "o1_loss", "o2_loss", "val_loss", "val_o1_loss", "val_o2_loss"};
    CHECK(hist && brain_history_num_keys(hist) == 6);
    for (int k = 0; hist && k < 6 && k < brain_history_num_keys(hist); k++)
        CHECK_MSG(!strcmp(brain_history_key(hist, k), keys[k]), "key %d: %s", k, brain_history_key(hist, k));
    int ne;
    const double *l = brain_history_get(hist, "loss", &ne), *l1 = brain_history_get(hist, "o1_loss", &ne),
                 *l2 = brain_history_get(hist, "o2_loss", &ne);
    CHECK(l && l1 && l2 && fabs(l[1] - (l1[1] + l2[1])) < 1e-5);
    brain_history_free(hist);
    brain_tensor_free(xa); brain_tensor_free(xb); brain_tensor_free(y1); brain_tensor_free(y2); brain_tensor_free(xshort);
    brain_model_free(m);
}

/* The loader's builder: the description in any order gives the model Keras's order. */
static void from_spec(void)
{
    /* layers: 0 dense "h" <- 2; 1 "out" <- (0, 3) via concatenate; 2 input "x"; 3 dense "g" <- 2 */
    brain_layer *ls[5] = {brain_dense(4, &(brain_dense_options){.name = "h"}),
                          brain_concatenate(&(brain_concatenate_options){.name = "cat"}),
                          brain_input(BRAIN_SHAPE(3)), brain_dense(2, &(brain_dense_options){.name = "g"}),
                          brain_dense(1, &(brain_dense_options){.name = "out"})};
    snprintf(ls[2]->name, sizeof ls[2]->name, "x");
    ls[2]->name_given = true;
    const int n_in[5] = {1, 2, 0, 1, 1};
    const int inb[5][BRAIN_MAX_LAYER_INPUTS] = {{2}, {0, 3}, {0}, {2}, {1}};
    brain_model *m = brain__functional_from_spec(&(brain__functional_spec){
        .name = "loaded", .n_layers = 5, .layers = ls, .n_inbound = n_in, .inbound = inb,
        .n_inputs = 1, .inputs = (int[]){2}, .n_outputs = 1, .outputs = (int[]){4}});
    CHECK_MSG(m != NULL, "from_spec: %s", brain_last_error());
    if (m) {
        const char *want[] = {"x", "h", "g", "cat", "out"};
        for (int i = 0; i < 5; i++) CHECK(!strcmp(brain_layer_name(brain_model_layer(m, i)), want[i]));
        int cat = brain__model_node_of_layer(m, brain_model_get_layer(m, "cat"));
        CHECK(cat == 3 && m->nodes[cat].n_in == 2 && m->nodes[cat].in[0] == 1 && m->nodes[cat].in[1] == 2);
        CHECK(m->input_nodes[0] == 0 && m->output_nodes[0] == 4 && brain_model_output_shape(m).dims[0] == 1);
        brain_model_free(m);
    }
    /* a cycle is refused (and every layer freed) */
    brain_layer *cyc[3] = {brain_input(BRAIN_SHAPE(2)), brain_dense(2, NULL), brain_dense(2, NULL)};
    const int cn[3] = {0, 1, 1};
    const int ci[3][BRAIN_MAX_LAYER_INPUTS] = {{0}, {2}, {1}};
    m = brain__functional_from_spec(&(brain__functional_spec){.n_layers = 3, .layers = cyc, .n_inbound = cn, .inbound = ci,
                                                              .n_inputs = 1, .inputs = (int[]){0}, .n_outputs = 1,
                                                              .outputs = (int[]){2}});
    CHECK(m == NULL && strstr(brain_last_error(), "cycle"));
}

/* model.layers order as Keras 3.15.1 prints it for the same graphs (depth from the outputs,
 * then first visit from the outputs): inputs are not necessarily first. */
static void keras_layer_order(void)
{
#define D(n, nm) brain_dense(n, &(brain_dense_options){.name = nm})
    brain_sym x = brain_input_sym(BRAIN_SHAPE(3), "x"), y = brain_input_sym(BRAIN_SHAPE(2), "y");
    brain_sym p = brain_apply(D(3, "p"), y), q = brain_apply(D(3, "q"), x), r = brain_apply(D(3, "r"), p);
    brain_sym u = brain_apply_n(brain_multiply(&(brain_layer_options){.name = "u"}), 2, (brain_sym[]){q, r});
    brain_sym v = brain_apply(D(1, "v"), p);
    brain_model *m = brain_functional(2, (brain_sym[]){x, y}, 2, (brain_sym[]){v, u}, NULL);
#undef D
    const char *want[] = {"y", "p", "x", "q", "r", "v", "u"};
    CHECK(m && brain_model_num_layers(m) == 7);
    for (int i = 0; m && i < 7; i++)
        CHECK_MSG(!strcmp(brain_layer_name(brain_model_layer(m, i)), want[i]), "layer %d is '%s', Keras has '%s'", i,
                  brain_layer_name(brain_model_layer(m, i)), want[i]);
    CHECK(m && m->input_nodes[0] == 2 && m->input_nodes[1] == 0 && m->output_nodes[0] == 5 && m->output_nodes[1] == 6);
    brain_model_free(m);
}

static void summary(void)
{
    brain_sym a = brain_input_sym(BRAIN_SHAPE(4), "tab"), b = brain_input_sym(BRAIN_SHAPE(6), "img");
    brain_sym h1 = brain_apply(brain_dense(5, &(brain_dense_options){.activation = BRAIN_RELU}), a);
    brain_sym h2 = brain_apply(brain_dense(3, NULL), b);
    brain_sym c = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){h1, h2});
    brain_sym o1 = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "cls"}), c);
    brain_sym o2 = brain_apply(brain_dense(1, &(brain_dense_options){.name = "reg"}), c);
    brain_model *m = brain_functional(2, (brain_sym[]){a, b}, 2, (brain_sym[]){o1, o2}, NULL);
    char text[8192];
    CHECK_OK(brain_model_summary_string(m, 0, text, sizeof text));
    /* Keras 3.15.1 prints exactly this for the same model (tools/gen_functional_golden.py's probe) */
    const char *want =
        "Model: \"functional\"\n"
        "┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃\n"
        "┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n"
        "│ tab (InputLayer)    │ (None, 4)         │          0 │ -                 │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ img (InputLayer)    │ (None, 6)         │          0 │ -                 │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ dense (Dense)       │ (None, 5)         │         25 │ tab[0][0]         │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ dense_1 (Dense)     │ (None, 3)         │         21 │ img[0][0]         │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ concatenate         │ (None, 8)         │          0 │ dense[0][0],      │\n"
        "│ (Concatenate)       │                   │            │ dense_1[0][0]     │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ cls (Dense)         │ (None, 3)         │         27 │ concatenate[0][0] │\n"
        "├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n"
        "│ reg (Dense)         │ (None, 1)         │          9 │ concatenate[0][0] │\n"
        "└─────────────────────┴───────────────────┴────────────┴───────────────────┘\n"
        " Total params: 82 (328.00 B)\n"
        " Trainable params: 82 (328.00 B)\n"
        " Non-trainable params: 0 (0.00 B)\n";
    CHECK_MSG(!strcmp(text, want), "functional summary differs from Keras's:\n%s", text);
    brain_model_free(m);
}

int main(void)
{
    sequential_equivalent();
    merge_forward();
    merge_gradients();
    fan_out_gradients();
    configs();
    misuse();
    from_spec();
    keras_layer_order();
    summary();
    return check_summary("test_functional");
}
