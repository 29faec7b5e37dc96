/* lstm.c — LSTM(units), Keras gate order i, f, c, o:
 *   z = x_t W + h_{t−1} U + b = [z_i | z_f | z_c | z_o]
 *   i = σ(z_i), f = σ(z_f), g = tanh(z_c), o = σ(z_o)       (σ = recurrent_activation, tanh = activation)
 *   c_t = f·c_{t−1} + i·g,   h_t = o·tanh(c_t)
 * Backward: dc = (dc carried from t+1) + dh·o·tanh'(c_t);  dz_i = dc·g·σ', dz_f = dc·c_{t−1}·σ', dz_c = dc·i·tanh'(z_c),
 *   dz_o = dh·tanh(c_t)·σ';  dc_{t−1} = dc·f;  dh_{t−1} = dz Uᵀ.
 * Weights under "cell": kernel (D, 4u), recurrent_kernel (u, 4u), bias (4u,) with ones on the
 * forget slice when unit_forget_bias.  The time loop is the shared core in recurrent.c. */
#include "recurrent.h"

extern const brain_layer_vtable brain__lstm_vt;

static brain_layer *lstm_from_config(const struct cJSON *cfg)
{
    return brain__rnn_from_config(&brain__lstm_vt, BRAIN_CELL_LSTM, cfg);
}

const brain_layer_vtable brain__lstm_vt = {
    .class_name = "LSTM", .snake_name = "lstm", .build = brain__rnn_build, .reserve = brain__rnn_reserve,
    .forward = brain__rnn_forward, .backward = brain__rnn_backward, .destroy = brain__rnn_destroy,
    .get_config = brain__rnn_get_config, .from_config = lstm_from_config,
};

brain_layer *brain_lstm(int64_t units, const brain_rnn_options *opt)
{
    return brain__rnn_new(&brain__lstm_vt, BRAIN_CELL_LSTM, units, opt);
}
