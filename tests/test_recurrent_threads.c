/* Recurrent layers split the batch over threads (rows for the time loop, gate columns for the
 * weight gradients): the result must not depend on the thread count, and after the first batch a
 * training step allocates nothing.  This program counts every allocation in the process
 * (alloc_count.h, as the allocation benches do). */
#include "alloc_count.h"
#include "brain.h"
#include "check.h"
#include <stdint.h>
#include <stdlib.h>

enum { B = 24, T = 7 };

/* Embedding(mask_zero) → Bidirectional(LSTM, seq) → GRU(reset_after=False, seq, go_backwards)
 * → SimpleRNN → Dense; every weight's gradient after one step, into grads */
static brain_model *make(void)
{
    brain_set_random_seed(11);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(T)));
    brain_model_add(m, brain_embedding(9, 4, &(brain_embedding_options){.mask_zero = true}));
    brain_model_add(m, brain_bidirectional(brain_lstm(5, &(brain_rnn_options){.return_sequences = true}), NULL));
    brain_model_add(m, brain_gru(4, &(brain_rnn_options){.return_sequences = true, .go_backwards = true, .reset_after = BRAIN_OFF}));
    brain_model_add(m, brain_simple_rnn(3, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "binary_crossentropy"});
    return m;
}

static double step(brain_model *m, const brain_tensor *x, const brain_tensor *y)
{
    const brain_tensor *pred;
    double loss = 0;
    brain_model_zero_grad(m);
    CHECK_OK(brain_model_forward(m, x, true, &pred));
    CHECK_OK(brain_model_loss(m, y, NULL, &loss));
    CHECK_OK(brain_model_backward(m));
    CHECK_OK(brain_optimizer_step(brain_model_optimizer(m), m));
    return loss;
}

int main(void)
{
    float ids[B * T], labels[B];
    for (int i = 0; i < B * T; i++) ids[i] = (float)((i * 7 + i / 5) % 9) * (i % 6 != 0); /* some zeros: masked */
    for (int i = 0; i < B; i++) labels[i] = (float)(i % 2);
    brain_tensor *x = brain_tensor_wrap(ids, 2, (int64_t[]){B, T}), *y = brain_tensor_wrap(labels, 2, (int64_t[]){B, 1});

    /* the same three steps on one thread and on two give the same weights */
    brain_set_num_threads(1);
    brain_model *a = make();
    double la = 0, lb = 0;
    for (int i = 0; i < 3; i++) la = step(a, x, y);
    brain_set_num_threads(2);
    brain_model *b = make();
    for (int i = 0; i < 3; i++) lb = step(b, x, y);
    CHECK_NEAR(lb, la, 1e-6, 1e-5);
    int64_t n = brain_model_count_trainable(a), bad = 0;
    for (int64_t i = 0; i < n; i++)
        bad += fabsf(brain_model_params(a)[i] - brain_model_params(b)[i]) > 1e-6f + 1e-5f * fabsf(brain_model_params(a)[i]);
    CHECK_MSG(bad == 0, "%lld of %lld weights differ between 1 and 2 threads", (long long)bad, (long long)n);

    /* after the first step, steps allocate nothing (two threads: the parallel regions too) */
    uint64_t before = g_allocs;
    for (int i = 0; i < 4; i++) step(b, x, y);
    CHECK_MSG(g_allocs == before, "4 training steps after the first allocated %llu times", (unsigned long long)(g_allocs - before));
    brain_model_free(a);
    brain_model_free(b);
    brain_tensor_free(x);
    brain_tensor_free(y);
    return check_summary("test_recurrent_threads");
}
