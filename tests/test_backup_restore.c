/* BackupAndRestore and crash consistency (issue 16 item 9, docs/reliability.md).
 *
 * As a ctest: a fit that crashes (the child process _exits inside on_epoch_end, before or after
 * the epoch's backup) and is started again resumes to bitwise the weights of an uninterrupted fit;
 * a crash inside a save (latest renamed away; new weights written but not the metadata) restores
 * the committed pair; damaged metadata is a clear error; a successful fit removes the backup.
 *
 * Also the worker of scripts/kill_resume.sh (which kills it with SIGKILL at random moments):
 *   test_backup_restore train <dir> <out>   fit with BackupAndRestore(<dir>/backup) and
 *       ModelCheckpoint(<dir>/ckpt.keras), then write the final weights to <out>
 *   test_backup_restore check <dir>          the checkpoint, if present, loads */
#include "brain.h"
#include "check.h"
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { N = 256, D = 12, EPOCHS = 12 };

static brain_tensor *g_x, *g_y;

static void make_data(void)
{
    g_x = brain_tensor_new(2, (int64_t[]){N, D});
    g_y = brain_tensor_new(2, (int64_t[]){N, 1});
    brain_rng r;
    brain_rng_seed(&r, 11);
    for (int64_t i = 0; i < N; i++) {
        double s = 0;
        for (int64_t j = 0; j < D; j++) s += (g_x->data[i * D + j] = (float)brain_rng_normal(&r)) * (j % 3 - 1);
        g_y->data[i] = s > 0;
    }
}

static brain_model *make_model(void)
{
    brain_set_random_seed(2024);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(D)));
    brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dropout(0.3f, NULL)); /* draws from the generator, which must be restored */
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "binary_crossentropy"});
    return m;
}

/* on_epoch_end at epoch `crash_at`: _exit(3) like a crash (no cleanup, no on_train_end) */
typedef struct { int crash_at; } crash_cfg;
static int crash_hook(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    if (epoch == ((crash_cfg *)user)->crash_at) _exit(3);
    return 0;
}

/* Fits EPOCHS epochs with BackupAndRestore in `backup` (crashing after epoch crash_at unless -1;
 * `crash_first`: the crash hook runs before the backup's, so that epoch's backup is not made). */
static brain_status fit_with_backup(const char *backup, const char *ckpt, int crash_at, bool crash_first, float *w_out,
                                    int *epochs_run, int epochs)
{
    brain_model *m = make_model();
    crash_cfg cc = {crash_at};
    brain_callback *bnr = brain_backup_and_restore(&(brain_backup_and_restore_options){.backup_dir = backup});
    brain_callback *crash = brain_callback_custom(&(brain_callback_hooks){.on_epoch_end = crash_hook, .user = &cc});
    brain_callback *ck = ckpt ? brain_model_checkpoint(ckpt, &(brain_model_checkpoint_options){.monitor = "loss"}) : NULL;
    brain_callback *list[4] = {crash_first ? crash : bnr, crash_first ? bnr : crash, ck, NULL};
    brain_history *h = NULL;
    brain_status s = brain_fit(m, g_x, g_y, &(brain_fit_options){.epochs = epochs, .batch_size = 32, .verbose = BRAIN_SILENT,
                                                                  .callbacks = list}, &h);
    if (!s && w_out) s = brain_model_get_weights(m, w_out, brain_model_count_params(m));
    if (epochs_run) *epochs_run = h ? brain_history_num_epochs(h) : 0;
    brain_history_free(h);
    brain_callback_free(bnr);
    brain_callback_free(crash);
    if (ck) brain_callback_free(ck);
    brain_model_free(m);
    return s;
}

static bool exists(const char *p) { struct stat st; return stat(p, &st) == 0; }

static int run_train(const char *dir, const char *out)
{
    char backup[512], ckpt[512];
    snprintf(backup, sizeof backup, "%s/backup", dir);
    snprintf(ckpt, sizeof ckpt, "%s/ckpt.keras", dir);
    brain_model *probe = make_model();
    int64_t n = brain_model_count_params(probe);
    brain_model_free(probe);
    float *w = malloc(sizeof(float) * (size_t)n);
    if (fit_with_backup(backup, ckpt, -1, false, w, NULL, 40)) { fprintf(stderr, "train: %s\n", brain_last_error()); return 1; }
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(w, sizeof(float), (size_t)n, f) != (size_t)n || fclose(f)) return 1;
    free(w);
    return 0;
}

static int run_check(const char *dir)
{
    char ckpt[512];
    snprintf(ckpt, sizeof ckpt, "%s/ckpt.keras", dir);
    if (!exists(ckpt)) return 0;
    brain_model *m = NULL;
    if (brain_load_model(ckpt, &m, NULL)) { fprintf(stderr, "check: %s\n", brain_last_error()); return 1; }
    brain_model_free(m);
    return 0;
}

/* runs fit_with_backup in a child that crashes at `crash_at`; true when it crashed as planned */
static bool crash_child(const char *backup, int crash_at, bool crash_first)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) { fit_with_backup(backup, NULL, crash_at, crash_first, NULL, NULL, EPOCHS); _exit(0); }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 3;
}

int main(int argc, char **argv)
{
    brain_set_print_hook(NULL, NULL);
    brain_set_num_threads(1);
    make_data();
    if (argc == 4 && !strcmp(argv[1], "train")) return run_train(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "check")) return run_check(argv[2]);

    char dir[] = "/tmp/brain_bnr_XXXXXX", backup[128], weights[160], bkp[160], meta[160];
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 2; }
    snprintf(backup, sizeof backup, "%s/sub/backup", dir);
    snprintf(weights, sizeof weights, "%s/latest.weights.h5", backup);
    snprintf(bkp, sizeof bkp, "%s/previous.weights.h5", backup);
    snprintf(meta, sizeof meta, "%s/training_metadata.json", backup);
    brain_model *probe = make_model();
    const int64_t n = brain_model_count_params(probe);
    brain_model_free(probe);
    float *ref = malloc(sizeof(float) * (size_t)n), *w = malloc(sizeof(float) * (size_t)n);

    /* the uninterrupted fit; the backup is gone afterwards */
    int ran = 0;
    CHECK_OK(fit_with_backup(backup, NULL, -1, false, ref, &ran, EPOCHS));
    CHECK(ran == EPOCHS);
    CHECK(!exists(weights) && !exists(meta) && !exists(backup));

    /* crashes after the backup of epoch k (k + 1 epochs done) and before it (k done): resumed bitwise */
    const int crash_at[] = {0, 4, 10};
    for (int i = 0; i < 3; i++)
        for (int first = 0; first < 2; first++) {
            CHECK(crash_child(backup, crash_at[i], first));
            CHECK(exists(meta) == (first == 0 || crash_at[i] > 0));
            CHECK_OK(fit_with_backup(backup, NULL, -1, false, w, &ran, EPOCHS));
            const int done = crash_at[i] + (first ? 0 : 1);
            CHECK_MSG(ran == EPOCHS - done, "resumed fit ran %d epochs, expected %d", ran, EPOCHS - done);
            CHECK_MSG(!memcmp(w, ref, sizeof(float) * (size_t)n), "crash at epoch %d (%s its backup): the resumed weights differ",
                      crash_at[i], first ? "before" : "after");
            CHECK(!exists(backup));
        }

    /* a crash inside a save: (a) after latest was renamed away; (b) after the new weights, before
     * the metadata.  Either way the committed pair is found and the fit resumes bitwise. */
    for (int kind = 0; kind < 2; kind++) {
        CHECK(crash_child(backup, 5, false));                 /* committed: 6 epochs */
        if (kind == 0) CHECK(rename(weights, bkp) == 0);
        else {
            CHECK(rename(weights, bkp) == 0);
            brain_model *other = make_model();                /* weights at another step: not the committed ones */
            CHECK_OK(brain_fit(other, g_x, g_y, &(brain_fit_options){.epochs = 1, .verbose = BRAIN_SILENT}, NULL));
            CHECK_OK(brain_save_weights(other, weights));
            brain_model_free(other);
        }
        CHECK_OK(fit_with_backup(backup, NULL, -1, false, w, &ran, EPOCHS));
        CHECK(ran == EPOCHS - 6);
        CHECK_MSG(!memcmp(w, ref, sizeof(float) * (size_t)n), "crash inside a save (%c): the resumed weights differ", 'a' + kind);
    }

    /* damaged metadata: a clear error, and the backup is kept */
    CHECK(crash_child(backup, 2, false));
    FILE *f = fopen(meta, "w");
    fputs("{\"epoch\": 3, \"iter", f);
    fclose(f);
    CHECK_FAILS(fit_with_backup(backup, NULL, -1, false, NULL, NULL, EPOCHS), "training_metadata.json' is damaged");
    CHECK(exists(meta));
    /* metadata naming weights that are not there */
    f = fopen(meta, "w");
    fputs("{\"epoch\": 3, \"batch\": 0, \"iterations\": 999, \"rng\": [\"0000000000000001\", \"0000000000000002\", "
          "\"0000000000000003\", \"0000000000000004\"]}", f);
    fclose(f);
    CHECK_FAILS(fit_with_backup(backup, NULL, -1, false, NULL, NULL, EPOCHS), "no weights in");
    unlink(meta); unlink(weights); unlink(bkp);

    /* delete_checkpoint off keeps the backup; save_freq in batches writes it mid-epoch */
    brain_model *m = make_model();
    brain_callback *keep = brain_backup_and_restore(&(brain_backup_and_restore_options){.backup_dir = backup, .save_freq = 3,
                                                                                         .delete_checkpoint = BRAIN_OFF});
    CHECK_OK(brain_fit(m, g_x, g_y, &(brain_fit_options){.epochs = 2, .verbose = BRAIN_SILENT,
                                                          .callbacks = (brain_callback *[]){keep, NULL}}, NULL));
    CHECK(exists(weights) && exists(meta));
    brain_callback_free(keep);
    brain_model_free(m);
    CHECK(brain_backup_and_restore(&(brain_backup_and_restore_options){0}) == NULL);
    CHECK(strstr(brain_last_error(), "backup_dir"));

    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    free(ref); free(w);
    brain_tensor_free(g_x); brain_tensor_free(g_y);
    return check_summary("test_backup_restore");
}
