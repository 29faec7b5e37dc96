/* test_generators.c — the ECG-like heartbeat generator and the review generator: shapes,
 * determinism, class balance, normalisation, that the classes really differ, that review labels
 * follow the stated rules (re-derived here independently), and errors. */
#include "brain.h"
#include "check.h"
#include <ctype.h>
#include <stdlib.h>

static void test_ecg(void)
{
    brain_tensor *x = NULL, *y = NULL, *x2 = NULL, *y2 = NULL;
    CHECK_OK(brain_make_ecg(500, 11, NULL, &x, &y));
    CHECK(x && x->ndim == 3 && x->shape[0] == 500 && x->shape[1] == 140 && x->shape[2] == 1);
    CHECK(y && y->ndim == 1 && y->shape[0] == 500);
    if (!x || !y) return;

    /* same seed, same bytes; another seed, other data */
    CHECK_OK(brain_make_ecg(500, 11, NULL, &x2, &y2));
    CHECK(x2 && !memcmp(x->data, x2->data, sizeof(float) * (size_t)x->size));
    CHECK(y2 && !memcmp(y->data, y2->data, sizeof(float) * 500));
    brain_tensor_free(x2);
    brain_tensor_free(y2);
    CHECK_OK(brain_make_ecg(500, 12, NULL, &x2, &y2));
    CHECK(x2 && memcmp(x->data, x2->data, sizeof(float) * (size_t)x->size));

    /* balanced, and each series finite and z-normalised */
    int count[5] = { 0 };
    for (int i = 0; i < 500; i++) {
        float c = y->data[i];
        CHECK(c == 0 || c == 1 || c == 2 || c == 3 || c == 4);
        if (c >= 0 && c <= 4) count[(int)c]++;
    }
    for (int c = 0; c < 5; c++) CHECK_MSG(count[c] == 100, "class %d has %d beats", c, count[c]);
    double worst_mean = 0, worst_sd = 0;
    int finite = 1;
    for (int i = 0; i < 500; i++) {
        double s = 0, q = 0;
        for (int t = 0; t < 140; t++) { float v = x->data[i * 140 + t]; finite &= isfinite(v); s += v; }
        for (int t = 0; t < 140; t++) { double d = x->data[i * 140 + t] - s / 140; q += d * d; }
        worst_mean = fmax(worst_mean, fabs(s / 140));
        worst_sd = fmax(worst_sd, fabs(sqrt(q / 140) - 1));
    }
    CHECK(finite);
    CHECK_MSG(worst_mean < 1e-5 && worst_sd < 1e-4, "mean off by %g, sd off by %g", worst_mean, worst_sd);

    /* the classes differ: nearest class mean (from seed 11) classifies seed 12's beats well,
     * and the normal beat's mean peaks at its R wave (sample 50) */
    static double mean[5][140];
    for (int i = 0; i < 500; i++)
        for (int t = 0; t < 140; t++) mean[(int)y->data[i]][t] += x->data[i * 140 + t] / 100.0;
    int right = 0;
    for (int i = 0; x2 && i < 500; i++) {
        int best = 0;
        double bd = INFINITY;
        for (int c = 0; c < 5; c++) {
            double d = 0;
            for (int t = 0; t < 140; t++) d += (x2->data[i * 140 + t] - mean[c][t]) * (x2->data[i * 140 + t] - mean[c][t]);
            if (d < bd) { bd = d; best = c; }
        }
        right += best == (int)y2->data[i];
    }
    CHECK_MSG(right >= 400, "nearest class mean gets %d of 500", right);
    int peak = 0;
    for (int t = 1; t < 140; t++) if (mean[0][t] > mean[0][peak]) peak = t;
    CHECK_MSG(peak >= 47 && peak <= 53, "the normal beat peaks at %d", peak);
    brain_tensor_free(x2);
    brain_tensor_free(y2);

    /* options: another length, no noise */
    CHECK_OK(brain_make_ecg(7, 1, &(brain_ecg_options){ .length = 280, .noise = 0, .has_noise = true }, &x2, &y2));
    CHECK(x2 && x2->shape[1] == 280 && y2->shape[0] == 7);
    brain_tensor_free(x2);
    brain_tensor_free(y2);

    brain_tensor *bx = (brain_tensor *)1, *by = (brain_tensor *)1;
    CHECK_FAILS(brain_make_ecg(0, 1, NULL, &bx, &by), "n is 0");
    CHECK(bx == NULL && by == NULL);
    CHECK_FAILS(brain_make_ecg(5, 1, &(brain_ecg_options){ .length = 8 }, &bx, &by), "length is 8");
    CHECK_FAILS(brain_make_ecg(5, 1, &(brain_ecg_options){ .noise = -1, .has_noise = true }, &bx, &by), "noise is -1");
    brain_tensor_free(x);
    brain_tensor_free(y);
}

/* The review rules, stated again: a sentence's polarity is that of its last opinion word,
 * flipped by "not"; in "A, but B" only B counts; the label is the sign of the sum. */
static const char *const pos_words[] = {
    "great", "wonderful", "brilliant", "moving", "superb", "charming", "delightful", "gripping", "beautiful", "funny",
    "clever", "excellent", "fantastic", "memorable", "touching", "stunning", "powerful", "fresh", "enjoyable",
    "impressive", "thoughtful", "perfect", "outstanding", "inspired", "loved", "love", "enjoyed", "enjoy", "admired",
    "admire", "liked", "like", "adored", "adore", "appreciated", "appreciate", NULL };
static const char *const neg_words[] = {
    "boring", "awful", "dull", "terrible", "weak", "clumsy", "tedious", "predictable", "bland", "messy", "forgettable",
    "lazy", "painful", "silly", "flat", "confusing", "disappointing", "poor", "shallow", "overlong", "pointless",
    "annoying", "stale", "horrible", "hated", "hate", "disliked", "dislike", "regretted", "regret", "resented",
    "resent", "despised", "despise", "loathed", "loathe", NULL };

static int in(const char *const *list, const char *w)
{
    for (int i = 0; list[i]; i++) if (!strcmp(list[i], w)) return 1;
    return 0;
}

static int rule_label(const char *text)
{
    int total = 0, pol = 0, negated = 0;
    char w[64];
    size_t n = 0;
    for (const char *p = text;; p++) {
        if (isalpha((unsigned char)*p)) { if (n < sizeof w - 1) w[n++] = (char)tolower((unsigned char)*p); continue; }
        w[n] = 0;
        if (n) {
            if (!strcmp(w, "not")) negated = 1;
            else if (!strcmp(w, "but")) pol = 0, negated = 0;
            else if (in(pos_words, w)) pol = negated ? -1 : 1;
            else if (in(neg_words, w)) pol = negated ? 1 : -1;
        }
        n = 0;
        if (*p == '.' || *p == '!' || !*p) { total += pol; pol = 0; negated = 0; }
        if (!*p) break;
    }
    return total > 0;
}

static void test_reviews(void)
{
    brain_text_dataset *d = NULL, *e = NULL;
    CHECK_OK(brain_make_reviews(1000, 5, &(brain_reviews_options){ .label_noise = 0, .has_label_noise = true }, &d));
    CHECK(d && d->n == 1000);
    if (!d) return;
    int ones = 0, agree = 0, well_formed = 1, bag_agree = 0;
    for (int64_t i = 0; i < d->n; i++) {
        const char *t = d->texts[i];
        size_t l = strlen(t);
        ones += d->labels[i] == 1;
        CHECK(d->labels[i] == 0 || d->labels[i] == 1);
        well_formed &= l > 20 && isupper((unsigned char)t[0]) && (t[l - 1] == '.' || t[l - 1] == '!');
        for (size_t k = 0; k < l; k++)
            well_formed &= isalpha((unsigned char)t[k]) || t[k] == ' ' || t[k] == ',' || t[k] == '.' || t[k] == '!';
        agree += rule_label(t) == (int)d->labels[i];
        /* counting positive against negative words, ignoring not/but, is often wrong */
        int score = 0;
        char w[64];
        size_t n = 0;
        for (const char *p = t;; p++) {
            if (isalpha((unsigned char)*p)) { if (n < 63) w[n++] = (char)tolower((unsigned char)*p); continue; }
            w[n] = 0;
            score += in(pos_words, w) - in(neg_words, w);
            n = 0;
            if (!*p) break;
        }
        bag_agree += (score > 0) == (int)d->labels[i];
    }
    CHECK_MSG(ones == 500, "%d positive reviews of 1000", ones);
    CHECK(well_formed);
    /* the 1 % word noise can hide an opinion word or a "not" now and then */
    CHECK_MSG(agree >= 950, "the stated rules give the label for %d of 1000 reviews", agree);
    CHECK_MSG(bag_agree < 850, "counting words alone gives the label for %d of 1000 reviews", bag_agree);

    /* determinism, another seed, default label noise (2 %) */
    CHECK_OK(brain_make_reviews(1000, 5, &(brain_reviews_options){ .has_label_noise = true }, &e));
    for (int64_t i = 0; e && i < 1000; i++) CHECK(!strcmp(d->texts[i], e->texts[i]) && d->labels[i] == e->labels[i]);
    brain_text_dataset_free(e);
    CHECK_OK(brain_make_reviews(1000, 6, NULL, &e));
    int same = 0, flipped = 0;
    for (int64_t i = 0; e && i < 1000; i++) {
        same += !strcmp(d->texts[i], e->texts[i]);
        flipped += rule_label(e->texts[i]) != (int)e->labels[i];
    }
    CHECK(same == 0);
    CHECK_MSG(flipped >= 10 && flipped <= 80, "%d of 1000 labels disagree with the rules under 2 %% noise", flipped);
    brain_text_dataset_free(e);

    /* a vocabulary big enough for the lecture's Embedding(10000, 64) to matter */
    brain_text_vectorizer *v = brain_text_vectorizer_new(&(brain_text_vectorizer_options){ .max_tokens = 10000 });
    CHECK_OK(brain_text_vectorizer_adapt(v, d->texts, d->n));
    CHECK_MSG(brain_text_vectorizer_vocabulary_size(v) > 1500, "vocabulary of %lld", (long long)brain_text_vectorizer_vocabulary_size(v));
    brain_text_vectorizer_free(v);
    brain_text_dataset_free(d);

    brain_text_dataset *bad = (brain_text_dataset *)1;
    CHECK_FAILS(brain_make_reviews(0, 1, NULL, &bad), "n is 0");
    CHECK(bad == NULL);
    CHECK_FAILS(brain_make_reviews(3, 1, &(brain_reviews_options){ .label_noise = 0.7f, .has_label_noise = true }, &bad),
                "label_noise is 0.7");
}

int main(void)
{
    test_ecg();
    test_reviews();
    return check_summary("test_generators");
}
