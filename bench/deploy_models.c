/* deploy_models.c — what scripts/deploy_arm.sh cross-compiles: the lecture models (trained
 * briefly: the sizes and the device-versus-brain comparison do not depend on how long), each
 * exported to C in float32, int8 and int8 with fixed-point requantisation into OUT/<model>/,
 * OUT/<model>_int8/ and OUT/<model>_int8_fixed/, with samples.h
 * holding a few test inputs and brain_predict's outputs for them (the firmware checks itself
 * against those).
 *
 * Run: ./build/deploy_models OUT [model ...]   (default: every lecture model).
 * Exit codes: 0 done, 1 an error. */
#include "../tests/export_models.h"
#include <brain.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

enum { SAMPLES = 4 };

static int write_samples(const char *dir, const char *name, const char *model_name, const brain_tensor *x, const brain_tensor *y)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/samples.h", dir);
    FILE *f = fopen(path, "w");
    if (!f) { fprintf(stderr, "cannot write %s\n", path); return 1; }
    const int64_t in = x->size / x->shape[0], out = y->size / y->shape[0];
    fprintf(f, "/* samples.h — %d test inputs of '%s' and brain_predict's outputs for them (float32 model). */\n", SAMPLES, model_name);
    fprintf(f, "#include \"%s.h\"\n#define SAMPLES %d\n#define IN_SIZE %lld\n#define OUT_SIZE %lld\n#define PREDICT %s_predict\n",
            name, SAMPLES, (long long)in, (long long)out, name);
    fprintf(f, "#define MODEL_NAME \"%s\"\n", name);
    fprintf(f, "static const float sample_in[%lld] = {", (long long)(SAMPLES * in));
    for (int64_t i = 0; i < SAMPLES * in; i++) fprintf(f, "%s%.9g%s", i % 8 ? " " : "\n    ", (double)x->data[i], i + 1 < SAMPLES * in ? "," : "");
    fprintf(f, "\n};\nstatic const float sample_brain[%lld] = {", (long long)(SAMPLES * out));
    for (int64_t i = 0; i < SAMPLES * out; i++) fprintf(f, "%s%.9g%s", i % 8 ? " " : "\n    ", (double)y->data[i], i + 1 < SAMPLES * out ? "," : "");
    fprintf(f, "\n};\n");
    return fclose(f) ? 1 : 0;
}

static int deploy(lm_case *c, const char *out)
{
    char dir[1024], name[96];
    brain_tensor *x = brain_tensor_slice_rows(c->x_test, 0, SAMPLES), *y = NULL, *cal = brain_tensor_slice_rows(c->x_cal, 0, c->x_cal->shape[0] < 500 ? c->x_cal->shape[0] : 500);
    LM_TRY(brain_predict(c->m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &y));
    for (int q = 0; q < 3; q++) { /* float32, int8, int8 with fixed-point requantisation */
        snprintf(name, sizeof name, "%s%s", c->name, q == 2 ? "_int8_fixed" : q ? "_int8" : "");
        snprintf(dir, sizeof dir, "%s/%s", out, name);
        if (mkdir(dir, 0777) && errno != EEXIST) { fprintf(stderr, "cannot create %s\n", dir); return 1; }
        brain_export_c_report rep = {0};
        LM_TRY(brain_export_c(c->m, dir, &(brain_export_c_options){.name = name, .int8 = q > 0, .int8_fixed_point = q == 2,
                                                                    .calibration = cal, .report = &rep}));
        if (write_samples(dir, name, c->name, x, y)) return 1;
        printf("%-22s weights %9lld bytes, arena %7lld bytes\n", name, (long long)rep.weight_bytes, (long long)rep.arena_bytes);
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_tensor_free(cal);
    return 0;
}

static int wanted(int argc, char **argv, const char *name)
{
    if (argc <= 2) return 1;
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], name)) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: deploy_models OUT [model ...]\n"); return 1; }
    const char *out = argv[1];
    if (mkdir(out, 0777) && errno != EEXIST) { fprintf(stderr, "cannot create %s\n", out); return 1; }
    brain_set_random_seed(42);
    const lm_size sz = {.n_train = 256, .n_test = 16, .epochs = 1, .vocab = 10000};
    lm_case c;
    if (wanted(argc, argv, "breast_cancer")) { if (lm_breast_cancer(&c, &(lm_size){.epochs = 10}) || deploy(&c, out)) return 1; lm_free(&c); }
    for (int cell = 0; cell < 3; cell++) {
        static const char *names[] = {"ecg_simple_rnn", "ecg_lstm", "ecg_gru"};
        if (wanted(argc, argv, names[cell])) { if (lm_ecg_rnn(&c, &sz, cell) || deploy(&c, out)) return 1; lm_free(&c); }
    }
    if (wanted(argc, argv, "ecg_conv1d")) { if (lm_ecg_conv1d(&c, &sz) || deploy(&c, out)) return 1; lm_free(&c); }
    if (wanted(argc, argv, "text_lstm")) { if (lm_text_lstm(&c, &sz) || deploy(&c, out)) return 1; lm_free(&c); }
    if (wanted(argc, argv, "fashion_cnn")) {
        int rc = lm_fashion_cnn(&c, &(lm_size){.n_train = 256, .n_test = 16, .epochs = 1});
        if (rc == 3) printf("fashion_cnn: skipped (Fashion-MNIST is not installed)\n");
        else if (rc || deploy(&c, out)) return 1;
        else lm_free(&c);
    }
    return 0;
}
