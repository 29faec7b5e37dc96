/* test_split.c — train_test_split against index lists produced by scikit-learn (golden_split.h),
 * NumPy's MT19937 stream, class ratios and the error cases. */
#include "brain.h"
#include "check.h"
#include "data/data_internal.h"
#include <stdlib.h>

static float bc_y[569];
#define GOLDEN_Y_BC bc_y
#include "golden_split.h"

static void test_numpy_stream(void)
{
    brain__np_rng r;
    brain__np_seed(&r, 5489);                 /* the MT19937 reference: first output 3499211612 */
    CHECK(brain__np_next_u32(&r) == 3499211612u);
    brain__np_seed(&r, 42);                   /* np.random.RandomState(42).permutation(10) */
    int64_t a[10], want[10] = { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 };
    for (int i = 0; i < 10; i++) a[i] = i;
    brain__np_shuffle(&r, a, 10);
    CHECK(!memcmp(a, want, sizeof a));
}

static void test_golden(void)
{
    brain_table *bc = NULL;
    CHECK_OK(brain_load_breast_cancer(&bc));
    if (!bc) return;
    memcpy(bc_y, bc->y, sizeof bc_y);
    brain_table_free(bc);
    for (size_t c = 0; c < sizeof golden_splits / sizeof golden_splits[0]; c++) {
        const golden_split *g = &golden_splits[c];
        brain_split_options o = { .test_size = g->test_size, .train_size = g->train_size, .stratify = g->stratify,
                                  .random_state = g->random_state, .has_random_state = true };
        int64_t *tr = NULL, *te = NULL, ntr = -1, nte = -1;
        CHECK_OK(brain_train_test_split_indices(g->n, &o, &tr, &ntr, &te, &nte));
        CHECK_MSG(ntr == g->n_train && nte == g->n_test, "%s: sizes %lld/%lld, want %lld/%lld", g->name,
                  (long long)ntr, (long long)nte, (long long)g->n_train, (long long)g->n_test);
        if (tr && te && ntr == g->n_train && nte == g->n_test) {
            CHECK_MSG(!memcmp(tr, g->train, sizeof(int64_t) * ntr), "%s: train indices differ from scikit-learn", g->name);
            CHECK_MSG(!memcmp(te, g->test, sizeof(int64_t) * nte), "%s: test indices differ from scikit-learn", g->name);
        }
        free(tr);
        free(te);
    }
}

/* stratified: each class's share of train and test within one sample of its share overall */
static void test_ratios(void)
{
    const int64_t n = 569;
    brain_split_options o = { .test_size = 0.2, .stratify = bc_y, .random_state = 3, .has_random_state = true };
    int64_t *tr, *te, ntr, nte;
    CHECK_OK(brain_train_test_split_indices(n, &o, &tr, &ntr, &te, &nte));
    double all = 0, in_tr = 0, in_te = 0;
    for (int64_t i = 0; i < n; i++) all += bc_y[i];
    for (int64_t i = 0; i < ntr; i++) in_tr += bc_y[tr[i]];
    for (int64_t i = 0; i < nte; i++) in_te += bc_y[te[i]];
    CHECK(fabs(in_tr - all / n * ntr) <= 1);
    CHECK(fabs(in_te - all / n * nte) <= 1);
    /* a partition: every row exactly once */
    char *seen = calloc(n, 1);
    int bad = 0;
    for (int64_t i = 0; i < ntr; i++) bad += seen[tr[i]]++;
    for (int64_t i = 0; i < nte; i++) bad += seen[te[i]]++;
    for (int64_t i = 0; i < n; i++) bad += !seen[i];
    CHECK(bad == 0);
    free(seen); free(tr); free(te);

    /* three imbalanced classes */
    o = (brain_split_options){ .test_size = 0.3, .stratify = golden_y_imb3, .random_state = 11, .has_random_state = true };
    CHECK_OK(brain_train_test_split_indices(47, &o, &tr, &ntr, &te, &nte));
    for (int c = 0; c < 3; c++) {
        double cnt = 0, ctr = 0, cte = 0;
        for (int i = 0; i < 47; i++) cnt += golden_y_imb3[i] == c;
        for (int64_t i = 0; i < ntr; i++) ctr += golden_y_imb3[tr[i]] == c;
        for (int64_t i = 0; i < nte; i++) cte += golden_y_imb3[te[i]] == c;
        CHECK_MSG(fabs(ctr - cnt / 47 * ntr) <= 1 && fabs(cte - cnt / 47 * nte) <= 1, "class %d: %g train, %g test of %g",
                  c, ctr, cte, cnt);
    }
    free(tr); free(te);
}

static void test_no_shuffle_and_seeding(void)
{
    int64_t *tr, *te, ntr, nte;
    brain_split_options o = { .test_size = 0.3, .shuffle = BRAIN_OFF };
    CHECK_OK(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte));
    CHECK(ntr == 7 && nte == 3);
    for (int i = 0; i < 7; i++) CHECK(tr[i] == i);
    for (int i = 0; i < 3; i++) CHECK(te[i] == 7 + i);
    free(tr); free(te);

    /* no random_state: drawn from the global seed, so reproducible after brain_set_random_seed */
    int64_t *a, *b, *c, *d;
    brain_set_random_seed(99);
    CHECK_OK(brain_train_test_split_indices(50, NULL, &a, &ntr, &b, &nte));
    brain_set_random_seed(99);
    CHECK_OK(brain_train_test_split_indices(50, NULL, &c, &ntr, &d, &nte));
    CHECK(ntr == 37 && nte == 13);
    CHECK(!memcmp(a, c, sizeof(int64_t) * ntr) && !memcmp(b, d, sizeof(int64_t) * nte));
    free(a); free(b); free(c); free(d);
}

static void test_tensors(void)
{
    float xv[20], yv[10];
    for (int i = 0; i < 10; i++) { xv[2 * i] = i; xv[2 * i + 1] = 100 + i; yv[i] = i % 2; }
    brain_tensor *x = brain_tensor_from(xv, 2, (int64_t[]){ 10, 2 });
    brain_tensor *y = brain_tensor_from(yv, 1, (int64_t[]){ 10 });
    brain_tensor *xtr, *xte, *ytr, *yte;
    brain_split_options o = { .test_size = 0.4, .stratify = yv, .random_state = 1, .has_random_state = true };
    CHECK_OK(brain_train_test_split(x, y, &o, &xtr, &xte, &ytr, &yte));
    int64_t *tr, *te, ntr, nte;
    CHECK_OK(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte));
    CHECK(xtr && xtr->shape[0] == 6 && xtr->shape[1] == 2 && xte->shape[0] == 4 && ytr->shape[0] == 6 && yte->ndim == 1);
    if (xtr && xte && ytr && yte)
        for (int i = 0; i < 6; i++) {
            CHECK(xtr->data[2 * i] == tr[i] && xtr->data[2 * i + 1] == 100 + tr[i] && ytr->data[i] == tr[i] % 2);
            if (i < 4) CHECK(xte->data[2 * i] == te[i] && yte->data[i] == te[i] % 2);
        }
    free(tr); free(te);
    brain_tensor_free(xtr); brain_tensor_free(xte); brain_tensor_free(ytr); brain_tensor_free(yte);
    brain_tensor *y9 = brain_tensor_from(yv, 1, (int64_t[]){ 9 });
    CHECK_FAILS(brain_train_test_split(x, y9, &o, &xtr, &xte, &ytr, &yte), "inconsistent numbers of samples");
    CHECK(xtr == NULL && ytr == NULL);
    brain_tensor_free(y9);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

static void test_errors(void)
{
    int64_t *tr, *te, ntr, nte;
    float one_member[6] = { 0, 0, 0, 1, 2, 2 };
    float two[6] = { 0, 0, 0, 1, 1, 1 };
    float three[9] = { 0, 0, 0, 1, 1, 1, 2, 2, 2 };
    float with_nan[4] = { 0, NAN, 1, 1 };
    brain_split_options o = { .stratify = one_member, .random_state = 0, .has_random_state = true };
    CHECK_FAILS(brain_train_test_split_indices(6, &o, &tr, &ntr, &te, &nte), "has only 1 member");
    CHECK(tr == NULL && te == NULL && ntr == 0);
    o = (brain_split_options){ .stratify = three, .test_size = 2 };
    CHECK_FAILS(brain_train_test_split_indices(9, &o, &tr, &ntr, &te, &nte), "test size = 2 should be greater or equal to the number of classes = 3");
    o = (brain_split_options){ .stratify = three, .train_size = 2 };
    CHECK_FAILS(brain_train_test_split_indices(9, &o, &tr, &ntr, &te, &nte), "train size = 2 should be greater or equal to the number of classes = 3");
    o = (brain_split_options){ .stratify = with_nan };
    CHECK_FAILS(brain_train_test_split_indices(4, &o, &tr, &ntr, &te, &nte), "stratify[1] is NaN");
    o = (brain_split_options){ .stratify = two, .shuffle = BRAIN_OFF };
    CHECK_FAILS(brain_train_test_split_indices(6, &o, &tr, &ntr, &te, &nte), "not implemented for shuffle=BRAIN_OFF");
    o = (brain_split_options){ .test_size = 10 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "smaller than the number of samples 10");
    o = (brain_split_options){ .test_size = -0.5 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "test_size=-0.5");
    o = (brain_split_options){ .test_size = 2.5 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "neither a fraction");
    o = (brain_split_options){ .train_size = 12 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "train_size=12");
    o = (brain_split_options){ .test_size = 0.6, .train_size = 0.6 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "sum of test_size and train_size = 1.2");
    o = (brain_split_options){ .test_size = 6, .train_size = 5 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "sum of train_size and test_size = 11");
    o = (brain_split_options){ .test_size = 0.95 };
    CHECK_FAILS(brain_train_test_split_indices(10, &o, &tr, &ntr, &te, &nte), "train set will be empty");
    CHECK_FAILS(brain_train_test_split_indices(0, NULL, &tr, &ntr, &te, &nte), "at least one sample");
    CHECK_FAILS(brain_train_test_split_indices(10, NULL, NULL, &ntr, &te, &nte), "must not be NULL");
}

int main(void)
{
    test_numpy_stream();
    test_golden();
    test_ratios();
    test_no_shuffle_and_seeding();
    test_tensors();
    test_errors();
    return check_summary("test_split");
}
