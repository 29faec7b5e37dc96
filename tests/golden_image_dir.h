/* golden_image_dir.h — written by tools/gen_image_dir_golden.py from Keras's own index_directory
 * and get_training_or_validation_split (seed 1337, validation_split 0.25).  Do not edit. */
static const char *const golden_tree[] = {
    "cats/c03.png",
    "cats/c01.png",
    "cats/c10.png",
    "cats/c02.png",
    "cats/c07.png",
    "cats/more/c99.jpg",
    "cats/more/c05.PNG",
    "dogs/d00.jpg",
    "dogs/d01.jpg",
    "dogs/d02.jpg",
    "dogs/d03.jpg",
    "dogs/d04.jpg",
    "dogs/d05.jpg",
    "dogs/d06.jpg",
    "dogs/d07.jpg",
    "dogs/Z.png",
    "dogs/a.jpeg",
    "owls/o1.png",
    "owls/o2.png",
    "owls/sub/deeper/o3.png",
    "owls/sub/o0.png",
    NULL };
static const char *const golden_training[] = {
    "dogs/d02.jpg",
    "cats/c10.png",
    "cats/more/c05.PNG",
    "cats/c07.png",
    "cats/c01.png",
    "dogs/d04.jpg",
    "dogs/d03.jpg",
    "cats/c03.png",
    "dogs/d07.jpg",
    "dogs/d05.jpg",
    "cats/c02.png",
    "owls/o1.png",
    "owls/o2.png",
    "dogs/d01.jpg",
    "dogs/d06.jpg",
    "cats/more/c99.jpg",
    NULL };
static const int golden_training_labels[] = { 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 2, 2, 1, 1, 0 };
static const char *const golden_validation[] = {
    "dogs/d00.jpg",
    "owls/sub/deeper/o3.png",
    "owls/sub/o0.png",
    "dogs/Z.png",
    "dogs/a.jpeg",
    NULL };
static const int golden_validation_labels[] = { 1, 2, 2, 1, 1 };
enum { GOLDEN_SEED = 1337 };
#define GOLDEN_SPLIT 0.25f
