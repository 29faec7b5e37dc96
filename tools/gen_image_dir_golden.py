"""Writes tests/golden_image_dir.h: the files Keras's image_dataset_from_directory picks, in its
order, for a small folder tree, with shuffle and validation_split (seed 1337, split 0.25).

Keras indexes the folder with keras.src.utils.dataset_utils.index_directory (sorted classes,
recursive sorted walk, NumPy RandomState(seed) shuffle of paths and labels) and splits with
get_training_or_validation_split; both are plain Python + NumPy, called here as
image_dataset_from_directory calls them.  tests/test_dataset.c builds the same tree (empty
PNG files suffice for indexing) and compares brain_dataset_file_paths.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_image_dir_golden.py
"""
import os
import tempfile

from keras.src.utils import dataset_utils
from keras.src.utils.image_dataset_utils import ALLOWLIST_FORMATS

# the tree: class -> relative file names (sub-folders included)
TREE = {
    "cats": ["c%02d.png" % i for i in (3, 1, 10, 2, 7)] + ["more/c99.jpg", "more/c05.PNG"],
    "dogs": ["d%02d.jpg" % i for i in range(8)] + ["Z.png", "a.jpeg"],
    "owls": ["o1.png", "o2.png", "sub/deeper/o3.png", "sub/o0.png"],
}
SEED, SPLIT = 1337, 0.25

with tempfile.TemporaryDirectory() as root:
    d = os.path.join(root, "tree")
    for cls, files in TREE.items():
        for f in files:
            p = os.path.join(d, cls, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").close()
    paths, labels, class_names = dataset_utils.index_directory(
        d, labels="inferred", formats=ALLOWLIST_FORMATS, class_names=None, shuffle=True, seed=SEED,
        follow_links=False)
    out = {}
    for subset in ("training", "validation"):
        p, l = dataset_utils.get_training_or_validation_split(paths, labels, SPLIT, subset)
        out[subset] = [(os.path.relpath(x, d), int(y)) for x, y in zip(p, l)]

with open(os.path.join(os.path.dirname(__file__), "..", "tests", "golden_image_dir.h"), "w") as f:
    f.write("/* golden_image_dir.h — written by tools/gen_image_dir_golden.py from Keras's own index_directory\n"
            " * and get_training_or_validation_split (seed %d, validation_split %g).  Do not edit. */\n" % (SEED, SPLIT))
    f.write("static const char *const golden_tree[] = {\n")
    for cls, files in TREE.items():
        for x in files:
            f.write('    "%s/%s",\n' % (cls, x))
    f.write("    NULL };\n")
    for subset, rows in out.items():
        f.write("static const char *const golden_%s[] = {\n" % subset)
        for x, y in rows:
            f.write('    "%s",\n' % x)
        f.write("    NULL };\n")
        f.write("static const int golden_%s_labels[] = { %s };\n" % (subset, ", ".join(str(y) for _, y in rows)))
    f.write("enum { GOLDEN_SEED = %d };\n#define GOLDEN_SPLIT %gf\n" % (SEED, SPLIT))
