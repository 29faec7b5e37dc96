/* bench_export_int8.c — the int8 table of docs/deploy.md: the breast-cancer MLP, the ECG LSTM, the
 * ECG Conv1D and the Fashion-MNIST CNN are trained, exported to C in float32 and in int8
 * (brain_export_c, calibrated on 500 training rows; int8 with float and with fixed-point
 * requantisation), the programs compiled with the system's C compiler and run on the test rows;
 * printed: weight bytes, arena bytes, test accuracy of each and how many test predictions changed
 * class between float32 and int8.
 *
 * Run: ./build/bench_export_int8  (BRAIN_QUICK=1: tiny sizes, a smoke run).  $CC picks the compiler.
 * The generated files go to ./export-int8/ (or $EXPORT_DIR). */
#include "../tests/export_harness.h"
#include "../tests/export_models.h"
#include <brain.h>

static brain_tensor *head_rows(const brain_tensor *x, int64_t n)
{
    return brain_tensor_slice_rows(x, 0, x->shape[0] < n ? x->shape[0] : n);
}

static void row(lm_case *c, const char *dir)
{
    brain_export_c_report rf = {0}, rq = {0}, rx = {0};
    brain_tensor *pf = NULL, *pq = NULL, *px = NULL, *ref = NULL, *cal = head_rows(c->x_cal, 500);
    char qname[96], xname[96];
    snprintf(qname, sizeof qname, "%s_int8", c->name);
    snprintf(xname, sizeof xname, "%s_int8_fixed", c->name);
    brain_predict(c->m, c->x_test, &(brain_eval_options){.verbose = BRAIN_SILENT}, &ref);
    if (harness_run(c->m, dir, c->name, c->x_test, NULL, &rf, &pf) ||
        harness_run(c->m, dir, qname, c->x_test, &(brain_export_c_options){.int8 = true, .calibration = cal}, &rq, &pq) ||
        harness_run(c->m, dir, xname, c->x_test, &(brain_export_c_options){.int8 = true, .calibration = cal, .int8_fixed_point = true},
                    &rx, &px)) {
        printf("%-15s export failed: %s\n", c->name, brain_last_error());
    } else {
        const int64_t n = pf->shape[0], k = pf->size / n;
        int64_t changed = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t a = 0, b = 0;
            if (k == 1) { a = pf->data[i] > 0.5f; b = pq->data[i] > 0.5f; }
            else for (int64_t j = 1; j < k; j++) { if (pf->data[i * k + j] > pf->data[i * k + a]) a = j; if (pq->data[i * k + j] > pq->data[i * k + b]) b = j; }
            changed += a != b;
        }
        double ab = harness_accuracy(ref, c->y_test), af = harness_accuracy(pf, c->y_test), aq = harness_accuracy(pq, c->y_test),
               ax = harness_accuracy(px, c->y_test);
        printf("%-15s %9lld %9lld %5.2fx %8lld %8lld   %6.2f%% %6.2f%% %6.2f%% %+6.2f  %5lld/%lld   %6.2f%%\n", c->name,
               (long long)rf.weight_bytes, (long long)rq.weight_bytes, (double)rf.weight_bytes / (double)rq.weight_bytes,
               (long long)rf.arena_bytes, (long long)rq.arena_bytes, 100 * ab, 100 * af, 100 * aq, 100 * (aq - af),
               (long long)changed, (long long)n, 100 * ax);
    }
    fflush(stdout);
    brain_tensor_free(pf);
    brain_tensor_free(pq);
    brain_tensor_free(px);
    brain_tensor_free(ref);
    brain_tensor_free(cal);
}

int main(void)
{
    const int quick = getenv("BRAIN_QUICK") != NULL;
    const char *dir = getenv("EXPORT_DIR") ? getenv("EXPORT_DIR") : "export-int8";
    brain_set_random_seed(42);
    printf("int8 post-training quantisation (weights per channel, activations per tensor, 500 calibration rows)\n");
    printf("%-15s %9s %9s %6s %8s %8s   %7s %7s %7s %6s  %s   %s\n", "model", "w f32 B", "w int8 B", "ratio", "arena f", "arena q",
           "brain", "C f32", "C int8", "diff", "class changed", "int8 fixed-point");
    lm_case c;
    if (lm_breast_cancer(&c, &(lm_size){.epochs = quick ? 2 : 20}) == 0) { row(&c, dir); lm_free(&c); }
    if (lm_ecg_rnn(&c, &(lm_size){.n_train = quick ? 128 : 3000, .n_test = quick ? 64 : 1000, .epochs = quick ? 1 : 15}, 1) == 0) {
        row(&c, dir);
        lm_free(&c);
    }
    if (lm_ecg_conv1d(&c, &(lm_size){.n_train = quick ? 128 : 3000, .n_test = quick ? 64 : 1000, .epochs = quick ? 1 : 10}) == 0) {
        row(&c, dir);
        lm_free(&c);
    }
    int rc = lm_fashion_cnn(&c, &(lm_size){.n_train = quick ? 256 : 8000, .n_test = quick ? 64 : 2000, .epochs = quick ? 1 : 5});
    if (rc == 0) { row(&c, dir); lm_free(&c); }
    else if (rc == 3) printf("fashion_cnn     skipped: Fashion-MNIST is not installed (dataset-fashion-mnist)\n");
    return 0;
}
