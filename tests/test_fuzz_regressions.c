/* Fuzz findings fixed in our code stay fixed: every input in tests/fuzz/crashes_fixed/ (first byte:
 * the fuzz_keras reader, 0 = config.json) is replayed here, under the sanitizers in CI; each must
 * fail with a message, or load and predict.  (docs/fuzzing.md lists them.) */
#include "brain.h"
#include "check.h"
#include "io/io.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) return;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    CHECK(n > 1 && buf[0] == 0);
    if (n <= 1 || buf[0] != 0) return;
    cJSON *cfg = cJSON_ParseWithLength(buf + 1, n - 1);
    CHECK(cfg != NULL);
    brain_model *m = NULL;
    brain_clear_error();
    brain_status s = brain__model_from_config(cfg, path, &m);
    if (s) {
        CHECK(m == NULL && brain_last_error()[0]);
        printf("%s: %s\n", path, brain_last_error());
    } else {
        brain_shape in = brain_model_input_shape(m);
        int64_t dims[BRAIN_MAX_DIMS] = {2};
        for (int i = 0; i < in.ndim; i++) dims[i + 1] = in.dims[i];
        brain_tensor *x = brain_tensor_new(in.ndim + 1, dims), *p = NULL;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p));
        brain_tensor_free(p);
        brain_tensor_free(x);
    }
    brain_model_free(m);
    cJSON_Delete(cfg);
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    DIR *d = opendir("tests/fuzz/crashes_fixed");
    int n = 0;
    char path[512];
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "tests/fuzz/crashes_fixed/%s", e->d_name);
        replay(path);
        n++;
    }
    if (d) closedir(d);
    CHECK(n >= 1);
    return check_summary("test_fuzz_regressions");
}
