/* reviews.c — a deterministic generator of labelled, review-like English text for the lecture's
 * review classifier (Embedding(10000, 64) → LSTM(64) → Dense(1, sigmoid)).
 *
 * Why generated: Debian has no freely licensed labelled review or sentiment corpus
 * (`apt-cache search` for sentiment, movie review, polarity, opinion, corpus, dataset finds
 * none; python3-nltk ships without its corpora).  docs/data.md says more.
 *
 * Each review first gets its label (exactly balanced: row i has label i mod 2 before the rows
 * are shuffled; 1 = positive), then is written as sentences, each capitalised and ending in "."
 * or "!":
 *   - 1 to 4 opinion sentences about an aspect of a film ("the acting", "the plot", ...), in one
 *     of five forms, where ADJ / VERB come from a positive or a negative list of 24 / 6 words and
 *     an intensifier ("really", "truly", ...) precedes ADJ half of the time:
 *         the ASPECT was ADJ                  the ASPECT was not ADJ           (not flips it)
 *         i VERB the ASPECT                   i did not VERB the ASPECT        (not flips it)
 *         the ASPECT was ADJ, but the ASPECT2 was ADJ2   (ADJ and ADJ2 opposite; after "but" counts)
 *     A sentence's polarity is the polarity of its last opinion word, flipped by "not".  With
 *     k opinions, d of them (uniform in 0 .. ceil(k/2) - 1) disagree with the label, the rest
 *     agree, so the label is the majority — but half the sentences say it through "not" or
 *     "but", so a model must read which word "not" and "but" apply to, in order, rather than
 *     count positive and negative words.
 *   - 2 to 10 filler sentences with no opinion ("my sister watched it on a tuesday", "the story
 *     is set in velmora"), from neutral words and a pool of 6,000 invented names (characters,
 *     places; two or three syllables) drawn Zipf-like (p(rank r) ∝ 1/r), so the vocabulary is
 *     large and long-tailed as in real text.
 *   - The sentences are shuffled; then, half of the time, a verdict agreeing with the label
 *     ends the review ("overall it was ADJ").
 *   - Noise: each word is replaced by a random invented name with probability 0.01, and the
 *     label is flipped with probability label_noise (default 0.02).
 * Reviews are about 15 to 115 words long (58 on average); the text is ASCII letters, spaces, ",",
 * "." and "!".
 */
#include "data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const positive_adj[] = {
    "great", "wonderful", "brilliant", "moving", "superb", "charming", "delightful", "gripping", "beautiful",
    "funny", "clever", "excellent", "fantastic", "memorable", "touching", "stunning", "powerful", "fresh",
    "enjoyable", "impressive", "thoughtful", "perfect", "outstanding", "inspired",
};
static const char *const negative_adj[] = {
    "boring", "awful", "dull", "terrible", "weak", "clumsy", "tedious", "predictable", "bland", "messy",
    "forgettable", "lazy", "painful", "silly", "flat", "confusing", "disappointing", "poor", "shallow",
    "overlong", "pointless", "annoying", "stale", "horrible",
};
/* past tense, then the form after "did not" */
static const char *const positive_verb[][2] = { { "loved", "love" }, { "enjoyed", "enjoy" }, { "admired", "admire" },
                                                { "liked", "like" }, { "adored", "adore" }, { "appreciated", "appreciate" } };
static const char *const negative_verb[][2] = { { "hated", "hate" }, { "disliked", "dislike" }, { "regretted", "regret" },
                                                { "resented", "resent" }, { "despised", "despise" }, { "loathed", "loathe" } };
static const char *const intensifiers[] = { "really", "very", "truly", "quite", "absolutely", "rather", "so" };
static const char *const aspects[] = {
    "acting", "plot", "script", "soundtrack", "music", "ending", "cast", "direction", "dialogue", "story",
    "pacing", "photography", "lead", "villain", "humour", "editing", "score", "camera work", "finale", "opening",
};
static const char *const verdicts[] = { "overall it was", "all in all it was", "in the end the film was", "honestly it was" };
static const char *const subjects[] = { "my sister", "my friend", "we", "i", "my father", "a colleague", "the audience",
                                        "my partner", "our group", "the critic" };
static const char *const actions[] = { "watched it", "saw it", "rented it", "streamed it", "talked about it",
                                       "heard about it", "bought tickets for it", "noticed it" };
static const char *const whens[] = { "on a tuesday", "last week", "in the evening", "after work", "at the weekend",
                                     "on a rainy day", "during the holidays", "in march", "yesterday", "twice" };
static const char *const facts[] = {
    "the film runs about two hours and stars", "it was shot in", "the story is set in", "the director also made a film about",
    "the main character is called", "it is based on a book by", "the sequel follows", "most scenes take place in",
    "the credits mention", "it was released the same year as a film about",
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
enum { N_NAMES = 6000, NAME_MAX_LEN = 16, SENTENCE_MAX = 160, MAX_SENTENCES = 16 };

/* the invented name with index k: two or three syllables, from a hash of k */
static void invented_name(int64_t k, char *buf)
{
    static const char *const onset[] = { "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "tr",
                                         "st", "gr" };
    static const char *const vowel[] = { "a", "e", "i", "o", "u", "ai", "ou" };
    static const char *const coda[] = { "", "n", "r", "l", "s", "k", "th" };
    int syllables = 2 + (int)(k % 2), n = 0;
    uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
    for (int s = 0; s < syllables; s++) {
        h ^= h >> 29; h *= 0xBF58476D1CE4E5B9ULL; h ^= h >> 32;
        n += snprintf(buf + n, (size_t)(NAME_MAX_LEN - n), "%s%s%s", onset[h % 18], vowel[(h >> 8) % 7],
                      s + 1 == syllables ? coda[(h >> 16) % 7] : "");
    }
}

/* a name index with p(rank r) ∝ 1/r: the inverse CDF of the continuous 1/x law on [1, N] */
static int64_t zipf(brain_rng *r)
{
    int64_t k = (int64_t)pow((double)N_NAMES, brain_rng_uniform(r)) - 1;
    return k < 0 ? 0 : k >= N_NAMES ? N_NAMES - 1 : k;
}

static const char *pick(brain_rng *r, const char *const *a, int n) { return a[brain_rng_below(r, n)]; }

static const char *adj(brain_rng *r, int pol) { return pol > 0 ? pick(r, positive_adj, COUNT(positive_adj)) : pick(r, negative_adj, COUNT(negative_adj)); }

/* "really " half of the time */
static const char *intens(brain_rng *r, char *buf)
{
    if (brain_rng_below(r, 2)) { buf[0] = 0; return buf; }
    snprintf(buf, 16, "%s ", pick(r, intensifiers, COUNT(intensifiers)));
    return buf;
}

/* one opinion sentence whose polarity is pol (+1 or -1) */
static void opinion(brain_rng *r, int pol, char *s)
{
    char i1[16], i2[16];
    const char *a = pick(r, aspects, COUNT(aspects));
    switch (brain_rng_below(r, 5)) {
    case 0: snprintf(s, SENTENCE_MAX, "the %s was %s%s", a, intens(r, i1), adj(r, pol)); break;
    case 1: snprintf(s, SENTENCE_MAX, "the %s was not %s%s", a, intens(r, i1), adj(r, -pol)); break;
    case 2: snprintf(s, SENTENCE_MAX, "i %s the %s", (pol > 0 ? positive_verb : negative_verb)[brain_rng_below(r, 6)][0], a); break;
    case 3: snprintf(s, SENTENCE_MAX, "i did not %s the %s", (pol > 0 ? negative_verb : positive_verb)[brain_rng_below(r, 6)][1], a); break;
    default: {
        const char *b = pick(r, aspects, COUNT(aspects));
        snprintf(s, SENTENCE_MAX, "the %s was %s%s, but the %s was %s%s", a, intens(r, i1), adj(r, -pol), b, intens(r, i2),
                 adj(r, pol));
    }
    }
}

static void filler(brain_rng *r, char (*names)[NAME_MAX_LEN], char *s)
{
    if (brain_rng_below(r, 2))
        snprintf(s, SENTENCE_MAX, "%s %s %s", pick(r, subjects, COUNT(subjects)), pick(r, actions, COUNT(actions)),
                 pick(r, whens, COUNT(whens)));
    else
        snprintf(s, SENTENCE_MAX, "%s %s", pick(r, facts, COUNT(facts)), names[zipf(r)]);
}

typedef struct sbuf { char *p; size_t n, cap; } sbuf;

static bool put(sbuf *b, const char *s, size_t l)
{
    if (b->n + l + 1 > b->cap) {
        size_t cap = (b->n + l + 1) * 2;
        char *q = realloc(b->p, cap);
        if (!q) return false;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, l);
    b->n += l;
    b->p[b->n] = 0;
    return true;
}

/* appends a sentence word by word (each replaced by a random name with probability 0.01),
 * capitalised, with its end mark */
static bool put_sentence(sbuf *b, brain_rng *r, char (*names)[NAME_MAX_LEN], const char *s)
{
    if (b->n && !put(b, " ", 1)) return false;
    size_t start = b->n;
    for (const char *p = s; *p;) {
        size_t l = strcspn(p, " ");
        bool comma = l > 0 && p[l - 1] == ',';
        if (brain_rng_uniform(r) < 0.01) {
            const char *nm = names[brain_rng_below(r, N_NAMES)];
            if (!put(b, nm, strlen(nm)) || (comma && !put(b, ",", 1))) return false;
        } else if (!put(b, p, l)) {
            return false;
        }
        p += l;
        if (*p == ' ') { if (!put(b, " ", 1)) return false; p++; }
    }
    if (b->p[start] >= 'a' && b->p[start] <= 'z') b->p[start] = (char)(b->p[start] - 'a' + 'A');
    return put(b, brain_rng_below(r, 5) ? "." : "!", 1);
}

void brain_text_dataset_free(brain_text_dataset *d)
{
    if (!d) return;
    for (int64_t i = 0; d->texts && i < d->n; i++) free((void *)d->texts[i]);
    free(d->texts);
    free(d->labels);
    free(d);
}

brain_status brain_make_reviews(int64_t n, uint64_t seed, const brain_reviews_options *opt, brain_text_dataset **out)
{
    if (out) *out = NULL;
    if (!out) return brain__fail(BRAIN_ERR_ARG, "brain_make_reviews: out must not be NULL");
    if (n < 1) return brain__fail(BRAIN_ERR_ARG, "brain_make_reviews: n is %lld; it must be at least 1", (long long)n);
    brain_reviews_options o = opt ? *opt : (brain_reviews_options){ 0 };
    double label_noise = o.has_label_noise ? o.label_noise : 0.02;
    if (!(label_noise >= 0 && label_noise <= 0.5))
        return brain__fail(BRAIN_ERR_ARG, "brain_make_reviews: label_noise is %g; it must be in [0, 0.5] (default 0.02)",
                           o.label_noise);
    char(*names)[NAME_MAX_LEN] = brain__alloc_array(N_NAMES, NAME_MAX_LEN);
    brain_text_dataset *d = brain__alloc(sizeof *d);
    if (d) {
        d->texts = brain__alloc_array((size_t)n, sizeof(char *));
        d->labels = brain__alloc_array((size_t)n, sizeof(float));
    }
    if (!names || !d || !d->texts || !d->labels) { free(names); brain_text_dataset_free(d); return BRAIN_ERR_NOMEM; }
    d->n = n;
    for (int64_t k = 0; k < N_NAMES; k++) invented_name(k, names[k]);

    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int64_t i = 0; i < n; i++) d->labels[i] = (float)(i % 2);
    for (int64_t i = n - 1; i > 0; i--) {                      /* Fisher–Yates */
        int64_t j = brain_rng_below(&r, i + 1);
        float t = d->labels[i];
        d->labels[i] = d->labels[j];
        d->labels[j] = t;
    }
    brain_status st = BRAIN_OK;
    char sent[MAX_SENTENCES][SENTENCE_MAX];
    for (int64_t i = 0; i < n && !st; i++) {
        int pol = d->labels[i] > 0 ? 1 : -1;
        int k = 1 + (int)brain_rng_below(&r, 4), dis = (int)brain_rng_below(&r, (k + 1) / 2);
        int f = 2 + (int)brain_rng_below(&r, 9), m = 0;
        for (int j = 0; j < k; j++) opinion(&r, j < dis ? -pol : pol, sent[m++]);
        for (int j = 0; j < f; j++) filler(&r, names, sent[m++]);
        for (int j = m - 1; j > 0; j--) {                      /* shuffle the sentences */
            int q = (int)brain_rng_below(&r, j + 1);
            char t[SENTENCE_MAX];
            memcpy(t, sent[j], SENTENCE_MAX);
            memcpy(sent[j], sent[q], SENTENCE_MAX);
            memcpy(sent[q], t, SENTENCE_MAX);
        }
        if (brain_rng_below(&r, 2))
            snprintf(sent[m++], SENTENCE_MAX, "%s %s", pick(&r, verdicts, COUNT(verdicts)), adj(&r, pol));
        sbuf b = { 0 };
        for (int j = 0; j < m; j++)
            if (!put_sentence(&b, &r, names, sent[j])) { st = brain__fail(BRAIN_ERR_NOMEM, "out of memory writing review %lld", (long long)i); break; }
        d->texts[i] = b.p;
        if (brain_rng_uniform(&r) < label_noise) d->labels[i] = 1.0f - d->labels[i];
    }
    free(names);
    if (st) { brain_text_dataset_free(d); return st; }
    *out = d;
    return BRAIN_OK;
}
