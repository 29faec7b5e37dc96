/* Untrusted legacy .h5 files (issue 16 item 10, docs/reliability.md): the three inputs in
 * tests/fuzz/crashes_hdf5/ made libhdf5 1.10 read out of bounds, follow a wild pointer and loop
 * for ever; brain_load_model and brain_load_weights parse legacy files in a child process with
 * memory and time limits (src/io/legacy_sandbox.c), so each ends in a clear error — no crash, no
 * hang — and a good legacy file still loads.  The same for a weights image on which libhdf5
 * dereferenced NULL (found by the "weights" fuzz target). */
#include "brain.h"
#include "check.h"
#include "io/io.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *inputs[] = {
    "tests/fuzz/crashes_hdf5/fuzz_art_crash-4c11b0d2a344f76af2602715d80cfae1e73e1da4",
    "tests/fuzz/crashes_hdf5/fuzz_art_crash-760e20762234f0b0fd22498f686b9489c3e4107a",
    "tests/fuzz/crashes_hdf5/fuzz_art_timeout-1d83d5c53b313d690e55b45d2d97e565df2e7434",
};

/* a fuzz input is one selector byte (2: legacy .h5) and the file */
static bool write_file(const char *in, const char *out)
{
    FILE *f = fopen(in, "rb"), *g = fopen(out, "wb");
    bool ok = f && g && fgetc(f) == 2;
    int c;
    while (ok && (c = fgetc(f)) != EOF) fputc(c, g);
    if (f) fclose(f);
    if (g) fclose(g);
    return ok;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    brain__legacy_sandbox_limits(1, 0); /* 1 s of CPU (3 s of wall time) for the looping input */
    char dir[] = "/tmp/brain_legacy_XXXXXX", path[64];
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    snprintf(path, sizeof path, "%s/damaged.h5", dir);
    brain_model *ref = NULL;
    CHECK_OK(brain_load_model("tests/keras_files/seq_all.h5", &ref, NULL)); /* a good file loads */
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        CHECK(write_file(inputs[i], path));
        brain_model *m = NULL;
        const double t0 = now();
        brain_status s = brain_load_model(path, &m, NULL);
        const double took = now() - t0;
        CHECK_MSG(s == BRAIN_ERR_FORMAT && m == NULL, "input %zu: status %d", i, (int)s);
        CHECK_MSG(strstr(brain_last_error(), path) != NULL, "input %zu: the message does not name the file: %s", i, brain_last_error());
        CHECK_MSG(took < 30, "input %zu took %.1f s", i, took);
        printf("%s: %s (%.2f s)\n", strrchr(inputs[i], '/') + 1, brain_last_error(), took);
        /* weights only, into a model of the file's kind: the same, and the model is unchanged */
        if (ref) {
            const int64_t n = brain_model_count_params(ref);
            float *before = malloc(sizeof(float) * (size_t)n), *after = malloc(sizeof(float) * (size_t)n);
            brain_model_get_weights(ref, before, n);
            CHECK(brain_load_weights(ref, path) != BRAIN_OK);
            CHECK(brain_last_error()[0] != 0);
            brain_model_get_weights(ref, after, n);
            CHECK(!memcmp(before, after, sizeof(float) * (size_t)n));
            free(before); free(after);
        }
    }
    /* a damaged weights image that made libhdf5 dereference NULL (fuzz target "weights"): every
     * weights image a file holds is parsed in the sandbox too */
    brain_set_random_seed(1);
    brain_model *fixed = brain_sequential("fixed"); /* the fuzz target's model */
    brain_model_add(fixed, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(fixed, brain_dense(3, NULL));
    brain_model_add(fixed, brain_dropout(0.5f, NULL));
    brain_model_add(fixed, brain_dense(2, NULL));
    CHECK_OK(brain_compile(fixed, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    char wpath[80];
    snprintf(wpath, sizeof wpath, "%s/damaged.weights.h5", dir);
    FILE *in = fopen("tests/fuzz/crashes_hdf5/fuzz_weights_crash-67dde737db428a502151edee0865fa75ab753cce", "rb");
    FILE *out = fopen(wpath, "wb");
    CHECK(in && out && fgetc(in) == 3);
    for (int c; in && out && (c = fgetc(in)) != EOF;) fputc(c, out);
    if (in) fclose(in);
    if (out) fclose(out);
    CHECK(brain_load_weights(fixed, wpath) == BRAIN_ERR_FORMAT);
    CHECK_MSG(strstr(brain_last_error(), wpath) != NULL, "%s", brain_last_error());
    printf("fuzz_weights_crash: %s\n", brain_last_error());
    brain_model_free(fixed);
    remove(wpath);

    /* the good file's weights still load into the model through the sandbox */
    if (ref) CHECK_OK(brain_load_weights(ref, "tests/keras_files/seq_all.h5"));
    brain_model_free(ref);
    remove(path);
    remove(dir);
    return check_summary("test_legacy_sandbox");
}
