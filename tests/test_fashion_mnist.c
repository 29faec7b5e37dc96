/* brain_load_fashion_mnist against the Debian package dataset-fashion-mnist (scripts/setup.sh
 * installs it): the shapes and raw values keras.datasets.fashion_mnist.load_data() gives, the
 * first labels, balanced classes and the first image's pixel sum (read independently from the
 * files with Python's gzip); and the errors: missing files name the file and the package, from a
 * directory argument and from $FASHION_MNIST_DIR. */
#include "check.h"
#include <brain.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void check_split(const brain_tensor *x, const brain_tensor *y, int64_t n, const float first[4], double sum0)
{
    CHECK(x->ndim == 3 && x->shape[0] == n && x->shape[1] == 28 && x->shape[2] == 28);
    CHECK(y->ndim == 1 && y->shape[0] == n);
    float lo = x->data[0], hi = x->data[0];
    for (int64_t i = 0; i < x->size; i++) {
        if (x->data[i] < lo) lo = x->data[i];
        if (x->data[i] > hi) hi = x->data[i];
    }
    CHECK(lo == 0.0f && hi == 255.0f); /* raw pixels, not scaled */
    double sum = 0;
    for (int i = 0; i < 28 * 28; i++) sum += x->data[i];
    CHECK_NEAR(sum, sum0, 0, 0);
    for (int i = 0; i < 4; i++) CHECK(y->data[i] == first[i]);
    int64_t count[10] = { 0 };
    bool whole = true;
    for (int64_t i = 0; i < n; i++) {
        float c = y->data[i];
        if (c < 0 || c > 9 || c != (float)(int)c) whole = false;
        else count[(int)c]++;
    }
    CHECK(whole);
    for (int c = 0; c < 10; c++) CHECK(count[c] == n / 10);
}

int main(void)
{
    brain_tensor *xtr = NULL, *ytr = NULL, *xte = NULL, *yte = NULL;
    unsetenv("FASHION_MNIST_DIR");
    CHECK_OK(brain_load_fashion_mnist(NULL, &xtr, &ytr, &xte, &yte));
    if (xtr && xte) {
        check_split(xtr, ytr, 60000, (const float[]){ 9, 0, 0, 3 }, 76247);
        check_split(xte, yte, 10000, (const float[]){ 9, 2, 1, 1 }, 33456);
    }
    brain_tensor_free(xtr);
    brain_tensor_free(ytr);
    brain_tensor_free(xte);
    brain_tensor_free(yte);

    /* the test split alone */
    xte = yte = NULL;
    CHECK_OK(brain_load_fashion_mnist("/usr/share/datasets/fashion-mnist", NULL, NULL, &xte, &yte));
    CHECK(xte && xte->shape[0] == 10000 && yte && yte->data[1] == 2.0f);
    brain_tensor_free(xte);
    brain_tensor_free(yte);

    /* an empty directory, given and through the environment */
    char dir[] = "/tmp/brain_fmnist_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char want[256];
    snprintf(want, sizeof want, "%s/t10k-images-idx3-ubyte.gz is missing", dir);
    CHECK_FAILS(brain_load_fashion_mnist(dir, NULL, NULL, &xte, &yte), want);
    CHECK_FAILS(brain_load_fashion_mnist(dir, NULL, NULL, &xte, &yte), "dataset-fashion-mnist");
    CHECK(brain_load_fashion_mnist(dir, NULL, NULL, &xte, &yte) == BRAIN_ERR_IO);
    setenv("FASHION_MNIST_DIR", dir, 1);
    snprintf(want, sizeof want, "%s/train-images-idx3-ubyte.gz is missing", dir);
    CHECK_FAILS(brain_load_fashion_mnist(NULL, &xtr, &ytr, &xte, &yte), want);
    unsetenv("FASHION_MNIST_DIR");
    rmdir(dir);
    CHECK_FAILS(brain_load_fashion_mnist(NULL, &xtr, NULL, NULL, NULL), "both outputs");
    CHECK_FAILS(brain_load_fashion_mnist(NULL, NULL, NULL, NULL, NULL), "at least one split");
    return check_summary("test_fashion_mnist");
}
