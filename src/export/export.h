/* export.h — the export room's shared plan: a trained model as a list of steps over buffers.
 *
 * plan.c walks the model's node graph (the order saving uses), asks the table of per-layer
 * handlers (ops.c, keyed by Keras class name) to read each layer's config and weights into a
 * step, removes what inference does not need (Dropout, augmentation; Flatten/Reshape become
 * views of their input), folds BatchNormalization into the Dense/Conv before it, and gives each
 * value an offset in one arena (first fit over the values' lifetimes).  With int8 it also
 * records the calibrated range of every value and inserts quantize/dequantize steps where an
 * int8 kernel meets a float one.  emit_c.c turns the plan into NAME.h / NAME.c; onnx.c into an
 * ONNX graph.
 */
#ifndef BRAIN_EXPORT_H
#define BRAIN_EXPORT_H

#include "internal.h"

#define EX_MAX_IN BRAIN_MAX_LAYER_INPUTS

typedef enum ex_dtype { EX_F32 = 0, EX_I8 } ex_dtype;

typedef struct ex_value {
    brain_shape shape;              /* per sample */
    int64_t size;                   /* elements */
    ex_dtype dtype;
    int producer;                   /* step index; -1 for a model input */
    int input_index;                /* model input k, or -1 */
    int last_use;                   /* last step that reads it (outputs: n_steps) */
    int64_t offset;                 /* in the arena, in floats (int8 values take ceil(size/4)) */
    int range_node;                 /* node whose calibrated range the value has (-1: none) */
    float lo, hi;                   /* calibrated range */
    float scale; int zero_point;    /* int8: real = scale · (q − zero_point) */
    int as_i8, as_f32;              /* value id of a converted copy, or -1 */
} ex_value;

typedef enum ex_kind {
    EX_LAYER = 0,                   /* a layer's own step (the handler decides) */
    EX_QUANTIZE,                    /* float → int8 */
    EX_DEQUANTIZE,                  /* int8 → float */
} ex_kind;

struct ex_op;

typedef struct ex_step {
    ex_kind kind;
    const struct ex_op *op;
    const brain_layer *layer;       /* NULL for conversions */
    const char *cls;                /* the handler's class: the layer's, or "LSTM"/"GRU"/"SimpleRNN" for a
                                     * half of a Bidirectional, "BidirectionalMerge" for its merge */
    const char *wpath;              /* the weights' path (brain_weight.path) when a layer has two sets */
    int node;                       /* the layer's node (the last folded node for folded BN) */
    const brain_layer *folded;      /* a BatchNormalization folded into this step, or NULL */
    char fn[160];                    /* the generated function's name */
    int n_in, in[EX_MAX_IN];        /* value ids */
    int out;
    int mask_ids;                   /* value holding the token ids whose zeros mask the steps, or -1 */
    int64_t scratch;                /* floats of scratch the step needs */
    int64_t scratch_off;
    bool quant;                     /* runs an int8 kernel (weights int8, int32 accumulators) */
    bool hybrid;                    /* int8 weights, float arithmetic (recurrent layers, Embedding) */
    brain_activation_kind act;
    float slope;                    /* LeakyReLU */
    int64_t g[24];                  /* geometry; meaning per op (see ops.c) */
    /* weights, owned copies (BatchNormalization folded in): w (kernel), b (bias) and up to two more */
    float *w[4]; int64_t w_size[4]; const char *w_name[4];
    int64_t out_channels;           /* per-channel quantisation: the last axis of w[0] */
} ex_step;

typedef struct ex_plan {
    brain_model *m;
    char name[64];                  /* C identifier prefix */
    bool int8;
    ex_value *v; int n_v, cap_v;
    ex_step *s; int n_s, cap_s;
    int *node_val;                  /* per node: its value id (-1 when not computed) */
    int *node_step;                 /* per node: its step (-1 when none) */
    int n_inputs, inputs[BRAIN_MAX_IO];   /* value ids */
    int n_outputs, outputs[BRAIN_MAX_IO]; /* value ids */
    float *node_lo, *node_hi;       /* calibrated ranges per node (int8) */
    int64_t arena;                  /* floats */
} ex_plan;

/* One exportable layer class: how to plan it and how to write it in C. */
typedef struct ex_op {
    const char *cls;                /* Keras class name */
    /* Fill s (geometry, weights, out shape known from the layer); BRAIN_OK or an error naming the layer. */
    brain_status (*plan)(ex_plan *p, ex_step *s, const struct cJSON *cfg);
    bool can_int8;                  /* has an int8 kernel */
    bool can_hybrid;                /* int8 weights with float arithmetic */
} ex_op;

/* BatchNormalization's inference form y = x·scale + shift (C values each) */
brain_status brain__ex_bn_affine(const brain_layer *l, float *scale, float *shift);
/* ops.c: the table, and lookup by class (NULL when the class cannot be exported) */
const ex_op *brain__ex_op(const char *cls);
/* true for layers inference drops or views (Dropout, Flatten, Reshape, Input, augmentation) */
bool brain__ex_is_view(const char *cls);

/* plan.c */
typedef struct ex_plan_options {
    const char *name;
    bool int8;
    const brain_tensor *calibration;
    bool fold_bn;                   /* fold BatchNormalization into the preceding Dense/Conv */
    bool fuse_embedding;            /* an RNN reads its Embedding's rows itself (no (steps, dim) buffer) */
} ex_plan_options;
brain_status brain__ex_plan(brain_model *m, const ex_plan_options *o, ex_plan **out);
void brain__ex_plan_free(ex_plan *p);
int brain__ex_add_value(ex_plan *p, const brain_shape *shape, ex_dtype t);

/* a growing text buffer */
typedef struct ex_buf { char *s; size_t n, cap; bool oom; } ex_buf;
void brain__ex_printf(ex_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
