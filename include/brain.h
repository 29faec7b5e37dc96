/*
 * brain.h — Keras-style deep learning in C.  The one public header.
 *
 *   brain_model *m = brain_sequential("patients");
 *   brain_model_add(m, brain_input(BRAIN_SHAPE(30)));
 *   brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU }));
 *   brain_model_add(m, brain_dropout(0.5f, NULL));
 *   brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
 *   brain_compile(m, &(brain_compile_options){
 *       .optimizer = brain_adam(NULL),
 *       .loss = brain_loss_binary_crossentropy(NULL),
 *       .metric_names = (const char *[]){ "accuracy", NULL } });
 *   brain_history *h = NULL;
 *   brain_fit(m, x_train, y_train, &(brain_fit_options){ .epochs = 20, .batch_size = 32 }, &h);
 *
 * Conventions
 *   - Every fallible function returns a brain_status (BRAIN_OK == 0) or NULL, and
 *     brain_last_error() then holds one sentence saying what went wrong and what to do.
 *     The library never exits, aborts or prints except through brain_set_print_hook().
 *   - Option structs take designated initialisers; a zero field means the Keras default.
 *     Where zero is a real value the field is a brain_flag (BRAIN_ON / BRAIN_OFF) or has a
 *     companion "has_" flag, so both stay expressible.  Passing NULL for an options pointer
 *     means all defaults.
 *   - Tensors are float32, row-major, channels-last; the first axis is the batch.
 *   - Objects handed to the library (layers to brain_model_add, optimizer/loss/metrics to
 *     brain_compile) are owned by it from then on, even when the call fails.
 *     Callbacks are not: the caller frees them after brain_fit.
 */
#ifndef BRAIN_H
#define BRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ version
 * The one place the version is set is CMakeLists.txt's project(VERSION ...); CMake refuses to
 * configure when these lines disagree with it.  0.x: a minor version may change the API. */
#define BRAIN_VERSION_MAJOR 0
#define BRAIN_VERSION_MINOR 1
#define BRAIN_VERSION_PATCH 0
#define BRAIN_VERSION_STRING "0.1.0"
#define BRAIN_VERSION_NUMBER (BRAIN_VERSION_MAJOR * 10000 + BRAIN_VERSION_MINOR * 100 + BRAIN_VERSION_PATCH)
#define BRAIN_VERSION BRAIN_VERSION_STRING /* older spelling */
/* The version of the library running (libbrain.so may be newer than the header a program was
 * compiled with): "0.1.0". */
const char *brain_version(void);
/* The instruction set of the hot kernels chosen for this CPU at the first call into them:
 * "avx512", "avx2" or "generic" (x86-64), "generic" elsewhere.  The environment variable
 * BRAIN_ISA=generic|avx2|avx512 asks for a lower one (never one the CPU lacks). */
const char *brain_kernel_isa(void);

#define BRAIN_MAX_DIMS 8

/* ------------------------------------------------------------------ status */
typedef enum brain_status {
    BRAIN_OK = 0,
    BRAIN_ERR_ARG,      /* a bad argument: shape, range, NULL */
    BRAIN_ERR_STATE,    /* the call comes at the wrong time (not compiled, not built) */
    BRAIN_ERR_NOMEM,    /* an allocation failed */
    BRAIN_ERR_IO,       /* a file could not be opened, read or written */
    BRAIN_ERR_FORMAT,   /* a file's content is malformed */
    BRAIN_ERR_NUMERIC,  /* NaN or Inf where a number was needed */
} brain_status;

/* The last error of this thread, as a sentence; "" when none. */
const char *brain_last_error(void);
void brain_clear_error(void);

/* All output (progress bar, summary, callback messages) goes through this hook.
 * The default writes to stdout.  Pass NULL to restore the default.  Process-wide: set it before
 * other threads use brain; the hook may be called from several threads at once. */
typedef void (*brain_print_fn)(const char *text, void *user);
void brain_set_print_hook(brain_print_fn fn, void *user);

/* Keras's keras.utils.set_random_seed: seeds weight initialisation, dropout and shuffling of
 * every model created afterwards.  Same seed, same result, run after run.  The stream is per
 * thread: it seeds the models this thread creates, and is the starting seed of threads that
 * never call it (docs/reliability.md, "Threads"). */
void brain_set_random_seed(uint64_t seed);

/* Threads used by the kernels (OpenMP and the sgemm backend); 0 = the default: BRAIN_NUM_THREADS
 * or OMP_NUM_THREADS if set, else automatic (the cores other processes leave free; docs/threads.md).
 * Results are bitwise the same for any thread count (docs/reliability.md). */
void brain_set_num_threads(int n);
/* Which matrix-multiply backend this build uses ("oneDNN dnnl_sgemm", "OpenBLAS", "portable"). */
const char *brain_sgemm_backend(void);

/* Tri-state switch for options whose Keras default is not "off". */
typedef enum brain_flag { BRAIN_DEFAULT = 0, BRAIN_ON = 1, BRAIN_OFF = 2 } brain_flag;

/* ------------------------------------------------------------------ shapes and tensors */
typedef struct brain_shape {
    int ndim;
    int64_t dims[BRAIN_MAX_DIMS];
} brain_shape;

#define BRAIN__NARGS_(a, b, c, d, e, f, g, h, n, ...) n
#define BRAIN__NARGS(...) BRAIN__NARGS_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
/* BRAIN_SHAPE(28, 28, 1) — a per-sample shape (no batch axis), like Keras's input shape. */
#define BRAIN_SHAPE(...) ((brain_shape){ .ndim = BRAIN__NARGS(__VA_ARGS__), .dims = { __VA_ARGS__ } })

typedef struct brain_tensor {
    float *data;
    int ndim;
    int64_t shape[BRAIN_MAX_DIMS];
    int64_t size;   /* product of shape */
    int owns_data;  /* brain_tensor_free releases data */
} brain_tensor;

/* A new zero-filled tensor of the given full shape (batch axis included). */
brain_tensor *brain_tensor_new(int ndim, const int64_t *shape);
/* A tensor that views caller-owned memory (not freed by brain_tensor_free). */
brain_tensor *brain_tensor_wrap(float *data, int ndim, const int64_t *shape);
/* A copy of the given float data. */
brain_tensor *brain_tensor_from(const float *data, int ndim, const int64_t *shape);
brain_tensor *brain_tensor_clone(const brain_tensor *t);
/* Rows [begin, end) of the first axis, copied. */
brain_tensor *brain_tensor_slice_rows(const brain_tensor *t, int64_t begin, int64_t end);
/* Rows picked by index along the first axis, copied. */
brain_tensor *brain_tensor_take_rows(const brain_tensor *t, const int64_t *rows, int64_t n);
/* Same data, another shape of the same size (in place). */
brain_status brain_tensor_reshape(brain_tensor *t, int ndim, const int64_t *shape);
void brain_tensor_free(brain_tensor *t);
/* Row count (shape[0]) and the size of one row. */
int64_t brain_tensor_rows(const brain_tensor *t);
int64_t brain_tensor_row_size(const brain_tensor *t);

/* ------------------------------------------------------------------ random numbers */
/* A small, fast, seedable generator (xoshiro256** seeded by splitmix64). */
typedef struct brain_rng { uint64_t s[4]; } brain_rng;
void brain_rng_seed(brain_rng *r, uint64_t seed);
uint64_t brain_rng_next(brain_rng *r);
double brain_rng_uniform(brain_rng *r);          /* [0, 1) */
double brain_rng_normal(brain_rng *r);           /* N(0, 1) */
int64_t brain_rng_below(brain_rng *r, int64_t n); /* [0, n) without bias */

/* ------------------------------------------------------------------ activations */
typedef enum brain_activation_kind {
    BRAIN_LINEAR = 0, /* Keras activation=None */
    BRAIN_RELU,
    BRAIN_SIGMOID,
    BRAIN_TANH,
    BRAIN_SOFTMAX,     /* over the last axis */
    BRAIN_LEAKY_RELU,  /* keras.activations.leaky_relu: negative slope 0.2 */
    BRAIN_ELU,         /* alpha 1 */
    BRAIN_SELU,
    BRAIN_GELU,        /* exact (erf) form, as the "gelu" string in Keras */
    BRAIN_GELU_TANH,   /* approximate=True */
    BRAIN_SWISH,       /* = silu */
    BRAIN_SILU = BRAIN_SWISH,
    BRAIN_SOFTPLUS,
    BRAIN_SOFTSIGN,
    BRAIN_HARD_SIGMOID,/* Keras 3: clip(x/6 + 0.5, 0, 1) */
    BRAIN_EXPONENTIAL,
    BRAIN_HARD_SILU,   /* x · hard_sigmoid(x) (Keras 3's "hard_silu" / "hard_swish", MobileNetV3) */
    BRAIN_ACTIVATION_COUNT
} brain_activation_kind;

/* Keras name ("relu", "swish", "silu", "linear", ...) to kind; BRAIN_OK or BRAIN_ERR_ARG. */
brain_status brain_activation_from_name(const char *name, brain_activation_kind *out);
const char *brain_activation_name(brain_activation_kind a); /* Keras's saved name ("silu") */
/* Apply elementwise (softmax over rows of `cols`); the library's own implementation. */
void brain_activation_apply(brain_activation_kind a, const float *x, float *y, int64_t rows, int64_t cols);

/* ------------------------------------------------------------------ initializers, regularizers */
typedef enum brain_initializer_kind {
    BRAIN_INIT_DEFAULT = 0, /* the layer's Keras default */
    BRAIN_INIT_GLOROT_UNIFORM,
    BRAIN_INIT_GLOROT_NORMAL,
    BRAIN_INIT_HE_UNIFORM,
    BRAIN_INIT_HE_NORMAL,
    BRAIN_INIT_LECUN_UNIFORM,
    BRAIN_INIT_LECUN_NORMAL,
    BRAIN_INIT_ZEROS,
    BRAIN_INIT_ONES,
    BRAIN_INIT_RANDOM_UNIFORM, /* U(-0.05, 0.05) */
    BRAIN_INIT_RANDOM_NORMAL,  /* N(0, 0.05) */
    BRAIN_INIT_ORTHOGONAL,
} brain_initializer_kind;

/* Weight penalty added to the loss: l1·Σ|w| + l2·Σw² (Keras factors; no ½). */
typedef struct brain_regularizer { float l1, l2; } brain_regularizer;
/* Keras's L1(0.01), L2(0.01), L1L2(l1, l2) */
brain_regularizer brain_l1(float l1);
brain_regularizer brain_l2(float l2);
brain_regularizer brain_l1_l2(float l1, float l2);
/* The strings Keras accepts: "l1" and "l2" give 0.01; "l1_l2" gives L1L2() whose defaults are
 * 0 and 0 (Keras's own behaviour, despite its docstring). */
brain_status brain_regularizer_from_name(const char *name, brain_regularizer *out);

/* ------------------------------------------------------------------ layers */
typedef struct brain_layer brain_layer;

/* Input(shape): the per-sample shape of the model's input; first layer of a Sequential. */
brain_layer *brain_input(brain_shape shape);

typedef struct brain_dense_options {
    brain_activation_kind activation;       /* default linear */
    brain_flag use_bias;                    /* default on */
    brain_initializer_kind kernel_initializer; /* default glorot_uniform */
    brain_initializer_kind bias_initializer;   /* default zeros */
    brain_regularizer kernel_regularizer;   /* default none */
    brain_regularizer bias_regularizer;
    const char *name;                       /* default "dense", "dense_1", ... */
} brain_dense_options;
brain_layer *brain_dense(int64_t units, const brain_dense_options *opt);

typedef struct brain_dropout_options {
    uint64_t seed; bool has_seed;           /* default: drawn from the model's generator */
    const char *name;
    /* Keras's noise_shape without the batch axis (noise_ndim = the input's rank per sample):
     * one draw per cell of it, shared along the axes where it is 1 (EfficientNet's (None, 1, 1, 1)
     * drops whole samples); 0 in an entry = that axis of the input.  noise_ndim 0 = no noise_shape. */
    int noise_ndim; int64_t noise_shape[BRAIN_MAX_DIMS];
} brain_dropout_options;
brain_layer *brain_dropout(float rate, const brain_dropout_options *opt);

typedef struct brain_layer_options { const char *name; } brain_layer_options;
brain_layer *brain_activation(brain_activation_kind a, const brain_layer_options *opt);
/* LeakyReLU layer: x for x > 0, negative_slope·x otherwise.  Keras's layer default is 0.3
 * (pass 0.3f); the "leaky_relu" activation (BRAIN_LEAKY_RELU) uses 0.2. */
brain_layer *brain_leaky_relu(float negative_slope, const brain_layer_options *opt);
/* Flatten: (N, d1, d2, ...) -> (N, d1*d2*...), row-major (H, W, C order). */
brain_layer *brain_flatten(const brain_layer_options *opt);

/* Merge layers (functional models): called with a list of tensors, see brain_apply_n.
 * Concatenate joins along `axis` (default -1; axis counts the batch axis as 0, as in Keras, so
 * the per-sample axis is axis - 1; the other axes must agree).  Add, Multiply, Average, Maximum
 * take two or more inputs of one shape; Subtract exactly two (x0 - x1). */
typedef struct brain_concatenate_options {
    int axis; bool has_axis;                /* default -1 */
    const char *name;
} brain_concatenate_options;
brain_layer *brain_concatenate(const brain_concatenate_options *opt);
brain_layer *brain_add(const brain_layer_options *opt);
brain_layer *brain_subtract(const brain_layer_options *opt);
brain_layer *brain_multiply(const brain_layer_options *opt);
brain_layer *brain_average(const brain_layer_options *opt);
brain_layer *brain_maximum(const brain_layer_options *opt);
/* ---- image and signal layers (channels-last: (H, W, C) images, (steps, C) signals) ---- */
/* BRAIN_PADDING_CAUSAL: Conv1D only — (kernel − 1)·dilation zeros before the steps, none after (issue 11) */
typedef enum brain_padding { BRAIN_PADDING_VALID = 0, BRAIN_PADDING_SAME, BRAIN_PADDING_CAUSAL } brain_padding;

/* Conv2D / Conv1D options.  strides and dilation_rate: 0 means 1; {s} alone means (s, s) for
 * Conv2D (Keras's int form); Conv1D reads only [0].  "same" padding puts the odd extra pixel at
 * the bottom/right, as Keras does. */
typedef struct brain_conv_options {
    int64_t strides[2];
    brain_padding padding;                  /* default valid */
    int64_t dilation_rate[2];
    brain_activation_kind activation;       /* default linear */
    brain_flag use_bias;                    /* default on */
    brain_initializer_kind kernel_initializer; /* default glorot_uniform */
    brain_initializer_kind bias_initializer;   /* default zeros */
    brain_regularizer kernel_regularizer, bias_regularizer;
    const char *name;
    int64_t groups;                         /* default 1; G > 1: channels and filters in G groups
                                             * (issue 10), kernel (kh, kw, in_channels/G, filters) */
} brain_conv_options;
/* Conv2D(filters, (kh, kw)): kernel (kh, kw, in_channels, filters), bias (filters,). */
brain_layer *brain_conv2d(int64_t filters, int64_t kh, int64_t kw, const brain_conv_options *opt);
/* Conv1D(filters, k): kernel (k, in_channels, filters); input (steps, channels). */
brain_layer *brain_conv1d(int64_t filters, int64_t kernel_size, const brain_conv_options *opt);

/* Pooling options: pool_size 0 means 2; strides 0 means pool_size; {p} alone means (p, p) for
 * the 2-D layers; the 1-D layers read only [0]. */
typedef struct brain_pool_options {
    int64_t pool_size[2];
    int64_t strides[2];
    brain_padding padding;                  /* default valid; "same" never lets padding win a max
                                             * and averages over the cells inside the input */
    const char *name;
} brain_pool_options;
brain_layer *brain_max_pooling2d(const brain_pool_options *opt);
brain_layer *brain_average_pooling2d(const brain_pool_options *opt);
brain_layer *brain_max_pooling1d(const brain_pool_options *opt);
brain_layer *brain_average_pooling1d(const brain_pool_options *opt);
/* (H, W, C) -> (C) and (steps, C) -> (C); keepdims=False. */
brain_layer *brain_global_average_pooling2d(const brain_layer_options *opt);
brain_layer *brain_global_max_pooling2d(const brain_layer_options *opt);
brain_layer *brain_global_average_pooling1d(const brain_layer_options *opt);
/* Reshape(target_shape): per-sample shape; one dimension may be -1 (inferred). */
brain_layer *brain_reshape(brain_shape target_shape, const brain_layer_options *opt);

/* BatchNormalization over one axis (default the last).  Training (fit, or forward with
 * training=true, and the layer trainable): batch mean and biased variance (over the unmasked
 * positions when a mask comes in, as Keras); the moving statistics are updated as
 * moving = moving·momentum + batch·(1 − momentum).  Inference: the moving statistics. */
typedef struct brain_batch_norm_options {
    int axis;                               /* Keras's: counted with the batch (1 = the first per-sample
                                             * axis) or from the end (-1); 0 means -1 */
    float momentum; bool has_momentum;      /* default 0.99 */
    float epsilon;                          /* 0 means 1e-3 */
    brain_flag center, scale;               /* default on: beta and gamma */
    brain_initializer_kind beta_initializer, gamma_initializer;                  /* zeros, ones */
    brain_initializer_kind moving_mean_initializer, moving_variance_initializer; /* zeros, ones */
    brain_regularizer beta_regularizer, gamma_regularizer;
    const char *name;
} brain_batch_norm_options;
brain_layer *brain_batch_normalization(const brain_batch_norm_options *opt);

/* Data augmentation for (H, W, C) images, active in training only (identity in evaluate and
 * predict).  Draws come from the model's generator unless a seed is given. */
typedef enum brain_flip_mode { BRAIN_FLIP_HORIZONTAL_AND_VERTICAL = 0, BRAIN_FLIP_HORIZONTAL, BRAIN_FLIP_VERTICAL } brain_flip_mode;
typedef struct brain_random_flip_options {
    brain_flip_mode mode;                   /* default horizontal_and_vertical (one draw flips both) */
    uint64_t seed; bool has_seed;
    const char *name;
} brain_random_flip_options;
brain_layer *brain_random_flip(const brain_random_flip_options *opt);

typedef enum brain_fill_mode { BRAIN_FILL_REFLECT = 0, BRAIN_FILL_CONSTANT, BRAIN_FILL_NEAREST } brain_fill_mode;
typedef enum brain_interpolation { BRAIN_INTERP_BILINEAR = 0, BRAIN_INTERP_NEAREST } brain_interpolation;
typedef struct brain_random_rotation_options {
    float lower, upper; bool has_range;     /* angle range as fractions of 2π; default (−factor, factor) */
    brain_fill_mode fill_mode;              /* default reflect (d c b a | a b c d | d c b a) */
    float fill_value;                       /* for constant; default 0 */
    brain_interpolation interpolation;      /* default bilinear */
    uint64_t seed; bool has_seed;
    const char *name;
} brain_random_rotation_options;
/* RandomRotation(factor): angle ~ U(−factor, factor)·2π about the image centre. */
brain_layer *brain_random_rotation(float factor, const brain_random_rotation_options *opt);
/* ---- sequences and text (input (batch, steps, features); Embedding takes (batch, steps) ids) */

/* Embedding(input_dim, output_dim): ids (float whole numbers in [0, input_dim)) → rows of a
 * learned table (input_dim, output_dim).  An id out of range or not whole stops forward/fit with
 * an error naming the layer, the batch row, the position and the value.  mask_zero: id 0 is
 * padding, and the mask (ids != 0) is carried to the following layers, as in Keras. */
typedef struct brain_embedding_options {
    bool mask_zero;                            /* default false */
    brain_initializer_kind embeddings_initializer; /* default uniform(-0.05, 0.05) */
    brain_regularizer embeddings_regularizer;
    const char *name;
} brain_embedding_options;
brain_layer *brain_embedding(int64_t input_dim, int64_t output_dim, const brain_embedding_options *opt);

/* SimpleRNN, LSTM and GRU (keras.layers.*): one options struct, fields a layer does not have
 * are ignored.  Gate order in the weights: LSTM i, f, c, o; GRU z, r, h.  Weights: kernel
 * (features, G·units) glorot_uniform, recurrent_kernel (units, G·units) orthogonal, bias zeros
 * (G·units), GRU reset_after: (2, 3·units) (input bias row, recurrent bias row).
 * activation / recurrent_activation: tanh, sigmoid, relu, linear or hard_sigmoid.
 * Deviation: with recurrent_dropout Keras draws one mask per gate; brain draws one per layer. */
typedef struct brain_rnn_options {
    brain_activation_kind activation; bool has_activation;                     /* default tanh */
    brain_activation_kind recurrent_activation; bool has_recurrent_activation; /* default sigmoid */
    brain_flag use_bias;                    /* default on */
    bool return_sequences;                  /* default false: only the last output */
    /* Keras's return_state: the layer then has 2 (3 for LSTM) outputs [output, h(, c)], which a
     * Sequential model cannot hold (Keras refuses it too); in a functional model
     * brain_sym_output(call, 1) and (2) are the states.  The final states of the last forward
     * are always readable with brain_rnn_state. */
    bool return_state;
    bool go_backwards;                      /* default false */
    float dropout, recurrent_dropout;       /* default 0; masks drawn once per sequence */
    brain_flag unit_forget_bias;            /* LSTM: default on (forget-gate bias starts at 1) */
    brain_flag reset_after;                 /* GRU: default on */
    brain_initializer_kind kernel_initializer, recurrent_initializer, bias_initializer;
    brain_regularizer kernel_regularizer, recurrent_regularizer, bias_regularizer;
    uint64_t seed; bool has_seed;           /* dropout masks; default: the model's generator */
    const char *name;
} brain_rnn_options;
brain_layer *brain_simple_rnn(int64_t units, const brain_rnn_options *opt);
brain_layer *brain_lstm(int64_t units, const brain_rnn_options *opt);
brain_layer *brain_gru(int64_t units, const brain_rnn_options *opt);
/* The final state i (0: h; 1: c for LSTM) of the last forward of a SimpleRNN/LSTM/GRU (also
 * inside a model), as a new tensor (batch, units) viewing the layer's buffer (valid until the
 * next forward); NULL with an error for another layer or before any forward. */
brain_tensor *brain_rnn_state(brain_layer *l, int i);

/* Bidirectional(layer): a forward copy of the recurrent layer and a go_backwards copy, outputs
 * merged (the backward one flipped back into input order when return_sequences).
 * Takes ownership of `layer`. */
typedef enum brain_merge_mode { BRAIN_MERGE_CONCAT = 0, BRAIN_MERGE_SUM, BRAIN_MERGE_MUL, BRAIN_MERGE_AVE } brain_merge_mode;
typedef struct brain_bidirectional_options {
    brain_merge_mode merge_mode;            /* default concat */
    const char *name;
} brain_bidirectional_options;
brain_layer *brain_bidirectional(brain_layer *layer, const brain_bidirectional_options *opt);

const char *brain_layer_name(const brain_layer *l);
const char *brain_layer_class(const brain_layer *l);
/* Output shape per sample (after the model is built). */
brain_shape brain_layer_output_shape(const brain_layer *l);
int64_t brain_layer_param_count(const brain_layer *l);
/* Keras's layer.trainable: a frozen layer keeps its weights during fit.  As in Keras, a change
 * takes effect at the next brain_compile (its weights then count as non-trainable). */
void brain_layer_set_trainable(brain_layer *l, bool trainable);

/* ------------------------------------------------------------------ optimizers */
typedef struct brain_optimizer brain_optimizer;

/* Options every optimizer shares (Keras base_optimizer).  Only one of the clip options may be set.
 * A zero value means "not set". */
typedef struct brain_lr_schedule brain_lr_schedule; /* learning-rate schedules: see issue 12's section */
typedef struct brain_optimizer_common {
    float clipnorm;        /* per-tensor norm clip */
    float clipvalue;       /* elementwise clip to [-v, v] */
    float global_clipnorm; /* clip over all tensors together */
    float weight_decay;    /* decoupled decay w -= w·wd·lr, before the update */
    const char *name;
    /* Keras's use_ema / ema_momentum / ema_overwrite_frequency: after every step the optimizer
     * keeps average = m·average + (1 − m)·w (average = w on the first step); every
     * ema_overwrite_frequency steps (0 = never) the weights become the averages, and at the end
     * of brain_fit they do too (Keras's finalize_variable_values). */
    bool use_ema;
    float ema_momentum; bool has_ema_momentum; /* default 0.99; in [0, 1] */
    int ema_overwrite_frequency;
    /* Gradients are summed over this many calls (≥ 2; 0 = off) and their mean applied on the
     * last one; the calls between change nothing but the sums. */
    int gradient_accumulation_steps;
    /* fit scales the loss by this factor before the gradients are taken and the optimizer
     * divides the gradients by it (0 = none). */
    float loss_scale_factor;
    /* A schedule instead of the constant learning_rate (the optimizer takes ownership, also on
     * failure; the learning_rate field is then ignored).  The rate is schedule(iterations). */
    brain_lr_schedule *learning_rate_schedule;
} brain_optimizer_common;

typedef struct brain_sgd_options {
    float learning_rate;   /* default 0.01 */
    float momentum;        /* default 0 (zero is Keras's default, so no flag is needed) */
    bool nesterov;         /* default false */
    brain_optimizer_common common;
} brain_sgd_options;
brain_optimizer *brain_sgd(const brain_sgd_options *opt);

typedef struct brain_adam_options {
    float learning_rate;   /* default 0.001 */
    float beta_1;          /* default 0.9 */
    float beta_2;          /* default 0.999 */
    float epsilon;         /* default 1e-7 */
    bool amsgrad;
    brain_optimizer_common common;
} brain_adam_options;
brain_optimizer *brain_adam(const brain_adam_options *opt);
/* AdamW: Adam with decoupled weight decay; common.weight_decay 0 means Keras's default 0.004
 * here, so AdamW(weight_decay=0) is written brain_adam (the same update); a negative value is an error. */
brain_optimizer *brain_adamw(const brain_adam_options *opt);

typedef struct brain_rmsprop_options {
    float learning_rate;   /* default 0.001 */
    float rho;             /* default 0.9 */
    float momentum;        /* default 0 */
    float epsilon;         /* default 1e-7 */
    bool centered;
    brain_optimizer_common common;
} brain_rmsprop_options;
brain_optimizer *brain_rmsprop(const brain_rmsprop_options *opt);

/* "sgd", "adam", "adamw", "rmsprop" with Keras defaults. */
brain_optimizer *brain_optimizer_from_name(const char *name);
float brain_optimizer_get_learning_rate(const brain_optimizer *o);
void brain_optimizer_set_learning_rate(brain_optimizer *o, float lr);
int64_t brain_optimizer_iterations(const brain_optimizer *o);
const char *brain_optimizer_class(const brain_optimizer *o); /* "Adam" */
void brain_optimizer_free(brain_optimizer *o);

/* ------------------------------------------------------------------ losses */
typedef struct brain_loss brain_loss;

typedef struct brain_loss_options {
    bool from_logits;          /* crossentropies only */
    float label_smoothing;     /* crossentropies only */
    float delta;               /* huber only; default 1.0 */
    const char *name;
} brain_loss_options;
brain_loss *brain_loss_mse(const brain_loss_options *opt);
brain_loss *brain_loss_mae(const brain_loss_options *opt);
brain_loss *brain_loss_huber(const brain_loss_options *opt);
brain_loss *brain_loss_binary_crossentropy(const brain_loss_options *opt);
brain_loss *brain_loss_categorical_crossentropy(const brain_loss_options *opt);
brain_loss *brain_loss_sparse_categorical_crossentropy(const brain_loss_options *opt);
/* "mse", "mean_squared_error", "mae", "huber", "binary_crossentropy", ... */
brain_loss *brain_loss_from_name(const char *name);
const char *brain_loss_name(const brain_loss *l);
/* The loss value of one batch with Keras's "sum_over_batch_size" reduction:
 * Σ_i w_i·loss_i / N.  y_pred is (N, ...), y_true the same shape, or (N,) / (N, 1) class ids
 * for the sparse loss.  sample_weight may be NULL.  When grad is not NULL it receives
 * d(loss)/d(y_pred), same size as y_pred. */
brain_status brain_loss_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                const float *sample_weight, double *value, float *grad);
void brain_loss_free(brain_loss *l);

/* ------------------------------------------------------------------ metrics */
typedef struct brain_metric brain_metric;

typedef struct brain_metric_options {
    float threshold;       /* Precision/Recall/BinaryAccuracy: default 0.5 */
    int num_thresholds;    /* AUC: default 200 */
    bool pr_curve;         /* AUC: curve="PR" instead of "ROC" */
    bool from_logits;      /* AUC */
    const char *name;
} brain_metric_options;
/* "accuracy"/"acc": resolved at compile time from the output shape, as Keras 3 does. */
brain_metric *brain_metric_accuracy(const brain_metric_options *opt);
brain_metric *brain_metric_binary_accuracy(const brain_metric_options *opt);
brain_metric *brain_metric_categorical_accuracy(const brain_metric_options *opt);
brain_metric *brain_metric_sparse_categorical_accuracy(const brain_metric_options *opt);
brain_metric *brain_metric_precision(const brain_metric_options *opt);
brain_metric *brain_metric_recall(const brain_metric_options *opt);
brain_metric *brain_metric_auc(const brain_metric_options *opt);
brain_metric *brain_metric_mse(const brain_metric_options *opt);
brain_metric *brain_metric_mae(const brain_metric_options *opt);
/* "accuracy", "acc", "binary_accuracy", "precision", "recall", "auc", "mse", "mae", ... */
brain_metric *brain_metric_from_name(const char *name);
const char *brain_metric_name(const brain_metric *m);
void brain_metric_reset(brain_metric *m);
/* Accumulate one batch: y_true and y_pred as for losses. */
brain_status brain_metric_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                 const float *sample_weight);
double brain_metric_result(const brain_metric *m);
void brain_metric_free(brain_metric *m);

/* ------------------------------------------------------------------ logs and history */
#define BRAIN_MAX_LOGS 32
#define BRAIN_LOG_NAME 48
/* The `logs` dict Keras passes to callbacks: names sorted alphabetically. */
typedef struct brain_logs {
    int n;
    char names[BRAIN_MAX_LOGS][BRAIN_LOG_NAME];
    double values[BRAIN_MAX_LOGS];
} brain_logs;
/* true and *value set when the key exists */
bool brain_logs_get(const brain_logs *logs, const char *name, double *value);
brain_status brain_logs_set(brain_logs *logs, const char *name, double value); /* keeps order */

typedef struct brain_history brain_history;
/* Keys sorted as Keras sorts them ("accuracy", "loss", "val_accuracy", "val_loss"). */
int brain_history_num_keys(const brain_history *h);
const char *brain_history_key(const brain_history *h, int i);
/* Values of one key per epoch run; NULL if absent.  *n receives the count. */
const double *brain_history_get(const brain_history *h, const char *key, int *n);
int brain_history_num_epochs(const brain_history *h);
/* history.epoch: the epoch indices run (initial_epoch .. last). */
const int *brain_history_epochs(const brain_history *h);
void brain_history_free(brain_history *h);

/* ------------------------------------------------------------------ callbacks */
typedef struct brain_model brain_model;
typedef struct brain_callback brain_callback;

/* A user callback: any hook may be NULL.  Return non-zero from a hook to stop training
 * (like setting model.stop_training = True). */
typedef struct brain_callback_hooks {
    int (*on_train_begin)(brain_model *m, const brain_logs *logs, void *user);
    int (*on_train_end)(brain_model *m, const brain_logs *logs, void *user);
    int (*on_epoch_begin)(brain_model *m, int epoch, const brain_logs *logs, void *user);
    int (*on_epoch_end)(brain_model *m, int epoch, brain_logs *logs, void *user);
    int (*on_train_batch_begin)(brain_model *m, int batch, const brain_logs *logs, void *user);
    int (*on_train_batch_end)(brain_model *m, int batch, const brain_logs *logs, void *user);
    void *user;
} brain_callback_hooks;
brain_callback *brain_callback_custom(const brain_callback_hooks *hooks);

typedef enum brain_mode { BRAIN_MODE_AUTO = 0, BRAIN_MODE_MIN, BRAIN_MODE_MAX } brain_mode;

typedef struct brain_early_stopping_options {
    const char *monitor;        /* default "val_loss" */
    float min_delta;            /* default 0 */
    int patience;               /* default 0 */
    int verbose;                /* default 0 */
    brain_mode mode;            /* default auto */
    double baseline; bool has_baseline;
    bool restore_best_weights;  /* default false */
    int start_from_epoch;       /* default 0 */
} brain_early_stopping_options;
brain_callback *brain_early_stopping(const brain_early_stopping_options *opt);
/* Epoch (0-based) at which training stopped, 0 if it did not; best epoch seen. */
int brain_early_stopping_stopped_epoch(const brain_callback *cb);
int brain_early_stopping_best_epoch(const brain_callback *cb);

typedef struct brain_reduce_lr_options {
    const char *monitor;        /* default "val_loss" */
    float factor;               /* default 0.1 */
    int patience;               /* default 10 */
    int verbose;
    brain_mode mode;
    float min_delta;  bool has_min_delta; /* default 1e-4 */
    int cooldown;               /* default 0 */
    float min_lr;               /* default 0 */
} brain_reduce_lr_options;
brain_callback *brain_reduce_lr_on_plateau(const brain_reduce_lr_options *opt);

typedef struct brain_csv_logger_options {
    char separator;             /* default ',' */
    bool append;                /* default false */
} brain_csv_logger_options;
brain_callback *brain_csv_logger(const char *filename, const brain_csv_logger_options *opt);
brain_callback *brain_terminate_on_nan(void);

/* ModelCheckpoint: saves the model (brain_save, path ending .keras) or its weights
 * (save_weights_only: brain_save_weights, path ending .weights.h5) at the end of every epoch,
 * or every save_freq batches.  The path is a Python format template: {epoch:02d} (1-based),
 * {batch} (1-based, batch saves), and any log key such as {val_loss:.2f}; specs
 * [[fill]align][sign][0][width][.precision][type] with types d, f, e, g (Keras:
 * filepath.format(epoch=epoch + 1, **logs)). */
typedef struct brain_model_checkpoint_options {
    const char *monitor;        /* default "val_loss" */
    int verbose;                /* default 0 */
    bool save_best_only;
    bool save_weights_only;
    brain_mode mode;            /* default auto */
    int save_freq;              /* 0 = "epoch" (default); n > 0 = every n batches */
    double initial_value_threshold; bool has_initial_value_threshold;
} brain_model_checkpoint_options;
brain_callback *brain_model_checkpoint(const char *filepath, const brain_model_checkpoint_options *opt);
/* The path a template gives for `epoch` (0-based, printed +1), `batch` (0-based, -1 for none)
 * and `logs` (Keras's _get_file_path); BRAIN_ERR_ARG naming the key or spec that fails. */
brain_status brain_format_filepath(const char *tmpl, int epoch, int batch, const brain_logs *logs, char *out, size_t cap);
void brain_callback_free(brain_callback *cb);

/* ------------------------------------------------------------------ models */
/* A Sequential model; add an Input first, then layers. */
brain_model *brain_sequential(const char *name);
/* Appends a layer (the model takes ownership, also on failure; NULL reports the error that
 * made the layer constructor fail). */
brain_status brain_model_add(brain_model *m, brain_layer *layer);
/* Keras's Sequential.pop(): removes (and frees) the last layer; the others keep their weights.
 * After it (the model is then built but not compiled) brain_model_add may add layers (built at
 * once, new weights initialised); compile again before fitting. */
brain_status brain_model_pop(brain_model *m);
/* Builds the model: shapes, weights, initialisation (done by compile/fit/summary if needed). */
brain_status brain_model_build(brain_model *m);
void brain_model_free(brain_model *m);

const char *brain_model_name(const brain_model *m);
int brain_model_num_layers(const brain_model *m);      /* Sequential: not counting the Input;
                                                          functional: InputLayers counted (Keras) */
brain_layer *brain_model_layer(brain_model *m, int i);
brain_layer *brain_model_get_layer(brain_model *m, const char *name);
brain_shape brain_model_input_shape(const brain_model *m);
brain_shape brain_model_output_shape(const brain_model *m);

/* Parameters: trainable values in one contiguous buffer, gradients in another. */
int64_t brain_model_count_params(const brain_model *m);          /* trainable + non-trainable */
int64_t brain_model_count_trainable(const brain_model *m);
float *brain_model_params(brain_model *m);      /* trainable values */
float *brain_model_grads(brain_model *m);       /* their gradients */
/* Keras's get_weights / set_weights: all weights (trainable and not), in Keras's order,
 * concatenated; `n` must equal brain_model_count_params. */
brain_status brain_model_get_weights(const brain_model *m, float *out, int64_t n);
brain_status brain_model_set_weights(brain_model *m, const float *in, int64_t n);
/* One weight by layer and index (Keras order: kernel, bias, ...): a new tensor that views the
 * model's values (writes change the model; valid until the model is freed or rebuilt).  Free it
 * with brain_tensor_free, which releases only the view. */
brain_tensor *brain_model_weight(brain_model *m, int layer, int index);

/* ---- functional models (Keras's functional API) ----
 * Symbolic tensors stand for the data that will flow through the model:
 *   brain_sym a = brain_input_sym(BRAIN_SHAPE(10), "measurements");
 *   brain_sym b = brain_input_sym(BRAIN_SHAPE(28, 28), "image");
 *   brain_sym h = brain_apply(brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}), a);
 *   brain_sym f = brain_apply(brain_flatten(NULL), b);
 *   brain_sym c = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){h, f});
 *   brain_sym y = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), c);
 *   brain_model *m = brain_functional(2, (brain_sym[]){a, b}, 1, &y, NULL);
 * A call builds the layer at once (its weights are initialised by brain_functional), so a wrong
 * shape fails at the call, naming the layer and the shapes.
 * Ownership: brain_apply takes the layer, also when the call fails.  The syms joined by calls
 * form one graph; brain_functional moves the whole graph into the model (layers that lead to no
 * output are freed), also when it fails.  After that the syms may still be read (brain_sym_shape)
 * until the model is freed, but they cannot build a second model.  A graph that never becomes a
 * model is released with brain_graph_free(any of its syms).
 * Errors are sticky: a failed call returns a sym that is not ok; using it fails again, and
 * brain_functional reports the first error — so a chain of calls needs checking only at the end.
 * A layer is applied at most once (layers cannot be shared between two calls: make two layers). */
typedef struct brain_graph brain_graph;
typedef struct brain_sym {
    brain_graph *graph;     /* NULL only when even the graph could not be made */
    int node;               /* < 0: the call that made this sym failed */
    int output;             /* which output of that call (0 = the first; see brain_sym_output) */
} brain_sym;
/* Count-and-list helpers for the calls below (up to 8 items):
 *   brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(a, b))
 *   brain_functional(BRAIN_SYMS(tab, img), BRAIN_SYMS(cls, reg), NULL)
 *   brain_fit_multi(m, BRAIN_TENSORS(x_tab, x_img), BRAIN_TENSORS(y_cls, y_reg), &opt, &hist) */
#define BRAIN_SYMS(...) BRAIN__NARGS(__VA_ARGS__), ((const brain_sym[]){__VA_ARGS__})
#define BRAIN_TENSORS(...) BRAIN__NARGS(__VA_ARGS__), ((const brain_tensor *const[]){__VA_ARGS__})
/* Keras's Input(shape, name): name NULL = "input_layer", "input_layer_1", ... */
brain_sym brain_input_sym(brain_shape shape, const char *name);
/* layer(x) and layer([x0, x1, ...]) */
brain_sym brain_apply(brain_layer *layer, brain_sym x);
brain_sym brain_apply_n(brain_layer *layer, int n, const brain_sym *xs);
bool brain_sym_ok(brain_sym s);
brain_shape brain_sym_shape(brain_sym s);   /* per sample; ndim 0 when not ok */
/* Frees a graph never turned into a model, with every layer applied in it. */
void brain_graph_free(brain_sym any);

typedef struct brain_functional_options {
    const char *name;                        /* default "functional" */
} brain_functional_options;
/* keras.Model(inputs, outputs): every output must be computed from the given inputs only, and
 * every input must be used.  NULL (error set) on failure. */
brain_model *brain_functional(int n_inputs, const brain_sym *inputs, int n_outputs, const brain_sym *outputs,
                              const brain_functional_options *opt);
int brain_model_num_inputs(const brain_model *m);
int brain_model_num_outputs(const brain_model *m);
brain_shape brain_model_input_shape_k(const brain_model *m, int k);
brain_shape brain_model_output_shape_k(const brain_model *m, int k);
/* Name of output k's layer: the prefix of its log keys ("cls" -> "cls_loss"). */
const char *brain_model_output_name(const brain_model *m, int k);

/* summary(): printed through the print hook; `line_length` 0 = Keras's 80-column layout. */
brain_status brain_model_summary(brain_model *m, int line_length);
/* The same text into a caller buffer (truncated to cap, always terminated). */
brain_status brain_model_summary_string(brain_model *m, int line_length, char *buf, size_t cap);

typedef struct brain_compile_options {
    brain_optimizer *optimizer;      /* default: optimizer_name, else RMSprop (Keras's default) */
    const char *optimizer_name;
    brain_loss *loss;                /* or loss_name; one is required */
    const char *loss_name;
    brain_metric **metrics;          /* NULL-terminated list */
    const char **metric_names;       /* NULL-terminated list of names ("accuracy", ...) */
    brain_metric **weighted_metrics; /* metrics that use sample/class weights */
    /* A model with several outputs: per output, in output order (n_outputs must equal the
     * model's).  The top-level loss, if given, is each output's default loss; top-level metrics
     * are refused there (say per output which metrics it gets). */
    const struct brain_output_compile_options *outputs;
    int n_outputs;
} brain_compile_options;
/* compile's loss={...}, metrics={...}, loss_weights={...} for one output.  The total loss is
 * Σ loss_weight·loss (+ regularization); logs also hold each output's own unweighted loss. */
typedef struct brain_output_compile_options {
    brain_loss *loss;                /* or loss_name; default the top-level loss */
    const char *loss_name;
    brain_metric **metrics;          /* NULL-terminated */
    const char **metric_names;       /* NULL-terminated */
    brain_metric **weighted_metrics;
    float loss_weight; bool has_loss_weight; /* default 1 */
} brain_output_compile_options;
brain_status brain_compile(brain_model *m, const brain_compile_options *opt);
brain_optimizer *brain_model_optimizer(brain_model *m);

typedef struct brain_fit_options {
    int epochs;                      /* default 1 */
    int batch_size;                  /* default 32 */
    int verbose;                     /* BRAIN_VERBOSE_AUTO (0) = 1; see below */
    const brain_tensor *x_val, *y_val; /* validation_data */
    const float *val_sample_weight;
    float validation_split;          /* the last fraction of x, y before shuffling */
    brain_flag shuffle;              /* default on */
    uint64_t seed; bool has_seed;    /* seeds shuffling and dropout for this fit */
    const float *class_weight;       /* indexed by class id */
    int n_class_weight;
    const float *sample_weight;      /* one per sample */
    int initial_epoch;
    int validation_freq;             /* default 1 */
    brain_callback **callbacks;      /* NULL-terminated */
    /* brain_fit_multi's validation_data: one tensor per model input / output */
    const brain_tensor *const *xs_val, *const *ys_val;
    /* default on: refuse NaN/±Inf in x, y, the validation data and the weights
     * (BRAIN_ERR_NUMERIC naming tensor, row and column), and check after each epoch that every
     * weight is still finite (naming the first layer that is not); BRAIN_OFF skips both
     * (docs/reliability.md) */
    brain_flag check_finite;
} brain_fit_options;
/* verbose: Keras's 0 (silent) is expressed as BRAIN_SILENT since zero means "auto". */
enum { BRAIN_VERBOSE_AUTO = 0, BRAIN_PROGRESS_BAR = 1, BRAIN_ONE_LINE_PER_EPOCH = 2, BRAIN_SILENT = -1 };
/* Trains; *history (may be NULL) receives the History, to free with brain_history_free. */
brain_status brain_fit(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                       const brain_fit_options *opt, brain_history **history);

typedef struct brain_eval_options {
    int batch_size;                  /* default 32 */
    int verbose;                     /* default auto = progress bar; BRAIN_SILENT for none */
    const float *sample_weight;
    brain_flag check_finite;         /* default on: refuse NaN/±Inf in x and y (BRAIN_ERR_NUMERIC) */
} brain_eval_options;
/* Loss and metrics on (x, y); logs gets "loss" and each metric's name. */
brain_status brain_evaluate(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                            const brain_eval_options *opt, brain_logs *logs);
/* Predictions for any number of rows, in batches (the last may be partial); *out is new. */
brain_status brain_predict(brain_model *m, const brain_tensor *x, const brain_eval_options *opt,
                           brain_tensor **out);

/* Models with several inputs and/or outputs: xs in the model's input order, ys in its output
 * order (n_x and n_y must match the model).  The same loop as brain_fit; logs are named as Keras
 * names them for several outputs: "loss" (the weighted total), "<output>_loss",
 * "<output>_<metric>" and their "val_" forms.  sample_weight applies to every output; class_weight
 * is refused with several outputs (as in Keras). */
brain_status brain_fit_multi(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                             const brain_tensor *const *ys, const brain_fit_options *opt, brain_history **history);
brain_status brain_evaluate_multi(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                                  const brain_tensor *const *ys, const brain_eval_options *opt, brain_logs *logs);
/* outs[k] receives output k's predictions (new tensors, n_outputs of them). */
brain_status brain_predict_multi(brain_model *m, int n_x, const brain_tensor *const *xs,
                                 const brain_eval_options *opt, brain_tensor **outs);

/* Stop training at the end of the current batch (model.stop_training = True). */
void brain_model_stop_training(brain_model *m);
/* 0-based index of the epoch being trained (valid inside callbacks). */
int brain_model_current_epoch(const brain_model *m);

/* ---- saving and loading (Keras 3 formats; docs/saving.md) ----
 * brain_save writes a .keras zip: config.json (architecture and compile configuration, Keras 3
 * schema), model.weights.h5 (layer weights and the optimizer's state, Keras's HDF5 layout),
 * metadata.json, and brain_state.json (the model's random generator, so that fit resumes
 * exactly).  The file is replaced atomically: a crash during the save leaves the old file.
 * A path ending in .h5 / .hdf5 writes Keras's legacy HDF5 model format instead, as Keras's
 * model.save("x.h5") does (architecture, compile config, weights; no optimizer state and no
 * preprocessing). */
brain_status brain_save(brain_model *m, const char *path);
typedef struct brain_load_options {
    brain_flag compile;              /* default on: compile from the saved compile config */
    /* default on: the saved weights (and optimizer state).  BRAIN_OFF: the architecture (and
     * compile config) only, with fresh weights initialised from the random seed, as
     * keras.models.clone_model gives (`brain train --model SPEC.keras`). */
    brain_flag weights;
} brain_load_options;
/* A .keras file (this library's or Python Keras 3's) or a legacy Keras .h5 / .hdf5 file. */
brain_status brain_load_model(const char *path, brain_model **out, const brain_load_options *opt);
/* Weights only (".weights.h5", Keras's save_weights layout, with the optimizer's variables when
 * compiled).  brain_load_weights also reads a .keras file's weights and legacy .h5 weights; the
 * model must have the saved structure.  On failure the model's weights are unchanged. */
brain_status brain_save_weights(brain_model *m, const char *path);
brain_status brain_load_weights(brain_model *m, const char *path);

/* ---- the explicit, PyTorch-style loop (same layers, same optimizers) ----
 *   brain_model_zero_grad(m);
 *   brain_model_forward(m, xb, true, &pred);   // pred points into the model; do not free
 *   brain_model_loss(m, yb, NULL, &loss);      // value, and d(loss)/d(pred) kept for backward
 *   brain_model_backward(m);                   // accumulates into brain_model_grads(m)
 *   brain_optimizer_step(opt, m);
 */
brain_status brain_model_forward(brain_model *m, const brain_tensor *x, bool training, const brain_tensor **pred);
/* Uses the compiled loss, or `loss` if not NULL; regularization penalties are included. */
brain_status brain_model_loss(brain_model *m, const brain_tensor *y, const brain_loss *loss, double *value);
brain_status brain_model_backward(brain_model *m);
void brain_model_zero_grad(brain_model *m);
/* Applies one update of `o` to m's trainable weights from m's gradients. */
brain_status brain_optimizer_step(brain_optimizer *o, brain_model *m);

/* ------------------------------------------------------------------ data preparation */
/* A CSV table: numeric features and a target column. */
typedef struct brain_table {
    int64_t n_rows, n_features;
    float *x;                  /* n_rows × n_features, row-major */
    float *y;                  /* n_rows: numbers, or class ids when the target holds strings */
    char **feature_names;      /* n_features */
    char *target_name;
    char **class_names;        /* when the target holds strings: sorted, as LabelEncoder; else NULL */
    int n_classes;
} brain_table;

typedef struct brain_csv_options {
    const char *target;        /* the target column's header name (or target_index) */
    char delimiter;            /* default ',' */
    const char **drop;         /* NULL-terminated column names to ignore (e.g. "id") */
    /* pandas header=None: the first row is data and the columns are named "0", "1", ... */
    bool no_header;
    /* the target by 0-based column index instead of by name; negative counts from the end
     * (-1 is the last column), as Python indexes */
    int64_t target_index; bool has_target_index;
    /* pandas sep=r"\s+": fields are separated by runs of spaces and tabs, and spaces at the start
     * or end of a line are ignored (the UCR/UEA time-series files); delimiter is then unused */
    bool delim_whitespace;
    /* no target: every column (but those dropped) is a feature, y is NULL (data to predict) */
    bool no_target;
} brain_csv_options;
/* Reads a CSV (with a header row unless no_header).  Missing values, non-numbers, ragged rows, an
 * empty file or an unknown target column give BRAIN_ERR_FORMAT / BRAIN_ERR_ARG naming the line
 * and column. */
brain_status brain_read_csv(const char *path, const brain_csv_options *opt, brain_table **out);
void brain_table_free(brain_table *t);
/* Views of a table as tensors: x (n_rows, n_features) and y (n_rows, 1); copies (y: NULL with
 * an error when the table was read with no_target). */
brain_tensor *brain_table_x(const brain_table *t);
brain_tensor *brain_table_y(const brain_table *t);

/* The Wisconsin diagnostic breast cancer data built into the library (569 × 30; target 1 =
 * benign, 0 = malignant, as scikit-learn's load_breast_cancer). */
brain_status brain_load_breast_cancer(brain_table **out);

/* scikit-learn's train_test_split: row indices of each part.  test_size in (0,1) is a fraction
 * (default 0.25), ≥ 1 a count.  With stratify (class ids, one per row) the class proportions are
 * kept.  random_state reproduces scikit-learn's own split bit for bit (NumPy's MT19937). */
typedef struct brain_split_options {
    double test_size;          /* default 0.25 (when train_size is also 0) */
    double train_size;         /* default: the complement */
    const float *stratify;     /* n values, or NULL */
    uint32_t random_state; bool has_random_state; /* default: drawn from the global seed */
    brain_flag shuffle;        /* default on */
} brain_split_options;
brain_status brain_train_test_split_indices(int64_t n, const brain_split_options *opt,
                                            int64_t **train_idx, int64_t *n_train,
                                            int64_t **test_idx, int64_t *n_test);
/* The same, applied to x and y (rows copied into new tensors). */
brain_status brain_train_test_split(const brain_tensor *x, const brain_tensor *y, const brain_split_options *opt,
                                    brain_tensor **x_train, brain_tensor **x_test,
                                    brain_tensor **y_train, brain_tensor **y_test);

/* StandardScaler (population std, ddof 0) and MinMaxScaler(feature_range). */
typedef struct brain_scaler brain_scaler;
brain_scaler *brain_standard_scaler(void);
brain_scaler *brain_minmax_scaler(float lo, float hi); /* (0, 0) means (0, 1) */
/* fit on the columns of x (rows × features; higher ranks are flattened after the first axis) */
brain_status brain_scaler_fit(brain_scaler *s, const brain_tensor *x);
brain_status brain_scaler_transform(const brain_scaler *s, brain_tensor *x);     /* in place */
brain_status brain_scaler_fit_transform(brain_scaler *s, brain_tensor *x);
brain_status brain_scaler_inverse_transform(const brain_scaler *s, brain_tensor *x);
/* Fitted statistics per feature (mean_/scale_ for standard, data_min_/data_max_ for min-max). */
const double *brain_scaler_mean(const brain_scaler *s);
const double *brain_scaler_scale(const brain_scaler *s);
int64_t brain_scaler_num_features(const brain_scaler *s);
void brain_scaler_free(brain_scaler *s);

/* keras.utils.to_categorical: class ids (n, or n×1) → one-hot (n, num_classes); num_classes 0
 * means max + 1.  Ids must be whole numbers in [0, num_classes). */
brain_status brain_to_categorical(const brain_tensor *y, int num_classes, brain_tensor **out);

/* LabelEncoder: sorted unique strings → 0..k-1. */
typedef struct brain_label_encoder brain_label_encoder;
brain_label_encoder *brain_label_encoder_new(void);
brain_status brain_label_encoder_fit(brain_label_encoder *e, const char *const *labels, int64_t n);
brain_status brain_label_encoder_transform(const brain_label_encoder *e, const char *const *labels, int64_t n, float *out);
int brain_label_encoder_num_classes(const brain_label_encoder *e);
const char *brain_label_encoder_class(const brain_label_encoder *e, int i);
void brain_label_encoder_free(brain_label_encoder *e);

/* ------------------------------------------------------------------ array files */
/* IDX (the MNIST family's format), gzip'd or not: a float32 tensor with the file's dims and its
 * raw values (uint8 pixels stay 0..255).  Element types uint8, int8, int16, int32, float32,
 * float64.  A malformed file (wrong magic, truncated, a header that does not match the size,
 * dims whose size overflows) is BRAIN_ERR_FORMAT with a message naming the file and the problem. */
brain_status brain_load_idx(const char *path, brain_tensor **out);
/* Fashion-MNIST as keras.datasets.fashion_mnist.load_data() returns it: x_train (60000, 28, 28),
 * y_train (60000,), x_test (10000, 28, 28), y_test (10000,); pixels keep their raw values 0..255
 * (scale them yourself, as in Keras), labels are class indices 0..9.  dir NULL means
 * $FASHION_MNIST_DIR, or /usr/share/datasets/fashion-mnist where the Debian package
 * dataset-fashion-mnist installs the four .gz files.  Pass NULL for both outputs of a split you do
 * not need.  A missing file is BRAIN_ERR_IO with a message naming the file and the package. */
brain_status brain_load_fashion_mnist(const char *dir, brain_tensor **x_train, brain_tensor **y_train,
                                      brain_tensor **x_test, brain_tensor **y_test);
/* NumPy .npy (format versions 1, 2, 3), C order, little-endian float32, float64, uint8, int32 or
 * int64, converted to float32 with the same shape.  Other dtypes, big-endian data, Fortran order,
 * 0-d arrays and rank > BRAIN_MAX_DIMS are errors naming the file and the reason. */
brain_status brain_load_npy(const char *path, brain_tensor **out);
/* One array of a NumPy .npz (numpy.savez or savez_compressed): member "x" or "x.npy". */
brain_status brain_load_npz(const char *path, const char *member, brain_tensor **out);
/* Writes t as a float32 .npy (version 1.0, as numpy.save), for numpy.load in Python. */
brain_status brain_save_npy(const char *path, const brain_tensor *t);

/* ------------------------------------------------------------------ sequences and text */
typedef enum brain_pad_side { BRAIN_PAD_PRE = 0, BRAIN_PAD_POST = 1 } brain_pad_side;
typedef struct brain_pad_options {
    int64_t maxlen;              /* default (0): the longest sequence */
    brain_pad_side padding;      /* default "pre": fill before the sequence */
    brain_pad_side truncating;   /* default "pre": a long sequence loses its first items */
    float value;                 /* default 0 */
} brain_pad_options;
/* keras.utils.pad_sequences: sequence i is seqs[i][0 .. lengths[i]); *out is (n, maxlen). */
brain_status brain_pad_sequences(const int32_t *const *seqs, const int64_t *lengths, int64_t n,
                                 const brain_pad_options *opt, brain_tensor **out);

/* keras.layers.TextVectorization with its defaults (standardize "lower_and_strip_punctuation",
 * split "whitespace", output_mode "int").  Lowercasing and punctuation stripping are ASCII only,
 * as Keras's defaults are: other UTF-8 characters are left as they are, inside tokens.
 * Vocabulary: id 0 = "" (padding), 1 = "[UNK]" (unknown words), then the adapted tokens, most
 * frequent first (ties: as Keras, reverse byte order of the token). */
typedef struct brain_text_vectorizer brain_text_vectorizer;
typedef struct brain_text_vectorizer_options {
    int64_t max_tokens;              /* vocabulary size including "" and "[UNK]"; default (0) no limit */
    int64_t output_sequence_length;  /* pad with 0 / cut at the END to this length; default (0): the
                                        longest row of each call */
} brain_text_vectorizer_options;
brain_text_vectorizer *brain_text_vectorizer_new(const brain_text_vectorizer_options *opt);
/* Learns the vocabulary from n strings (replacing any earlier one, as Keras's adapt does). */
brain_status brain_text_vectorizer_adapt(brain_text_vectorizer *v, const char *const *texts, int64_t n);
/* The layer's call: n strings -> (n, length) float32 token ids. */
brain_status brain_text_vectorizer_call(const brain_text_vectorizer *v, const char *const *texts, int64_t n,
                                        brain_tensor **out);
/* get_vocabulary(): its size, and the token of an id (NULL when out of range). */
int64_t brain_text_vectorizer_vocabulary_size(const brain_text_vectorizer *v);
const char *brain_text_vectorizer_token(const brain_text_vectorizer *v, int64_t id);
void brain_text_vectorizer_free(brain_text_vectorizer *v);

/* ------------------------------------------------------------------ generated data sets */
/* ECG-like heartbeats in 5 classes, in the spirit of ECG5000 (src/data/ecg.c and docs/data.md
 * say how each class is made): x (n, length, 1), each series z-normalised; y (n,) class ids
 * 0 normal, 1 R-on-T premature ventricular contraction, 2 premature ventricular contraction,
 * 3 supraventricular premature beat, 4 unclassifiable; exactly balanced.  Deterministic in
 * (n, seed, options). */
typedef struct brain_ecg_options {
    int64_t length;              /* samples per beat; default 140 */
    float noise; bool has_noise; /* white noise standard deviation before normalising; default 0.03 */
} brain_ecg_options;
brain_status brain_make_ecg(int64_t n, uint64_t seed, const brain_ecg_options *opt, brain_tensor **x, brain_tensor **y);

/* Labelled review-like sentences for the review classifier (src/data/reviews.c and docs/data.md
 * say how they are made): positive and negative opinions about a film, some through negation
 * ("was not great") or contrast ("..., but the ending was dull"), among neutral filler sentences
 * and invented names.  labels[i] is 1 (positive) or 0, exactly balanced before label noise.
 * Deterministic in (n, seed, options). */
typedef struct brain_text_dataset {
    int64_t n;
    const char **texts;          /* n strings */
    float *labels;               /* n labels */
} brain_text_dataset;
typedef struct brain_reviews_options {
    float label_noise; bool has_label_noise; /* probability that a label is flipped; default 0.02 */
} brain_reviews_options;
brain_status brain_make_reviews(int64_t n, uint64_t seed, const brain_reviews_options *opt, brain_text_dataset **out);
void brain_text_dataset_free(brain_text_dataset *d);

/* ==== optimizers, learning-rate schedules (issue 12) ==== */
/* Keras 3's Adagrad, Adadelta, Adamax, Nadam, Lion and Ftrl (keras/src/optimizers/), each
 * with the common options (clipping, weight decay, EMA, gradient accumulation, loss scaling, a
 * schedule).  A zero field means Keras's default. */
typedef struct brain_adagrad_options {
    float learning_rate;                    /* default 0.001 */
    float initial_accumulator_value; bool has_initial_accumulator_value; /* default 0.1 */
    float epsilon;                          /* default 1e-7 */
    brain_optimizer_common common;
} brain_adagrad_options;
/* acc += g²;  w −= lr·g / √(acc + ε) */
brain_optimizer *brain_adagrad(const brain_adagrad_options *opt);

typedef struct brain_adadelta_options {
    float learning_rate;                    /* default 0.001 */
    float rho;                              /* default 0.95 */
    float epsilon;                          /* default 1e-7 */
    brain_optimizer_common common;
} brain_adadelta_options;
/* Eg = ρ·Eg + (1−ρ)·g²;  Δ = −√(Ed + ε)·g / √(Eg + ε);  Ed = ρ·Ed + (1−ρ)·Δ²;  w += lr·Δ */
brain_optimizer *brain_adadelta(const brain_adadelta_options *opt);

/* Adamax (infinity-norm Adam): m += (g − m)(1 − β1);  u = max(β2·u, |g|);
 * w −= lr·m / ((1 − β1^t)(u + ε)).  Options as Adam (amsgrad must be false). */
brain_optimizer *brain_adamax(const brain_adam_options *opt);
/* Nadam (Nesterov Adam with Keras's 0.96 momentum schedule).  Options as Adam (amsgrad false). */
brain_optimizer *brain_nadam(const brain_adam_options *opt);

typedef struct brain_lion_options {
    float learning_rate;                    /* default 0.001 */
    float beta_1;                           /* default 0.9 */
    float beta_2;                           /* default 0.99 */
    brain_optimizer_common common;
} brain_lion_options;
/* w −= lr·sign(β1·m + (1−β1)·g);  m = β2·m + (1−β2)·g */
brain_optimizer *brain_lion(const brain_lion_options *opt);

typedef struct brain_ftrl_options {
    float learning_rate;                    /* default 0.001 */
    float learning_rate_power; bool has_learning_rate_power; /* default −0.5; ≤ 0 */
    float initial_accumulator_value; bool has_initial_accumulator_value; /* default 0.1 */
    float l1_regularization_strength, l2_regularization_strength;        /* default 0 */
    float l2_shrinkage_regularization_strength;                          /* default 0 */
    float beta;                             /* default 0 */
    brain_optimizer_common common;
} brain_ftrl_options;
brain_optimizer *brain_ftrl(const brain_ftrl_options *opt);

typedef struct brain_adafactor_options {
    float learning_rate;                    /* default 0.001 */
    float beta_2_decay; bool has_beta_2_decay; /* default −0.8 */
    float epsilon_1;                        /* default 1e-30 */
    float epsilon_2;                        /* default 1e-3 */
    float clip_threshold;                   /* default 1 */
    brain_flag relative_step;               /* default on: a constant rate is capped at 1/√t */
    brain_optimizer_common common;
} brain_adafactor_options;
/* Adafactor: second moments factored into row and column means for weights of rank ≥ 2. */
brain_optimizer *brain_adafactor(const brain_adafactor_options *opt);

/* ---- losses (issue 12), Keras 3's classes with the "sum_over_batch_size" reduction; the
 * value and d(loss)/d(y_pred) through brain_loss_compute, usable in compile and saved in .keras.
 * Default names are Keras's ("binary_focal_crossentropy", "kl_divergence", "dice", ...). */
typedef struct brain_focal_loss_options {
    bool from_logits;
    float label_smoothing;
    float alpha; bool has_alpha;            /* default 0.25 */
    float gamma; bool has_gamma;            /* default 2 */
    bool apply_class_balancing;             /* binary only: weight alpha on 1s, 1 − alpha on 0s */
    const char *name;
} brain_focal_loss_options;
/* mean over the last axis of (1 − p_t)^γ · bce  (× α_t with apply_class_balancing) */
brain_loss *brain_loss_binary_focal_crossentropy(const brain_focal_loss_options *opt);
/* Σ over the classes of α (1 − p)^γ · (−y log p), p normalised and clipped as Keras does */
brain_loss *brain_loss_categorical_focal_crossentropy(const brain_focal_loss_options *opt);
brain_loss *brain_loss_kl_divergence(const brain_loss_options *opt);   /* Σ y log(y / p), both clipped to [1e-7, 1] */
brain_loss *brain_loss_poisson(const brain_loss_options *opt);         /* mean(p − y log(p + 1e-7)) */
brain_loss *brain_loss_cosine_similarity(const brain_loss_options *opt); /* −ŷ·p̂ over the last axis */
brain_loss *brain_loss_log_cosh(const brain_loss_options *opt);
/* Hinge and SquaredHinge: targets in {0, 1} (all of them) become {−1, 1}, as Keras does */
brain_loss *brain_loss_hinge(const brain_loss_options *opt);
brain_loss *brain_loss_squared_hinge(const brain_loss_options *opt);
brain_loss *brain_loss_categorical_hinge(const brain_loss_options *opt);
brain_loss *brain_loss_mean_absolute_percentage_error(const brain_loss_options *opt);
brain_loss *brain_loss_mean_squared_logarithmic_error(const brain_loss_options *opt);
/* Dice and Tversky over the whole batch (Keras's axis=None): one value; sample weights scale it
 * by their mean (Keras broadcasts the scalar against them). */
typedef struct brain_tversky_options {
    float alpha; bool has_alpha;            /* default 0.5: weight of false positives */
    float beta; bool has_beta;              /* default 0.5: weight of false negatives */
    const char *name;
} brain_tversky_options;
brain_loss *brain_loss_tversky(const brain_tversky_options *opt);
brain_loss *brain_loss_dice(const brain_loss_options *opt);

/* ---- metrics (issue 12), logged under Keras's names ("f1_score", "sensitivity_at_specificity",
 * "mean_io_u", "logcosh", ...).  brain_metric_from_name also knows their snake-case names. */
typedef enum brain_f_average {
    BRAIN_AVERAGE_NONE = 0,                 /* Keras's default None: one score per class */
    BRAIN_AVERAGE_MICRO, BRAIN_AVERAGE_MACRO, BRAIN_AVERAGE_WEIGHTED
} brain_f_average;
typedef struct brain_fbeta_options {
    brain_f_average average;
    float beta;                             /* FBetaScore: default 1 */
    float threshold; bool has_threshold;    /* default None: the row's largest prediction is the positive one */
    const char *name;
} brain_fbeta_options;
/* F1Score / FBetaScore on (N, classes) targets and predictions.  With average NONE the result is a
 * vector (brain_metric_result_values); brain_metric_result and the logs give its mean. */
brain_metric *brain_metric_f1_score(const brain_fbeta_options *opt);
brain_metric *brain_metric_fbeta_score(const brain_fbeta_options *opt);

typedef struct brain_confusion_options {
    int n_thresholds; const float *thresholds; /* default one threshold, 0.5; a prediction > t is positive */
    const char *name;
} brain_confusion_options;
/* TruePositives, FalsePositives, TrueNegatives, FalseNegatives: weighted counts per threshold
 * (several thresholds: a vector; the scalar result is the first). */
brain_metric *brain_metric_true_positives(const brain_confusion_options *opt);
brain_metric *brain_metric_false_positives(const brain_confusion_options *opt);
brain_metric *brain_metric_true_negatives(const brain_confusion_options *opt);
brain_metric *brain_metric_false_negatives(const brain_confusion_options *opt);

typedef struct brain_at_options {
    int num_thresholds;                     /* default 200 */
    int class_id; bool has_class_id;        /* default: every element counts */
    const char *name;
} brain_at_options;
/* The best sensitivity (recall) among thresholds whose specificity ≥ value, and the others alike. */
brain_metric *brain_metric_sensitivity_at_specificity(float specificity, const brain_at_options *opt);
brain_metric *brain_metric_specificity_at_sensitivity(float sensitivity, const brain_at_options *opt);
brain_metric *brain_metric_precision_at_recall(float recall, const brain_at_options *opt);
brain_metric *brain_metric_recall_at_precision(float precision, const brain_at_options *opt);
/* AUC(multi_label=True): one curve per column of (N, labels), the mean of their areas;
 * opt->pr_curve, num_thresholds, from_logits and name as for brain_metric_auc. */
brain_metric *brain_metric_auc_multi_label(const brain_metric_options *opt);

typedef enum brain_r2_aggregation { BRAIN_R2_UNIFORM_AVERAGE = 0, BRAIN_R2_VARIANCE_WEIGHTED } brain_r2_aggregation;
typedef struct brain_r2_options {
    brain_r2_aggregation class_aggregation;
    int num_regressors;                     /* adjusted R² when > 0 */
    const char *name;
} brain_r2_options;
brain_metric *brain_metric_r2_score(const brain_r2_options *opt);
/* TopKCategoricalAccuracy(k) on one-hot targets and SparseTopK on class ids; k 0 means 5.  A
 * target counts when its score is ≥ the k-th largest (ties count, as Keras's in_top_k). */
brain_metric *brain_metric_top_k_categorical_accuracy(int k, const brain_metric_options *opt);
brain_metric *brain_metric_sparse_top_k_categorical_accuracy(int k, const brain_metric_options *opt);

typedef struct brain_iou_options {
    int n_target_class_ids; const int *target_class_ids; /* IoU/OneHotIoU: required; BinaryIoU: default {0, 1} */
    int ignore_class; bool has_ignore_class;
    float threshold; bool has_threshold;    /* BinaryIoU: default 0.5 (prediction ≥ threshold is 1) */
    const char *name;
} brain_iou_options;
/* Intersection over union from a confusion matrix of class ids (Keras's int dtype: sample weights
 * are truncated to integers, as Keras casts them).  MeanIoU/IoU take class ids; the OneHot forms
 * take one-hot targets and scores (argmax of both). */
brain_metric *brain_metric_mean_iou(int num_classes, const brain_iou_options *opt);
brain_metric *brain_metric_iou(int num_classes, const brain_iou_options *opt);
brain_metric *brain_metric_binary_iou(const brain_iou_options *opt);
brain_metric *brain_metric_one_hot_iou(int num_classes, const brain_iou_options *opt);
brain_metric *brain_metric_one_hot_mean_iou(int num_classes, const brain_iou_options *opt);
/* Means of per-sample values (keras.metrics.*): */
brain_metric *brain_metric_root_mean_squared_error(const brain_metric_options *opt);
brain_metric *brain_metric_log_cosh_error(const brain_metric_options *opt);         /* "logcosh" */
brain_metric *brain_metric_cosine_similarity(const brain_metric_options *opt);      /* +ŷ·p̂ */
brain_metric *brain_metric_mean_absolute_percentage_error(const brain_metric_options *opt);
brain_metric *brain_metric_mean_squared_logarithmic_error(const brain_metric_options *opt);
brain_metric *brain_metric_kl_divergence(const brain_metric_options *opt);
brain_metric *brain_metric_poisson(const brain_metric_options *opt);
brain_metric *brain_metric_hinge(const brain_metric_options *opt);
brain_metric *brain_metric_squared_hinge(const brain_metric_options *opt);
brain_metric *brain_metric_categorical_hinge(const brain_metric_options *opt);
/* The result as Keras returns it, element by element: the count of values (1 for scalars), and
 * up to n of them into out.  0 when m is NULL. */
int brain_metric_result_size(const brain_metric *m);
int brain_metric_result_values(const brain_metric *m, double *out, int n);
/* The weighted confusion matrix an IoU metric holds (num_classes² values, row = true class,
 * column = predicted class), or NULL for another metric. */
const double *brain_metric_confusion_matrix(const brain_metric *m, int *num_classes);

/* ---- callbacks (issue 12) */
/* LearningRateScheduler(schedule, verbose): at the start of each epoch the optimizer's rate
 * becomes fn(epoch, current rate); logs get "learning_rate" at the end of each epoch.  With
 * verbose > 0 it prints Keras's "Epoch N: LearningRateScheduler setting learning rate to x.".
 * An optimizer driven by a learning-rate schedule object cannot be set (Keras raises); fit stops
 * with an error then. */
typedef float (*brain_lr_epoch_fn)(int epoch, float lr, void *user);
brain_callback *brain_learning_rate_scheduler(brain_lr_epoch_fn fn, void *user, int verbose);
/* LambdaCallback: the hooks given (any may be NULL); the same as brain_callback_custom. */
brain_callback *brain_lambda_callback(const brain_callback_hooks *hooks);
/* SwapEMAWeights(swap_on_epoch=False) for an optimizer with common.use_ema, as Keras: the
 * validation inside brain_fit runs with the moving averages swapped into the model (Keras's
 * on_test_begin / on_test_end), training goes on with the raw weights.  With swap_on_epoch the
 * averages are also swapped in at the end of each epoch (so the callbacks after it, a
 * ModelCheckpoint say, see them) and out again at the next epoch's start.  opt may be NULL. */
typedef struct brain_swap_ema_weights_options {
    bool swap_on_epoch;                     /* default false */
} brain_swap_ema_weights_options;
brain_callback *brain_swap_ema_weights(const brain_swap_ema_weights_options *opt);

/* TensorBoard(log_dir): event files (TFRecord-framed Event protos, as TensorFlow writes them)
 * in log_dir/train and log_dir/validation: "epoch_<key>" scalars at step = epoch (train keys,
 * plus epoch_learning_rate; the val_ keys without their prefix in validation/), with update_freq
 * n > 0 also "batch_<key>" every n batches at step = the global batch count (from 1), and with
 * histogram_freq n > 0 a histogram "<layer>/<weight>/histogram" of every weight every n epochs.
 * Needs a build with protobuf-c; without, it returns NULL saying so. */
typedef struct brain_tensorboard_options {
    int update_freq;                        /* 0 = "epoch"; n = every n batches ("batch" is 1) */
    int histogram_freq;                     /* 0 = none */
} brain_tensorboard_options;
brain_callback *brain_tensorboard(const char *log_dir, const brain_tensorboard_options *opt);

/* ---- user-written layers (issue 12): Keras's subclassed Layer + register_keras_serializable.
 * A registered type is saved in config.json under its class_name (with its get_config members)
 * and brain_load_model builds it again through from_config; its weights, declared in build
 * with brain_layer_add_weight, live in the model's flat buffers like any layer's and are saved
 * in model.weights.h5.  One input, one output. */
typedef struct brain_config brain_config;   /* a layer's config object (config.json "config") */
brain_status brain_config_set_number(brain_config *c, const char *key, double v);
brain_status brain_config_set_string(brain_config *c, const char *key, const char *v);
/* The number / string under key, or dflt when absent. */
double brain_config_get_number(const brain_config *c, const char *key, double dflt);
const char *brain_config_get_string(const brain_config *c, const char *key, const char *dflt);

typedef struct brain_layer_type {
    const char *class_name;        /* config.json's class_name, e.g. "Scale" (kept by pointer: a literal) */
    size_t state_size;             /* bytes of per-layer state brain keeps (copied from brain_custom_layer) */
    /* per-sample input shape in; set *out; declare weights with brain_layer_add_weight */
    brain_status (*build)(brain_layer *l, void *state, brain_shape in, brain_shape *out);
    /* y = f(x) for `batch` rows (row sizes from the shapes) */
    void (*forward)(brain_layer *l, void *state, const float *x, float *y, int64_t batch, bool training);
    /* ADD d(loss)/dx into dx (NULL when not needed) and the weights' gradients into
     * brain_layer_weight_grads(l, i) */
    void (*backward)(brain_layer *l, void *state, const float *x, const float *y, const float *dy, float *dx,
                     int64_t batch);
    brain_status (*get_config)(const brain_layer *l, const void *state, brain_config *cfg); /* may be NULL */
    brain_status (*from_config)(const brain_config *cfg, void *state);                      /* may be NULL */
} brain_layer_type;
/* Registers a type (the struct is copied; up to 16 types); registering a class name again
 * replaces it.  BRAIN_ERR_ARG for a name a built-in layer has. */
brain_status brain_register_layer_type(const brain_layer_type *type);
/* A layer of a registered type with a copy of `state` (state_size bytes; NULL = zeros). */
brain_layer *brain_custom_layer(const char *class_name, const void *state, const char *name);
void *brain_layer_state(brain_layer *l);
/* In build: a weight (Keras's add_weight); returns its index, or -1 with an error. */
int brain_layer_add_weight(brain_layer *l, const char *name, int ndim, const int64_t *shape,
                           brain_initializer_kind init, bool trainable);
/* In forward/backward: the weight's values and (trainable) gradients; the per-sample shapes. */
float *brain_layer_weight_values(brain_layer *l, int i);
float *brain_layer_weight_grads(brain_layer *l, int i);
brain_shape brain_layer_input_shape(const brain_layer *l);

/* ---- preprocessing layers saved in the model (issue 12), for (H, W, C) images */
typedef struct brain_resizing_options {
    brain_interpolation interpolation;      /* default bilinear (half-pixel centres, no antialiasing); or nearest */
    const char *name;
} brain_resizing_options;
brain_layer *brain_resizing(int64_t height, int64_t width, const brain_resizing_options *opt);
/* CenterCrop(height, width): the centred window; inputs smaller than it are refused. */
brain_layer *brain_center_crop(int64_t height, int64_t width, const brain_layer_options *opt);

/* CategoryEncoding(num_tokens, output_mode) on per-sample ids (k,): multi_hot (Keras's
 * default) and count give (num_tokens); one_hot gives (num_tokens) for k = 1, else (k, num_tokens). */
typedef enum brain_category_mode { BRAIN_CATEGORY_MULTI_HOT = 0, BRAIN_CATEGORY_ONE_HOT, BRAIN_CATEGORY_COUNT } brain_category_mode;
typedef struct brain_category_encoding_options { brain_category_mode output_mode; const char *name; } brain_category_encoding_options;
brain_layer *brain_category_encoding(int64_t num_tokens, const brain_category_encoding_options *opt);
/* Discretization(bin_boundaries), output_mode "int": each value becomes the index of its bin
 * (the number of boundaries ≤ it), as a float.  (adapt/num_bins: not available.) */
brain_layer *brain_discretization(int n_boundaries, const float *bin_boundaries, const brain_layer_options *opt);

/* Learning-rate schedules (keras.optimizers.schedules).  A schedule is handed to an optimizer
 * through common.learning_rate_schedule, which then owns it; it is saved in config.json as the
 * optimizer's "learning_rate" (Keras's serialized schedule) and loaded back.  Values are float32,
 * computed in the order Keras computes them, at step = the optimizer's iterations. */
typedef struct brain_decay_options {
    bool staircase;                         /* Exponential/InverseTime: floor(step / decay_steps) */
    const char *name;                       /* default the Keras class's default name */
} brain_decay_options;
/* initial · rate^(step / decay_steps) */
brain_lr_schedule *brain_exponential_decay(double initial_learning_rate, double decay_steps, double decay_rate,
                                           const brain_decay_options *opt);
/* initial / (1 + rate · step / decay_steps) */
brain_lr_schedule *brain_inverse_time_decay(double initial_learning_rate, double decay_steps, double decay_rate,
                                            const brain_decay_options *opt);
/* values[0] for step ≤ boundaries[0], values[i] for boundaries[i−1] < step ≤ boundaries[i],
 * values[n] after; n boundaries (increasing), n + 1 values. */
brain_lr_schedule *brain_piecewise_constant_decay(int n_boundaries, const double *boundaries, const double *values,
                                                  const char *name);
typedef struct brain_polynomial_decay_options {
    double end_learning_rate; bool has_end_learning_rate; /* default 1e-4 */
    double power;                           /* default 1 */
    bool cycle;
    const char *name;
} brain_polynomial_decay_options;
/* (initial − end)·(1 − min(step, decay_steps)/decay_steps)^power + end */
brain_lr_schedule *brain_polynomial_decay(double initial_learning_rate, double decay_steps,
                                          const brain_polynomial_decay_options *opt);
typedef struct brain_cosine_decay_options {
    double alpha;                           /* default 0: the floor as a fraction */
    double warmup_target; bool has_warmup_target; /* linear warm-up from initial to this */
    double warmup_steps;                    /* default 0 */
    const char *name;
} brain_cosine_decay_options;
brain_lr_schedule *brain_cosine_decay(double initial_learning_rate, double decay_steps,
                                      const brain_cosine_decay_options *opt);
typedef struct brain_cosine_restarts_options {
    double t_mul; bool has_t_mul;           /* default 2 */
    double m_mul; bool has_m_mul;           /* default 1 */
    double alpha;                           /* default 0 */
    const char *name;
} brain_cosine_restarts_options;
brain_lr_schedule *brain_cosine_decay_restarts(double initial_learning_rate, double first_decay_steps,
                                               const brain_cosine_restarts_options *opt);
/* schedule(step) as Keras computes it (float32). */
float brain_lr_schedule_value(const brain_lr_schedule *s, int64_t step);
const char *brain_lr_schedule_class(const brain_lr_schedule *s); /* "ExponentialDecay" */
void brain_lr_schedule_free(brain_lr_schedule *s);

/* ==== attention and Transformer layers (issue 11) ==== */
/* LayerNormalization: each sample normalised over `axes` (mean and biased variance), then
 * γ·x̂ + β with γ, β shaped as the normalised axes.  Axes are Keras's numbers: 1 = the first
 * axis after the batch, negatives count from the end; default the last axis (-1). */
typedef struct brain_layer_norm_options {
    int n_axes; int axes[BRAIN_MAX_DIMS];   /* default 1 axis: -1 */
    float epsilon;                          /* 0 means 1e-3 */
    brain_flag center, scale;               /* default on: beta and gamma */
    bool rms_scaling;                       /* Keras 3's rms_scaling: x / sqrt(var(x) + ε) · γ (x not
                                               centred, the variance is), no beta */
    brain_initializer_kind beta_initializer, gamma_initializer; /* zeros, ones */
    brain_regularizer beta_regularizer, gamma_regularizer;
    const char *name;
} brain_layer_norm_options;
brain_layer *brain_layer_normalization(const brain_layer_norm_options *opt);

/* MultiHeadAttention(num_heads, key_dim): scaled dot-product attention of a query sequence over
 * a value sequence (docs/attention.md has the math).  Apply it with brain_apply_n to
 *   query, value [, key] [, attention_mask]
 * (self-attention: the same sym twice, BRAIN_SYMS(x, x)); the key defaults to the value.  With
 * has_key a third tensor is the key; with has_attention_mask the last tensor is a (T, S) per-sample
 * mask (nonzero = may attend).  Keras masks flow in: the query's, value's and key's padding masks
 * (Embedding(mask_zero)) and the causal mask are ANDed with attention_mask, and the output carries
 * the query's mask.  Attention runs over every axis between the batch and the features (Keras's
 * default attention_axes).  Weights as Keras's EinsumDense kernels: query/key/value kernel
 * (D, heads, dim) and bias (heads, dim), attention_output kernel (heads, value_dim, out), bias (out). */
typedef struct brain_mha_options {
    int64_t value_dim;                      /* default key_dim */
    float dropout;                          /* on the attention probabilities, training only; default 0 */
    brain_flag use_bias;                    /* default on */
    int64_t output_shape;                   /* features out; default (0) the query's last axis */
    bool use_causal_mask;                   /* call(..., use_causal_mask=True): step t sees steps <= t */
    bool has_key;                           /* the call passes a key tensor after the value */
    bool has_attention_mask;                /* the call passes attention_mask last */
    brain_initializer_kind kernel_initializer, bias_initializer; /* glorot_uniform, zeros */
    brain_regularizer kernel_regularizer, bias_regularizer;
    uint64_t seed; bool has_seed;           /* dropout's generator; default the model's */
    const char *name;
    /* call(..., return_attention_scores=True): the layer gets a second output, the attention
     * probabilities (heads, query steps..., value steps...) per sample, read as
     * brain_sym_output(call, 1); gradients flowing into it reach the layer's inputs and weights */
    bool return_attention_scores;
    /* attention_axes (Keras's numbers: 1 = the first axis after the batch, negatives count from
     * the end; increasing, the feature axis excluded); 0 axes = Keras's default, every axis
     * between the batch and the features.  The other step axes act as batch axes. */
    int n_attention_axes; int attention_axes[BRAIN_MAX_DIMS];
    /* output_shape as a tuple (o_1, ..., o_n): the output is (query steps..., o_1, ..., o_n) and
     * the output kernel (heads, value_dim, o_1, ..., o_n); n 0 = output_shape above */
    int n_output_dims; int64_t output_dims[BRAIN_MAX_DIMS];
} brain_mha_options;
brain_layer *brain_multi_head_attention(int num_heads, int64_t key_dim, const brain_mha_options *opt);
/* The attention probabilities of the layer's last forward (Keras's return_attention_scores), as
 * a view (batch, heads, T, S) into the layer's cache, filled into *view and returned; valid until
 * the next forward or backward (backward reuses the buffer).  NULL (error set) when l is not a MultiHeadAttention or has not run. */
const brain_tensor *brain_mha_last_scores(brain_layer *l, brain_tensor *view);

/* GlobalMaxPooling1D: (steps, C) -> (C), the maximum over the steps. */
brain_layer *brain_global_max_pooling1d(const brain_layer_options *opt);
/* GlobalAveragePooling1D with Keras's data_format: channels_first reads (C, steps) and averages
 * the last axis, giving (C).  With a Keras mask (channels_last) the mean is over unmasked steps. */
typedef struct brain_global_pool1d_options {
    bool channels_first;                    /* default channels_last */
    const char *name;
} brain_global_pool1d_options;
brain_layer *brain_global_average_pooling1d_opt(const brain_global_pool1d_options *opt);

/* TimeDistributed(layer): `layer` (a new single-input layer: Dense, Conv2D, ...) applied to every
 * step of a (batch, T, ...) input with shared weights.  Takes ownership of `layer`, also on failure. */
brain_layer *brain_time_distributed(brain_layer *layer, const brain_layer_options *opt);

/* GroupNormalization(groups) over the channels axis (default the last; .axis for another): each sample's channels in `groups`
 * runs, each run normalised over all positions and its channels, then γ_c x̂ + β_c per channel.
 * Keras's default groups is 32; -1 = one group per channel. */
typedef struct brain_group_norm_options {
    float epsilon;                          /* 0 means 1e-3 */
    brain_flag center, scale;               /* default on */
    brain_initializer_kind beta_initializer, gamma_initializer; /* zeros, ones */
    brain_regularizer beta_regularizer, gamma_regularizer;
    const char *name;
    int axis;                               /* Keras's axis: the channels (1 = first after the batch,
                                               negatives from the end); 0 means the default -1 */
} brain_group_norm_options;
brain_layer *brain_group_normalization(int64_t groups, const brain_group_norm_options *opt);

/* Attention (dot-product, Luong) and AdditiveAttention (Bahdanau), called on a list
 * brain_apply_n(l, BRAIN_SYMS(query, value)) or (query, value, key): no projections; scores
 * q·k (Attention; × scale with use_scale; "concat": w·Σ tanh(scale·(q + k))) or Σ scale ⊙ tanh(q + k)
 * (AdditiveAttention), softmax over the value steps, weights × value.  The value's Keras mask and
 * use_causal_mask hide value steps; the output is 0 at masked query steps and carries their mask. */
typedef struct brain_attention_options {
    brain_flag use_scale;                   /* default: off for Attention, on for AdditiveAttention */
    bool score_concat;                      /* Attention's score_mode "concat" (default "dot") */
    float dropout;                          /* on the attention weights, training only */
    bool use_causal_mask;                   /* call(..., use_causal_mask=True) */
    uint64_t seed; bool has_seed;
    const char *name;
} brain_attention_options;
brain_layer *brain_attention(const brain_attention_options *opt);
brain_layer *brain_additive_attention(const brain_attention_options *opt);

/* Noise and regularization layers, active in training only (identity at inference); draws come
 * from the model's generator unless a seed is given.
 *   GaussianNoise(stddev): x + N(0, stddev²)
 *   GaussianDropout(rate): x · N(1, rate / (1 − rate))
 *   SpatialDropout1D/2D(rate): Dropout of whole channels — one draw per (sample, channel) for
 *   every step (1D, (steps, C)) or pixel (2D, (H, W, C)), kept ones scaled by 1 / (1 − rate) */
typedef struct brain_noise_options {
    uint64_t seed; bool has_seed;
    const char *name;
} brain_noise_options;
brain_layer *brain_gaussian_noise(float stddev, const brain_noise_options *opt);
brain_layer *brain_gaussian_dropout(float rate, const brain_noise_options *opt);
brain_layer *brain_spatial_dropout1d(float rate, const brain_noise_options *opt);
brain_layer *brain_spatial_dropout2d(float rate, const brain_noise_options *opt);
/* ActivityRegularization(l1, l2): identity; adds (l1·Σ|x| + l2·Σx²) / batch to the loss (Keras 3). */
brain_layer *brain_activity_regularization(float l1, float l2, const brain_layer_options *opt);
/* RepeatVector(n): (F) -> (n, F). */
brain_layer *brain_repeat_vector(int64_t n, const brain_layer_options *opt);
/* Permute(dims): reorders the axes after the batch; dims is a permutation of 1..ndims (Keras's
 * numbering), e.g. (int[]){2, 1} swaps steps and features. */
brain_layer *brain_permute(int ndims, const int *dims, const brain_layer_options *opt);

/* ==== Keras applications and fidelity (issue 10) ==== */
/* Multi-output layers in the functional API.  brain_apply returns a layer call's first output;
 * brain_sym_output(s, k) is output k of the same call (Keras: `seq, h, c = LSTM(4,
 * return_sequences=True, return_state=True)(x)` -> s, brain_sym_output(s, 1), brain_sym_output(s, 2)).
 * An index the layer does not have gives a failed sym whose error names the layer and the index. */
brain_sym brain_sym_output(brain_sym s, int k);
/* layer(xs, mask=mask): the mask (any tensor of the shape of the first input without its last
 * axis; nonzero = keep) replaces the mask the first input carries, as Keras's mask= keyword. */
brain_sym brain_apply_masked(brain_layer *layer, int n, const brain_sym *xs, brain_sym mask);

/* ReLU(max_value, negative_slope, threshold) as keras.layers.ReLU: y = min(x, max_value) for
 * x > threshold, negative_slope·(x − threshold) otherwise.  Defaults: no cap, 0, 0. */
typedef struct brain_relu_options {
    float max_value; bool has_max_value;    /* MobileNet's ReLU(6.) */
    float negative_slope;
    float threshold;
    const char *name;
} brain_relu_options;
brain_layer *brain_relu(const brain_relu_options *opt);
/* ZeroPadding2D(((top, bottom), (left, right))) and Cropping2D(((top, bottom), (left, right))) on
 * (H, W, C) images. */
brain_layer *brain_zero_padding2d(int64_t top, int64_t bottom, int64_t left, int64_t right, const brain_layer_options *opt);
brain_layer *brain_cropping2d(int64_t top, int64_t bottom, int64_t left, int64_t right, const brain_layer_options *opt);
/* DepthwiseConv2D((kh, kw)): kernel (kh, kw, C, depth_multiplier), bias (C·depth_multiplier,);
 * output channel c·depth_multiplier + m.  Options as brain_conv_options (zero = Keras default). */
typedef struct brain_depthwise_conv_options {
    int64_t strides[2];
    brain_padding padding;                  /* default valid */
    int64_t dilation_rate[2];
    int64_t depth_multiplier;               /* default 1 */
    brain_activation_kind activation;       /* default linear */
    brain_flag use_bias;                    /* default on */
    brain_initializer_kind depthwise_initializer, bias_initializer; /* glorot_uniform, zeros */
    brain_regularizer depthwise_regularizer, bias_regularizer;
    const char *name;
    brain_initializer_kind pointwise_initializer; /* SeparableConv2D: default glorot_uniform */
    brain_regularizer pointwise_regularizer;
} brain_depthwise_conv_options;
brain_layer *brain_depthwise_conv2d(int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt);
/* SeparableConv2D(filters, (kh, kw)): the depthwise convolution (depthwise_kernel, no bias), then
 * a 1×1 convolution (pointwise_kernel (1, 1, C·depth_multiplier, filters), bias (filters,)). */
brain_layer *brain_separable_conv2d(int64_t filters, int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt);
/* UpSampling2D(size, interpolation): (H, W, C) -> (size[0]·H, size[1]·W, C); size 0 = 2
 * ({s} alone = (s, s)); nearest by default, bilinear as Keras (jax.image.resize, half-pixel). */
typedef struct brain_upsampling2d_options {
    int64_t size[2];
    bool bilinear;
    const char *name;
} brain_upsampling2d_options;
brain_layer *brain_upsampling2d(const brain_upsampling2d_options *opt);
/* Conv2DTranspose(filters, (kh, kw)): kernel (kh, kw, filters, in_channels), bias (filters,);
 * output n·s ("same") or (n − 1)·s + max(k, s) ("valid") per axis, as Keras (output_padding None). */
brain_layer *brain_conv2d_transpose(int64_t filters, int64_t kh, int64_t kw, const brain_conv_options *opt);
/* Rescaling(scale, offset): y = x·scale + offset; n_scale / n_offset values (0 = the defaults
 * 1 and 0; 1 = one number; else one per channel of the last axis, at most 64). */
typedef struct brain_rescaling_options {
    int n_scale; float scale[64];
    int n_offset; float offset[64];
    const char *name;
} brain_rescaling_options;
brain_layer *brain_rescaling(const brain_rescaling_options *opt);
/* Normalization over the last axis: y = (x − mean) / max(√variance, 1e-7) (invert: the reverse).
 * n_const 0: mean and variance are the layer's non-trainable weights (mean, variance, count as
 * Keras saves them), set by brain_normalization_adapt; else n_const given values (1 or one per
 * channel). */
typedef struct brain_normalization_options {
    int n_const; float mean[64], variance[64];
    bool invert;
    const char *name;
    int axis;                    /* 0 or -1: the last; else its number counting the batch axis (3 for images) */
} brain_normalization_options;
brain_layer *brain_normalization(const brain_normalization_options *opt);
/* Keras's adapt(data): the per-channel mean and population variance of data (any shape ending in
 * the channels), over every other axis.  The layer must be in a built model. */
brain_status brain_normalization_adapt(brain_layer *l, const brain_tensor *data);
/* Global pooling with Keras's keyword arguments: rank 1 (GlobalAveragePooling1D) or 2
 * (GlobalAveragePooling2D, GlobalMaxPooling2D with is_max); keepdims keeps the pooled axes
 * as 1 ((1, 1, C) or (1, C)), as squeeze-and-excitation blocks use it. */
typedef struct brain_global_pooling_options {
    const char *name;
    int rank;                    /* 1 or 2 */
    bool is_max;
    bool keepdims;
} brain_global_pooling_options;
brain_layer *brain_global_pooling(const brain_global_pooling_options *opt);

/* ==== command line and files (issue 9) ==== */
/* What the `brain` program (tools/cli/, docs/cli.md) needs and users need too. */

/* The arrays of a NumPy .npz, as numpy.load(path).files names them ("x", "y": member names
 * without ".npy"), in archive order.  *names is a new array of *n new strings; free it with
 * brain_npz_members_free. */
brain_status brain_npz_members(const char *path, char ***names, int64_t *n);
void brain_npz_members_free(char **names, int64_t n);

/* An IDX image file and its label file (the MNIST family's pairs), of any size, gzip'd or not:
 * *x keeps the image file's dims (n, ...), *y is (n,).  The labels must be one-dimensional and
 * their count must equal the image count (BRAIN_ERR_FORMAT naming both files and counts). */
brain_status brain_load_idx_pair(const char *images, const char *labels, brain_tensor **x, brain_tensor **y);

/* A copy of a scaler (fitted or not); NULL with an error when out of memory. */
brain_scaler *brain_scaler_clone(const brain_scaler *s);
/* "StandardScaler" or "MinMaxScaler" (scikit-learn's class names); NULL for NULL. */
const char *brain_scaler_class_name(const brain_scaler *s);

/* Preprocessing saved with a model, as Keras users keep preprocessing inside the model: brain_save
 * writes it to the .keras zip as brain_preprocessing.json (docs/saving.md; Keras's loader ignores
 * the member), brain_load_model reads it back, exactly (float64 statistics written with 17
 * digits).  brain does not apply it itself: transform raw data with brain_model_scaler(m) before
 * brain_predict / brain_evaluate, and map class ids to brain_model_class_name.
 * brain_model_set_scaler keeps a copy of a FITTED scaler (NULL removes it); the copy is the
 * model's, valid until the model is freed or the scaler replaced. */
brain_status brain_model_set_scaler(brain_model *m, const brain_scaler *s);
const brain_scaler *brain_model_scaler(const brain_model *m);
/* The label of each class id (LabelEncoder's classes_, as brain_table's class_names): copies;
 * n = 0 removes them. */
brain_status brain_model_set_class_names(brain_model *m, const char *const *names, int n);
int brain_model_num_class_names(const brain_model *m);
const char *brain_model_class_name(const brain_model *m, int i); /* NULL when out of range */

/* ==== deployment: C and ONNX export (issue 15; docs/deploy.md) ==== */
/* What brain_export_c wrote (optional output). */
typedef struct brain_export_c_report {
    char name[64];                   /* the C prefix used: NAME.h, NAME.c, NAME_predict */
    int64_t weight_bytes;            /* constant data in NAME.c (flash) */
    int64_t float_weight_bytes;      /* the same weights as float32 (= weight_bytes without int8) */
    int64_t arena_bytes;             /* the static arena (RAM) */
    int n_steps;                     /* layer functions (and int8 conversions) called per sample */
} brain_export_c_report;
typedef struct brain_export_c_options {
    const char *name;                /* C identifier prefix and file name; default: the model's name */
    bool int8;                       /* post-training int8 quantisation (TFLite's scheme) */
    /* int8: requantise Dense/Conv outputs with TFLite's 32-bit fixed-point multiplier and shift
     * (integer arithmetic only) instead of one float multiply per output */
    bool int8_fixed_point;
    /* int8: representative inputs (rows first, the model's input shape) whose activations set
     * each tensor's range; a few hundred rows of training data are typical */
    const brain_tensor *calibration;
    brain_export_c_report *report;   /* filled when not NULL */
} brain_export_c_options;
/* Writes DIR/NAME.h and DIR/NAME.c: a dependency-free C99 version of the model's inference
 * (weights as static const arrays, one function per layer, int NAME_predict(const float *in,
 * float *out), NAME_predict_batch and the reentrant NAME_predict_ws; no malloc).  Dropout and
 * augmentation are removed, BatchNormalization folded into the Dense/Conv before it.  A layer
 * the exporter does not know is an error naming it.  int8 runs the model on the calibration
 * data (its forward buffers are used, hence the non-const model). */
brain_status brain_export_c(brain_model *m, const char *dir, const brain_export_c_options *opt);
/* Writes the model as an ONNX file (opset 13, float32) that ONNX Runtime loads.  Needs the
 * library built with protobuf-c; otherwise BRAIN_ERR_STATE "not built with ONNX support". */
brain_status brain_export_onnx(const brain_model *m, const char *path);
/* true when this build can write ONNX */
bool brain_onnx_available(void);

/* ==== reliability (issue 16): docs/reliability.md ==== */
/* Keras 3's BackupAndRestore(backup_dir, save_freq="epoch", delete_checkpoint=True): at each
 * epoch's end (or every save_freq batches) the weights, the optimizer's state, the epoch and the
 * model's generator go to backup_dir (latest.weights.h5 and training_metadata.json, each replaced
 * atomically, in an order that leaves a consistent backup at any crash); a fit started with a
 * backup present resumes from it — with epoch-level saves, to bitwise the weights an
 * uninterrupted fit would have; a fit that succeeds removes the backup (unless delete_checkpoint
 * is BRAIN_OFF).  Run the resumed fit with the same data and options. */
typedef struct brain_backup_and_restore_options {
    const char *backup_dir;          /* required */
    int save_freq;                   /* 0 = "epoch" (default); n > 0 = every n batches */
    brain_flag delete_checkpoint;    /* default on */
} brain_backup_and_restore_options;
brain_callback *brain_backup_and_restore(const brain_backup_and_restore_options *opt);

/* ==== Datasets: data bigger than memory, image and text folders (issue 14) ==== */
/* A brain_dataset is a sequence of batches (Keras's PyDataset / tf.data, PyTorch's DataLoader):
 * num_batches, get_batch(i) and reset(epoch).  Sources read tensors, a user generator, memory-
 * mapped .npy files, a CSV in chunks, or folders of images or texts; transformations wrap a
 * dataset (and own it: the wrapped one is freed with the wrapper, also when the call fails; a
 * NULL input gives NULL, so calls chain).  brain_fit_dataset trains on one.  docs/data.md. */
typedef struct brain_dataset brain_dataset;

#define BRAIN_DATASET_MAX_IO 16
/* One batch.  Its tensors are views into the source or into buffers the batch owns (reused by
 * the next get_batch into the same batch); free the buffers with brain_batch_release. */
typedef struct brain_batch {
    int n_x, n_y;
    brain_tensor x[BRAIN_DATASET_MAX_IO], y[BRAIN_DATASET_MAX_IO];
    const float *sample_weight;      /* rows values, or NULL */
    const char **texts;              /* text datasets: rows strings (x is then empty) */
    int64_t rows;
    /* owned storage (x slots, y slots, sample weights, texts) */
    float *buf_[2 * BRAIN_DATASET_MAX_IO + 1];
    int64_t cap_[2 * BRAIN_DATASET_MAX_IO + 1];
    char *text_arena_; size_t text_cap_; const char **text_ptrs_; int64_t text_ptrs_cap_;
} brain_batch;
/* Sizes x[k] (or y[k], or the sample weights) to a full shape (batch axis first) in storage the
 * batch owns, sets n_x / n_y / rows, and returns the floats to fill (NULL when out of memory). */
float *brain_batch_x(brain_batch *b, int k, int ndim, const int64_t *shape);
float *brain_batch_y(brain_batch *b, int k, int ndim, const int64_t *shape);
float *brain_batch_sample_weight(brain_batch *b, int64_t rows);
void brain_batch_release(brain_batch *b);

/* Batches per epoch (-1: endless, as after brain_dataset_repeat without a count). */
int64_t brain_dataset_num_batches(const brain_dataset *ds);
/* Rows over all batches of an epoch (-1 when not known ahead). */
int64_t brain_dataset_num_rows(const brain_dataset *ds);
/* Batch i (0-based) of the current epoch; shuffles and user callbacks use the epoch number. */
brain_status brain_dataset_get_batch(brain_dataset *ds, int64_t i, brain_batch *out);
/* Starts epoch `epoch`: new shuffle order, generator's on_epoch_end, workers restarted. */
brain_status brain_dataset_reset(brain_dataset *ds, int epoch);
/* Class names (image and text folders: the subfolder names, sorted), NULL for other sources. */
const char *const *brain_dataset_class_names(const brain_dataset *ds, int *n);
/* Keras's ds.file_paths: an image or text folder dataset's files, in its (subset's) order before
 * any per-epoch shuffle; NULL for other sources. */
const char *const *brain_dataset_file_paths(const brain_dataset *ds, int64_t *n);
void brain_dataset_free(brain_dataset *ds);

/* ---- sources */
typedef struct brain_dataset_tensor_options {
    int batch_size;                  /* default 32 */
    brain_flag shuffle;              /* default off (as tf.data); on: a new order each epoch */
    uint64_t seed; bool has_seed;    /* without: fit's generator shuffles (as brain_fit does) */
    const float *sample_weight;      /* one per row, or NULL */
} brain_dataset_tensor_options;
/* Views the tensors (not copied: keep them alive); all must have the same row count. */
brain_dataset *brain_dataset_from_tensors(int n_x, const brain_tensor *const *xs, int n_y,
                                          const brain_tensor *const *ys, const brain_dataset_tensor_options *opt);

/* Keras's PyDataset: len() batches, get_batch(i) fills `out` (brain_batch_x / _y), and
 * on_epoch_end.  thread_safe: get_batch may run on several threads at once (map, prefetch). */
typedef struct brain_generator {
    int64_t (*len)(void *user);
    brain_status (*get_batch)(int64_t i, brain_batch *out, void *user);
    void (*on_epoch_end)(int epoch, void *user);   /* may be NULL */
    void *user;
    bool thread_safe;
} brain_generator;
brain_dataset *brain_dataset_from_generator(const brain_generator *g);

typedef struct brain_dataset_file_options {
    int batch_size;                  /* default 32 */
    brain_flag shuffle;              /* default off */
    uint64_t seed; bool has_seed;
} brain_dataset_file_options;
/* x (N, ...) and optionally y (N, ...) from .npy files, memory-mapped: any size, rows read (and
 * converted to float32) when a batch needs them; the pages read are handed back to the kernel
 * as training goes, so memory stays bounded.  y_path may be NULL. */
brain_dataset *brain_dataset_from_npy(const char *x_path, const char *y_path, const brain_dataset_file_options *opt);

typedef struct brain_dataset_csv_options {
    const char *target;              /* the target column; NULL: x only */
    char delimiter;                  /* default ',' */
    int batch_size;                  /* default 32 */
    brain_flag shuffle;              /* default off; on shuffles the order of the batches */
    uint64_t seed; bool has_seed;
} brain_dataset_csv_options;
/* A numeric CSV with a header row, read a batch of lines at a time (one pass at opening
 * records where each batch starts); a bad cell fails the batch naming the file, line, column. */
brain_dataset *brain_dataset_from_csv(const char *path, const brain_dataset_csv_options *opt);

typedef enum brain_label_mode { BRAIN_LABELS_INT = 0, BRAIN_LABELS_CATEGORICAL, BRAIN_LABELS_BINARY,
                                BRAIN_LABELS_NONE } brain_label_mode;
typedef enum brain_color_mode { BRAIN_COLOR_RGB = 0, BRAIN_COLOR_GRAYSCALE, BRAIN_COLOR_RGBA } brain_color_mode;
typedef struct brain_directory_options {
    brain_label_mode label_mode;     /* default int: y (batch,) class ids */
    const char *const *class_names;  /* NULL-terminated: the subfolders to use, in this order */
    brain_color_mode color_mode;     /* images: default rgb */
    int image_size[2];               /* images: height, width; default 256 × 256 (bilinear resize) */
    int batch_size;                  /* default 32 */
    brain_flag shuffle;              /* default on */
    uint64_t seed; bool has_seed;
    float validation_split;          /* with subset */
    const char *subset;              /* "training" or "validation" */
    bool skip_bad_files;             /* a corrupt file is skipped with a warning, not an error */
    bool follow_links;               /* descend into linked sub-folders of a class (default no, as Keras) */
    int64_t max_length;              /* texts: cut each to this many bytes (default: whole) */
} brain_directory_options;
/* Keras's image_dataset_from_directory: dir/<class>/..., files .png|jpg|jpeg|tif|tiff, labels from the
 * subfolder names (sorted), x (batch, height, width, channels) float32 0..255. */
brain_status brain_image_dataset_from_directory(const char *dir, const brain_directory_options *opt, brain_dataset **out);
/* Keras's text_dataset_from_directory: dir/<class>/..., files .txt; batches carry `texts`. */
brain_status brain_text_dataset_from_directory(const char *dir, const brain_directory_options *opt, brain_dataset **out);

/* ---- transformations (each takes ownership of ds) */
/* Rows flow through a buffer of buffer_size rows; each batch draws its rows at random from it
 * (tf.data's shuffle on the rows, batches of ds's size). */
brain_dataset *brain_dataset_shuffle(brain_dataset *ds, int64_t buffer_size, uint64_t seed);
/* Regroups the rows into batches of batch_size (the last smaller unless drop_remainder). */
brain_dataset *brain_dataset_batch(brain_dataset *ds, int batch_size, bool drop_remainder);
/* fn changes a batch in place (or refills it with brain_batch_x/_y); `seed` is fixed by
 * (epoch, i) for reproducible random augmentation.  Runs on num_threads worker threads
 * (default 1 = the caller's thread) that work ahead, batches delivered in order. */
typedef brain_status (*brain_map_fn)(brain_batch *b, int64_t i, uint64_t seed, void *user);
/* For generators and map functions: sets this thread's error message (printf-style) and returns
 * code, so that the failure reaches brain_last_error() on the caller's thread with its reason. */
#if defined(__GNUC__)
#define BRAIN__PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define BRAIN__PRINTF_LIKE(f, a)
#endif
brain_status brain_set_error(brain_status code, const char *fmt, ...) BRAIN__PRINTF_LIKE(2, 3);
brain_dataset *brain_dataset_map(brain_dataset *ds, brain_map_fn fn, void *user, int num_threads);
/* The text vectorizer applied to a text dataset's texts: x[0] (batch, length) token ids. */
brain_dataset *brain_dataset_vectorize_text(brain_dataset *ds, const brain_text_vectorizer *v);
/* Keeps every batch in memory after the first epoch reads it. */
brain_dataset *brain_dataset_cache(brain_dataset *ds);
/* count epochs of ds as one (count <= 0: endless). */
brain_dataset *brain_dataset_repeat(brain_dataset *ds, int count);
brain_dataset *brain_dataset_take(brain_dataset *ds, int64_t n_batches);
brain_dataset *brain_dataset_skip(brain_dataset *ds, int64_t n_batches);
/* Background thread preparing up to n batches ahead (default 2). */
brain_dataset *brain_dataset_prefetch(brain_dataset *ds, int n);
/* Rows [index·b/n, (index+1)·b/n) of every batch of b rows: shard `index` of n (data-parallel
 * training: every rank reads the same global batches and keeps its part). */
brain_dataset *brain_dataset_shard(brain_dataset *ds, int num_shards, int index);

/* ---- fit, evaluate, predict on a dataset */
typedef struct brain_fit_dataset_options {
    int epochs;                      /* default 1 */
    int verbose;                     /* as brain_fit_options */
    int64_t steps_per_epoch;         /* default: the dataset's num_batches; with it, epochs draw
                                        batches on from where the last stopped (restarting the
                                        dataset, next epoch number, when it runs out) */
    brain_dataset *validation_data;  /* not owned */
    int64_t validation_steps;        /* default: all of validation_data */
    int validation_freq;             /* default 1 */
    int initial_epoch;
    uint64_t seed; bool has_seed;    /* the model's generator: dropout, and sources without a seed */
    const float *class_weight; int n_class_weight;
    brain_callback **callbacks;      /* NULL-terminated */
    brain_flag check_finite;         /* default on: NaN/±Inf in a batch or the weights stop fit */
} brain_fit_dataset_options;
brain_status brain_fit_dataset(brain_model *m, brain_dataset *train, const brain_fit_dataset_options *opt,
                               brain_history **history);
typedef struct brain_eval_dataset_options {
    int verbose;
    int64_t steps;                   /* default: all batches */
} brain_eval_dataset_options;
brain_status brain_evaluate_dataset(brain_model *m, brain_dataset *ds, const brain_eval_dataset_options *opt,
                                    brain_logs *logs);
/* Output 0's predictions for every row of every batch, in order (a new tensor). */
brain_status brain_predict_dataset(brain_model *m, brain_dataset *ds, const brain_eval_dataset_options *opt,
                                   brain_tensor **out);

/* ==== Data-parallel training with MPI (issue 14) ==== */
/* brain_dist_init joins the MPI job started by mpirun/srun (MPI_Init if nobody did); afterwards
 * brain_fit_dataset on every rank trains one model: rank 0's weights are broadcast, each step's
 * gradients are averaged over the ranks (weighted by their rows), the optimizer steps the same
 * everywhere, losses and metrics are reduced, and only rank 0 prints and writes files
 * (ModelCheckpoint, CSVLogger).  Give each rank its part with brain_dataset_shard.  In a build
 * without MPI, init fails with a clear error and the rest says rank 0 of 1.  docs/distributed.md */
brain_status brain_dist_init(void);
int brain_dist_rank(void);
int brain_dist_size(void);
bool brain_dist_available(void);     /* built with MPI */
/* Seconds spent in gradient allreduce since init (for the speed report). */
double brain_dist_allreduce_seconds(void);
void brain_dist_finalize(void);

/* ==== merge layers with Keras masks, attention part 2 (issue 11) ==== */
/* Minimum: the elementwise minimum of its inputs (Keras's Minimum); like brain_maximum, masked
 * steps of an input take no part (Keras 3's rule, src/layers/maximum.c). */
brain_layer *brain_minimum(const brain_layer_options *opt);

/* ==== Nested models and shared layers (issue 10) ==== */
/* A model used as a layer of another model (Keras: `x = base(inputs, training=False)`):
 *   brain_layer *b = brain_model_as_layer(base, &(brain_model_layer_options){.training = BRAIN_OFF});
 *   brain_sym x = brain_apply(b, inputs);
 * The layer takes `base` over (freed with the outer model); its name is the model's.  Its weights
 * become the outer model's (get_weights lists them at the layer's place, in base's own order) and
 * train with it.  `training = BRAIN_OFF` runs base in inference mode at every call, as Keras's
 * training=False (BatchNormalization uses its moving statistics even while the outer model
 * trains); BRAIN_DEFAULT follows the outer model.  brain_layer_set_trainable on the layer sets
 * every layer inside, as Keras's `base.trainable = False`; a layer inside counts as trainable
 * only when the model layer is too.  Saved in .keras files as Keras nests them.
 *
 * Shared layers: brain_apply on a layer already applied in the same graph calls it again with the
 * same weights (Keras's siamese networks: `d = Dense(8); d(a); d(b)`); the gradients of all its
 * calls add up.  Each call must give weights of the same shapes. */
typedef struct brain_model_layer_options {
    brain_flag training;            /* BRAIN_OFF: Keras's training=False at the call */
} brain_model_layer_options;
brain_layer *brain_model_as_layer(brain_model *m, const brain_model_layer_options *opt);
/* The model a model layer runs (NULL for other layers); its layers can be listed and frozen. */
brain_model *brain_layer_inner_model(brain_layer *l);
/* Keras's `model.trainable = False/True`: every layer of m (and of the models inside it) is set,
 * and, when m is used as a layer, that layer too.  Takes effect at the next brain_compile. */
void brain_model_set_trainable(brain_model *m, bool trainable);
/* Keras's `layer.trainable` (the layer's own flag; a layer inside a frozen model layer does not
 * train even when its own flag is true). */
bool brain_layer_trainable(const brain_layer *l);

/* ==== Thread policy (issue 13): docs/threads.md ==== */
/* How many threads the next kernel call would use: brain_set_num_threads(n > 0), else the
 * BRAIN_NUM_THREADS or OMP_NUM_THREADS environment variable, else automatic — the CPUs this
 * process may use less those other processes keep busy (re-measured at most every 100 ms), at
 * least 1.  brain_set_num_threads(0) returns to the environment's or the automatic choice. */
int brain_get_num_threads(void);

/* ==== preprocessing: Discretization adapt (issue 12) ====
 * Discretization(num_bins=..., epsilon=0.01): boundaries learnt by brain_discretization_adapt
 * from every value of `data` (Keras's adapt on an array: its approximate quantile summary,
 * reproduced exactly).  Adapting again starts afresh.  Before adapt every value maps to bin 0. */
typedef struct brain_discretization_options {
    float epsilon;                  /* default 0.01 */
    const char *name;
} brain_discretization_options;
brain_layer *brain_discretization_adaptable(int num_bins, const brain_discretization_options *opt);
brain_status brain_discretization_adapt(brain_layer *layer, const brain_tensor *data);

/* ==== image augmentation: RandomBrightness, RandomContrast (issue 12) ====
 * On (H, W, C) images, in training only (the identity at inference), one draw per image; with
 * has_seed the layer has its own generator (reproducible), else it uses the model's.
 * factor as Keras: a number f, or a pair (lower, upper) with has_pair.  RandomBrightness adds
 * (lower + u·(upper − lower))·(v1 − v0) (f gives (−f, f)); RandomContrast scales each channel
 * about its mean by a factor in [1 − lower, 1 + upper] (f gives (0, f), as Keras 3's
 * _set_factor does).  Both clip to value_range (default (0, 255)). */
typedef struct brain_random_value_options {
    bool has_pair; float lower, upper;      /* factor=(lower, upper) instead of the number */
    bool has_value_range; float value_range[2]; /* default (0, 255) */
    bool has_seed; uint64_t seed;
    const char *name;
} brain_random_value_options;
brain_layer *brain_random_brightness(float factor, const brain_random_value_options *opt);
brain_layer *brain_random_contrast(float factor, const brain_random_value_options *opt);

/* ==== image augmentation: RandomTranslation, RandomZoom (issue 12) ====
 * On (H, W, C) images, in training only (the identity at inference), one draw per image (own
 * generator with has_seed).  Factors as Keras: a number f gives (−f, f), a pair (lower, upper)
 * with has_*_pair.  RandomTranslation(height_factor, width_factor) shifts by u_h·H, u_w·W;
 * RandomZoom(height_factor, width_factor=None) scales about the centre by 1 + u (u < 0 zooms in;
 * without a width factor both axes use the same draw).  Sampled as RandomRotation: fill_mode
 * reflect (default), constant (fill_value) or nearest ("wrap" is not supported), bilinear or
 * nearest interpolation. */
typedef struct brain_random_affine_options {
    bool has_height_pair; float height_lower, height_upper;
    bool has_width_pair; float width_lower, width_upper;
    bool has_width_factor; float width_factor;  /* RandomZoom only (RandomTranslation takes it as an argument) */
    brain_fill_mode fill_mode;              /* default reflect */
    float fill_value;                       /* default 0 */
    brain_interpolation interpolation;      /* default bilinear */
    bool has_seed; uint64_t seed;
    const char *name;
} brain_random_affine_options;
brain_layer *brain_random_translation(float height_factor, float width_factor, const brain_random_affine_options *opt);
brain_layer *brain_random_zoom(float height_factor, const brain_random_affine_options *opt);

/* ==== image augmentation: RandomCrop (issue 12) ====
 * RandomCrop(height, width) on (H, W, C) images → (height, width, C).  In training, when the
 * input is larger on both axes, a random window (one offset per batch, as Keras draws it; own
 * generator with has_seed).  Otherwise, and at inference, the largest centred window of the
 * target's aspect ratio resized (bilinear) to (height, width) — Keras's documented inference
 * behaviour, the same as Resizing(height, width, crop_to_aspect_ratio=True).  (Keras 3.15 itself
 * returns the uncropped input at inference; brain keeps the one output shape.) */
typedef struct brain_random_crop_options {
    bool has_seed; uint64_t seed;
    const char *name;
} brain_random_crop_options;
brain_layer *brain_random_crop(int64_t height, int64_t width, const brain_random_crop_options *opt);

/* ==== user-written losses and metrics (issue 12) ====
 * Keras's custom loss functions and Metric subclasses, in C.  Both are saved in config.json's
 * compile_config as Keras writes registered objects (a loss as {"class_name": "function",
 * "config": "<registered name>"}, a metric as {"class_name": <name>, "registered_name": ...});
 * brain_load_model compiles them again when the same name was registered in this process
 * (brain_register_loss / brain_register_metric, Keras's register_keras_serializable).
 *
 * A loss is a per-sample function: given one sample's targets (n_true values) and predictions
 * (n_pred values) it returns the sample's loss L_i and, when grad is not NULL, writes
 * dL_i/dy_pred (n_pred floats).  brain applies Keras's "sum_over_batch_size" reduction:
 * loss = Σ_i w_i·L_i / N (w_i the sample/class weight, 1 without) and scales the gradients so. */
typedef double (*brain_custom_loss_fn)(const float *y_true, int64_t n_true, const float *y_pred, int64_t n_pred,
                                       float *grad, void *user);
typedef struct brain_custom_loss_def {
    const char *name;               /* the function's name, e.g. "my_loss" (required) */
    const char *registered_name;    /* Keras's "package>name"; default "Custom>" + name */
    brain_custom_loss_fn fn;        /* required */
    void *user;                     /* passed to fn */
} brain_custom_loss_def;
brain_loss *brain_loss_custom(const brain_custom_loss_def *def);
/* A metric keeps state_size bytes of state of its own (zeroed at creation and, without a reset
 * function, at every reset): update accumulates one batch (y_true, y_pred and sample_weight as
 * brain_metric_update gets them; sample_weight may be NULL), result reads it, reset clears it
 * (Keras's update_state / result / reset_state).  The log key is `name`. */
typedef struct brain_custom_metric_def {
    const char *name;               /* log key and config name, e.g. "my_metric" (required) */
    const char *class_name;         /* Keras class, e.g. "MyMetric"; default name */
    const char *registered_name;    /* default "Custom>" + class_name */
    size_t state_size;              /* bytes (at most 1 MiB) */
    brain_status (*update)(void *state, const brain_tensor *y_true, const brain_tensor *y_pred,
                           const float *sample_weight, void *user);       /* required */
    double (*result)(const void *state, void *user);                        /* required */
    void (*reset)(void *state, void *user);                                 /* may be NULL */
    void *user;
} brain_custom_metric_def;
brain_metric *brain_metric_custom(const brain_custom_metric_def *def);
/* Register a definition (copied; up to 16 of each) so that brain_load_model can compile a saved
 * model naming it; registering the same registered name again replaces it. */
brain_status brain_register_loss(const brain_custom_loss_def *def);
brain_status brain_register_metric(const brain_custom_metric_def *def);

#ifdef __cplusplus
}
#endif
#endif /* BRAIN_H */
