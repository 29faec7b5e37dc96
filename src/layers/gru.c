/* gru.c — GRU(units), Keras gate order z, r, h (reset_after=True, Keras's default):
 *   x_z, x_r, x_h = x_t W + b_in;  r_z, r_r, r_h = h_{t−1} U + b_rec
 *   z = σ(x_z + r_z), r = σ(x_r + r_r), hh = tanh(x_h + r·r_h),  h_t = z·h_{t−1} + (1 − z)·hh
 * reset_after=False: bias (3u,), hh = tanh(x_h + (r·h_{t−1}) U_h).
 * Backward: dhh = dh(1 − z), dz = dh(h_{t−1} − hh), da_h = dhh·tanh';  dr = da_h·r_h (or (da_h U_hᵀ)·h_{t−1});
 *   dh_{t−1} = dh·z + [dz σ', dr σ', da_h·r] Uᵀ.
 * Weights under "cell": kernel (D, 3u), recurrent_kernel (u, 3u), bias (2, 3u) or (3u,).
 * The time loop is the shared core in recurrent.c. */
#include "recurrent.h"

extern const brain_layer_vtable brain__gru_vt;

static brain_layer *gru_from_config(const struct cJSON *cfg)
{
    return brain__rnn_from_config(&brain__gru_vt, BRAIN_CELL_GRU, cfg);
}

const brain_layer_vtable brain__gru_vt = {
    .class_name = "GRU", .snake_name = "gru", .build = brain__rnn_build, .reserve = brain__rnn_reserve,
    .forward = brain__rnn_forward, .backward = brain__rnn_backward, .destroy = brain__rnn_destroy,
    .get_config = brain__rnn_get_config, .from_config = gru_from_config,
};

brain_layer *brain_gru(int64_t units, const brain_rnn_options *opt)
{
    return brain__rnn_new(&brain__gru_vt, BRAIN_CELL_GRU, units, opt);
}
