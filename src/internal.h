/* internal.h — what the library's parts share and users do not see.
 *
 * Layout of the data a model owns:
 *   m->params  : every trainable value, one contiguous float buffer (weights in layer order,
 *                each layer's in Keras order: kernel, bias, ...)
 *   m->grads   : the matching gradients, same size
 *   m->state   : non-trainable values (BatchNormalization's moving statistics, frozen layers)
 * A brain_weight records where one Keras variable lives inside those buffers.
 */
#ifndef BRAIN_INTERNAL_H
#define BRAIN_INTERNAL_H

/* The library is compiled with hidden visibility (CMakeLists.txt): the declarations of brain.h,
 * the public API, are the ones given default visibility, so libbrain.so exports exactly them
 * (tests/symbols.sh checks).  Library files include brain.h through this header only. */
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
#include "brain.h"
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif

/* A number read from a file (a JSON value) as an integer without undefined behaviour: NaN gives
 * 0 and values beyond ±2^62 (or the int range) are clamped, so the range checks that follow
 * reject them instead of a cast overflowing (a fuzz finding in layer configs). */
static inline int64_t brain__to_i64(double d)
{
    if (!(d == d)) return 0;
    if (d > 4611686018427387904.0) return INT64_C(4611686018427387904);
    if (d < -4611686018427387904.0) return -INT64_C(4611686018427387904);
    return (int64_t)d;
}
static inline int brain__to_int(double d)
{
    if (!(d == d)) return 0;
    if (d > 2147483647.0) return 2147483647;
    if (d < -2147483648.0) return -2147483647 - 1;
    return (int)d;
}

/* BRAIN_VECTOR_LOOP marks a hot element-wise function for function multiversioning: GCC
 * compiles it for the x86-64 baseline, x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512), and the
 * dynamic loader picks one per CPU (an ifunc), so the portable default build keeps the wide
 * vectors of a -march=native one (bench/README.md measures it).  Only for loops whose results
 * do not depend on the vector width: element-wise, no reductions (the library is compiled with
 * -std=c11, which turns floating-point contraction off, so no FMA appears either).  The matrix
 * multiply has its own per-ISA files and table instead (src/core/kernels/).  Elsewhere, or in a
 * build already compiled for AVX2 or more, it is nothing. */
/* (Not under ThreadSanitizer: its instrumented ifunc resolvers run before its runtime starts.) */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__) && !defined(__AVX2__) && \
    !defined(__SANITIZE_THREAD__)
#define BRAIN_VECTOR_LOOP __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define BRAIN_VECTOR_LOOP
#endif
#include <stdio.h>

struct cJSON; /* cJSON (libcjson): layer configs as Keras writes them in config.json */

#define BRAIN_NAME_MAX 64

/* ------------------------------------------------------------------ errors and output */
/* Sets the thread's error message (printf-style) and returns `code`. */
brain_status brain__fail(brain_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes through the print hook (printf-style). */
void brain__print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void brain__print_raw(const char *text);
/* Allocation helpers that set the error message on failure. */
void *brain__alloc(size_t bytes);        /* zeroed; NULL + error on failure */
void *brain__alloc_array(size_t n, size_t size); /* zeroed, overflow-checked */
char *brain__strdup(const char *s);
/* The global seed set by brain_set_random_seed, advanced for each new model. */
uint64_t brain__next_seed(void);
double brain__now(void); /* monotonic seconds */
/* A float option as the decimal the user wrote (0.2f -> 0.2), so that derived doubles
 * match Keras's Python floats (e.g. validation_split's split point). */
double brain__float_option(float f);
/* A whole regular file of at most `max` bytes into a new buffer (*data, NUL-terminated past *n;
 * free it); BRAIN_ERR_IO naming the file when it cannot be opened or read. */
brain_status brain__read_file(const char *path, size_t max, uint8_t **data, size_t *n);

/* ------------------------------------------------------------------ kernels */
/* The one matrix-multiply entry point, row-major:
 *   C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C
 * op(X) = X or Xᵀ per ta / tb; lda/ldb/ldc are row strides as stored. */
void brain_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                 const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                 float *C, int64_t ldc);
int brain__num_threads(void);

/* Activations: forward y = f(x); backward dx (+)= dy · f'(x) using x and/or y. */
void brain__act_forward(brain_activation_kind a, const float *x, float *y, int64_t rows, int64_t cols);
/* accumulate: dx += ...; else dx = ... */
void brain__act_backward(brain_activation_kind a, const float *x, const float *y, const float *dy,
                         float *dx, int64_t rows, int64_t cols, bool accumulate);
/* true when backward needs only y (so x need not be kept) */
bool brain__act_backward_uses_y_only(brain_activation_kind a);

/* ------------------------------------------------------------------ weights */
typedef struct brain_weight {
    char name[BRAIN_NAME_MAX];      /* "kernel", "bias", "gamma", "moving_mean", ... */
    int ndim;
    int64_t shape[BRAIN_MAX_DIMS];
    int64_t size;
    bool trainable;
    brain_initializer_kind init;
    brain_regularizer reg;
    struct brain_layer *layer;
    int64_t offset;                 /* into params (trainable) or state (non-trainable) */
    float *value;                   /* resolved by the model after allocation */
    float *grad;                    /* NULL for non-trainable */
    /* Where the weight sits under the layer's group in Keras's HDF5 layout: "" for the layer's
     * own `vars`, "cell" for a recurrent cell (layers/lstm/cell/vars/N), "forward_layer/cell" for
     * Bidirectional.  N counts the layer's weights with the same path, in declaration order. */
    char path[BRAIN_NAME_MAX];
    /* Keras stores it as an integer (Normalization's count, int64): kept here as a float, written
     * as int64 and read from any integer dataset. */
    bool integer;
} brain_weight;

/* ------------------------------------------------------------------ layers */
/* What a forward/backward call may use besides its tensors. */
typedef struct brain_ctx {
    bool training;
    brain_rng *rng;                 /* the model's generator (dropout, augmentation) */
    /* Keras's mask of in[0]: (batch, steps) with 1 = keep, 0 = skip; NULL when it has none. */
    const uint8_t *mask;
    /* The masks of every input, in call order (masks[0] == mask); an entry is NULL when that
     * input has none (MultiHeadAttention reads the query's, value's and key's). */
    const uint8_t *const *masks;
    /* A forward that meets input it cannot use (an Embedding id out of range) calls brain__fail
     * and stores the status here; the model stops and returns it.  Never NULL. */
    brain_status *status;
    /* Multi-output layers (l->n_out > 1, see "Multi-output layers" below): forward writes output
     * k (k >= 1) into extra_out[k - 1]; backward ADDS what those outputs' gradients extra_dout[k - 1]
     * contribute.  NULL for single-output layers. */
    brain_tensor *const *extra_out;
    const brain_tensor *const *extra_dout;
} brain_ctx;

/* What a layer does with the mask of its input (Keras's supports_masking / compute_mask). */
typedef enum brain_mask_rule {
    BRAIN_MASK_DROP = 0,            /* the output has no mask (default) */
    BRAIN_MASK_PASS,                /* the output carries the input's mask (Dense, Dropout, ...) */
    BRAIN_MASK_MAKE,                /* the layer computes its output mask with vt->compute_mask */
    BRAIN_MASK_ANY,                 /* merge layers (Add, ..., Concatenate on the last axis): a step is kept
                                     * when any input keeps it; no mask when an input has none (Keras 3) */
    BRAIN_MASK_CONCAT,              /* Concatenate on another axis: the inputs' masks joined along it, an
                                     * input without one all kept; none when no input has one (Keras 3) */
} brain_mask_rule;
/* Concatenate (BRAIN_MASK_CONCAT): the output mask from the inputs' (NULL: all kept), batch rows */
void brain__concat_masks(const brain_layer *l, int64_t batch, const uint8_t *const *in_masks, uint8_t *out);

#define BRAIN_MAX_LAYER_INPUTS 8
#define BRAIN_MAX_LAYER_WEIGHTS 8
/* Multi-output layers (issue 10).  A layer call may give several tensors, as Keras layers do
 * (LSTM(return_state=True) -> [output, h, c]; MultiHeadAttention(return_attention_scores=True)
 * -> [output, scores]).  Output 0 is the layer's out_shape and the `out` of forward; outputs
 * 1..n_out-1 have shapes extra_out_shape[0..] (set by build, with n_out) and are written through
 * ctx->extra_out.  Graph references carry the output index (Keras's tensor_index): brain_node.in_port,
 * brain_sym.output, "keras_history": [layer, 0, k] in config.json. */
#define BRAIN_MAX_LAYER_OUTPUTS 4

typedef struct brain_layer_vtable {
    const char *class_name;         /* Keras class: "Dense" */
    const char *snake_name;         /* auto-naming base: "dense" */
    /* From per-sample input shapes, check them, set *out and declare weights with
     * brain__layer_add_weight.  Called once. */
    brain_status (*build)(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out);
    /* Make per-batch caches hold `batch` rows (called when capacity grows; may allocate). */
    brain_status (*reserve)(brain_layer *l, int64_t batch);
    /* out = f(in); out->shape[0] == in[0]->shape[0] == batch. */
    void (*forward)(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                    brain_tensor *out);
    /* Given d(loss)/d(out): ADD d(loss)/d(in[i]) into din[i] (skipped when din[i] is NULL) and
     * ADD weight gradients into each trainable weight's grad. */
    void (*backward)(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                     const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din);
    void (*destroy)(brain_layer *l);     /* frees the subtype's own memory (not the base) */
    /* Saving and loading (src/io/).  get_config adds the layer's own Keras config members
     * ("units", "activation", "kernel_initializer", ...) to the cJSON object `cfg`; the caller
     * adds "name", "trainable" and "dtype".  from_config builds an unbuilt layer from a Keras
     * config object (the "config" member of the layer's entry), reading every key it knows and
     * failing with brain__fail naming the layer and key on a wrong or missing value.  A layer
     * whose vtable is listed in src/layers/registry.c can be loaded by class name. */
    brain_status (*get_config)(const brain_layer *l, struct cJSON *cfg);
    brain_layer *(*from_config)(const struct cJSON *cfg);
    /* The layer is called with a list of tensors (merge layers: Concatenate, Add, ...), so
     * Keras writes its inbound node's "args" as [[t1, t2, ...]] rather than [t]. */
    bool takes_list;
    /* For mask_rule MAKE: fill mask (batch × the output's steps, the output shape without its
     * last axis) from the layer's input. */
    void (*compute_mask)(brain_layer *l, const brain_tensor *in, uint8_t *mask);
    /* Layers whose call takes several named tensors, some optional, and other keyword arguments
     * (MultiHeadAttention(query, value, key=None, attention_mask=None, use_causal_mask=False)).
     * call_args names the tensors in call order (NULL-terminated); Keras's inbound node may pass
     * each by position or by keyword, and the node's inputs are the given ones in this order.
     * call_from_config tells the unbuilt layer which were given (present[i] per call_args entry)
     * and reads the call's other keyword arguments; call_to_config names the node inputs Keras
     * writes as keywords (keyword[k] per node input; NULL: positional, in order, in "args") and
     * adds the call's other keyword arguments to `kwargs`. */
    const char *const *call_names;
    /* A loss term of the last forward besides the weights' penalties (ActivityRegularization);
     * the layer's backward adds its gradient.  brain__regularization adds it to the loss. */
    double (*penalty)(const brain_layer *l);
    /* Keras's get_config of the class has no "trainable" (SpatialDropout: its __init__ refuses one) */
    bool config_without_trainable;
    brain_status (*call_from_config)(brain_layer *l, const bool *present, const struct cJSON *kwargs);
    brain_status (*call_to_config)(const brain_layer *l, const char **keyword, struct cJSON *kwargs);
    /* Op layers (src/layers/ops.c: keras.ops calls Keras 3 records in functional models): fill the
     * inbound node's "args" array from the n tensor references ts (taken over), putting the op's
     * constants where Keras writes them.  NULL for layers (args = [t] or [[t1, t2, ...]]). */
    brain_status (*call_args)(const brain_layer *l, struct cJSON *args, struct cJSON **ts, int n);
} brain_layer_vtable;

/* Op layers (src/layers/ops.c): whether a functional config's layer entry is a keras.ops call
 * ("module": "keras.src.ops.numpy" / "keras.src.ops.core" ...), and the layer made from it (its
 * config and its inbound node's constant arguments); BRAIN_ERR_FORMAT naming file and op. */
bool brain__is_op_entry(const struct cJSON *entry);
brain_status brain__op_from_entry(const struct cJSON *entry, const char *file, brain_layer **out);
/* The Keras module of an op layer ("keras.src.ops.numpy"); NULL for every other layer. */
const char *brain__op_module(const brain_layer *l);

/* Every loadable layer class (src/layers/registry.c), NULL-terminated; and lookup by Keras class name. */
extern const brain_layer_vtable *const brain__layer_registry[];
const brain_layer_vtable *brain__layer_vtable_by_class(const char *class_name);
/* user-registered layer types (src/layers/custom.c), looked up after the built-ins */
const brain_layer_vtable *brain__custom_vtable_by_class(const char *class_name);

struct brain_layer {
    const brain_layer_vtable *vt;
    char name[BRAIN_NAME_MAX];
    bool name_given;                /* user-chosen; else assigned "dense_1" at add time */
    bool trainable;
    bool built;
    int n_in;
    brain_shape in_shape[BRAIN_MAX_LAYER_INPUTS];
    brain_shape out_shape;          /* per sample */
    brain_weight *weights[BRAIN_MAX_LAYER_WEIGHTS]; /* Keras order (trainable then non-trainable) */
    int n_weights;
    int64_t capacity;               /* rows the caches hold */
    struct brain_model *model;
    struct brain_graph *graph;      /* the functional graph it was applied in (functional.c) */
    brain_activation_kind activation; /* for layers with a fused activation */
    brain_mask_rule mask_rule;      /* set by the constructor or build */
    int n_out;                      /* outputs of a call; 0 or 1 = one (set by build when more) */
    brain_shape extra_out_shape[BRAIN_MAX_LAYER_OUTPUTS - 1]; /* per sample, outputs 1.. */
    /* Shared layers (issue 10): a layer called again gets a *call layer* per extra call — a clone
     * (same class and config, built on the new inputs, its own per-call caches) whose weights'
     * value/grad pointers alias those of `shared`, the layer itself (brain__layout_weights sets
     * them), so both calls' backward passes add into one gradient.  Call layers sit in the model's
     * nodes, never in m->layers.  call_index is the call's creation order (the first call, the
     * layer itself, is 0), Keras's node_index before a model renumbers its kept nodes. */
    struct brain_layer *shared;
    int call_index;
    int n_calls;                    /* on the layer itself: how many calls were made */
    /* A model used as a layer (src/model/nested.c): the model it runs.  Its weights are listed in
     * the outer model's m->weights (Keras's order: the inner model's own order at the layer's place). */
    struct brain_model *inner;
};
/* Makes an unbuilt copy of layer l (its class and config, through get_config/from_config); NULL
 * with the error set when the class cannot be copied. */
brain_layer *brain__layer_clone(const brain_layer *l);
/* Keras's effective trainable: the layer's own flag and that of every model layer it sits in. */
bool brain__layer_effective_trainable(const brain_layer *l);
/* Nested models (src/model/nested.c): the layer that runs model `inner` (taken over); whether a
 * layer is one.  Used by the functional API and the loaders. */
brain_layer *brain__model_layer_new(brain_model *inner, bool has_training, bool training);
bool brain__model_layer_training(const brain_layer *l, bool *training); /* the call's training=, if given */
void brain__model_layer_set_training(brain_layer *l, bool has_training, bool training);
/* A second call of a model layer: a model layer running a copy of its model whose layers are call
 * layers of the model's layers (their weights alias the originals'). */
brain_layer *brain__model_layer_clone(const brain_layer *l);

/* Subtype constructors call this first (sizeof the subtype; zeroed). */
brain_layer *brain__layer_new(const brain_layer_vtable *vt, size_t size, const char *name);
/* Declare a weight during build; returns NULL (error set) on failure. */
brain_weight *brain__layer_add_weight(brain_layer *l, const char *name, int ndim, const int64_t *shape,
                                      brain_initializer_kind init, brain_regularizer reg, bool trainable);
int64_t brain__shape_size(const brain_shape *s);
/* build() for layers whose output has their input's shape */
brain_status brain__same_shape_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out);
/* A full tensor shape as Python prints a tuple: "(32, 10)", "(32,)" */
void brain__dims_str(int ndim, const int64_t *shape, char *buf, size_t cap);
/* "(None, 64)" style text */
void brain__shape_str(const brain_shape *s, char *buf, size_t cap);
/* Merge layers (merge.c): build() for n_in in [min_in, max_in] inputs of one shape (out = that
 * shape); the config of a merge layer without members of its own; from_config through its
 * constructor (reads "name"). */
brain_status brain__merge_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out, int min_in, int max_in);
/* Add / Multiply: inputs of one rank broadcast per axis (equal or 1); whether a built layer
 * broadcasts, and the per-sample index into input shape `in` of output element j. */
brain_status brain__merge_build_broadcast(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out);
bool brain__merge_is_broadcast(const brain_layer *l);
int64_t brain__bcast_index(const brain_shape *in, const brain_shape *out, int64_t j);
brain_status brain__merge_get_config(const brain_layer *l, struct cJSON *cfg);
brain_layer *brain__merge_from_config(const struct cJSON *cfg, brain_layer *(*make)(const brain_layer_options *),
                                      const char *class_name);
/* LSTM's unit_forget_bias=True with zeros: ones on the second quarter (the forget gate), zeros elsewhere */
#define BRAIN__INIT_UNIT_FORGET_BIAS ((brain_initializer_kind)100)
/* Fill a weight from its initializer, using fans as Keras's compute_fans. */
void brain__init_weight(brain_weight *w, brain_rng *rng);
/* Grows a float cache to hold n floats (no-op if big enough). */
brain_status brain__reserve_floats(float **buf, int64_t *cap, int64_t n);

/* ------------------------------------------------------------------ graph and model */
/* One call of a layer in the model's graph.  Input nodes have n_in == 0: their `out` views the
 * caller's data, `layer` is the InputLayer (functional models) or NULL (a Sequential's node 0). */
/* Outputs 1.. of a multi-output node: like the node's own out/dout/buf (which are output 0). */
typedef struct brain_node_output {
    brain_shape shape;
    brain_tensor out, dout;
    float *buf, *dbuf;
    int64_t buf_cap, dbuf_cap;
} brain_node_output;

typedef struct brain_node {
    brain_layer *layer;
    int n_in;
    int in[BRAIN_MAX_LAYER_INPUTS]; /* node indices of the inputs, in call order (all < this node's) */
    int in_port[BRAIN_MAX_LAYER_INPUTS]; /* which output of node in[k] (Keras's tensor_index; 0 = first) */
    brain_shape shape;              /* per-sample shape of out */
    brain_tensor out;               /* (batch, ...) view into `buf` */
    brain_tensor dout;              /* gradient w.r.t. out, same shape; consumers ADD into it */
    float *buf, *dbuf;
    int64_t buf_cap, dbuf_cap;
    /* Keras's mask of `out` for the last forward: NULL, the input node's mask, or mask_buf */
    const uint8_t *mask;
    uint8_t *mask_buf; int64_t mask_cap;
    /* The node's outputs array: output 0 is out/dout/buf above, output k >= 1 is extra[k - 1]. */
    int n_out;                      /* 0 or 1 = one output */
    brain_node_output extra[BRAIN_MAX_LAYER_OUTPUTS - 1];
    /* An explicit mask input (Keras's `mask=` keyword argument, as Keras 3 writes it into
     * functional configs): output mask_port of node mask_node, nonzero = keep.  It replaces the
     * mask of in[0] for this call; its bytes live in in_mask_buf. */
    bool has_mask_in;
    int mask_node, mask_port;
    uint8_t *in_mask_buf; int64_t in_mask_cap;
} brain_node;
/* Output `port` of node i, and its gradient (port 0 = the node's out / dout). */
brain_tensor *brain__node_out(brain_node *nodes, int i, int port);
brain_tensor *brain__node_dout(brain_node *nodes, int i, int port);

#define BRAIN_MAX_IO 16             /* inputs, and outputs, of one model */

typedef enum brain_accuracy_kind { BRAIN_ACC_UNRESOLVED = 0, BRAIN_ACC_BINARY, BRAIN_ACC_SPARSE, BRAIN_ACC_CATEGORICAL } brain_accuracy_kind;

/* What compile gives one output: its loss (weighted by loss_weight in the total) and metrics.
 * `name` is the output layer's name, the prefix of its log keys ("cls_loss", "cls_accuracy")
 * in a model with several outputs. */
typedef struct brain_output_head {
    char name[BRAIN_NAME_MAX];
    brain_loss *loss;
    double loss_weight;
    brain_metric **metrics; int n_metrics;
    brain_metric **wmetrics; int n_wmetrics;
} brain_output_head;

struct brain_model {
    char name[BRAIN_NAME_MAX];
    bool sequential;
    bool built, compiled;
    brain_shape input_shape;                           /* of input 0 */
    bool has_input;
    brain_layer **layers; int n_layers, cap_layers;   /* Keras's model.layers order (Sequential: no Input;
                                                          functional: InputLayers included) */
    brain_node *nodes; int n_nodes;                    /* topological (see "The graph" below) */
    int n_inputs, input_nodes[BRAIN_MAX_IO];           /* node index of each model input, in order */
    int n_outputs, output_nodes[BRAIN_MAX_IO];         /* node index of each model output, in order */
    int output_ports[BRAIN_MAX_IO];                    /* and which output of that node (0 = first) */
    struct brain_graph *graph;                         /* functional: the graph it was built from */
    int64_t capacity;                                  /* rows the node buffers hold */

    brain_weight **weights; int n_weights;             /* all weights, Keras order */
    float *params, *grads; int64_t n_params;           /* trainable */
    float *state; int64_t n_state;                     /* non-trainable */

    brain_rng rng;                                     /* init, dropout, shuffling */

    brain_optimizer *optimizer;
    brain_output_head *heads; int n_heads;             /* compiled: one per output (loss, metrics) */

    /* explicit-loop state */
    int64_t last_batch;             /* rows of the last forward */
    bool last_training;
    bool have_loss_grad;            /* brain_model_loss ran since the last forward */
    bool want_input_grad;           /* backward also fills the input nodes' dout = d(loss)/d(x) */
    /* data-parallel fit (src/dist/): called after each node's backward in
     * brain__model_backward_graph, so that finished gradient buckets are sent while the
     * backward pass goes on (NULL otherwise) */
    void (*grad_ready)(struct brain_model *m, int node);

    /* fit state */
    bool stop_training;
    brain_status callback_status;   /* set by a callback that failed (brain__callback_error) */
    int current_epoch;
    int resume_epoch;               /* set in on_train_begin by BackupAndRestore: first epoch to run (-1: none) */
    brain_status fit_status;        /* what fit will return, as on_train_end sees it */

    /* A model used as a layer of another model (nested.c): that layer (NULL otherwise).  Its weights'
     * values then live in the outermost model's buffers. */
    brain_layer *as_layer;

    struct brain_model_lock *lock;  /* calls on one model from several threads (model_lock.c) */

    /* preprocessing saved with the model (src/io/preprocessing.c; brain_preprocessing.json) */
    brain_scaler *pre_scaler;
    char **class_names; int n_class_names;
};
/* model_lock.c: a recursive mutex per model, taken by fit/evaluate/predict/save/load calls */
brain_status brain__model_lock_init(brain_model *m);
void brain__model_lock_free(brain_model *m);
void brain__model_lock(brain_model *m);
void brain__model_unlock(brain_model *m);

/* The graph, as Keras's functional config.json describes it (what src/io/ reads and writes).
 *
 * A layer's first call is the node whose `layer` is the layer itself; further calls of a shared
 * layer are nodes of call layers (layer->shared == the layer).  Keras's node_index of a node is
 * brain__node_call_rank (0 for layers called once); tensor_index is the node's output port.
 *   m->input_nodes[k]   Keras "input_layers"[k]  = [nodes[input_nodes[k]].layer->name, 0, 0]
 *   m->output_nodes[k]  Keras "output_layers"[k] = [nodes[output_nodes[k]].layer->name, 0, 0]
 *   nodes[i].in[0..n_in) the layer's "inbound_nodes"[0] args, in call order: each is the node
 *                        whose output is passed (keras_history [nodes[in[j]].layer->name, 0, 0]);
 *                        a vtable with takes_list wraps them in one list.
 *   m->layers            Keras's model.layers order (functional: depth-sorted, InputLayers first
 *                        by depth, as keras.src.ops.function.map_graph orders them), the order of
 *                        config.json's "layers" and of the weights.
 * m->nodes is topological; m->layers is Keras's layer order (with shared layers the two differ;
 * a Sequential model's node 0 is the input, layer NULL).  brain__model_node_of_layer finds a
 * layer's first call. */
int brain__model_node_of_layer(const brain_model *m, const brain_layer *l); /* -1 if absent */
/* Shared layers: Keras's node_index of node i (the rank of its call among the model's calls of the
 * same layer, in creation order; 0 for a layer called once), and the node of call `rank` of layer
 * l (-1 when there is none). */
int brain__node_call_rank(const brain_model *m, int node);
int brain__model_node_of_call(const brain_model *m, const brain_layer *l, int rank);

/* Rebuilds a functional model from such a description (the loader's builder).  Layers come
 * unbuilt, in any order (InputLayers — made by brain_input or the InputLayer's from_config —
 * name the model's inputs); each other layer lists its inbound layers by index into `layers`.
 * The model is built and its weights initialised (then overwritten by the loader).  Ownership of
 * every layer passes to the call, also when it fails (NULL, error set naming the layer).
 * An entry per call: a shared layer appears at several indices (the same pointer), its calls made
 * in index order; each layer is freed once. */
typedef struct brain__functional_spec {
    const char *name;               /* model name; NULL or "" = "functional" */
    int n_layers;
    brain_layer **layers;
    const int *n_inbound;           /* per layer; 0 for InputLayers */
    const int (*inbound)[BRAIN_MAX_LAYER_INPUTS]; /* per layer: indices into layers, call order */
    int n_inputs;  const int *inputs;  /* indices into layers of the InputLayers, model input order */
    int n_outputs; const int *outputs; /* indices into layers, model output order */
    /* Optional (NULL = output 0 everywhere, no explicit masks): which output of each inbound
     * layer, of each model output; the layer whose output is a layer's mask= input (-1 = none). */
    const int (*inbound_port)[BRAIN_MAX_LAYER_INPUTS];
    const int *output_ports;
    const int *mask_layer, *mask_port;
} brain__functional_spec;
brain_model *brain__functional_from_spec(const brain__functional_spec *spec);

/* Frees a layer with its weights (a layer no model owns). */
void brain__layer_free(brain_layer *l);
/* Lays out (and with init, initialises in layer order) the weights of every layer in m->layers. */
brain_status brain__layout_weights(brain_model *m, bool init);
/* Frees a functional model's graph record (functional.c); the layers belong to the model. */
void brain__graph_release(struct brain_graph *g);
/* Frees the compiled losses and metrics (fit.c). */
void brain__free_heads(brain_model *m);

/* Grow every node buffer and layer cache to hold `batch` rows (no-op when they do). */
brain_status brain__model_reserve(brain_model *m, int64_t batch);
/* Forward over the graph (x already checked against the input shape): one input, or n_x
 * inputs in the model's input order. */
brain_status brain__model_forward(brain_model *m, const brain_tensor *x, bool training);
brain_status brain__model_forward_multi(brain_model *m, int n_x, const brain_tensor *const *xs, bool training);
/* Output k of the last forward, and its gradient buffer (filled by the loss; overwritten, not
 * added to).  The unnumbered forms are output 0. */
const brain_tensor *brain__model_output(brain_model *m);
float *brain__model_output_grad(brain_model *m);
const brain_tensor *brain__model_output_k(brain_model *m, int k);
float *brain__model_output_grad_k(brain_model *m, int k);
/* Backward over the graph from every output's gradient (all must have been filled), plus
 * regularization gradients; accumulates into m->grads.  A node read by several layers gets
 * the sum of their gradients. */
double brain__model_backward_graph(brain_model *m); /* returns the regularization penalty */
/* The same without the regularization (a nested model's: the outer model adds it once). */
void brain__model_backward_nodes(brain_model *m);
/* Re-packs params/state when layers were frozen or unfrozen since the last layout. */
brain_status brain__model_relayout_if_needed(brain_model *m);
/* Sum of regularization penalties over all weights; and its gradient added to m->grads. */
double brain__regularization(brain_model *m, bool add_grad);

/* ------------------------------------------------------------------ optimizers */
typedef enum brain_opt_kind {
    BRAIN_OPT_SGD, BRAIN_OPT_ADAM, BRAIN_OPT_ADAMW, BRAIN_OPT_RMSPROP,
    BRAIN_OPT_ADAGRAD, BRAIN_OPT_ADADELTA, BRAIN_OPT_ADAMAX, BRAIN_OPT_NADAM, BRAIN_OPT_LION, BRAIN_OPT_FTRL, BRAIN_OPT_ADAFACTOR,
    BRAIN_OPT_KIND_COUNT
} brain_opt_kind;

/* A learning-rate schedule (src/optim/schedules.c): Keras's LearningRateSchedule, evaluated in
 * float32 at the optimizer's raw iteration count.  The parameters are kept as the doubles the
 * user gave, so that config.json repeats them as Keras writes them. */
typedef enum brain_schedule_kind {
    BRAIN_SCHED_EXPONENTIAL, BRAIN_SCHED_PIECEWISE, BRAIN_SCHED_POLYNOMIAL, BRAIN_SCHED_INVERSE_TIME,
    BRAIN_SCHED_COSINE, BRAIN_SCHED_COSINE_RESTARTS
} brain_schedule_kind;
struct brain_lr_schedule {
    brain_schedule_kind kind;
    char name[BRAIN_NAME_MAX];
    double initial_learning_rate, decay_steps, decay_rate; /* decay_steps: first_decay_steps for restarts */
    bool staircase, cycle, has_warmup_target;
    double end_learning_rate, power;                       /* polynomial */
    double alpha, warmup_target, warmup_steps;             /* cosine */
    double t_mul, m_mul;                                   /* restarts */
    int n_boundaries;                                      /* piecewise: boundaries[n], values[n + 1] */
    double *boundaries, *values;
};
/* Keras's serialize/deserialize of a schedule: {"module", "class_name", "config", "registered_name"}. */
struct cJSON *brain__schedule_to_json(const brain_lr_schedule *s);
brain_status brain__schedule_from_json(const struct cJSON *v, const char *file, brain_lr_schedule **out);

struct brain_optimizer {
    brain_opt_kind kind;
    char name[BRAIN_NAME_MAX];      /* "adam" */
    float learning_rate;            /* the constant rate (Keras's learning_rate variable) */
    brain_lr_schedule *schedule;    /* when set, the rate is schedule(iterations) and has no variable */
    float beta_1, beta_2, epsilon, rho, momentum;
    float one_minus_beta_1, one_minus_beta_2, one_minus_rho; /* as Keras: 1 − the decimal written */
    bool nesterov, amsgrad, centered;
    float initial_accumulator_value;              /* Adagrad, Ftrl */
    float lr_power, l1, l2, l2_shrinkage, beta;   /* Ftrl */
    float u_product;                              /* Nadam's running product of u_t (a Keras variable) */
    float beta_2_decay, epsilon_1, epsilon_2, clip_threshold; bool relative_step; /* Adafactor */
    brain_optimizer_common common;
    int64_t iterations;             /* Keras's _iterations: every apply, also accumulation steps */
    int64_t n;                      /* parameter count the slots were built for; 0 = not built */
    /* Slots, each n floats, parallel to model->params:
     *   SGD: slot[0] momentum (if momentum != 0)
     *   Adam/AdamW: slot[0] m, slot[1] v, slot[2] v_hat (amsgrad)
     *   RMSprop: slot[0] velocity, slot[1] momentum (if > 0), slot[2] average_gradient (centered)
     *   Adagrad: slot[0] accumulator;  Adadelta: slot[0] accumulated_grad, slot[1] accumulated_delta_var
     *   Adamax: slot[0] momentum (m), slot[1] norm (u);  Nadam: slot[0] momentum, slot[1] velocity
     *   Lion: slot[0] momentum;  Ftrl: slot[0] accumulator, slot[1] linear
     *   Adafactor: slot[0] velocity; its factored row/column statistics live in `fac` */
    float *slot[3];
    float *ema;                     /* use_ema: the moving averages ("average"), n floats */
    bool ema_swapped;               /* SwapEMAWeights put the averages in the model (ema holds the raw weights) */
    float *accum;                   /* gradient_accumulation_steps: "gradient_accumulator", n floats */
    float *gbuf;                    /* scratch for the effective gradient (accumulation, loss scale) */
    /* Adafactor: for each trainable weight of rank ≥ 2 in weight order, r (shape[:-1]) then c
     * (shape[:-2] + shape[-1:]), packed; fac_n floats */
    float *fac; int64_t fac_n;
};
/* How many per-parameter slot arrays the optimizer's settings use (0 to 3). */
int brain__optimizer_num_slots(const brain_optimizer *o);
/* Allocates zeroed slots for n parameters (no-op when built for n; a different n starts over). */
brain_status brain__optimizer_build_slots(brain_optimizer *o, int64_t n);
/* Clip (per the common options), decay and update m->params from m->grads; iterations += 1. */
brain_status brain__optimizer_apply(brain_optimizer *o, brain_model *m);
/* Adafactor: the floats its factored row/column statistics take for m's trainable weights. */
brain_status brain__adafactor_fac_size(const brain_model *m, int64_t *n_fac);
/* The learning rate the next step uses (the schedule's value at `iterations`, or the constant). */
float brain__optimizer_current_lr(const brain_optimizer *o);
/* Keras's iterations property: the raw count divided by gradient_accumulation_steps. */
int64_t brain__optimizer_steps(const brain_optimizer *o);
/* fit's train step: the gradients become those of loss·loss_scale_factor (Keras's scale_loss),
 * which apply divides back; no-op without a factor. */
void brain__optimizer_scale_loss_grads(const brain_optimizer *o, brain_model *m);
/* End of fit (Keras's finalize_variable_values): with use_ema the trainable weights become their
 * moving averages. */
void brain__optimizer_finalize(brain_optimizer *o, brain_model *m);
/* Swaps the trainable weights with the moving averages (SwapEMAWeights); BRAIN_ERR_STATE without use_ema. */
brain_status brain__optimizer_swap_ema(brain_optimizer *o, brain_model *m);

/* ------------------------------------------------------------------ losses */
typedef enum brain_loss_kind {
    BRAIN_LOSS_MSE, BRAIN_LOSS_MAE, BRAIN_LOSS_HUBER,
    BRAIN_LOSS_BCE, BRAIN_LOSS_CCE, BRAIN_LOSS_SCCE,
    /* issue 12 (src/losses/losses_extra.c) */
    BRAIN_LOSS_BINARY_FOCAL, BRAIN_LOSS_CATEGORICAL_FOCAL, BRAIN_LOSS_KLD, BRAIN_LOSS_POISSON,
    BRAIN_LOSS_COSINE, BRAIN_LOSS_LOG_COSH, BRAIN_LOSS_HINGE, BRAIN_LOSS_SQUARED_HINGE,
    BRAIN_LOSS_CATEGORICAL_HINGE, BRAIN_LOSS_MAPE, BRAIN_LOSS_MSLE, BRAIN_LOSS_TVERSKY, BRAIN_LOSS_DICE,
    BRAIN_LOSS_KIND_COUNT,
    BRAIN_LOSS_CUSTOM,              /* user-written (src/losses/custom.c) */
} brain_loss_kind;

struct brain_loss {
    brain_loss_kind kind;
    char name[BRAIN_NAME_MAX];      /* Keras's name as compiled: "binary_crossentropy" */
    bool from_logits;
    float label_smoothing;
    float delta;
    float alpha, gamma, beta;       /* focal (alpha, gamma), Tversky (alpha, beta) */
    bool apply_class_balancing;     /* BinaryFocalCrossentropy */
    brain_custom_loss_def custom;   /* BRAIN_LOSS_CUSTOM: the user's function (custom.c) */
    char registered[BRAIN_NAME_MAX]; /* and its Keras registered name, "Custom>my_loss" */
};
/* user-written losses and metrics (custom.c) */
brain_status brain__loss_custom_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                        const float *sample_weight, double *value, float *grad);
brain_loss *brain__loss_custom_registered(const char *registered_name);   /* NULL, no error, when unknown */
struct brain_metric *brain__metric_custom_registered(const char *registered_name, const char *name);
/* The losses of issue 12 (losses_extra.c): by name (NULL, no error set, when unknown), their
 * Keras class name, and the value/gradient (called by brain_loss_compute for those kinds). */
brain_loss *brain__loss_extra_from_name(const char *name);
const char *brain__loss_extra_class(brain_loss_kind kind);
brain_status brain__loss_extra_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                       const float *sample_weight, double *value, float *grad);

/* ------------------------------------------------------------------ metrics */
typedef enum brain_metric_kind {
    BRAIN_METRIC_ACCURACY,          /* resolved at compile into one of the three below */
    BRAIN_METRIC_BINARY_ACCURACY, BRAIN_METRIC_CATEGORICAL_ACCURACY, BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY,
    BRAIN_METRIC_PRECISION, BRAIN_METRIC_RECALL, BRAIN_METRIC_AUC,
    BRAIN_METRIC_MSE, BRAIN_METRIC_MAE,
    /* issue 12 (src/losses/metrics_extra.c) */
    BRAIN_METRIC_EXTRA_FIRST,
    BRAIN_METRIC_FBETA = BRAIN_METRIC_EXTRA_FIRST, BRAIN_METRIC_COUNTS, BRAIN_METRIC_AT, BRAIN_METRIC_AUC_MULTI,
    BRAIN_METRIC_R2, BRAIN_METRIC_TOP_K, BRAIN_METRIC_SPARSE_TOP_K, BRAIN_METRIC_IOU, BRAIN_METRIC_RMSE,
    BRAIN_METRIC_MEAN_LOSS,         /* a loss function's per-sample values averaged (LogCoshError, Poisson, ...) */
    BRAIN_METRIC_CUSTOM,            /* user-written (src/losses/custom.c); handled before the extra dispatch */
} brain_metric_kind;

struct brain_metric {
    brain_metric_kind kind;
    brain_metric_kind resolved;     /* for ACCURACY: which one compile chose */
    char name[BRAIN_NAME_MAX];      /* the key in logs: "accuracy", "precision", "auc" */
    float threshold;
    int num_thresholds;
    bool pr_curve, from_logits;
    double total, count;            /* running sums (accuracies, mse, mae) */
    double tp, fp, fn, tn;          /* precision / recall */
    double *auc_tp, *auc_fp, *auc_tn, *auc_fn; /* per threshold, num_thresholds each */
    double *auc_buckets;            /* AUC update scratch, 2·num_thresholds (no allocation per batch) */
    struct brain_metric_x *x;       /* issue 12's metrics: their own state (metrics_extra.c) */
    brain_custom_metric_def custom; /* BRAIN_METRIC_CUSTOM: the user's functions, */
    void *custom_state;             /* its state (custom.state_size bytes), */
    char registered[BRAIN_NAME_MAX]; /* and its Keras registered name, "Custom>MyMetric" */
};
brain_status brain__metric_custom_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                         const float *sample_weight);
/* issue 12's metrics: called by metrics.c for kinds ≥ BRAIN_METRIC_EXTRA_FIRST */
brain_metric *brain__metric_extra_from_name(const char *name); /* NULL, no error, when unknown */
void brain__metric_extra_reset(brain_metric *m);
void brain__metric_extra_free(brain_metric *m);
brain_status brain__metric_extra_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                        const float *sample_weight);
double brain__metric_extra_result(const brain_metric *m);
/* Keras's serialized form for config.json: a string when it has default options, else a class dict */
struct cJSON *brain__metric_extra_to_json(const brain_metric *m);
brain_status brain__metric_extra_from_json(const struct cJSON *v, const char *file, brain_metric **out);
/* One group of d values of a loss function of losses_extra.c (its per-sample value), for metrics. */
double brain__loss_extra_group_value(brain_loss_kind kind, const float *yt, const float *yp, int64_t d, bool hinge_binary);
/* Resolve "accuracy" for an output of per-sample shape `out` and targets of rank `y_true_rank`
 * (batch axis included); a case the ranks cannot settle is settled by the first update. */
void brain__metric_resolve(brain_metric *m, const brain_shape *out, int y_true_rank);
/* "up" (true) or "down" for monitor mode auto. */
bool brain__metric_higher_is_better(const char *name, bool *known);

/* ------------------------------------------------------------------ callbacks */
typedef enum brain_cb_kind { BRAIN_CB_CUSTOM, BRAIN_CB_EARLY_STOPPING, BRAIN_CB_REDUCE_LR, BRAIN_CB_CSV_LOGGER, BRAIN_CB_TERMINATE_ON_NAN,
               BRAIN_CB_MODEL_CHECKPOINT, BRAIN_CB_BACKUP_AND_RESTORE, BRAIN_CB_LR_SCHEDULER, BRAIN_CB_SWAP_EMA,
               BRAIN_CB_TENSORBOARD } brain_cb_kind;

struct brain_callback {
    brain_cb_kind kind;
    brain_callback_hooks hooks;     /* used by every kind: built-ins fill these with their own */
    void *self;                     /* the built-in's state */
    void (*destroy)(brain_callback *cb);
    /* Keras's on_test_begin / on_test_end, internal for now: fit calls them around its validation
     * (SwapEMAWeights evaluates with the averaged weights).  NULL for most kinds. */
    brain_status (*on_test_begin)(brain_callback *cb, brain_model *m);
    brain_status (*on_test_end)(brain_callback *cb, brain_model *m);
};

/* ------------------------------------------------------------------ history */
struct brain_history {
    int n_keys;
    char keys[BRAIN_MAX_LOGS][BRAIN_LOG_NAME];
    double *values[BRAIN_MAX_LOGS]; /* each cap_epochs long */
    int *epochs;
    int n_epochs, cap_epochs;
};
brain_history *brain__history_new(void);
brain_status brain__history_append(brain_history *h, int epoch, const brain_logs *logs);

/* A built-in callback that fails (a file it cannot write) records it here, after setting the
 * error message; brain_fit stops and returns the status. */
void brain__callback_error(brain_model *m, brain_status s);

/* Monitor logic shared by EarlyStopping and ReduceLROnPlateau (Keras MonitorCallback). */
typedef struct brain_monitor {
    char monitor[BRAIN_LOG_NAME];
    brain_mode mode;                /* resolved: MIN or MAX */
    double min_delta;
    double best; bool has_best;
} brain_monitor;
brain_status brain__monitor_init(brain_monitor *mo, const char *monitor, brain_mode mode, double min_delta);
bool brain__monitor_improved(const brain_monitor *mo, double current);

#endif
