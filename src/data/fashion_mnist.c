/* fashion_mnist.c — Fashion-MNIST as keras.datasets.fashion_mnist.load_data() returns it:
 * x_train (60000, 28, 28) and x_test (10000, 28, 28) with the raw pixel values 0..255 (uint8 in
 * Keras, float here), y_train (60000,) and y_test (10000,) with the class indices 0..9.  The four
 * IDX files come from the Debian package dataset-fashion-mnist (no download at run time). */
#include "data_internal.h"
#include <stdlib.h>

static const char default_dir[] = "/usr/share/datasets/fashion-mnist";

/* one split: `prefix` is "train" or "t10k" */
static brain_status load_split(const char *dir, const char *prefix, brain_tensor **x, brain_tensor **y)
{
    char img[1024], lab[1024];
    snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(lab, sizeof lab, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    const char *paths[2] = { img, lab };
    for (int i = 0; i < 2; i++) {
        FILE *f = fopen(paths[i], "rb");
        if (!f)
            return brain__fail(BRAIN_ERR_IO, "Fashion-MNIST: %s is missing; install the Debian package "
                               "dataset-fashion-mnist (apt-get install dataset-fashion-mnist), or pass a directory "
                               "(or set FASHION_MNIST_DIR) holding its four .gz files", paths[i]);
        fclose(f);
    }
    brain_tensor *xi = NULL, *yi = NULL;
    brain_status s = brain_load_idx(img, &xi);
    if (!s) s = brain_load_idx(lab, &yi);
    if (!s && (xi->ndim != 3 || xi->shape[1] != 28 || xi->shape[2] != 28 || yi->ndim != 1 || yi->shape[0] != xi->shape[0]))
        s = brain__fail(BRAIN_ERR_FORMAT, "Fashion-MNIST: %s and %s are not (n, 28, 28) images with n labels", img, lab);
    if (s) {
        brain_tensor_free(xi);
        brain_tensor_free(yi);
        return s;
    }
    *x = xi;
    *y = yi;
    return BRAIN_OK;
}

brain_status brain_load_fashion_mnist(const char *dir, brain_tensor **x_train, brain_tensor **y_train,
                                      brain_tensor **x_test, brain_tensor **y_test)
{
    if (!x_train != !y_train || !x_test != !y_test || (!x_train && !x_test))
        return brain__fail(BRAIN_ERR_ARG, "brain_load_fashion_mnist: pass both outputs of a split (x and y), and at least one split");
    if (!dir) dir = getenv("FASHION_MNIST_DIR");
    if (!dir) dir = default_dir;
    brain_tensor *xa = NULL, *ya = NULL;
    if (x_train) {
        brain_status s = load_split(dir, "train", &xa, &ya);
        if (s) return s;
    }
    if (x_test) {
        brain_status s = load_split(dir, "t10k", x_test, y_test);
        if (s) {
            brain_tensor_free(xa);
            brain_tensor_free(ya);
            return s;
        }
    }
    if (x_train) {
        *x_train = xa;
        *y_train = ya;
    }
    return BRAIN_OK;
}
