/* test_text.c — pad_sequences (Keras's pre/post padding and truncation) and the text
 * vectorizer against real Keras TextVectorization (tests/text_golden.h from
 * tools/gen_text_golden.py). */
#include "brain.h"
#include "check.h"
#include "text_golden.h"
#include <stdlib.h>

static bool row_is(const brain_tensor *t, int64_t r, const float *want, int64_t n)
{
    if (!t || t->ndim != 2 || t->shape[1] != n || r >= t->shape[0]) return false;
    for (int64_t j = 0; j < n; j++) if (t->data[r * n + j] != want[j]) return false;
    return true;
}

static void test_pad(void)
{
    /* keras.utils.pad_sequences([[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], []], ...) */
    const int32_t a[] = { 1, 2, 3 }, b[] = { 4, 5 }, c[] = { 6, 7, 8, 9, 10 };
    const int32_t *seqs[] = { a, b, c, NULL };
    const int64_t lens[] = { 3, 2, 5, 0 };
    brain_tensor *t = NULL;

    /* defaults: maxlen = 5, pad and truncate "pre", value 0 */
    CHECK_OK(brain_pad_sequences(seqs, lens, 4, NULL, &t));
    CHECK(t && t->shape[0] == 4 && t->shape[1] == 5);
    CHECK(row_is(t, 0, (float[]){ 0, 0, 1, 2, 3 }, 5));
    CHECK(row_is(t, 1, (float[]){ 0, 0, 0, 4, 5 }, 5));
    CHECK(row_is(t, 2, (float[]){ 6, 7, 8, 9, 10 }, 5));
    CHECK(row_is(t, 3, (float[]){ 0, 0, 0, 0, 0 }, 5));
    brain_tensor_free(t);

    /* maxlen 3, truncating "pre" (default) keeps the last items */
    CHECK_OK(brain_pad_sequences(seqs, lens, 4, &(brain_pad_options){ .maxlen = 3 }, &t));
    CHECK(row_is(t, 1, (float[]){ 0, 4, 5 }, 3));
    CHECK(row_is(t, 2, (float[]){ 8, 9, 10 }, 3));
    brain_tensor_free(t);

    /* truncating "post" keeps the first, padding "post" fills after, with value -1 */
    CHECK_OK(brain_pad_sequences(seqs, lens, 4, &(brain_pad_options){ .maxlen = 3, .padding = BRAIN_PAD_POST,
                                 .truncating = BRAIN_PAD_POST, .value = -1 }, &t));
    CHECK(row_is(t, 0, (float[]){ 1, 2, 3 }, 3));
    CHECK(row_is(t, 1, (float[]){ 4, 5, -1 }, 3));
    CHECK(row_is(t, 2, (float[]){ 6, 7, 8 }, 3));
    CHECK(row_is(t, 3, (float[]){ -1, -1, -1 }, 3));
    brain_tensor_free(t);

    /* padding "pre" with truncating "post", and the reverse */
    CHECK_OK(brain_pad_sequences(seqs, lens, 3, &(brain_pad_options){ .maxlen = 4, .truncating = BRAIN_PAD_POST }, &t));
    CHECK(row_is(t, 1, (float[]){ 0, 0, 4, 5 }, 4));
    CHECK(row_is(t, 2, (float[]){ 6, 7, 8, 9 }, 4));
    brain_tensor_free(t);
    CHECK_OK(brain_pad_sequences(seqs, lens, 3, &(brain_pad_options){ .maxlen = 4, .padding = BRAIN_PAD_POST }, &t));
    CHECK(row_is(t, 1, (float[]){ 4, 5, 0, 0 }, 4));
    CHECK(row_is(t, 2, (float[]){ 7, 8, 9, 10 }, 4));
    brain_tensor_free(t);

    /* errors */
    t = (brain_tensor *)1;
    CHECK_FAILS(brain_pad_sequences(seqs, lens, 0, NULL, &t), "maxlen cannot be inferred");
    CHECK(t == NULL);
    CHECK_FAILS(brain_pad_sequences(seqs, (int64_t[]){ 3, -2 }, 2, NULL, &t), "sequence 1 has length -2");
    CHECK_FAILS(brain_pad_sequences((const int32_t *[]){ a, NULL }, (int64_t[]){ 3, 2 }, 2, NULL, &t), "sequence 1 is NULL");
    CHECK_FAILS(brain_pad_sequences(seqs, lens, 4, &(brain_pad_options){ .padding = 7 }, &t), "padding is 7");
    CHECK_FAILS(brain_pad_sequences(seqs, lens, 4, &(brain_pad_options){ .maxlen = -1 }, &t), "maxlen is -1");
}

static void test_vectorizer_golden(void)
{
    for (int k = 0; k < GOLDEN_N_CONFIGS; k++) {
        const golden_tv *g = &golden_tvs[k];
        brain_text_vectorizer *v = brain_text_vectorizer_new(&(brain_text_vectorizer_options){
            .max_tokens = g->max_tokens, .output_sequence_length = g->output_sequence_length });
        CHECK(v != NULL);
        if (!v) continue;
        CHECK_OK(brain_text_vectorizer_adapt(v, golden_corpus, GOLDEN_N_CORPUS));
        CHECK_MSG(brain_text_vectorizer_vocabulary_size(v) == g->n_vocab, "config %d: vocabulary %lld, Keras %d", k,
                  (long long)brain_text_vectorizer_vocabulary_size(v), g->n_vocab);
        for (int i = 0; i < g->n_vocab; i++) {
            const char *tok = brain_text_vectorizer_token(v, i);
            CHECK_MSG(tok && !strcmp(tok, g->vocab[i]), "config %d: token %d is '%s', Keras has '%s'", k, i,
                      tok ? tok : "(null)", g->vocab[i]);
        }
        CHECK(brain_text_vectorizer_token(v, g->n_vocab) == NULL);
        brain_tensor *t = NULL;
        CHECK_OK(brain_text_vectorizer_call(v, golden_queries, GOLDEN_N_QUERIES, &t));
        CHECK(t && t->ndim == 2 && t->shape[0] == GOLDEN_N_QUERIES && t->shape[1] == g->width);
        if (t && t->shape[1] == g->width) {
            int bad = 0;
            for (int64_t i = 0; i < GOLDEN_N_QUERIES * g->width; i++) bad += t->data[i] != (float)g->ids[i];
            CHECK_MSG(bad == 0, "config %d: %d ids differ from Keras", k, bad);
        }
        brain_tensor_free(t);
        brain_text_vectorizer_free(v);
    }
}

static void test_vectorizer_behaviour(void)
{
    brain_text_vectorizer *v = brain_text_vectorizer_new(NULL);
    brain_tensor *t = (brain_tensor *)1;
    const char *q[] = { "b a" };
    CHECK_FAILS(brain_text_vectorizer_call(v, q, 1, &t), "call brain_text_vectorizer_adapt first");
    CHECK(t == NULL);

    /* counts decide the order; ties go to the larger token first; a new adapt starts afresh */
    const char *first[] = { "b a b", "c" };
    CHECK_OK(brain_text_vectorizer_adapt(v, first, 2));
    CHECK(brain_text_vectorizer_vocabulary_size(v) == 5);
    CHECK(!strcmp(brain_text_vectorizer_token(v, 2), "b"));
    CHECK(!strcmp(brain_text_vectorizer_token(v, 3), "c"));
    CHECK(!strcmp(brain_text_vectorizer_token(v, 4), "a"));
    const char *second[] = { "x" };
    CHECK_OK(brain_text_vectorizer_adapt(v, second, 1));
    CHECK(brain_text_vectorizer_vocabulary_size(v) == 3);
    CHECK_OK(brain_text_vectorizer_call(v, q, 1, &t));
    CHECK(row_is(t, 0, (float[]){ 1, 1 }, 2));
    brain_tensor_free(t);

    /* output_sequence_length pads and cuts at the END (pad_sequences' default is the start) */
    brain_text_vectorizer *w = brain_text_vectorizer_new(&(brain_text_vectorizer_options){ .output_sequence_length = 3 });
    const char *corpus[] = { "one two three four" };
    CHECK_OK(brain_text_vectorizer_adapt(w, corpus, 1));
    const char *qs[] = { "Four!", "one two three four" };
    CHECK_OK(brain_text_vectorizer_call(w, qs, 2, &t));
    /* ties: "two" > "three" > "one" > "four" in reverse byte order -> 2, 3, 4, 5 */
    CHECK(row_is(t, 0, (float[]){ 5, 0, 0 }, 3));
    CHECK(row_is(t, 1, (float[]){ 4, 2, 3 }, 3));
    brain_tensor_free(t);

    /* no strings: (0, 3) with a length, (0, 0) without */
    CHECK_OK(brain_text_vectorizer_call(w, NULL, 0, &t));
    CHECK(t && t->shape[0] == 0 && t->shape[1] == 3);
    brain_tensor_free(t);
    CHECK_OK(brain_text_vectorizer_call(v, NULL, 0, &t));
    CHECK(t && t->shape[0] == 0 && t->shape[1] == 0);
    brain_tensor_free(t);

    /* errors */
    CHECK(brain_text_vectorizer_new(&(brain_text_vectorizer_options){ .max_tokens = 1 }) == NULL);
    CHECK(strstr(brain_last_error(), "max_tokens is 1"));
    CHECK(brain_text_vectorizer_new(&(brain_text_vectorizer_options){ .output_sequence_length = -3 }) == NULL);
    CHECK(strstr(brain_last_error(), "output_sequence_length is -3"));
    const char *with_null[] = { "a", NULL };
    CHECK_FAILS(brain_text_vectorizer_adapt(v, with_null, 2), "string 1 is NULL");
    CHECK_FAILS(brain_text_vectorizer_call(v, with_null, 2, &t), "string 1 is NULL");
    brain_text_vectorizer_free(w);
    brain_text_vectorizer_free(v);
}

int main(void)
{
    test_pad();
    test_vectorizer_golden();
    test_vectorizer_behaviour();
    return check_summary("test_text");
}
