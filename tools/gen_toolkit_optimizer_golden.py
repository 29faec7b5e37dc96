#!/usr/bin/env python3
"""Writes tests/toolkit_optimizer_golden.h: Keras's weights after each of four optimizer steps for
the optimizers and common options of issue 12, and Keras's values of every learning-rate schedule.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_toolkit_optimizer_golden.py > tests/toolkit_optimizer_golden.h

As tools/gen_optimizer_golden.py: a 2x2 "kernel" and a 3-vector "bias" get GRADS[s] at step s
through optimizer.apply.  Each case carries the C expression that builds the same optimizer, so
the test needs no table of fields.
"""
import os
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
import keras

S = keras.optimizers.schedules
W0 = [0.5, -1.25, 2.0, 0.75, -0.3, 0.1, 1.5]
GRADS = [
    [0.3, -0.7, 1.2, 0.05, -0.4, 0.9, -0.15],
    [-0.18, 0.42, -0.72, 0.2, 0.24, -0.54, 0.09],
    [0.51, -1.19, 2.04, -0.3, -0.68, 1.53, 0.6],
    [0.02, 0.3, -0.25, 0.8, -0.1, 0.05, -0.9],
]

# label, Keras constructor, C constructor
CASES = [
    ("adagrad", lambda: keras.optimizers.Adagrad(learning_rate=0.1),
     "brain_adagrad(&(brain_adagrad_options){ .learning_rate = 0.1f })"),
    ("adagrad_iav_eps_clipnorm", lambda: keras.optimizers.Adagrad(learning_rate=0.2, initial_accumulator_value=0.5, epsilon=1e-3, clipnorm=1.0),
     "brain_adagrad(&(brain_adagrad_options){ .learning_rate = 0.2f, .initial_accumulator_value = 0.5f, .has_initial_accumulator_value = true, .epsilon = 1e-3f, .common = { .clipnorm = 1.0f } })"),
    ("adadelta", lambda: keras.optimizers.Adadelta(learning_rate=1.0),
     "brain_adadelta(&(brain_adadelta_options){ .learning_rate = 1.0f })"),
    ("adadelta_rho_eps", lambda: keras.optimizers.Adadelta(learning_rate=0.5, rho=0.8, epsilon=1e-4),
     "brain_adadelta(&(brain_adadelta_options){ .learning_rate = 0.5f, .rho = 0.8f, .epsilon = 1e-4f })"),
    ("adamax", lambda: keras.optimizers.Adamax(learning_rate=0.1),
     "brain_adamax(&(brain_adam_options){ .learning_rate = 0.1f })"),
    ("adamax_betas_eps", lambda: keras.optimizers.Adamax(learning_rate=0.05, beta_1=0.8, beta_2=0.9, epsilon=0.01),
     "brain_adamax(&(brain_adam_options){ .learning_rate = 0.05f, .beta_1 = 0.8f, .beta_2 = 0.9f, .epsilon = 0.01f })"),
    ("nadam", lambda: keras.optimizers.Nadam(learning_rate=0.1),
     "brain_nadam(&(brain_adam_options){ .learning_rate = 0.1f })"),
    ("nadam_betas_wd", lambda: keras.optimizers.Nadam(learning_rate=0.05, beta_1=0.8, beta_2=0.95, weight_decay=0.1),
     "brain_nadam(&(brain_adam_options){ .learning_rate = 0.05f, .beta_1 = 0.8f, .beta_2 = 0.95f, .common = { .weight_decay = 0.1f } })"),
    ("lion", lambda: keras.optimizers.Lion(learning_rate=0.1),
     "brain_lion(&(brain_lion_options){ .learning_rate = 0.1f })"),
    ("lion_betas_global_clipnorm", lambda: keras.optimizers.Lion(learning_rate=0.03, beta_1=0.5, beta_2=0.9, global_clipnorm=1.0),
     "brain_lion(&(brain_lion_options){ .learning_rate = 0.03f, .beta_1 = 0.5f, .beta_2 = 0.9f, .common = { .global_clipnorm = 1.0f } })"),
    ("ftrl", lambda: keras.optimizers.Ftrl(learning_rate=0.1),
     "brain_ftrl(&(brain_ftrl_options){ .learning_rate = 0.1f })"),
    ("ftrl_all", lambda: keras.optimizers.Ftrl(learning_rate=0.2, learning_rate_power=-0.7, initial_accumulator_value=0.2,
                                               l1_regularization_strength=0.05, l2_regularization_strength=0.1,
                                               l2_shrinkage_regularization_strength=0.02, beta=0.3, clipvalue=0.8),
     "brain_ftrl(&(brain_ftrl_options){ .learning_rate = 0.2f, .learning_rate_power = -0.7f, .has_learning_rate_power = true, "
     ".initial_accumulator_value = 0.2f, .has_initial_accumulator_value = true, .l1_regularization_strength = 0.05f, "
     ".l2_regularization_strength = 0.1f, .l2_shrinkage_regularization_strength = 0.02f, .beta = 0.3f, .common = { .clipvalue = 0.8f } })"),
    ("adafactor", lambda: keras.optimizers.Adafactor(learning_rate=0.1),
     "brain_adafactor(&(brain_adafactor_options){ .learning_rate = 0.1f })"),
    ("adafactor_opts", lambda: keras.optimizers.Adafactor(learning_rate=0.5, beta_2_decay=-0.5, epsilon_1=1e-20, epsilon_2=0.01,
                                                         clip_threshold=0.5, relative_step=False, weight_decay=0.02),
     "brain_adafactor(&(brain_adafactor_options){ .learning_rate = 0.5f, .beta_2_decay = -0.5f, .has_beta_2_decay = true, "
     ".epsilon_1 = 1e-20f, .epsilon_2 = 0.01f, .clip_threshold = 0.5f, .relative_step = BRAIN_OFF, .common = { .weight_decay = 0.02f } })"),
    ("adafactor_schedule_clipnorm", lambda: keras.optimizers.Adafactor(learning_rate=S.ExponentialDecay(2.0, 2, 0.5), clipnorm=0.5),
     "brain_adafactor(&(brain_adafactor_options){ .common = { .clipnorm = 0.5f, .learning_rate_schedule = brain_exponential_decay(2.0, 2, 0.5, NULL) } })"),
    ("adam_ema", lambda: keras.optimizers.Adam(learning_rate=0.1, use_ema=True),
     "brain_adam(&(brain_adam_options){ .learning_rate = 0.1f, .common = { .use_ema = true } })"),
    ("sgd_ema_overwrite", lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.5, use_ema=True, ema_momentum=0.6, ema_overwrite_frequency=2),
     "brain_sgd(&(brain_sgd_options){ .learning_rate = 0.1f, .momentum = 0.5f, .common = { .use_ema = true, .ema_momentum = 0.6f, .has_ema_momentum = true, .ema_overwrite_frequency = 2 } })"),
    ("sgd_accumulate2", lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, gradient_accumulation_steps=2),
     "brain_sgd(&(brain_sgd_options){ .learning_rate = 0.1f, .momentum = 0.9f, .common = { .gradient_accumulation_steps = 2 } })"),
    ("adam_accumulate2_ema", lambda: keras.optimizers.Adam(learning_rate=0.1, gradient_accumulation_steps=2, use_ema=True, ema_momentum=0.5),
     "brain_adam(&(brain_adam_options){ .learning_rate = 0.1f, .common = { .gradient_accumulation_steps = 2, .use_ema = true, .ema_momentum = 0.5f, .has_ema_momentum = true } })"),
    ("nadam_accumulate3", lambda: keras.optimizers.Nadam(learning_rate=0.1, gradient_accumulation_steps=3),
     "brain_nadam(&(brain_adam_options){ .learning_rate = 0.1f, .common = { .gradient_accumulation_steps = 3 } })"),
    ("rmsprop_loss_scale", lambda: keras.optimizers.RMSprop(learning_rate=0.1, loss_scale_factor=3.0),
     "brain_rmsprop(&(brain_rmsprop_options){ .learning_rate = 0.1f, .common = { .loss_scale_factor = 3.0f } })"),
    ("sgd_exponential_decay", lambda: keras.optimizers.SGD(learning_rate=S.ExponentialDecay(0.1, 2, 0.5)),
     "brain_sgd(&(brain_sgd_options){ .common = { .learning_rate_schedule = brain_exponential_decay(0.1, 2, 0.5, NULL) } })"),
    ("adam_cosine_warmup", lambda: keras.optimizers.Adam(learning_rate=S.CosineDecay(0.01, 3, alpha=0.1, warmup_target=0.1, warmup_steps=2)),
     "brain_adam(&(brain_adam_options){ .common = { .learning_rate_schedule = brain_cosine_decay(0.01, 3, &(brain_cosine_decay_options){ .alpha = 0.1, .warmup_target = 0.1, .has_warmup_target = true, .warmup_steps = 2 }) } })"),
    ("adagrad_piecewise_wd", lambda: keras.optimizers.Adagrad(learning_rate=S.PiecewiseConstantDecay([1, 2], [0.3, 0.2, 0.1]), weight_decay=0.05),
     "brain_adagrad(&(brain_adagrad_options){ .common = { .weight_decay = 0.05f, .learning_rate_schedule = brain_piecewise_constant_decay(2, (const double[]){ 1, 2 }, (const double[]){ 0.3, 0.2, 0.1 }, NULL) } })"),
]

# label, Keras schedule, C constructor
SCHEDULES = [
    ("exponential", S.ExponentialDecay(0.1, 4, 0.5), "brain_exponential_decay(0.1, 4, 0.5, NULL)"),
    ("exponential_staircase", S.ExponentialDecay(0.01, 3, 0.9, staircase=True),
     "brain_exponential_decay(0.01, 3, 0.9, &(brain_decay_options){ .staircase = true })"),
    ("piecewise", S.PiecewiseConstantDecay([3, 7, 12], [1.0, 0.5, 0.1, 0.01]),
     "brain_piecewise_constant_decay(3, (const double[]){ 3, 7, 12 }, (const double[]){ 1.0, 0.5, 0.1, 0.01 }, NULL)"),
    ("polynomial", S.PolynomialDecay(0.1, 10), "brain_polynomial_decay(0.1, 10, NULL)"),
    ("polynomial_power_end", S.PolynomialDecay(0.1, 7, end_learning_rate=0.01, power=2.5),
     "brain_polynomial_decay(0.1, 7, &(brain_polynomial_decay_options){ .end_learning_rate = 0.01, .has_end_learning_rate = true, .power = 2.5 })"),
    ("polynomial_cycle", S.PolynomialDecay(0.1, 6, end_learning_rate=0.001, power=0.5, cycle=True),
     "brain_polynomial_decay(0.1, 6, &(brain_polynomial_decay_options){ .end_learning_rate = 0.001, .has_end_learning_rate = true, .power = 0.5, .cycle = true })"),
    ("inverse_time", S.InverseTimeDecay(0.1, 5, 0.5), "brain_inverse_time_decay(0.1, 5, 0.5, NULL)"),
    ("inverse_time_staircase", S.InverseTimeDecay(0.2, 4, 1.5, staircase=True),
     "brain_inverse_time_decay(0.2, 4, 1.5, &(brain_decay_options){ .staircase = true })"),
    ("cosine", S.CosineDecay(0.1, 20), "brain_cosine_decay(0.1, 20, NULL)"),
    ("cosine_alpha", S.CosineDecay(0.05, 13, alpha=0.2), "brain_cosine_decay(0.05, 13, &(brain_cosine_decay_options){ .alpha = 0.2 })"),
    ("cosine_warmup", S.CosineDecay(0.0, 15, alpha=0.1, warmup_target=0.1, warmup_steps=5),
     "brain_cosine_decay(0.0, 15, &(brain_cosine_decay_options){ .alpha = 0.1, .warmup_target = 0.1, .has_warmup_target = true, .warmup_steps = 5 })"),
    ("cosine_restarts", S.CosineDecayRestarts(0.1, 3), "brain_cosine_decay_restarts(0.1, 3, NULL)"),
    ("cosine_restarts_opts", S.CosineDecayRestarts(0.2, 4, t_mul=1.0, m_mul=0.7, alpha=0.05),
     "brain_cosine_decay_restarts(0.2, 4, &(brain_cosine_restarts_options){ .t_mul = 1.0, .has_t_mul = true, .m_mul = 0.7, .has_m_mul = true, .alpha = 0.05 })"),
    ("cosine_restarts_tmul", S.CosineDecayRestarts(0.1, 2, t_mul=1.5, m_mul=0.9),
     "brain_cosine_decay_restarts(0.1, 2, &(brain_cosine_restarts_options){ .t_mul = 1.5, .has_t_mul = true, .m_mul = 0.9, .has_m_mul = true })"),
]
SCHED_STEPS = 30


def run(make):
    opt = make()
    w = np.array(W0, dtype=np.float32)
    vs = [keras.Variable(w[:4].reshape(2, 2), name="kernel"), keras.Variable(w[4:], name="bias")]
    out = []
    for g in GRADS:
        g = np.array(g, dtype=np.float32)
        opt.apply([g[:4].reshape(2, 2), g[4:]], vs)
        out.append(np.concatenate([np.asarray(v.value).reshape(-1) for v in vs]).tolist())
    return out


def f(x):
    return "%.9g" % x


print("/* toolkit_optimizer_golden.h — generated by tools/gen_toolkit_optimizer_golden.py with Keras %s "
      "(backend %s); do not edit. */" % (keras.__version__, keras.backend.backend()))
print("#ifndef TOOLKIT_OPTIMIZER_GOLDEN_H\n#define TOOLKIT_OPTIMIZER_GOLDEN_H")
print("#define G2_N 7\n#define G2_STEPS %d" % len(GRADS))
print("static const double g2_w0[G2_N] = { %s };" % ", ".join(f(x) for x in W0))
print("static const double g2_grads[G2_STEPS][G2_N] = {")
for g in GRADS:
    print("    { %s }," % ", ".join(f(x) for x in g))
print("};")
print("typedef struct g2_case { const char *label; double w[G2_STEPS][G2_N]; } g2_case;")
print("static const g2_case g2_cases[] = {")
for label, make, _ in CASES:
    out = run(make)
    print('    { "%s", {' % label)
    for row in out:
        print("        { %s }," % ", ".join(f(x) for x in row))
    print("    } },")
print("};")
print("#define G2_NCASES %d" % len(CASES))
print("static brain_optimizer *g2_make(int i)\n{\n    switch (i) {")
for i, (_, _, c) in enumerate(CASES):
    print("    case %d: return %s;" % (i, c))
print("    }\n    return NULL;\n}")
print("#define G2_SCHED_STEPS %d" % SCHED_STEPS)
print("typedef struct g2_sched { const char *label; double v[G2_SCHED_STEPS]; } g2_sched;")
print("static const g2_sched g2_scheds[] = {")
for label, s, _ in SCHEDULES:
    vals = [float(np.asarray(s(np.int32(t)))) for t in range(SCHED_STEPS)]
    print('    { "%s", { %s } },' % (label, ", ".join(f(v) for v in vals)))
print("};")
print("#define G2_NSCHEDS %d" % len(SCHEDULES))
print("static brain_lr_schedule *g2_make_sched(int i)\n{\n    switch (i) {")
for i, (_, _, c) in enumerate(SCHEDULES):
    print("    case %d: return %s;" % (i, c))
print("    }\n    return NULL;\n}")
print("#endif")
