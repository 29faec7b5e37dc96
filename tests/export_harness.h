/* export_harness.h — exports a model to C (brain_export_c), compiles the generated files with
 * the system's C compiler as a firmware project would (-std=c99 -Wall -Wextra -Werror -pedantic,
 * no libbrain), runs the program on inputs and reads its outputs back.  Used by
 * tests/test_export_c.c and bench/bench_export_int8.c.
 *
 * The driver (written next to the generated files) reads n samples of raw float32 input, calls
 * NAME_predict_batch, checks that NAME_predict_ws gives the same first row, and writes raw float32
 * outputs.  The compiler is $CC, else the one CMake found (BRAIN_TEST_CC), else "cc". */
#ifndef BRAIN_EXPORT_HARNESS_H
#define BRAIN_EXPORT_HARNESS_H
#include <brain.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef BRAIN_TEST_CC
#define BRAIN_TEST_CC "cc"
#endif
#ifndef BRAIN_TEST_CC_EXTRA
#define BRAIN_TEST_CC_EXTRA ""
#endif

static const char *harness_cc(void)
{
    const char *cc = getenv("CC");
    return cc && *cc ? cc : BRAIN_TEST_CC;
}

static inline int harness_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* Writes the driver for NAME into dir/main_NAME.c. */
static inline int harness_driver(const char *dir, const char *name)
{
    char path[1024], src[4096], up[80];
    size_t i;
    for (i = 0; name[i] && i + 1 < sizeof up; i++) up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    up[i] = 0;
    snprintf(path, sizeof path, "%s/main_%s.c", dir, name);
    int n = snprintf(src, sizeof src,
        "#include \"%s.h\"\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
        "static float ws[%s_ARENA_FLOATS];\n"
        "int main(int argc, char **argv)\n{\n"
        "    long n, k;\n    float *x, *y, one[%s_OUTPUT_SIZE];\n    FILE *f;\n"
        "    if (argc != 4) return 2;\n    n = atol(argv[3]);\n"
        "    x = malloc(sizeof(float) * (size_t)(n * %s_INPUT_SIZE + 1));\n"
        "    y = malloc(sizeof(float) * (size_t)(n * %s_OUTPUT_SIZE + 1));\n"
        "    f = fopen(argv[1], \"rb\");\n    if (!x || !y || !f) return 2;\n"
        "    if (fread(x, sizeof(float), (size_t)(n * %s_INPUT_SIZE), f) != (size_t)(n * %s_INPUT_SIZE)) return 2;\n"
        "    fclose(f);\n"
        "    if (%s_predict_batch(x, y, (int)n)) return 3;\n"
        "    if (n > 0) {\n        if (%s_predict_ws(x, one, ws)) return 3;\n"
        "        for (k = 0; k < %s_OUTPUT_SIZE; k++) if (memcmp(&one[k], &y[k], sizeof(float))) return 4;\n    }\n"
        "    f = fopen(argv[2], \"wb\");\n    if (!f) return 2;\n"
        "    if (fwrite(y, sizeof(float), (size_t)(n * %s_OUTPUT_SIZE), f) != (size_t)(n * %s_OUTPUT_SIZE)) return 2;\n"
        "    free(x);\n    free(y);\n    return fclose(f) ? 2 : 0;\n}\n",
        name, up, up, up, up, up, up, name, name, up, up, up);
    return harness_write(path, src, (size_t)n);
}

/* Exports m as `name` into dir (created), compiles, runs it on x and returns the outputs as a new
 * tensor (rows × output size) in *out.  0 on success; else prints why and returns non-zero. */
static inline int harness_run(brain_model *m, const char *dir, const char *name, const brain_tensor *x,
                       const brain_export_c_options *opt, brain_export_c_report *rep, brain_tensor **out)
{
    char cmd[4096], in_path[1024], out_path[1024], exe[1024];
    brain_export_c_options o = opt ? *opt : (brain_export_c_options){0};
    brain_export_c_report r = {0};
    o.name = name;
    o.report = &r;
    *out = NULL;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) { fprintf(stderr, "harness: cannot create %s\n", dir); return 1; }
    if (brain_export_c(m, dir, &o) != BRAIN_OK) { fprintf(stderr, "harness: export failed: %s\n", brain_last_error()); return 1; }
    if (rep) *rep = r;
    if (harness_driver(dir, name)) { fprintf(stderr, "harness: cannot write the driver\n"); return 1; }
    snprintf(exe, sizeof exe, "%s/run_%s", dir, name);
    snprintf(cmd, sizeof cmd, "%s -std=c99 -Wall -Wextra -Werror -pedantic -O2 %s -o %s %s/%s.c %s/main_%s.c -lm", harness_cc(),
             BRAIN_TEST_CC_EXTRA, exe, dir, name, dir, name);
    if (system(cmd) != 0) { fprintf(stderr, "harness: compiling failed: %s\n", cmd); return 1; }
    const int64_t n = x->shape[0], in_size = x->size / (n ? n : 1);
    snprintf(in_path, sizeof in_path, "%s/in_%s.bin", dir, name);
    snprintf(out_path, sizeof out_path, "%s/out_%s.bin", dir, name);
    if (harness_write(in_path, x->data, sizeof(float) * (size_t)x->size)) { fprintf(stderr, "harness: cannot write %s\n", in_path); return 1; }
    (void)in_size;
    /* a cross build runs its programs through an emulator (CMake's CMAKE_CROSSCOMPILING_EMULATOR) */
    const char *emu = getenv("BRAIN_TEST_EMULATOR");
    snprintf(cmd, sizeof cmd, "%s%s%s %s %s %lld", emu && *emu ? emu : "", emu && *emu ? " " : "", exe, in_path, out_path,
             (long long)n);
    int rc = system(cmd);
    if (rc != 0) { fprintf(stderr, "harness: %s exited with %d\n", cmd, rc); return 1; }
    FILE *f = fopen(out_path, "rb");
    if (!f) return 1;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    int64_t per = n ? (int64_t)(bytes / 4) / n : 0;
    brain_tensor *t = brain_tensor_new(2, (int64_t[]){n, per});
    size_t got = t ? fread(t->data, sizeof(float), (size_t)(n * per), f) : 0;
    fclose(f);
    if (!t || got != (size_t)(n * per)) { brain_tensor_free(t); return 1; }
    *out = t;
    return 0;
}

/* max |a − b| / max(1, |b|) over the values of two tensors of the same size (−1 if sizes differ) */
static inline double harness_max_diff(const brain_tensor *a, const brain_tensor *b)
{
    if (!a || !b || a->size != b->size) return -1;
    double mx = 0;
    for (int64_t i = 0; i < a->size; i++) {
        double d = fabs((double)a->data[i] - (double)b->data[i]) / (fabs((double)b->data[i]) > 1 ? fabs((double)b->data[i]) : 1);
        if (!(d <= mx)) mx = d; /* NaN propagates */
    }
    return mx;
}

/* accuracy of predictions p (rows × classes; one column = sigmoid with threshold 0.5) against
 * class ids y */
static inline double harness_accuracy(const brain_tensor *p, const brain_tensor *y)
{
    const int64_t n = p->shape[0], k = p->size / n;
    int64_t ok = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t c = 0;
        if (k == 1) c = p->data[i] > 0.5f;
        else for (int64_t j = 1; j < k; j++) if (p->data[i * k + j] > p->data[i * k + c]) c = j;
        ok += c == (int64_t)y->data[i];
    }
    return (double)ok / (double)n;
}
#endif
