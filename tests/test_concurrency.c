/* Several threads using brain at once (issue 16 item 6, docs/reliability.md).  Run as a ctest and,
 * built with -fsanitize=thread (scripts/test.sh, BRAIN_TSAN), under ThreadSanitizer:
 *   - separate models trained, predicted, saved and loaded again in separate threads give bitwise
 *     the results the same work gives in one thread (no shared mutable state, seeds per thread);
 *   - one trained model predicted from many threads at once gives every thread the single-thread
 *     predictions (calls on one model are serialised by its lock);
 *   - the error message is per thread. */
#include "brain.h"
#include "check.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 4
enum { N = 96, D = 8 };

static brain_tensor *g_x, *g_y;
static char g_dir[] = "/tmp/brain_conc_XXXXXX";

/* A model seeded with `seed` (in the calling thread), trained and predicted: its predictions. */
static brain_tensor *train_and_predict(uint64_t seed, int kind)
{
    brain_set_random_seed(seed);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(D)));
    if (kind == 0) {
        brain_model_add(m, brain_dense(16, &(brain_dense_options){.activation = BRAIN_RELU}));
        brain_model_add(m, brain_dropout(0.2f, NULL));
    } else {
        brain_model_add(m, brain_reshape(BRAIN_SHAPE(4, 2), NULL));
        brain_model_add(m, brain_lstm(8, NULL));
    }
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    brain_tensor *p = NULL, *q = NULL;
    if (brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "binary_crossentropy"}) ||
        brain_fit(m, g_x, g_y, &(brain_fit_options){.epochs = 3, .batch_size = 16, .verbose = BRAIN_SILENT}, NULL) ||
        brain_predict(m, g_x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p))
        p = NULL;
    /* saved and loaded again (HDF5 inside, one thread at a time), it predicts the same */
    char path[128];
    snprintf(path, sizeof path, "%s/model_%llu.keras", g_dir, (unsigned long long)seed);
    brain_model *l = NULL;
    if (p && (brain_save(m, path) || brain_load_model(path, &l, NULL) ||
              brain_predict(l, g_x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &q) ||
              memcmp(p->data, q->data, sizeof(float) * (size_t)p->size))) {
        brain_tensor_free(p);
        p = NULL;
    }
    brain_tensor_free(q);
    brain_model_free(l);
    remove(path);
    brain_model_free(m);
    return p;
}

typedef struct { uint64_t seed; int kind; brain_tensor *out; } train_job;
static void *train_worker(void *arg)
{
    train_job *j = arg;
    j->out = train_and_predict(j->seed, j->kind);
    return NULL;
}

typedef struct { brain_model *m; const brain_tensor *want; int ok; } predict_job;
static void *predict_worker(void *arg)
{
    predict_job *j = arg;
    j->ok = 1;
    for (int r = 0; r < 20; r++) {
        brain_tensor *p = NULL;
        if (brain_predict(j->m, g_x, &(brain_eval_options){.verbose = BRAIN_SILENT, .batch_size = 7 + r}, &p)) { j->ok = 0; break; }
        j->ok &= !memcmp(p->data, j->want->data, sizeof(float) * (size_t)p->size);
        brain_tensor_free(p);
    }
    return NULL;
}

typedef struct { int id; int ok; pthread_barrier_t *bar; } error_job;
static void *error_worker(void *arg)
{
    error_job *j = arg;
    brain_tensor *t = NULL;
    /* each thread fails differently, then waits until all have failed before reading its message */
    char path[64];
    snprintf(path, sizeof path, "/nonexistent/worker_%d.npy", j->id);
    brain_status s = brain_load_npy(path, &t);
    pthread_barrier_wait(j->bar);
    j->ok = s == BRAIN_ERR_IO && strstr(brain_last_error(), path) != NULL;
    pthread_barrier_wait(j->bar);
    brain_clear_error();
    pthread_barrier_wait(j->bar);
    return NULL;
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    brain_set_num_threads(1); /* the threads here are the caller's; kernels stay on each */
    if (!mkdtemp(g_dir)) { perror("mkdtemp"); return 2; }
    g_x = brain_tensor_new(2, (int64_t[]){N, D});
    g_y = brain_tensor_new(2, (int64_t[]){N, 1});
    for (int64_t i = 0; i < N; i++) {
        float s = 0;
        for (int64_t j = 0; j < D; j++) s += g_x->data[i * D + j] = (float)((i * 31 + j * 17) % 23) / 23.0f - 0.5f;
        g_y->data[i] = s > 0;
    }

    /* 1. separate models, separate threads: the same as one after another in one thread */
    brain_tensor *serial[WORKERS];
    for (int k = 0; k < WORKERS; k++) serial[k] = train_and_predict(100 + k, k % 2);
    train_job tj[WORKERS];
    pthread_t th[WORKERS];
    for (int k = 0; k < WORKERS; k++) {
        tj[k] = (train_job){.seed = 100 + (uint64_t)k, .kind = k % 2};
        pthread_create(&th[k], NULL, train_worker, &tj[k]);
    }
    for (int k = 0; k < WORKERS; k++) pthread_join(th[k], NULL);
    for (int k = 0; k < WORKERS; k++) {
        CHECK(serial[k] && tj[k].out);
        if (serial[k] && tj[k].out)
            CHECK_MSG(!memcmp(serial[k]->data, tj[k].out->data, sizeof(float) * N), "worker %d differs from the serial run", k);
        brain_tensor_free(tj[k].out);
    }

    /* 2. one model, predicted from every thread at once */
    brain_set_random_seed(7);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(D)));
    brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_TANH}));
    brain_model_add(m, brain_dense(1, NULL));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "sgd", .loss_name = "mse"}));
    CHECK_OK(brain_fit(m, g_x, g_y, &(brain_fit_options){.epochs = 2, .verbose = BRAIN_SILENT}, NULL));
    brain_tensor *want = NULL;
    CHECK_OK(brain_predict(m, g_x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &want));
    predict_job pj[WORKERS];
    for (int k = 0; k < WORKERS; k++) {
        pj[k] = (predict_job){.m = m, .want = want};
        pthread_create(&th[k], NULL, predict_worker, &pj[k]);
    }
    for (int k = 0; k < WORKERS; k++) pthread_join(th[k], NULL);
    for (int k = 0; k < WORKERS; k++) CHECK_MSG(pj[k].ok, "thread %d's predictions differ", k);
    brain_tensor_free(want);
    brain_model_free(m);

    /* 3. per-thread error messages */
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, WORKERS + 1);
    error_job ej[WORKERS];
    brain_tensor *t = NULL;
    CHECK(brain_load_npy("/nonexistent/main.npy", &t) == BRAIN_ERR_IO);
    for (int k = 0; k < WORKERS; k++) {
        ej[k] = (error_job){.id = k, .bar = &bar};
        pthread_create(&th[k], NULL, error_worker, &ej[k]);
    }
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar);
    pthread_barrier_wait(&bar); /* the workers cleared theirs */
    CHECK(strstr(brain_last_error(), "/nonexistent/main.npy") != NULL);
    for (int k = 0; k < WORKERS; k++) pthread_join(th[k], NULL);
    for (int k = 0; k < WORKERS; k++) CHECK_MSG(ej[k].ok, "thread %d did not see its own error", k);
    pthread_barrier_destroy(&bar);

    for (int k = 0; k < WORKERS; k++) brain_tensor_free(serial[k]);
    brain_tensor_free(g_x);
    brain_tensor_free(g_y);
    remove(g_dir);
    return check_summary("test_concurrency");
}
