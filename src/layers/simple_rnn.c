/* simple_rnn.c — SimpleRNN(units): h_t = f(x_t W + h_{t−1} U + b), f = tanh by default.
 *
 * Weights (Keras order, under "cell"): kernel (D, u), recurrent_kernel (u, u), bias (u,).
 * Backward: dz_t = dh_t ⊙ f'(z_t);  dh_{t−1} = dz_t Uᵀ;  dW += x_tᵀ dz_t, dU += h_{t−1}ᵀ dz_t, db += dz_t,
 * dx_t = dz_t Wᵀ — all steps run by the shared core in recurrent.c. */
#include "recurrent.h"

extern const brain_layer_vtable brain__simple_rnn_vt;

static brain_layer *simple_rnn_from_config(const struct cJSON *cfg)
{
    return brain__rnn_from_config(&brain__simple_rnn_vt, BRAIN_CELL_SIMPLE, cfg);
}

const brain_layer_vtable brain__simple_rnn_vt = {
    .class_name = "SimpleRNN", .snake_name = "simple_rnn", .build = brain__rnn_build, .reserve = brain__rnn_reserve,
    .forward = brain__rnn_forward, .backward = brain__rnn_backward, .destroy = brain__rnn_destroy,
    .get_config = brain__rnn_get_config, .from_config = simple_rnn_from_config,
};

brain_layer *brain_simple_rnn(int64_t units, const brain_rnn_options *opt)
{
    return brain__rnn_new(&brain__simple_rnn_vt, BRAIN_CELL_SIMPLE, units, opt);
}
