/* test_atomic_save.c — a save killed midway leaves the previous file whole.
 *
 * A child process (this program run as "child <file>") saves a large model over the same path
 * again and again, each time with different weights; the parent kills it with SIGKILL at
 * several moments and checks each time that the file still loads and holds one complete
 * version (every weight of the first layer equal to the version number it was saved with). */
#include "brain.h"
#include "check.h"
#include "io_util.h"
#include <dirent.h>
#include <signal.h>
#include <time.h>

static brain_model *make(void)
{
    brain_set_random_seed(1);
    brain_model *m = brain_sequential("big");
    brain_model_add(m, brain_input(BRAIN_SHAPE(512)));
    brain_model_add(m, brain_dense(1024, NULL));
    brain_model_add(m, brain_dense(16, NULL));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "mse" });
    return m;
}

/* every value of the model = v */
static void fill(brain_model *m, float v)
{
    float *p = brain_model_params(m);
    for (int64_t i = 0; i < brain_model_count_trainable(m); i++) p[i] = v;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

int main(int argc, char **argv)
{
    brain_set_print_hook(NULL, NULL);
    if (argc == 3 && !strcmp(argv[1], "child")) {
        brain_model *m = make();
        for (int v = 2;; v++) {
            fill(m, (float)v);
            if (brain_save(m, argv[2])) return 3;
        }
    }
    const char *p = io_path("atomic.keras");
    brain_model *m = make();
    fill(m, 1.0f);
    CHECK_OK(brain_save(m, p));
    const long delays[] = { 5, 40, 90, 150, 230, 310 };
    for (size_t k = 0; k < sizeof delays / sizeof delays[0]; k++) {
        pid_t pid = 0;
        CHECK(io_run_self(argv[0], "child", p, &pid) == 0);
        sleep_ms(delays[k]);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
        brain_model *l = NULL;
        CHECK_OK(brain_load_model(p, &l, NULL));
        if (!l) continue;
        float *w = brain_model_params(l), v = w[0];
        bool whole = v >= 1.0f;
        for (int64_t i = 0; i < brain_model_count_trainable(l); i++) whole = whole && w[i] == v;
        CHECK_MSG(whole, "the file mixes versions after a kill at %ld ms", delays[k]);
        brain_model_free(l);
    }
    /* the killed saves may leave temporary files behind, never a damaged target */
    DIR *d = opendir(io_tmpdir());
    struct dirent *e;
    int temps = 0;
    char tmp[512];
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, ".atomic.keras.tmp", 17)) continue;
        temps++;
        snprintf(tmp, sizeof tmp, "%s/%s", io_tmpdir(), e->d_name);
        unlink(tmp);
    }
    if (d) closedir(d);
    printf("temporary files left by killed saves: %d\n", temps);
    brain_model_free(m);
    return check_summary("test_atomic_save");
}
