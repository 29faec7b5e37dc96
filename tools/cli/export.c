/* export.c — `brain export`: a saved model as dependency-free C, or as ONNX (docs/deploy.md).
 *
 *   brain export MODEL.keras --c DIR [--name ecg] [--int8 --calibrate DATA.npy [--fixed-point]]
 *   brain export MODEL.keras --onnx OUT.onnx
 *
 * MODEL is a .keras file (brain's or Keras 3's) or a legacy .h5.  --c writes DIR/NAME.h and
 * DIR/NAME.c (brain_export_c; DIR is created when missing); --int8 quantises, calibrating the activations' ranges on the rows
 * of DATA (.npy, or member "x" of an .npz; the model's input shape per row).  --onnx writes an
 * ONNX file (brain_export_onnx).  Both --c and --onnx may be given.
 * Exit codes: 0 done, 1 a runtime error (a file, a layer that cannot be exported), 2 a usage error. */
#include "cli.h"
#include <brain.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void export_usage(FILE *f)
{
    fprintf(f,
        "usage: brain export MODEL.keras --c DIR [--name NAME] [--int8 --calibrate DATA.npy [--fixed-point]]\n"
        "       brain export MODEL.keras --onnx OUT.onnx\n\n"
        "  --c DIR            write DIR/NAME.h and DIR/NAME.c: C99 + libm, no malloc (NAME_predict)\n"
        "  --name NAME        C prefix and file name (default: the model's name)\n"
        "  --int8             int8 post-training quantisation (needs --calibrate)\n"
        "  --calibrate FILE   representative inputs (.npy, or .npz member \"x\"), rows first\n"
        "  --fixed-point      int8: requantise with TFLite's integer multiplier and shift (no float)\n"
        "  --onnx OUT.onnx    write an ONNX model (opset 13)\n");
}

static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "brain export: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n");
    export_usage(stderr);
    return 2;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int cli_export(int argc, char **argv)
{
    const char *model_path = NULL, *c_dir = NULL, *name = NULL, *cal_path = NULL, *onnx_path = NULL;
    int int8 = 0, fixed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { export_usage(stdout); return 0; }
        if (!strcmp(a, "--int8")) { int8 = 1; continue; }
        if (!strcmp(a, "--fixed-point")) { fixed = 1; continue; }
        const char **dst = !strcmp(a, "--c") ? &c_dir : !strcmp(a, "--name") ? &name : !strcmp(a, "--calibrate") ? &cal_path
                         : !strcmp(a, "--onnx") ? &onnx_path : NULL;
        if (dst) {
            if (i + 1 >= argc || !argv[i + 1][0]) return usage_error("option %s needs a value", a);
            *dst = argv[++i];
            continue;
        }
        if (a[0] == '-') return usage_error("unknown option '%s'", a);
        if (model_path) return usage_error("one MODEL only; '%s' is a second one", a);
        model_path = a;
    }
    if (!model_path) return usage_error("%s", "MODEL is missing (a .keras or .h5 file)");
    if (!c_dir && !onnx_path) return usage_error("%s", "say what to write: --c DIR and/or --onnx OUT.onnx");
    if (int8 && !cal_path) return usage_error("%s", "--int8 needs --calibrate DATA.npy (representative inputs)");
    if (cal_path && !int8) return usage_error("%s", "--calibrate is only used with --int8");
    if (fixed && !int8) return usage_error("%s", "--fixed-point is only used with --int8");
    if ((int8 || name) && !c_dir) return usage_error("%s", "--name and --int8 apply to --c DIR");
    if (cal_path && !ends_with(cal_path, ".npy") && !ends_with(cal_path, ".npz"))
        return usage_error("--calibrate '%s': expected a .npy or .npz file", cal_path);

    brain_model *m = NULL;
    brain_tensor *cal = NULL;
    int rc = 1;
    if (brain_load_model(model_path, &m, &(brain_load_options){.compile = BRAIN_OFF}) != BRAIN_OK) goto fail;
    if (cal_path && (ends_with(cal_path, ".npz") ? brain_load_npz(cal_path, "x", &cal) : brain_load_npy(cal_path, &cal)) != BRAIN_OK)
        goto fail;
    if (c_dir && mkdir(c_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "brain export: cannot create the directory '%s': %s\n", c_dir, strerror(errno));
        goto done;
    }
    if (c_dir) {
        brain_export_c_report rep = {0};
        if (brain_export_c(m, c_dir, &(brain_export_c_options){.name = name, .int8 = int8, .int8_fixed_point = fixed,
                                                               .calibration = cal, .report = &rep}) != BRAIN_OK)
            goto fail;
        printf("wrote %s/%s.h and %s/%s.c (%s): weights %lld bytes, arena %lld bytes, %d steps per sample\n", c_dir, rep.name,
               c_dir, rep.name, int8 ? "int8" : "float32", (long long)rep.weight_bytes, (long long)rep.arena_bytes, rep.n_steps);
    }
    if (onnx_path) {
        if (brain_export_onnx(m, onnx_path) != BRAIN_OK) goto fail;
        printf("wrote %s\n", onnx_path);
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "brain export: %s\n", brain_last_error());
done:
    brain_tensor_free(cal);
    brain_model_free(m);
    return rc;
}
