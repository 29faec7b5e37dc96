/* test_labels.c — to_categorical and LabelEncoder. */
#include "brain.h"
#include "check.h"
#include <stdlib.h>

static void test_to_categorical(void)
{
    float ids[5] = { 0, 2, 1, 2, 0 };
    brain_tensor *y = brain_tensor_from(ids, 1, (int64_t[]){ 5 }), *o = NULL;
    CHECK_OK(brain_to_categorical(y, 0, &o));
    CHECK(o && o->ndim == 2 && o->shape[0] == 5 && o->shape[1] == 3);
    if (o)
        for (int i = 0; i < 5; i++)
            for (int k = 0; k < 3; k++) CHECK(o->data[i * 3 + k] == (k == (int)ids[i] ? 1.0f : 0.0f));
    brain_tensor_free(o);
    CHECK_OK(brain_to_categorical(y, 5, &o));
    CHECK(o && o->shape[1] == 5 && o->data[1 * 5 + 2] == 1.0f && o->data[1 * 5 + 4] == 0.0f);
    brain_tensor_free(o);
    /* (n, 1): the trailing 1 is dropped */
    brain_tensor *y1 = brain_tensor_from(ids, 2, (int64_t[]){ 5, 1 });
    CHECK_OK(brain_to_categorical(y1, 0, &o));
    CHECK(o && o->ndim == 2 && o->shape[0] == 5 && o->shape[1] == 3);
    brain_tensor_free(o);
    brain_tensor_free(y1);

    CHECK_FAILS(brain_to_categorical(y, 2, &o), "y[1] = 2 is outside [0, 2)");
    CHECK(o == NULL);
    float bad[3] = { 0, 1.5f, 1 };
    brain_tensor *yb = brain_tensor_from(bad, 1, (int64_t[]){ 3 });
    CHECK_FAILS(brain_to_categorical(yb, 0, &o), "y[1] = 1.5 is not a class id");
    yb->data[1] = -1;
    CHECK_FAILS(brain_to_categorical(yb, 0, &o), "y[1] = -1 is not a class id");
    yb->data[2] = NAN;
    yb->data[1] = 0;
    CHECK_FAILS(brain_to_categorical(yb, 0, &o), "y[2] = nan");
    CHECK_FAILS(brain_to_categorical(yb, -3, &o), "num_classes is -3");
    CHECK_FAILS(brain_to_categorical(NULL, 0, &o), "must not be NULL");
    brain_tensor_free(yb);
    brain_tensor_free(y);
}

static void test_label_encoder(void)
{
    const char *labels[] = { "dog", "cat", "bird", "cat", "dog", "Zebra" };
    brain_label_encoder *e = brain_label_encoder_new();
    float out[6];
    CHECK_FAILS(brain_label_encoder_transform(e, labels, 6, out), "not fitted yet");
    CHECK_OK(brain_label_encoder_fit(e, labels, 6));
    CHECK(brain_label_encoder_num_classes(e) == 4);
    /* byte order, as np.unique: uppercase first */
    CHECK(!strcmp(brain_label_encoder_class(e, 0), "Zebra"));
    CHECK(!strcmp(brain_label_encoder_class(e, 1), "bird"));
    CHECK(!strcmp(brain_label_encoder_class(e, 2), "cat"));
    CHECK(!strcmp(brain_label_encoder_class(e, 3), "dog"));
    CHECK(brain_label_encoder_class(e, 4) == NULL && brain_label_encoder_class(e, -1) == NULL);
    CHECK_OK(brain_label_encoder_transform(e, labels, 6, out));
    float want[6] = { 3, 2, 1, 2, 3, 0 };
    CHECK(!memcmp(out, want, sizeof want));
    const char *unseen[] = { "cat", "cow" };
    CHECK_FAILS(brain_label_encoder_transform(e, unseen, 2, out), "labels[1] = 'cow' is a previously unseen label");
    const char *with_null[] = { "cat", NULL };
    CHECK_FAILS(brain_label_encoder_fit(e, with_null, 2), "labels[1] is NULL");
    CHECK(brain_label_encoder_num_classes(e) == 4);       /* a failed fit keeps the old one */
    /* refit replaces the classes */
    const char *two[] = { "b", "a", "b" };
    CHECK_OK(brain_label_encoder_fit(e, two, 3));
    CHECK(brain_label_encoder_num_classes(e) == 2 && !strcmp(brain_label_encoder_class(e, 0), "a"));
    brain_label_encoder_free(e);
}

int main(void)
{
    test_to_categorical();
    test_label_encoder();
    return check_summary("test_labels");
}
