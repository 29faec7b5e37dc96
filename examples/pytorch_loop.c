/* pytorch_loop.c — the lecture's "Code Snippet: PyTorch Model", in C.
 *
 *   class SimpleNN(nn.Module):
 *       def __init__(self):
 *           super().__init__()
 *           self.fc1 = nn.Linear(784, 128)
 *           self.fc2 = nn.Linear(128, 10)
 *       def forward(self, x):
 *           x = torch.relu(self.fc1(x))
 *           return self.fc2(x)
 *
 *   model = SimpleNN()
 *   loss_fn = nn.CrossEntropyLoss()
 *   optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
 *
 *   # Training loop (explicit — you control every step)
 *   for inputs, targets in train_loader:
 *       optimizer.zero_grad()
 *       loss = loss_fn(model(inputs), targets)
 *       loss.backward()
 *       optimizer.step()
 *
 * In brain: the same layers (Dense(128, relu) → Dense(10), logits out); nn.CrossEntropyLoss is
 * sparse categorical cross-entropy with from_logits=true (integer targets, mean over the batch);
 * torch.optim.Adam(lr=1e-3) is brain_adam(.learning_rate = 1e-3) — note PyTorch's Adam uses
 * eps 1e-8 where Keras uses 1e-7, so that is set too.  train_loader is DataLoader(batch_size=32,
 * shuffle=True): the rows are reshuffled every epoch with a brain_rng.  The weights start from
 * Keras's defaults (glorot_uniform, zero bias), not PyTorch's kaiming_uniform(a=√5).
 * Then the same model trained with brain_fit (model.fit in Keras) for comparison, and a check
 * that the two paths are the same computation: with shuffling off, one epoch of the explicit loop
 * and one epoch of brain_fit from the same initial weights end with the same weights.
 *
 * Data: 784-feature "images" in 10 classes: each class has a prototype of 5 Gaussian blobs
 * (σ = 3 pixels) in a 28×28 grid; a sample is its prototype shifted up to ±3 pixels plus N(0, 0.5²)
 * noise, clipped to [0, 1].  4000 samples (800 in quick mode), 80/20 split; 5 epochs (2 quick).
 * Claim: both ways reach ≥ 0.9 test accuracy (full run), and the equivalence check holds (1e-5). */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10, BLOBS = 5, BATCH = 32 };

static void make_images(int64_t n, brain_tensor **x_out, brain_tensor **y_out)
{
    brain_rng r;
    brain_rng_seed(&r, 1234);
    float blob[CLASSES][BLOBS][2];
    for (int c = 0; c < CLASSES; c++)
        for (int b = 0; b < BLOBS; b++)
            for (int k = 0; k < 2; k++) blob[c][b][k] = (float)(4 + 20 * brain_rng_uniform(&r));
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, PIXELS }), *y = brain_tensor_new(1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++) {
        int c = (int)brain_rng_below(&r, CLASSES);
        y->data[i] = (float)c;
        float dr = (float)(brain_rng_uniform(&r) * 6 - 3), dc = (float)(brain_rng_uniform(&r) * 6 - 3);
        for (int p = 0; p < PIXELS; p++) {
            float v = 0;
            for (int b = 0; b < BLOBS; b++) {
                float a = (float)(p / SIDE) - blob[c][b][0] - dr, e = (float)(p % SIDE) - blob[c][b][1] - dc;
                v += expf(-(a * a + e * e) / 18.0f);
            }
            v += (float)(0.5 * brain_rng_normal(&r));
            x->data[i * PIXELS + p] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
    *x_out = x;
    *y_out = y;
}

/* SimpleNN: fc1 = Linear(784, 128) with relu, fc2 = Linear(128, 10), logits out. */
static brain_model *simple_nn(void)
{
    brain_set_random_seed(0); /* torch.manual_seed(0): every SimpleNN here starts from the same weights */
    brain_model *m = brain_sequential("SimpleNN");
    if (brain_model_add(m, brain_input(BRAIN_SHAPE(PIXELS))) ||
        brain_model_add(m, brain_dense(128, &(brain_dense_options){ .activation = BRAIN_RELU, .name = "fc1" })) ||
        brain_model_add(m, brain_dense(CLASSES, &(brain_dense_options){ .name = "fc2" })) ||
        brain_model_build(m)) {
        brain_model_free(m);
        return NULL;
    }
    return m;
}

static brain_optimizer *torch_adam(void)
{
    return brain_adam(&(brain_adam_options){ .learning_rate = 1e-3f, .epsilon = 1e-8f });
}

/* One epoch of the explicit loop over minibatches in `order` (NULL: in row order).
 * Returns the mean loss over the samples seen. */
static int train_epoch(brain_model *model, brain_optimizer *optimizer, const brain_loss *loss_fn,
                       const brain_tensor *x, const brain_tensor *y, const int64_t *order, double *mean_loss)
{
    int64_t n = x->shape[0];
    double total = 0;
    for (int64_t b0 = 0; b0 < n; b0 += BATCH) {
        int64_t nb = n - b0 < BATCH ? n - b0 : BATCH;
        brain_tensor *inputs, *targets;
        if (order) {
            inputs = brain_tensor_take_rows(x, order + b0, nb);
            targets = brain_tensor_take_rows(y, order + b0, nb);
        } else {
            inputs = brain_tensor_slice_rows(x, b0, b0 + nb);
            targets = brain_tensor_slice_rows(y, b0, b0 + nb);
        }
        if (!inputs || !targets) return 1;
        const brain_tensor *logits;
        double loss;
        brain_model_zero_grad(model);                                        /* optimizer.zero_grad() */
        brain_status s = brain_model_forward(model, inputs, true, &logits);  /* model(inputs) */
        if (!s) s = brain_model_loss(model, targets, loss_fn, &loss);       /* loss_fn(..., targets) */
        if (!s) s = brain_model_backward(model);                             /* loss.backward() */
        if (!s) s = brain_optimizer_step(optimizer, model);                  /* optimizer.step() */
        brain_tensor_free(inputs);
        brain_tensor_free(targets);
        if (s) return 1;
        total += loss * (double)nb;
    }
    *mean_loss = total / (double)n;
    return 0;
}

/* Accuracy of argmax(logits) against class ids, in eval mode (torch.no_grad / model.eval()). */
static double accuracy(brain_model *m, const brain_tensor *x, const brain_tensor *y)
{
    brain_tensor *logits;
    if (brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logits)) return -1;
    int64_t n = x->shape[0], right = 0;
    for (int64_t i = 0; i < n; i++) {
        const float *row = logits->data + i * CLASSES;
        int best = 0;
        for (int c = 1; c < CLASSES; c++) if (row[c] > row[best]) best = c;
        right += best == (int)y->data[i];
    }
    brain_tensor_free(logits);
    return (double)right / (double)n;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int64_t n = quick ? 800 : 4000;
    int epochs = quick ? 2 : 5;
    brain_tensor *x, *y, *x_train, *x_test, *y_train, *y_test;
    make_images(n, &x, &y);
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.2, .random_state = 0, .has_random_state = true },
                               &x_train, &x_test, &y_train, &y_test));
    int64_t n_train = x_train->shape[0];
    printf("Data: %lld generated 28×28 images, %d classes, integer targets; %lld train, %lld test\n",
           (long long)n, CLASSES, (long long)n_train, (long long)x_test->shape[0]);

    /* model = SimpleNN(); loss_fn = nn.CrossEntropyLoss(); optimizer = Adam(model.parameters(), lr=1e-3) */
    brain_model *model = simple_nn();
    if (!model) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    brain_loss *loss_fn = brain_loss_sparse_categorical_crossentropy(&(brain_loss_options){ .from_logits = true });
    brain_optimizer *optimizer = torch_adam();
    TRY(brain_model_summary(model, 0));

    /* ---- the explicit loop, over shuffled minibatches */
    printf("\nexplicit loop (zero_grad, forward, loss, backward, step), batch %d, shuffled each epoch:\n", BATCH);
    int64_t *order = malloc(sizeof *order * (size_t)n_train);
    if (!order) return 1;
    brain_rng shuffle;
    brain_rng_seed(&shuffle, 0);
    double loop_loss = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
        for (int64_t i = 0; i < n_train; i++) order[i] = i;
        for (int64_t i = n_train - 1; i > 0; i--) { /* Fisher–Yates */
            int64_t j = brain_rng_below(&shuffle, i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        if (train_epoch(model, optimizer, loss_fn, x_train, y_train, order, &loop_loss)) {
            fprintf(stderr, "error: %s\n", brain_last_error());
            return 1;
        }
        printf("  epoch %d/%d  loss %.4f  (%lld optimizer steps)\n", epoch + 1, epochs, loop_loss,
               (long long)brain_optimizer_iterations(optimizer));
    }
    double loop_acc = accuracy(model, x_test, y_test);
    printf("explicit loop: test accuracy %.4f\n", loop_acc);

    /* ---- the same model with brain_fit (Keras's model.fit) */
    printf("\nthe same SimpleNN with brain_fit (compile: Adam(1e-3), SparseCategoricalCrossentropy(from_logits=True)):\n");
    brain_model *keras = simple_nn();
    if (!keras) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    TRY(brain_compile(keras, &(brain_compile_options){
        .optimizer = torch_adam(),
        .loss = brain_loss_sparse_categorical_crossentropy(&(brain_loss_options){ .from_logits = true }),
        .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_history *h;
    TRY(brain_fit(keras, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .batch_size = BATCH,
                  .seed = 0, .has_seed = true, .verbose = BRAIN_ONE_LINE_PER_EPOCH }, &h));
    int ne;
    const double *fit_loss = brain_history_get(h, "loss", &ne);
    brain_logs test;
    TRY(brain_evaluate(keras, x_test, y_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &test));
    double fit_acc = 0;
    brain_logs_get(&test, "accuracy", &fit_acc);
    printf("brain_fit: final loss %.4f, test accuracy %.4f\n", fit_loss[ne - 1], fit_acc);

    /* ---- equivalence: shuffling off, one epoch each way, from the same initial weights */
    brain_model *a = simple_nn(), *b = simple_nn();
    brain_optimizer *opt_a = torch_adam();
    if (!a || !b || !opt_a) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    double a_loss;
    if (train_epoch(a, opt_a, loss_fn, x_train, y_train, NULL, &a_loss)) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    TRY(brain_compile(b, &(brain_compile_options){ .optimizer = torch_adam(),
        .loss = brain_loss_sparse_categorical_crossentropy(&(brain_loss_options){ .from_logits = true }) }));
    brain_history *hb;
    TRY(brain_fit(b, x_train, y_train, &(brain_fit_options){ .epochs = 1, .batch_size = BATCH, .shuffle = BRAIN_OFF,
                  .verbose = BRAIN_SILENT }, &hb));
    int64_t np = brain_model_count_params(a);
    float *wa = malloc(sizeof *wa * (size_t)np), *wb = malloc(sizeof *wb * (size_t)np);
    if (!wa || !wb) return 1;
    TRY(brain_model_get_weights(a, wa, np));
    TRY(brain_model_get_weights(b, wb, np));
    double max_diff = 0;
    for (int64_t i = 0; i < np; i++) max_diff = fmax(max_diff, fabs((double)wa[i] - wb[i]));
    printf("\nequivalence, no shuffling, 1 epoch: loop loss %.6f, brain_fit loss %.6f, max |weight difference| %.2e over %lld weights\n",
           a_loss, brain_history_get(hb, "loss", NULL)[0], max_diff, (long long)np);

    int ok = max_diff < 1e-5;
    if (!ok) fprintf(stderr, "the explicit loop and brain_fit disagree (max weight difference %g)\n", max_diff);
    if (!quick && (loop_acc < 0.9 || fit_acc < 0.9)) {
        fprintf(stderr, "test accuracy below 0.9 (loop %.4f, fit %.4f)\n", loop_acc, fit_acc);
        ok = 0;
    }
    if (ok) printf("ok: explicit loop %.4f and brain_fit %.4f test accuracy; the same update either way\n", loop_acc, fit_acc);

    free(wa); free(wb); free(order);
    brain_history_free(h); brain_history_free(hb);
    brain_optimizer_free(optimizer); brain_optimizer_free(opt_a);
    brain_loss_free(loss_fn);
    brain_model_free(model); brain_model_free(keras); brain_model_free(a); brain_model_free(b);
    brain_tensor *all[] = { x, y, x_train, x_test, y_train, y_test };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    return ok ? 0 : 1;
}
