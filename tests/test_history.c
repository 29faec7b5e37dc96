/* test_history.c — brain_logs (sorted keys, errors), History (keys appearing late, growth),
 * and Python-repr float formatting used by the callbacks. */
#include "brain.h"
#include "internal.h"
#include "callbacks/callbacks.h"
#include "check.h"

static void test_logs(void)
{
    brain_logs logs = { 0 };
    double v = -1;
    CHECK(!brain_logs_get(&logs, "loss", &v));
    CHECK_OK(brain_logs_set(&logs, "val_loss", 0.5));
    CHECK_OK(brain_logs_set(&logs, "loss", 0.25));
    CHECK_OK(brain_logs_set(&logs, "val_accuracy", 0.75));
    CHECK_OK(brain_logs_set(&logs, "accuracy", 0.875));
    CHECK_OK(brain_logs_set(&logs, "learning_rate", 0.001));
    CHECK(logs.n == 5);
    const char *want[] = { "accuracy", "learning_rate", "loss", "val_accuracy", "val_loss" };
    for (int i = 0; i < 5 && i < logs.n; i++) CHECK_MSG(strcmp(logs.names[i], want[i]) == 0, "key %d = %s", i, logs.names[i]);
    CHECK(brain_logs_get(&logs, "loss", &v) && v == 0.25);
    CHECK(brain_logs_get(&logs, "val_loss", &v) && v == 0.5);
    CHECK(brain_logs_get(&logs, "accuracy", &v) && v == 0.875);
    CHECK(brain_logs_get(&logs, "accuracy", NULL));
    CHECK(!brain_logs_get(&logs, "val_auc", &v));
    CHECK(!brain_logs_get(NULL, "loss", &v));
    /* replacing keeps the count and the order */
    CHECK_OK(brain_logs_set(&logs, "loss", 0.125));
    CHECK(logs.n == 5);
    CHECK(brain_logs_get(&logs, "loss", &v) && v == 0.125);
    CHECK(strcmp(logs.names[2], "loss") == 0 && logs.values[2] == 0.125);

    /* a name of BRAIN_LOG_NAME - 1 characters fits; BRAIN_LOG_NAME does not */
    char name[BRAIN_LOG_NAME + 1];
    memset(name, 'z', sizeof name);
    name[BRAIN_LOG_NAME - 1] = 0;
    CHECK_OK(brain_logs_set(&logs, name, 1.0));
    name[BRAIN_LOG_NAME - 1] = 'z';
    name[BRAIN_LOG_NAME] = 0;
    CHECK_FAILS(brain_logs_set(&logs, name, 1.0), "characters");
    CHECK_FAILS(brain_logs_set(&logs, "", 1.0), "empty");
    CHECK_FAILS(brain_logs_set(NULL, "x", 1.0), "NULL");

    /* full */
    brain_logs full = { 0 };
    char key[16];
    for (int i = BRAIN_MAX_LOGS - 1; i >= 0; i--) { /* inserted in reverse: sorting is exercised */
        snprintf(key, sizeof key, "k%02d", i);
        CHECK_OK(brain_logs_set(&full, key, i));
    }
    CHECK(full.n == BRAIN_MAX_LOGS);
    bool sorted = true;
    for (int i = 1; i < full.n; i++) sorted &= strcmp(full.names[i - 1], full.names[i]) < 0;
    CHECK(sorted);
    CHECK(brain_logs_get(&full, "k17", &v) && v == 17);
    CHECK_FAILS(brain_logs_set(&full, "zzz", 1.0), "BRAIN_MAX_LOGS");
    CHECK_OK(brain_logs_set(&full, "k05", 50.0)); /* an existing key can still be updated */
    CHECK(brain_logs_get(&full, "k05", &v) && v == 50.0);

    char keys[256];
    brain__logs_keys_str(&logs, keys, sizeof keys);
    CHECK(strncmp(keys, "accuracy,learning_rate,loss,val_accuracy,val_loss,zzz", 53) == 0);
}

static void test_history_basic(void)
{
    brain_history *h = brain__history_new();
    CHECK(h != NULL);
    CHECK(brain_history_num_epochs(h) == 0 && brain_history_num_keys(h) == 0);
    for (int e = 0; e < 20; e++) { /* past the initial capacity */
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "loss", 1.0 / (e + 1));
        brain_logs_set(&logs, "accuracy", e * 0.01);
        brain_logs_set(&logs, "val_loss", 2.0 / (e + 1));
        brain_logs_set(&logs, "val_accuracy", e * 0.02);
        CHECK_OK(brain__history_append(h, 3 + e, &logs));
    }
    CHECK(brain_history_num_epochs(h) == 20);
    CHECK(brain_history_num_keys(h) == 4);
    const char *want[] = { "accuracy", "loss", "val_accuracy", "val_loss" };
    for (int i = 0; i < 4; i++) CHECK(brain_history_key(h, i) && strcmp(brain_history_key(h, i), want[i]) == 0);
    CHECK(brain_history_key(h, 4) == NULL && brain_history_key(h, -1) == NULL);
    int n = -1;
    const double *loss = brain_history_get(h, "loss", &n);
    CHECK(loss && n == 20);
    bool ok = true;
    for (int e = 0; loss && e < 20; e++) ok &= loss[e] == 1.0 / (e + 1);
    CHECK(ok);
    const double *va = brain_history_get(h, "val_accuracy", &n);
    CHECK(va && va[19] == 19 * 0.02);
    const int *ep = brain_history_epochs(h);
    CHECK(ep && ep[0] == 3 && ep[19] == 22);
    n = 7;
    CHECK(brain_history_get(h, "auc", &n) == NULL && n == 0);
    brain_history_free(h);
    brain_history_free(NULL);
}

static void test_history_late_keys(void)
{
    brain_history *h = brain__history_new();
    brain_logs l0 = { 0 };
    brain_logs_set(&l0, "loss", 0.5);
    brain_logs_set(&l0, "val_loss", 0.6);
    CHECK_OK(brain__history_append(h, 0, &l0));
    /* epoch 1: learning_rate appears (ReduceLROnPlateau added to the fit late) */
    brain_logs l1 = l0;
    brain_logs_set(&l1, "loss", 0.4);
    brain_logs_set(&l1, "learning_rate", 0.01);
    CHECK_OK(brain__history_append(h, 1, &l1));
    /* epoch 2: val_loss missing (validation_freq), accuracy appears */
    brain_logs l2 = { 0 };
    brain_logs_set(&l2, "loss", 0.3);
    brain_logs_set(&l2, "learning_rate", 0.001);
    brain_logs_set(&l2, "accuracy", 0.9);
    CHECK_OK(brain__history_append(h, 2, &l2));

    CHECK(brain_history_num_keys(h) == 4);
    const char *want[] = { "accuracy", "learning_rate", "loss", "val_loss" };
    for (int i = 0; i < 4; i++) CHECK(strcmp(brain_history_key(h, i), want[i]) == 0);
    int n;
    const double *lr = brain_history_get(h, "learning_rate", &n);
    CHECK(n == 3 && isnan(lr[0]) && lr[1] == 0.01 && lr[2] == 0.001);
    const double *acc = brain_history_get(h, "accuracy", &n);
    CHECK(n == 3 && isnan(acc[0]) && isnan(acc[1]) && acc[2] == 0.9);
    const double *loss = brain_history_get(h, "loss", &n);
    CHECK(loss[0] == 0.5 && loss[1] == 0.4 && loss[2] == 0.3);
    const double *vl = brain_history_get(h, "val_loss", &n);
    CHECK(vl[0] == 0.6 && vl[1] == 0.6 && isnan(vl[2]));
    const int *ep = brain_history_epochs(h);
    CHECK(ep[0] == 0 && ep[1] == 1 && ep[2] == 2);
    /* an epoch with empty logs */
    CHECK_OK(brain__history_append(h, 3, NULL));
    CHECK(brain_history_num_epochs(h) == 4 && isnan(brain_history_get(h, "loss", &n)[3]));
    brain_history_free(h);
    CHECK_FAILS(brain__history_append(NULL, 0, &l0), "NULL");
}

static void check_repr(double x, const char *want)
{
    char buf[64];
    brain__repr_double(x, buf, sizeof buf);
    CHECK_MSG(strcmp(buf, want) == 0, "repr(%.17g) = \"%s\", want \"%s\"", x, buf, want);
}

static void test_repr(void)
{
    /* expected strings are Python 3's repr() of the same float64 values */
    check_repr(0.1, "0.1");
    check_repr(1e-5, "1e-05");
    check_repr(1.5e-5, "1.5e-05");
    check_repr(100.0, "100.0");
    check_repr(1e16, "1e+16");
    check_repr(1234567890123456.0, "1234567890123456.0");
    check_repr(0.0001, "0.0001");
    check_repr((double)0.1f, "0.10000000149011612");
    check_repr(-2.5, "-2.5");
    check_repr(-0.0, "-0.0");
    check_repr(0.0, "0.0");
    check_repr(5e-324, "5e-324");
    check_repr(1.7976931348623157e308, "1.7976931348623157e+308");
    check_repr(0.3, "0.3");
    check_repr(2.0 / 3.0, "0.6666666666666666");
    check_repr(123456789.0, "123456789.0");
    check_repr(1e22, "1e+22");
    check_repr(0.5, "0.5");
    check_repr((double)0.6931471805599453f, "0.6931471824645996");
    check_repr(12345678901234567890.0, "1.2345678901234567e+19");
    check_repr(1e-4 * 3, "0.00030000000000000003");
    check_repr(9.999999999999999e15, "1e+16");
    check_repr(NAN, "nan");
    check_repr(INFINITY, "inf");
    check_repr(-INFINITY, "-inf");
    CHECK(brain__float_option(0.1f) == 0.1);
    CHECK(brain__float_option(0.2f) == 0.2);
    CHECK(brain__float_option(1e-4f) == 1e-4);
    CHECK(brain__float_option(0.0f) == 0.0);
    CHECK(brain__float_option((float)(1.0 / 3.0)) == 0.33333334);
}

int main(void)
{
    test_logs();
    test_history_basic();
    test_history_late_keys();
    test_repr();
    return check_summary("test_history");
}
