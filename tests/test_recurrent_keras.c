/* Forward results of SimpleRNN, LSTM, GRU (both reset_after), Embedding masking and
 * Bidirectional equal real Keras 3 (tests/rnn_golden.h, from tools/gen_rnn_golden.py): the same
 * weights in Keras's order and gate layout give the same outputs. */
#include "brain.h"
#include "check.h"
#include "rnn_golden.h"
#include <stdlib.h>

#define SEQ(...) (&(brain_rnn_options){.return_sequences = true, __VA_ARGS__})

static void run_case(const char *name, brain_layer **layers, brain_shape in, const float *w, int64_t nw,
                     const float *x, int64_t nx, const float *y, int64_t ny)
{
    brain_model *m = brain_sequential(name);
    brain_model_add(m, brain_input(in));
    for (int i = 0; layers[i]; i++) brain_model_add(m, layers[i]);
    CHECK_OK(brain_model_set_weights(m, w, nw));
    int64_t shape[BRAIN_MAX_DIMS] = {0}, per_sample = 1;
    for (int i = 0; i < in.ndim; i++) per_sample *= shape[i + 1] = in.dims[i];
    shape[0] = nx / per_sample;
    brain_tensor *xt = brain_tensor_from(x, in.ndim + 1, shape);
    const brain_tensor *pred = NULL;
    CHECK_OK(brain_model_forward(m, xt, false, &pred));
    CHECK_MSG(pred && pred->size == ny, "%s: output has %lld values, Keras %lld", name, pred ? (long long)pred->size : -1LL, (long long)ny);
    int bad = 0;
    for (int64_t i = 0; pred && i < ny && i < pred->size; i++)
        if (fabsf(pred->data[i] - y[i]) > 2e-6f + 2e-5f * fabsf(y[i])) {
            if (bad++ < 4) fprintf(stderr, "%s: value %lld is %.8g, Keras %.8g\n", name, (long long)i, pred->data[i], y[i]);
        }
    CHECK_MSG(bad == 0, "%s: %d values differ from Keras", name, bad);
    brain_tensor_free(xt);
    brain_model_free(m);
}

#define CASE(name, in, ...) run_case(#name, (brain_layer *[]){__VA_ARGS__, NULL}, in, name##_w, \
    sizeof name##_w / sizeof(float), name##_x, sizeof name##_x / sizeof(float), name##_y, sizeof name##_y / sizeof(float))

int main(void)
{
    const brain_embedding_options mz = {.mask_zero = true};
    CASE(simple_rnn_seq, BRAIN_SHAPE(5, 3), brain_simple_rnn(3, SEQ()));
    CASE(lstm_seq_backwards, BRAIN_SHAPE(5, 3), brain_lstm(3, SEQ(.go_backwards = true)));
    CASE(lstm_last, BRAIN_SHAPE(5, 3), brain_lstm(4, NULL));
    CASE(gru_seq, BRAIN_SHAPE(5, 3), brain_gru(3, SEQ()));
    CASE(gru_reset_before, BRAIN_SHAPE(5, 3), brain_gru(3, SEQ(.reset_after = BRAIN_OFF)));
    CASE(masked_lstm_seq, BRAIN_SHAPE(6), brain_embedding(6, 2, &mz), brain_lstm(3, SEQ()));
    CASE(masked_gru_last_backwards, BRAIN_SHAPE(6), brain_embedding(6, 2, &mz),
         brain_gru(3, &(brain_rnn_options){.go_backwards = true}));
    CASE(masked_simple_rnn_dense, BRAIN_SHAPE(6), brain_embedding(6, 2, &mz), brain_simple_rnn(3, SEQ()), brain_dense(2, NULL));
    CASE(masked_bidirectional_lstm_concat, BRAIN_SHAPE(6), brain_embedding(6, 2, &mz),
         brain_bidirectional(brain_lstm(2, SEQ()), NULL));
    CASE(bidirectional_gru_sum, BRAIN_SHAPE(5, 3),
         brain_bidirectional(brain_gru(2, NULL), &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_SUM}));
    CASE(stacked_lstm_gru, BRAIN_SHAPE(5, 3), brain_lstm(3, SEQ()), brain_gru(2, NULL));
    return check_summary("test_recurrent_keras");
}
