/* test_atomic_save.c — a save killed midway leaves the previous file whole.
 *
 * A child process (this program run as "child <file>") saves a large model over the same path
 * again and again, each time with different weights; the parent kills it with SIGKILL at
 * several moments and checks each time that the file still loads and holds one complete
 * version (every weight of the first layer equal to the version number it was saved with).
 * Then: the next save removes the temporaries the killed saves left (once old enough, and not
 * locked by a live save), and nothing else. */
#define _DEFAULT_SOURCE /* flock */
#include "brain.h"
#include "check.h"
#include "io_util.h"
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/* sets a file's times an hour back */
static void age(const char *path)
{
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= 3600;
    t[1] = t[0];
    utimensat(AT_FDCWD, path, t, 0);
}

/* entries of the scratch directory named prefix + six letters or digits (aged when `make_old`) */
static int count_temps(const char *prefix, bool make_old)
{
    DIR *d = opendir(io_tmpdir());
    int n = 0;
    size_t pl = strlen(prefix);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, prefix, pl) || strlen(e->d_name) != pl + 6) continue;
        bool ok = true;
        for (int i = 0; i < 6; i++) ok = ok && isalnum((unsigned char)e->d_name[pl + i]);
        if (!ok) continue;
        n++;
        if (make_old) age(io_path(e->d_name));
    }
    if (d) closedir(d);
    return n;
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
    /* The killed saves may leave temporary files behind, never a damaged target; the next save to
     * the same path removes them once they are older than a save could be (and unlocked), and
     * nothing else: other names, young temporaries, and one a live save holds locked stay. */
    int temps = count_temps(".atomic.keras.tmp", true);
    printf("temporary files left by killed saves: %d\n", temps);
    const char *decoys[] = { ".atomic.keras.tmpAB12", ".atomic.keras.tmpABC123x", ".other.keras.tmpABC123",
                             "atomic.keras.tmpABC123", ".atomic.keras.tmpAB-123", ".atomic.keras.tmpLOCKD1",
                             ".atomic.keras.tmpYOUNG1" };
    const int nd = (int)(sizeof decoys / sizeof *decoys);
    int locked = -1;
    FILE *sf = fopen(io_path(".atomic.keras.tmpSTALE1"), "wb"); /* what a killed save leaves */
    if (sf) { fputs("partial", sf); fclose(sf); }
    age(io_path(".atomic.keras.tmpSTALE1"));
    for (int i = 0; i < nd; i++) {
        FILE *f = fopen(io_path(decoys[i]), "wb");
        if (f) { fputs("x", f); fclose(f); }
        if (i < nd - 1) age(io_path(decoys[i]));
    }
    locked = open(io_path(".atomic.keras.tmpLOCKD1"), O_RDONLY);
    CHECK(locked >= 0 && flock(locked, LOCK_EX | LOCK_NB) == 0); /* as a live save in another process holds it */
    CHECK_OK(brain_save(m, p));
    /* the stale ones are gone (those the kills left and STALE1); LOCKD1 and YOUNG1 stay */
    CHECK(stat(io_path(".atomic.keras.tmpSTALE1"), &(struct stat){0}) != 0);
    CHECK(count_temps(".atomic.keras.tmp", false) == 2);
    for (int i = 0; i < nd; i++) {
        struct stat st;
        CHECK_MSG(stat(io_path(decoys[i]), &st) == 0, "the save removed %s, which is not its stale temporary", decoys[i]);
    }
    int left = 0;
    DIR *d = opendir(io_tmpdir());
    for (struct dirent *e; d && (e = readdir(d));) left += !strncmp(e->d_name, ".atomic.keras.tmp", 17);
    if (d) closedir(d);
    CHECK_MSG(left == 5, "%d temporaries left, expected the 5 that are not stale temporaries of this save", left);
    if (locked >= 0) close(locked);
    /* once unlocked (the owner died) and old, the next save removes it; the young one stays */
    CHECK_OK(brain_save(m, p));
    struct stat st;
    CHECK(stat(io_path(".atomic.keras.tmpLOCKD1"), &st) != 0);
    CHECK(stat(io_path(".atomic.keras.tmpYOUNG1"), &st) == 0);
    for (int i = 0; i < nd; i++) unlink(io_path(decoys[i]));
    brain_model_free(m);
    return check_summary("test_atomic_save");
}
