/* text_vectorizer.c — keras.layers.TextVectorization with its defaults: standardize
 * "lower_and_strip_punctuation", split "whitespace", output_mode "int", ngrams None.
 *
 * Standardize (as Keras's _preprocess): tf.strings.lower, which with its default encoding
 * lowercases ASCII A–Z only, then remove every character of
 *     ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~
 * (the regex [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\'], ASCII only).  Split: tf.strings.split,
 * on runs of ASCII whitespace (space, \t, \n, \v, \f, \r), leading and trailing ones ignored.
 * Bytes from 0x80 up (UTF-8 beyond ASCII) pass through untouched: "Éclair" stays "Éclair",
 * "naïve" is one token, a non-breaking space or “curly quotes” are part of a word — exactly
 * what Keras does by default.
 *
 * adapt (IndexLookup.finalize_state): count every token of every string; the vocabulary is ""
 * (id 0, padding), "[UNK]" (id 1, out of vocabulary), then the tokens by count, most frequent
 * first, ties broken by the token's bytes in DESCENDING order (Keras sorts with
 * np.lexsort((tokens, counts))[::-1]), cut to max_tokens entries in all.  A later adapt starts
 * afresh, as Keras's does.
 *
 * call: each string's tokens become ids (1 for unknown ones); output_sequence_length L pads
 * with 0 or cuts at the END (unlike pad_sequences' "pre"); without it the rows are padded at the
 * end to the longest row of this call.
 */
#include "data_internal.h"
#include <stdlib.h>
#include <string.h>

/* token -> value, open addressing; keys are owned */
typedef struct tok_map {
    char **keys;
    int64_t *vals;
    size_t cap, n;
} tok_map;

struct brain_text_vectorizer {
    int64_t max_tokens;             /* 0: no limit */
    int64_t out_len;                /* 0: longest per call */
    tok_map ids;                    /* learned token -> id (2, 3, ...) */
    char **vocab;                   /* id -> token; [0] = "", [1] = "[UNK]" */
    int64_t vocab_size;
    bool adapted;                   /* Keras's lookup table is not initialised before adapt */
};

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;            /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
    return h;
}

/* the slot holding s[0..len), or the empty slot where it would go */
static size_t slot(const tok_map *m, const char *s, size_t len)
{
    size_t i = hash(s, len) & (m->cap - 1);
    while (m->keys[i] && (strncmp(m->keys[i], s, len) || m->keys[i][len])) i = (i + 1) & (m->cap - 1);
    return i;
}

static void map_free(tok_map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    *m = (tok_map){ 0 };
}

static brain_status map_grow(tok_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    tok_map g = { brain__alloc_array(cap, sizeof(char *)), brain__alloc_array(cap, sizeof(int64_t)), cap, m->n };
    if (!g.keys || !g.vals) { free(g.keys); free(g.vals); return BRAIN_ERR_NOMEM; }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = slot(&g, m->keys[i], strlen(m->keys[i]));
        g.keys[j] = m->keys[i];
        g.vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    *m = g;
    return BRAIN_OK;
}

/* adds `add` to the value of s[0..len) (inserting it with 0 first) */
static brain_status map_add(tok_map *m, const char *s, size_t len, int64_t add)
{
    if ((m->n + 1) * 2 > m->cap && map_grow(m)) return BRAIN_ERR_NOMEM;
    size_t i = slot(m, s, len);
    if (!m->keys[i]) {
        char *k = brain__alloc(len + 1);
        if (!k) return BRAIN_ERR_NOMEM;
        memcpy(k, s, len);
        m->keys[i] = k;
        m->n++;
    }
    m->vals[i] += add;
    return BRAIN_OK;
}

static bool is_punct(unsigned char c)
{
    return c < 0x80 && c > ' ' && c != 0x7f && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z');
}

static bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Standardizes `text` into buf (at most strlen(text) + 1 bytes) and returns its length. */
static size_t standardize(const char *text, char *buf)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (!is_punct(c)) buf[n++] = (char)c;
    }
    buf[n] = 0;
    return n;
}

/* Next token of buf[*pos..len): its start and length; false at the end. */
static bool next_token(const char *buf, size_t len, size_t *pos, const char **tok, size_t *tlen)
{
    size_t i = *pos;
    while (i < len && is_space((unsigned char)buf[i])) i++;
    if (i == len) { *pos = i; return false; }
    size_t j = i;
    while (j < len && !is_space((unsigned char)buf[j])) j++;
    *tok = buf + i;
    *tlen = j - i;
    *pos = j;
    return true;
}

brain_text_vectorizer *brain_text_vectorizer_new(const brain_text_vectorizer_options *opt)
{
    brain_text_vectorizer_options o = opt ? *opt : (brain_text_vectorizer_options){ 0 };
    if (o.max_tokens < 0 || o.max_tokens == 1) {
        brain__fail(BRAIN_ERR_ARG, "TextVectorization: max_tokens is %lld; if set it must be greater than 1 (the padding "
                    "and [UNK] entries count)", (long long)o.max_tokens);
        return NULL;
    }
    if (o.output_sequence_length < 0) {
        brain__fail(BRAIN_ERR_ARG, "TextVectorization: output_sequence_length is %lld; it must be positive (0 = the longest)",
                    (long long)o.output_sequence_length);
        return NULL;
    }
    brain_text_vectorizer *v = brain__alloc(sizeof *v);
    if (!v) return NULL;
    v->max_tokens = o.max_tokens;
    v->out_len = o.output_sequence_length;
    v->vocab = brain__alloc_array(2, sizeof(char *));
    if (v->vocab) v->vocab[0] = brain__strdup("");
    if (v->vocab && v->vocab[0]) v->vocab[1] = brain__strdup("[UNK]");
    if (!v->vocab || !v->vocab[0] || !v->vocab[1]) { brain_text_vectorizer_free(v); return NULL; }
    v->vocab_size = 2;
    return v;
}

void brain_text_vectorizer_free(brain_text_vectorizer *v)
{
    if (!v) return;
    map_free(&v->ids);
    for (int64_t i = 0; v->vocab && i < v->vocab_size; i++) free(v->vocab[i]);
    free(v->vocab);
    free(v);
}

typedef struct counted { const char *tok; int64_t count; size_t slot; } counted;

/* count descending, then token bytes descending */
static int by_count_then_token_desc(const void *a, const void *b)
{
    const counted *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return -strcmp(x->tok, y->tok);
}

static size_t longest(const char *const *texts, int64_t n)
{
    size_t m = 0;
    for (int64_t i = 0; i < n; i++) { size_t l = strlen(texts[i]); if (l > m) m = l; }
    return m;
}

static brain_status check_texts(const char *what, const char *const *texts, int64_t n)
{
    if (n < 0 || (n > 0 && !texts)) return brain__fail(BRAIN_ERR_ARG, "TextVectorization %s: texts is NULL or n is negative", what);
    for (int64_t i = 0; i < n; i++)
        if (!texts[i]) return brain__fail(BRAIN_ERR_ARG, "TextVectorization %s: string %lld is NULL", what, (long long)i);
    return BRAIN_OK;
}

brain_status brain_text_vectorizer_adapt(brain_text_vectorizer *v, const char *const *texts, int64_t n)
{
    if (!v) return brain__fail(BRAIN_ERR_ARG, "brain_text_vectorizer_adapt: vectorizer is NULL");
    brain_status s = check_texts("adapt", texts, n);
    if (s) return s;
    tok_map counts = { 0 };
    char *buf = brain__alloc(longest(texts, n) + 1);
    if (!buf) return BRAIN_ERR_NOMEM;
    for (int64_t i = 0; i < n && !s; i++) {
        size_t len = standardize(texts[i], buf), pos = 0, tl;
        const char *tok;
        while (!s && next_token(buf, len, &pos, &tok, &tl)) s = map_add(&counts, tok, tl, 1);
    }
    free(buf);
    counted *all = s ? NULL : brain__alloc_array(counts.n ? counts.n : 1, sizeof *all);
    if (!all) { map_free(&counts); return s ? s : BRAIN_ERR_NOMEM; }
    size_t k = 0;
    for (size_t i = 0; i < counts.cap; i++)
        if (counts.keys[i])    /* "" and "[UNK]" cannot occur: tokens are not empty, brackets are stripped */
            all[k++] = (counted){ counts.keys[i], counts.vals[i], i };
    qsort(all, k, sizeof *all, by_count_then_token_desc);
    size_t keep = v->max_tokens && (size_t)(v->max_tokens - 2) < k ? (size_t)(v->max_tokens - 2) : k;

    /* the new vocabulary takes the kept keys over from the count map */
    char **vocab = brain__alloc_array(keep + 2, sizeof(char *));
    tok_map ids = { 0 };
    s = vocab ? BRAIN_OK : BRAIN_ERR_NOMEM;
    if (!s) { vocab[0] = brain__strdup(""); vocab[1] = brain__strdup("[UNK]"); if (!vocab[0] || !vocab[1]) s = BRAIN_ERR_NOMEM; }
    for (size_t i = 0; i < keep && !s; i++) {
        s = map_add(&ids, all[i].tok, strlen(all[i].tok), (int64_t)i + 2);
        if (!s) { vocab[i + 2] = counts.keys[all[i].slot]; counts.keys[all[i].slot] = NULL; }
    }
    free(all);
    map_free(&counts);
    if (s) {
        for (size_t i = 0; vocab && i < keep + 2; i++) free(vocab[i]);
        free(vocab);
        map_free(&ids);
        return s;
    }
    for (int64_t i = 0; i < v->vocab_size; i++) free(v->vocab[i]);
    free(v->vocab);
    map_free(&v->ids);
    v->vocab = vocab;
    v->vocab_size = (int64_t)keep + 2;
    v->ids = ids;
    v->adapted = true;
    return BRAIN_OK;
}

int64_t brain_text_vectorizer_vocabulary_size(const brain_text_vectorizer *v) { return v ? v->vocab_size : 0; }

const char *brain_text_vectorizer_token(const brain_text_vectorizer *v, int64_t id)
{
    return v && id >= 0 && id < v->vocab_size ? v->vocab[id] : NULL;
}

static int64_t lookup(const brain_text_vectorizer *v, const char *tok, size_t len)
{
    if (!v->ids.cap) return 1;      /* nothing was learned (max_tokens 2, or no tokens) */
    size_t i = slot(&v->ids, tok, len);
    return v->ids.keys[i] ? v->ids.vals[i] : 1;
}

brain_status brain_text_vectorizer_call(const brain_text_vectorizer *v, const char *const *texts, int64_t n,
                                        brain_tensor **out)
{
    if (out) *out = NULL;
    if (!v || !out) return brain__fail(BRAIN_ERR_ARG, "brain_text_vectorizer_call: vectorizer and out must not be NULL");
    if (!v->adapted)
        return brain__fail(BRAIN_ERR_STATE, "TextVectorization: the vocabulary is empty; call brain_text_vectorizer_adapt first");
    brain_status s = check_texts("call", texts, n);
    if (s) return s;
    char *buf = brain__alloc(longest(texts, n) + 1);
    if (!buf) return BRAIN_ERR_NOMEM;
    int64_t width = v->out_len;
    if (!width) {
        for (int64_t i = 0; i < n; i++) {
            size_t len = standardize(texts[i], buf), pos = 0, tl;
            const char *tok;
            int64_t count = 0;
            while (next_token(buf, len, &pos, &tok, &tl)) count++;
            if (count > width) width = count;
        }
    }
    brain_tensor *t = brain_tensor_new(2, (int64_t[]){ n, width });
    if (!t) { free(buf); return BRAIN_ERR_NOMEM; }
    for (int64_t i = 0; i < n; i++) {
        size_t len = standardize(texts[i], buf), pos = 0, tl;
        const char *tok;
        for (int64_t j = 0; j < width && next_token(buf, len, &pos, &tok, &tl); j++)
            t->data[i * width + j] = (float)lookup(v, tok, tl);
    }
    free(buf);
    *out = t;
    return BRAIN_OK;
}
