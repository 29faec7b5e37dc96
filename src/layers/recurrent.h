/* recurrent.h — what SimpleRNN, LSTM, GRU and Bidirectional share (src/layers/recurrent.c).
 *
 * One core runs every recurrent layer over a batch of sequences x (B, T, D):
 *   1. the input projection for all steps at once:  Z = x·W + b          (one sgemm, B·T rows)
 *   2. per step t (reversed when go_backwards):     Z_t += h_{t-1}·U     (one sgemm, B rows)
 *      then the cell's fused gate math turns Z_t into gates and h_t (and c_t);
 *   3. backward through time, step by step for dh, then once over all steps:
 *      dW += xᵀ·dZ, dU += h_prevᵀ·dZ, db += Σ dZ, dx += dZ·Wᵀ  (one sgemm each).
 * Caches are laid out (B, T, ·) like the input, so a step's rows are strided views.
 * Masked steps (Keras's mask, ctx->mask) carry h and c over unchanged; the output there repeats
 * h (or is zero when zero_output_for_mask, as Bidirectional sets it).
 */
#ifndef BRAIN_RECURRENT_H
#define BRAIN_RECURRENT_H
#include "internal.h"

typedef enum brain__cell_kind { BRAIN_CELL_SIMPLE, BRAIN_CELL_LSTM, BRAIN_CELL_GRU } brain__cell_kind;

typedef struct brain__rnn {
    brain_layer base;
    brain__cell_kind kind;
    int64_t units, in_dim, steps;
    int gates;                       /* 1, 4 (i f c o) or 3 (z r h) */
    brain_activation_kind act, rec_act;
    bool use_bias, return_sequences, return_state, go_backwards, unit_forget_bias, reset_after;
    bool zero_output_for_mask;       /* Keras's RNN argument; Bidirectional forces it to return_sequences */
    float dropout, recurrent_dropout;
    bool own_rng; uint64_t seed; brain_rng rng;
    brain_initializer_kind kinit, rinit, binit;
    brain_regularizer kreg, rreg, breg;
    brain_weight *kernel, *rkernel, *bias;
    /* per-batch caches, carved out of one arena by reserve (B = capacity) */
    float *arena; int64_t arena_cap;
    float *xd;       /* (B,T,D) input after dropout, then dx scratch (only with dropout) */
    float *dmask;    /* (B,D) input dropout mask: 0 or 1/(1-rate) */
    float *rmask;    /* (B,u) recurrent dropout mask */
    float *z;        /* (B,T,G·u) gate pre-activations, then activations */
    float *hp;       /* (B,T,u) h before the step at time t */
    float *ha;       /* (B,T,u) hp ⊙ rmask (recurrent dropout) */
    float *cp, *tc;  /* LSTM: c before the step at t; tanh(c) after it */
    float *rec;      /* GRU reset_after: h·U + b_rec, (B,T,3u) */
    float *rhp;      /* GRU reset_after=False: r ⊙ h_prev, (B,T,u) */
    float *dz, *dr;  /* (B,T,G·u) d(loss)/d(x-side pre-activations) and, for GRU reset_after, the h-side */
    float *h, *c;    /* (B,u) the state after the last step: Keras's final states */
    float *dh, *dc, *tmp; /* (B,u) backward carries and scratch */
    float *ut;       /* (G·u, u) the recurrent kernel transposed, for backward */
    bool dropped, rdropped; /* whether the last forward applied dropout / recurrent dropout */
} brain__rnn;

/* Options as the public constructors take them, resolved to Keras defaults. */
brain_layer *brain__rnn_new(const brain_layer_vtable *vt, brain__cell_kind kind, int64_t units, const brain_rnn_options *opt);

brain_status brain__rnn_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out);
/* build with the weights declared on `owner` under `path` (Bidirectional's sub-layers) */
brain_status brain__rnn_build_into(brain__rnn *r, brain_layer *owner, const char *path, const brain_shape *in, brain_shape *out);
brain_status brain__rnn_reserve(brain_layer *l, int64_t batch);
void brain__rnn_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out);
void brain__rnn_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din);
void brain__rnn_destroy(brain_layer *l);
brain_status brain__rnn_get_config(const brain_layer *l, struct cJSON *cfg);
/* reads a SimpleRNN / LSTM / GRU config into a new layer of that kind */
brain_layer *brain__rnn_from_config(const brain_layer_vtable *vt, brain__cell_kind kind, const struct cJSON *cfg);
bool brain__is_rnn(const brain_layer *l);

#endif
