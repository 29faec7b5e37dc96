/* text_lstm.c — the lecture's "Code Snippet: Embedding + LSTM for Text Classification", in C.
 *
 *   # Classify patient reviews as satisfied/unsatisfied
 *   # Input: sequences of word IDs, padded to 200 tokens
 *   model = Sequential([
 *       Embedding(input_dim=10000, output_dim=64, input_length=200),
 *       LSTM(64),
 *       Dense(1, activation='sigmoid')  # Output: probability between 0 and 1
 *   ])
 *   model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
 *   model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=10)
 *   model.predict(new_review)  # e.g., 0.87 → 87% chance satisfied
 *
 * Data: brain_make_reviews — generated labelled reviews (opinions with negation and contrast
 * among neutral filler sentences; docs/data.md).  Text to ids as Keras does it:
 * TextVectorization(max_tokens=10000) adapted on the training reviews, then pad_sequences with
 * Keras's defaults (maxlen 200, padding and truncating "pre", so each review ends at the last
 * step the LSTM reads).  4,000 training, 500 validation and 1,000 test reviews, batch 32, 10 epochs.
 *
 * Run: ./build/text_lstm  (BRAIN_QUICK=1: 256 / 64 / 128 reviews, 1 epoch, for the test suite).
 * Exit codes: 0 done, 1 a library error. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

enum { MAXLEN = 200 };

/* reviews → (n, 200) ids: the vectorizer's rows (ids then 0s) re-padded "pre" by pad_sequences */
static brain_tensor *to_ids(const brain_text_vectorizer *v, const char *const *texts, int64_t n)
{
    brain_tensor *raw;
    TRY(brain_text_vectorizer_call(v, texts, n, &raw));
    const int64_t L = raw->shape[1];
    int32_t *ids = malloc(sizeof(int32_t) * (size_t)(n * L));
    int32_t **rows = malloc(sizeof(int32_t *) * (size_t)n);
    int64_t *lengths = malloc(sizeof(int64_t) * (size_t)n);
    for (int64_t i = 0; i < n; i++) {
        rows[i] = ids + i * L;
        lengths[i] = 0;
        for (int64_t t = 0; t < L && raw->data[i * L + t] != 0; t++) rows[i][lengths[i]++] = (int32_t)raw->data[i * L + t];
    }
    brain_tensor *out;
    TRY(brain_pad_sequences((const int32_t *const *)rows, lengths, n, &(brain_pad_options){.maxlen = MAXLEN}, &out));
    free(ids); free(rows); free(lengths);
    brain_tensor_free(raw);
    return out;
}

static brain_tensor *labels(const float *y, int64_t n)
{
    return brain_tensor_from(y, 2, (int64_t[]){n, 1});
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    const int64_t n_train = quick ? 256 : 4000, n_val = quick ? 64 : 500, n_test = quick ? 128 : 1000;
    brain_set_random_seed(42);

    brain_text_dataset *tr, *va, *te;
    TRY(brain_make_reviews(n_train, 1, NULL, &tr));
    TRY(brain_make_reviews(n_val, 2, NULL, &va));
    TRY(brain_make_reviews(n_test, 3, NULL, &te));
    brain_text_vectorizer *v = brain_text_vectorizer_new(&(brain_text_vectorizer_options){.max_tokens = 10000});
    if (!v) TRY(BRAIN_ERR_NOMEM);
    TRY(brain_text_vectorizer_adapt(v, tr->texts, tr->n));
    brain_tensor *x_train = to_ids(v, tr->texts, tr->n), *x_val = to_ids(v, va->texts, va->n), *x_test = to_ids(v, te->texts, te->n);
    brain_tensor *y_train = labels(tr->labels, tr->n), *y_val = labels(va->labels, va->n), *y_test = labels(te->labels, te->n);
    printf("review: \"%s\" (label %g)\n", tr->texts[0], (double)tr->labels[0]);
    printf("vocabulary: %lld tokens; x_train (%lld, %d) ids, padded \"pre\"\n\n",
           (long long)brain_text_vectorizer_vocabulary_size(v), (long long)n_train, MAXLEN);

    brain_model *m = brain_sequential("sequential");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(MAXLEN))));
    TRY(brain_model_add(m, brain_embedding(10000, 64, NULL)));
    TRY(brain_model_add(m, brain_lstm(64, NULL)));
    TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID})));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "binary_crossentropy",
                                                  .metric_names = (const char *[]){"accuracy", NULL}}));
    TRY(brain_model_summary(m, 0));
    brain_history *h = NULL;
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){.epochs = quick ? 1 : 10, .batch_size = 32, .x_val = x_val,
                                                            .y_val = y_val, .verbose = BRAIN_ONE_LINE_PER_EPOCH}, &h));
    brain_logs logs = {0};
    TRY(brain_evaluate(m, x_test, y_test, &(brain_eval_options){.verbose = BRAIN_SILENT}, &logs));
    double acc = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("Test accuracy: %.4f on %lld reviews (chance: 0.50)\n", acc, (long long)n_test);

    /* model.predict(new_review) */
    const char *new_review[] = {"The ending was slow, but the acting was wonderful. Overall it was great!"};
    brain_tensor *x_new = to_ids(v, new_review, 1), *p;
    TRY(brain_predict(m, x_new, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p));
    printf("predict(\"%s\") = %.2f\n", new_review[0], (double)p->data[0]);

    brain_tensor *all[] = {x_train, x_val, x_test, y_train, y_val, y_test, x_new, p};
    for (int i = 0; i < 8; i++) brain_tensor_free(all[i]);
    brain_history_free(h);
    brain_model_free(m);
    brain_text_vectorizer_free(v);
    brain_text_dataset_free(tr);
    brain_text_dataset_free(va);
    brain_text_dataset_free(te);
    return 0;
}
