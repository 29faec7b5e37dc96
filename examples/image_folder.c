/* image_folder.c — training from a folder of images, one sub-folder per class, as Keras's
 *
 *   train = keras.utils.image_dataset_from_directory("data", validation_split=0.2, subset="training",
 *                                                    seed=1, image_size=(32, 32), color_mode="grayscale")
 *   val = keras.utils.image_dataset_from_directory(..., subset="validation", ...)
 *   train = train.map(lambda x, y: (x / 255, y)).prefetch(2)
 *   model.fit(train, validation_data=val, epochs=8)
 *
 * The folder is made first (under /tmp, removed at the end): 40 × 40 PNG images of horizontal
 * or vertical stripes with a random phase and noise, written with libpng — the layout a chest
 * X-ray set has (data/normal/..., data/pneumonia/...).  The images are decoded and resized to
 * 32 × 32 when a batch needs them, scaled on two worker threads, and prefetched while the model
 * trains.  BRAIN_QUICK=1: 40 images per class, 2 epochs. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef BRAIN_HAVE_PNG /* CMake: the library reads PNG (libpng-dev), so this program can write them */
#include <png.h>
#define HAVE_PNG 1
#endif

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

#ifdef HAVE_PNG
static brain_status scale(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)i; (void)seed; (void)user;
    for (int64_t k = 0; k < b->x[0].size; k++) b->x[0].data[k] /= 255.0f;
    return BRAIN_OK;
}
#endif

int main(void)
{
#ifndef HAVE_PNG
    printf("this example writes its images with libpng (libpng-dev), which this build lacks\n");
    return 0;
#else
    const int quick = getenv("BRAIN_QUICK") != NULL, per_class = quick ? 40 : 300, epochs = quick ? 2 : 8;
    char dir[] = "/tmp/brain_image_folder_XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    const char *classes[] = { "horizontal", "vertical" };
    brain_rng r;
    brain_rng_seed(&r, 7);
    uint8_t px[40 * 40];
    for (int c = 0; c < 2; c++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, classes[c]);
        mkdir(p, 0755);
        for (int i = 0; i < per_class; i++) {
            const int phase = (int)brain_rng_below(&r, 8), period = 4 + (int)brain_rng_below(&r, 5);
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 40; x++) {
                    const int t = ((c ? x : y) + phase) % period < period / 2;
                    const double v = 60 + 130 * t + 40 * brain_rng_normal(&r);
                    px[y * 40 + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
                }
            snprintf(p, sizeof p, "%s/%s/img_%03d.png", dir, classes[c], i);
            png_image im = { .version = PNG_IMAGE_VERSION, .width = 40, .height = 40, .format = PNG_FORMAT_GRAY };
            if (!png_image_write_to_file(&im, p, 0, px, 0, NULL)) { fprintf(stderr, "cannot write %s\n", p); return 1; }
        }
    }
    printf("wrote %d PNG images (40 × 40) in %s/{horizontal,vertical}\n", 2 * per_class, dir);

    brain_directory_options o = { .image_size = { 32, 32 }, .color_mode = BRAIN_COLOR_GRAYSCALE, .batch_size = 16,
                                  .seed = 1, .has_seed = true, .validation_split = 0.2f, .subset = "training" };
    brain_dataset *train = NULL, *val = NULL;
    TRY(brain_image_dataset_from_directory(dir, &o, &train));
    o.subset = "validation";
    TRY(brain_image_dataset_from_directory(dir, &o, &val));
    int n_classes;
    const char *const *names = brain_dataset_class_names(train, &n_classes);
    printf("classes: %s, %s; %lld training and %lld validation images\n", names[0], names[1],
           (long long)brain_dataset_num_rows(train), (long long)brain_dataset_num_rows(val));
    train = brain_dataset_prefetch(brain_dataset_map(train, scale, NULL, 2), 2);
    val = brain_dataset_map(val, scale, NULL, 1);
    if (!train || !val) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }

    brain_set_random_seed(3);
    brain_model *m = brain_sequential("stripes");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(32, 32, 1))));
    TRY(brain_model_add(m, brain_conv2d(8, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){ .pool_size = { 2, 2 } })));
    TRY(brain_model_add(m, brain_flatten(NULL)));
    TRY(brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_history *h = NULL;
    TRY(brain_fit_dataset(m, train, &(brain_fit_dataset_options){ .epochs = epochs, .validation_data = val,
                                                                  .verbose = BRAIN_ONE_LINE_PER_EPOCH }, &h));
    brain_logs logs = { 0 };
    TRY(brain_evaluate_dataset(m, val, &(brain_eval_dataset_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("validation accuracy %.4f\n", acc);

    brain_history_free(h);
    brain_model_free(m);
    brain_dataset_free(train);
    brain_dataset_free(val);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    return quick || acc >= 0.9 ? 0 : 1;
#endif
}
