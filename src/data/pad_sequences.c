/* pad_sequences.c — keras.utils.pad_sequences: n integer sequences of different lengths into one
 * (n, maxlen) float32 tensor.
 *
 * As Keras (keras/src/utils/sequence_utils.py): maxlen defaults to the longest sequence; a
 * longer sequence loses its first items (truncating "pre", keeps s[-maxlen:]) or its last
 * ("post", s[:maxlen]); a shorter one is filled with `value` before it (padding "pre") or after
 * it ("post").  Note that TextVectorization's output_sequence_length pads and truncates at the
 * end instead (text_vectorizer.c).
 */
#include "data_internal.h"

brain_status brain_pad_sequences(const int32_t *const *seqs, const int64_t *lengths, int64_t n,
                                 const brain_pad_options *opt, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!out || n < 0 || (n > 0 && (!seqs || !lengths)))
        return brain__fail(BRAIN_ERR_ARG, "pad_sequences: seqs and lengths must not be NULL, n must not be negative");
    brain_pad_options o = opt ? *opt : (brain_pad_options){ 0 };
    if (o.padding != BRAIN_PAD_PRE && o.padding != BRAIN_PAD_POST)
        return brain__fail(BRAIN_ERR_ARG, "pad_sequences: padding is %d; use BRAIN_PAD_PRE or BRAIN_PAD_POST", (int)o.padding);
    if (o.truncating != BRAIN_PAD_PRE && o.truncating != BRAIN_PAD_POST)
        return brain__fail(BRAIN_ERR_ARG, "pad_sequences: truncating is %d; use BRAIN_PAD_PRE or BRAIN_PAD_POST",
                           (int)o.truncating);
    if (o.maxlen < 0) return brain__fail(BRAIN_ERR_ARG, "pad_sequences: maxlen is %lld; it must be positive (0 = the longest)",
                                         (long long)o.maxlen);
    for (int64_t i = 0; i < n; i++) {
        if (lengths[i] < 0)
            return brain__fail(BRAIN_ERR_ARG, "pad_sequences: sequence %lld has length %lld", (long long)i, (long long)lengths[i]);
        if (lengths[i] > 0 && !seqs[i])
            return brain__fail(BRAIN_ERR_ARG, "pad_sequences: sequence %lld is NULL but has length %lld", (long long)i,
                               (long long)lengths[i]);
    }
    int64_t maxlen = o.maxlen;
    if (!maxlen) {
        if (n == 0) return brain__fail(BRAIN_ERR_ARG, "pad_sequences: no sequences, so maxlen cannot be inferred; pass it");
        for (int64_t i = 0; i < n; i++) if (lengths[i] > maxlen) maxlen = lengths[i];
    }
    brain_tensor *t = brain_tensor_new(2, (int64_t[]){ n, maxlen });
    if (!t) return BRAIN_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++) {
        float *row = t->data + i * maxlen;
        int64_t len = lengths[i] < maxlen ? lengths[i] : maxlen;
        for (int64_t j = 0; j < maxlen; j++) row[j] = o.value;
        if (!len) continue;
        const int32_t *src = seqs[i] + (o.truncating == BRAIN_PAD_PRE ? lengths[i] - len : 0);
        int64_t at = o.padding == BRAIN_PAD_PRE ? maxlen - len : 0;
        for (int64_t j = 0; j < len; j++) row[at + j] = (float)src[j];
    }
    *out = t;
    return BRAIN_OK;
}
